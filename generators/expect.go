package generators

import (
	"slices"
	"strings"

	"github.com/clbcheck/clbcheck/spec"
)

// expect is the outcome a request carrying value v of parameter p must get, from how v was
// built: a valid value must be accepted (firmly when p is on the page); an open point may be
// accepted or refused; a broken constraint must be refused, as firmly as the page states the
// constraint, with the code the description ties to it (widened to the codes of what v may
// also break, and to type errors when v breaks by meaning).
func expect(s *spec.Spec, p *spec.Parameter, v Value) spec.Outcome {
	switch v.Kind {
	case "":
		o := success()
		if p.Source != spec.SourceSeed || edgeInferred(p, v.Edge) {
			o.DirectionBasis = spec.Inferred
		}
		return o
	case spec.KindEmpty, spec.KindLenient:
		if len(v.Also) == 0 {
			return openOutcome(s, p, v.Kind)
		}
	}
	if v.Open && len(v.Also) == 0 {
		return openOutcome(s, p, v.Kind)
	}
	o := s.ParamOutcome(p, v.Kind)
	if v.Kind == spec.KindEmpty || v.Kind == spec.KindLenient {
		o = openOutcome(s, p, v.Kind)
		o.Either, o.DirectionBasis = false, spec.Inferred
	}
	for _, a := range v.Also {
		o = widen(o, alsoOutcome(s, p, a))
	}
	if p.MissingState != "" && v.Kind != spec.KindRequired {
		o = alsoMissing(s, p, o)
	}
	if v.ByMeaning {
		// Read as a type error, the value's code is the type's; the direction stays the
		// broken constraint's (a reader that takes the value for an integer must refuse it
		// only as firmly as the page states that constraint).
		firm := o.DirectionBasis
		o = widen(o, s.ParamOutcome(p, spec.KindType))
		o.DirectionBasis, o.Basis = firm, spec.Inferred
	}
	return o
}

// alsoMissing accepts, beside what o accepts, the answers of the state an id that names no
// resource reaches: a malformed id names none either (an over-long certificate id answered
// CertificateNotExist). The direction stays o's.
func alsoMissing(s *spec.Spec, p *spec.Parameter, o spec.Outcome) spec.Outcome {
	e, ok := s.StateError(p.MissingState)
	if !ok {
		return o
	}
	// o's own code stays acceptable with the statuses the not-found answers bring.
	return o.AcceptAlso(o.Code, o.Status).AcceptingAlso(s.Accepting(e))
}

// edgeInferred reports whether a valid value stands on an edge (a maximum, a length...) that
// only other sources give: the page does not make accepting it certain (Bandwidth=5120, where
// the page states no maximum at all).
func edgeInferred(p *spec.Parameter, edge spec.Kind) bool {
	c, ok := p.Constraint(edge)
	return ok && c.Basis == spec.Inferred
}

// openOutcome is the outcome of a point the page leaves open: success or a refusal, the
// refusal hoped to carry the generic code of the kind or one the description ties to p.
func openOutcome(s *spec.Spec, p *spec.Parameter, k spec.Kind) spec.Outcome {
	o := s.WireOutcome(k)
	o.Either = true
	for _, c := range p.Constraints {
		o.Accept = addCodes(o.Accept, c.Outcome)
	}
	o.Accept = addCodes(o.Accept, p.RequiredResult)
	return o
}

// alsoOutcome is the outcome of one entry of Value.Also.
func alsoOutcome(s *spec.Spec, p *spec.Parameter, also string) spec.Outcome {
	if id, ok := strings.CutPrefix(also, "rule/"); ok {
		return s.RuleOutcome(id)
	}
	kind, param, _ := strings.Cut(also, ":")
	if param != "" {
		if q := s.UnderTest.Lookup(param); q != nil {
			p = q
		} else {
			return s.WireOutcome(spec.Kind(kind))
		}
	}
	switch spec.Kind(kind) {
	case spec.KindEmpty, spec.KindLenient:
		return openOutcome(s, p, spec.Kind(kind))
	}
	return s.ParamOutcome(p, spec.Kind(kind))
}

// widen lets an outcome also be satisfied by another: its codes are accepted, its direction
// counts when firmer, and the code becomes inferred (either may be answered).
func widen(o, other spec.Outcome) spec.Outcome {
	if other.Either {
		return o
	}
	o.Accept = addCodes(o.Accept, other)
	o.Accept = addCodes(o.Accept, spec.Outcome{Code: o.Code})
	if other.DirectionBasis == spec.Documented {
		o.DirectionBasis = spec.Documented
	}
	o.AcceptStatus = slices.Clone(o.AcceptStatus)
	for _, st := range append([]int{other.Status}, other.AcceptStatus...) {
		if st != 0 && st != o.Status && !slices.Contains(o.AcceptStatus, st) {
			o.AcceptStatus = append(o.AcceptStatus, st)
		}
	}
	o.Basis = spec.Inferred
	return o
}

// addCodes returns a list with an outcome's code and accepted codes added. The list is a new
// one: outcomes of the description share their slices.
func addCodes(list []string, o spec.Outcome) []string {
	list = slices.Clone(list)
	for _, c := range append([]string{o.Code}, o.Accept...) {
		if c != "" && !slices.Contains(list, c) {
			list = append(list, c)
		}
	}
	return list
}
