package fuzz

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// FixedTime is the clock of the in-process emulators, so that an input always meets the same
// timestamps, listener statuses and signatures.
var FixedTime = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// World is an implementation with the fixtures that corpus placeholders name. The in-process
// kind is a fresh emulator (built per input, so that an input never sees what an earlier
// one left behind); the external kind is a server reached over HTTP.
type World struct {
	S *spec.Spec
	// Emu is the in-process emulator; nil for an external server.
	Emu *emulator.Emulator
	// Slots maps fixture slot names (spec.Slot*) to the ids provisioned for them.
	Slots map[string]string
	// Replacer expands the placeholders of a Wire.
	Replacer *strings.Replacer

	send    func(w Wire) (Answer, error)
	creds   map[string]signature.Credentials // by access key id
	primary signature.Credentials
	second  signature.Credentials
	now     func() time.Time
	nonce   func() string
}

// certs are generated once per process: key generation is the slowest part of a world.
var (
	certOnce          sync.Once
	serverPEM, caPEM  resources.CertPair
	foreignPEM, cnPEM resources.CertPair
	errCertGeneration error
)

func loadCerts() error {
	certOnce.Do(func() {
		var errs [4]error
		serverPEM, errs[0] = resources.NewCertificate("fuzz.example.com", false)
		caPEM, errs[1] = resources.NewCertificate("fuzz-ca", true)
		foreignPEM, errs[2] = resources.NewCertificate("foreign.example.com", false)
		cnPEM, errs[3] = resources.NewCertificate("cn.example.com", false)
		errCertGeneration = errors.Join(errs[:]...)
	})
	return errCertGeneration
}

// NewInProcessWorld starts an emulator with the default configuration, the fixed clock and,
// when noAuth, signature checking off, and provisions the fixtures.
func NewInProcessWorld(noAuth bool) (*World, error) {
	if err := loadCerts(); err != nil {
		return nil, err
	}
	cfg := emulator.DefaultConfig()
	cfg.NoAuth = noAuth
	cfg.Now = func() time.Time { return FixedTime }
	emu, err := emulator.New(cfg)
	if err != nil {
		return nil, err
	}
	w := &World{S: spec.MustDefault(), Emu: emu, now: cfg.Now, creds: map[string]signature.Credentials{}}
	for _, p := range cfg.Principals() {
		c := p.Credentials
		c.SecurityToken = ""
		if _, dup := w.creds[c.AccessKeyID]; !dup {
			w.creds[c.AccessKeyID] = c
		}
	}
	w.primary = cfg.MustPrincipal(emulator.PrincipalPrimary).Credentials
	w.second = cfg.MustPrincipal(emulator.PrincipalSecondary).Credentials
	n := 0
	w.nonce = func() string { n++; return fmt.Sprintf("fuzz-nonce-%d", n) }
	w.send = func(x Wire) (Answer, error) { return ServeWire(emu, x), nil }
	if err := w.provision(); err != nil {
		return nil, err
	}
	return w, nil
}

// ServeWire hands a raw request to a handler the way net/http would after reading it from a
// socket: the query as sent, the Host in Request.Host, the body as a stream.
func ServeWire(h http.Handler, x Wire) Answer {
	req := &http.Request{
		Method:     x.Method,
		URL:        &url.URL{Path: "/", RawQuery: x.Query},
		Proto:      "HTTP/1.1",
		ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{},
		Body:          io.NopCloser(strings.NewReader(x.Body)),
		ContentLength: int64(len(x.Body)),
		Host:          "127.0.0.1",
		RemoteAddr:    "127.0.0.1:1",
		RequestURI:    "/?" + x.Query,
	}
	if x.ContentType != "" {
		req.Header.Set("Content-Type", x.ContentType)
	}
	return serve(h, req)
}

