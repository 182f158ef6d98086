package spec_test

import (
	"fmt"

	"github.com/clbcheck/clbcheck/spec"
)

// A package that generates or judges requests reads a parameter's constraints from the model
// instead of hard-coding them: the bounds, where each comes from, and what the service is
// expected to answer when one is broken.
func Example_readConstraints() {
	s := spec.MustDefault()
	p := s.UnderTest.Param(spec.ParamListenerPort)
	fmt.Printf("%s: %s, required=%v, source=%s\n", p.Name, p.Type, p.Required, p.Source)
	for _, c := range p.Constraints {
		if c.Kind == spec.KindMinimum || c.Kind == spec.KindMaximum {
			fmt.Printf("  %s %d (%s)\n", c.Kind, c.Int, c.Basis)
		}
	}

	o := s.ParamOutcome(p, spec.KindMaximum)
	fmt.Println("above the maximum:", o.Direction(), "firmly:", o.Firm(), "- hoped-for answer:", o, "-", o.Basis)

	idle := s.UnderTest.Param("IdleTimeout")
	o = s.ParamOutcome(idle, spec.KindMaximum)
	fmt.Println("IdleTimeout above its maximum:", o, "-", o.Basis)

	tag := s.UnderTest.Param(spec.ParamTag)
	fmt.Println("tags on the wire:", tag.List.WireName(1, spec.FieldTagKey), "... at most", tag.List.MaxItems)
	// Output:
	// ListenerPort: integer, required=true, source=seed
	//   minimum 1 (documented)
	//   maximum 65535 (documented)
	// above the maximum: refuse firmly: true - hoped-for answer: 400 InvalidParameter - inferred
	// IdleTimeout above its maximum: 400 InvalidParameter.IdleTimeout - documented
	// tags on the wire: Tag.1.Key ... at most 20
}
