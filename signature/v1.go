package signature

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
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
	buf := getBuffer()
	*buf = appendStringToSignV1((*buf)[:0], method, params)
	s := string(*buf)
	putBuffer(buf)
	return s
}

// appendStringToSignV1 appends StringToSignV1(method, params) to dst.
//
// Both encodings are done in one pass: encoding an already encoded text only turns '%', '&'
// and '=' into "%25", "%26" and "%3D", so each byte of a name or value is written once,
// either as itself or as "%25" and two hex digits.
func appendStringToSignV1(dst []byte, method string, params url.Values) []byte {
	var spare [paramsOnStack]param
	return appendSortedToSignV1(dst, method, sortedParams(spare[:0], params, paramSignature))
}

// appendSortedToSignV1 appends the text V1 signs for the parameters ps, already in the order of
// their encoded names and without Signature.
func appendSortedToSignV1(dst []byte, method string, ps []param) []byte {
	dst = appendUpper(dst, method)
	dst = append(dst, "&%2F&"...)
	for i, p := range ps {
		name, values := p.name, p.values
		if len(values) == 0 {
			values = emptyValue
		}
		for j, v := range values {
			if i > 0 || j > 0 {
				dst = append(dst, "%26"...)
			}
			dst = appendTwiceEncoded(dst, name)
			dst = append(dst, "%3D"...)
			dst = appendTwiceEncoded(dst, v)
		}
	}
	return dst
}

var emptyValue = []string{""}

