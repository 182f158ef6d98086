package fuzz

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

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

// FuzzSignatureV1 signs the decoded parameters of a query with V1, checks that the verifier
// accepts them, applies one mutation and checks that the verifier rejects the result unless
// it carries exactly the same parameters (same names, values and order; same method up to
// case; exactly the one original Signature). The same pair then goes through the emulator:
// the signed request must pass authentication, the mutated one must get
// SignatureDoesNotMatch (or an earlier refusal when the mutation reaches a parameter the
// gateway reads before authenticating).
func FuzzSignatureV1(f *testing.F) {
	for _, seed := range signatureSeeds() {
		f.Add(seed, "POST", uint8(0), uint16(3), uint16(1), uint8(0x20), "Extra", false)
		f.Add(seed, "GET", uint8(1), uint16(0), uint16(0), uint8(1), "Tag.1.Key", true)
		f.Add(seed, "POST", uint8(2), uint16(7), uint16(2), uint8(4), "", true)
		f.Add(seed, "POST", uint8(3), uint16(1), uint16(0), uint8(0x40), "", false)
	}
	f.Add("a=1&a=1&b=2", "POST", uint8(4), uint16(0), uint16(0), uint8(0), "a", false)
	f.Add("Signature=abc&a=", "get", uint8(1), uint16(0), uint16(0), uint8(0), "Signature", true)
	f.Fuzz(func(t *testing.T, query, method string, op uint8, index, pos uint16, mask uint8, extra string, inBody bool) {
		profileWorker()
		params, _ := url.ParseQuery(query) // what parses; the rest is dropped
		delete(params, spec.ParamSignature)
		if method == "" {
			method = http.MethodPost
		}
		m := Mutation{Op: op, Index: index, Pos: pos, Mask: mask, Extra: extra}
		checkV1Package(t, method, params, m)
		checkV1Emulator(t, params, m, inBody, mask&0x80 != 0)
	})
}

func checkV1Package(t failer, method string, params url.Values, m Mutation) {
	const secret = "fuzz-secret"
	sig := signature.SignV1(method, secret, params)
	signed := cloneValues(params)
	signed.Set(spec.ParamSignature, sig)
	if sig2 := signature.SignV1(method, secret, signed); sig2 != sig {
		t.Fatalf("SignV1 does not ignore the Signature it is given: %s then %s", sig, sig2)
	}
	if ok, sts := signature.VerifyV1(method, signed, secret); !ok {
		t.Fatalf("VerifyV1 rejects what SignV1 signed:\n%s\nparams %q", sts, params)
	}
	// Mutate the signed set (the Signature itself is a fair target), or the method.
	mut := m.Apply(signed, nil)
	method2 := method
	if m.Op%(mutCount+1) == mutCount {
		method2 = map[bool]string{true: http.MethodGet, false: http.MethodPost}[strings.EqualFold(method, http.MethodPost)]
		mut = cloneValues(signed)
	}
	unchanged := SameValues(withoutSig(mut), params) && strings.EqualFold(method, method2) &&
		len(mut[spec.ParamSignature]) == 1 && mut[spec.ParamSignature][0] == sig
	ok, sts := signature.VerifyV1(method2, mut, secret)
	switch {
	case unchanged && !ok:
		t.Fatalf("VerifyV1 rejects an unchanged request (mutation %+v):\n%s", m, sts)
	case !unchanged && ok:
		t.Fatalf("VerifyV1 accepts a changed request (mutation %+v, method %s -> %s):\nsigned  %q\nchanged %q", m, method, method2, signed, mut)
	}
}

func withoutSig(v url.Values) url.Values {
	out := cloneValues(v)
	delete(out, spec.ParamSignature)
	return out
}

// signedV1Wire builds a V1 request to sigAction carrying business (minus the names the
// gateway reads before authenticating), signed over exactly what is sent.
func signedV1Wire(creds signature.Credentials, business url.Values, method string, inBody bool) (Wire, url.Values, url.Values) {
	common := url.Values{spec.ParamAction: {sigAction}, spec.ParamVersion: {spec.MustDefault().APIVersion}}
	signature.AddV1Params(common, creds, FixedTime)
	common.Set(spec.ParamSignatureNonce, nextNonce())
	all := cloneValues(common)
	for k, vs := range business {
		all[k] = append(all[k], vs...)
	}
	common.Set(spec.ParamSignature, signature.SignV1(method, creds.AccessKeySecret, all))
	return v1Wire(method, common, business, inBody), common, all
}

