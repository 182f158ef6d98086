package contracts

import (
	"context"
	"sync"
	"time"

	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/target"
)

// visibleWithin is how long a created listener may take to show in Describe
// (resources.VisibleWithin).
const visibleWithin = resources.VisibleWithin

// visibleEvery is the pause between those reads.
const visibleEvery = 100 * time.Millisecond

// visibility bounds the wait for a created listener to show. The first wait may take
// visibleWithin; once a wait has run out (the listener never came), later waits take at most
// twice the longest lag seen (none when none was seen), so a target that does not create
// listeners costs one wait rather than one per case.
//
// The same lag delays the check that a refused create left nothing behind: a listener it
// wrongly stored would show no sooner than one it rightly created (settleDelay).
type visibility struct {
	mu      sync.Mutex
	longest time.Duration // the longest lag of a listener that did not show at the first read
	ranOut  bool
}

// bound is how long the next wait may take.
func (v *visibility) bound() time.Duration {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.ranOut {
		return visibleWithin
	}
	return min(2*v.longest, visibleWithin)
}

// settleDelay is how long after a refusal its port is read back: the longest lag seen and
// half as much again (a lag is measured from the create's answer, not from its change, and
// varies), at most visibleWithin; none while every listener showed at the first read.
func (v *visibility) settleDelay() time.Duration {
	v.mu.Lock()
	defer v.mu.Unlock()
	return min(v.longest+v.longest/2, visibleWithin)
}

// record notes how a wait ended: the lag after which the listener showed (at a later read
// than the first), or that it never did.
func (v *visibility) record(lag time.Duration, showed, firstRead bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch {
	case !showed:
		v.ranOut = true
	case !firstRead:
		v.longest = max(v.longest, lag)
	}
}

// awaitSettled pauses until the settle delay has passed since at, when a refusal answered at
// at is about to have its port read back. It returns the context's error if that ends first.
func (r *runner) awaitSettled(ctx context.Context, at time.Time) error {
	d := time.Until(at.Add(r.visible.settleDelay()))
	if d <= 0 {
		return nil
	}
	return target.Sleep(ctx, d)
}

// awaitVisible reads a created listener back until it shows, within the visibility bound; ok
// is false when it never did (the last answer is returned either way, nil without one).
func (r *runner) awaitVisible(ctx context.Context, l resources.ListenerKey) (*target.Response, bool) {
	bound := r.visible.bound()
	if bound < visibleEvery {
		return nil, false
	}
	start, reads := time.Now(), 0
	d, err := resources.AwaitListener(ctx, r.t, l, func(resp *target.Response) bool {
		reads++
		return resp.Success()
	}, bound, visibleEvery)
	showed := err == nil && d != nil && d.Success()
	r.visible.record(time.Since(start), showed, reads == 1)
	return d, showed
}
