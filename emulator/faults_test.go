package emulator_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/spec"
)

func inject(names ...string) func(*emulator.Config) {
	return func(c *emulator.Config) { c.Inject = names }
}

// The catalogue is data: at least 40 faults, unique names, every category and description
// filled in, and each one accepted by a configuration on its own.
func TestInjectableFaultsCatalogue(t *testing.T) {
	faults := emulator.InjectableFaults()
	require.GreaterOrEqual(t, len(faults), 200)
	seen := map[string]bool{}
	cats := map[string]int{}
	for _, f := range faults {
		assert.False(t, seen[f.Name], "fault %s listed twice", f.Name)
		seen[f.Name] = true
		assert.NotEmpty(t, f.Category, f.Name)
		assert.NotEmpty(t, f.Description, f.Name)
		assert.True(t, strings.HasPrefix(f.Name, f.Category+"/"), "%s is not named after its category %s", f.Name, f.Category)
		cats[f.Category]++
		cfg := emulator.DefaultConfig()
		cfg.Inject = []string{f.Name}
		assert.NoError(t, cfg.Check(), f.Name)
	}
	for _, c := range []string{emulator.FaultCategoryValidation, emulator.FaultCategoryBoundary, emulator.FaultCategoryErrorCode, emulator.FaultCategoryHTTPStatus,
		emulator.FaultCategoryEnvelope, emulator.FaultCategoryContentType, emulator.FaultCategoryState, emulator.FaultCategoryCrossAccount,
		emulator.FaultCategoryReadBack, emulator.FaultCategoryEngine,
		emulator.FaultCategoryRAM, emulator.FaultCategorySignature, emulator.FaultCategoryConcurrency, emulator.FaultCategoryIntermittent, emulator.FaultCategoryWire} {
		assert.NotZero(t, cats[c], "no fault of category %s", c)
	}
	// The validation faults cover every kind of range, length, enum and pattern rule. (Every
	// minimum length of the page is 1: only an empty value falls short of it, and the page
	// leaves open whether an empty optional value is refused, so accepting one is no fault.)
	for _, k := range []spec.Kind{spec.KindMinimum, spec.KindMaximum, spec.KindMaxLength, spec.KindEnum, spec.KindPattern} {
		found := false
		for _, f := range faults {
			found = found || strings.HasSuffix(f.Name, "/"+string(k))
		}
		assert.True(t, found, "no validation fault of kind %s", k)
	}
}

// Config.Inject takes catalogue names and any validation pair the description constrains;
// anything else is a configuration error.
func TestInjectNames(t *testing.T) {
	check := func(names ...string) error {
		cfg := emulator.DefaultConfig()
		cfg.Inject = names
		return cfg.Check()
	}
	assert.Error(t, check("no-such-fault"))
	assert.Error(t, check("validation/IdleTimeout/pattern"), "IdleTimeout has no pattern")
	assert.Error(t, check("validation/NoSuchParam/maximum"))
	assert.Error(t, check("validation/rule/no-such-rule"))
	assert.Error(t, check("validation/rule/health-check-settings-need-health-check"), "that rule never refuses")
	// Any pair the description constrains is accepted, listed or not.
	assert.NoError(t, check("validation/IdleTimeout/minimum"))
	assert.NoError(t, check("validation/Tag.Key/maxLength"))
	assert.NoError(t, check("validation/rule/cookie-required"))

	cfg, err := emulator.ParseConfig([]byte(`{"inject":["state/created-running"]}`))
	require.NoError(t, err)
	assert.Equal(t, []string{"state/created-running"}, cfg.Inject)
	_, err = emulator.ParseConfig([]byte(`{"inject":["nope"]}`))
	assert.Error(t, err)
	_, err = emulator.New(emulator.Config{Accounts: emulator.DefaultConfig().Accounts, Inject: []string{"nope"}})
	assert.Error(t, err)
}

