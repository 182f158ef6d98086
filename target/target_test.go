package target_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

var vectorParams = []target.KV{
	{Name: "BackendServerPort", Value: "80"}, {Name: "Bandwidth", Value: "-1"}, {Name: "HealthCheck", Value: "on"},
	{Name: "ListenerPort", Value: "443"}, {Name: "LoadBalancerId", Value: "lb-bp1o94dp5i6earr****"}, {Name: "RegionId", Value: "cn-hangzhou"},
	{Name: "ServerCertificateId", Value: "idkp-123-cn-test-****"}, {Name: "Tag.1.Key", Value: "TestKey"}, {Name: "Tag.1.Value", Value: "TestValue"},
}

func vectorTarget(t *testing.T, base string) *target.HTTP {
	t.Helper()
	tg, err := target.NewHTTP(target.HTTPConfig{BaseURL: base, Credentials: map[string]signature.Credentials{
		spec.PrincipalPrimary: {AccessKeyID: "testid", AccessKeySecret: "testsecret"}}})
	require.NoError(t, err)
	return tg
}

// The request the target builds for the operation reproduces the reference V1 signatures: the
// signature is computed over exactly the bytes that go on the wire.
func TestBuildReproducesTheV1Vector(t *testing.T) {
	tg := vectorTarget(t, "http://127.0.0.1:1")
	at, err := time.Parse(time.RFC3339, "2016-02-23T12:46:24Z")
	require.NoError(t, err)
	for method, want := range map[string]string{"POST": "t9PCz231LDmDvLWiAUnRBwgaQ/I=", "GET": "t6gzD+pFlHHau7laW99T5yxyQ98="} {
		_, sent, err := tg.Build(target.Request{Action: spec.ActionCreateHTTPSListener, Params: vectorParams, Method: method, Format: "JSON",
			Nonce: "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", Time: at})
		require.NoError(t, err)
		u, err := url.Parse(sent.URL)
		require.NoError(t, err)
		assert.Equal(t, want, u.Query().Get("Signature"), method)
	}
}

// V3 signing reproduces the reference vector: business parameters in the query, an empty body.
func TestBuildReproducesTheV3Vector(t *testing.T) {
	tg := vectorTarget(t, "http://slb.aliyuncs.com")
	at, err := time.Parse(time.RFC3339, "2023-10-26T10:22:32Z")
	require.NoError(t, err)
	_, sent, err := tg.Build(target.Request{Action: spec.ActionCreateHTTPSListener, Params: vectorParams, Auth: spec.AuthV3,
		Nonce: "3156853299f313e23d1673dc12e1703d", Time: at})
	require.NoError(t, err)
	assert.Contains(t, sent.Headers["Authorization"], "Signature=42d0ca50bb3e3b2b462b7b2c3628ab30717d7ec852cbf793618e118707c48987")
}

