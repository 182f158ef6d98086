package target

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// HTTPConfig configures an HTTP target.
type HTTPConfig struct {
	// BaseURL of the endpoint, e.g. http://127.0.0.1:8080 or https://slb.aliyuncs.com.
	BaseURL string
	// Credentials by principal name (generators.PrincipalPrimary, ...).
	Credentials map[string]signature.Credentials
	// Region sent as RegionId when a request has none (default cn-hangzhou).
	Region string
	// Client sends the requests (default: a client with a 30s timeout).
	Client *http.Client
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
	return &HTTP{cfg: cfg, base: u, s: s}, nil
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
		name = generators.PrincipalPrimary
	}
	c, ok := h.cfg.Credentials[name]
	return ok && c.AccessKeyID != ""
}

// encode writes params in order, percent-encoding all but raw values.
func encode(kvs []KV) string {
	n := 0
	for _, kv := range kvs {
		n += len(kv.Name) + len(kv.Value) + 2
	}
	var b strings.Builder
	b.Grow(n + n/4)
	for i, kv := range kvs {
		if i > 0 {
			b.WriteByte('&')
		}
		queryEscape(&b, kv.Name)
		b.WriteByte('=')
		if kv.Raw {
			b.WriteString(kv.Value)
		} else {
			queryEscape(&b, kv.Value)
		}
	}
	return b.String()
}

// queryEscape writes url.QueryEscape(s) to b: letters, digits and "-_.~" as they are, a space
// as '+', every other byte as %XX.
func queryEscape(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			continue
		}
		b.WriteString(s[start:i])
		if c == ' ' {
			b.WriteByte('+')
		} else {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
		start = i + 1
	}
	b.WriteString(s[start:])
}

// decoded returns the values the server will read for kvs (raw values are unescaped).
func decoded(lists ...[]KV) url.Values {
	n := 0
	for _, kvs := range lists {
		n += len(kvs)
	}
	v := make(url.Values, n)
	for _, kvs := range lists {
		addDecoded(v, kvs)
	}
	return v
}

func addDecoded(v url.Values, kvs []KV) {
	for _, kv := range kvs {
		val := kv.Value
		if kv.Raw {
			if d, err := url.QueryUnescape(val); err == nil {
				val = d
			}
		}
		v.Add(kv.Name, val)
	}
}

// Build encodes and signs a request without sending it.
func (h *HTTP) Build(req Request) (*http.Request, Sent, error) {
	return h.build(context.Background(), req)
}