// A validation fault accepts exactly the violation it names: the value is stored as sent, and
// other violations are still refused.
func TestValidationFaultAcceptsOneViolation(t *testing.T) {
	e := newEnv(t, inject("validation/ListenerPort/maximum", "validation/Tag.Key/x-forbidden-prefixes", "validation/Tag/maxItems"))
	c := e.primary()
	lb, cert := c.createPerfLB(), c.uploadCert("")
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "65536"))
	assert.Equal(t, 1, c.listenerCount())

	r := c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "0"))
	assert.Equal(t, "InvalidParameter", r.code(), "below the minimum is still refused")
	r = c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "444", pIdleTimeout, "61"))
	assert.Equal(t, "InvalidParameter.IdleTimeout", r.code())

	// A list field: the forbidden prefix passes, a too long key does not.
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "445", "Tag.1.Key", "aliyunkey", "Tag.1.Value", "v"))
	r = c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, "446", "Tag.1.Key", strings.Repeat("k", 65)))
	assert.Equal(t, "InvalidParam.TagKey", r.code())
	// Too many tags pass.
	many := []string{spec.ParamListenerPort, "447"}
	for i := 1; i <= 21; i++ {
		n := strings.Repeat("x", i)
		many = append(many, "Tag."+strconv.Itoa(i)+".Key", n, "Tag."+strconv.Itoa(i)+".Value", n)
	}
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, many...))
}

// The answer faults change the answers of the operation under test only: the neighbouring
// operations the harness builds and reads state with answer as they should.
func TestAnswerFaultsTouchOnlyTheOperation(t *testing.T) {
	e := newEnv(t, inject("http-status/client-errors-500", "envelope/no-request-id", "content-type/text-plain"))
	c := e.primary()
	r := c.call(spec.ActionDescribeHTTPSListener, url.Values{spec.ParamLoadBalancerID: {"lb-none"}, spec.ParamListenerPort: {"1"}})
	assert.Equal(t, http.StatusBadRequest, r.Status)
	assert.NotEmpty(t, r.str(spec.FieldRequestID))
	lb, cert := c.createPerfLB(), c.uploadCert("")
	r = c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, pIdleTimeout, "0"))
	assert.Equal(t, http.StatusInternalServerError, r.Status)
	assert.Equal(t, "text/plain;charset=utf-8", r.Header.Get("Content-Type"))
	assert.Empty(t, r.Header.Get("x-acs-request-id"))
	assert.NotContains(t, string(r.Raw), spec.FieldRequestID)
}

// concurrency/port-check-race lets two simultaneous creates on one port both succeed; the
// emulator as it ships lets exactly one through (TestConcurrentCreatesOnePort).
func TestPortCheckRaceFault(t *testing.T) {
	e := newEnv(t, inject("concurrency/port-check-race"))
	c := e.primary()
	cert := c.uploadCert("")
	// The window is short, and a loaded machine (the race detector, other jobs) may run the
	// creates one after another: try a few times, each on a fresh load balancer.
	const n, attempts = 8, 6
	most := int32(0)
	for a := 0; a < attempts && most < 2; a++ {
		lb := c.createPerfLB()
		var wins atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cl := e.primary()
				<-start
				if r := cl.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert)); r.Status == http.StatusOK {
					wins.Add(1)
				}
			}()
		}
		close(start)
		wg.Wait()
		most = max(most, wins.Load())
	}
	assert.Greater(t, most, int32(1), "in %d attempts the race window never let more than one create through", attempts)
}

