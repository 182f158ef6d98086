package emulator_test

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// gatewayCase reaches one gateway state of the description (x-gateway-errors).
type gatewayCase struct {
	config func(*emulator.Config)
	run    func(e *env) resp
	// accept lists further codes a row may see (the 5xx fault knob picks one of two).
	accept []string
	// notEmitted explains why the emulator never answers this code.
	notEmitted string
}

func describeLB(*client) url.Values {
	return url.Values{spec.ParamLoadBalancerID: {"lb-any"}}
}

var gatewayCases = map[string]gatewayCase{
	"missing-parameter": {run: func(e *env) resp {
		v := e.primary().signed(spec.ActionDescribeLoadBalancer, nil)
		v.Del(spec.ParamAccessKeyID)
		return e.primary().send(v)
	}},
	"invalid-parameter": {run: func(e *env) resp {
		c := e.primary()
		c.format = "YAML"
		return c.call(spec.ActionDescribeLoadBalancer, describeLB(c))
	}},
	"missing-signature": {run: func(e *env) resp {
		v := e.primary().signed(spec.ActionDescribeLoadBalancer, nil)
		v.Del(spec.ParamSignature)
		return e.primary().send(v)
	}},
	"bad-signature": {run: func(e *env) resp {
		c := e.primary()
		c.creds.AccessKeySecret = "not-the-secret"
		return c.call(spec.ActionDescribeLoadBalancer, nil)
	}},
	"nonce-replayed": {run: func(e *env) resp {
		c := e.primary()
		v := c.signed(spec.ActionCreateLoadBalancer, url.Values{spec.ParamRegionID: {emulator.DefaultRegion}})
		require.Equal(e.t, http.StatusOK, c.send(v).Status)
		return c.send(v)
	}},
	"stale-timestamp": {run: func(e *env) resp {
		c := e.primary()
		v := c.signed(spec.ActionDescribeLoadBalancer, nil)
		e.clock.Advance(16 * time.Minute)
		return c.send(v)
	}},
	"throttled": {config: func(cfg *emulator.Config) { cfg.Disruptions.RateLimit, cfg.Disruptions.RateBurst = 1, 2 }, run: func(e *env) resp {
		c := e.primary()
		var r resp
		for range 3 {
			r = c.call(spec.ActionDescribeLoadBalancer, describeLB(c))
		}
		return r
	}},
	"unknown-access-key": {run: func(e *env) resp {
		c := e.primary()
		c.creds.AccessKeyID = "LTAInobody"
		return c.call(spec.ActionDescribeLoadBalancer, nil)
	}},
	"disabled-access-key": {config: func(cfg *emulator.Config) { cfg.Accounts[1].Keys[0].Disabled = true }, run: func(e *env) resp {
		return e.as(emulator.PrincipalSecondary).call(spec.ActionDescribeLoadBalancer, nil)
	}},
	"unknown-action": {run: func(e *env) resp { return e.primary().call("DescribeNothing", nil) }},
	"token-mismatch": {run: func(e *env) resp {
		c := e.as(emulator.PrincipalSTS)
		c.creds.SecurityToken = "not-issued-for-this-key"
		return c.call(spec.ActionDescribeLoadBalancer, nil)
	}},
	"unknown-version": {run: func(e *env) resp {
		c := e.primary()
		v := c.signed(spec.ActionDescribeLoadBalancer, nil)
		v.Set(spec.ParamVersion, "2099-01-01")
		return c.send(v)
	}},
	"bad-method": {run: func(e *env) resp {
		c := e.primary()
		c.method = http.MethodPut
		return c.call(spec.ActionDescribeLoadBalancer, nil)
	}},
	"ram-denied": {run: func(e *env) resp {
		lb, cert := e.primary().createPerfLB(), e.primary().uploadCert("")
		return e.as(emulator.PrincipalDenied).call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
	}},
	"ram-denied-legacy": {notEmitted: "the emulator answers every RAM denial in the newer form, NoPermission with AccessDeniedDetail"},
	"internal-error":    {config: faulty, run: firstFault, accept: []string{"ServiceUnavailable"}},
	"unavailable":       {config: faulty, run: firstFault, accept: []string{"InternalError"}},
}