// appendUpper appends s upper-cased as strings.ToUpper would, without a new string when s is
// plain ASCII (an HTTP method always is).
func appendUpper(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return append(dst, strings.ToUpper(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// appendTwiceEncoded appends PercentEncode(PercentEncode(s)) without the intermediate text.
func appendTwiceEncoded(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for {
		i := plainSpan(s)
		dst = append(dst, s[:i]...)
		if i == len(s) {
			return dst
		}
		c := s[i]
		dst = append(dst, '%', '2', '5', hex[c>>4], hex[c&0x0f])
		s = s[i+1:]
	}
}

// plainSpan returns the length of the longest prefix of s made of unreserved bytes. Most text
// that is signed is plain, so it looks at eight bytes per step while it can.
func plainSpan(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		b := s[i : i+8]
		if unreservedByte[b[0]]&unreservedByte[b[1]]&unreservedByte[b[2]]&unreservedByte[b[3]]&
			unreservedByte[b[4]]&unreservedByte[b[5]]&unreservedByte[b[6]]&unreservedByte[b[7]] == 0 {
			break
		}
	}
	for i < len(s) && unreservedSet[s[i]] {
		i++
	}
	return i
}

// The text to sign is built in a reused buffer; buffers grown past maxPooledBuffer by an odd
// request are left to the collector rather than kept.
const maxPooledBuffer = 64 << 10

var buffers = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

func getBuffer() *[]byte { return buffers.Get().(*[]byte) }

func putBuffer(b *[]byte) {
	if cap(*b) <= maxPooledBuffer {
		buffers.Put(b)
	}
}

// SignV1 returns the base64-encoded HMAC-SHA1 of StringToSignV1(method,
// params), keyed with secret followed by '&'. Any Signature entry in params
// is ignored, so params may already carry an old signature.
func SignV1(method, secret string, params url.Values) string {
	buf := getBuffer()
	*buf = appendStringToSignV1((*buf)[:0], method, params)
	var sig [sigV1Len]byte
	signV1(sig[:0], secret, *buf)
	putBuffer(buf)
	return string(sig[:])
}

// SignV1Pairs is SignV1 for parameters given as pairs, names[i] carrying values[i], as a client
// holds them before it encodes a request: it signs them without building the map SignV1 takes.
// When a name is given more than once, it signs by way of that map (SignV1), which keeps the
// values of a name in the order given. Signature, if given, is ignored. names and values must
// be of one length.
func SignV1Pairs(method, secret string, names, values []string) string {
	var spare [paramsOnStack]param
	ps := spare[:0]
	for i, name := range names {
		if name != paramSignature {
			ps = append(ps, param{name, values[i : i+1 : i+1]})
		}
	}
	sortParams(ps)
	for i := 1; i < len(ps); i++ {
		if ps[i].name == ps[i-1].name {
			return SignV1(method, secret, pairValues(names, values))
		}
	}
	buf := getBuffer()
	*buf = appendSortedToSignV1((*buf)[:0], method, ps)
	var sig [sigV1Len]byte
	signV1(sig[:0], secret, *buf)
	putBuffer(buf)
	return string(sig[:])
}

// pairValues gathers pairs into the map SignV1 takes, the values of a name in the order given.
func pairValues(names, values []string) url.Values {
	v := make(url.Values, len(names))
	for i, name := range names {
		v[name] = append(v[name], values[i])
	}
	return v
}

// sigV1Len is the length of a base64-encoded HMAC-SHA1 (padded, four characters for each
// three bytes begun).
const sigV1Len = (sha1.Size + 2) / 3 * 4

// signV1 appends the base64-encoded HMAC-SHA1 of stringToSign, keyed with secret and '&'.
func signV1(dst []byte, secret string, stringToSign []byte) []byte {
	pool := macPool(schemeV1, secret)
	mac := pool.Get().(*keyedMAC)
	mac.h.Reset()
	mac.h.Write(stringToSign)
	dst = base64.StdEncoding.AppendEncode(dst, mac.h.Sum(mac.sum[:0]))
	pool.Put(mac)
	return dst
}

// keyedMAC is a ready HMAC-SHA1 with room for its sum, so that taking the sum allocates
// nothing.
type keyedMAC struct {
	h   hash.Hash
	sum [sha1.Size]byte // room for a V1 sum
}

// A keyed HMAC costs two hash states and two padded keys; signers and verifiers use a few
// secrets over and over, so each secret keeps a pool of ready MACs per scheme. Past
// maxMACPools of them (a fuzzer, say) new secrets get a pool that is not remembered.
const maxMACPools = 64

// macScheme tells the MACs of the two schemes apart: V1 is HMAC-SHA1 keyed with the secret
// and '&', V3 HMAC-SHA256 keyed with the secret alone.
type macScheme int

const (
	schemeV1 macScheme = iota
	schemeV3
)

type macPoolKey struct {
	scheme macScheme
	secret string
}

var macPools struct {
	sync.Mutex
	m map[macPoolKey]*sync.Pool
}

func macPool(scheme macScheme, secret string) *sync.Pool {
	macPools.Lock()
	defer macPools.Unlock()
	k := macPoolKey{scheme, secret}
	if p, ok := macPools.m[k]; ok {
		return p
	}
	var p *sync.Pool
	if scheme == schemeV1 {
		key := []byte(secret + "&")
		p = &sync.Pool{New: func() any { return &keyedMAC{h: hmac.New(sha1.New, key)} }}
	} else {
		key := []byte(secret)
		p = &sync.Pool{New: func() any { return &keyedMAC{h: hmac.New(sha256.New, key)} }}
	}
	if macPools.m == nil {
		macPools.m = map[macPoolKey]*sync.Pool{}
	}
	if len(macPools.m) < maxMACPools {
		macPools.m[k] = p
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
	buf := getBuffer()
	*buf = appendStringToSignV1((*buf)[:0], method, params)
	serverStringToSign = string(*buf)
	ok = signedV1(params, secret, *buf)
	putBuffer(buf)
	return ok, serverStringToSign
}

// ValidV1 reports what VerifyV1 reports as ok, without making the string to sign a string of
// its own: a server that needs that string only to explain a refusal can call VerifyV1 or
// StringToSignV1 when ValidV1 is false.
func ValidV1(method string, params url.Values, secret string) bool {
	buf := getBuffer()
	*buf = appendStringToSignV1((*buf)[:0], method, params)
	ok := signedV1(params, secret, *buf)
	putBuffer(buf)
	return ok
}

// signedV1 compares the Signature parameter with the signature of stringToSign.
func signedV1(params url.Values, secret string, stringToSign []byte) bool {
	got := params[paramSignature]
	if len(got) != 1 || got[0] == "" {
		return false
	}
	var want [sigV1Len]byte
	return hmac.Equal([]byte(got[0]), signV1(want[:0], secret, stringToSign))
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
	values := [len(v1ParamNames)]string{
		creds.AccessKeyID, SignatureMethodV1, SignatureVersionV1, NewNonce(),
		formatTimestamp(now), creds.SecurityToken,
	}
	n := len(values)
	if creds.SecurityToken == "" {
		n--
	}
	// As dst.Set does, each name gets a slice of one value; the slices share one array (each
	// with capacity one, so an append moves it away) instead of costing an allocation each.
	shared := append(make([]string, 0, n), values[:n]...)
	for i, name := range v1ParamNames[:n] {
		dst[name] = shared[i : i+1 : i+1]
	}
}

// v1ParamNames are the names AddV1Params sets, in the order of its values; SecurityToken,
// which is optional, comes last.
var v1ParamNames = [...]string{
	paramAccessKeyID, paramSignatureMethod, paramSignatureVersion, paramSignatureNonce,
	paramTimestamp, paramSecurityToken,
}
