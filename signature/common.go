package signature

import (
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
	return hex.EncodeToString(b[:])
}

// ParseTimestamp parses a Timestamp / x-acs-date value. Only the exact
// layout TimestampLayout is accepted: no fractional seconds, no offset other
// than the literal Z.
func ParseTimestamp(value string) (time.Time, error) {
	t, err := time.Parse(TimestampLayout, value)
	// time.Parse tolerates fractional seconds the layout does not mention;
	// formatting back and comparing rejects them.
	if err != nil || t.Format(TimestampLayout) != value {
		return time.Time{}, fmt.Errorf("%w: %q does not match %s", ErrMalformedTimestamp, value, TimestampLayout)
	}
	return t, nil
}

// CheckTimestamp parses value and reports ErrTimestampExpired (wrapped) when
// it lies more than window away from now, in the past or in the future.
// A malformed value yields ErrMalformedTimestamp.
func CheckTimestamp(value string, now time.Time, window time.Duration) error {
	t, err := ParseTimestamp(value)
	if err != nil {
		return err
	}
	d := now.Sub(t)
	if d < 0 {
		d = -d
	}
	if d > window {
		return fmt.Errorf("%w: %s is %s away from server time %s (limit %s)",
			ErrTimestampExpired, value, d, now.UTC().Format(TimestampLayout), window)
	}
	return nil
}

type encodedName struct{ encName, name string }

// sortedEncodedNames lists the names of params but skip, each with its encoding, in the order
// of the encoded names.
func sortedEncodedNames(params url.Values, skip string) []encodedName {
	names := make([]encodedName, 0, len(params))
	for name := range params {
		if skip != "" && name == skip {
			continue
		}
		names = append(names, encodedName{PercentEncode(name), name})
	}
	// Percent-encoding is injective, so encoded names are unique and the
	// order below is total.
	slices.SortFunc(names, func(a, b encodedName) int { return strings.Compare(a.encName, b.encName) })
	return names
}

// canonicalQuery renders params sorted by encoded name as
// name=value pairs joined by '&', both sides percent-encoded. Parameters
// whose name equals skip are left out. A name repeated in params contributes
// one pair per value, in the order the values appear in the slice; a name
// mapped to an empty slice contributes a single "name=".
func canonicalQuery(params url.Values, skip string) string {
	names := sortedEncodedNames(params, skip)
	var b strings.Builder
	for _, p := range names {
		values := params[p.name]
		if len(values) == 0 {
			values = []string{""}
		}
		for _, v := range values {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(p.encName)
			b.WriteByte('=')
			b.WriteString(PercentEncode(v))
		}
	}
	return b.String()
}
