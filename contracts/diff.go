package contracts

import (
	"context"
	"fmt"
	"sort"

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
	o := outcomeOf{actual: r.Actual}
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
// worker and the same seed, so they send the same cases in the same order.
func Diff(ctx context.Context, a, b target.Target, opts Options) ([]Difference, error) {
	opts.Workers = 1
	if opts.Seed == 0 {
		opts.Seed = 1
	}
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
		return nil, err
	}
	rb, err := run(b)
	if err != nil {
		return nil, err
	}
	var out []Difference
	for id, x := range ra {
		y, ok := rb[id]
		switch {
		case !ok:
			out = append(out, Difference{Case: id, Field: "presence", A: "ran", B: "not run"})
		case x.actual != y.actual:
			out = append(out, Difference{Case: id, Field: "outcome", A: x.actual, B: y.actual})
		case x.state != y.state:
			out = append(out, Difference{Case: id, Field: "state", A: x.state, B: y.state})
		}
	}
	for id := range rb {
		if _, ok := ra[id]; !ok {
			out = append(out, Difference{Case: id, Field: "presence", A: "not run", B: "ran"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Case < out[j].Case })
	return out, nil
}