func (h *HTTP) build(ctx context.Context, req Request) (*http.Request, Sent, error) {
	principal := req.Principal
	if principal == "" {
		principal = generators.PrincipalPrimary
	}
	auth, v3bad := req.Auth, false
	if auth == generators.AuthV3BadSignature {
		auth, v3bad = generators.AuthV3, true
	}
	creds, ok := h.cfg.Credentials[principal]
	if auth == generators.AuthSTS {
		if creds.SecurityToken == "" {
			return nil, Sent{}, fmt.Errorf("%w: %s has no STS token", ErrNoPrincipal, principal)
		}
	} else {
		creds.SecurityToken = ""
	}
	if auth == generators.AuthUnknownKey {
		creds, ok = signature.Credentials{AccessKeyID: "clbcheck-unknown-key-0000", AccessKeySecret: "clbcheck-unknown-secret"}, true
	}
	if !ok && auth != generators.AuthUnsigned {
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
	business := make([]KV, len(req.Params), len(req.Params)+1)
	copy(business, req.Params)
	if !hasKV(business, spec.ParamRegionID) {
		business = append(business, KV{Name: spec.ParamRegionID, Value: h.cfg.Region})
	}
	common := make([]KV, 0, 10)
	now := h.cfg.Now()
	if !req.Time.IsZero() {
		now = req.Time
	}
	if auth == generators.AuthStaleTimestamp {
		now = now.Add(-2 * h.s.Wire.TimestampWindow)
	}
	if auth != generators.AuthV3 {
		common = append(common, KV{Name: spec.ParamAction, Value: req.Action}, KV{Name: spec.ParamVersion, Value: version})
		if req.Format != "" {
			common = append(common, KV{Name: spec.ParamFormat, Value: req.Format})
		}
		if auth != generators.AuthUnsigned || ok {
			pv := signature.V1Params(creds, now)
			if req.Nonce != "" {
				pv.Set(spec.ParamSignatureNonce, req.Nonce)
			}
			for _, k := range sortedKeys(pv) {
				common = append(common, KV{Name: k, Value: pv.Get(k)})
			}
		}
	} else if req.Format != "" {
		common = append(common, KV{Name: spec.ParamFormat, Value: req.Format})
	}
	var query, form []KV
	switch req.Placement {
	case "form":
		form = append(append(make([]KV, 0, len(common)+len(business)+1), common...), business...)
	case "split":
		query, form = common, business
	default:
		query = append(append(make([]KV, 0, len(common)+len(business)+1), common...), business...)
	}
	if auth != generators.AuthV3 && auth != generators.AuthUnsigned {
		all := decoded(query, form)
		sig := signature.SignV1(method, creds.AccessKeySecret+"", all)
		if auth == generators.AuthBadSignature {
			sig = flip(sig)
		}
		// The Node client sends Signature last in the body; others in the query.
		if len(form) > 0 && len(query) == 0 {
			form = append(form, KV{Name: spec.ParamSignature, Value: sig})
		} else {
			query = append(query, KV{Name: spec.ParamSignature, Value: sig})
		}
	}
	u := *h.base
	u.Path = h.s.Wire.Path
	u.RawQuery = encode(query)
	full := u.String()
	var body []byte
	if len(form) > 0 {
		body = []byte(encode(form))
	}
	hr, err := http.NewRequestWithContext(ctx, method, full, bytes.NewReader(body))
	if err != nil {
		return nil, Sent{}, fmt.Errorf("cannot build the request: %w", err)
	}
	if len(form) > 0 {
		hr.Header.Set("Content-Type", h.s.Wire.BodyContentType)
	}
	hr.Header.Set("User-Agent", "clbcheck")
	if auth == generators.AuthV3 {
		hr.Header.Set(signature.HeaderAction, req.Action)
		hr.Header.Set(signature.HeaderVersion, version)
		hr.Host = h.base.Host
		hr.Header.Set("Host", h.base.Host)
		if err := signature.SignV3(hr, body, creds, now, req.Nonce); err != nil {
			return nil, Sent{}, fmt.Errorf("cannot sign the request with V3: %w", err)
		}
		if v3bad {
			a := hr.Header.Get(signature.HeaderAuthorization)
			hr.Header.Set(signature.HeaderAuthorization, a[:len(a)-1]+string("01"[(int(a[len(a)-1])+1)%2]))
		}
		hr.Header.Del("Host")
	}
	sent := Sent{Method: method, URL: full, Body: string(body), Headers: make(map[string]string, len(hr.Header))}
	for k := range hr.Header {
		sent.Headers[k] = hr.Header.Get(k)
	}
	return hr, sent, nil
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

func hasKV(kvs []KV, name string) bool {
	for _, kv := range kvs {
		if kv.Name == name {
			return true
		}
	}
	return false
}

func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
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
	resp, err := h.cfg.Client.Do(hr)
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
		return nil, fmt.Errorf("%w: %s: %v", ErrUnreachable, h.cfg.BaseURL, err)
	}
	defer resp.Body.Close()
	body, err := readBody(resp.Body, resp.ContentLength)
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: body, ContentType: resp.Header.Get("Content-Type"), Sent: sent, Duration: time.Since(start)}
	if err != nil {
		out.DecodeErr = fmt.Errorf("reading the body failed: %w", err)
		return out, nil
	}
	if len(body) > MaxBody {
		out.Body = body[:MaxBody]
		out.DecodeErr = fmt.Errorf("body larger than %d bytes", MaxBody)
		return out, nil
	}
	Decode(out)
	return out, nil
}

// readBody reads at most MaxBody+1 bytes of an answer. With a known length it reads into a
// buffer of that size at once instead of growing one from 512 bytes; a body longer than
// announced is still read to the limit.
func readBody(r io.Reader, length int64) ([]byte, error) {
	lim := io.LimitReader(r, MaxBody+1)
	if length <= 0 || length > MaxBody {
		return io.ReadAll(lim)
	}
	buf := make([]byte, length, length+1)
	n, err := io.ReadFull(lim, buf)
	if err != nil {
		if err == io.EOF {
			err = nil
		}
		return buf[:n], err
	}
	rest, err := io.ReadAll(lim)
	if len(rest) > 0 {
		buf = append(buf, rest...)
	}
	return buf, err
}