// serve hands req to h and returns what it answered.
func serve(h http.Handler, req *http.Request) Answer {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return Answer{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// NewExternalWorld provisions the fixtures on a server reached over HTTP at base, signing
// with creds (the real clock, random nonces).
func NewExternalWorld(base string, creds signature.Credentials, client *http.Client) (*World, error) {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	w := &World{S: spec.MustDefault(), now: time.Now, nonce: signature.NewNonce,
		creds: map[string]signature.Credentials{creds.AccessKeyID: creds}, primary: creds}
	def := emulator.DefaultConfig()
	if creds.AccessKeyID == emulator.DefaultPrimaryKeyID {
		w.second = def.MustPrincipal(emulator.PrincipalSecondary).Credentials
	}
	w.send = func(x Wire) (Answer, error) {
		if !validHeaderValue(x.ContentType) {
			return Answer{}, errUnsendable
		}
		dst := *u
		dst.Path = "/"
		dst.RawQuery = sanitizeURI(x.Query)
		req, err := http.NewRequest(x.Method, dst.String(), strings.NewReader(x.Body))
		if err != nil {
			return Answer{}, err
		}
		if x.ContentType != "" {
			req.Header.Set("Content-Type", x.ContentType)
		}
		resp, err := client.Do(req)
		if err != nil {
			return Answer{}, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, target.MaxBody+1))
		return Answer{Status: resp.StatusCode, Header: resp.Header, Body: body}, err
	}
	if err := loadCerts(); err != nil {
		return nil, err
	}
	if err := w.provision(); err != nil {
		return nil, err
	}
	return w, nil
}

// errUnsendable is the error of an input net/http refuses to put on the wire (a header value
// with control bytes, a method that is not a token): nothing reaches the server, so there is
// nothing to judge.
var errUnsendable = errors.New("net/http cannot send this request")

// validHeaderValue is net/http's rule for a header value it will send: no control bytes
// other than tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// Send delivers a request as it is.
func (w *World) Send(x Wire) (Answer, error) { return w.send(x) }

// Sign signs a request with V1 after decoding it (see SignWireV1), with the key it names when
// the world knows that key and the primary key otherwise.
func (w *World) Sign(x Wire) (Wire, bool) {
	pick := func(id string) signature.Credentials {
		if c, ok := w.creds[id]; ok {
			return c
		}
		return w.primary
	}
	return SignWireV1(w.S, x, pick, w.now(), w.nonce())
}

// KeyOf maps the harness's principal names to the access key ids of the world.
func (w *World) KeyOf(principal string) string {
	switch principal {
	case spec.PrincipalSecond:
		return w.second.AccessKeyID
	case spec.PrincipalRestricted:
		return emulator.DefaultDeniedKeyID
	}
	return w.primary.AccessKeyID
}

// Call sends a signed neighbouring operation with creds and returns the decoded answer.
func (w *World) Call(creds signature.Credentials, action string, params url.Values) (*target.Response, error) {
	a, err := w.CallAnswer(creds, action, params)
	if err != nil {
		return nil, err
	}
	return decodeAnswer(a), nil
}

// CallAnswer is Call returning the answer as it came.
func (w *World) CallAnswer(creds signature.Credentials, action string, params url.Values) (Answer, error) {
	q := url.Values{}
	for k, vs := range params {
		q[k] = vs
	}
	q.Set(spec.ParamAction, action)
	q.Set(spec.ParamVersion, w.S.APIVersion)
	if q.Get(spec.ParamRegionID) == "" {
		q.Set(spec.ParamRegionID, emulator.DefaultRegion)
	}
	q.Set(spec.ParamAccessKeyID, creds.AccessKeyID)
	pick := func(string) signature.Credentials { return creds }
	x, _ := SignWireV1(w.S, Wire{Method: http.MethodPost, Query: q.Encode()}, pick, w.now(), w.nonce())
	return w.send(x)
}

// ReadBack renders what the fixture account holds through the read operations, in JSON and in
// XML, and returns the problems of those answers: after a success, whatever a request stored
// must still come back as well-formed answers with string error fields.
func (w *World) ReadBack() []string {
	var out []string
	for _, format := range []string{spec.FormatJSON, spec.FormatXML} {
		for _, call := range []struct {
			action string
			params url.Values
		}{
			{spec.ActionDescribeListeners, url.Values{spec.ParamMaxResults: {"100"}}},
			{spec.ActionDescribeLoadBalancer, url.Values{spec.ParamLoadBalancerID: {w.Slots[spec.SlotLB]}}},
		} {
			call.params.Set(spec.ParamFormat, format)
			a, err := w.CallAnswer(w.primary, call.action, call.params)
			if err != nil {
				out = append(out, fmt.Sprintf("read-back %s (%s): %v", call.action, format, err))
				continue
			}
			for _, p := range Problems(w.S, call.action, a) {
				out = append(out, fmt.Sprintf("read-back %s (%s): %s", call.action, format, p))
			}
			if a.Status != http.StatusOK {
				out = append(out, fmt.Sprintf("read-back %s (%s) refused: %d %s", call.action, format, a.Status, clip(a.Body, 200)))
			}
		}
	}
	return out
}

func (w *World) provision() error {
	w.Slots = map[string]string{}
	type step struct {
		slot, action, field string
		creds               signature.Credentials
		params              url.Values
		optional            bool
	}
	lb := func(name string, extra ...string) url.Values {
		v := url.Values{spec.ParamLoadBalancerName: {name}}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return v
	}
	steps := []step{
		{spec.SlotLB, spec.ActionCreateLoadBalancer, spec.FieldLoadBalancerID, w.primary,
			lb("fuzz-lb", spec.ParamLoadBalancerSpec, "slb.s2.small", spec.ParamAddressIPVersion, "ipv4"), false},
		{spec.SlotLBShared, spec.ActionCreateLoadBalancer, spec.FieldLoadBalancerID, w.primary,
			lb("fuzz-lb-shared", spec.ParamAddressIPVersion, "ipv4"), true},
		{spec.SlotLBIPv6, spec.ActionCreateLoadBalancer, spec.FieldLoadBalancerID, w.primary,
			lb("fuzz-lb-v6", spec.ParamLoadBalancerSpec, "slb.s2.small", spec.ParamAddressIPVersion, "ipv6"), true},
		{spec.SlotCert, spec.ActionUploadServerCertificate, spec.FieldServerCertificateID, w.primary,
			url.Values{spec.ParamServerCertificate: {serverPEM.CertPEM}, spec.ParamPrivateKey: {serverPEM.KeyPEM}, spec.ParamServerCertificateName: {"fuzz-cert"}}, false},
		{spec.SlotCertCN, spec.ActionUploadServerCertificate, spec.FieldServerCertificateID, w.primary,
			url.Values{spec.ParamServerCertificate: {cnPEM.CertPEM}, spec.ParamPrivateKey: {cnPEM.KeyPEM}, spec.ParamServerCertificateName: {"fuzz-cert-cn"}, spec.FieldStandardType: {"cn"}}, true},
		{spec.SlotCertCA, spec.ActionUploadCACertificate, spec.FieldCACertificateID, w.primary,
			url.Values{spec.ParamCACertificate: {caPEM.CertPEM}, spec.ParamCACertificateName: {"fuzz-ca"}}, true},
		{spec.SlotCertForeign, spec.ActionUploadServerCertificate, spec.FieldServerCertificateID, w.second,
			url.Values{spec.ParamServerCertificate: {foreignPEM.CertPEM}, spec.ParamPrivateKey: {foreignPEM.KeyPEM}, spec.ParamServerCertificateName: {"fuzz-cert-foreign"}}, true},
		{spec.SlotACL, spec.ActionCreateACL, spec.FieldACLID, w.primary,
			url.Values{spec.ParamACLName: {"fuzz-acl-" + w.nonce()}, spec.ParamAddressIPVersion: {"ipv4"}}, true},
		{spec.SlotACLIPv6, spec.ActionCreateACL, spec.FieldACLID, w.primary,
			url.Values{spec.ParamACLName: {"fuzz-acl6-" + w.nonce()}, spec.ParamAddressIPVersion: {"ipv6"}}, true},
	}
	for _, st := range steps {
		if st.creds.AccessKeyID == "" {
			continue
		}
		r, err := w.Call(st.creds, st.action, st.params)
		if err != nil {
			return fmt.Errorf("provisioning %s: %w", st.slot, err)
		}
		id, _ := r.Fields[st.field].(string)
		if !r.Success() || id == "" {
			if st.optional {
				continue
			}
			return fmt.Errorf("provisioning %s: %s answered %d %s: %s", st.slot, st.action, r.Status, r.Code, r.Message)
		}
		w.Slots[st.slot] = id
	}
	if acl := w.Slots[spec.SlotACL]; acl != "" {
		entries, _ := json.Marshal([]map[string]string{{"entry": "192.0.2.0/24", "comment": "fuzz"}})
		_, _ = w.Call(w.primary, spec.ActionAddACLEntry, url.Values{spec.ParamACLID: {acl}, spec.ParamACLEntries: {string(entries)}})
	}
	if lbID := w.Slots[spec.SlotLB]; lbID != "" {
		for _, g := range []struct {
			slot, action, field, nameParam string
		}{
			{spec.SlotVGroup, spec.ActionCreateVServerGroup, spec.FieldVServerGroupID, spec.ParamVServerGroupName},
			{spec.SlotMSGroup, spec.ActionCreateMasterSlaveGroup, spec.FieldMasterSlaveServerGroupID, spec.ParamMasterSlaveGroupName},
		} {
			r, err := w.Call(w.primary, g.action, url.Values{spec.ParamLoadBalancerID: {lbID}, g.nameParam: {"fuzz-group"}})
			if err == nil && r.Success() {
				if id, _ := r.Fields[g.field].(string); id != "" {
					w.Slots[g.slot] = id
				}
			}
		}
	}
	pairs := []string{PlaceholderPort, "443", generators.Unique, "fuzzunique"}
	for slot, id := range w.Slots {
		pairs = append(pairs, "{"+slot+"}", id)
	}
	w.Replacer = strings.NewReplacer(pairs...)
	return nil
}

// ListenerCount is the number of listeners of the fixture instance, read with
// DescribeLoadBalancerListeners (TotalCount when the server gives it, else the page length
// with a large MaxResults).
func (w *World) ListenerCount() (int, error) {
	r, err := w.Call(w.primary, spec.ActionDescribeListeners, url.Values{
		spec.ParamLoadBalancerID: {w.Slots[spec.SlotLB]}, spec.ParamMaxResults: {"100"}})
	if err != nil {
		return 0, err
	}
	if !r.Success() {
		return 0, fmt.Errorf("%s answered %d %s: %s", spec.ActionDescribeListeners, r.Status, r.Code, r.Message)
	}
	switch n := r.Fields["TotalCount"].(type) {
	case json.Number:
		v, err := strconv.Atoi(n.String())
		if err == nil {
			return v, nil
		}
	case string:
		if v, err := strconv.Atoi(n); err == nil {
			return v, nil
		}
	}
	list, _ := r.Fields[spec.FieldListeners].([]any)
	return len(list), nil
}

// Snapshot is the whole state of an in-process world (nil for an external one).
func (w *World) Snapshot() []byte {
	if w.Emu == nil {
		return nil
	}
	b, err := w.Emu.Snapshot()
	if err != nil {
		return []byte("snapshot failed: " + err.Error())
	}
	return b
}

// diffAt renders where two snapshots first differ.
func diffAt(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-120)
	return fmt.Sprintf("before …%s…\nafter  …%s…", a[from:min(len(a), i+200)], b[from:min(len(b), i+200)])
}

// RequestAction is the operation a raw request names, read the way the emulator reads it:
// the first Action of the query, then of the body (form or JSON). "" when the query or a form
// body does not decode (the answer is then about the encoding, whatever the action).
func RequestAction(s *spec.Spec, x Wire) string {
	q, err := url.ParseQuery(x.Query)
	if err != nil {
		return ""
	}
	if vs := q[spec.ParamAction]; len(vs) > 0 {
		return vs[0]
	}
	switch bodyKind(s, x.ContentType, x.Body) {
	case "form":
		f, err := url.ParseQuery(x.Body)
		if err != nil {
			return ""
		}
		return f.Get(spec.ParamAction)
	case "json":
		dec := json.NewDecoder(strings.NewReader(x.Body))
		dec.UseNumber()
		var doc map[string]any
		if dec.Decode(&doc) == nil {
			if v, ok := doc[spec.ParamAction]; ok && v != nil {
				return fmt.Sprint(v)
			}
		}
	}
	return ""
}
