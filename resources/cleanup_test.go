package resources_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// busyDeletes answers every delete with the service's "configuring" answer until its clock
// reaches ready and it has answered so busyTries times, then with success; the clock moves
// only when the retrying target pauses with sleep.
type busyDeletes struct {
	mu        sync.Mutex
	now       time.Duration
	ready     time.Duration
	busyTries int
	deletes   int
	busy      spec.ErrorCode
}

func (b *busyDeletes) Name() string             { return "busy deletes" }
func (b *busyDeletes) Region() string           { return "cn-hangzhou" }
func (b *busyDeletes) HasPrincipal(string) bool { return true }
func (b *busyDeletes) Send(_ context.Context, req target.Request) (*target.Response, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.deletes++
	if b.now < b.ready || b.deletes <= b.busyTries {
		return &target.Response{Status: b.busy.Status, Code: b.busy.Code, Message: "still configuring"}, nil
	}
	return &target.Response{Status: 200, Fields: map[string]any{}}, nil
}

func (b *busyDeletes) sleep(_ context.Context, d time.Duration) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.now += d
	return nil
}

// A delete of the clean-up that meets its listener configuring for a few seconds is tried
// again until it succeeds, and every repeated try is counted, as settling (the service still
// applying the run's own changes, which counts toward no trouble limit), in the tally the run
// reports: the tally of the run's retrying target when there is one, the clean-up's own when
// the target retries nothing.
func TestCleanupRetriesBusyAndCountsThem(t *testing.T) {
	busy, ok := spec.MustDefault().NeighbourError(spec.NeighbourListenerConfiguring)
	require.True(t, ok)
	remember := func(fx *resources.Fixtures) {
		fx.Remember(spec.ActionDeleteListener, []target.KV{{Name: spec.ParamLoadBalancerID, Value: "lb-1"}, {Name: spec.ParamListenerPort, Value: "443"}})
	}

	// Behind the run's retrying target (which itself does not retry here), busy for 5 s of its
	// clock: the clean-up waits it out with the run's pauses.
	fake := &busyDeletes{ready: 5 * time.Second, busy: busy}
	run := target.NewRetrying(fake, target.RetryPolicy{MaxAttempts: 1, Sleep: fake.sleep})
	fx := resources.NewFixtures(run, spec.MustDefault(), nil, "cleanup")
	remember(fx)
	require.NoError(t, fx.Cleanup(context.Background()))
	require.Greater(t, fake.deletes, 1)
	assert.Equal(t, map[string]int{target.TroubleSettling: fake.deletes - 1}, run.Trouble().Retried(), "every repeated delete is counted in the run's tally")
	assert.Same(t, run.Trouble(), fx.Trouble())
	assert.GreaterOrEqual(t, fake.now, 5*time.Second)

	// Busy for good: the clean-up gives up after CleanupRetryPolicy's tries, says so, and
	// counts each repeated one.
	fake = &busyDeletes{ready: time.Hour, busy: busy}
	run = target.NewRetrying(fake, target.RetryPolicy{MaxAttempts: 1, Sleep: fake.sleep})
	fx = resources.NewFixtures(run, spec.MustDefault(), nil, "cleanup")
	remember(fx)
	err := fx.Cleanup(context.Background())
	require.ErrorContains(t, err, busy.Code)
	tries := target.CleanupRetryPolicy().MaxAttempts
	assert.Equal(t, tries, fake.deletes)
	assert.Equal(t, map[string]int{target.TroubleSettling: tries - 1}, fx.Trouble().Retried())
	assert.GreaterOrEqual(t, fake.now, 6*time.Second, "clean-up waits several seconds before it gives up")

	// A target that retries nothing (the embedded emulator): the clean-up's own tally counts.
	fake = &busyDeletes{busyTries: 1, busy: busy}
	fx = resources.NewFixtures(fake, spec.MustDefault(), nil, "cleanup")
	remember(fx)
	start := time.Now()
	require.NoError(t, fx.Cleanup(context.Background()))
	assert.Equal(t, 2, fake.deletes)
	assert.Equal(t, map[string]int{target.TroubleSettling: 1}, fx.Trouble().Retried())
	assert.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond, "a real pause between the tries")
}
