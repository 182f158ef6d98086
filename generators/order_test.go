package generators_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
)

// The catalogue is ordered cheap and broad first without changing what it holds: ordering it
// again changes nothing, the base request comes first, every parameter and rule has a case
// before the first security case, the security cases come before the state cases, and those
// before any group's second case.
func TestCatalogueOrder(t *testing.T) {
	s := spec.MustDefault()
	cases := generators.Enumerate(s, generators.Options{})
	require.NotEmpty(t, cases)
	ids := func(cs []generators.Case) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.ID
		}
		return out
	}
	assert.Equal(t, ids(cases), ids(generators.OrderCheapFirst(cases)), "ordering the ordered catalogue changes nothing")
	assert.Equal(t, ids(cases), ids(generators.Enumerate(s, generators.Options{})), "deterministic")

	// Ordering is a permutation: whatever it is given, it returns the same cases.
	reversed := make([]generators.Case, len(cases))
	for i, c := range cases {
		reversed[len(cases)-1-i] = c
	}
	assert.ElementsMatch(t, ids(cases), ids(generators.OrderCheapFirst(reversed)))

	assert.Equal(t, "positive/base", cases[0].ID)
	firstSecurity, firstState, firstRest := -1, -1, -1
	groups := map[string]int{}
	for i, c := range cases {
		g := strings.SplitN(c.ID, "/", 3)
		key := c.ID
		if len(g) >= 2 {
			key = g[0] + "/" + g[1]
			if g[1] == "rule" && len(g) > 2 {
				key += "/" + strings.SplitN(g[2], "/", 2)[0]
			}
		}
		switch c.Category {
		case generators.Security:
			if firstSecurity < 0 {
				firstSecurity = i
			}
			assert.Equal(t, -1, firstState, "%s after a state case", c.ID)
			assert.Equal(t, -1, firstRest, "%s after a group's second case", c.ID)
			continue
		case generators.Stateful:
			if firstState < 0 {
				firstState = i
			}
			assert.Equal(t, -1, firstRest, "state case %s after a group's second case", c.ID)
			continue
		}
		if i == 0 {
			continue
		}
		groups[key]++
		if groups[key] == 2 && firstRest < 0 {
			firstRest = i
		}
		if firstState < 0 {
			assert.Equal(t, 1, groups[key], "%s: a group's second case before the state cases", c.ID)
		}
	}
	require.Positive(t, firstSecurity)
	assert.Greater(t, firstState, firstSecurity)
	assert.Greater(t, firstRest, firstState)
	// Every group of the catalogue has its first case before the security cases.
	before := map[string]bool{}
	for _, c := range cases[:firstSecurity] {
		before[c.ID] = true
	}
	for key := range groups {
		found := false
		for id := range before {
			found = found || strings.HasPrefix(id, key+"/") || id == key
		}
		assert.True(t, found, "group %s has no case before the security cases", key)
	}
}
