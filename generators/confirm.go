package generators

import (
	"fmt"
	"net/url"

	"github.com/clbcheck/clbcheck/spec"
)

// Confirm checks, on the parameters as the server will decode them from the bytes sent, that a
// static case breaks exactly the rule it claims: a positive case breaks none, and a negative
// case's first violation is its Broken parameter and kind (or rule). It returns nil for cases
// that are not static (their outcome depends on state).
func Confirm(s *spec.Spec, c Case, sent url.Values) error {
	if !c.Static {
		return nil
	}
	v := s.Validate(s.UnderTest, sent)
	if c.Broken == nil || c.Expect.Success {
		if v != nil && !(c.Broken == nil && v.Kind == spec.KindUnknown) {
			return fmt.Errorf("case %s should be valid on the wire but breaks %s: %s", c.ID, v.Kind, v.Detail)
		}
		return nil
	}
	if v == nil {
		return fmt.Errorf("case %s claims to break %s of %s, but the bytes sent break nothing", c.ID, c.Broken.Kind, c.Broken.Param)
	}
	if v.Kind != c.Broken.Kind {
		return fmt.Errorf("case %s claims to break %s of %s, but the bytes sent first break %s (%s)", c.ID, c.Broken.Kind, c.Broken.Param, v.Kind, v.Detail)
	}
	switch {
	case v.Kind == spec.KindRule && v.Rule != c.Broken.Rule:
		return fmt.Errorf("case %s claims to break rule %s, but the bytes sent break rule %s", c.ID, c.Broken.Rule, v.Rule)
	case v.Kind != spec.KindRule && c.Broken.Param != "" && v.Param != c.Broken.Param:
		return fmt.Errorf("case %s claims to break %s, but the bytes sent break %s (%s)", c.ID, c.Broken.Param, v.Param, v.Detail)
	}
	return nil
}

// Placeholder resolves a reference to a stand-in value that passes static checks; tests use it
// to confirm cases without a target.
func Placeholder(ref string) string { return placeholder(ref) }
