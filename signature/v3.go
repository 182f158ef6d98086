package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Constants of the V3 scheme.
const (
	// AlgorithmV3 is the algorithm name that opens a V3 Authorization header
	// and the first line of the V3 string to sign.
	AlgorithmV3 = "ACS3-HMAC-SHA256"

	// EmptyBodySHA256 is HexSHA256 of an empty body.
	EmptyBodySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// Header names used by V3 (lower case, as they appear in the signed list).
const (
	HeaderAction        = "x-acs-action"
	HeaderVersion       = "x-acs-version"
	HeaderDate          = "x-acs-date"
	HeaderNonce         = "x-acs-signature-nonce"
	HeaderContentSHA256 = "x-acs-content-sha256"
	HeaderSecurityToken = "x-acs-security-token"
	HeaderAuthorization = "Authorization"
)

// HexSHA256 returns the lower-case hex SHA-256 digest of body, the value of
// x-acs-content-sha256 and the last line of the canonical request.
func HexSHA256(body []byte) string {
	sum := sha256.Sum256(body)
	var text [2 * sha256.Size]byte
	hex.Encode(text[:], sum[:])
	return string(text[:])
}

// CanonicalQueryV3 returns the canonical query of a V3 request: all
// parameters, names and values percent-encoded with PercentEncode, sorted by
// encoded name, an empty value written as "name=". Repeated names are handled
// as in CanonicalQueryV1 (one pair per value, in order). Unlike V1 nothing is
// left out.
func CanonicalQueryV3(params url.Values) string {
	return canonicalQuery(params, "")
}

// requestHost returns the host a request is addressed to: an explicit Host
// entry in r.Header first, then r.Host (where net/http puts the Host header
// of a received request), then r.URL.Host.
func requestHost(r *http.Request) string {
	if h := strings.TrimSpace(r.Header.Get(headerHost)); h != "" {
		return h
	}
	if r.Host != "" {
		return r.Host
	}
	if r.URL != nil {
		return r.URL.Host
	}
	return ""
}

// headerValue returns the trimmed value of the header named name (compared
// case-insensitively, so keys that bypassed http.CanonicalHeaderKey are
// found too). Several values are trimmed one by one and joined with ','.
// present is false when no such header exists.
func headerValue(r *http.Request, name string) (value string, present bool) {
	if name == headerHost {
		h := requestHost(r)
		return strings.TrimSpace(h), h != ""
	}
	// Usually one key matches, with one value: then there is nothing to sort or join.
	matches, only := 0, ""
	for k := range r.Header {
		if strings.EqualFold(k, name) {
			matches, only = matches+1, k
		}
	}
	if matches == 0 {
		return "", false
	}
	if vs := r.Header[only]; matches == 1 && len(vs) == 1 {
		return strings.TrimSpace(vs[0]), true
	}
	keys := make([]string, 0, matches)
	for k := range r.Header {
		if strings.EqualFold(k, name) {
			keys = append(keys, k)
		}
	}
	return joinValues(r.Header, keys), true
}

// joinValues trims every value of the given keys of h and joins them with ',', the keys
// taken in sorted order.
func joinValues(h http.Header, keys []string) string {
	if len(keys) == 1 && len(h[keys[0]]) == 1 {
		return strings.TrimSpace(h[keys[0]][0])
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		for _, v := range h[k] {
			parts = append(parts, strings.TrimSpace(v))
		}
	}
	return strings.Join(parts, ",")
}

// headerIndex maps the lower-cased name of every header of h to its keys (several keys when
// some bypassed http.CanonicalHeaderKey).
func headerIndex(h http.Header) map[string][]string {
	idx := make(map[string][]string, len(h))
	for k := range h {
		lk := strings.ToLower(k)
		idx[lk] = append(idx[lk], k)
	}
	return idx
}

// indexAbove is the product of signed names and header keys above which CanonicalHeadersV3
// indexes the headers once instead of scanning them for each name: the scan is quicker for
// the few headers real clients send, the index keeps large requests linear.
const indexAbove = 64

// keysOnStack is how many header keys CanonicalHeadersV3 lists once, without allocating, and
// then searches for each signed name; requests with more are scanned or indexed.
const keysOnStack = 16

// headerLookup is how canonicalHeaders finds a signed header in a request.
type headerLookup int

const (
	lookupScan  headerLookup = iota // headerValue for each name: the plain reference
	lookupKeys                      // the keys of r.Header listed once, searched for each name
	lookupIndex                     // a map from lower-cased names to keys, built once
)

// SignedHeadersV3 lists, lower-cased and sorted, the headers of r that a V3
// signature must cover: host (always, taken from r.Header, r.Host or
// r.URL.Host), content-type when present, and every x-acs-* header.
// The Authorization header is never included.
func SignedHeadersV3(r *http.Request) []string {
	names := make([]string, 1, len(r.Header)+1)
	names[0] = headerHost
	for k := range r.Header {
		if !strings.EqualFold(k, headerContentType) && (len(k) < len(headerACSPrefix) || !strings.EqualFold(k[:len(headerACSPrefix)], headerACSPrefix)) {
			continue
		}
		if lk := lowerName(k); !slices.Contains(names, lk) {
			names = append(names, lk)
		}
	}
	slices.Sort(names)
	return names
}

// knownHeaders are the lower-case names lowerName returns without allocating.
var knownHeaders = [...]string{headerContentType, HeaderAction, HeaderVersion, HeaderDate, HeaderNonce, HeaderContentSHA256, HeaderSecurityToken}

// lowerName is strings.ToLower(k), without a new string for the headers clients always send.
func lowerName(k string) string {
	for _, n := range knownHeaders {
		if len(n) == len(k) && strings.EqualFold(n, k) {
			return n
		}
	}
	return strings.ToLower(k)
}

// CanonicalHeadersV3 writes the listed headers of r, in the given order, as
// "name:value\n" lines with lower-cased names and trimmed values (the
// canonical headers block). It fails with ErrMissingHeader, naming the
// header, when one of them is absent from r; "host" is absent only when
// requestHost finds nothing. Its cost is linear in the size of r and of the
// list.
func CanonicalHeadersV3(r *http.Request, signedHeaders []string) (string, error) {
	how := lookupScan
	switch {
	case len(r.Header) <= keysOnStack:
		how = lookupKeys
	case len(signedHeaders)*len(r.Header) > indexAbove:
		how = lookupIndex
	}
	return canonicalHeaders(r, signedHeaders, how)
}

// canonicalHeaders is CanonicalHeadersV3, finding each header the way how says (the three
// give the same text; TestCanonicalHeadersLookupsAgree).
func canonicalHeaders(r *http.Request, signedHeaders []string, how headerLookup) (string, error) {
	var idx map[string][]string
	var spare [keysOnStack]string
	keys := spare[:0]
	switch how {
	case lookupIndex:
		idx = headerIndex(r.Header)
	case lookupKeys:
		for k := range r.Header {
			keys = append(keys, k)
		}
	}
	var b strings.Builder
	b.Grow(48 * len(signedHeaders))
	for _, name := range signedHeaders {
		name = strings.ToLower(name)
		var v string
		var ok bool
		switch {
		case how == lookupScan || name == headerHost:
			v, ok = headerValue(r, name)
		case how == lookupKeys:
			v, ok = listedValue(r.Header, keys, name)
		default:
			if ks := idx[name]; len(ks) > 0 {
				v, ok = joinValues(r.Header, ks), true
			}
		}
		if !ok {
			return "", fmt.Errorf("%w: %q is listed in SignedHeaders but not sent", ErrMissingHeader, name)
		}
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(v)
		b.WriteByte('\n')
	}
	return b.String(), nil
}

// listedValue is headerValue for a name other than host, searching keys (the keys of h)
// instead of h itself.
func listedValue(h http.Header, keys []string, name string) (string, bool) {
	first, n := -1, 0
	for i, k := range keys {
		if len(k) == len(name) && strings.EqualFold(k, name) {
			if first < 0 {
				first = i
			}
			n++
		}
	}
	switch {
	case n == 0:
		return "", false
	case n == 1:
		return joinValues(h, keys[first:first+1:first+1]), true
	}
	matched := make([]string, 0, n)
	for _, k := range keys[first:] {
		if len(k) == len(name) && strings.EqualFold(k, name) {
			matched = append(matched, k)
		}
	}
	return joinValues(h, matched), true
}

// UnsignedHeadersV3 lists, lower-cased and sorted, the headers of r that the V3
// specification requires a signature to cover and that signedHeaders (the
// SignedHeaders of its Authorization header) leaves out: host, and every x-acs-*
// header r carries. Other headers, Content-Type among them, may be signed or
// not. An empty answer means the list covers what it must.
func UnsignedHeadersV3(r *http.Request, signedHeaders []string) []string {
	signed := make(map[string]bool, len(signedHeaders))
	for _, name := range signedHeaders {
		signed[strings.ToLower(name)] = true
	}
	var out []string
	if !signed[headerHost] {
		out = append(out, headerHost)
	}
	for k := range r.Header {
		if len(k) < len(headerACSPrefix) || !strings.EqualFold(k[:len(headerACSPrefix)], headerACSPrefix) {
			continue
		}
		if lk := strings.ToLower(k); !signed[lk] {
			out = append(out, lk)
			signed[lk] = true // listed once, however many keys spell it
		}
	}
	slices.Sort(out)
	return out
}

// CanonicalRequestV3 assembles the V3 canonical request of r:
//
//	METHOD \n path \n canonical query \n canonical headers \n signed headers \n body hash
//
// where path is r.URL's escaped path ("/" when empty; RPC-style APIs always
// use "/"), the canonical query comes from r.URL's query (CanonicalQueryV3),
// the canonical headers block is CanonicalHeadersV3(r, signedHeaders) (it
// already ends in '\n'), and signed headers are the lower-cased names joined
// with ';'. bodyHash is the lower-hex SHA-256 of the body (HexSHA256).
func CanonicalRequestV3(r *http.Request, signedHeaders []string, bodyHash string) (string, error) {
	if r == nil || r.URL == nil {
		return "", fmt.Errorf("%w: request or its URL is nil", ErrMissingHost)
	}
	headers, err := CanonicalHeadersV3(r, signedHeaders)
	if err != nil {
		return "", err
	}
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	method, query := strings.ToUpper(r.Method), canonicalQueryRaw(r.URL.RawQuery)
	size := len(method) + len(path) + len(query) + len(headers) + len(bodyHash) + 5
	for _, h := range signedHeaders {
		size += len(h) + 1
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteString(method)
	b.WriteByte('\n')
	b.WriteString(path)
	b.WriteByte('\n')
	b.WriteString(query)
	b.WriteByte('\n')
	b.WriteString(headers)
	b.WriteByte('\n')
	for i, h := range signedHeaders {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(strings.ToLower(h))
	}
	b.WriteByte('\n')
	b.WriteString(bodyHash)
	return b.String(), nil
}

// StringToSignV3 returns "ACS3-HMAC-SHA256\n" followed by the lower-hex
// SHA-256 of canonicalRequest.
func StringToSignV3(canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	var text [len(AlgorithmV3) + 1 + 2*sha256.Size]byte
	copy(text[:], AlgorithmV3+"\n")
	hex.Encode(text[len(AlgorithmV3)+1:], sum[:])
	return string(text[:])
}

// SignatureV3 returns the lower-hex HMAC-SHA256 of stringToSign keyed with
// secret (the secret alone, without the '&' V1 appends).
func SignatureV3(secret, stringToSign string) string {
	var sum [sha256.Size]byte
	var text [2 * sha256.Size]byte
	hex.Encode(text[:], macV3(sum[:0], secret, stringToSign))
	return string(text[:])
}

// macV3 appends the HMAC-SHA256 of stringToSign keyed with secret to dst, using a pooled MAC.
func macV3(dst []byte, secret, stringToSign string) []byte {
	pool := macPool(schemeV3, secret)
	mac := pool.Get().(*keyedMAC)
	mac.h.Reset()
	_, _ = io.WriteString(mac.h, stringToSign)
	dst = mac.h.Sum(dst)
	pool.Put(mac)
	return dst
}

// Authorization is the parsed V3 Authorization header
//
//	ACS3-HMAC-SHA256 Credential=<AccessKeyID>,SignedHeaders=<a;b;c>,Signature=<hex>
type Authorization struct {
	Algorithm     string
	AccessKeyID   string
	SignedHeaders []string
	Signature     string
}

// String renders a as an Authorization header value.
func (a Authorization) String() string {
	return a.Algorithm + " " + authCredential + "=" + a.AccessKeyID +
		"," + authSignedHeaders + "=" + strings.Join(a.SignedHeaders, ";") +
		"," + authSignature + "=" + a.Signature
}

// SignV3 signs req with the V3 scheme. body must be exactly the bytes that
// will be sent (nil or empty for no body); SignV3 does not read or replace
// req.Body.
//
// The caller must set, before calling, the x-acs-action and x-acs-version
// headers and the host (req.Host or req.URL.Host, as http.NewRequest does),
// plus Content-Type when a body is sent; the whole query must also already
// be in req.URL. SignV3 returns ErrMissingHeader or ErrMissingHost when they
// are missing, and ErrMissingCredentials when creds lacks the key ID or
// secret. Headers added to the request after signing are not covered.
//
// SignV3 sets x-acs-date (now in UTC), x-acs-signature-nonce (nonce, or a
// fresh NewNonce when nonce is empty), x-acs-content-sha256,
// x-acs-security-token when creds carries an STS token, and finally
// Authorization, which signs host, content-type (if present) and every
// x-acs-* header on the request.
func SignV3(req *http.Request, body []byte, creds Credentials, now time.Time, nonce string) error {
	if creds.AccessKeyID == "" || creds.AccessKeySecret == "" {
		return ErrMissingCredentials
	}
	if req == nil || req.URL == nil {
		return fmt.Errorf("%w: request or its URL is nil", ErrMissingHost)
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	if requestHost(req) == "" {
		return ErrMissingHost
	}
	for _, h := range []string{HeaderAction, HeaderVersion} {
		if v, ok := headerValue(req, h); !ok || v == "" {
			return fmt.Errorf("%w: %q must be set before signing", ErrMissingHeader, h)
		}
	}
	if nonce == "" {
		nonce = NewNonce()
	}
	bodyHash := HexSHA256(body)
	req.Header.Set(HeaderDate, formatTimestamp(now))
	req.Header.Set(HeaderNonce, nonce)
	req.Header.Set(HeaderContentSHA256, bodyHash)
	if creds.SecurityToken != "" {
		req.Header.Set(HeaderSecurityToken, creds.SecurityToken)
	}
	req.Header.Del(HeaderAuthorization)

	signed := SignedHeadersV3(req)
	canonical, err := CanonicalRequestV3(req, signed, bodyHash)
	if err != nil {
		return err
	}
	auth := Authorization{
		Algorithm:     AlgorithmV3,
		AccessKeyID:   creds.AccessKeyID,
		SignedHeaders: signed,
		Signature:     SignatureV3(creds.AccessKeySecret, StringToSignV3(canonical)),
	}
	req.Header.Set(HeaderAuthorization, auth.String())
	return nil
}

// authFields are the fields of an Authorization header.
var authFields = [...]string{authCredential, authSignedHeaders, authSignature}

// ParseAuthorizationV3 splits a V3 Authorization header value into its parts.
// The algorithm token is followed by one or more spaces and then exactly the
// three comma-separated fields Credential, SignedHeaders and Signature, in any
// order; spaces around fields are tolerated. It returns an error wrapping
// ErrMalformedAuthorization when a field is missing, repeated, unknown or
// empty, when a signed header name is empty, contains white space or is
// listed twice (in any case), or when the signature is not hex. The algorithm is not checked here (VerifyV3 does
// that), and the signed header names are returned lower-cased in the order
// given.
func ParseAuthorizationV3(header string) (Authorization, error) {
	malformed := func(format string, args ...any) (Authorization, error) {
		return Authorization{}, fmt.Errorf("%w: "+format, append([]any{ErrMalformedAuthorization}, args...)...)
	}
	header = strings.TrimSpace(header)
	if header == "" {
		return malformed("empty value")
	}
	algorithm, rest, found := strings.Cut(header, " ")
	if !found || strings.TrimSpace(rest) == "" {
		return malformed("expected %q followed by Credential, SignedHeaders and Signature", "<algorithm>")
	}
	var a Authorization
	a.Algorithm = algorithm
	var seen [len(authFields)]bool
	for more := true; more; {
		var field string
		field, rest, more = strings.Cut(rest, ",")
		field = strings.TrimSpace(field)
		key, value, ok := strings.Cut(field, "=")
		if !ok {
			return malformed("field %q is not key=value", field)
		}
		// Only the known fields can appear twice: any other is refused where it first appears.
		if i := slices.Index(authFields[:], key); i >= 0 {
			if seen[i] {
				return malformed("field %s appears twice", key)
			}
			seen[i] = true
		}
		if value == "" {
			return malformed("field %s is empty", key)
		}
		if strings.ContainsAny(value, " \t") {
			return malformed("field %s contains white space", key)
		}
		switch key {
		case authCredential:
			a.AccessKeyID = value
		case authSignedHeaders:
			a.SignedHeaders = make([]string, 0, strings.Count(value, ";")+1)
			for rest, more := value, true; more; {
				var name string
				name, rest, more = strings.Cut(rest, ";")
				if name == "" {
					return malformed("SignedHeaders %q has an empty name", value)
				}
				a.SignedHeaders = append(a.SignedHeaders, strings.ToLower(name))
			}
			if name, twice := repeated(a.SignedHeaders); twice {
				return malformed("SignedHeaders lists %s twice", name)
			}
		case authSignature:
			if !isHex(value) {
				return malformed("Signature %q is not hex", value)
			}
			a.Signature = value
		default:
			return malformed("unknown field %q", key)
		}
	}
	for i, key := range authFields {
		if !seen[i] {
			return malformed("field %s is missing", key)
		}
	}
	return a, nil
}

// VerifyV3 checks the V3 signature of a received request against secret.
// body must be the raw request body as received (VerifyV3 does not read
// r.Body). The canonical request is rebuilt from the SignedHeaders list of
// the Authorization header, in the order listed; the host value comes from
// r.Header when present there, else from r.Host, which is where net/http
// puts it on the server side.
//
// A non-nil err means the request could not be checked at all: no
// Authorization header (ErrMissingAuthorization), a malformed one
// (ErrMalformedAuthorization), another algorithm (ErrUnsupportedAlgorithm),
// or a listed header that was not sent (ErrMissingHeader). Otherwise ok
// reports whether the signature matches, and stringToSign is the string the
// server signed, for use in a SignatureDoesNotMatch message.
//
// VerifyV3 checks only the signature; the access key lookup, x-acs-date
// window and nonce reuse are the caller's business.
func VerifyV3(r *http.Request, body []byte, secret string) (ok bool, stringToSign string, err error) {
	if r == nil || r.URL == nil {
		return false, "", fmt.Errorf("%w: request or its URL is nil", ErrMissingHost)
	}
	raw := r.Header.Get(HeaderAuthorization)
	if raw == "" {
		return false, "", ErrMissingAuthorization
	}
	auth, err := ParseAuthorizationV3(raw)
	if err != nil {
		return false, "", err
	}
	if auth.Algorithm != AlgorithmV3 {
		return false, "", fmt.Errorf("%w: got %q, want %q", ErrUnsupportedAlgorithm, auth.Algorithm, AlgorithmV3)
	}
	canonical, err := CanonicalRequestV3(r, auth.SignedHeaders, HexSHA256(body))
	if err != nil {
		return false, "", err
	}
	stringToSign = StringToSignV3(canonical)
	var sum [sha256.Size]byte
	want := macV3(sum[:0], secret, stringToSign)
	got, _ := hex.DecodeString(auth.Signature) // validated by ParseAuthorizationV3
	return hmac.Equal(got, want), stringToSign, nil
}

// repeated reports a name that names holds twice, looked up in a set once the list is
// longer than a scan of it is worth.
func repeated(names []string) (string, bool) {
	if len(names) <= 16 {
		for i, n := range names {
			if slices.Contains(names[:i], n) {
				return n, true
			}
		}
		return "", false
	}
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		if seen[n] {
			return n, true
		}
		seen[n] = true
	}
	return "", false
}

// isHex reports whether hex.DecodeString would accept s: an even number of hex digits, of
// either case.
func isHex(s string) bool {
	if len(s)%2 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
