package fuzz

import (
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/clbcheck/clbcheck/fuzz/mutation"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// Wire is one RPC request as raw bytes: what FuzzWire mutates and what its corpus files hold.
// Query and Body are sent exactly as given (after placeholder expansion), so they may be
// malformed on purpose.
type Wire struct {
	Method      string
	Query       string
	Body        string
	ContentType string
}

// Placeholders in a Wire stand for values only known once the fixtures exist: "{" + slot + "}"
// for a fixture slot of package generators (spec.SlotLB is "{lb}"), PlaceholderPort for
// a free listener port and generators.Unique for a fresh name.
const PlaceholderPort = "{" + spec.SlotPort + "}"

// EncodeCase writes a case of package generators on the wire the way a client would: Action,
// Version and Format first, then the case's parameters in order, in the query, the form body
// or split between them as the case asks. References become placeholders; raw values stay
// unescaped. A principal other than the primary one is named by its AccessKeyId (keyOf maps
// the harness's principal names to key ids; nil skips this), which selects the owner even
// when signatures are off. Setup calls are not encoded.
func EncodeCase(s *spec.Spec, c generators.Case, keyOf func(principal string) string) Wire {
	type pair struct {
		name, value string
		raw         bool
	}
	version := c.Version
	if version == "" {
		version = s.APIVersion
	}
	common := []pair{{spec.ParamAction, c.Action, false}, {spec.ParamVersion, version, false}}
	if c.Format != "" {
		common = append(common, pair{spec.ParamFormat, c.Format, false})
	}
	if c.Principal != "" && c.Principal != spec.PrincipalPrimary && keyOf != nil {
		if id := keyOf(c.Principal); id != "" {
			common = append(common, pair{spec.ParamAccessKeyID, id, false})
		}
	}
	var business []pair
	for _, p := range c.Params {
		switch {
		case p.Ref != "":
			refs := generators.SplitRef(p.Ref)
			for i, r := range refs {
				refs[i] = "{" + r + "}"
			}
			business = append(business, pair{p.Name, strings.Join(refs, ","), true})
		case strings.Contains(p.Value, generators.Unique):
			parts := strings.Split(p.Value, generators.Unique)
			for i := range parts {
				parts[i] = url.QueryEscape(parts[i])
			}
			business = append(business, pair{p.Name, strings.Join(parts, generators.Unique), true})
		default:
			business = append(business, pair{p.Name, p.Value, p.Raw})
		}
	}
	enc := func(ps []pair) string {
		var b strings.Builder
		for i, p := range ps {
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(p.name))
			b.WriteByte('=')
			if p.raw {
				b.WriteString(p.value)
			} else {
				b.WriteString(url.QueryEscape(p.value))
			}
		}
		return b.String()
	}
	w := Wire{Method: c.Method}
	if w.Method == "" {
		w.Method = http.MethodPost
	}
	switch c.Placement {
	case "form":
		w.Body = enc(append(common, business...))
	case "split":
		w.Query, w.Body = enc(common), enc(business)
	default:
		w.Query = enc(append(common, business...))
	}
	if w.Body != "" {
		w.ContentType = s.Wire.BodyContentType
	}
	return w
}

// Expand replaces the placeholders of w with real values.
func (w Wire) Expand(r *strings.Replacer) Wire {
	if r == nil {
		return w
	}
	w.Query = r.Replace(w.Query)
	w.Body = r.Replace(w.Body)
	return w
}

// bodyKind is how the emulator reads a body with this Content-Type: "form" (merged with the
// query), "json" (flattened) or "" (ignored). It mirrors the emulator's reading so that the
// signer covers the same values the verifier will.
func bodyKind(s *spec.Spec, contentType string, body string) string {
	if body == "" {
		return ""
	}
	ct, _, _ := mime.ParseMediaType(contentType)
	switch {
	case ct == s.Wire.BodyContentType || ct == "":
		return "form"
	case ct == "application/json":
		return "json"
	}
	return ""
}

// v1Protocol lists the parameters SignWireV1 sets itself; copies the request carries are
// dropped before signing.
var v1Protocol = []string{
	spec.ParamAccessKeyID, spec.ParamSignature, spec.ParamSignatureMethod, spec.ParamSignatureVersion,
	spec.ParamSignatureNonce, spec.ParamTimestamp, spec.ParamSecurityToken,
}

// SignWireV1 signs a raw request with signature V1 after decoding it the way the server will:
// the query and a form body are parsed, the V1 protocol parameters the request already
// carries are dropped, fresh ones are added to the query (AccessKeyId, method, version,
// nonce, timestamp), and the signature is computed over every value in the order the server
// merges them (query first, then body). Both parts are then re-encoded, so the bytes differ
// from the input while the decoded parameters are the same.
//
// pick chooses the credentials from the AccessKeyId the request names ("" when it names
// none): a request naming a known key is signed with that key. ok is false when the request
// cannot be signed so that the server would accept it (a part does not decode, or the body
// is JSON, which V1 clients never send); w is then returned unchanged.
func SignWireV1(s *spec.Spec, w Wire, pick func(keyID string) signature.Credentials, now time.Time, nonce string) (out Wire, ok bool) {
	q, err := url.ParseQuery(w.Query)
	if err != nil {
		return w, false
	}
	var f url.Values
	switch bodyKind(s, w.ContentType, w.Body) {
	case "form":
		if f, err = url.ParseQuery(w.Body); err != nil {
			return w, false
		}
	case "json":
		return w, false
	}
	named := ""
	if vs := q[spec.ParamAccessKeyID]; len(vs) > 0 {
		named = vs[0]
	} else if vs := f[spec.ParamAccessKeyID]; len(vs) > 0 {
		named = vs[0]
	}
	creds := pick(named)
	for _, name := range v1Protocol {
		delete(q, name)
		delete(f, name)
	}
	common := url.Values{}
	signature.AddV1Params(common, signature.Credentials{AccessKeyID: creds.AccessKeyID, AccessKeySecret: creds.AccessKeySecret}, now)
	common.Set(spec.ParamSignatureNonce, nonce)
	for k, vs := range common {
		q[k] = vs
	}
	all := url.Values{}
	for k, vs := range q {
		all[k] = append(all[k], vs...)
	}
	for k, vs := range f {
		all[k] = append(all[k], vs...)
	}
	sig := signature.SignV1(w.Method, creds.AccessKeySecret, all)
	out = w
	out.Query = mutation.Encode(q) + "&" + spec.ParamSignature + "=" + url.QueryEscape(sig)
	if f != nil {
		out.Body = mutation.Encode(f)
	}
	return out, true
}

// preAuth lists the names the emulator reads before it checks a signature, plus the V1
// protocol parameters: a mutation that reaches them may be refused by an earlier layer.
func preAuth(name string) bool {
	switch name {
	case spec.ParamAction, spec.ParamVersion, spec.ParamFormat:
		return true
	}
	return slices.Contains(v1Protocol, name)
}

// sanitizeURI percent-encodes the bytes that cannot appear in a request line (controls,
// space, '#', non-ASCII), so that a raw query reaches an external server as the same
// decoded parameters instead of breaking the HTTP framing. '%' is left alone: malformed
// escapes are part of what is being fuzzed.
func sanitizeURI(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '#' {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0x0f])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
