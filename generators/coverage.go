package generators

import (
	"fmt"
	"slices"

	"github.com/clbcheck/clbcheck/spec"
)

// ConstraintCoverage lists what of the description a catalogue leaves untested: every
// constraint of every parameter and list field without a case that breaks it and a case on
// its valid edge (every enum value accepted), every required parameter without a case that
// leaves it out, every rule without a case that breaks it (effective-only-when rules break
// nothing) and one that keeps it, every list limit without a case past it and one at it, and
// every state and quota without a case that builds it. A test keeps the list empty.
//
// A minimum length of one is broken only by the empty value, so the case that sends the
// parameter empty is its negative side. Two kinds of constraint have no valid edge to send, and need only their negative side: those
// of parameters that name a resource (their values are the ids the service hands out), and
// those of the routing parameter RegionId (its value is the region the target serves).
func ConstraintCoverage(s *spec.Spec, cases []Case) []string {
	var missing []string
	miss := func(format string, a ...any) { missing = append(missing, fmt.Sprintf(format, a...)) }
	for _, p := range s.UnderTest.Parameters {
		if p.Common {
			continue
		}
		params := []*spec.Parameter{p}
		if p.List != nil {
			params = append(params, p.List.Fields...)
		}
		for _, q := range params {
			for _, c := range q.Constraints {
				if c.Kind == spec.KindMinLength && c.Int <= 1 {
					// The only shorter value is the empty one: the case that sends it empty.
					if !hasNegative(cases, q.Path, spec.KindEmpty) && !hasNegative(cases, q.Path, spec.KindRequired) && !hasNegative(cases, q.Path, spec.KindMinLength) {
						miss("%s %s: no case sends it empty", q.Path, c.Kind)
					}
				} else if !hasNegative(cases, q.Path, c.Kind) {
					miss("%s %s: no case breaks it", q.Path, c.Kind)
				}
				if needsEdge(s, q) && !hasEdge(cases, q, c) {
					miss("%s %s: no case stands on its valid edge", q.Path, c.Kind)
				}
			}
			if q.Required && !hasNegative(cases, q.Path, spec.KindRequired) {
				miss("%s required: no case leaves it out", q.Path)
			}
		}
	}
	for _, r := range s.Rules {
		if r.Kind != spec.RuleEffectiveOnlyWhen && !slices.ContainsFunc(cases, func(c Case) bool {
			return c.Broken != nil && c.Broken.Kind == spec.KindRule && c.Broken.Rule == r.ID
		}) {
			miss("rule %s: no case breaks it", r.ID)
		}
		if !slices.ContainsFunc(cases, func(c Case) bool { return c.Edge != nil && c.Edge.Param == "rule/"+r.ID }) {
			miss("rule %s: no case keeps it", r.ID)
		}
	}
	for _, st := range s.States {
		if !slices.ContainsFunc(cases, func(c Case) bool { return c.Broken != nil && c.Broken.State == st.Name }) {
			miss("state %s: no case builds it", st.Name)
		}
	}
	for _, q := range s.Quotas {
		if !slices.ContainsFunc(cases, func(c Case) bool { return c.Broken != nil && c.Broken.Rule == q.Name }) {
			miss("quota %s: no case reaches it", q.Name)
		}
	}
	return missing
}

// needsEdge reports whether a parameter's constraints need a case on their valid edge.
func needsEdge(s *spec.Spec, p *spec.Parameter) bool {
	return (refOf(p) == "" || chosenByCaller(p)) && !isRouting(s, p)
}

func hasNegative(cases []Case, path string, k spec.Kind) bool {
	return slices.ContainsFunc(cases, func(c Case) bool {
		return c.Broken != nil && c.Broken.Param == path && c.Broken.Kind == k
	})
}

// hasEdge reports whether the catalogue stands on the valid edge of a constraint: a case on
// that edge; for an enum, every value accepted; for the integer type, any valid value.
func hasEdge(cases []Case, p *spec.Parameter, c spec.Constraint) bool {
	on := func(k spec.Kind) func(Case) bool {
		return func(x Case) bool { return x.Edge != nil && x.Edge.Param == p.Path && (k == "" || x.Edge.Kind == k) }
	}
	switch c.Kind {
	case spec.KindType:
		return slices.ContainsFunc(cases, on(""))
	case spec.KindEnum:
		for _, v := range c.Values {
			if !slices.ContainsFunc(cases, func(x Case) bool { return on(spec.KindEnum)(x) && sends(x, p, v) }) {
				return false
			}
		}
		return true
	}
	return slices.ContainsFunc(cases, on(c.Kind))
}

// sends reports whether a case sends value v for parameter (or list field) p.
func sends(c Case, p *spec.Parameter, v string) bool {
	for _, x := range c.Params {
		if x.Value != v {
			continue
		}
		if x.Name == p.Name || x.Name == p.Path {
			return true
		}
		if base, field, ok := splitPath(p.Path); ok && field == p.Name && len(x.Name) > len(base) && x.Name[:len(base)] == base {
			return true
		}
	}
	return false
}

func splitPath(path string) (string, string, bool) {
	for i := 0; i < len(path); i++ {
		if path[i] == '.' {
			return path[:i], path[i+1:], true
		}
	}
	return "", "", false
}