func v1Wire(method string, common, business url.Values, inBody bool) Wire {
	w := Wire{Method: method}
	if inBody {
		w.Query, w.Body, w.ContentType = encodeValues(common), encodeValues(business), spec.MustDefault().Wire.BodyContentType
		return w
	}
	q := cloneValues(common)
	for k, vs := range business {
		q[k] = append(q[k], vs...)
	}
	w.Query = encodeValues(q)
	return w
}

func checkV1Emulator(t failer, params url.Values, m Mutation, inBody, get bool) {
	s := spec.MustDefault()
	emu, creds := sigWorld(t)
	business := cloneValues(params)
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
	mutAll := cloneValues(common)
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
	equivalent := SameValues(mutAll, all) || SameValues(dedupe(mutAll), all)
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

// FuzzSignatureV3 signs a request with V3 (query, body, content type and one extra x-acs-
// header from the input), checks that VerifyV3 and the emulator accept it, applies one change
// (a query mutation, a signed header's value, a removed header, the body, the method, or raw
// bytes appended to the query) and checks that the change is rejected unless it leaves the
// canonical request as it was.
func FuzzSignatureV3(f *testing.F) {
	for i, seed := range signatureSeeds() {
		f.Add(seed, "", "", "v", uint8(i%9), uint16(i), uint16(i*7), uint8(1+i), "Extra")
	}
	f.Add("a=1", "Bandwidth=-1&Tag.1.Key=k", "application/x-www-form-urlencoded", " padded ", uint8(3), uint16(1), uint16(0), uint8(0x20), "")
	f.Add("a=1", `{"a":1}`, "application/json", "x", uint8(7), uint16(0), uint16(0), uint8(1), "")
	f.Add("a=1", "", "", "x", uint8(8), uint16(0), uint16(0), uint8(1), "%zz")
	f.Fuzz(func(t *testing.T, query, body, contentType, header string, op uint8, index, pos uint16, mask uint8, extra string) {
		profileWorker()
		checkV3(t, query, []byte(body), contentType, header, Mutation{Op: op, Index: index, Pos: pos, Mask: mask, Extra: extra})
	})
}

// V3 changes beyond the parameter mutations.
const (
	v3Header   = mutCount + iota // XOR a byte of a signed header's value
	v3DropHdr                    // remove a signed header
	v3Body                       // XOR a byte of the body (append one to an empty body)
	v3Method                     // POST becomes GET
	v3RawQuery                   // append Extra, as raw bytes, to the query
	v3OpCount
)

func checkV3(t failer, query string, body []byte, contentType, header string, m Mutation) {
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
	build := func(method string, q string, b []byte) *http.Request {
		r := &http.Request{Method: method, URL: &url.URL{Path: "/", RawQuery: q}, Host: "127.0.0.1", Header: http.Header{},
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, RemoteAddr: "127.0.0.1:1", RequestURI: "/?" + q}
		r.Body = readCloser(b)
		r.ContentLength = int64(len(b))
		return r
	}
	req := build(http.MethodPost, encodeValues(params), body)
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
	if ok, sts, err := signature.VerifyV3(req, body, creds.AccessKeySecret); !ok || err != nil {
		t.Fatalf("VerifyV3 rejects what SignV3 signed (err %v):\n%s", err, sts)
	}
	a := serveRequest(emu, req, body)
	r := decodeAnswer(a)
	if p := responseProblems(s, sigAction, r); len(p) > 0 {
		t.Fatalf("%s\nquery %q body %q", strings.Join(p, "\n"), req.URL.RawQuery, body)
	}
	if _, code := responseCode(r); sigAuthCodes[code] {
		t.Fatalf("the emulator refuses a correctly signed V3 request with %s: %s\nquery %q headers %q body %q", code, clip(a.Body, 400), req.URL.RawQuery, req.Header, body)
	}

	mut := build(req.Method, req.URL.RawQuery, body)
	mut.Header = req.Header.Clone()
	mutBody := body
	unchanged := true
	what := ""
	auth, _ := signature.ParseAuthorizationV3(req.Header.Get(signature.HeaderAuthorization))
	signed := auth.SignedHeaders
	switch op := m.Op % v3OpCount; {
	case op < mutCount:
		mp := m.Apply(params, preAuth)
		mut.URL.RawQuery = encodeValues(mp)
		unchanged = SameValues(mp, params)
		what = fmt.Sprintf("query %q", mut.URL.RawQuery)
	case op == v3Header:
		name := signed[int(m.Index)%len(signed)]
		if name == "host" {
			mut.Host = flip(mut.Host, m.Pos, m.Mask)
			unchanged = strings.TrimSpace(mut.Host) == strings.TrimSpace(req.Host)
		} else {
			key := canonicalKey(mut.Header, name)
			old := strings.Join(mut.Header[key], ",")
			mut.Header[key] = []string{flip(old, m.Pos, m.Mask)}
			unchanged = strings.TrimSpace(mut.Header[key][0]) == strings.TrimSpace(old)
		}
		what = "header " + name
	case op == v3DropHdr:
		name := signed[int(m.Index)%len(signed)]
		if name == "host" {
			mut.Host = ""
		} else {
			delete(mut.Header, canonicalKey(mut.Header, name))
		}
		unchanged, what = false, "dropped header "+name
	case op == v3Body:
		if len(body) == 0 {
			mutBody = []byte{m.Mask | 1}
		} else {
			mutBody = []byte(flip(string(body), m.Pos, m.Mask))
		}
		unchanged = bytes.Equal(mutBody, body)
		what = fmt.Sprintf("body %q", mutBody)
	case op == v3Method:
		mut.Method = http.MethodGet
		unchanged, what = false, "method GET"
	case op == v3RawQuery:
		mut.URL.RawQuery += m.Extra
		got, err := url.ParseQuery(mut.URL.RawQuery)
		// VerifyV3 reads the query with URL.Query, which drops pairs it cannot parse.
		unchanged = SameValues(mut.URL.Query(), req.URL.Query())
		if err != nil || !SameValues(got, params) {
			// Checked below through the emulator, which must refuse it.
			what = fmt.Sprintf("raw query %q", mut.URL.RawQuery)
			ok, _, _ := signature.VerifyV3(mut, mutBody, creds.AccessKeySecret)
			if ok && !unchanged {
				t.Fatalf("VerifyV3 accepts a changed query %q", mut.URL.RawQuery)
			}
			ea := serveRequest(emu, mut, mutBody)
			if status, code := AnswerCode(ea); status < 400 {
				t.Fatalf("the emulator accepts a V3 request whose query changed after signing (%s): %d %s", what, status, code)
			}
			return
		}
		what = fmt.Sprintf("raw query %q (same parameters)", mut.URL.RawQuery)
	}
	mut.RequestURI = "/?" + mut.URL.RawQuery
	ok, sts, err := signature.VerifyV3(mut, mutBody, creds.AccessKeySecret)
	if unchanged && (!ok || err != nil) {
		t.Fatalf("VerifyV3 rejects a request equivalent to the signed one (%s): err %v\n%s", what, err, sts)
	}
	if !unchanged && ok {
		t.Fatalf("VerifyV3 accepts a changed request (%s)", what)
	}
	ma := serveRequest(emu, mut, mutBody)
	mr := decodeAnswer(ma)
	if p := responseProblems(s, sigAction, mr); len(p) > 0 {
		t.Fatalf("%s\n(%s)", strings.Join(p, "\n"), what)
	}
	status, code := responseCode(mr)
	switch {
	case unchanged:
		if code == badSigCode {
			t.Fatalf("the emulator refuses an equivalent V3 request (%s) with %s", what, code)
		}
	case status < 400:
		t.Fatalf("the emulator accepts a changed V3 request (%s): %d", what, status)
	case m.Op%v3OpCount < mutCount || m.Op%v3OpCount == v3Method ||
		(m.Op%v3OpCount == v3Body && bodyPassesGateway(s, mut.Header.Get("Content-Type"), mutBody)):
		if code != badSigCode {
			t.Fatalf("a changed V3 request (%s) got %d %s, not %s: %s", what, status, code, badSigCode, clip(ma.Body, 300))
		}
	}
}

// canonicalKey finds the key of a header in h by its lower-case name.
func canonicalKey(h http.Header, lower string) string {
	for k := range h {
		if strings.EqualFold(k, lower) {
			return k
		}
	}
	return http.CanonicalHeaderKey(lower)
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
	out := []string{
		"BackendServerPort=80&Bandwidth=-1&HealthCheck=on&ListenerPort=443&LoadBalancerId=lb-bp1o94dp5i6earr%2A%2A%2A%2A&RegionId=cn-hangzhou&ServerCertificateId=idkp-123-cn-test-%2A%2A%2A%2A&Tag.1.Key=TestKey&Tag.1.Value=TestValue",
		"",
		"a=&b=%20&c=%2A&d=~&e=%E4%B8%AD",
	}
	s := spec.MustDefault()
	cases := generators.Enumerate(s, generators.Options{})
	for i := 0; i < len(cases) && len(out) < 12; i += 61 {
		out = append(out, encodeValues(generators.Values(cases[i].Params, generators.Placeholder)))
	}
	return out
}
