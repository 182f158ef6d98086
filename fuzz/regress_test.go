package fuzz

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// Regression tests for bugs the fuzz targets found in other packages. Each one fails while
// the bug is there.

// CreateVServerGroup draws a resource id before it checks BackendServers, so a refused call
// still advances the id counter in the state (and in a state file): the next resource gets
// another id than it would have, and Snapshot differs after a refusal.
func TestRefusedGroupKeepsTheIDCounter(t *testing.T) {
	w, err := NewInProcessWorld(true)
	if err != nil {
		t.Fatal(err)
	}
	before := w.Snapshot()
	x := Wire{Method: http.MethodPost, Query: spec.ParamAction + "=" + spec.ActionCreateVServerGroup + "&" + spec.ParamVersion + "=" + w.S.APIVersion +
		"&" + spec.ParamLoadBalancerID + "=" + w.Slots[spec.SlotLB] + "&" + spec.ParamBackendServers + "=["}
	a := ServeWire(w.Emu, x)
	if a.Status < 400 {
		t.Fatalf("the request was not refused: %d %s", a.Status, a.Body)
	}
	if after := w.Snapshot(); !bytes.Equal(before, after) {
		t.Fatalf("a refused CreateVServerGroup changed the state:\n%s", diffAt(before, after))
	}
}

// Every code the emulator answers is in a catalogue of package spec (the operation's, the
// gateway's or the neighbouring operations'): a client that trusts the catalogue knows them all.
func TestEmulatorCodesAreInTheCatalogue(t *testing.T) {
	s := spec.MustDefault()
	w, err := NewInProcessWorld(false)
	if err != nil {
		t.Fatal(err)
	}
	lb := w.Slots[spec.SlotLB]
	primary := w.primary
	cases := []struct {
		name, action string
		params       url.Values
		token        string
	}{
		{"InvalidSecurityToken.MismatchWithAccessKey", spec.ActionCreateHTTPSListener, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamListenerPort: {"443"}}, "not-a-token-of-this-key"},
		{"ResourceNotFound", spec.ActionDescribeHTTPSListener, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamListenerPort: {"8443"}}, ""},
		{"CertificateFormatError", spec.ActionUploadServerCertificate, url.Values{spec.ParamServerCertificate: {"x"}, spec.ParamPrivateKey: {"y"}}, ""},
		{"AclExistSameName", spec.ActionCreateACL, url.Values{spec.ParamACLName: {"fuzz-acl-fuzz-nonce-1"}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := url.Values{spec.ParamAction: {c.action}, spec.ParamVersion: {s.APIVersion}, spec.ParamRegionID: {"cn-hangzhou"}}
			for k, vs := range c.params {
				q[k] = vs
			}
			creds := primary
			creds.SecurityToken = c.token
			signature.AddV1Params(q, creds, FixedTime)
			q.Set(spec.ParamSignature, signature.SignV1(http.MethodPost, creds.AccessKeySecret, q))
			a := ServeWire(w.Emu, Wire{Method: http.MethodPost, Query: q.Encode()})
			if _, code := AnswerCode(a); code != c.name {
				t.Fatalf("expected the emulator to answer %s, got %s: %s", c.name, code, a.Body)
			}
			if _, ok := s.Error(c.name); !ok {
				t.Fatalf("%s (answered by the emulator to %s) is in neither catalogue", c.name, c.action)
			}
		})
	}
}

// target.Decode reads an XML body with two root elements (not a well-formed document) as the
// children of the second one under the name of the first: a success root followed by an
// <Error> decodes as an error whose root says success, without a DecodeErr.
func TestDecodeRefusesASecondXMLRoot(t *testing.T) {
	body := `<CreateLoadBalancerHTTPSListenerResponse><RequestId>R</RequestId></CreateLoadBalancerHTTPSListenerResponse><Error><Code>Forbidden</Code><RequestId>E</RequestId></Error>`
	r := &target.Response{Status: 200, Body: []byte(body)}
	target.Decode(r)
	if r.DecodeErr == nil {
		t.Fatalf("two XML roots decoded without complaint: root %v, Code %q, RequestId %q", r.Fields["_root"], r.Code, r.RequestID)
	}
}

// Problems, the oracle of FuzzWire and the signature targets, flags the shapes that crash the
// official SDK, undocumented codes, missing RequestIds, the panic text and 5xx answers.
func TestProblemsFlagsCrashingShapes(t *testing.T) {
	s := spec.MustDefault()
	h := http.Header{"Content-Type": {"application/json;charset=utf-8"}}
	for _, body := range []string{
		`{"RequestId":"R","HostId":"h","Code":400,"Message":"m"}`,
		`{"RequestId":1,"HostId":"h","Code":"InvalidParameter","Message":"m"}`,
		`{"RequestId":"R","HostId":"h","Code":"NoPermission","Message":"m","AccessDeniedDetail":"denied"}`,
		`{"RequestId":"R","HostId":"h","Code":"MadeUp","Message":"m"}`,
		`{"HostId":"h","Code":"InvalidParameter","Message":"m"}`,
		`{"RequestId":"R","HostId":"h","Code":"InvalidParameter","Message":"emulator fault: boom"}`,
	} {
		if p := Problems(s, spec.ActionCreateHTTPSListener, Answer{Status: 400, Header: h, Body: []byte(body)}); len(p) == 0 {
			t.Errorf("Problems accepts %s", body)
		}
	}
	ok := `{"RequestId":"R","HostId":"h","Code":"InvalidParameter","Message":"m","Recommend":""}`
	if p := Problems(s, spec.ActionCreateHTTPSListener, Answer{Status: 400, Header: h, Body: []byte(ok)}); len(p) > 0 {
		t.Errorf("Problems refuses a proper error: %s", strings.Join(p, "; "))
	}
	if p := Problems(s, spec.ActionCreateHTTPSListener, Answer{Status: 500, Header: h, Body: []byte(ok)}); len(p) == 0 {
		t.Error("Problems accepts a 500")
	}
	if p := Problems(s, spec.ActionCreateHTTPSListener, Answer{Status: 200, Header: h, Body: []byte(`{"RequestId":"R","Code":""}`)}); len(p) == 0 {
		t.Error("Problems accepts a success with a Code")
	}
}
