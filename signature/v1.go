package signature

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"hash"
	"io"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Values of the V1 common parameters.
const (
	SignatureMethodV1  = "HMAC-SHA1"
	SignatureVersionV1 = "1.0"
)

// CanonicalQueryV1 returns the canonical query string that V1 signs: every
// parameter except Signature, with empty values kept as "name=", names and
// values percent-encoded with PercentEncode, sorted by encoded name in byte
// order and joined with '&'.
//
// A name that carries several values (for example because it was sent both
// in the URL and in the form body) yields one name=value pair per value, in
// the order the values appear in params. Parameter sets built by real
// clients never repeat a name, so this only matters for odd input; it keeps
// every received byte covered by the signature.
func CanonicalQueryV1(params url.Values) string {
	return canonicalQuery(params, paramSignature)
}

// StringToSignV1 returns the text that V1 signs:
//
//	METHOD & %2F & PercentEncode(CanonicalQueryV1(params))
//
// The method is upper-cased. Because the canonical query is encoded a second
// time, an escaped character such as ':' (%3A) appears as %253A.
func StringToSignV1(method string, params url.Values) string {
	// Both encodings are done in one pass into one buffer: encoding an already encoded
	// text only turns '%', '&' and '=' into "%25", "%26" and "%3D", so each byte of a
	// name or value is written once, either as itself or as "%25" and two hex digits.
	names := sortedEncodedNames(params, paramSignature)
	size := len(method) + 5
	for _, p := range names {
		values := params[p.name]
		if len(values) == 0 {
			values = emptyValue
		}
		for _, v := range values {
			size += twiceEncodedLen(p.name) + twiceEncodedLen(v) + 6
		}
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteString(strings.ToUpper(method))
	b.WriteString("&%2F&")
	first := true
	for _, p := range names {
		values := params[p.name]
		if len(values) == 0 {
			values = emptyValue
		}
		for _, v := range values {
			if !first {
				b.WriteString("%26")
			}
			first = false
			writeTwiceEncoded(&b, p.name)
			b.WriteString("%3D")
			writeTwiceEncoded(&b, v)
		}
	}
	return b.String()
}

var emptyValue = []string{""}

func twiceEncodedLen(s string) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n += 4
		}
	}
	return n
}

// writeTwiceEncoded writes PercentEncode(PercentEncode(s)) without the intermediate text.
func writeTwiceEncoded(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			continue
		}
		b.WriteString(s[start:i])
		b.WriteString("%25")
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0x0f])
		start = i + 1
	}
	b.WriteString(s[start:])
}

// SignV1 returns the base64-encoded HMAC-SHA1 of StringToSignV1(method,
// params), keyed with secret followed by '&'. Any Signature entry in params
// is ignored, so params may already carry an old signature.
func SignV1(method, secret string, params url.Values) string {
	return signV1String(secret, StringToSignV1(method, params))
}

func signV1String(secret, stringToSign string) string {
	pool := macPool(secret)
	mac := pool.Get().(hash.Hash)
	mac.Reset()
	_, _ = io.WriteString(mac, stringToSign)
	var sum [sha1.Size]byte
	out := base64.StdEncoding.EncodeToString(mac.Sum(sum[:0]))
	pool.Put(mac)
	return out
}

// A keyed HMAC costs two hash states and two padded keys; signers and verifiers use a few
// secrets over and over, so each secret keeps a pool of ready MACs. Past maxMACPools secrets
// (a fuzzer, say) new secrets get a pool that is not remembered.
const maxMACPools = 64

var macPools struct {
	sync.Mutex
	m map[string]*sync.Pool
}

func macPool(secret string) *sync.Pool {
	macPools.Lock()
	defer macPools.Unlock()
	if p, ok := macPools.m[secret]; ok {
		return p
	}
	key := []byte(secret + "&")
	p := &sync.Pool{New: func() any { return hmac.New(sha1.New, key) }}
	if macPools.m == nil {
		macPools.m = map[string]*sync.Pool{}
	}
	if len(macPools.m) < maxMACPools {
		macPools.m[secret] = p
	}
	return p
}

// VerifyV1 recomputes the V1 signature of params for the given HTTP method
// and secret and compares it, in constant time, with the Signature
// parameter. params must hold every parameter the server received, URL query
// and form body merged.
//
// ok is false when Signature is absent, is given more than once, or does
// not match. serverStringToSign is always the string the server signed, so
// that a caller can report it (the real gateway appends it to the message of
// a SignatureDoesNotMatch error).
func VerifyV1(method string, params url.Values, secret string) (ok bool, serverStringToSign string) {
	serverStringToSign = StringToSignV1(method, params)
	got := params[paramSignature]
	if len(got) != 1 || got[0] == "" {
		return false, serverStringToSign
	}
	want := signV1String(secret, serverStringToSign)
	return hmac.Equal([]byte(got[0]), []byte(want)), serverStringToSign
}

// V1Params returns the common parameters a V1 request carries besides
// Action, Version, Format, RegionId and the business parameters:
// AccessKeyId, SignatureMethod=HMAC-SHA1, SignatureVersion=1.0, a fresh
// random SignatureNonce, Timestamp (now in UTC, TimestampLayout), and
// SecurityToken when creds has one. Signature is not included; compute it
// with SignV1 once every other parameter is in place.
func V1Params(creds Credentials, now time.Time) url.Values {
	p := make(url.Values, 6)
	AddV1Params(p, creds, now)
	return p
}

// AddV1Params sets the parameters described at V1Params on dst, replacing
// any earlier values of those names. dst must not be nil.
func AddV1Params(dst url.Values, creds Credentials, now time.Time) {
	dst.Set(paramAccessKeyID, creds.AccessKeyID)
	dst.Set(paramSignatureMethod, SignatureMethodV1)
	dst.Set(paramSignatureVersion, SignatureVersionV1)
	dst.Set(paramSignatureNonce, NewNonce())
	dst.Set(paramTimestamp, now.UTC().Format(TimestampLayout))
	if creds.SecurityToken != "" {
		dst.Set(paramSecurityToken, creds.SecurityToken)
	}
}