// State, cross-account and RAM faults.
func TestStateAndAccessFaults(t *testing.T) {
	t.Run("created running", func(t *testing.T) {
		e := newEnv(t, inject("state/created-running"))
		c := e.primary()
		lb, cert := c.createPerfLB(), c.uploadCert("")
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
		r := c.must(spec.ActionDescribeHTTPSListener, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamListenerPort: {listenerPort}})
		assert.Equal(t, spec.StatusRunning, r.str(spec.FieldStatus))
	})
	t.Run("refused create leaves a listener", func(t *testing.T) {
		e := newEnv(t, inject("state/refused-create-leaves-listener"))
		c := e.primary()
		lb := c.createPerfLB()
		r := c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, "no-such-cert"))
		assert.Equal(t, "CertificateNotExist", r.code())
		assert.Equal(t, 1, c.listenerCount())
	})
	t.Run("port conflict missed", func(t *testing.T) {
		e := newEnv(t, inject("state/port-conflict-missed"))
		c := e.primary()
		lb, cert := c.createPerfLB(), c.uploadCert("")
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
	})
	t.Run("refused create overwrites the listener", func(t *testing.T) {
		e := newEnv(t, inject("state/refused-create-overwrites-listener"))
		c := e.primary()
		lb, cert := c.createPerfLB(), c.uploadCert("")
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamDescription, "first"))
		r := c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamDescription, "second"))
		require.Equal(t, http.StatusBadRequest, r.Status)
		d := c.describe(lb, listenerPort)
		assert.Equal(t, "second", d.str(spec.ParamDescription))
		assert.Equal(t, spec.StatusStopped, d.str(spec.FieldStatus))
	})
	t.Run("region required", func(t *testing.T) {
		e := newEnv(t, inject("validation/region-required"))
		c := e.primary()
		lb, cert := c.createPerfLB(), c.uploadCert("")
		assert.Equal(t, "MissingParameter", c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert)).code())
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamRegionID, emulator.DefaultRegion))
	})
	t.Run("foreign certificate accepted", func(t *testing.T) {
		e := newEnv(t, inject("cross-account/foreign-certificate-accepted"))
		foreign := e.as(emulator.PrincipalSecondary).uploadCert("")
		c := e.primary()
		c.must(spec.ActionCreateHTTPSListener, listenerParams(c.createPerfLB(), foreign))
	})
	t.Run("denied user allowed", func(t *testing.T) {
		e := newEnv(t, inject("ram/denied-user-allowed"))
		c := e.primary()
		lb, cert := c.createPerfLB(), c.uploadCert("")
		e.as(emulator.PrincipalDenied).must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
	})
	t.Run("replayed nonce accepted", func(t *testing.T) {
		e := newEnv(t, inject("signature/replayed-nonce-accepted"))
		c := e.primary()
		v := c.signed(spec.ActionCreateLoadBalancer, url.Values{spec.ParamRegionID: {emulator.DefaultRegion}})
		assert.Equal(t, http.StatusOK, c.send(v).Status)
		assert.Equal(t, http.StatusOK, c.send(v).Status)
	})
	t.Run("bad signature accepted", func(t *testing.T) {
		e := newEnv(t, inject("signature/bad-v1-signature-accepted"))
		c := e.primary()
		v := c.signed(spec.ActionCreateLoadBalancer, url.Values{spec.ParamRegionID: {emulator.DefaultRegion}})
		v.Set(spec.ParamSignature, "d3Jvbmc=")
		assert.Equal(t, http.StatusOK, c.send(v).Status)
	})
}

// intermittent/5xx draws from the seeded generator: the same seed gives the same answers.
func TestIntermittentFaultIsReproducible(t *testing.T) {
	outcomes := func() string {
		e := newEnv(t, inject("intermittent/5xx"), func(c *emulator.Config) { c.Disruptions.Seed = 42 })
		c := e.primary()
		lb, cert := c.createPerfLB(), c.uploadCert("")
		var b strings.Builder
		for i := range 300 {
			r := c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, strconv.Itoa(1000+i)))
			if r.Status >= 500 {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	first := outcomes()
	assert.Contains(t, first, "x")
	assert.Contains(t, first, ".")
	assert.Equal(t, first, outcomes())
}

func TestLookupFault(t *testing.T) {
	f, err := emulator.LookupFault("validation/IdleTimeout/minimum")
	require.NoError(t, err)
	assert.Equal(t, emulator.FaultCategoryValidation, f.Category)
	assert.Equal(t, "accept IdleTimeout below its minimum (1)", f.Description)
	f, err = emulator.LookupFault("state/created-running")
	require.NoError(t, err)
	assert.Equal(t, emulator.FaultCategoryState, f.Category)
	_, err = emulator.LookupFault("state/nope")
	assert.Error(t, err)
}

// The state faults accept a create while a state holds, or answer it with another code; the
// row a state implies (a listener still starting is also a listener on the port) goes with it.
func TestStateFaults(t *testing.T) {
	t.Run("load balancer missing", func(t *testing.T) {
		c, _, cert := ready(newEnv(t, inject("state/load-balancer-not-found/accepted")))
		c.must(spec.ActionCreateHTTPSListener, listenerParams("lb-none", cert))
	})
	t.Run("ACL missing", func(t *testing.T) {
		c, lb, cert := ready(newEnv(t, inject("state/acl-not-found/accepted")))
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamACLID, "acl-none", spec.ParamACLStatus, "on", spec.ParamACLType, "white"))
	})
	t.Run("certificate missing", func(t *testing.T) {
		c, lb, _ := ready(newEnv(t, inject("state/certificate-not-found/accepted")))
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, "cert-none"))
	})
	t.Run("listener pending", func(t *testing.T) {
		c, lb, cert := ready(newEnv(t, inject("state/listener-pending/accepted")))
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
		require.Equal(t, http.StatusOK, c.start(lb, listenerPort).Status)
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
	})
	t.Run("another code", func(t *testing.T) {
		c, lb, _ := ready(newEnv(t, inject("error-code/state/certificate-not-found")))
		assert.Equal(t, "InvalidParameter", c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, "cert-none")).code())
	})
	t.Run("quota ignored", func(t *testing.T) {
		c, lb, cert := ready(newEnv(t, inject("state/quota/listeners-per-acl/ignored"), func(cfg *emulator.Config) { cfg.Quotas["listeners-per-acl"] = 1 }))
		acl := c.createACL("ipv4", "10.0.0.0/8")
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamACLID, acl))
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamACLID, acl, spec.ParamListenerPort, "444"))
	})
}

