package contracts

import (
	"fmt"
	"math"
	"strings"

	"github.com/clbcheck/clbcheck/target"
)

// What a run concluded (Summary.Status), from the most to the least serious. Only StatusPass
// lets a CI gate through: a run that judged too little, stopped early, or met more transient
// target trouble than it allows never reports pass.
const (
	StatusAborted      = "aborted"      // the target could not be reached, or the run was interrupted
	StatusInconclusive = "inconclusive" // no case could be judged, or a fixture most cases need could not be built
	StatusFail         = "fail"         // contract failures (with a baseline: new ones)
	StatusIncomplete   = "incomplete"   // the time or request budget ran out before every case ran
	StatusTransient    = "transient"    // transient target trouble above Options.TransientLimit
	StatusPass         = "pass"
)

// Reasons a run stopped before every case ran (Summary.StoppedBy).
const (
	StoppedByBudget      = "budget"         // Options.Budget
	StoppedByRequests    = "request-budget" // Options.MaxRequests
	StoppedByMaxFailures = "max-failures"   // Options.MaxFailures
	StoppedByInterrupt   = "interrupt"      // the context was cancelled (Ctrl-C)
	StoppedByUnreachable = "unreachable"    // the target stopped answering
)

// DefaultTransientLimit is the share of exchanges (percent) that may meet transient target
// trouble (retried, or leaving a case unjudged) before a run reports StatusTransient.
const DefaultTransientLimit = 2.0

// Trouble counts transient target trouble of one kind (target.TroubleOf) over a run.
type Trouble struct {
	Kind string `json:"kind"`
	// Retried counts the tries repeated because of it: every retry is counted here.
	Retried int `json:"retried"`
	// Unjudged counts the cases whose judged request met it to the end: they were not judged
	// (skipped with the kind as the reason), never failed for it.
	Unjudged int `json:"unjudged"`
}

// Status says what the run concluded, one of the Status constants.
func (s Summary) Status() string {
	switch {
	case s.Aborted:
		return StatusAborted
	case s.Inconclusive != "":
		return StatusInconclusive
	case s.Unexcused() > 0:
		return StatusFail
	case s.NotRun > 0 && !s.SoftBudget && (s.StoppedBy == StoppedByBudget || s.StoppedBy == StoppedByRequests):
		return StatusIncomplete
	case s.Unstable != "":
		return StatusTransient
	}
	return StatusPass
}

// TroubleEvents is the number of exchanges that met transient trouble: retries and unjudged
// cases of every kind but settling (a change of the harness's own still being applied).
func (s Summary) TroubleEvents() (retried, unjudged int) {
	for _, t := range s.Trouble {
		if t.Kind != target.TroubleSettling {
			retried += t.Retried
		}
		unjudged += t.Unjudged
	}
	return retried, unjudged
}

// TroubleText renders the trouble counts for a line of a report: "unavailable 12 retried, 1
// unjudged; reset 3 retried", or "" when there was none.
func (s Summary) TroubleText() string {
	var parts []string
	for _, t := range s.Trouble {
		var p []string
		if t.Retried > 0 {
			p = append(p, fmt.Sprintf("%d retried", t.Retried))
		}
		if t.Unjudged > 0 {
			p = append(p, fmt.Sprintf("%d not judged", t.Unjudged))
		}
		parts = append(parts, t.Kind+" "+strings.Join(p, ", "))
	}
	return strings.Join(parts, "; ")
}

// runStats follows what the cases of a run could judge, for the summary's verdict.
type runStats struct {
	judged   int            // cases with a verdict other than skip
	fixtures map[string]int // cases skipped because a fixture could not be built, by slot
	reasons  map[string]string
	unjudged map[string]int // cases left unjudged by transient trouble, by kind
	skips    map[string]int // skip reasons, for a run that judged nothing
}

func (st *runStats) add(res CaseResult) {
	if res.Verdict != Skip {
		st.judged++
		return
	}
	if st.skips == nil {
		st.fixtures, st.reasons, st.unjudged, st.skips = map[string]int{}, map[string]string{}, map[string]int{}, map[string]int{}
	}
	st.skips[res.SkipReason]++
	if res.Fixture != "" {
		st.fixtures[res.Fixture]++
		if _, ok := st.reasons[res.Fixture]; !ok {
			st.reasons[res.Fixture] = res.SkipReason
		}
	}
	if res.Transient != "" {
		st.unjudged[res.Transient]++
	}
}

// conclude fills the parts of the summary that say whether the run can be trusted: why it
// judged too little (Inconclusive), how many planned cases did not run, the transient trouble
// met (retried, from the target's tally, and unjudged), and whether it went over the limit.
func (st *runStats) conclude(sum *Summary, opts Options, planned int, requests int64, retried map[string]int) {
	sum.Planned = planned
	sum.NotRun = max(planned-sum.Cases, 0)
	sum.SoftBudget = opts.SoftBudget
	sum.Requests = requests
	sum.Trouble = []Trouble{}
	kinds := map[string]int{}
	for k, n := range retried {
		kinds[k] += n
	}
	for k, n := range st.unjudged {
		kinds[k] += n
	}
	for _, k := range target.TroubleKinds(kinds) {
		sum.Trouble = append(sum.Trouble, Trouble{Kind: k, Retried: retried[k], Unjudged: st.unjudged[k]})
	}
	sum.Inconclusive = st.inconclusive(sum)
	limit := opts.TransientLimit
	if limit == 0 {
		limit = DefaultTransientLimit
	}
	r, u := sum.TroubleEvents()
	exchanges := requests + int64(r)
	if limit > 0 && exchanges > 0 && r+u > 0 {
		share := 100 * float64(r+u) / float64(exchanges)
		sum.TransientLimit = limit
		if share > limit {
			sum.Unstable = fmt.Sprintf("transient target trouble on %.1f%% of %d exchanges (%d retried, %s not judged), above the limit of %s%%",
				math.Floor(share*10)/10, exchanges, r, pluralize(u, "case"), trimFloat(limit))
		}
	}
}

// inconclusive says why a run cannot be trusted to have judged the target, or "".
func (st *runStats) inconclusive(sum *Summary) string {
	if sum.Aborted {
		return ""
	}
	if sum.Planned == 0 {
		return "no case was selected to run; check the filters (--include, --exclude, --shard, ...)"
	}
	// A fixture most cases need: the slot that skipped the most cases, when that is at least
	// half of those that ran.
	slot, n := "", 0
	for s, k := range st.fixtures {
		if k > n || k == n && s < slot {
			slot, n = s, k
		}
	}
	if n > 0 && 2*n >= sum.Cases {
		cause := strings.TrimPrefix(st.reasons[slot], "fixture "+slot+" is not available: ")
		return fmt.Sprintf("fixture %s could not be built (%s); %d of %d cases need it and were skipped", slot, cause, n, sum.Cases)
	}
	if st.judged == 0 && sum.Cases > 0 {
		reason, most := "", 0
		for r, k := range st.skips {
			if k > most || k == most && r < reason {
				reason, most = r, k
			}
		}
		return fmt.Sprintf("no case could be judged: all %d cases that ran were skipped (%d of them: %s)", sum.Cases, most, reason)
	}
	return ""
}

func trimFloat(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}

// troubleRetries reads a target's retry tally (nil: none).
func troubleRetries(t *target.TroubleTally) map[string]int {
	if t == nil {
		return nil
	}
	return t.Retried()
}

// troubleDelta is what a tally counted between two readings (a target may serve several runs).
func troubleDelta(now, before map[string]int) map[string]int {
	out := map[string]int{}
	for k, n := range now {
		if d := n - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}
