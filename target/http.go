package target

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// HTTPConfig configures an HTTP target.
type HTTPConfig struct {
	// BaseURL of the endpoint, e.g. http://127.0.0.1:8080 or https://slb.aliyuncs.com.
	BaseURL string
	// Credentials by principal name (spec.PrincipalPrimary, ...).
	Credentials map[string]signature.Credentials
	// Region sent as RegionId when a request has none (default cn-hangzhou).
	Region string
	// Client sends the requests (default: a client with a 30s timeout).
	Client *http.Client
	// Handler, when set, answers every request in-process instead of Client (an embedded
	// emulator): no socket, and no redirect machinery, since such a handler answers itself.
	Handler http.Handler
	// Name for reports (default: BaseURL).
	Name string
	// Clock for signing (default time.Now).
	Now func() time.Time
}

// HTTP is a target reached over HTTP.
type HTTP struct {
	cfg  HTTPConfig
	base *url.URL
	s    *spec.Spec
	// prefix is the request URL without its query ("" when the base URL has a fragment or an
	// empty query of its own, where only url.URL.String places the pieces right); queryPrefix
	// is prefix and the '?' before a query.
	prefix, queryPrefix string
	// direct, when set, takes requests instead of the client: for a transport whose handler
	// never redirects, the client's redirect machinery (a copy of every request's headers
	// and URL) has nothing to do.
	direct *handlerTransport
}

// NewHTTP checks the configuration and returns an HTTP target.
func NewHTTP(cfg HTTPConfig) (*HTTP, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("target URL %q is not an http:// or https:// URL with a host; give one like http://127.0.0.1:8080", cfg.BaseURL)
	}
	if cfg.Region == "" {
		cfg.Region = "cn-hangzhou"
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Transport: NewTransport(), Timeout: 30 * time.Second}
	}
	if cfg.Name == "" {
		cfg.Name = cfg.BaseURL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s, err := spec.Default()
	if err != nil {
		return nil, err
	}
	h := &HTTP{cfg: cfg, base: u, s: s}
	if cfg.Handler != nil {
		h.cfg.Client = &http.Client{Transport: handlerTransport{h: cfg.Handler}}
		h.direct = &handlerTransport{h: cfg.Handler}
	}
	if u.Fragment == "" && !u.ForceQuery {
		p := *u
		p.Path, p.RawQuery = s.Wire.Path, ""
		h.prefix = p.String()
		h.queryPrefix = h.prefix + "?"
	}
	return h, nil
}

// requestURL returns the URL a request with the encoded query goes to.
func (h *HTTP) requestURL(query kvList) string {
	if h.prefix == "" {
		u := *h.base
		u.Path = h.s.Wire.Path
		u.RawQuery = encode("", query)
		return u.String()
	}
	if query.len() == 0 {
		return h.prefix
	}
	return encode(h.queryPrefix, query)
}

// NewTransport returns the transport a target should send through: http.DefaultTransport's
// settings, but with enough idle connections per host for every worker to keep its own.
// DefaultTransport keeps two, so a run with more workers than that closes and reopens a
// connection for most requests (and leaves thousands of sockets in TIME_WAIT).
func NewTransport() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 256
	tr.MaxIdleConnsPerHost = 64
	return tr
}

// Name implements Target.
func (h *HTTP) Name() string { return h.cfg.Name }

// Region implements Target.
func (h *HTTP) Region() string { return h.cfg.Region }

// HasPrincipal implements Target.
func (h *HTTP) HasPrincipal(name string) bool {
	if name == "" {
		name = spec.PrincipalPrimary
	}
	c, ok := h.cfg.Credentials[name]
	return ok && c.AccessKeyID != ""
}

// kvList is a parameter list in pieces, sent one after the other: the request's own
// parameters go on the wire without being copied behind the common ones.
type kvList [][]KV

func (l kvList) len() int {
	n := 0
	for _, kvs := range l {
		n += len(kvs)
	}
	return n
}

