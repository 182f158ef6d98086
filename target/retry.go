package target

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"github.com/clbcheck/clbcheck/spec"
)

// RetryPolicy says which answers are worth another try and how long to wait between tries.
// Every try goes through Send again, so it is signed anew with a fresh nonce and timestamp.
type RetryPolicy struct {
	MaxAttempts int           // tries in all, the first included (default 5)
	Base        time.Duration // first pause (default 200ms); doubles each time, with jitter
	Max         time.Duration // longest pause (default 5s)
	// Codes are error codes (trailing * allowed) retried for requests that are not judged.
	Codes []string
	// JudgedCodes are the only codes retried for a request whose answer is judged: retrying
	// anything else would hide what the case is about.
	JudgedCodes []string
	// JudgedStatuses are the statuses retried for a judged request whatever its code (default
	// 429 and 503: the request was turned away before the operation ran). A judged request is
	// never retried after a reset or a timeout, since the first try may have acted.
	JudgedStatuses []int
	// Sleep waits (tests replace it); nil uses a timer that honours the context.
	Sleep func(ctx context.Context, d time.Duration) error
}

// DefaultRetryPolicy retries throttling, busy and configuring answers, 5xx answers and
// connection errors for set-up and clean-up calls, and only throttling and connection errors
// for the requests whose answers are judged.
func DefaultRetryPolicy() RetryPolicy {
	c := answerClassesOf()
	return RetryPolicy{
		MaxAttempts: 5, Base: 200 * time.Millisecond, Max: 5 * time.Second,
		Codes:          append([]string{}, c.transient...),
		JudgedCodes:    append([]string{}, c.throttled...),
		JudgedStatuses: []int{http.StatusTooManyRequests, http.StatusServiceUnavailable},
	}
}

// Retrying wraps a target with retries and backoff.
type Retrying struct {
	Target
	Policy RetryPolicy
	// OnRetry, when set, hears about each retry (for progress output and tests).
	OnRetry func(req Request, attempt int, reason string)
	// Tally, when set, is where retries are counted: one tally for several retrying layers of
	// a run (the clean-up's over the run's target). nil: a tally of its own.
	Tally *TroubleTally
	// tally counts every retry by kind of trouble (Trouble), so that none goes unreported.
	tally TroubleTally
}

// Trouble returns the count of retries by kind of trouble (TroubleTallyOf finds it): Tally
// when set.
func (r *Retrying) Trouble() *TroubleTally {
	if r.Tally != nil {
		return r.Tally
	}
	return &r.tally
}

// CleanupRetryPolicy is DefaultRetryPolicy with the patience clean-up needs: a delete may meet
// its resource busy for some seconds (a listener still starting, a load balancer or a TLS
// policy configuring),
// so it is tried up to 6 times with pauses from 400ms doubling to 6.4s (6 to 12 seconds of
// waiting in all, with the jitter).
func CleanupRetryPolicy() RetryPolicy {
	p := DefaultRetryPolicy()
	p.MaxAttempts, p.Base, p.Max = 6, 400*time.Millisecond, 6400*time.Millisecond
	p.Codes = append(p.Codes, answerClassesOf().settling...) // a TLS policy still being configured
	return p
}

// RetryingOf returns the retrying target t is or wraps, or nil.
func RetryingOf(t Target) *Retrying {
	for t != nil {
		if r, ok := t.(*Retrying); ok {
			return r
		}
		u, ok := t.(Unwrapper)
		if !ok {
			return nil
		}
		t = u.Unwrap()
	}
	return nil
}

// NewRetrying wraps t with p (zero fields take DefaultRetryPolicy's values).
// Unwrap returns the target requests are passed on to.
func (r *Retrying) Unwrap() Target { return r.Target }

func NewRetrying(t Target, p RetryPolicy) *Retrying {
	d := DefaultRetryPolicy()
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.Base <= 0 {
		p.Base = d.Base
	}
	if p.Max <= 0 {
		p.Max = d.Max
	}
	if p.Codes == nil {
		p.Codes = d.Codes
	}
	if p.JudgedCodes == nil {
		p.JudgedCodes = d.JudgedCodes
	}
	if p.JudgedStatuses == nil {
		p.JudgedStatuses = d.JudgedStatuses
	}
	return &Retrying{Target: t, Policy: p}
}

// Send implements Target with retries.
func (r *Retrying) Send(ctx context.Context, req Request) (*Response, error) {
	var resp *Response
	var err error
	for attempt := 1; ; attempt++ {
		resp, err = r.Target.Send(ctx, req)
		reason := r.retryable(req, resp, err)
		if reason == "" || attempt >= r.Policy.MaxAttempts || req.Nonce != "" {
			return resp, err
		}
		if req.Provoking && reason == TroubleBusy {
			reason = TroubleSettling
		}
		r.Trouble().AddRetry(reason)
		if r.OnRetry != nil {
			r.OnRetry(req, attempt, reason)
		}
		if serr := r.sleep(ctx, r.backoff(attempt)); serr != nil {
			return resp, err
		}
	}
}

// retryable returns the kind of trouble (TroubleOf) that makes another try worth it, or "".
func (r *Retrying) retryable(req Request, resp *Response, err error) string {
	if err != nil {
		if !errors.Is(err, ErrUnreachable) {
			return ""
		}
		kind := cmp.Or(TroubleOf(nil, err), TroubleConnection)
		if req.Judged && kind != TroubleRefused {
			return "" // the first try may have reached the operation: another could conflict with it
		}
		return kind
	}
	if resp.Code == spec.ReplayMissCode {
		return "" // a cassette lacks the request: another try cannot find it
	}
	kind := TroubleOf(resp, nil)
	if req.Judged {
		switch {
		case matchAny(r.Policy.JudgedCodes, resp.Code):
			return TroubleThrottled
		case slices.Contains(r.Policy.JudgedStatuses, resp.Status):
			return cmp.Or(kind, fmt.Sprintf("status %d", resp.Status))
		}
		return ""
	}
	switch {
	case kind != "":
		return kind
	case resp.Status >= 500:
		return TroubleServerError
	case matchAny(r.Policy.Codes, resp.Code):
		return TroubleBusy
	}
	return ""
}

// backoff is exponential with full jitter, capped at Max.
func (r *Retrying) backoff(attempt int) time.Duration {
	d := r.Policy.Base << (attempt - 1)
	if d > r.Policy.Max || d <= 0 {
		d = r.Policy.Max
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func (r *Retrying) sleep(ctx context.Context, d time.Duration) error {
	if r.Policy.Sleep != nil {
		return r.Policy.Sleep(ctx, d)
	}
	return Sleep(ctx, d)
}
