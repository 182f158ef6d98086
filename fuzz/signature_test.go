package fuzz

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clbcheck/clbcheck/fuzz/mutation"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// sigEmulator is one emulator per process for the signature targets. They only send
// DescribeLoadBalancerListeners, which never changes the state, and a fresh nonce each time,
// so sharing it keeps inputs independent. Its clock is fixed, so the nonces it remembers never
// expire: it is replaced by a fresh one every sigRenewAfter nonces, which keeps its replay
// cache (and the heap the garbage collector scans) small and far from Config.MaxNonces, whose
// limit would otherwise turn a long run's answers into throttling.
var (
	sigMu     sync.Mutex
	sigEmu    *emulator.Emulator
	sigCreds  signature.Credentials
	sigNonce  int // nonces handed out in this process
	sigServed int // nonces handed out since sigEmu was built
)

const sigRenewAfter = 1 << 15

func sigWorld(t failer) (*emulator.Emulator, signature.Credentials) {
	sigMu.Lock()
	defer sigMu.Unlock()
	if sigEmu == nil || sigServed >= sigRenewAfter {
		cfg := emulator.DefaultConfig()
		cfg.Now = func() time.Time { return FixedTime }
		emu, err := emulator.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		sigEmu, sigServed = emu, 0
		sigCreds = cfg.MustPrincipal(emulator.PrincipalPrimary).Credentials
	}
	return sigEmu, sigCreds
}

func nextNonce() string {
	sigMu.Lock()
	defer sigMu.Unlock()
	sigNonce++
	sigServed++
	return "sig-nonce-" + strconv.Itoa(sigNonce)
}

// sigAction is the operation the signature targets call on the emulator: a read that passes
// any extra parameter through validation without changing anything.
const sigAction = spec.ActionDescribeListeners

// The codes the signature targets compare answers with, looked up once instead of per input:
// the gateway's authentication refusals and its bad-signature code.
var (
	sigAuthCodes = authCodes(spec.MustDefault())
	badSigCode   = func() string { e, _ := spec.MustDefault().GatewayError("bad-signature"); return e.Code }()
)

// FuzzGatewayV1 sends the parameters of a query, signed with V1, to the emulator: the signed
// request must pass authentication. It then makes one change (mutation.Mutation) to the
// business parameters, keeping the original signature and nonce, and sends that: the changed
// request must get SignatureDoesNotMatch (or an earlier refusal when the change reaches a
// parameter the gateway reads before authenticating), unless it carries the same parameters,
// or the same with repeated identical values once. Package fuzz/sigfuzz's FuzzSignatureV1
// checks package signature itself on the same inputs.
func FuzzGatewayV1(f *testing.F) {
	for _, seed := range signatureSeeds() {
		f.Add(seed, "POST", uint8(0), uint16(3), uint16(1), uint8(0x20), "Extra", false)
		f.Add(seed, "GET", uint8(1), uint16(0), uint16(0), uint8(1), "Tag.1.Key", true)
		f.Add(seed, "POST", uint8(2), uint16(7), uint16(2), uint8(4), "", true)
		f.Add(seed, "POST", uint8(3), uint16(1), uint16(0), uint8(0x40), "", false)
	}
	f.Add("a=1&a=1&b=2", "POST", uint8(4), uint16(0), uint16(0), uint8(0), "a", false)
	f.Add("Signature=abc&a=", "get", uint8(1), uint16(0), uint16(0), uint8(0), "Signature", true)
	// method is FuzzSignatureV1's (the two share the corpus); here mask's top bit picks GET.
	f.Fuzz(func(t *testing.T, query, method string, op uint8, index, pos uint16, mask uint8, extra string, inBody bool) {
		profileWorker()
		params, _ := url.ParseQuery(query) // what parses; the rest is dropped
		delete(params, spec.ParamSignature)
		m := mutation.Mutation{Op: op, Index: index, Pos: pos, Mask: mask, Extra: extra}
		checkV1Emulator(t, params, m, inBody, mask&0x80 != 0)
	})
}

// signedV1Wire builds a V1 request to sigAction carrying business (minus the names the
// gateway reads before authenticating), signed over exactly what is sent.
func signedV1Wire(creds signature.Credentials, business url.Values, method string, inBody bool) (Wire, url.Values, url.Values) {
	common := url.Values{spec.ParamAction: {sigAction}, spec.ParamVersion: {spec.MustDefault().APIVersion}}
	signature.AddV1Params(common, creds, FixedTime)
	common.Set(spec.ParamSignatureNonce, nextNonce())
	all := mutation.Clone(common)
	for k, vs := range business {
		all[k] = append(all[k], vs...)
	}
	common.Set(spec.ParamSignature, signature.SignV1(method, creds.AccessKeySecret, all))
	return v1Wire(method, common, business, inBody), common, all
}

