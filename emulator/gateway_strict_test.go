package emulator_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// gwCode is the code the description gives a gateway state.
func gwCode(t testing.TB, state spec.GatewayState) string {
	ec, ok := spec.MustDefault().GatewayError(state)
	require.True(t, ok, "no gateway state %s", state)
	return ec.Code
}

// v3Request builds a V3 request of action with params in the query, signed at now with the
// client's key; sign may change the request between the headers and the signature.
func (c *client) v3Request(action string, params url.Values, now time.Time, nonce string) *http.Request {
	t := c.env.t
	req, err := http.NewRequest(http.MethodPost, c.env.srv.URL+"/?"+params.Encode(), nil)
	require.NoError(t, err)
	req.Header.Set(signature.HeaderAction, action)
	req.Header.Set(signature.HeaderVersion, spec.MustDefault().APIVersion)
	require.NoError(t, signature.SignV3(req, nil, c.creds, now, nonce))
	return req
}

// resignV3 signs req again over the given headers only, as a careless client would.
func (c *client) resignV3(req *http.Request, headers ...string) {
	canonical, err := signature.CanonicalRequestV3(req, headers, signature.EmptyBodySHA256)
	require.NoError(c.env.t, err)
	auth := signature.Authorization{Algorithm: signature.AlgorithmV3, AccessKeyID: c.creds.AccessKeyID, SignedHeaders: headers,
		Signature: signature.SignatureV3(c.creds.AccessKeySecret, signature.StringToSignV3(canonical))}
	req.Header.Set(signature.HeaderAuthorization, auth.String())
}

// TestV3CommonHeadersMustBeSigned: the V3 rules require host and every x-acs-* header in
// SignedHeaders. A request signed over host alone was accepted, and since nothing bound its
// action, date or nonce to the signature it could be sent again with a fresh nonce and date
// and another action: a create signed this way deleted the load balancer.
func TestV3CommonHeadersMustBeSigned(t *testing.T) {
	e := newEnv(t)
	c := e.primary()
	lb, cert := c.createPerfLB(), c.uploadCert("")
	incomplete := gwCode(t, "missing-signature")

	req := c.v3Request(spec.ActionCreateHTTPSListener, listenerParams(lb, cert), e.clock.Now(), "")
	c.resignV3(req, "host")
	r := do(t, req)
	assert.Equal(t, incomplete, r.code(), "%s", r.Raw)
	assert.Contains(t, r.str("Recommend"), signature.HeaderAction)

	// The attack: the same signature, a fresh nonce and date, another action.
	req.Header.Set(signature.HeaderAction, spec.ActionDeleteLoadBalancer)
	req.Header.Set(signature.HeaderNonce, signature.NewNonce())
	req.Header.Set(signature.HeaderDate, e.clock.Now().Add(time.Minute).UTC().Format(signature.TimestampLayout))
	r = do(t, req)
	assert.Equal(t, incomplete, r.code(), "%s", r.Raw)
	c.must(spec.ActionDescribeLoadBalancer, url.Values{spec.ParamLoadBalancerID: {lb}})
	assert.Zero(t, c.listenerCount())

	// Every x-acs-* header but not host.
	req = c.v3Request(spec.ActionCreateHTTPSListener, listenerParams(lb, cert), e.clock.Now(), "")
	auth, err := signature.ParseAuthorizationV3(req.Header.Get(signature.HeaderAuthorization))
	require.NoError(t, err)
	c.resignV3(req, auth.SignedHeaders[1:]...)
	require.NotContains(t, auth.SignedHeaders[1:], "host")
	r = do(t, req)
	assert.Equal(t, incomplete, r.code(), "%s", r.Raw)

	// An x-acs-* header added after signing.
	req = c.v3Request(spec.ActionCreateHTTPSListener, listenerParams(lb, cert), e.clock.Now(), "")
	req.Header.Set("x-acs-added-later", "1")
	r = do(t, req)
	assert.Equal(t, incomplete, r.code(), "%s", r.Raw)
	assert.Contains(t, r.str("Recommend"), "x-acs-added-later")
	assert.Zero(t, c.listenerCount())

	// Signed as the rules say, with content-type left out, it passes.
	req = c.v3Request(spec.ActionCreateHTTPSListener, listenerParams(lb, cert), e.clock.Now(), "")
	r = do(t, req)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	assert.Equal(t, 1, c.listenerCount())
}

