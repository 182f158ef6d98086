package emulator_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/spec"
)

func choose(set func(c *emulator.Choices)) func(*emulator.Config) {
	return func(cfg *emulator.Config) { set(&cfg.Choices) }
}

// describe reads the listener on port back.
func (c *client) describe(lb, port string) resp {
	c.env.t.Helper()
	return c.must(spec.ActionDescribeHTTPSListener, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamListenerPort: {port}})
}

// ready is a client with a guaranteed-performance instance and a server certificate.
func ready(e *env) (*client, string, string) {
	c := e.primary()
	return c, c.createPerfLB(), c.uploadCert("")
}

func TestChoiceEmptyOptional(t *testing.T) {
	c, lb, cert := ready(newEnv(t))
	r := c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamScheduler, ""))
	assert.Equal(t, "InvalidParameter", r.code(), "as shipped, an empty value is checked like any value")

	c, lb, cert = ready(newEnv(t, choose(func(ch *emulator.Choices) { ch.EmptyOptional = emulator.EmptyAbsent })))
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamScheduler, "", pIdleTimeout, ""))
	d := c.describe(lb, listenerPort)
	assert.Equal(t, "wrr", d.str(spec.ParamScheduler), "the default applies")
	assert.Equal(t, 15.0, d.Body[pIdleTimeout])
	// A required parameter's empty value is still missing, a list field's still checked.
	r = c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "444", spec.ParamHealthCheck, ""))
	assert.Equal(t, "MissingParameter", r.code())
	r = c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "444", "Tag.1.Key", "k", "Tag.1.Value", ""))
	assert.Equal(t, "InvalidParam.TagValue", r.code())
}

func TestChoiceLenientIntegers(t *testing.T) {
	c, lb, cert := ready(newEnv(t))
	r := c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamBackendServerPort, "+80"))
	assert.Equal(t, "InvalidParameter", r.code(), "as shipped, only the canonical spelling is an integer")

	c, lb, cert = ready(newEnv(t, choose(func(ch *emulator.Choices) { ch.LenientIntegers = true })))
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamBackendServerPort, "+80", pIdleTimeout, "1e1",
		spec.ParamListenerPort, "0443", "HealthCheckTimeout", " \u0661\u0660 ", "CookieTimeout", "0x1F"))
	d := c.describe(lb, listenerPort)
	assert.Equal(t, 80.0, d.Body[spec.ParamBackendServerPort], "stored and read back as the integer")
	assert.Equal(t, 10.0, d.Body[pIdleTimeout])
	assert.Equal(t, 443.0, d.Body[spec.ParamListenerPort])
	assert.Equal(t, 10.0, d.Body["HealthCheckTimeout"])
	assert.Equal(t, 31.0, d.Body["CookieTimeout"])
	// The value a spelling means is range-checked; a forbidden value is not dodged.
	r = c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "444", pIdleTimeout, "0x3D"))
	assert.Equal(t, "InvalidParameter.IdleTimeout", r.code())
	r = c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "444", spec.ParamBandwidth, "+0"))
	assert.Equal(t, "InvalidParameter", r.code())
	r = c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "444", spec.ParamBandwidth, "1.5"))
	assert.Equal(t, "InvalidParameter", r.code(), "not an integer in any spelling")
	r = c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "443"))
	assert.Equal(t, "InvalidParameter.ListenerPortConflict", r.code(), "0443 took port 443")
}

func TestChoiceQuotasAndScenarios(t *testing.T) {
	s := spec.MustDefault()
	e := newEnv(t)
	quotas, scenarios := e.em.Offered()
	assert.Len(t, quotas, len(s.Quotas), "as shipped, every quota is in force")
	assert.Len(t, scenarios, len(s.Scenarios), "and every scenario offered")
	for _, q := range s.Quotas {
		assert.Equal(t, q.Default, quotas[q.Name])
	}

	oneListener := func(cfg *emulator.Config) { cfg.Quotas["listeners-per-load-balancer"] = 1 }
	e = newEnv(t, oneListener)
	quotas, _ = e.em.Offered()
	assert.Equal(t, 1, quotas["listeners-per-load-balancer"], "the value in force is offered")
	c, lb, cert := ready(e)
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
	r := c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "444"))
	assert.Equal(t, "OperationFailed.InsufficientResources", r.code())

	e = newEnv(t, oneListener, choose(func(ch *emulator.Choices) { ch.NoQuotas, ch.NoScenarios = true, true }))
	quotas, scenarios = e.em.Offered()
	assert.Empty(t, quotas, "no quota in force")
	for _, sc := range s.Scenarios {
		_, offered := scenarios[sc.Name]
		assert.Equal(t, sc.Setting == "duration", offered, "%s: only durations stay", sc.Name)
	}
	c, lb, cert = ready(e)
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "444"))
	zone, _ := s.Scenario("zone-out-of-resources")
	exhausted := c.createPerfLB(spec.ParamMasterZoneID, zone.Default)
	c.must(spec.ActionCreateHTTPSListener, listenerParams(exhausted, cert))
}

