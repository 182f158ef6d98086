package contracts_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/target"
)

// The README's library example is Example, character for character, so it compiles and runs
// with the tests and cannot drift from the API.
func TestREADMEShowsTheExample(t *testing.T) {
	src, err := os.ReadFile("example_test.go")
	require.NoError(t, err)
	start := strings.Index(string(src), "func Example() {")
	require.NotEqual(t, -1, start)
	end := strings.Index(string(src)[start:], "\n}\n")
	require.NotEqual(t, -1, end)
	example := string(src)[start : start+end+2]

	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	assert.Contains(t, string(readme), "```go\n"+example+"\n```", "the README's library example must be contracts.Example as written in example_test.go")
}

// A target that could not be built (nil, or a nil pointer beside the constructor's error) is a
// clear error, never a panic inside the run.
func TestNilTargetIsAClearError(t *testing.T) {
	var h *target.HTTP // what target.NewHTTP returns with its error
	for _, tg := range []target.Target{nil, h} {
		_, _, err := contracts.Execute(context.Background(), tg, contracts.Options{MaxCases: 1})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "no target")
	}
}