func faulty(cfg *emulator.Config) { cfg.Disruptions.ServerErrorRate, cfg.Disruptions.Seed = 1, 7 }

func firstFault(e *env) resp { return e.primary().call(spec.ActionDescribeLoadBalancer, nil) }

// TestGatewayErrors reaches every gateway answer of the description, or says why not.
func TestGatewayErrors(t *testing.T) {
	s := spec.MustDefault()
	for _, ge := range s.GatewayErrors {
		t.Run(ge.Code, func(t *testing.T) {
			row, ok := gatewayCases[ge.Trigger.State]
			require.True(t, ok, "no test reaches gateway state %s (%s)", ge.Trigger.State, ge.Code)
			if row.notEmitted != "" {
				return
			}
			var mut []func(*emulator.Config)
			if row.config != nil {
				mut = append(mut, row.config)
			}
			e := newEnv(t, mut...)
			r := row.run(e)
			assert.Contains(t, append([]string{ge.Code}, row.accept...), r.code(), "%s", r.Raw)
			if r.code() == ge.Code {
				assert.Equal(t, ge.Status, r.Status)
			}
			assert.Regexp(t, requestIDPattern, r.str(spec.FieldRequestID))
			assert.Equal(t, s.Wire.ContentTypes["JSON"], r.Header.Get("Content-Type"))
		})
	}
}

// TestGatewayAlternativeCodes: with Choices.AlternativeCodes, a gateway state whose entry
// accepts other codes or statuses answers one of them (the first other code, with its own
// status when the catalogue has one, else the first other accepted status), and still a
// code and status the entry accepts.
func TestGatewayAlternativeCodes(t *testing.T) {
	s := spec.MustDefault()
	want := map[spec.GatewayState]struct {
		code   string
		status int
	}{
		spec.GatewayRAMDenied:        {"Forbidden.RAM", http.StatusForbidden},
		spec.GatewayUnknownAccessKey: {"InvalidAccessKeyId", http.StatusBadRequest},
		spec.GatewayMissingSignature: {"MissingParameter", http.StatusBadRequest},
		spec.GatewayBadSignature:     {"SignatureDoesNotMatch", http.StatusBadRequest},
	}
	for state, w := range want {
		t.Run(string(state), func(t *testing.T) {
			ge, ok := s.GatewayError(state)
			require.True(t, ok)
			row := gatewayCases[string(state)]
			mut := []func(*emulator.Config){func(cfg *emulator.Config) { cfg.Choices.AlternativeCodes = true }}
			if row.config != nil {
				mut = append(mut, row.config)
			}
			r := row.run(newEnv(t, mut...))
			assert.Equal(t, w.code, r.code(), "%s", r.Raw)
			assert.Equal(t, w.status, r.Status)
			assert.True(t, ge.Outcome().Acceptable(r.Status, r.code()), "the entry does not accept its own alternative %d %s", r.Status, r.code())
		})
	}
}

func TestSignatureMismatchShowsServerString(t *testing.T) {
	e := newEnv(t)
	c := e.primary()
	c.creds.AccessKeySecret = "wrong"
	v := c.signed(spec.ActionDescribeLoadBalancer, url.Values{spec.ParamLoadBalancerID: {"lb-1"}})
	r := c.send(v)
	require.Equal(t, "SignatureDoesNotMatch", r.code())
	want := signature.StringToSignV1(http.MethodPost, v)
	assert.True(t, strings.HasSuffix(r.str(spec.FieldMessage), " server string to sign is:"+want), r.str(spec.FieldMessage))
}

