package contracts

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/clbcheck/clbcheck/target"
)

// Difference is one case on which two targets disagree.
type Difference struct {
	Case  string `json:"case"`
	Field string `json:"field"` // outcome, state, or presence
	A     string `json:"a"`
	B     string `json:"b"`
}

// outcomeOf keeps what a differential run compares of one result.
type outcomeOf struct {
	actual string
	state  string
	// noCredentials: skipped because the target lacked the case's principal, which says
	// nothing about how it would answer.
	noCredentials bool
}

// DiffReport is the result of a differential run.
type DiffReport struct {
	Differences []Difference `json:"differences"`
	Compared    int          `json:"compared"` // cases both targets answered or skipped alike
	// NotCompared lists the cases one side skipped for lack of credentials for their principal.
	NotCompared []string `json:"notCompared,omitempty"`
	Seed        int64    `json:"seed"`
}

type diffCollector struct {
	got  map[string]outcomeOf
	next Reporter
}

func (d *diffCollector) Begin(m Meta) error {
	if d.next != nil {
		return d.next.Begin(m)
	}
	return nil
}

func (d *diffCollector) Case(r CaseResult) error {
	o := outcomeOf{actual: r.Actual, noCredentials: SkippedForCredentials(r)}
	if r.Verdict == Skip {
		o.actual = "skipped"
	}
	for _, c := range r.Checks {
		if c.Check == CheckListenerCreated || c.Check == CheckNoStateChange || c.Check == CheckSingleWinner {
			o.state += c.Check + "=" + string(c.Verdict) + " "
		}
	}
	d.got[r.ID] = o
	if d.next != nil {
		return d.next.Case(r)
	}
	return nil
}

func (d *diffCollector) End(s Summary, c Coverage) error {
	if d.next != nil {
		return d.next.End(s, c)
	}
	return nil
}

// Diff sends the same generated cases to two targets and lists every case whose outcome
// (status and code) or resulting state (the read-back checks) differs. Both runs use one
// worker and the same seed, so they send the same cases in the same order. A case one side
// skipped for lack of credentials for its principal is not compared (DiffRun lists them).
func Diff(ctx context.Context, a, b target.Target, opts Options) ([]Difference, error) {
	rep, err := DiffRun(ctx, a, b, opts)
	return rep.Differences, err
}

// DiffRun is Diff with the number of cases compared and those that could not be. A seed of 0
// is picked once, for both runs, and reported.
func DiffRun(ctx context.Context, a, b target.Target, opts Options) (DiffReport, error) {
	opts.Workers = 1
	if opts.Seed == 0 {
		opts.Seed = time.Now().UnixNano()%1_000_000_000 + 1
	}
	out := DiffReport{Seed: opts.Seed}
	run := func(t target.Target) (map[string]outcomeOf, error) {
		col := &diffCollector{got: map[string]outcomeOf{}}
		o := opts
		o.Reporter = col
		if _, _, err := Execute(ctx, t, o); err != nil {
			return nil, fmt.Errorf("%s: %w", t.Name(), err)
		}
		return col.got, nil
	}
	ra, err := run(a)
	if err != nil {
		return out, err
	}
	rb, err := run(b)
	if err != nil {
		return out, err
	}
	for id, x := range ra {
		y, ok := rb[id]
		switch {
		case !ok:
			out.Differences = append(out.Differences, Difference{Case: id, Field: "presence", A: "ran", B: "not run"})
		case x.noCredentials != y.noCredentials:
			out.NotCompared = append(out.NotCompared, id)
		case x.actual != y.actual:
			out.Differences = append(out.Differences, Difference{Case: id, Field: "outcome", A: x.actual, B: y.actual})
		case x.state != y.state:
			out.Differences = append(out.Differences, Difference{Case: id, Field: "state", A: x.state, B: y.state})
		default:
			out.Compared++
		}
	}
	for id := range rb {
		if _, ok := ra[id]; !ok {
			out.Differences = append(out.Differences, Difference{Case: id, Field: "presence", A: "not run", B: "ran"})
		}
	}
	sort.Slice(out.Differences, func(i, j int) bool { return out.Differences[i].Case < out.Differences[j].Case })
	sort.Strings(out.NotCompared)
	return out, nil
}