func TestChoiceAlternativeCodes(t *testing.T) {
	e := newEnv(t, choose(func(ch *emulator.Choices) { ch.AlternativeCodes = true }))
	c, lb, cert := ready(e)
	code := func(extra ...string) string {
		t.Helper()
		return c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, extra...)).code()
	}
	// Codes the page ties to their triggers stay.
	assert.Equal(t, "InvalidParameter.IdleTimeout", code(pIdleTimeout, "61"))
	assert.Equal(t, "InvalidTLSPolicyId.NotExist", code(spec.ParamTLSCipherPolicy, "nope"))
	assert.Equal(t, "AclNotExist", code(spec.ParamACLID, "acl-none"))
	// Inferred ones take another plausible code.
	assert.Equal(t, "InvalidParameter.ListenerPort", code(spec.ParamListenerPort, "0"))
	assert.Equal(t, "InvalidParameter", code(spec.ParamHealthCheck, ""), "a missing parameter: the other generic code")
	assert.Equal(t, "CertificateNotExist", code(spec.ParamCACertificateID, "ca-none"), "an unknown CA certificate like an unknown certificate")
	missing, _ := spec.MustDefault().StateError(spec.MustDefault().UnderTest.Param(spec.ParamACLID).MissingState)
	assert.Equal(t, missing.Code, code(spec.ParamACLStatus, "on", spec.ParamACLType, "white", spec.ParamACLID, strings.Repeat("a", 600)),
		"a malformed id (too long) answered like one that names nothing (x-missing-state)")
	r := c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, "cert-none"))
	assert.Equal(t, "ResourceNotFound.Certificate", r.code(), "an unknown server certificate: the page's other row")
	assert.Equal(t, http.StatusNotFound, r.Status, "with its own status")
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
	require.Equal(t, http.StatusOK, c.start(lb, listenerPort).Status)
	assert.Equal(t, "InvalidParameter.ListenerPortConflict", code(), "a listener still starting like a used port")
}

func TestChoiceDescribeOmitsUnset(t *testing.T) {
	c, lb, cert := ready(newEnv(t, choose(func(ch *emulator.Choices) { ch.DescribeOmitsUnset = true })))
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamDescription, "web"))
	d := c.describe(lb, listenerPort)
	assert.NotContains(t, d.Body, spec.ParamScheduler)
	assert.NotContains(t, d.Body, pIdleTimeout)
	assert.Equal(t, "web", d.str(spec.ParamDescription))
	assert.Equal(t, 80.0, d.Body[spec.ParamBackendServerPort])
}

func TestChoiceListForms(t *testing.T) {
	t.Run("single ACL id", func(t *testing.T) {
		c, lb, cert := ready(newEnv(t, choose(func(ch *emulator.Choices) { ch.SingleACLID = true })))
		a, b := c.createACL("ipv4", "10.0.0.0/8"), c.createACL("ipv4", "11.0.0.0/8")
		r := c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamACLID, a+","+b, spec.ParamACLStatus, "on", spec.ParamACLType, "white"))
		assert.Equal(t, "AclNotExist", r.code())
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamACLID, a, spec.ParamACLStatus, "on", spec.ParamACLType, "white"))
	})
	t.Run("index gaps", func(t *testing.T) {
		c, lb, cert := ready(newEnv(t, choose(func(ch *emulator.Choices) { ch.IndexGaps = emulator.GapsAccept })))
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, "Tag.1.Key", "a", "Tag.3.Key", "c"))
		tags := c.describe(lb, listenerPort).Body["Tags"].(map[string]any)["Tag"].([]any)
		assert.Len(t, tags, 2)
		r := c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "444", "Tag.0.Key", "z"))
		assert.Equal(t, "InvalidParameter", r.code(), "an index below the first is still refused")
	})
	for _, tc := range []struct{ policy, want string }{{emulator.DuplicatesFirst, "wrr"}, {emulator.DuplicatesLast, "rr"}} {
		t.Run("duplicates "+tc.policy, func(t *testing.T) {
			c, lb, cert := ready(newEnv(t, choose(func(ch *emulator.Choices) { ch.Duplicates = tc.policy })))
			v := listenerParams(lb, cert)
			v[spec.ParamScheduler] = []string{"wrr", "rr"}
			c.must(spec.ActionCreateHTTPSListener, v)
			assert.Equal(t, tc.want, c.describe(lb, listenerPort).str(spec.ParamScheduler))
		})
	}
	t.Run("unknown refused", func(t *testing.T) {
		c, lb, cert := ready(newEnv(t, choose(func(ch *emulator.Choices) { ch.UnknownParameters = emulator.UnknownRefuse })))
		r := c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, "ClbcheckUnknown", "1"))
		assert.Equal(t, "InvalidParameter", r.code())
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, "Tag.1.Key", "k"))
	})
}

