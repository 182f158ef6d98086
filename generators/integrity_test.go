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
