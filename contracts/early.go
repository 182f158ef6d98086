package contracts

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/target"
)

// A service must refuse a nonce it has seen for the whole nonce window, not for a moment. A
// replay sent right after the first use cannot tell the two apart, so the late replay case
// (generators.Case.UsesEarlyCopy) re-sends a request whose first use the runner sent before
// any case: the case comes last in the catalogue, and waits, if it must, until at least
// lateReplayAfter has passed since that first use.

// lateReplayAfter is the shortest gap between the first use of a nonce and its late replay.
const lateReplayAfter = time.Second

// earlyCopy is the first use of a late replay's nonce.
type earlyCopy struct {
	port    string
	nonce   string
	signed  time.Time // the timestamp the request carries, which the replay keeps
	sentAt  time.Time
	created bool   // the first use created a listener: the case removes it when it ends
	problem string // why the copy cannot be replayed ("" when it can)
}

// earlyCopies holds the first uses by case id, sent before the run's first case.
type earlyCopies struct {
	mu sync.Mutex
	m  map[string]*earlyCopy
}

func (e *earlyCopies) get(id string) *earlyCopy {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.m[id]
}

func (e *earlyCopies) put(id string, c *earlyCopy) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.m == nil {
		e.m = map[string]*earlyCopy{}
	}
	e.m[id] = c
}

// sendEarlyCopies sends the first use of every late replay of the plan.
func (r *runner) sendEarlyCopies(ctx context.Context, p *plan) {
	for _, c := range p.fixed {
		if c.UsesEarlyCopy() {
			r.early.put(c.ID, r.sendEarlyCopy(ctx, c))
		}
	}
}

// sendEarlyCopy sends a case's request once with a fresh nonce, as the case will send it.
func (r *runner) sendEarlyCopy(ctx context.Context, c generators.Case) *earlyCopy {
	var out caseOutcome
	cr := &caseRun{r: r, c: c, out: &out, env: &caseEnv{}}
	if !cr.prepare(ctx) {
		return &earlyCopy{problem: out.SkipReason}
	}
	kvs, err := r.kvs(ctx, cr.env, c.Params)
	if err != nil {
		return &earlyCopy{problem: fmt.Sprintf("its parameters could not be resolved: %v", err)}
	}
	cr.kvs = kvs
	cr.locateListener()
	e := &earlyCopy{port: cr.env.port, nonce: signature.NewNonce(), signed: r.opts.Now()}
	req := cr.request()
	req.Nonce, req.Time = e.nonce, e.signed
	resp, err := r.send(ctx, req)
	e.sentAt = time.Now()
	switch {
	case err != nil:
		e.problem = "it could not be sent: " + ErrorText(err)
	case !resp.Success():
		e.problem = "it was refused (" + actualOf(resp) + "), so a replay of it tells nothing"
	default:
		e.created = cr.portIsOurs
	}
	return e
}

// awaitEarlyCopy readies the late replay: the request takes the nonce and timestamp of its
// first use, and is sent no sooner than lateReplayAfter after it. It ends the case as skipped
// when there is no usable first use, or when the run has outlived the nonce window.
func (cr *caseRun) awaitEarlyCopy(ctx context.Context, req *target.Request) bool {
	e := cr.r.early.get(cr.c.ID)
	switch {
	case e == nil:
		return cr.skip("the first use of its nonce was not sent when the run began")
	case e.problem != "":
		return cr.skip("the first use of its nonce, sent when the run began: " + e.problem)
	}
	if e.created {
		cr.cleanup = append(cr.cleanup, cr.lref)
	}
	if since := time.Since(e.sentAt); since > cr.r.s.Wire.NonceWindow-time.Minute {
		return cr.skip(fmt.Sprintf("the run has lasted %s since the first use of its nonce, too close to the nonce window of %s for a replay to be judged", since.Round(time.Second), cr.r.s.Wire.NonceWindow))
	}
	if target.Sleep(ctx, time.Until(e.sentAt.Add(lateReplayAfter))) != nil {
		return cr.skip("interrupted while waiting to replay the nonce")
	}
	req.Nonce, req.Time = e.nonce, e.signed
	return true
}
