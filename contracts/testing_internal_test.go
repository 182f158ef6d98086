package contracts

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/target"
)

// Inside go test, a run that judged nothing, was cut by a hard budget, or met too much
// transient trouble fails the test, as the command line exits 3 or 4 for it; a plain pass and
// a soft-budget cut do not.
func TestRunFailsTheTestForUntrustedRuns(t *testing.T) {
	assert.Empty(t, untrusted(Summary{Cases: 5, Passed: 5}))
	assert.Empty(t, untrusted(Summary{Cases: 5, Passed: 5, Planned: 9, NotRun: 4, StoppedBy: StoppedByBudget, SoftBudget: true}))
	assert.Contains(t, untrusted(Summary{Cases: 5, Skipped: 5, Inconclusive: "fixture lb could not be built"}), "fixture lb could not be built")
	assert.Contains(t, untrusted(Summary{Cases: 5, Passed: 5, Planned: 9, NotRun: 4, StoppedBy: StoppedByBudget, AbortCause: "time budget"}), "4 of 9 planned cases did not run")
	assert.Contains(t, untrusted(Summary{Cases: 5, Passed: 5, Unstable: "unavailable 9 retried"}), "unavailable 9 retried")
}

// A target that answers 200 with only a request id to everything implements nothing: the
// summary of a run against it is not one Run lets pass.
func TestDoNothingTargetIsUntrusted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"RequestId":"00000000-0000-0000-0000-000000000000"}`))
	}))
	defer srv.Close()
	tg, err := target.NewHTTP(target.HTTPConfig{BaseURL: srv.URL, Credentials: map[string]signature.Credentials{"primary": {AccessKeyID: "id", AccessKeySecret: "secret"}}})
	require.NoError(t, err)
	sum, _, err := Execute(context.Background(), tg, Options{Random: -1, Sequences: -1})
	require.NoError(t, err)
	assert.Equal(t, StatusInconclusive, sum.Status())
	assert.Contains(t, untrusted(sum), "inconclusive")
}
