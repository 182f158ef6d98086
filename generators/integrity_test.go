package generators_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
)

// Every static case of the catalogue, enumerated or random, breaks exactly what its label
// says, as the referee reads the values it sends: the labels are made by construction, and
// this is where a wrong construction shows.
func TestEveryStaticCaseIsConfirmedByTheReferee(t *testing.T) {
	s := spec.MustDefault()
	cases := append(generators.Enumerate(s, generators.Options{}), generators.RandomCases(s, 7, 200)...)
	n := 0
	for _, c := range cases {
		if !c.Static {
			continue
		}
		n++
		sent := generators.WireValues(c.Params, generators.Placeholder)
		assert.NoError(t, generators.Confirm(s, c, sent), c.ID)
	}
	require.Greater(t, n, 500)
}

// The catalogue tests every constraint, rule, list limit, state and quota of the description
// both ways (ConstraintCoverage): a new constraint in the description needs cases.
func TestConstraintCoverageIsComplete(t *testing.T) {
	s := spec.MustDefault()
	assert.Empty(t, generators.ConstraintCoverage(s, generators.Enumerate(s, generators.Options{})))
}

// ConstraintCoverage notices what a catalogue lacks.
func TestConstraintCoverageNoticesGaps(t *testing.T) {
	s := spec.MustDefault()
	var cut []generators.Case
	for _, c := range generators.Enumerate(s, generators.Options{}) {
		if c.Scenario == "VALUE_AT_MAXIMUM" && c.Edge != nil && c.Edge.Param == "IdleTimeout" {
			continue
		}
		if c.Broken != nil && c.Broken.Rule == "acl-id-required" {
			continue
		}
		if c.Scenario == "ENUM_VALUE" && c.Edge != nil && c.Edge.Param == "Scheduler" && c.Params[len(c.Params)-1].Value == "rr" {
			continue
		}
		cut = append(cut, c)
	}
	got := generators.ConstraintCoverage(s, cut)
	assert.Contains(t, got, "IdleTimeout maximum: no case stands on its valid edge")
	assert.Contains(t, got, "rule acl-id-required: no case breaks it")
	assert.Len(t, got, 3, "%v", got)
}
