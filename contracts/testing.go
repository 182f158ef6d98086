package contracts

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/clbcheck/clbcheck/target"
)

// Run runs the whole suite against tg inside another project's go test: one subtest per case,
// named after the case, failing with the checks that did not hold. The test itself fails when
// the run cannot be trusted as a pass although no case failed: nothing could be judged, a hard
// budget cut it short, or transient target trouble went over its limit. It returns the summary.
//
//	func TestMyImplementation(t *testing.T) {
//		tg, err := target.NewHTTP(target.HTTPConfig{BaseURL: baseURL, Credentials: creds})
//		if err != nil {
//			t.Fatal(err)
//		}
//		contracts.Run(t, tg, contracts.Options{Profile: contracts.ProfileDocumented})
//	}
//
// Example (in example_test.go) shows the same with Execute, outside go test.
func Run(t *testing.T, tg target.Target, opts Options) Summary {
	t.Helper()
	if nilTarget(tg) {
		t.Fatalf("clbcheck: %v", errNoTarget)
	}
	rep := &subtests{t: t, next: opts.Reporter}
	opts.Reporter = rep
	sum, _, err := Execute(context.Background(), tg, opts)
	if err != nil {
		t.Fatalf("clbcheck: the run could not complete: %v", err)
	}
	if msg := untrusted(sum); msg != "" {
		t.Error(msg)
	}
	return sum
}

// untrusted says why a run whose cases all held still cannot count as a pass (it judged too
// little, a hard budget cut it, or transient target trouble went over its limit), or "" when
// the summary can be trusted. Failed cases have failed their own subtests already.
func untrusted(sum Summary) string {
	switch sum.Status() {
	case StatusInconclusive:
		return "clbcheck: inconclusive, the target was not judged: " + sum.Inconclusive
	case StatusIncomplete:
		return fmt.Sprintf("clbcheck: incomplete, %d of %d planned cases did not run (%s); raise Options.Budget or MaxRequests, or set SoftBudget", sum.NotRun, sum.Planned, sum.AbortCause)
	case StatusTransient:
		return "clbcheck: transient target trouble over the limit: " + sum.Unstable
	}
	return ""
}

// subtests turns each result into a subtest of t (called from Execute's goroutine, which is
// the test's own, as testing requires).
type subtests struct {
	t    *testing.T
	next Reporter
}

func (s *subtests) Begin(m Meta) error {
	s.t.Logf("clbcheck %s against %s, profile %s, seed %d", m.Version, m.Target, m.Profile, m.Seed)
	if s.next != nil {
		return s.next.Begin(m)
	}
	return nil
}

func (s *subtests) Case(r CaseResult) error {
	s.t.Run(r.ID, func(t *testing.T) {
		switch r.Verdict {
		case Skip:
			t.Skip(r.SkipReason)
		case Fail:
			t.Error(explain(r))
		case Warn:
			t.Log("warning: " + explain(r))
		}
	})
	if s.next != nil {
		return s.next.Case(r)
	}
	return nil
}

func (s *subtests) End(sum Summary, cov Coverage) error {
	s.t.Logf("clbcheck: %d cases, %d passed, %d failed, %d skipped, %d warnings (seed %d)", sum.Cases, sum.Passed, sum.Failed, sum.Skipped, sum.Warnings, sum.Seed)
	if s.next != nil {
		return s.next.End(sum, cov)
	}
	return nil
}

// explain renders a failed or warned case for a person.
func explain(r CaseResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "expected %s, got %s", r.Expected, r.Actual)
	for _, c := range r.Checks {
		if c.Verdict == Fail || c.Verdict == Warn {
			fmt.Fprintf(&b, "\n  %s: %s", c.Check, c.Message)
			if c.Expected != "" || c.Actual != "" {
				fmt.Fprintf(&b, " (expected %s, got %s)", c.Expected, c.Actual)
			}
		}
	}
	if r.Repro != nil {
		fmt.Fprintf(&b, "\n  reproduce: %s\n  curl: %s", r.Repro.Replay, r.Repro.Curl)
	}
	return b.String()
}
