package target_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// A started listener is starting for the configured delay, then running: the bounded poll
// waits for it, and gives up with a clear error when the bound is too short.
func TestAwaitListenerUntilRunning(t *testing.T) {
	cfg := emulator.DefaultConfig()
	cfg.Scenarios["listener-start-delay"] = "300ms"
	tg, err := embedded.New(cfg)
	require.NoError(t, err)
	ctx := context.Background()
	fx := target.NewFixtures(tg, spec.MustDefault(), nil, "await")
	lb, err := fx.Resolve(ctx, generators.SlotLB)
	require.NoError(t, err)
	cert, err := fx.Resolve(ctx, generators.SlotCert)
	require.NoError(t, err)
	create := []target.KV{{Name: spec.ParamLoadBalancerID, Value: lb}, {Name: spec.ParamListenerPort, Value: "8443"}, {Name: spec.ParamBandwidth, Value: "-1"},
		{Name: spec.ParamBackendServerPort, Value: "80"}, {Name: spec.ParamHealthCheck, Value: "off"}, {Name: spec.ParamServerCertificateID, Value: cert}}
	resp, err := tg.Send(ctx, target.Request{Action: spec.ActionCreateHTTPSListener, Params: create})
	require.NoError(t, err)
	require.True(t, resp.Success(), resp.Code)
	key := target.ListenerKey{LoadBalancerID: lb, Port: "8443"}
	resp, err = tg.Send(ctx, target.Request{Action: spec.ActionStartListener, Params: []target.KV{{Name: spec.ParamLoadBalancerID, Value: lb}, {Name: spec.ParamListenerPort, Value: "8443"}}})
	require.NoError(t, err)
	require.True(t, resp.Success(), resp.Code)

	_, err = target.AwaitListener(ctx, tg, key, target.Settled, 50*time.Millisecond, 20*time.Millisecond)
	assert.ErrorContains(t, err, "still \"starting\"")
	got, err := target.AwaitListener(ctx, tg, key, target.Settled, 5*time.Second, 50*time.Millisecond)
	require.NoError(t, err)
	assert.Equal(t, spec.StatusRunning, got.Fields[spec.FieldStatus])
}

func TestListenerKeyParams(t *testing.T) {
	k := target.ListenerKey{LoadBalancerID: "lb-1", Port: "443", Region: "cn-hangzhou"}
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