func TestChoicePageOnly(t *testing.T) {
	c, lb, cert := ready(newEnv(t, choose(func(ch *emulator.Choices) { ch.PageOnly = true })))
	// Beyond the page: an unknown parameter, ignored and not stored.
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, "HealthCheckType", "udp", spec.ParamBandwidth, "0"))
	d := c.describe(lb, listenerPort)
	assert.NotContains(t, d.Body, "HealthCheckType")
	assert.NotContains(t, d.Body, strings.TrimSuffix(pSubjectDNAlias, "Alias"), "nor the default of a parameter from beyond the page")
	assert.Contains(t, d.Body, spec.ParamScheduler, "the page's own defaults apply")
	// An inferred rule is not enforced: the page makes no certificate required.
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, "", spec.ParamListenerPort, "444"))
	// What the page states still holds.
	r := c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "0"))
	assert.Equal(t, "InvalidParameter", r.code())
	r = c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "445", spec.ParamACLStatus, "on"))
	assert.Equal(t, "MissingParameter", r.code())
	// A parameter from beyond the page's table that a rule of the page names stays known, so
	// the rule holds; its inferred enum is not enforced.
	r = c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "446", pHCHttpVersion, "http1.1"))
	assert.Equal(t, "MissingParam.HealthCheckDomain", r.code())
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "447", pHCHttpVersion, "http9"))
	assert.Equal(t, "http9", c.describe(lb, "447").str(pHCHttpVersion))
}

// Of two invalid values, the one described first is reported as shipped, the other one with
// ReverseOrder; the harness must take either.
func TestChoiceReverseOrder(t *testing.T) {
	bad := func(c *client, lb, cert string) resp {
		return c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, pIdleTimeout, "61", pRequestTimeout, "181"))
	}
	c, lb, cert := ready(newEnv(t))
	first := bad(c, lb, cert).code()
	c, lb, cert = ready(newEnv(t, choose(func(ch *emulator.Choices) { ch.ReverseOrder = true })))
	second := bad(c, lb, cert).code()
	assert.ElementsMatch(t, []string{"InvalidParameter.IdleTimeout", "InvalidParameter.RequestTimeout"}, []string{first, second})
}

func TestChoiceReadLag(t *testing.T) {
	e := newEnv(t, choose(func(ch *emulator.Choices) { ch.ReadLag = "250ms" }))
	c, lb, cert := ready(e)
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
	ports := func() []any {
		d := c.must(spec.ActionDescribeLoadBalancer, url.Values{spec.ParamLoadBalancerID: {lb}})
		holder, _ := d.Body[spec.FieldListenerPorts].(map[string]any)
		list, _ := holder[spec.FieldListenerPort].([]any)
		return list
	}
	listed := func() float64 {
		d := c.must(spec.ActionDescribeListeners, url.Values{spec.ParamLoadBalancerID + ".1": {lb}})
		n, _ := d.Body[spec.FieldTotalCount].(float64)
		return n
	}
	// Within the lag, no read sees the listener, but a second create on its port is refused.
	e.clock.Advance(249 * time.Millisecond)
	r := c.call(spec.ActionDescribeHTTPSListener, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamListenerPort: {listenerPort}})
	assert.Equal(t, http.StatusNotFound, r.Status, "Describe does not see it yet: %v", r.Body)
	assert.Empty(t, ports(), "nor the load balancer's listener ports")
	assert.Zero(t, listed(), "nor DescribeLoadBalancerListeners")
	r = c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
	assert.Equal(t, "InvalidParameter.ListenerPortConflict", r.code(), "the service itself knows the port is taken")
	// Once the lag has passed, every read sees it.
	e.clock.Advance(time.Millisecond)
	assert.Equal(t, "stopped", c.describe(lb, listenerPort).str(spec.FieldStatus))
	assert.Equal(t, []any{443.0}, ports())
	assert.Equal(t, 1.0, listed())
}

func TestChoicesConfiguration(t *testing.T) {
	cfg, err := emulator.ParseConfig([]byte(`{"choices":{"emptyOptional":"absent","lenientIntegers":true,"duplicates":"last","pageOnly":true}}`))
	require.NoError(t, err)
	assert.Equal(t, emulator.Choices{EmptyOptional: emulator.EmptyAbsent, LenientIntegers: true, Duplicates: emulator.DuplicatesLast, PageOnly: true}, cfg.Choices)
	for _, bad := range []string{`{"choices":{"emptyOptional":"maybe"}}`, `{"choices":{"duplicates":"middle"}}`, `{"choices":{"indexGaps":"x"}}`,
		`{"choices":{"unknownParameters":"x"}}`, `{"choices":{"noSuchChoice":true}}`, `{"choices":{"readLag":"soon"}}`, `{"choices":{"readLag":"-1s"}}`} {
		_, err := emulator.ParseConfig([]byte(bad))
		assert.Error(t, err, bad)
	}
}