// encode returns prefix followed by the params in order, percent-encoding all but raw
// values. The text is put together in a pooled buffer and copied out once, at its size.
func encode(prefix string, l kvList) string {
	bp := encodeBufs.Get().(*[]byte)
	b := append((*bp)[:0], prefix...)
	first := true
	for _, kvs := range l {
		for _, kv := range kvs {
			if !first {
				b = append(b, '&')
			}
			first = false
			b = appendQueryEscape(b, kv.Name)
			b = append(b, '=')
			if kv.Raw {
				b = append(b, kv.Value...)
			} else {
				b = appendQueryEscape(b, kv.Value)
			}
		}
	}
	s := string(b)
	if cap(b) <= 64<<10 {
		*bp = b
		encodeBufs.Put(bp)
	}
	return s
}

var encodeBufs = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// unreserved marks the bytes that go into a query as themselves: letters, digits and "-_.~".
var unreserved = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
	}
	return t
}()

// appendQueryEscape appends url.QueryEscape(s) to b: unreserved bytes as they are, a space
// as '+', every other byte as %XX.
func appendQueryEscape(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved[c] {
			continue
		}
		b = append(b, s[start:i]...)
		if c == ' ' {
			b = append(b, '+')
		} else {
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
		start = i + 1
	}
	return append(b, s[start:]...)
}

// signingValues are the maps decoded fills, kept for the next request: a map of a few dozen
// names costs more to make than everything else in building a request.
var signingValues = sync.Pool{New: func() any { return new(signingSet) }}

type signingSet struct {
	v       url.Values
	backing []string
}

// decoded returns the values the server will read for query and form (raw values are
// unescaped), for signing. The values share one backing array, and the slices are capped so
// that adding to one copies it. Give the set back with release once the values are used.
func decoded(query, form kvList) *signingSet {
	set := signingValues.Get().(*signingSet)
	n := query.len() + form.len()
	if set.v == nil {
		set.v = make(url.Values, n)
	}
	if cap(set.backing) < n {
		set.backing = make([]string, 0, n)
	}
	v, backing := set.v, set.backing[:0]
	for _, l := range [2]kvList{query, form} {
		for _, kvs := range l {
			for _, kv := range kvs {
				val := kv.Value
				if kv.Raw {
					if d, err := url.QueryUnescape(val); err == nil {
						val = d
					}
				}
				if prev, seen := v[kv.Name]; seen {
					v[kv.Name] = append(prev, val)
					continue
				}
				backing = append(backing, val)
				v[kv.Name] = backing[len(backing)-1 : len(backing) : len(backing)]
			}
		}
	}
	set.backing = backing
	return set
}

// release empties the set and keeps it for another request, unless it grew unusually large.
func (set *signingSet) release() {
	if len(set.v) > 256 {
		return
	}
	clear(set.v)
	clear(set.backing)
	set.backing = set.backing[:0]
	signingValues.Put(set)
}

// Build encodes and signs a request without sending it.
func (h *HTTP) Build(req Request) (*http.Request, Sent, error) {
	return h.build(context.Background(), req)
}

