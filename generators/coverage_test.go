package generators_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
)

// Every state, scenario and quota trigger of the description has a recipe that builds its
// case: a trigger added to the description without one fails here.
func TestEveryTriggerHasARecipe(t *testing.T) {
	assert.Empty(t, generators.StateCoverage(spec.MustDefault()))
}
