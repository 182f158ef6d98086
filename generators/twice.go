package generators

import (
	"fmt"

	"github.com/clbcheck/clbcheck/spec"
)

// twoViolations adds a request that breaks the documented maxima of two optional parameters
// at once, with different codes where the description has them. The page does not say which
// check a service makes first, so either parameter's refusal passes; acceptance fails.
func (b *builder) twoViolations(base []Param) {
	var picked []*spec.Parameter
	var outs []spec.Outcome
	for _, p := range b.s.UnderTest.Parameters {
		c, ok := p.Constraint(spec.KindMaximum)
		if !ok || p.Required || c.Outcome.Basis != spec.Documented || c.Outcome.Code == "" {
			continue
		}
		if len(outs) == 1 && c.Outcome.Code == outs[0].Code {
			continue
		}
		picked, outs = append(picked, p), append(outs, c.Outcome)
		if len(picked) == 2 {
			break
		}
	}
	if len(picked) < 2 {
		return
	}
	ps := base
	for _, p := range picked {
		c, _ := p.Constraint(spec.KindMaximum)
		ps = Repair(b.s, with(ps, p.Name, fmt.Sprint(c.Int+1)), p.Name)
	}
	first, second := picked[0], picked[1]
	sent, _ := find(ps, first.Name)
	b.add(Case{ID: "negative/TWO_VIOLATIONS", Scenario: "TWO_VIOLATIONS", Category: Negative, Static: true, Params: ps,
		Expect: eitherOf(outs[0], outs[1]),
		Broken: &Broken{Param: first.Path, Wire: first.Name, Kind: spec.KindMaximum, Sent: sent.Value,
			Also: []string{string(spec.KindMaximum) + ":" + second.Path}}})
}

// eitherOf is an outcome met by a or by b: a's, with b's code, the codes b accepts and b's
// statuses accepted too; inferred when either is.
func eitherOf(a, b spec.Outcome) spec.Outcome {
	o := a.AcceptingAlso(b)
	if b.Basis != spec.Documented {
		o.Basis = b.Basis
	}
	return o
}
