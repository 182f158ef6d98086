package emulator_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/spec"
)

var requestIDPattern = regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$`)

// errorCase builds, through API calls, the state one error code needs and returns the
// create request that should meet it.
type errorCase struct {
	why    string
	config func(*emulator.Config)
	setup  func(c *client) url.Values
}

func quota(name string, n int) func(*emulator.Config) {
	return func(cfg *emulator.Config) { cfg.Quotas[name] = n }
}

// zoneLB creates a guaranteed-performance instance in the zone of a scenario.
func zoneLB(c *client, scenario string) string {
	sc, _ := spec.MustDefault().Scenario(spec.ScenarioName(scenario))
	return c.createPerfLB(spec.ParamMasterZoneID, sc.Default)
}

// errorCases has one row per reachable code of the catalogue (x-errors).
var errorCases = map[string]errorCase{
	"ParamDuplicateError": {why: "two client-certificate header aliases share a name", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), c.uploadCert(""), pSubjectDNAlias, "X-Cert", pIssuerDNAlias, "X-Cert")
	}},
	"IpVersionConflict": {why: "an IPv6 ACL on an IPv4 instance", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), c.uploadCert(""), spec.ParamACLStatus, "on", spec.ParamACLType, "white", spec.ParamACLID, c.createACL("ipv6", "2001:db8::/64"))
	}},
	"InvalidParameter.IdleTimeout": {why: "IdleTimeout above 60", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), c.uploadCert(""), pIdleTimeout, "61")
	}},
	"InvalidParameter.RequestTimeout": {why: "RequestTimeout below 1", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), c.uploadCert(""), pRequestTimeout, "0")
	}},
	"ListenerForwardNotSupport": {why: "X-Forwarded-For switched on for an IPv6 instance", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(spec.ParamAddressIPVersion, "ipv6"), c.uploadCert(""), pXForwardedFor, "on")
	}},
	"InvalidParameter.RegionNotSupport": {why: "EnableHttp2 in the region scenario's region", setup: func(c *client) url.Values {
		c.region = limitedRegion
		return listenerParams(c.createPerfLB(), c.uploadCert(""), pEnableHTTP2, "on")
	}},
	"InvalidParameter.SpecNotSupport": {why: "a TLS policy on a shared instance", setup: func(c *client) url.Values {
		return listenerParams(c.createLB(), c.uploadCert(""), spec.ParamTLSCipherPolicy, builtinTLSPolicy)
	}},
	"ListenerProcessing": {why: "a create on a port whose listener is still starting", setup: func(c *client) url.Values {
		lb, cert := c.createPerfLB(), c.uploadCert("")
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
		require.Equal(c.env.t, http.StatusOK, c.start(lb, listenerPort).Status)
		return listenerParams(lb, cert)
	}},
	"Certkey.Forbidden": {why: "a certificate of the second account", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), c.env.as(emulator.PrincipalSecondary).uploadCert(""))
	}},
	"InvalidParameter.ListenerPortConflict": {why: "a second listener on the same port", setup: func(c *client) url.Values {
		lb, cert := c.createPerfLB(), c.uploadCert("")
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
		return listenerParams(lb, cert)
	}},
	"ResourceNotAvailible.HttpsListener": {why: "an instance in the exhausted zone", setup: func(c *client) url.Values {
		return listenerParams(zoneLB(c, "zone-out-of-resources"), c.uploadCert(""))
	}},
	"AclNotExist": {why: "an ACL id that names nothing", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), c.uploadCert(""), spec.ParamACLStatus, "on", spec.ParamACLType, "white", spec.ParamACLID, "acl-missing")
	}},
	"OperationUnsupported.CreateLoadBalancerLayer7Listener": {why: "an instance of the layer-4-only zone", setup: func(c *client) url.Values {
		return listenerParams(zoneLB(c, "layer4-only-instance"), c.uploadCert(""))
	}},
	"InvalidParameter.VServerGroupId": {why: "a master-slave group as the server group", setup: func(c *client) url.Values {
		lb := c.createPerfLB()
		g := c.must(spec.ActionCreateMasterSlaveGroup, url.Values{spec.ParamLoadBalancerID: {lb}}).str(spec.FieldMasterSlaveServerGroupID)
		v := listenerParams(lb, c.uploadCert(""), spec.ParamVServerGroupID, g)
		v.Del(spec.ParamBackendServerPort)
		return v
	}},
	"MissingParam.HealthCheckDomain": {why: "HTTP/1.1 health checks without a domain", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), c.uploadCert(""), pHCHttpVersion, "http1.1")
	}},
	"InvalidParameter.HealthCheckHttpVersion": {why: "an unknown health check HTTP version", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), c.uploadCert(""), pHCHttpVersion, "http2")
	}},
	"Duplicated.AclEntry": {why: "two ACLs holding the same entry", setup: func(c *client) url.Values {
		a, b := c.createACL("ipv4", "10.0.0.0/24", "10.1.0.0/24"), c.createACL("ipv4", "10.0.0.0/24")
		return listenerParams(c.createPerfLB(), c.uploadCert(""), spec.ParamACLStatus, "on", spec.ParamACLType, "white", spec.ParamACLID, a+","+b)
	}},
	"CertificateNotExist": {why: "a certificate id that names nothing", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), "cert-missing")
	}},
	"OperationFailed.InsufficientResources": {why: "listener quota of the instance reached", config: quota("listeners-per-load-balancer", 1), setup: func(c *client) url.Values {
		lb, cert := c.createPerfLB(), c.uploadCert("")
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
		return listenerParams(lb, cert, spec.ParamListenerPort, "444")
	}},
	"InvalidTLSPolicyId.NotExist": {why: "a TLS policy that is neither built in nor custom", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), c.uploadCert(""), spec.ParamTLSCipherPolicy, "tls-missing")
	}},
	"TLSPolicyConfiguring": {why: "a custom policy still being configured", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), c.uploadCert(""), spec.ParamTLSCipherPolicy, c.createPolicy())
	}},
	"TLSCipherPolicyVipRelationOverLimit": {why: "policy quota reached", config: quota("listeners-per-tls-policy", 1), setup: func(c *client) url.Values {
		lb, cert, p := c.createPerfLB(), c.uploadCert(""), c.createPolicy()
		c.env.clock.Advance(3 * time.Second)
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamTLSCipherPolicy, p))
		return listenerParams(lb, cert, spec.ParamTLSCipherPolicy, p, spec.ParamListenerPort, "444")
	}},
	"CertificateTypeMismatched": {why: "a CA certificate as the server certificate", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), c.uploadCA())
	}},
	"MissingParam.ServerCertificates": {why: "no server certificate in either form", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), "")
	}},
	"TooManyCertificates": {why: "both certificate forms", setup: func(c *client) url.Values {
		cert := c.uploadCert("")
		return listenerParams(c.createPerfLB(), cert, "ServerCertificate.1.CertificateId", cert)
	}},
	"CnCertificateNotSupport": {why: "a server certificate uploaded as cn", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), c.uploadCert("cn"))
	}},
	"InvalidParam.CertificateBindingType": {why: "an unknown binding type", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), "", "ServerCertificate.1.CertificateId", c.uploadCert(""), "ServerCertificate.1.BindingType", "Client")
	}},
	"InvalidParamSize.ServerCertificates": {why: "three list entries", setup: func(c *client) url.Values {
		cert := c.uploadCert("")
		return listenerParams(c.createPerfLB(), "", "ServerCertificate.1.CertificateId", cert, "ServerCertificate.2.CertificateId", cert, "ServerCertificate.3.CertificateId", cert)
	}},
	"TooManyCertificates.ServerCertificates": {why: "two entries binding a server certificate", setup: func(c *client) url.Values {
		cert := c.uploadCert("")
		return listenerParams(c.createPerfLB(), "", "ServerCertificate.1.CertificateId", cert, "ServerCertificate.2.CertificateId", cert)
	}},
	"SPEC_NOT_SUPPORT_PARAMETER": {why: "mutual authentication on a shared instance", setup: func(c *client) url.Values {
		return listenerParams(c.createLB(), c.uploadCert(""), spec.ParamCACertificateID, c.uploadCA())
	}},
	"LbSupportTcpsslOnly": {why: "an instance of the TCP-SSL-only zone", setup: func(c *client) url.Values {
		return listenerParams(zoneLB(c, "tcpssl-only-instance"), c.uploadCert(""))
	}},
	"Mismatch.SlbSpecTypeAndListenerProtocol": {why: "an instance whose spec cannot carry HTTPS", setup: func(c *client) url.Values {
		return listenerParams(zoneLB(c, "spec-protocol-mismatch"), c.uploadCert(""))
	}},
	"InvalidParam.TagValue": {why: "a tag value with a reserved prefix", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), c.uploadCert(""), "Tag.1.Key", "k", "Tag.1.Value", "aliyun-x")
	}},
	"InvalidParam.TagKey": {why: "a tag key with a reserved prefix", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), c.uploadCert(""), "Tag.1.Key", "acs:k")
	}},
	"SizeLimitExceeded.Tag": {why: "21 tags", setup: func(c *client) url.Values {
		v := listenerParams(c.createPerfLB(), c.uploadCert(""))
		for i := 1; i <= 21; i++ {
			v.Set(fmt.Sprintf("Tag.%d.Key", i), fmt.Sprintf("k%d", i))
		}
		return v
	}},
	"MissingParam.TagKey": {why: "a tag without key", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), c.uploadCert(""), "Tag.1.Value", "v")
	}},
	"AclListenerOverLimit": {why: "an ACL at its listener quota", config: quota("listeners-per-acl", 1), setup: func(c *client) url.Values {
		lb, cert, acl := c.createPerfLB(), c.uploadCert(""), c.createACL("ipv4", "10.0.0.0/24")
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamACLStatus, "on", spec.ParamACLType, "white", spec.ParamACLID, acl))
		return listenerParams(lb, cert, spec.ParamACLStatus, "on", spec.ParamACLType, "white", spec.ParamACLID, acl, spec.ParamListenerPort, "444")
	}},
	"QuotaLimitExceeds.AclAttachedToListener": {why: "more ACLs than a listener takes", setup: func(c *client) url.Values {
		ids := ""
		for i := range 4 {
			if i > 0 {
				ids += ","
			}
			ids += c.createACL("ipv4", fmt.Sprintf("10.%d.0.0/24", i))
		}
		return listenerParams(c.createPerfLB(), c.uploadCert(""), spec.ParamACLStatus, "on", spec.ParamACLType, "white", spec.ParamACLID, ids)
	}},
	"QuotaLimitExceeds.TotalAclEntry": {why: "more entries than a listener takes", config: quota("acl-entries-per-listener", 1), setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), c.uploadCert(""), spec.ParamACLStatus, "on", spec.ParamACLType, "white", spec.ParamACLID, c.createACL("ipv4", "10.0.0.0/24", "10.1.0.0/24"))
	}},
	"QuotaLimitExceeds.AclListenerOverLimit": {why: "one of several ACLs at its listener quota", config: quota("listeners-per-acl", 1), setup: func(c *client) url.Values {
		lb, cert := c.createPerfLB(), c.uploadCert("")
		a, b := c.createACL("ipv4", "10.0.0.0/24"), c.createACL("ipv4", "10.1.0.0/24")
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamACLStatus, "on", spec.ParamACLType, "white", spec.ParamACLID, a))
		return listenerParams(lb, cert, spec.ParamACLStatus, "on", spec.ParamACLType, "white", spec.ParamACLID, a+","+b, spec.ParamListenerPort, "444")
	}},
	"ResourceNotFound.Certificate": {why: "a CA certificate id that names nothing", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), c.uploadCert(""), spec.ParamCACertificateID, "ca-missing")
	}},
	"InvalidLoadBalancerId.NotFound": {why: "an instance id that names nothing", setup: func(c *client) url.Values {
		return listenerParams("lb-missing", c.uploadCert(""))
	}},
	"InvalidParameter.VServerGroupNotFound": {why: "a server group id that names nothing", setup: func(c *client) url.Values {
		return listenerParams(c.createPerfLB(), c.uploadCert(""), spec.ParamVServerGroupID, "rsp-missing")
	}},
}

// TestEveryCatalogueCode walks the description's catalogue: each reachable code has a row
// that reaches it through API calls; each unreachable code has a written reason and no row.
func TestEveryCatalogueCode(t *testing.T) {
	s := spec.MustDefault()
	for _, ec := range s.Errors {
		t.Run(ec.Code, func(t *testing.T) {
			t.Parallel()
			row, ok := errorCases[ec.Code]
			if ec.Trigger.Kind == spec.TriggerUnreachable {
				assert.NotEmpty(t, ec.Trigger.Reason, "an unreachable code needs a reason")
				assert.False(t, ok, "the description says %s is unreachable, yet a test reaches it", ec.Code)
				return
			}
			require.True(t, ok, "no test row reaches %s (trigger %+v)", ec.Code, ec.Trigger)
			var mut []func(*emulator.Config)
			if row.config != nil {
				mut = append(mut, row.config)
			}
			e := newEnv(t, mut...)
			c := e.primary()
			params := row.setup(c)
			before := c.listenerCount()
			snap, err := e.em.Snapshot()
			require.NoError(t, err)
			r := c.call(spec.ActionCreateHTTPSListener, params)
			assert.Equal(t, ec.Code, r.code(), "%s: %s", row.why, r.Raw)
			assert.Equal(t, ec.Status, r.Status, "%s", r.Raw)
			assert.Regexp(t, requestIDPattern, r.str(spec.FieldRequestID))
			for _, f := range []string{spec.FieldRequestID, spec.FieldHostID, spec.FieldCode, spec.FieldMessage, spec.FieldRecommend} {
				_, isString := r.Body[f].(string)
				assert.True(t, isString, "%s must be a string in %s", f, r.Raw)
			}
			assert.NotContains(t, r.str(spec.FieldMessage), "%s", "message placeholders are filled")
			assert.Equal(t, before, c.listenerCount(), "a refused request changes nothing")
			after, err := e.em.Snapshot()
			require.NoError(t, err)
			assert.JSONEq(t, string(snap), string(after), "a refused request changes nothing")
		})
	}
	for code := range errorCases {
		_, ok := s.Error(code)
		assert.True(t, ok, "row %s names a code the catalogue lacks", code)
	}
}

// TestStateTableNamesDescriptionStates keeps the emulator's state table honest: every row
// names a state or quota of the description, and every state or quota that a catalogue code
// is triggered by has a row.
func TestStateTableNamesDescriptionStates(t *testing.T) {
	s := spec.MustDefault()
	checked := map[string]bool{}
	for _, name := range emulator.CheckedStates() {
		_, isState := s.State(spec.StateName(name))
		_, isQuota := s.Quota(spec.QuotaName(name))
		assert.True(t, isState || isQuota, "%s is neither a state nor a quota of the description", name)
		checked[name] = true
	}
	for _, ec := range s.Errors {
		switch ec.Trigger.Kind {
		case spec.TriggerState, spec.TriggerScenario:
			assert.True(t, checked[ec.Trigger.State], "state %s (%s) is not checked", ec.Trigger.State, ec.Code)
		case spec.TriggerQuota:
			assert.True(t, checked[ec.Trigger.Quota], "quota %s (%s) is not checked", ec.Trigger.Quota, ec.Code)
		}
	}
}

// TestRules breaks each rule of the description once and expects its outcome.
func TestRules(t *testing.T) {
	s := spec.MustDefault()
	breakers := map[string][]string{
		"sticky-session-type-required":            {"StickySession", "on"},
		"cookie-timeout-required":                 {"StickySession", "on", "StickySessionType", "insert"},
		"cookie-required":                         {"StickySession", "on", "StickySessionType", "server"},
		"acl-id-required":                         {spec.ParamACLStatus, "on", spec.ParamACLType, "white"},
		"acl-type-required":                       {spec.ParamACLStatus, "on", spec.ParamACLID, "acl-x"},
		"backend-port-required":                   {spec.ParamBackendServerPort, ""},
		"health-check-domain-required":            {pHCHttpVersion, "http1.1"},
		"server-certificate-required":             {spec.ParamServerCertificateID, ""},
		"single-server-certificate-form":          {"ServerCertificate.1.CertificateId", "x"},
		"one-server-binding":                      {spec.ParamServerCertificateID, "", "ServerCertificate.1.CertificateId", "x", "ServerCertificate.2.CertificateId", "y"},
		"client-cert-aliases-distinct":            {pSubjectDNAlias, "H", pIssuerDNAlias, "H"},
		"health-check-settings-need-health-check": nil,
	}
	e := newEnv(t)
	c := e.primary()
	lb, cert := c.createPerfLB(), c.uploadCert("")
	for _, r := range s.Rules {
		t.Run(r.ID, func(t *testing.T) {
			b, ok := breakers[r.ID]
			require.True(t, ok, "no test breaks rule %s", r.ID)
			if r.Kind == spec.RuleEffectiveOnlyWhen {
				// Accepted and ignored: health check settings with health checks off succeed.
				v := listenerParams(lb, cert, "HealthCheckMethod", "get", spec.ParamListenerPort, "8443")
				c.must(spec.ActionCreateHTTPSListener, v)
				return
			}
			v := listenerParams(lb, cert)
			for i := 0; i+1 < len(b); i += 2 {
				if b[i+1] == "" {
					v.Del(b[i])
				} else {
					v.Set(b[i], b[i+1])
				}
			}
			res := c.call(spec.ActionCreateHTTPSListener, v)
			assert.Equal(t, r.Outcome.Code, res.code(), "%s", res.Raw)
			assert.Equal(t, r.Outcome.Status, res.Status)
		})
	}
}

// TestParameterViolations sends, for each integer parameter of the operation, a value below
// its minimum, and expects the description's outcome for that constraint.
func TestParameterViolations(t *testing.T) {
	s := spec.MustDefault()
	e := newEnv(t)
	c := e.primary()
	lb, cert := c.createPerfLB(), c.uploadCert("")
	for _, p := range s.UnderTest.Parameters {
		con, ok := p.Constraint(spec.KindMinimum)
		if !ok || p.Common {
			continue
		}
		t.Run(p.Name, func(t *testing.T) {
			v := listenerParams(lb, cert, p.Name, strconv.FormatInt(con.Int-1, 10))
			if v.Get(p.Name) == "-1" && p.Name == spec.ParamBandwidth {
				v.Set(p.Name, "-2")
			}
			r := c.call(spec.ActionCreateHTTPSListener, v)
			assert.Equal(t, con.Outcome.Code, r.code(), "%s", r.Raw)
			assert.Equal(t, con.Outcome.Status, r.Status)
		})
	}
	t.Run("not an integer", func(t *testing.T) {
		r := c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "08"))
		assert.Equal(t, s.UnderTest.Param(spec.ParamListenerPort).Constraints[0].Outcome.Code, r.code())
	})
	t.Run("missing required", func(t *testing.T) {
		v := listenerParams(lb, cert)
		v.Del(spec.ParamBandwidth)
		r := c.call(spec.ActionCreateHTTPSListener, v)
		assert.Equal(t, s.UnderTest.Param(spec.ParamBandwidth).RequiredResult.Code, r.code())
	})
}
