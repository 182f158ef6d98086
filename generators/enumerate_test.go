package generators_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
)

func resolve(ps []generators.Param) url.Values {
	v := url.Values{}
	for _, p := range ps {
		val := p.Value
		if p.Ref != "" {
			var parts []string
			for _, r := range generators.SplitRef(p.Ref) {
				parts = append(parts, generators.Placeholder(r))
			}
			val = strings.Join(parts, ",")
		}
		if p.Raw {
			d, err := url.QueryUnescape(val)
			if err == nil {
				val = d
			}
		}
		v.Add(p.Name, val)
	}
	return v
}

// Every static case breaks on the wire exactly what it claims (or nothing, if positive).
func TestEnumerateCasesConfirmOnTheWire(t *testing.T) {
	s := spec.MustDefault()
	cases := generators.Enumerate(s, generators.Options{})
	require.NotEmpty(t, cases)
	// The builder renames a second case of one id so that a run stays usable; it must never
	// have to.
	require.Empty(t, generators.EnumerateDuplicates(s, generators.Options{}), "ids built twice")
	ids := map[string]bool{}
	for _, c := range cases {
		require.False(t, ids[c.ID], "duplicate id %s", c.ID)
		ids[c.ID] = true
		assert.NoError(t, generators.Confirm(s, c, resolve(c.Params)), c.ID)
	}
	t.Logf("%d cases", len(cases))
}

// Random cases are reproducible from their seed and confirm on the wire like the others.
func TestRandomCasesAreReproducibleAndConfirm(t *testing.T) {
	s := spec.MustDefault()
	a := generators.RandomCases(s, 42, 40)
	b := generators.RandomCases(s, 42, 40)
	require.Equal(t, len(a), len(b))
	for i := range a {
		require.Equal(t, a[i].ID, b[i].ID)
		require.Equal(t, a[i].Params, b[i].Params)
		require.Equal(t, a[i].Expect, b[i].Expect)
	}
	require.GreaterOrEqual(t, len(a), 36)
	c := generators.RandomCases(s, 43, 40)
	require.NotEqual(t, a[0].Params, c[0].Params)
	for _, cs := range a {
		assert.NoError(t, generators.Confirm(s, cs, resolve(cs.Params)), cs.ID)
	}
}

// Shrinking a negative case keeps it negative, and greedy shrinking reaches the minimum: every
// candidate still breaks the same constraint of the same parameter (and nothing else), each
// shrink stream ends, and taking every smaller candidate leaves the base request plus the
// broken parameter.
func TestShrinkingKeepsNegativeCasesNegativeAndReachesTheMinimum(t *testing.T) {
	s := spec.MustDefault()
	base := generators.Base(s)
	checked := 0
	for _, c := range generators.RandomCases(s, 7, 30) {
		if c.Broken == nil {
			continue
		}
		cur, looked := c, 0
		for {
			next, ok := cur.Shrink()
			if !ok {
				break
			}
			looked++
			require.Less(t, looked, 20000, "%s: the shrink stream does not end", c.ID)
			require.NotNil(t, next.Broken)
			require.Equal(t, c.Broken.Param, next.Broken.Param)
			require.Equal(t, c.Broken.Kind, next.Broken.Kind)
			require.NoError(t, generators.Confirm(s, next, resolve(next.Params)), next.ID)
			if next.Size() < cur.Size() {
				cur = next // greedy: keep the first smaller candidate, then shrink it further
			}
		}
		want := len(base)
		if !slices.ContainsFunc(base, func(p generators.Param) bool { return p.Name == c.Broken.Wire }) {
			want++
		}
		assert.Equal(t, want, cur.Size(), "%s (%s %s) shrank from %d to %v", c.ID, c.Broken.Kind, c.Broken.Param, c.Size(), cur.Params)
		checked++
	}
	assert.GreaterOrEqual(t, checked, 10)
}

// The Tag list is drawn as an optional parameter: most random requests carry none, and among
// those that do, every count from one to the list's limit occurs.
func TestRandomTagCountsReachTheLimit(t *testing.T) {
	s := spec.MustDefault()
	tag := s.UnderTest.Param(spec.ParamTag)
	require.NotNil(t, tag)
	counts := map[int]int{}
	cases := generators.RandomCases(s, 3, 6000)
	for _, c := range cases {
		n := 0
		for _, p := range c.Params {
			if _, f, ok := tag.List.ParseWireName(p.Name); ok && f == spec.FieldTagKey {
				n++
			}
		}
		counts[n]++
	}
	assert.Greater(t, counts[0], len(cases)/2, "most random requests should carry no Tag")
	for n := 1; n <= tag.List.MaxItems; n++ {
		assert.Positive(t, counts[n], "no random request with %d tags (counts %v)", n, counts)
	}
	assert.Zero(t, counts[tag.List.MaxItems+1], "a valid random request over the Tag limit")
}

// A request breaking two documented maxima is refused with either parameter's code: the page
// does not say which a service checks first. The bytes break exactly those two.
func TestTwoViolationsAcceptEitherCode(t *testing.T) {
	s := spec.MustDefault()
	var c *generators.Case
	for _, x := range generators.Enumerate(s, generators.Options{}) {
		if x.ID == "negative/TWO_VIOLATIONS" {
			c = &x
		}
	}
	require.NotNil(t, c, "the catalogue has no two-violation case")
	require.NotNil(t, c.Broken)
	require.Len(t, c.Broken.Also, 1)
	other := s.UnderTest.Param(strings.TrimPrefix(c.Broken.Also[0], string(spec.KindMaximum)+":"))
	require.NotNil(t, other)
	first, second := s.ParamOutcome(s.UnderTest.Param(c.Broken.Param), spec.KindMaximum), s.ParamOutcome(other, spec.KindMaximum)
	assert.NotEqual(t, first.Code, second.Code, "two parameters with the same code would not tell the orders apart")
	assert.True(t, c.Expect.Acceptable(first.Status, first.Code), "the first parameter's refusal")
	assert.True(t, c.Expect.Acceptable(second.Status, second.Code), "the second parameter's refusal")
	assert.False(t, c.Expect.Acceptable(200, ""), "acceptance")
	assert.False(t, c.Expect.Acceptable(400, "InvalidParameter.Clbcheck"), "an unrelated code")
	assert.Equal(t, spec.Documented, c.Expect.Basis)
	assert.NoError(t, generators.Confirm(s, *c, generators.WireValues(c.Params, generators.Placeholder)))
}
