package contracts

import (
	"context"
	"strings"
	"sync/atomic"

	"github.com/clbcheck/clbcheck/generators"
)

// Shrinking budgets: at most this many candidates are looked at, and at most this many sent
// (each sent candidate costs its requests, which are billed on a real cloud).
const (
	maxShrinkCandidates = 5000
	maxShrinkSends      = 40
)

// shrink looks for a smaller case of the same class that fails the same checks: greedily, a
// candidate from the case's finite shrink stream is kept when it has fewer parameters and
// fails the same way, and shrinking goes on from it, until no candidate is kept. A candidate
// is sent at most once (remembered by its parameters), and the candidates and requests spent
// are bounded and reported.
func (r *runner) shrink(ctx context.Context, c generators.Case, res caseOutcome) caseOutcome {
	want := failingChecks(res.CaseResult)
	best, bestRes := c, res
	seen := map[string]bool{canonical(c): true}
	next := c.Shrink
	var sends int
	var requests atomic.Int64
	cctx := withRequestCount(ctx, &requests)
	for looked := 0; looked < maxShrinkCandidates && sends < maxShrinkSends && ctx.Err() == nil; looked++ {
		cand, ok := next()
		if !ok {
			break
		}
		key := canonical(cand)
		if seen[key] || cand.Size() >= best.Size() {
			continue
		}
		seen[key] = true
		sends++
		cr := r.runCase(cctx, cand, false)
		if cr.Verdict == Fail && failingChecks(cr.CaseResult) == want {
			best, bestRes = cand, cr
			next = cand.Shrink
		}
	}
	if best.Size() < c.Size() {
		bestRes.ShrunkFrom = c.Size()
	}
	bestRes.Shrink = &ShrinkStats{Candidates: sends, Requests: int(requests.Load())}
	return bestRes
}

// canonical writes a case's request as a key: method, format, placement and the parameters
// in order.
func canonical(c generators.Case) string {
	var b strings.Builder
	b.WriteString(c.Method + "|" + c.Format + "|" + c.Placement)
	for _, p := range c.Params {
		b.WriteString("|" + p.Name + "=" + p.Value + "@" + p.Ref)
	}
	return b.String()
}
