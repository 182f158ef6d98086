package signature

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// TimestampLayout is the time layout (always UTC) of the V1 Timestamp
// parameter and of the V3 x-acs-date header.
const TimestampLayout = "2006-01-02T15:04:05Z"

// Wire names this package spells. signature is a leaf package (it does not import spec), so
// they are kept here, once; spec/names.go spells the same V1 names for the rest of the project.
const (
	// V1 common parameters.
	paramAccessKeyID      = "AccessKeyId"
	paramSignature        = "Signature"
	paramSignatureMethod  = "SignatureMethod"
	paramSignatureVersion = "SignatureVersion"
	paramSignatureNonce   = "SignatureNonce"
	paramTimestamp        = "Timestamp"
	paramSecurityToken    = "SecurityToken"

	// Fields of the V3 Authorization header.
	authCredential    = "Credential"
	authSignedHeaders = "SignedHeaders"
	authSignature     = "Signature"

	// Headers a V3 signature always covers or may cover (lower case).
	headerHost        = "host"
	headerContentType = "content-type"
	headerACSPrefix   = "x-acs-"
)

// ParamSignature is the V1 parameter that carries the signature (for callers, such as the
// fuzz targets of package fuzz/sigfuzz, that must not link spec).
const ParamSignature = paramSignature

// ReplayWindow is how far a request timestamp may be from the server clock,
// in either direction, before the gateway rejects it. The gateway also
// remembers nonces for this long.
const ReplayWindow = 15 * time.Minute

// Credentials is an access key pair, optionally with an STS security token.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	// SecurityToken is set only for temporary (STS) credentials; it is sent
	// as the SecurityToken parameter (V1) or x-acs-security-token header (V3).
	SecurityToken string
}

// NewNonce returns 32 lower-case hex characters drawn from crypto/rand,
// suitable for SignatureNonce and x-acs-signature-nonce.
func NewNonce() string {
	var b [16]byte
	// crypto/rand.Read never fails on supported platforms (Go 1.24+); it
	// aborts the program instead of returning an error.
	_, _ = rand.Read(b[:])
	var text [2 * len(b)]byte
	hex.Encode(text[:], b[:])
	return string(text[:])
}

// CheckTimestamp parses value and reports ErrTimestampExpired (wrapped) when
// it lies more than window away from now, in the past or in the future.
// A malformed value yields ErrMalformedTimestamp.
func CheckTimestamp(value string, now time.Time, window time.Duration) error {
	t, err := ParseTimestamp(value)
	if err != nil {
		return err
	}
	// Compared as instants: the distance between two times may not fit in a
	// time.Duration (about 292 years), and a saturated or wrapped distance would
	// let a timestamp far away through.
	if t.Before(now.Add(-window)) || t.After(now.Add(window)) {
		return fmt.Errorf("%w: %s is more than %s away from server time %s",
			ErrTimestampExpired, value, window, now.UTC().Format(TimestampLayout))
	}
	return nil
}

// param is one name of a request with its values.
type param struct {
	name   string
	values []string
}

// paramsOnStack is how many parameters the signers sort without allocating; requests to this
// API carry fewer.
const paramsOnStack = 64

// sortedParams appends the parameters of params but skip to dst, in the order of their
// percent-encoded names, which is the order the canonical query lists them in.
func sortedParams(dst []param, params url.Values, skip string) []param {
	start := len(dst)
	for name, values := range params {
		if skip != "" && name == skip {
			continue
		}
		dst = append(dst, param{name, values})
	}
	sortParams(dst[start:])
	return dst
}

// sortParams puts ps in the order of their percent-encoded names. Parameters of one name end
// next to each other, in no particular order.
func sortParams(ps []param) {
	if len(ps) > 1<<8 {
		slices.SortFunc(ps, func(a, b param) int { return compareEncoded(a.name, b.name) })
		return
	}
	// Most names differ within their first seven bytes, so those bytes (as their encodings
	// order them) and the position in ps make one number per name, and numbers sort much
	// faster than strings.
	var spareKeys [paramsOnStack]uint64
	keys := spareKeys[:0]
	for i := range ps {
		keys = append(keys, headKey(ps[i].name)|uint64(i))
	}
	slices.Sort(keys)
	// keys[j] now names the parameter that belongs at j. Move them there one cycle of the
	// permutation at a time; a key whose position is its own is done.
	for j := range keys {
		if int(keys[j]&0xff) == j {
			continue
		}
		first, at := ps[j], j
		for {
			from := int(keys[at] & 0xff)
			keys[at] = keys[at]&^0xff | uint64(at)
			if from == j {
				ps[at] = first
				break
			}
			ps[at] = ps[from]
			at = from
		}
	}
	// Names whose heads tie are next to each other now; put each such run in order.
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j]>>8 == keys[i]>>8 {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(ps[i:j], func(a, b param) int { return compareEncoded(a.name, b.name) })
		}
		i = j
	}
}

// headKey puts the ranks (encodedRank) of the first seven bytes of s in the top seven bytes of
// a number, zeros standing for missing bytes. If headKey(a) < headKey(b), the encoding of a
// sorts before that of b; equal keys say nothing.
func headKey(s string) uint64 {
	var k uint64
	for i := 0; i < 7; i++ {
		k <<= 8
		if i < len(s) {
			k |= uint64(encodedRank[s[i]])
		}
	}
	return k << 8
}

// encodedRank numbers the bytes in the order compareEncoded gives them: escaped bytes (whose
// encodings start with '%') by value, then the unreserved ones by value.
var encodedRank = func() (rank [256]byte) {
	var n byte
	for _, unres := range []bool{false, true} {
		for c := 0; c < 256; c++ {
			if unreservedSet[c] == unres {
				rank[c] = n
				n++
			}
		}
	}
	return rank
}()

// compareEncoded compares PercentEncode(a) with PercentEncode(b) without encoding either.
// Up to the first byte where a and b differ the encodings agree. There, an unreserved byte is
// its own first encoded byte while any other byte starts with '%' (which is not unreserved),
// and two escaped bytes compare by their upper-case hex digits, that is by value. Percent-
// encoding is injective, so the order is total on distinct names.
func compareEncoded(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	if i == n {
		return cmp.Compare(len(a), len(b))
	}
	return cmp.Compare(encodedKey(a[i]), encodedKey(b[i]))
}

// encodedKey orders a byte as its percent-encoding does: the first encoded byte in the high
// half, the byte itself (which orders the hex digits after '%') in the low half.
func encodedKey(c byte) int {
	if unreservedSet[c] {
		return int(c) << 8
	}
	return '%'<<8 | int(c)
}

// canonicalQuery renders params sorted by encoded name as
// name=value pairs joined by '&', both sides percent-encoded. Parameters
// whose name equals skip are left out. A name repeated in params contributes
// one pair per value, in the order the values appear in the slice; a name
// mapped to an empty slice contributes a single "name=".
func canonicalQuery(params url.Values, skip string) string {
	var spare [paramsOnStack]param
	var b strings.Builder
	for _, p := range sortedParams(spare[:0], params, skip) {
		name, values := p.name, p.values
		if len(values) == 0 {
			values = emptyValue
		}
		for _, v := range values {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(PercentEncode(name))
			b.WriteByte('=')
			b.WriteString(PercentEncode(v))
		}
	}
	return b.String()
}
