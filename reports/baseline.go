package reports

import (
	"github.com/clbcheck/clbcheck/contracts"
)

// BaselineMarker is a reporter that compares a run with an earlier JSON report as the results
// pass through it: every failure is marked new or known (matched by FailureKey), the summary
// counts the known ones (Summary.Known), and the run's Meta names the baseline. Every report
// fed after it therefore agrees with the exit status of a run with --baseline: known failures
// are shown, marked, and do not make the result "fail".
type BaselineMarker struct {
	next     contracts.Reporter
	path     string
	known    map[string]bool
	new, kwn int
}

// MarkBaseline returns a BaselineMarker that compares with base (read from path) and passes
// everything on to next.
func MarkBaseline(base *JSONReport, path string, next contracts.Reporter) *BaselineMarker {
	b := &BaselineMarker{next: next, path: path, known: map[string]bool{}}
	if base != nil {
		for _, f := range base.Failures {
			b.known[FailureKey(f.CaseResult)] = true
		}
	}
	return b
}

// Begin names the baseline in the run's description.
func (b *BaselineMarker) Begin(m contracts.Meta) error {
	m.Baseline = b.path
	return b.next.Begin(m)
}

// Case marks a failure new or known.
func (b *BaselineMarker) Case(r contracts.CaseResult) error {
	if r.Verdict == contracts.Fail {
		if b.known[FailureKey(r)] {
			r.Baseline = "known"
			b.kwn++
		} else {
			r.Baseline = "new"
			b.new++
		}
	}
	return b.next.Case(r)
}

// End counts the known failures in the summary.
func (b *BaselineMarker) End(sum contracts.Summary, cov contracts.Coverage) error {
	sum.Known = b.kwn
	return b.next.End(sum, cov)
}

// New is the number of failures the baseline did not list.
func (b *BaselineMarker) New() int { return b.new }

// Known is the number of failures the baseline listed.
func (b *BaselineMarker) Known() int { return b.kwn }
