package contracts

import (
	"context"
	"sync"
	"time"

	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/target"
)

// visibleWithin is how long a created listener may take to show in Describe. The page says
// nothing of when a new listener becomes visible, and services whose reads lag their writes
// are common, so a read-back that finds nothing reads again for this long before it fails.
const visibleWithin = 3 * time.Second

// visibleEvery is the pause between those reads.
const visibleEvery = 100 * time.Millisecond

// visibility bounds the wait for a created listener to show. The first wait may take
// visibleWithin; once a wait has run out (the listener never came), later waits take at most
// twice the longest lag seen (none when none was seen), so a target that does not create
// listeners costs one wait rather than one per case.
type visibility struct {
	mu      sync.Mutex
	longest time.Duration
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

// record notes how a wait ended: the lag after which the listener showed, or that it never did.
func (v *visibility) record(lag time.Duration, showed bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if showed {
		v.longest = max(v.longest, lag)
	} else {
		v.ranOut = true
	}
}

// awaitVisible reads a created listener back until it shows, within the visibility bound; ok
// is false when it never did (the last answer is returned either way, nil without one).
func (r *runner) awaitVisible(ctx context.Context, l resources.ListenerKey) (*target.Response, bool) {
	bound := r.visible.bound()
	if bound < visibleEvery {
		return nil, false
	}
	start := time.Now()
	d, err := resources.AwaitListener(ctx, r.t, l, (*target.Response).Success, bound, visibleEvery)
	showed := err == nil && d != nil && d.Success()
	r.visible.record(time.Since(start), showed)
	return d, showed
}