func (h *HTTP) build(ctx context.Context, req Request) (*http.Request, Sent, error) {
	principal := req.Principal
	if principal == "" {
		principal = spec.PrincipalPrimary
	}
	// The V3 variants sign with V3 and then break it their own way (v3mode says how).
	auth, v3mode := req.Auth, req.Auth
	switch auth {
	case spec.AuthV3BadSignature, spec.AuthV3MinimalHeaders, spec.AuthV3AddedHeader, spec.AuthV3FarFutureDate:
		auth = spec.AuthV3
	}
	creds, ok := h.cfg.Credentials[principal]
	if auth == spec.AuthSTS {
		if creds.SecurityToken == "" {
			return nil, Sent{}, fmt.Errorf("%w: %s has no STS token", ErrNoPrincipal, principal)
		}
	} else {
		creds.SecurityToken = ""
	}
	if auth == spec.AuthUnknownKey {
		creds, ok = signature.Credentials{AccessKeyID: "clbcheck-unknown-key-0000", AccessKeySecret: "clbcheck-unknown-secret"}, true
	}
	if !ok && auth != spec.AuthUnsigned {
		return nil, Sent{}, fmt.Errorf("%w: %s", ErrNoPrincipal, principal)
	}
	method := req.Method
	if method == "" {
		method = http.MethodPost
	}
	version := req.Version
	if version == "" {
		version = h.s.APIVersion
	}
	// Common parameters first, then the request's own, then RegionId when the request has
	// none; the pieces are placed without copying them into one list.
	var commonBuf [10]KV
	common := commonBuf[:0]
	now := h.cfg.Now()
	if !req.Time.IsZero() {
		now = req.Time
	}
	switch {
	case auth == spec.AuthStaleTimestamp:
		now = now.Add(-2 * h.s.Wire.TimestampWindow)
	case auth == spec.AuthFarFutureTimestamp, v3mode == spec.AuthV3FarFutureDate:
		now = now.AddDate(farFutureYears, 0, 0)
	}
	if auth != spec.AuthV3 {
		common = append(common, KV{Name: spec.ParamAction, Value: req.Action}, KV{Name: spec.ParamVersion, Value: version})
		if req.Format != "" {
			common = append(common, KV{Name: spec.ParamFormat, Value: req.Format})
		}
		if auth != spec.AuthUnsigned || ok {
			pv := signature.V1Params(creds, now)
			if req.Nonce != "" {
				pv.Set(spec.ParamSignatureNonce, req.Nonce)
			}
			var spare [8]string
			for _, k := range sortedKeys(spare[:0], pv) {
				common = append(common, KV{Name: k, Value: pv.Get(k)})
			}
		}
	} else if req.Format != "" {
		common = append(common, KV{Name: spec.ParamFormat, Value: req.Format})
	}
	var extra [2]KV // RegionId, Signature
	var region []KV
	if !HasParam(req.Params, spec.ParamRegionID) {
		extra[0] = KV{Name: spec.ParamRegionID, Value: h.cfg.Region}
		region = extra[0:1]
	}
	// The lists are filled by index, not append, so that they and the common parameters can
	// stay on the stack.
	var queryBuf, formBuf [4][]KV
	nq, nf := 0, 0
	switch req.Placement {
	case "form":
		formBuf[0], formBuf[1], formBuf[2], nf = common, req.Params, region, 3
	case "split":
		queryBuf[0], nq = common, 1
		formBuf[0], formBuf[1], nf = req.Params, region, 2
	default:
		queryBuf[0], queryBuf[1], queryBuf[2], nq = common, req.Params, region, 3
	}
	query, form := kvList(queryBuf[:nq]), kvList(formBuf[:nf])
	if auth != spec.AuthV3 && auth != spec.AuthUnsigned {
		all := decoded(query, form)
		if auth == spec.AuthV1SignedOnce {
			readOnce(all.v)
		}
		sig := signature.SignV1(method, creds.AccessKeySecret, all.v)
		all.release()
		if auth == spec.AuthBadSignature {
			sig = flip(sig)
		}
		// The Node client sends Signature last in the body; others in the query.
		extra[1] = KV{Name: spec.ParamSignature, Value: sig}
		if form.len() > 0 && query.len() == 0 {
			formBuf[nf] = extra[1:2]
			form = formBuf[:nf+1]
		} else {
			queryBuf[nq] = extra[1:2]
			query = queryBuf[:nq+1]
		}
	}
	full := h.requestURL(query)
	var body string
	if form.len() > 0 {
		body = encode("", form)
	}
	hr, err := http.NewRequestWithContext(ctx, method, full, strings.NewReader(body))
	if err != nil {
		return nil, Sent{}, fmt.Errorf("cannot build the request: %w", err)
	}
	// Canonical names set straight into the fresh header, both values in one array.
	vals := make([]string, 2)
	vals[0] = "clbcheck"
	hr.Header["User-Agent"] = vals[0:1:1]
	if form.len() > 0 {
		vals[1] = h.s.Wire.BodyContentType
		hr.Header["Content-Type"] = vals[1:2:2]
	}
	if auth == spec.AuthV3 {
		hr.Header.Set(signature.HeaderAction, req.Action)
		hr.Header.Set(signature.HeaderVersion, version)
		hr.Host = h.base.Host
		hr.Header.Set("Host", h.base.Host)
		if err := signature.SignV3(hr, []byte(body), creds, now, req.Nonce); err != nil {
			return nil, Sent{}, fmt.Errorf("cannot sign the request with V3: %w", err)
		}
		if err := breakV3(hr, []byte(body), creds, v3mode); err != nil {
			return nil, Sent{}, err
		}
		hr.Header.Del("Host")
	}
	sent := Sent{Method: method, URL: full, Body: body, Headers: make(map[string]string, len(hr.Header))}
	for k := range hr.Header {
		sent.Headers[k] = hr.Header.Get(k)
	}
	return hr, sent, nil
}

