package spec_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLintSpec runs the OpenAPI linter (.ci/lint-spec: Spectral with .spectral.yaml) over
// openapi.yaml. It needs Node.js and, on first use, the npm registry, so it runs only when
// CLBCHECK_LINT=1 is set, as CI does.
func TestLintSpec(t *testing.T) {
	if os.Getenv("CLBCHECK_LINT") != "1" {
		t.Skip("OpenAPI lint skipped: set CLBCHECK_LINT=1 to run .ci/lint-spec (needs node and npm)")
	}
	script, err := filepath.Abs(filepath.Join("..", ".ci", "lint-spec"))
	require.NoError(t, err)
	_, err = os.Stat(script)
	require.NoError(t, err, "the lint script is missing")
	cmd := exec.Command("bash", script)
	cmd.Dir = filepath.Dir(filepath.Dir(script))
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	require.NoError(t, err, ".ci/lint-spec found errors in spec/openapi.yaml (output above)")
}