// Negative signing modes really produce what they claim, and placements split the parameters
// where they say.
func TestBuildModesAndPlacements(t *testing.T) {
	tg := vectorTarget(t, "http://127.0.0.1:1")
	good, sentGood, err := tg.Build(target.Request{Action: spec.ActionCreateHTTPSListener, Params: vectorParams})
	require.NoError(t, err)
	require.NotNil(t, good)
	q, _ := url.ParseQuery(strings.SplitN(sentGood.URL, "?", 2)[1])
	ok, _ := signature.VerifyV1("POST", q, "testsecret")
	assert.True(t, ok, "a normal request verifies")

	_, bad, err := tg.Build(target.Request{Action: spec.ActionCreateHTTPSListener, Params: vectorParams, Auth: spec.AuthBadSignature})
	require.NoError(t, err)
	bq, _ := url.ParseQuery(strings.SplitN(bad.URL, "?", 2)[1])
	ok, _ = signature.VerifyV1("POST", bq, "testsecret")
	assert.False(t, ok, "a bad-signature request does not verify")

	_, unsigned, err := tg.Build(target.Request{Action: spec.ActionCreateHTTPSListener, Params: vectorParams, Auth: spec.AuthUnsigned})
	require.NoError(t, err)
	assert.NotContains(t, unsigned.URL, "Signature=")

	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	_, stale, err := tg.Build(target.Request{Action: spec.ActionCreateHTTPSListener, Params: vectorParams, Auth: spec.AuthStaleTimestamp, Time: at})
	require.NoError(t, err)
	sq, _ := url.ParseQuery(strings.SplitN(stale.URL, "?", 2)[1])
	ts, err := signature.ParseTimestamp(sq.Get("Timestamp"))
	require.NoError(t, err)
	window := spec.MustDefault().Wire.TimestampWindow
	assert.Equal(t, window+time.Minute, at.Sub(ts), "a minute past the window's edge, so that a wider window shows")

	_, form, err := tg.Build(target.Request{Action: spec.ActionCreateHTTPSListener, Params: vectorParams, Placement: "form"})
	require.NoError(t, err)
	assert.NotContains(t, form.URL, "?"+spec.ParamAction)
	assert.True(t, strings.HasSuffix(form.Body, "Signature="+url.QueryEscape(signatureOf(t, form))), "the form body ends with the signature, as the Node client sends it")

	_, split, err := tg.Build(target.Request{Action: spec.ActionCreateHTTPSListener, Params: vectorParams, Placement: "split"})
	require.NoError(t, err)
	assert.Contains(t, split.URL, spec.ParamAction+"=")
	assert.Contains(t, split.Body, "ListenerPort=443")

	_, _, err = tg.Build(target.Request{Action: spec.ActionCreateHTTPSListener, Principal: spec.PrincipalSecond})
	assert.ErrorIs(t, err, target.ErrNoPrincipal)
	_, _, err = tg.Build(target.Request{Action: spec.ActionCreateHTTPSListener, Auth: spec.AuthSTS})
	assert.ErrorIs(t, err, target.ErrNoPrincipal, "STS without a token is refused before sending")
}

func signatureOf(t *testing.T, s target.Sent) string {
	vals, err := url.ParseQuery(s.Body)
	require.NoError(t, err)
	return vals.Get("Signature")
}

// Raw values travel unencoded, and SentValues decodes what the server will read.
func TestRawValuesAndSentValues(t *testing.T) {
	tg := vectorTarget(t, "http://127.0.0.1:1")
	_, sent, err := tg.Build(target.Request{Action: spec.ActionCreateHTTPSListener, Params: []target.KV{{Name: "HealthCheck", Value: "%6F%6E", Raw: true}, {Name: "Description", Value: "a b"}}})
	require.NoError(t, err)
	assert.Contains(t, sent.URL, "HealthCheck=%6F%6E")
	vals := target.SentValues(sent, spec.MustDefault().Wire.CommonParameters)
	assert.Equal(t, "on", vals.Get("HealthCheck"))
	assert.Equal(t, "a b", vals.Get("Description"))
	assert.Empty(t, vals.Get(spec.ParamSignature), "common parameters are left out")
}

// Decode never trusts the body: wrong types, malformed documents and XML are handled.
func TestDecode(t *testing.T) {
	cases := []struct {
		body    string
		code    string
		decodes bool
	}{
		{`{"RequestId":"R","Code":"X","Message":"m"}`, "X", true},
		{`{"RequestId":"R","Code":42}`, "42", false},
		{`{"RequestId":"R","AccessDeniedDetail":"nope","Code":"NoPermission"}`, "NoPermission", false},
		{`{"RequestId":`, "", false},
		{`<Error><RequestId>R</RequestId><Code>Y</Code><Message>m</Message></Error>`, "Y", true},
		{`<Error><Code>`, "", false},
		{`not a document`, "", false},
		{``, "", false},
	}
	for _, c := range cases {
		r := &target.Response{Body: []byte(c.body)}
		require.NotPanics(t, func() { target.Decode(r) })
		assert.Equal(t, c.code, r.Code, c.body)
		assert.Equal(t, c.decodes, r.DecodeErr == nil, c.body)
	}
	r := &target.Response{Body: []byte(`<CreateLoadBalancerHTTPSListenerResponse><RequestId>R1</RequestId><Tags><Tag>a</Tag><Tag>b</Tag></Tags></CreateLoadBalancerHTTPSListenerResponse>`)}
	target.Decode(r)
	require.NoError(t, r.DecodeErr)
	assert.Equal(t, "R1", r.RequestID)
	assert.Equal(t, "CreateLoadBalancerHTTPSListenerResponse", r.Fields["_root"])
	assert.Len(t, r.Fields["Tags"].(map[string]any)["Tag"], 2)
}

