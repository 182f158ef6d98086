package emulator_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/spec"
)

func instant(c *emulator.Config) { c.Delays = false }

// TestDefaultTransitionsAreInstant: with the default configuration a plain script (create,
// start, stop, delete, without waiting and without moving the clock) succeeds at every step.
func TestDefaultTransitionsAreInstant(t *testing.T) {
	assert.False(t, emulator.DefaultConfig().Delays, "the default serves instant transitions")
	e := newEnv(t, instant)
	c := e.primary()
	lb, cert, p := c.createPerfLB(), c.uploadCert(""), c.createPolicy()
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamTLSCipherPolicy, p))
	c.must(spec.ActionStartListener, listenerRef(lb))
	assert.Equal(t, spec.StatusRunning, c.must(spec.ActionDescribeHTTPSListener, listenerRef(lb)).Body[spec.FieldStatus])
	c.must(spec.ActionStopListener, listenerRef(lb))
	c.must(spec.ActionStartListener, listenerRef(lb))
	c.must(spec.ActionDeleteListener, listenerRef(lb))
	c.must(spec.ActionDeleteLoadBalancer, url.Values{spec.ParamLoadBalancerID: {lb}})
}

// TestDelaysKeepTheWindow: with Delays on, a started listener blocks its stop, its deletion
// and its instance's deletion alike until the delay has passed.
func TestDelaysKeepTheWindow(t *testing.T) {
	e := newEnv(t)
	c := e.primary()
	lb, cert := c.createPerfLB(), c.uploadCert("")
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
	c.must(spec.ActionStartListener, listenerRef(lb))
	busy := "ServiceIsConfiguring"
	assert.Equal(t, busy, c.call(spec.ActionStopListener, listenerRef(lb)).code())
	assert.Equal(t, busy, c.call(spec.ActionDeleteListener, listenerRef(lb)).code())
	assert.Equal(t, busy, c.call(spec.ActionDeleteLoadBalancer, url.Values{spec.ParamLoadBalancerID: {lb}}).code())
	sc, _ := spec.MustDefault().Scenario("listener-start-delay")
	e.clock.Advance(sc.Duration())
	c.must(spec.ActionDeleteLoadBalancer, url.Values{spec.ParamLoadBalancerID: {lb}})
}

func TestDelaysSetting(t *testing.T) {
	cfg, err := emulator.ParseConfig([]byte(`{"delays":true}`))
	require.NoError(t, err)
	assert.True(t, cfg.Delays)
}
