package target

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
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

// requestURL returns the URL a request goes to, given what wireForm encoded: the query behind
// h.queryPrefix, or "" for no query. With no usable prefix url.URL places the pieces.
func (h *HTTP) requestURL(query string) string {
	if h.prefix == "" {
		u := *h.base
		u.Path = h.s.Wire.Path
		u.RawQuery = query
		return u.String()
	}
	if query == "" {
		return h.prefix
	}
	return query
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

// Build encodes and signs a request without sending it.
func (h *HTTP) Build(req Request) (*http.Request, Sent, error) {
	return h.build(context.Background(), req)
}

// credentials are the keys a request of principal signs with under auth (ok is false when
// the target has none for the principal): the STS token only for the STS modes, made-up keys
// for AuthUnknownKey.
func (h *HTTP) credentials(principal string, auth spec.Auth) (signature.Credentials, bool, error) {
	creds, ok := h.cfg.Credentials[principal]
	switch auth {
	case spec.AuthSTS:
		if creds.SecurityToken == "" {
			return creds, ok, fmt.Errorf("%w: %s has no STS token", ErrNoPrincipal, principal)
		}
	case spec.AuthSTSWrongToken:
		creds.SecurityToken = wrongToken
	case spec.AuthUnknownKey:
		return signature.Credentials{AccessKeyID: "clbcheck-unknown-key-0000", AccessKeySecret: "clbcheck-unknown-secret"}, true, nil
	default:
		creds.SecurityToken = ""
	}
	if !ok && auth != spec.AuthUnsigned {
		return creds, ok, fmt.Errorf("%w: %s", ErrNoPrincipal, principal)
	}
	return creds, ok, nil
}

func (h *HTTP) build(ctx context.Context, req Request) (*http.Request, Sent, error) {
	principal := req.Principal
	if principal == "" {
		principal = spec.PrincipalPrimary
	}
	// The V3 variants sign with V3 and then break it their own way (v3mode says how).
	auth, v3mode := req.Auth, req.Auth
	switch auth {
	case spec.AuthV3BadSignature, spec.AuthV3MinimalHeaders, spec.AuthV3HostUnsigned, spec.AuthV3AddedHeader, spec.AuthV3FarFutureDate,
		spec.AuthV3ReplayedNonce, spec.AuthV3BodyHashMismatch:
		auth = spec.AuthV3
	}
	creds, ok, err := h.credentials(principal, auth)
	if err != nil {
		return nil, Sent{}, err
	}
	method := req.Method
	if method == "" {
		method = http.MethodPost
	}
	version := req.Version
	if version == "" {
		version = h.s.APIVersion
	}
	now := h.cfg.Now()
	if !req.Time.IsZero() {
		now = req.Time
	}
	switch {
	case auth == spec.AuthStaleTimestamp:
		// Just past the window's edge: a wider window than the one described lets it through.
		now = now.Add(-(h.s.Wire.TimestampWindow + staleMargin))
	case auth == spec.AuthFarFutureTimestamp, v3mode == spec.AuthV3FarFutureDate:
		now = now.AddDate(farFutureYears, 0, 0)
	}
	in := wireIn{Method: method, Action: req.Action, Version: version, Format: req.Format, Nonce: req.Nonce,
		Region: regionOf(h.cfg.Region, req), Auth: auth, V1Params: auth != spec.AuthUnsigned || ok, Creds: creds, Now: now,
		Params: req.Params, Placement: req.Placement}
	query, body := wireForm(&in, h.queryPrefix)
	full := h.requestURL(query)
	hr, err := h.newRequest(ctx, method, full, body)
	if err != nil {
		return nil, Sent{}, fmt.Errorf("cannot build the request: %w", err)
	}
	// Canonical names set straight into the fresh header, both values in one array.
	vals := make([]string, 2)
	vals[0] = "clbcheck"
	hr.Header["User-Agent"] = vals[0:1:1]
	if body != "" {
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

// newRequest is http.NewRequestWithContext(ctx, method, full, body) without parsing the query
// again: when full is h.queryPrefix and a query that url.Parse takes as it is (no '#', which
// starts a fragment, and no control byte, which it refuses), the request is made for the short
// prefix and given the query. newRequestPlain is the reference; TestNewRequestMatchesPlain
// compares the two.
func (h *HTTP) newRequest(ctx context.Context, method, full, body string) (*http.Request, error) {
	q, ok := strings.CutPrefix(full, h.queryPrefix)
	if !ok || h.prefix == "" || q == "" || !takenAsItIs(q) {
		return newRequestPlain(ctx, method, full, body)
	}
	hr, err := newRequestPlain(ctx, method, h.prefix, body)
	if err != nil {
		return nil, err
	}
	hr.URL.RawQuery = q
	return hr, nil
}

// newRequestPlain makes the request the standard way, parsing the whole URL.
func newRequestPlain(ctx context.Context, method, full, body string) (*http.Request, error) {
	return http.NewRequestWithContext(ctx, method, full, strings.NewReader(body))
}

// takenAsItIs reports whether url.Parse keeps q, the text after the first '?', as the raw
// query: none of its bytes ends or breaks a URL (endsURL).
func takenAsItIs(q string) bool {
	for i := 0; i < len(q); i++ {
		if endsURL(q[i]) {
			return false
		}
	}
	return true
}

// endsURL reports whether url.Parse stops at c or refuses it: a '#' starts the fragment, and
// a control byte is refused. Every shortcut past url.Parse in this package asks it.
func endsURL(c byte) bool { return c < 0x20 || c == 0x7f || c == '#' }

// wrongToken is the SecurityToken AuthSTSWrongToken sends: no service issued it for the key.
const wrongToken = "clbcheck-token-not-issued-for-this-key"

// staleMargin is how far beyond the timestamp window AuthStaleTimestamp dates a request: enough
// for the clocks of harness and target to differ a little, little enough that a window wider
// than the described one shows.
const staleMargin = time.Minute

// farFutureYears is how far ahead the far-future modes date a request: beyond the range of a
// time.Duration (about 292 years), where a distance computed with time.Time.Sub saturates.
const farFutureYears = 300

// addedHeaderV3 is the x-acs-* header AuthV3AddedHeader adds after signing.
const addedHeaderV3 = "X-Acs-Clbcheck-Unsigned"

// breakV3 spoils a V3-signed request the way mode says: a wrong signature, a signature over
// host alone or over everything but host, a header added after signing, or a signature over
// another body's digest. Other modes leave it as signed.
func breakV3(hr *http.Request, body []byte, creds signature.Credentials, mode spec.Auth) error {
	switch mode {
	case spec.AuthV3BadSignature:
		a := hr.Header.Get(signature.HeaderAuthorization)
		hr.Header.Set(signature.HeaderAuthorization, a[:len(a)-1]+string("01"[(int(a[len(a)-1])+1)%2]))
	case spec.AuthV3MinimalHeaders:
		return signOver(hr, body, creds, []string{"host"})
	case spec.AuthV3HostUnsigned:
		return signOver(hr, body, creds, slices.DeleteFunc(signature.SignedHeadersV3(hr), func(h string) bool { return h == "host" }))
	case spec.AuthV3AddedHeader:
		hr.Header.Set(addedHeaderV3, "1")
	case spec.AuthV3BodyHashMismatch:
		return signOtherBodyHash(hr, creds)
	}
	return nil
}

// signOver re-signs a V3 request over the headers listed in signed only.
func signOver(hr *http.Request, body []byte, creds signature.Credentials, signed []string) error {
	canonical, err := signature.CanonicalRequestV3(hr, signed, signature.HexSHA256(body))
	if err != nil {
		return fmt.Errorf("cannot sign the request with V3: %w", err)
	}
	hr.Header.Set(signature.HeaderAuthorization, signature.Authorization{Algorithm: signature.AlgorithmV3, AccessKeyID: creds.AccessKeyID,
		SignedHeaders: signed, Signature: signature.SignatureV3(creds.AccessKeySecret, signature.StringToSignV3(canonical))}.String())
	return nil
}

// signOtherBodyHash re-signs a V3 request over the digest of another body than the one it
// carries, stating that digest in x-acs-content-sha256: a server that checks the signature
// but not the body against its digest accepts it.
func signOtherBodyHash(hr *http.Request, creds signature.Credentials) error {
	auth, err := signature.ParseAuthorizationV3(hr.Header.Get(signature.HeaderAuthorization))
	if err != nil {
		return fmt.Errorf("cannot sign the request with V3: %w", err)
	}
	other := signature.HexSHA256([]byte("clbcheck: not the body sent"))
	hr.Header.Set(signature.HeaderContentSHA256, other)
	canonical, err := signature.CanonicalRequestV3(hr, auth.SignedHeaders, other)
	if err != nil {
		return fmt.Errorf("cannot sign the request with V3: %w", err)
	}
	auth.Signature = signature.SignatureV3(creds.AccessKeySecret, signature.StringToSignV3(canonical))
	hr.Header.Set(signature.HeaderAuthorization, auth.String())
	return nil
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

// regionOf is the RegionId a request carries when its parameters have none: the target's,
// or none for a request that asks for none.
func regionOf(region string, req Request) string {
	if req.NoRegion {
		return ""
	}
	return region
}