func TestNoPermissionDetail(t *testing.T) {
	e := newEnv(t)
	lb, cert := e.primary().createPerfLB(), e.primary().uploadCert("")
	denied := e.as(emulator.PrincipalDenied)
	r := denied.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
	require.Equal(t, "NoPermission", r.code(), "%s", r.Raw)
	assert.Equal(t, http.StatusForbidden, r.Status)
	d, ok := r.Body[spec.FieldAccessDeniedDetail].(map[string]any)
	require.True(t, ok, "AccessDeniedDetail is an object")
	for k, v := range d {
		_, isString := v.(string)
		assert.True(t, isString, "%s must be a string", k)
	}
	assert.Equal(t, "ExplicitDeny", d["NoPermissionType"])
	assert.Equal(t, spec.MustDefault().UnderTest.RAM.Action, d["AuthAction"])
	// Everything else is allowed to that user.
	denied.must(spec.ActionDescribeListeners, nil)
	assert.Equal(t, 0, e.primary().listenerCount())
}

// TestRAMResources covers resource-level policies: an allow on one instance ARN lets the
// user create on it (certificate and ACL allowed by wildcard), not on another instance
// (implicit deny), and an explicit deny on the certificate wins over the allow.
func TestRAMResources(t *testing.T) {
	arn := func(kind, id string) string {
		return "acs:slb:" + emulator.DefaultRegion + ":" + emulator.DefaultPrimaryAccountID + ":" + kind + "/" + id
	}
	// Ids are drawn from a per-emulator sequence, so a first environment tells the ids that
	// the same calls will produce in the second one, whose users' policies name them.
	probe := newEnv(t).primary()
	allowed := probe.createPerfLB()
	user := emulator.User{
		Name: "scoped",
		Keys: []emulator.AccessKey{{ID: "LTAIscopedUser00000001", Secret: "scoped-secret"}},
		Policies: []emulator.Policy{{Version: "1", Statement: []emulator.Statement{
			{Effect: "Allow", Action: emulator.StringList{"slb:Create*"}, Resource: emulator.StringList{arn("loadbalancer", allowed), "acs:slb:*:*:certificate/*"}},
		}}},
	}
	denyCert := user
	denyCert.Name, denyCert.Keys = "nocert", []emulator.AccessKey{{ID: "LTAInocertUser00000001", Secret: "nocert-secret"}}
	denyCert.Policies = append(append([]emulator.Policy{}, user.Policies...), emulator.Policy{Version: "1", Statement: []emulator.Statement{
		{Effect: "Deny", Action: emulator.StringList{"slb:*"}, Resource: emulator.StringList{arn("certificate", "*")}},
	}})
	e2 := newEnv(t, func(cfg *emulator.Config) {
		cfg.Accounts[0].Users = append(cfg.Accounts[0].Users, user, denyCert)
	})
	c2 := e2.primary()
	require.Equal(t, allowed, c2.createPerfLB())
	other, cert := c2.createPerfLB(), c2.uploadCert("")
	scoped := e2.as("scoped")
	scoped.must(spec.ActionCreateHTTPSListener, listenerParams(allowed, cert))
	r := scoped.call(spec.ActionCreateHTTPSListener, listenerParams(other, cert))
	require.Equal(t, "NoPermission", r.code(), "%s", r.Raw)
	assert.Equal(t, "ImplicitDeny", r.Body[spec.FieldAccessDeniedDetail].(map[string]any)["NoPermissionType"])
	r = e2.as("nocert").call(spec.ActionCreateHTTPSListener, listenerParams(allowed, cert, spec.ParamListenerPort, "8443"))
	require.Equal(t, "NoPermission", r.code(), "%s", r.Raw)
	assert.Equal(t, "ExplicitDeny", r.Body[spec.FieldAccessDeniedDetail].(map[string]any)["NoPermissionType"])
}

func TestSTSToken(t *testing.T) {
	e := newEnv(t)
	sts := e.as(emulator.PrincipalSTS)
	require.NotEmpty(t, sts.creds.SecurityToken)
	sts.must(spec.ActionCreateLoadBalancer, url.Values{spec.ParamRegionID: {emulator.DefaultRegion}})
	sts.creds.SecurityToken = "forged"
	r := sts.call(spec.ActionCreateLoadBalancer, url.Values{spec.ParamRegionID: {emulator.DefaultRegion}})
	assert.Equal(t, http.StatusBadRequest, r.Status)
	assert.Equal(t, "InvalidSecurityToken.MismatchWithAccessKey", r.code())
}