func v1Wire(method string, common, business url.Values, inBody bool) Wire {
	w := Wire{Method: method}
	if inBody {
		w.Query, w.Body, w.ContentType = mutation.Encode(common), mutation.Encode(business), spec.MustDefault().Wire.BodyContentType
		return w
	}
	q := mutation.Clone(common)
	for k, vs := range business {
		q[k] = append(q[k], vs...)
	}
	w.Query = mutation.Encode(q)
	return w
}

func checkV1Emulator(t failer, params url.Values, m mutation.Mutation, inBody, get bool) {
	s := spec.MustDefault()
	emu, creds := sigWorld(t)
	business := mutation.Clone(params)
	for k := range business {
		if preAuth(k) {
			delete(business, k)
		}
	}
	method := http.MethodPost
	if get {
		method = http.MethodGet
	}
	w, common, all := signedV1Wire(creds, business, method, inBody)
	a := ServeWire(emu, w)
	r := decodeAnswer(a)
	if p := responseProblems(s, sigAction, r); len(p) > 0 {
		t.Fatalf("%s\n%s", strings.Join(p, "\n"), describeWire(w))
	}
	_, code := responseCode(r)
	if sigAuthCodes[code] {
		t.Fatalf("the emulator refuses a correctly signed V1 request with %s: %s\n%s", code, clip(a.Body, 400), describeWire(w))
	}
	// The mutated request keeps the original signature and nonce.
	mutBusiness := m.Apply(business, nil)
	touchedPreAuth := false
	for k := range mutBusiness {
		if preAuth(k) {
			touchedPreAuth = true
		}
	}
	mutAll := mutation.Clone(common)
	delete(mutAll, spec.ParamSignature)
	for k, vs := range mutBusiness {
		mutAll[k] = append(mutAll[k], vs...)
	}
	mw := v1Wire(method, common, mutBusiness, inBody)
	ma := ServeWire(emu, mw)
	mr := decodeAnswer(ma)
	if p := responseProblems(s, sigAction, mr); len(p) > 0 {
		t.Fatalf("%s\n%s", strings.Join(p, "\n"), describeWire(mw))
	}
	status, mcode := responseCode(mr)
	// The emulator also accepts a request whose repeated identical values were signed once.
	equivalent := mutation.Same(mutAll, all) || mutation.Same(mutation.Dedupe(mutAll), all)
	switch {
	case equivalent:
		if mcode == badSigCode {
			t.Fatalf("the emulator refuses a request equivalent to the signed one with %s\n%s", mcode, describeWire(mw))
		}
	case touchedPreAuth:
		if status < 400 {
			t.Fatalf("the emulator accepts a changed request (mutation %+v)\n%s", m, describeWire(mw))
		}
	case mcode != badSigCode:
		t.Fatalf("a changed V1 request (mutation %+v) got %d %s, not %s: %s\nsigned  %s\nchanged %s", m, status, mcode, badSigCode, clip(ma.Body, 300), describeWire(w), describeWire(mw))
	}
}

// FuzzGatewayV3 sends a request signed with V3 (query, body, content type and one extra x-acs-
// header from the input) to the emulator, which must accept its signature, then makes one
// change (mutation.Mutation.ApplyV3: a parameter, a signed header's value, a removed header,
// the body, the method, raw bytes after the query) and sends that: it must be refused (with
// SignatureDoesNotMatch where the change reaches only what is signed) unless the canonical
// request stayed the same. Package fuzz/sigfuzz's FuzzSignatureV3 checks VerifyV3 itself on
// the same inputs.
func FuzzGatewayV3(f *testing.F) {
	for i, seed := range signatureSeeds() {
		f.Add(seed, "", "", "v", uint8(i%mutation.V3Kinds), uint16(i), uint16(i*7), uint8(1+i), "Extra")
	}
	f.Add("a=1", "Bandwidth=-1&Tag.1.Key=k", "application/x-www-form-urlencoded", " padded ", uint8(mutation.V3Header), uint16(1), uint16(0), uint8(0x20), "")
	f.Add("a=1", `{"a":1}`, "application/json", "x", uint8(mutation.V3Body), uint16(0), uint16(0), uint8(1), "")
	f.Add("a=1", "", "", "x", uint8(mutation.V3RawQuery), uint16(0), uint16(0), uint8(1), "%zz")
	f.Fuzz(func(t *testing.T, query, body, contentType, header string, op uint8, index, pos uint16, mask uint8, extra string) {
		profileWorker()
		checkV3(t, query, []byte(body), contentType, header, mutation.Mutation{Op: op, Index: index, Pos: pos, Mask: mask, Extra: extra})
	})
}

// signedV3 builds a POST of params and body to sigAction, signed with V3 by creds.
func signedV3(t failer, s *spec.Spec, creds signature.Credentials, params url.Values, body []byte, contentType, header string) *http.Request {
	req := mutation.NewRequest(http.MethodPost, mutation.Encode(params), body)
	req.Header.Set(signature.HeaderAction, sigAction)
	req.Header.Set(signature.HeaderVersion, s.APIVersion)
	if contentType != "" && len(body) > 0 {
		req.Header["Content-Type"] = []string{contentType}
	}
	if header != "" {
		req.Header["X-Acs-Fuzz"] = []string{header}
	}
	if err := signature.SignV3(req, body, creds, FixedTime, nextNonce()); err != nil {
		t.Fatalf("SignV3: %v", err)
	}
	return req
}

