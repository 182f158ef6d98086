package generators_test

import (
	"slices"
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
	firstSecurity, firstState, firstNamed, firstRest := -1, -1, -1, -1
	groups := map[string]int{}
	firstOf := map[string]string{} // group -> id of its first case
	for i, c := range cases {
		key := orderGroup(c)
		if _, ok := firstOf[key]; !ok {
			firstOf[key] = c.ID
		}
		if c.UsesEarlyCopy() {
			// Last: the later it comes, the longer the gap it tests.
			assert.Equal(t, len(cases)-1, i, "%s uses the run's first request and comes last", c.ID)
			continue
		}
		switch c.Category {
		case generators.Security:
			if firstSecurity < 0 {
				firstSecurity = i
			}
			assert.Equal(t, -1, firstState, "%s after a state case", c.ID)
			assert.Equal(t, -1, firstNamed, "%s after a named value", c.ID)
			continue
		case generators.Stateful:
			if firstState < 0 {
				firstState = i
			}
			assert.Equal(t, -1, firstNamed, "state case %s after a named value", c.ID)
			continue
		}
		if i == 0 {
			continue
		}
		groups[key]++
		switch {
		case groups[key] == 1:
			assert.Equal(t, -1, firstNamed, "%s: a group's first case after a named value", c.ID)
		case namedValue(c):
			if firstNamed < 0 {
				firstNamed = i
			}
			assert.Equal(t, -1, firstRest, "%s: a named value after a group's second case", c.ID)
		case firstRest < 0:
			firstRest = i
		}
		if firstState < 0 {
			assert.Equal(t, 1, groups[key], "%s: a group's second case before the state cases", c.ID)
		}
	}
	require.Positive(t, firstSecurity)
	assert.Greater(t, firstState, firstSecurity)
	assert.Greater(t, firstNamed, firstState)
	assert.Greater(t, firstRest, firstNamed)
	assert.Equal(t, firstNamed, generators.FirstRound(cases), "the first round ends where the named values begin")
	// Every group of the catalogue has its first case before the security cases.
	before := map[string]bool{}
	for _, c := range cases[:firstSecurity] {
		before[c.ID] = true
	}
	for key := range groups {
		assert.True(t, before[firstOf[key]], "group %s has no case before the security cases", key)
	}
	// Every documented constraint of a parameter has a negative case in the first round, and
	// every enum value a positive one before the rest.
	for _, key := range []string{"negative/ListenerPort/maximum", "negative/ListenerPort/minimum", "negative/ListenerPort/type", "positive/ListenerPort/maximum"} {
		require.Contains(t, firstOf, key)
		assert.True(t, before[firstOf[key]], "%s has no case before the security cases", key)
	}
	for _, v := range []string{"on", "off"} {
		at := slices.IndexFunc(cases, func(c generators.Case) bool { return c.ID == "positive/AclStatus/ENUM_VALUE/"+v })
		assert.True(t, at >= 0 && at < firstRest, "AclStatus=%s comes before the rest (at %d, rest from %d)", v, at, firstRest)
	}
}

// namedValue reports whether a positive case sends a value the page names one by one, or keeps
// a rule.
func namedValue(c generators.Case) bool {
	return c.Edge != nil && (c.Scenario == "ENUM_VALUE" || c.Scenario == "PATTERN_LITERAL" ||
		strings.HasPrefix(c.Scenario, "ALLOWED_") || c.Edge.Kind == spec.KindRule)
}

// orderGroup is what a case is about, as the order promises: the constraint of a parameter a
// case breaks or stands on, else the first two segments of its id (three for a rule).
func orderGroup(c generators.Case) string {
	cat := string(c.Category)
	switch {
	case c.Broken != nil && c.Broken.Param != "" && c.Broken.Kind != "":
		return cat + "/" + c.Broken.Param + "/" + string(c.Broken.Kind)
	case c.Edge != nil && c.Edge.Param != "":
		return cat + "/" + c.Edge.Param + "/" + string(c.Edge.Kind)
	}
	g := strings.SplitN(c.ID, "/", 3)
	if len(g) < 2 {
		return c.ID
	}
	key := g[0] + "/" + g[1]
	if (g[1] == "rule" || g[1] == "TRANSPORT") && len(g) > 2 { // each transport is a group of its own
		key += "/" + strings.SplitN(g[2], "/", 2)[0]
	}
	return key
}
