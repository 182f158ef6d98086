package resources_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// A started listener is starting for the configured delay, then running: the bounded poll
// waits for it, and gives up with a clear error when the bound is too short. The emulator's
// clock is the test's: the listener stays starting until the test moves the clock past the
// delay, however slowly the machine runs (the wall clock only paces the polls).
func TestAwaitListenerUntilRunning(t *testing.T) {
	cfg := emulator.DefaultConfig()
	cfg.Scenarios["listener-start-delay"] = "1m"
	base := time.Now()
	var offset atomic.Int64
	cfg.Now = func() time.Time { return base.Add(time.Duration(offset.Load())) }
	tg, err := embedded.New(cfg)
	require.NoError(t, err)
	ctx := context.Background()
	fx := resources.NewFixtures(tg, spec.MustDefault(), nil, "await")
	lb, err := fx.Resolve(ctx, spec.SlotLB)
	require.NoError(t, err)
	cert, err := fx.Resolve(ctx, spec.SlotCert)
	require.NoError(t, err)
	create := []target.KV{{Name: spec.ParamLoadBalancerID, Value: lb}, {Name: spec.ParamListenerPort, Value: "8443"}, {Name: spec.ParamBandwidth, Value: "-1"},
		{Name: spec.ParamBackendServerPort, Value: "80"}, {Name: spec.ParamHealthCheck, Value: "off"}, {Name: spec.ParamServerCertificateID, Value: cert}}
	resp, err := tg.Send(ctx, target.Request{Action: spec.ActionCreateHTTPSListener, Params: create})
	require.NoError(t, err)
	require.True(t, resp.Success(), resp.Code)
	key := resources.ListenerKey{LoadBalancerID: lb, Port: "8443"}
	resp, err = tg.Send(ctx, target.Request{Action: spec.ActionStartListener, Params: []target.KV{{Name: spec.ParamLoadBalancerID, Value: lb}, {Name: spec.ParamListenerPort, Value: "8443"}}})
	require.NoError(t, err)
	require.True(t, resp.Success(), resp.Code)

	// The clock stands still: the listener is starting on every read until the bound passes.
	reads := 0
	counting := func(r *target.Response) bool { reads++; return resources.Settled(r) }
	_, err = resources.AwaitListener(ctx, tg, key, counting, 50*time.Millisecond, 10*time.Millisecond)
	assert.ErrorContains(t, err, "still \"starting\"")
	assert.GreaterOrEqual(t, reads, 1)
	// The first read finds it starting; the clock then passes the delay, and the next read
	// finds it running.
	reads = 0
	advancing := func(r *target.Response) bool {
		reads++
		if resources.Settled(r) {
			return true
		}
		offset.Store(int64(2 * time.Minute))
		return false
	}
	got, err := resources.AwaitListener(ctx, tg, key, advancing, time.Minute, 10*time.Millisecond)
	require.NoError(t, err)
	assert.Equal(t, spec.StatusRunning, got.Fields[spec.FieldStatus])
	assert.Equal(t, 2, reads, "starting once, then running")
}

func TestListenerKeyParams(t *testing.T) {
	k := resources.ListenerKey{LoadBalancerID: "lb-1", Port: "443", Region: "cn-hangzhou"}
	assert.Equal(t, []target.KV{{Name: spec.ParamLoadBalancerID, Value: "lb-1"}, {Name: spec.ParamListenerPort, Value: "443"}, {Name: spec.ParamRegionID, Value: "cn-hangzhou"}}, k.Params())
	assert.Equal(t, []target.KV{{Name: spec.ParamLoadBalancerID, Value: "lb-1"}, {Name: spec.ParamRegionID, Value: "cn-hangzhou"}}, k.LoadBalancerParams())
	k.Region = ""
	assert.Equal(t, []target.KV{{Name: spec.ParamLoadBalancerID, Value: "lb-1"}, {Name: spec.ParamListenerPort, Value: "443"}}, k.Params())
}

func TestSleepEndsWithItsContext(t *testing.T) {
	assert.NoError(t, target.Sleep(context.Background(), time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	assert.ErrorIs(t, target.Sleep(ctx, time.Hour), context.Canceled)
	assert.Less(t, time.Since(start), time.Second)
}