// TestFarFutureTimestamp: a Timestamp or x-acs-date some 292 years ahead overflowed the
// distance to the server clock and passed the window.
func TestFarFutureTimestamp(t *testing.T) {
	e := newEnv(t)
	c := e.primary()
	expired := gwCode(t, "stale-timestamp")
	far := e.clock.Now().AddDate(300, 0, 0)

	v := url.Values{spec.ParamAction: {spec.ActionDescribeListeners}, spec.ParamVersion: {spec.MustDefault().APIVersion}}
	signature.AddV1Params(v, c.creds, far)
	v.Set(spec.ParamSignature, signature.SignV1(http.MethodPost, c.creds.AccessKeySecret, v))
	r := c.send(v)
	assert.Equal(t, expired, r.code(), "%s", r.Raw)
	e.clock.Advance(16 * time.Minute)
	r = c.send(v)
	assert.Equal(t, expired, r.code(), "sent again later: %s", r.Raw)

	r = do(t, c.v3Request(spec.ActionDescribeListeners, nil, far, ""))
	assert.Equal(t, expired, r.code(), "%s", r.Raw)
}

// TestNonceRememberedAsLongAsItsTimestampPasses: a request dated near the future edge of the
// window passes the timestamp check until well after the server first saw it; its nonce must
// be remembered that long. It was forgotten 15 minutes after arrival.
func TestNonceRememberedAsLongAsItsTimestampPasses(t *testing.T) {
	e := newEnv(t)
	c := e.primary()
	ahead := e.clock.Now().Add(14 * time.Minute)
	v := url.Values{spec.ParamAction: {spec.ActionCreateLoadBalancer}, spec.ParamVersion: {spec.MustDefault().APIVersion},
		spec.ParamRegionID: {emulator.DefaultRegion}}
	signature.AddV1Params(v, c.creds, ahead)
	v.Set(spec.ParamSignature, signature.SignV1(http.MethodPost, c.creds.AccessKeySecret, v))
	r := c.send(v)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)

	e.clock.Advance(16 * time.Minute)
	r = c.send(v)
	assert.Equal(t, gwCode(t, "nonce-replayed"), r.code(), "%s", r.Raw)
	e.clock.Advance(14 * time.Minute)
	r = c.send(v)
	assert.Equal(t, gwCode(t, "stale-timestamp"), r.code(), "%s", r.Raw)

	// V3 the same way.
	req := c.v3Request(spec.ActionCreateLoadBalancer, url.Values{spec.ParamRegionID: {emulator.DefaultRegion}}, e.clock.Now().Add(14*time.Minute), "")
	require.Equal(t, http.StatusOK, do(t, req).Status)
	e.clock.Advance(16 * time.Minute)
	assert.Equal(t, gwCode(t, "nonce-replayed"), do(t, req).code())
}

// TestNonceCacheFullThrottles: when the replay cache is full it refuses new requests with a
// throttling answer rather than forget a nonce that is still inside its window. It used to
// drop the oldest, which reopened replay for any sustained rate above max/window.
func TestNonceCacheFullThrottles(t *testing.T) {
	e := newEnv(t, func(cfg *emulator.Config) { cfg.MaxNonces = 20 })
	c := e.primary()
	first := c.signed(spec.ActionCreateLoadBalancer, url.Values{spec.ParamRegionID: {emulator.DefaultRegion}})
	require.Equal(t, http.StatusOK, c.send(first).Status)
	for range 19 {
		c.must(spec.ActionDescribeListeners, nil)
	}
	r := c.call(spec.ActionDescribeListeners, nil)
	assert.Equal(t, gwCode(t, "throttled"), r.code(), "%s", r.Raw)
	assert.Equal(t, 20, e.em.NonceCacheSize())
	r = c.send(first)
	assert.Equal(t, gwCode(t, "nonce-replayed"), r.code(), "the first nonce is still remembered: %s", r.Raw)

	// Time frees the cache, a nonce at a time as each window ends.
	e.clock.Advance(15*time.Minute + time.Second)
	c.must(spec.ActionDescribeListeners, nil)
	assert.Equal(t, 1, e.em.NonceCacheSize())
}

// TestV3LargeRequestLinear: one V3 request of a few hundred KB, every header listed in its
// SignedHeaders and a wrong signature, costs the emulator time in proportion to its size (it
// cost 15 s of CPU when each signed name scanned every header).
func TestV3LargeRequestLinear(t *testing.T) {
	e := newEnv(t)
	c := e.primary()
	req := c.v3Request(spec.ActionDescribeListeners, nil, e.clock.Now(), "")
	auth, err := signature.ParseAuthorizationV3(req.Header.Get(signature.HeaderAuthorization))
	require.NoError(t, err)
	signed := auth.SignedHeaders
	for i := range 30000 {
		name := fmt.Sprintf("x-acs-pad%05d", i)
		req.Header.Set(name, "v")
		signed = append(signed, name)
	}
	auth.SignedHeaders = signed
	req.Header.Set(signature.HeaderAuthorization, auth.String())
	req.RequestURI, req.RemoteAddr = req.URL.RequestURI(), "127.0.0.1:1"
	rec := httptest.NewRecorder()
	start := time.Now()
	e.em.ServeHTTP(rec, req)
	elapsed := time.Since(start)
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Contains(t, rec.Body.String(), gwCode(t, "bad-signature"))
	assert.Less(t, elapsed, 10*time.Second, "linear work takes a fraction of a second")
}
