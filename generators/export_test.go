package generators

import "github.com/clbcheck/clbcheck/spec"

// EnumerateDuplicates returns the ids Enumerate built more than once (and renamed), for tests.
func EnumerateDuplicates(s *spec.Spec, opt Options) []string { return enumerate(s, opt).dups }

// OrderCheapFirst is orderCheapFirst, for tests.
var OrderCheapFirst = orderCheapFirst
