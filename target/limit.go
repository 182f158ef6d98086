package target

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// WithRateLimit wraps t so that requests through it, from any goroutine, are spaced evenly to
// at most rate per second. Everything a run sends goes through it: cases, fixtures,
// sequences and clean-up. A rate of 0 or less returns t unchanged.
func WithRateLimit(t Target, rate float64) Target {
	if rate <= 0 {
		return t
	}
	return &rateLimited{Target: t, l: newLimiter(rate)}
}

type rateLimited struct {
	Target
	l *limiter
}

// Unwrap returns the target requests are passed on to.
func (r *rateLimited) Unwrap() Target { return r.Target }

// Send implements Target.
func (r *rateLimited) Send(ctx context.Context, req Request) (*Response, error) {
	if err := r.l.wait(ctx); err != nil {
		return nil, err
	}
	return r.Target.Send(ctx, req)
}

// limiter spaces requests evenly to at most rate per second across all workers.
type limiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

func newLimiter(rate float64) *limiter {
	if rate <= 0 {
		return &limiter{}
	}
	return &limiter{interval: time.Duration(float64(time.Second) / rate)}
}

func (l *limiter) wait(ctx context.Context) error {
	if l.interval == 0 {
		return ctx.Err()
	}
	l.mu.Lock()
	now := time.Now()
	if l.next.Before(now) {
		l.next = now
	}
	at := l.next
	l.next = l.next.Add(l.interval)
	l.mu.Unlock()
	d := time.Until(at)
	if d <= 0 {
		return ctx.Err()
	}
	return Sleep(ctx, d)
}

// Sleep waits for d, or less when ctx ends first, and then returns ctx's error.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Counted passes requests on to Target and counts them (for request budgets and tests).
type Counted struct {
	Target
	n atomic.Int64
}

// Send implements Target.
func (c *Counted) Send(ctx context.Context, req Request) (*Response, error) {
	c.n.Add(1)
	return c.Target.Send(ctx, req)
}

// Unwrap returns the target requests are passed on to.
func (c *Counted) Unwrap() Target { return c.Target }

// Count returns the number of requests sent so far.
func (c *Counted) Count() int64 { return c.n.Load() }