func TestUnknownPathAndMethods(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		method, path, code string
		status             int
	}{
		{http.MethodGet, "/other", "InvalidAction.NotFound", 404},
		{http.MethodDelete, "/", "UnsupportedHTTPMethod", 403},
		{http.MethodPut, "/", "UnsupportedHTTPMethod", 403},
		{http.MethodGet, "/", "MissingParameter", 400},
	} {
		req, err := http.NewRequest(tc.method, e.srv.URL+tc.path, nil)
		require.NoError(t, err)
		r := do(t, req)
		assert.Equal(t, tc.code, r.code(), "%s %s", tc.method, tc.path)
		assert.Equal(t, tc.status, r.Status)
	}
}

type xmlError struct {
	XMLName   xml.Name `xml:"Error"`
	RequestID string   `xml:"RequestId"`
	HostID    string   `xml:"HostId"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
}

type xmlCreated struct {
	XMLName   xml.Name `xml:"CreateLoadBalancerHTTPSListenerResponse"`
	RequestID string   `xml:"RequestId"`
}

func TestXMLFormat(t *testing.T) {
	e := newEnv(t)
	c := e.primary()
	lb, cert := c.createPerfLB(), c.uploadCert("")
	x := e.primary()
	x.format = "XML"
	r := x.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	assert.Equal(t, "text/xml;charset=utf-8", r.Header.Get("Content-Type"))
	var ok xmlCreated
	require.NoError(t, xml.Unmarshal(r.Raw, &ok), "%s", r.Raw)
	assert.Regexp(t, requestIDPattern, ok.RequestID)
	assert.NotContains(t, string(r.Raw), "<Code>")

	r = x.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
	var bad xmlError
	require.NoError(t, xml.Unmarshal(r.Raw, &bad), "%s", r.Raw)
	assert.Equal(t, "InvalidParameter.ListenerPortConflict", bad.Code)
	assert.Equal(t, http.StatusBadRequest, r.Status)
	assert.Regexp(t, requestIDPattern, bad.RequestID)

	// Format is read case-insensitively.
	l := e.primary()
	l.format = "json"
	r = l.call(spec.ActionDescribeListeners, nil)
	assert.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, "application/json;charset=utf-8", r.Header.Get("Content-Type"))

	// Describe answers in XML too, lists as repeated elements.
	r = x.call(spec.ActionDescribeHTTPSListener, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamListenerPort: {listenerPort}})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	assert.Contains(t, string(r.Raw), "<DescribeLoadBalancerHTTPSListenerAttributeResponse>")
	assert.Contains(t, string(r.Raw), "<Status>stopped</Status>")
}

// TestV3Signing sends a V3-signed request: no Action parameter, routing on x-acs-action.
func TestV3Signing(t *testing.T) {
	e := newEnv(t)
	c := e.primary()
	lb, cert := c.createPerfLB(), c.uploadCert("")
	send := func(params url.Values, creds signature.Credentials, nonce string) resp {
		req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/?"+params.Encode(), nil)
		require.NoError(t, err)
		req.Header.Set(signature.HeaderAction, spec.ActionCreateHTTPSListener)
		req.Header.Set(signature.HeaderVersion, spec.MustDefault().APIVersion)
		require.NoError(t, signature.SignV3(req, nil, creds, e.clock.Now(), nonce))
		return do(t, req)
	}
	creds := c.creds
	r := send(listenerParams(lb, cert), creds, "3156853299f313e23d1673dc12e1703d")
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	assert.Empty(t, r.code())

	r = send(listenerParams(lb, cert, spec.ParamListenerPort, "444"), creds, "3156853299f313e23d1673dc12e1703d")
	assert.Equal(t, "SignatureNonceUsed", r.code())

	bad := creds
	bad.AccessKeySecret = "wrong"
	r = send(listenerParams(lb, cert, spec.ParamListenerPort, "445"), bad, "")
	assert.Equal(t, "SignatureDoesNotMatch", r.code())
	assert.Contains(t, r.str(spec.FieldMessage), " server string to sign is:"+signature.AlgorithmV3+"\n")

	r = send(listenerParams(lb, cert), creds, "")
	assert.Equal(t, "InvalidParameter.ListenerPortConflict", r.code(), "state checks run for V3 too")
}

// TestV1HandSigned signs one request by hand, following the published recipe step by step,
// with the secret of the primary key: the emulator must accept it.
func TestV1HandSigned(t *testing.T) {
	e := newEnv(t)
	ts := e.clock.Now().UTC().Format("2006-01-02T15:04:05Z")
	// Canonical query, names sorted, RFC 3986 encoding (':' is %3A).
	canonical := "AccessKeyId=" + emulator.DefaultPrimaryKeyID +
		"&Action=CreateLoadBalancer&Format=JSON&RegionId=cn-hangzhou&SignatureMethod=HMAC-SHA1" +
		"&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0" +
		"&Timestamp=" + strings.ReplaceAll(ts, ":", "%3A") + "&Version=2014-05-15"
	sts := "GET&%2F&" + signature.PercentEncode(canonical)
	assert.Contains(t, sts, "%253A", "the canonical query is encoded twice")
	v, err := url.ParseQuery(canonical)
	require.NoError(t, err)
	sig := signature.SignV1(http.MethodGet, emulator.DefaultPrimarySecret, v)
	assert.Equal(t, sts, signature.StringToSignV1(http.MethodGet, v))
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+"/?"+canonical+"&Signature="+url.QueryEscape(sig), nil)
	require.NoError(t, err)
	r := do(t, req)
	assert.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)

	// The published vector of the reference, checked through the package the emulator uses.
	pub := url.Values{"AccessKeyId": {"testid"}, "Action": {"DescribeRegions"}, "Format": {"XML"},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureNonce": {"3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
		"SignatureVersion": {"1.0"}, "Timestamp": {"2016-02-23T12:46:24Z"}, "Version": {"2014-05-26"}}
	assert.Equal(t, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=", signature.SignV1(http.MethodGet, "testsecret", pub))
}

// TestQueryAndBodyMerge splits one request between the query and the form body, with a
// space encoded as '+' in one and %20 in the other.
func TestQueryAndBodyMerge(t *testing.T) {
	e := newEnv(t)
	c := e.primary()
	lb, cert := c.createPerfLB(), c.uploadCert("")
	v := c.signed(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, "Tag.1.Key", "a b", "Tag.1.Value", "c d"))
	query, body := url.Values{}, url.Values{}
	i := 0
	for k, vs := range v {
		if i%2 == 0 {
			query[k] = vs
		} else {
			body[k] = vs
		}
		i++
	}
	rawQuery := strings.ReplaceAll(query.Encode(), "+", "%20")
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/?"+rawQuery, strings.NewReader(body.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r := do(t, req)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	d := c.must(spec.ActionDescribeHTTPSListener, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamListenerPort: {listenerPort}})
	tags := d.Body["Tags"].(map[string]any)["Tag"].([]any)
	require.Len(t, tags, 1)
	assert.Equal(t, "a b", tags[0].(map[string]any)["TagKey"])
	assert.Equal(t, "c d", tags[0].(map[string]any)["TagValue"])
}

func TestNoAuth(t *testing.T) {
	e := newEnv(t, func(cfg *emulator.Config) { cfg.NoAuth = true })
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+"/?Action=CreateLoadBalancer&Version=2014-05-15&RegionId=cn-hangzhou", nil)
	require.NoError(t, err)
	r := do(t, req)
	assert.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	assert.NotEmpty(t, r.str(spec.FieldLoadBalancerID))

	// A known AccessKeyId still selects its owner: the instance it creates belongs to the
	// secondary account, which the primary account cannot see.
	base := e.srv.URL + "/?Version=2014-05-15&RegionId=cn-hangzhou&AccessKeyId="
	r = do(t, mustRequest(t, base+emulator.DefaultSecondaryKeyID+"&Action="+spec.ActionCreateLoadBalancer))
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	id := r.str(spec.FieldLoadBalancerID)
	describe := "&Action=" + spec.ActionDescribeLoadBalancer + "&" + spec.ParamLoadBalancerID + "=" + id
	r = do(t, mustRequest(t, base+emulator.DefaultSecondaryKeyID+describe))
	assert.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	r = do(t, mustRequest(t, base+emulator.DefaultPrimaryKeyID+describe))
	assert.NotEqual(t, http.StatusOK, r.Status, "%s", r.Raw)
}

func mustRequest(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	return req
}

// TestRepeatedSameValue sends one parameter twice with the same value: it is read once, and
// the signature covers both copies as sent.
func TestRepeatedSameValue(t *testing.T) {
	e := newEnv(t)
	c := e.primary()
	lb, cert := c.createPerfLB(), c.uploadCert("")
	v := listenerParams(lb, cert)
	v[spec.ParamHealthCheck] = []string{"off", "off"}
	r := c.call(spec.ActionCreateHTTPSListener, v)
	assert.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	v = listenerParams(lb, cert, spec.ParamListenerPort, "444")
	v[spec.ParamHealthCheck] = []string{"off", "on"}
	r = c.call(spec.ActionCreateHTTPSListener, v)
	assert.Equal(t, spec.MustDefault().WireOutcome(spec.KindDuplicate).Code, r.code(), "%s", r.Raw)
}

// TestRegionIdOfAnotherRegion: an instance is found by its id even when RegionId names
// another region; the instance's region then decides the region scenario.
func TestRegionIdOfAnotherRegion(t *testing.T) {
	e := newEnv(t)
	c := e.primary()
	lb, cert := c.createPerfLB(), c.uploadCert("")
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamRegionID, "cn-shanghai"))
	l := e.primary()
	l.region = limitedRegion
	llb, lcert := l.createPerfLB(), l.uploadCert("")
	r := c.call(spec.ActionCreateHTTPSListener, listenerParams(llb, lcert, pEnableHTTP2, "on"))
	assert.Equal(t, "InvalidParameter.RegionNotSupport", r.code(), "%s", r.Raw)
	assert.Contains(t, r.str(spec.FieldMessage), pEnableHTTP2)
}

// TestV3JSONBody sends the business parameters as a JSON body, lists as nested arrays.
func TestV3JSONBody(t *testing.T) {
	e := newEnv(t)
	c := e.primary()
	lb, cert := c.createPerfLB(), c.uploadCert("")
	body := []byte(`{"LoadBalancerId":"` + lb + `","ListenerPort":443,"Bandwidth":-1,"BackendServerPort":80,"HealthCheck":"off",` +
		`"ServerCertificateId":"` + cert + `","Tag":[{"Key":"k1","Value":"v1"},{"Key":"k2","Value":"v2"}]}`)
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/", strings.NewReader(string(body)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(signature.HeaderAction, spec.ActionCreateHTTPSListener)
	req.Header.Set(signature.HeaderVersion, spec.MustDefault().APIVersion)
	require.NoError(t, signature.SignV3(req, body, c.creds, e.clock.Now(), ""))
	r := do(t, req)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	d := c.must(spec.ActionDescribeHTTPSListener, listenerRef(lb)).Body
	assert.Len(t, d["Tags"].(map[string]any)["Tag"], 2)
}

func TestIncompleteSignatureShowsServerString(t *testing.T) {
	e := newEnv(t)
	c := e.primary()
	v := c.signed(spec.ActionDescribeListeners, nil)
	v.Del(spec.ParamSignature)
	r := c.send(v)
	require.Equal(t, "IncompleteSignature", r.code())
	assert.True(t, strings.HasSuffix(r.str(spec.FieldMessage), " server string to sign is:"+signature.StringToSignV1(http.MethodPost, v)), r.str(spec.FieldMessage))
}
