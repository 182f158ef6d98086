package signature_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/signature"
)

// Timestamps further away than a time.Duration can hold (about 292 years) are outside the
// window too: the distance to them must not wrap around.
func TestCheckTimestampFarAway(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, ts := range []string{
		"2318-10-26T10:22:32Z", // just past the range of a time.Duration
		"2400-01-01T00:00:00Z",
		"9999-12-31T23:59:59Z",
		"0001-01-01T00:00:00Z",
		"1733-01-01T00:00:00Z",
		"2026-03-02T10:15:01Z",
		"2026-03-02T09:44:59Z",
	} {
		assert.ErrorIs(t, signature.CheckTimestamp(ts, now, signature.ReplayWindow), signature.ErrTimestampExpired, ts)
	}
	for _, ts := range []string{"2026-03-02T10:15:00Z", "2026-03-02T09:45:00Z"} {
		assert.NoError(t, signature.CheckTimestamp(ts, now, signature.ReplayWindow), ts)
	}
	// The clock itself may be anywhere a time.Time can be.
	far := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	assert.ErrorIs(t, signature.CheckTimestamp("0001-01-01T00:00:00Z", far, signature.ReplayWindow), signature.ErrTimestampExpired)
	assert.NoError(t, signature.CheckTimestamp("9999-12-31T23:50:00Z", far, signature.ReplayWindow))
}

// A header listed twice in SignedHeaders is refused: it would be written into the canonical
// request once per listing, so a short header could cost the server any amount of work.
func TestParseAuthorizationV3RefusesRepeatedHeader(t *testing.T) {
	for _, list := range []string{"host;host", "host;x-acs-date;X-ACS-DATE", "a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;p;q;r;s;t;a"} {
		_, err := signature.ParseAuthorizationV3("ACS3-HMAC-SHA256 Credential=id,SignedHeaders=" + list + ",Signature=0a")
		assert.ErrorIs(t, err, signature.ErrMalformedAuthorization, list)
	}
}

// UnsignedHeadersV3 names what the V3 specification requires in SignedHeaders and the
// request left out: host, and every x-acs-* header sent.
func TestUnsignedHeadersV3(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.Host = "slb.aliyuncs.com"
	r.Header.Set(signature.HeaderAction, "CreateLoadBalancerHTTPSListener")
	r.Header.Set(signature.HeaderVersion, "2014-05-15")
	r.Header["x-acs-lower"] = []string{"1"} // a key that bypassed canonicalisation
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Accept", "application/json")
	r.Header.Set(signature.HeaderAuthorization, "ignored")

	assert.Equal(t, []string{"host", "x-acs-action", "x-acs-lower", "x-acs-version"}, signature.UnsignedHeadersV3(r, nil))
	assert.Equal(t, []string{"x-acs-lower", "x-acs-version"}, signature.UnsignedHeadersV3(r, []string{"host", "x-acs-action"}))
	assert.Empty(t, signature.UnsignedHeadersV3(r, signature.SignedHeadersV3(r)))
	// Content-Type and other headers may be signed or not.
	assert.Empty(t, signature.UnsignedHeadersV3(r, []string{"host", "x-acs-action", "x-acs-lower", "x-acs-version"}))

	// What SignV3 produces always passes.
	req := httptest.NewRequest(http.MethodPost, "http://slb.aliyuncs.com/?a=1", nil)
	req.Header.Set(signature.HeaderAction, "A")
	req.Header.Set(signature.HeaderVersion, "V")
	require.NoError(t, signature.SignV3(req, nil, signature.Credentials{AccessKeyID: "id", AccessKeySecret: "s", SecurityToken: "t"}, time.Now(), ""))
	auth, err := signature.ParseAuthorizationV3(req.Header.Get(signature.HeaderAuthorization))
	require.NoError(t, err)
	assert.Empty(t, signature.UnsignedHeadersV3(req, auth.SignedHeaders))
}

// manyHeaders is a request with n x-acs-* headers, all of them signed, and the list of them.
func manyHeaders(n int) (*http.Request, []string) {
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.Host = "slb.aliyuncs.com"
	signed := []string{"host"}
	for i := range n {
		name := fmt.Sprintf("x-acs-h%06d", i)
		r.Header[http.CanonicalHeaderKey(name)] = []string{"v"}
		signed = append(signed, name)
	}
	return r, signed
}

// Canonicalising the headers of a request costs time in proportion to the request: a request
// of 40,000 signed headers (a few hundred KB) is canonicalised and checked at once. Done one
// scan of every header per signed name, it takes minutes.
func TestV3HeadersLinear(t *testing.T) {
	r, signed := manyHeaders(40000)
	r.Header.Set(signature.HeaderAuthorization, signature.Authorization{Algorithm: signature.AlgorithmV3, AccessKeyID: "id",
		SignedHeaders: signed, Signature: strings.Repeat("0", 64)}.String())
	start := time.Now()
	got, err := signature.CanonicalHeadersV3(r, signed)
	require.NoError(t, err)
	assert.Equal(t, 40000+1, strings.Count(got, "\n"))
	assert.Empty(t, signature.UnsignedHeadersV3(r, signed))
	ok, _, err := signature.VerifyV3(r, nil, "secret")
	require.NoError(t, err)
	assert.False(t, ok)
	// Linear work is a few tens of milliseconds even under -race on a loaded machine; the
	// quadratic work this replaces took minutes.
	assert.Less(t, time.Since(start), 10*time.Second)
}