// farFutureYears is how far ahead the far-future modes date a request: beyond the range of a
// time.Duration (about 292 years), where a distance computed with time.Time.Sub saturates.
const farFutureYears = 300

// addedHeaderV3 is the x-acs-* header AuthV3AddedHeader adds after signing.
const addedHeaderV3 = "X-Acs-Clbcheck-Unsigned"

// breakV3 spoils a V3-signed request the way mode says: a wrong signature, a signature over
// host alone, or a header added after signing. Other modes leave it as signed.
func breakV3(hr *http.Request, body []byte, creds signature.Credentials, mode spec.Auth) error {
	switch mode {
	case spec.AuthV3BadSignature:
		a := hr.Header.Get(signature.HeaderAuthorization)
		hr.Header.Set(signature.HeaderAuthorization, a[:len(a)-1]+string("01"[(int(a[len(a)-1])+1)%2]))
	case spec.AuthV3MinimalHeaders:
		only := []string{"host"}
		canonical, err := signature.CanonicalRequestV3(hr, only, signature.HexSHA256(body))
		if err != nil {
			return fmt.Errorf("cannot sign the request with V3: %w", err)
		}
		hr.Header.Set(signature.HeaderAuthorization, signature.Authorization{Algorithm: signature.AlgorithmV3, AccessKeyID: creds.AccessKeyID,
			SignedHeaders: only, Signature: signature.SignatureV3(creds.AccessKeySecret, signature.StringToSignV3(canonical))}.String())
	case spec.AuthV3AddedHeader:
		hr.Header.Set(addedHeaderV3, "1")
	}
	return nil
}

// readOnce keeps one copy of a value a name carries several times, as the server reads it.
func readOnce(v url.Values) {
	for k, vs := range v {
		if len(vs) < 2 {
			continue
		}
		var kept []string
		for _, x := range vs {
			if !slices.Contains(kept, x) {
				kept = append(kept, x)
			}
		}
		v[k] = kept
	}
}

func flip(sig string) string {
	if sig == "" {
		return "AAAA"
	}
	b := []byte(sig)
	if b[0] == 'A' {
		b[0] = 'B'
	} else {
		b[0] = 'A'
	}
	return string(b)
}

// HasParam reports whether kvs holds a parameter called name.
func HasParam(kvs []KV, name string) bool {
	for _, kv := range kvs {
		if kv.Name == name {
			return true
		}
	}
	return false
}

// sortedKeys appends the names of v to keys, sorted.
func sortedKeys(keys []string, v url.Values) []string {
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Send implements Target.
func (h *HTTP) Send(ctx context.Context, req Request) (*Response, error) {
	hr, sent, err := h.build(ctx, req)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	var resp *http.Response
	if h.direct != nil {
		resp, err = h.direct.serve(hr, sent.URL)
	} else {
		resp, err = h.cfg.Client.Do(hr)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// The URL of the failed request carries the key id (and an STS token): report the
		// endpoint and the cause only.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, h.cfg.BaseURL, err)
	}
	defer resp.Body.Close()
	body, tooLarge, err := readBody(ctx, resp.Body, resp.ContentLength)
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: body, ContentType: resp.Header.Get("Content-Type"), Sent: sent, Duration: time.Since(start)}
	if err != nil {
		out.DecodeErr = fmt.Errorf("%w: %w", errBodyRead, err)
		return out, nil
	}
	if tooLarge {
		out.DecodeErr = fmt.Errorf("body larger than %d bytes (its first %d bytes are kept)", MaxBody, len(body))
		return out, nil
	}
	Decode(out)
	return out, nil
}