// The cross-account faults let a create use another account's (or instance's) resources.
func TestCrossAccountFaults(t *testing.T) {
	t.Run("load balancer", func(t *testing.T) {
		e := newEnv(t, inject("cross-account/foreign-load-balancer-accepted"))
		foreign := e.as(emulator.PrincipalSecondary).createPerfLB()
		c, _, cert := ready(e)
		c.must(spec.ActionCreateHTTPSListener, listenerParams(foreign, cert))
	})
	t.Run("ACL", func(t *testing.T) {
		e := newEnv(t, inject("cross-account/foreign-acl-accepted"))
		foreign := e.as(emulator.PrincipalSecondary).createACL("ipv4", "10.0.0.0/8")
		c, lb, cert := ready(e)
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamACLID, foreign))
	})
	t.Run("CA certificate", func(t *testing.T) {
		e := newEnv(t, inject("cross-account/foreign-ca-certificate-accepted"))
		foreign := e.as(emulator.PrincipalSecondary).uploadCA()
		c, lb, cert := ready(e)
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamCACertificateID, foreign))
		server := e.as(emulator.PrincipalSecondary).uploadCert("")
		assert.Equal(t, "Certkey.Forbidden", c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, server, spec.ParamListenerPort, "444")).code(),
			"server certificates stay the account's own")
	})
	t.Run("VServer group of another instance", func(t *testing.T) {
		e := newEnv(t, inject("cross-account/other-instance-vserver-group-accepted"))
		c, lb, cert := ready(e)
		other := c.createPerfLB()
		g := c.must(spec.ActionCreateVServerGroup, url.Values{spec.ParamLoadBalancerID: {other}, spec.ParamVServerGroupName: {"g"}}).str(spec.FieldVServerGroupID)
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamVServerGroupID, g))
	})
}

// A read-back fault renders one integer attribute of DescribeLoadBalancerHTTPSListenerAttribute
// as a JSON string.
func TestReadBackFault(t *testing.T) {
	c, lb, cert := ready(newEnv(t, inject("read-back/BackendServerPort-as-string")))
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
	d := c.describe(lb, listenerPort)
	assert.Equal(t, "80", d.Body[spec.ParamBackendServerPort])
	assert.Equal(t, 443.0, d.Body[spec.ParamListenerPort], "the other integers stay numbers")
}

// Every fault of the catalogue builds an emulator that serves.
func TestEveryFaultBuilds(t *testing.T) {
	for _, f := range emulator.InjectableFaults() {
		cfg := emulator.DefaultConfig()
		cfg.Inject = []string{f.Name}
		_, err := emulator.New(cfg)
		assert.NoError(t, err, f.Name)
	}
}
