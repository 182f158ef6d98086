package signature

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"strings"
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
	return canonicalQuery(params, "Signature")
}

// StringToSignV1 returns the text that V1 signs:
//
//	METHOD & %2F & PercentEncode(CanonicalQueryV1(params))
//
// The method is upper-cased. Because the canonical query is encoded a second
// time, an escaped character such as ':' (%3A) appears as %253A.
func StringToSignV1(method string, params url.Values) string {
	q := PercentEncode(CanonicalQueryV1(params))
	var b strings.Builder
	b.Grow(len(method) + len(q) + 5)
	b.WriteString(strings.ToUpper(method))
	b.WriteString("&%2F&")
	b.WriteString(q)
	return b.String()
}

// SignV1 returns the base64-encoded HMAC-SHA1 of StringToSignV1(method,
// params), keyed with secret followed by '&'. Any Signature entry in params
// is ignored, so params may already carry an old signature.
func SignV1(method, secret string, params url.Values) string {
	return signV1String(secret, StringToSignV1(method, params))
}

func signV1String(secret, stringToSign string) string {
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
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
	got := params["Signature"]
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
	dst.Set("AccessKeyId", creds.AccessKeyID)
	dst.Set("SignatureMethod", SignatureMethodV1)
	dst.Set("SignatureVersion", SignatureVersionV1)
	dst.Set("SignatureNonce", NewNonce())
	dst.Set("Timestamp", now.UTC().Format(TimestampLayout))
	if creds.SecurityToken != "" {
		dst.Set("SecurityToken", creds.SecurityToken)
	}
}
