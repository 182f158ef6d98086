package target

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
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
		Codes:       append([]string{}, c.transient...),
		JudgedCodes: append([]string{}, c.throttled...),
	}
}

// Retrying wraps a target with retries and backoff.
type Retrying struct {
	Target
	Policy RetryPolicy
	// OnRetry, when set, hears about each retry (for progress output and tests).
	OnRetry func(req Request, attempt int, reason string)
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
		if r.OnRetry != nil {
			r.OnRetry(req, attempt, reason)
		}
		if serr := r.sleep(ctx, r.backoff(attempt)); serr != nil {
			return resp, err
		}
	}
}

func (r *Retrying) retryable(req Request, resp *Response, err error) string {
	if err != nil {
		if errors.Is(err, ErrUnreachable) {
			return "connection error"
		}
		return ""
	}
	if resp.Code == ReplayMissCode {
		return "" // a cassette lacks the request: another try cannot find it
	}
	codes := r.Policy.Codes
	if req.Judged {
		codes = r.Policy.JudgedCodes
	}
	if matchAny(codes, resp.Code) {
		return resp.Code
	}
	if !req.Judged && resp.Status >= 500 {
		return fmt.Sprintf("status %d", resp.Status)
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
