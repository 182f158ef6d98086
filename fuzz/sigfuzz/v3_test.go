package sigfuzz

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/clbcheck/clbcheck/fuzz/mutation"
	"github.com/clbcheck/clbcheck/signature"
)

// FuzzSignatureV3: see the package documentation.
func FuzzSignatureV3(f *testing.F) {
	for i, seed := range mutation.SeedQueries {
		for op := range mutation.V3Kinds {
			f.Add(seed, "", "", "v", uint8(op), uint16(i), uint16(i*7), uint8(1+i), "Extra")
		}
	}
	f.Add("a=1", "Bandwidth=-1&Tag.1.Key=k", "application/x-www-form-urlencoded", " padded ", uint8(mutation.V3Header), uint16(1), uint16(0), uint8(0x20), "")
	f.Add("a=1", `{"a":1}`, "application/json", "x", uint8(mutation.V3Body), uint16(0), uint16(0), uint8(1), "")
	f.Add("a=1", "", "", "x", uint8(mutation.V3RawQuery), uint16(0), uint16(0), uint8(1), "%zz")
	f.Fuzz(func(t *testing.T, query, body, contentType, header string, op uint8, index, pos uint16, mask uint8, extra string) {
		checkV3(t, query, []byte(body), contentType, header, mutation.Mutation{Op: op, Index: index, Pos: pos, Mask: mask, Extra: extra})
	})
}

// The request the V3 target signs: any action, version, key and instant do.
var (
	v3Creds = signature.Credentials{AccessKeyID: "fuzz-key", AccessKeySecret: secret}
	v3Time  = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
)

// checkV3 signs a POST of query and body with V3, verifies it, makes the change m and
// verifies again.
func checkV3(t failer, query string, body []byte, contentType, header string, m mutation.Mutation) {
	params, _ := url.ParseQuery(query)
	req := mutation.NewRequest(http.MethodPost, mutation.Encode(params), body)
	req.Header.Set(signature.HeaderAction, "FuzzAction")
	req.Header.Set(signature.HeaderVersion, "1")
	if contentType != "" && len(body) > 0 {
		req.Header["Content-Type"] = []string{contentType}
	}
	if header != "" {
		req.Header["X-Acs-Fuzz"] = []string{header}
	}
	if err := signature.SignV3(req, body, v3Creds, v3Time, "fuzz-nonce"); err != nil {
		t.Fatalf("SignV3: %v", err)
	}
	if ok, sts, err := signature.VerifyV3(req, body, secret); !ok || err != nil {
		t.Fatalf("VerifyV3 rejects what SignV3 signed (err %v):\n%s", err, sts)
	}
	auth, err := signature.ParseAuthorizationV3(req.Header.Get(signature.HeaderAuthorization))
	if err != nil {
		t.Fatalf("ParseAuthorizationV3 refuses what SignV3 wrote: %v", err)
	}
	c := m.ApplyV3(req, body, params, auth.SignedHeaders, nil)
	ok, sts, err := signature.VerifyV3(c.Req, c.Body, secret)
	switch {
	case ok && !c.Unchanged:
		t.Fatalf("VerifyV3 accepts a changed request (%s)", c.What)
	case !c.QueryChanged && c.Unchanged && (!ok || err != nil):
		t.Fatalf("VerifyV3 rejects a request equivalent to the signed one (%s): err %v\n%s", c.What, err, sts)
	}
}