// Against a real HTTP server on loopback the target sends, the emulator answers, and fixtures
// are provisioned through the standard operations and cleaned up.
func TestHTTPTargetAndFixturesAgainstTheEmulatorOnLoopback(t *testing.T) {
	cfg := emulator.DefaultConfig()
	emu, err := emulator.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	tg, err := target.NewHTTP(target.HTTPConfig{BaseURL: srv.URL, Credentials: embedded.PrincipalCredentials(cfg)})
	require.NoError(t, err)
	// A URL target offers no zone or region of its own: the fixtures file declares them.
	q, sc := cfg.Offered()
	fx := resources.NewFixtures(tg, spec.MustDefault(), &resources.FixtureFile{Quotas: q, Scenarios: sc}, "test")
	ctx := context.Background()
	for _, slot := range []string{spec.SlotLB, spec.SlotLBShared, spec.SlotLBIPv6, spec.SlotCert, spec.SlotCertCA,
		spec.SlotCertForeign, spec.SlotCertCN, spec.SlotACL, spec.SlotACLIPv6, spec.SlotACLDupA, spec.SlotVGroup, spec.SlotMSGroup,
		spec.SlotZonePrefix + "zone-out-of-resources", spec.SlotRegionPrefix + "region-lacks-parameter"} {
		id, err := fx.Resolve(ctx, slot)
		require.NoError(t, err, slot)
		require.NotEmpty(t, id, slot)
		again, _ := fx.Resolve(ctx, slot)
		assert.Equal(t, id, again, "a slot is provisioned once")
	}
	// Without the declaration, a zone slot is not available, and says so.
	_, err = resources.NewFixtures(tg, spec.MustDefault(), nil, "test2").Resolve(ctx, spec.SlotZonePrefix+"zone-out-of-resources")
	require.ErrorIs(t, err, resources.ErrSlotUnavailable)
	assert.ErrorContains(t, err, "has no zone")
	_, err = resources.NewFixtures(tg, spec.MustDefault(), nil, "test3").Resolve(ctx, spec.SlotRegionPrefix+"region-lacks-parameter")
	assert.ErrorIs(t, err, resources.ErrSlotUnavailable)
	assert.ErrorContains(t, err, "has no region")
	_, err = fx.Resolve(ctx, "no-such-slot")
	assert.ErrorIs(t, err, resources.ErrSlotUnavailable)
	lb, _ := fx.Resolve(ctx, spec.SlotLB)
	require.NoError(t, fx.Cleanup(ctx))
	resp, err := tg.Send(ctx, target.Request{Action: spec.ActionDescribeLoadBalancer, Params: []target.KV{{Name: spec.ParamLoadBalancerID, Value: lb}}})
	require.NoError(t, err)
	assert.False(t, resp.Success(), "cleanup deleted the instance")

	srv.Close()
	_, err = tg.Send(ctx, target.Request{Action: spec.ActionDescribeLoadBalancer})
	assert.ErrorIs(t, err, target.ErrUnreachable)
}

// A fixtures file supplies ids and can forbid provisioning.
func TestFixtureFile(t *testing.T) {
	no := false
	fx := resources.NewFixtures(nil, spec.MustDefault(), &resources.FixtureFile{Provision: &no, Slots: map[string]string{spec.SlotLB: "lb-given"}}, "x")
	id, err := fx.Resolve(context.Background(), spec.SlotLB)
	require.NoError(t, err)
	assert.Equal(t, "lb-given", id)
	_, err = fx.Resolve(context.Background(), spec.SlotCert)
	assert.ErrorIs(t, err, resources.ErrSlotUnavailable)
}

func TestNewHTTPRejectsBadURLs(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "127.0.0.1:8080", "http://"} {
		_, err := target.NewHTTP(target.HTTPConfig{BaseURL: u})
		assert.Error(t, err, u)
	}
}
