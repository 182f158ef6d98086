package contracts_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// busyFirstDelete answers the first DeleteLoadBalancer of the run's clean-up as a service
// still configuring would, then passes every request on.
type busyFirstDelete struct {
	target.Target
	answered atomic.Bool
}

func (b *busyFirstDelete) Unwrap() target.Target { return b.Target }
func (b *busyFirstDelete) Send(ctx context.Context, req target.Request) (*target.Response, error) {
	if req.Action == spec.ActionDeleteLoadBalancer && b.answered.CompareAndSwap(false, true) {
		busy, _ := spec.MustDefault().NeighbourError(spec.NeighbourSystemBusy)
		return &target.Response{Status: busy.Status, Code: busy.Code, Message: "busy for a moment"}, nil
	}
	return b.Target.Send(ctx, req)
}

// A busy answer during the clean-up is retried, the load balancer is removed, and the retry is
// shown in the run's summary as settling (the service still applying the run's own changes),
// which counts toward no trouble limit: against the embedded emulator, which retries nothing
// itself.
func TestCleanupRetryIsCountedInTheSummary(t *testing.T) {
	emu, err := embedded.New(emulator.DefaultConfig())
	require.NoError(t, err)
	tg := &busyFirstDelete{Target: emu}
	sum, _, err := contracts.Execute(context.Background(), tg, contracts.Options{Random: -1, Sequences: -1,
		Filter: func(c generators.Case) bool { return strings.HasPrefix(c.ID, "negative/IdleTimeout/") }})
	require.NoError(t, err)
	require.True(t, tg.answered.Load(), "the clean-up deleted a load balancer")
	require.NotZero(t, sum.Cases)
	assert.Empty(t, sum.AbortCause, "the clean-up completed")
	var settling int
	for _, tr := range sum.Trouble {
		if tr.Kind == target.TroubleSettling {
			settling = tr.Retried
		}
	}
	assert.Equal(t, 1, settling, "the retried delete is shown: %+v", sum.Trouble)
	retried, _ := sum.TroubleEvents()
	assert.Zero(t, retried, "and counts toward no limit")
	assert.Empty(t, sum.Unstable)
}
