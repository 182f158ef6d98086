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

	k, detail := p.Check("65536")
	fmt.Println("65536 breaks:", k, "-", detail)
	fmt.Println("expected answer:", s.ParamOutcome(p, k))

	idle := s.UnderTest.Param("IdleTimeout")
	k, _ = idle.Check("61")
	fmt.Println("IdleTimeout=61 expects:", s.ParamOutcome(idle, k), "-", s.ParamOutcome(idle, k).Basis)

	tag := s.UnderTest.Param(spec.ParamTag)
	fmt.Println("tags on the wire:", tag.List.WireName(1, spec.FieldTagKey), "... at most", tag.List.MaxItems)
	// Output:
	// ListenerPort: integer, required=true, source=seed
	//   minimum 1 (documented)
	//   maximum 65535 (documented)
	// 65536 breaks: maximum - ListenerPort may be at most 65535, got 65536
	// expected answer: 400 InvalidParameter
	// IdleTimeout=61 expects: 400 InvalidParameter.IdleTimeout - documented
	// tags on the wire: Tag.1.Key ... at most 20
}
