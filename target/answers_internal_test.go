package target

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/spec"
)

// Every class is read from the description; a description without the states they name is
// an error naming them, not an empty class.
func TestAnswerClassesNeedTheirStates(t *testing.T) {
	c, err := answerClassesFrom(spec.MustDefault())
	require.NoError(t, err)
	assert.NotEmpty(t, c.gone)
	assert.NotEmpty(t, c.throttled)
	assert.NotEmpty(t, c.transient)

	s := *spec.MustDefault()
	s.NeighbourErrors = nil
	_, err = answerClassesFrom(&s)
	assert.ErrorContains(t, err, string(spec.NeighbourListenerNotFound))
	assert.ErrorContains(t, err, string(spec.NeighbourSystemBusy))
}