func checkV3(t failer, query string, body []byte, contentType, header string, m mutation.Mutation) {
	s := spec.MustDefault()
	emu, creds := sigWorld(t)
	params, _ := url.ParseQuery(query)
	for k := range params {
		if preAuth(k) {
			delete(params, k)
		}
	}
	if len(body) > 0 && contentType == "" {
		contentType = s.Wire.BodyContentType
	}
	if !bodyPassesGateway(s, contentType, body) {
		return
	}
	req := signedV3(t, s, creds, params, body, contentType, header)
	a := serveRequest(emu, req, body)
	r := decodeAnswer(a)
	if p := responseProblems(s, sigAction, r); len(p) > 0 {
		t.Fatalf("%s\nquery %q body %q", strings.Join(p, "\n"), req.URL.RawQuery, body)
	}
	if _, code := responseCode(r); sigAuthCodes[code] {
		t.Fatalf("the emulator refuses a correctly signed V3 request with %s: %s\nquery %q headers %q body %q", code, clip(a.Body, 400), req.URL.RawQuery, req.Header, body)
	}
	auth, _ := signature.ParseAuthorizationV3(req.Header.Get(signature.HeaderAuthorization))
	c := m.ApplyV3(req, body, params, auth.SignedHeaders, preAuth)
	ma := serveRequest(emu, c.Req, c.Body)
	if c.QueryChanged {
		if status, code := AnswerCode(ma); status < 400 {
			t.Fatalf("the emulator accepts a V3 request whose query changed after signing (%s): %d %s", c.What, status, code)
		}
		return
	}
	mr := decodeAnswer(ma)
	if p := responseProblems(s, sigAction, mr); len(p) > 0 {
		t.Fatalf("%s\n(%s)", strings.Join(p, "\n"), c.What)
	}
	status, code := responseCode(mr)
	op := m.Op % mutation.V3Kinds
	switch {
	case c.Unchanged:
		if code == badSigCode {
			t.Fatalf("the emulator refuses an equivalent V3 request (%s) with %s", c.What, code)
		}
	case status < 400:
		t.Fatalf("the emulator accepts a changed V3 request (%s): %d", c.What, status)
	case op < mutation.Kinds || op == mutation.V3Method ||
		(op == mutation.V3Body && bodyPassesGateway(s, c.Req.Header.Get("Content-Type"), c.Body)):
		if code != badSigCode {
			t.Fatalf("a changed V3 request (%s) got %d %s, not %s: %s", c.What, status, code, badSigCode, clip(ma.Body, 300))
		}
	}
}

// bodyPassesGateway reports whether the emulator reads a body without refusing it before
// authentication: a form body must decode and a JSON body must be an object, and neither may
// carry a name the gateway reads first (Action, Version, Format or a V1 parameter, which
// would send the request down the V1 path).
func bodyPassesGateway(s *spec.Spec, contentType string, body []byte) bool {
	var names []string
	switch bodyKind(s, contentType, string(body)) {
	case "form":
		f, err := url.ParseQuery(string(body))
		if err != nil {
			return false
		}
		for k := range f {
			names = append(names, k)
		}
	case "json":
		dec := json.NewDecoder(bytes.NewReader(body))
		var doc map[string]any
		if err := dec.Decode(&doc); err != nil {
			return false
		}
		for k := range doc {
			names = append(names, k)
		}
	}
	for _, k := range names {
		if preAuth(k) {
			return false
		}
	}
	return true
}

func readCloser(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }

// serveRequest hands a built request to a handler with a fresh copy of its body.
func serveRequest(h http.Handler, r *http.Request, body []byte) Answer {
	in := r.Clone(context.Background())
	in.Body = readCloser(body)
	in.ContentLength = int64(len(body))
	return serve(h, in)
}

// signatureSeeds are queries for the signature targets: the operation's published vector and
// the parameters of a few generated cases. They are built once per process: a libFuzzer build
// (ClusterFuzzLite) runs the whole Fuzz function, seeds included, for every input, and
// enumerating the catalogue costs milliseconds.
func signatureSeeds() []string {
	seedsOnce.Do(func() { seeds = buildSignatureSeeds() })
	return seeds
}

var (
	seedsOnce sync.Once
	seeds     []string
)

func buildSignatureSeeds() []string {
	out := slices.Clone(mutation.SeedQueries)
	s := spec.MustDefault()
	cases := generators.Enumerate(s, generators.Options{})
	for i := 0; i < len(cases) && len(out) < 12; i += 61 {
		out = append(out, mutation.Encode(generators.Values(cases[i].Params, generators.Placeholder)))
	}
	return out
}
