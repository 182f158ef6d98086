package fuzz

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// envelopeStrings are the error fields an official SDK reads with an unchecked string type
// assertion (wire-and-signing.md, section 6).
var envelopeStrings = []string{spec.FieldCode, spec.FieldMessage, spec.FieldRequestID, spec.FieldHostID, spec.FieldRecommend}

// FuzzDecode feeds arbitrary bodies to target.Decode, the tolerant reader of untrusted
// answers. It must never panic, and it must flag in DecodeErr every JSON body whose envelope
// fields are not strings or whose AccessDeniedDetail is not an object (the shapes that crash
// the official Go SDK), and every body that is not a JSON object or XML document at all.
// When it does not complain, the envelope fields it reports are the ones in the body.
func FuzzDecode(f *testing.F) {
	for _, seed := range decodeSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		profileWorker()
		r := &target.Response{Status: 400, Body: body}
		target.Decode(r)
		trimmed := bytes.TrimSpace(body)
		if len(trimmed) == 0 || (trimmed[0] != '{' && trimmed[0] != '<') {
			if r.DecodeErr == nil {
				t.Fatalf("a body that is neither JSON nor XML decoded without complaint: %q", clip(body, 200))
			}
			return
		}
		if trimmed[0] == '{' {
			want, err := jsonEnvelope(trimmed)
			switch {
			case err != nil && r.DecodeErr == nil:
				t.Fatalf("malformed JSON decoded without complaint (%v): %s", err, clip(body, 200))
			case err == nil && want != "" && r.DecodeErr == nil:
				t.Fatalf("%s, but DecodeErr is nil: %s", want, clip(body, 200))
			case err == nil && want == "" && r.DecodeErr != nil:
				t.Fatalf("a well-typed JSON envelope was refused (%v): %s", r.DecodeErr, clip(body, 200))
			}
		}
		if r.DecodeErr != nil {
			return
		}
		if r.Fields == nil {
			t.Fatalf("no DecodeErr but no fields either: %s", clip(body, 200))
		}
		got := map[string]string{spec.FieldCode: r.Code, spec.FieldMessage: r.Message, spec.FieldRequestID: r.RequestID, spec.FieldHostID: r.HostID, spec.FieldRecommend: r.Recommend}
		for _, name := range envelopeStrings {
			v, present := r.Fields[name]
			if !present || v == nil {
				if got[name] != "" {
					t.Fatalf("%s is %q though the body has none", name, got[name])
				}
				continue
			}
			s, ok := v.(string)
			if !ok {
				t.Fatalf("%s is %T in Fields but DecodeErr is nil: %s", name, v, clip(body, 200))
			}
			if s != got[name] {
				t.Fatalf("%s is %q in Fields but %q in the Response", name, s, got[name])
			}
		}
		if d, ok := r.Fields[spec.FieldAccessDeniedDetail]; ok && d != nil {
			if _, isObj := d.(map[string]any); !isObj {
				t.Fatalf("AccessDeniedDetail is %T but DecodeErr is nil: %s", d, clip(body, 200))
			}
		}
	})
}

// jsonEnvelope reads a JSON object independently of target.Decode (the first value only, as
// a streaming client does) and says which envelope field has the wrong type ("" for none).
func jsonEnvelope(body []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return "", err
	}
	var bad []string
	for _, name := range envelopeStrings {
		if v, ok := m[name]; ok && v != nil {
			if _, isStr := v.(string); !isStr {
				bad = append(bad, fmt.Sprintf("%s is %T", name, v))
			}
		}
	}
	if v, ok := m[spec.FieldAccessDeniedDetail]; ok && v != nil {
		if _, isObj := v.(map[string]any); !isObj {
			bad = append(bad, fmt.Sprintf("AccessDeniedDetail is %T", v))
		}
	}
	return strings.Join(bad, "; "), nil
}

// decodeSeeds are the hostile shapes: every SDK-crashing field type, malformed and truncated
// JSON and XML, deep nesting, a large body, byte-order marks and HTML.
func decodeSeeds() [][]byte {
	base := `"RequestId":"R","HostId":"slb.aliyuncs.com","Code":"InvalidParameter","Message":"m","Recommend":"r"`
	out := []string{
		`{` + base + `}`,
		`{"RequestId":"R"}`,
		`<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>R</RequestId><HostId>h</HostId><Code>C</Code><Message>m</Message><Recommend>r</Recommend></Error>`,
		`<CreateLoadBalancerHTTPSListenerResponse><RequestId>R</RequestId></CreateLoadBalancerHTTPSListenerResponse>`,
		`<Error><Code>a</Code><Code>b</Code></Error>`,
		`<Error><Code><Inner>x</Inner></Code></Error>`,
		`<Error><AccessDeniedDetail>text</AccessDeniedDetail></Error>`,
		`<Error><Code>C</Code>`,
		`<Error></Wrong>`,
		`<a></a><b><Code>x</Code></b>`,
		`{"RequestId":"R","Code":"NoPermission","AccessDeniedDetail":{"AuthAction":"slb:X","NoPermissionType":"ExplicitDeny"}}`,
		`{"Code":null,"Message":null}`,
		`{"Code":"A","Code":{"x":1}}`,
		`{"RequestId":"R"} trailing`,
		`{"RequestId":"R"`,
		`{"RequestId":"\ud800"}`,
		"\xef\xbb\xbf{\"RequestId\":\"R\"}",
		`<html><body>502 Bad Gateway</body></html>`,
		`Internal Server Error`,
		``,
		`   `,
		`[]`,
		`null`,
	}
	for _, field := range append(append([]string{}, envelopeStrings...), spec.FieldAccessDeniedDetail) {
		for _, v := range []string{`1`, `1.5e300`, `true`, `[]`, `["x"]`, `{}`, `{"a":"b"}`, `"s"`, `-0`} {
			out = append(out, `{`+base+`,"`+field+`":`+v+`}`)
		}
	}
	out = append(out,
		strings.Repeat(`{"a":`, 20000)+`1`+strings.Repeat(`}`, 20000),
		`{"Code":`+strings.Repeat(`[`, 5000)+strings.Repeat(`]`, 5000)+`}`,
		strings.Repeat(`<a>`, 40)+strings.Repeat(`</a>`, 40),
		`{"Message":"`+strings.Repeat("x", 1<<18)+`"}`,
	)
	b := make([][]byte, len(out))
	for i, s := range out {
		b[i] = []byte(s)
	}
	return b
}
