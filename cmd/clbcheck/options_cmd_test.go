package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clbcheck/clbcheck/target"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A usage error is one line naming the flag, with a hint, never the whole usage.
func TestUsageErrorsNameTheFlagWithoutTheUsage(t *testing.T) {
	clearCredentials(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--budget", "5"}, "--budget 5: a duration needs a unit, e.g. --budget 5s"},
		{[]string{"run", "--budget", "soon"}, `--budget "soon" is not a duration`},
		{[]string{"run", "--max-case", "3"}, "unknown flag --max-case (did you mean --max-cases?)"},
		{[]string{"run", "--seed"}, "--seed needs a value"},
		{[]string{"run", "--workers", "many"}, `invalid value "many" for --workers`},
		{[]string{"merge", "--quite", "a", "b"}, "unknown flag --quite (did you mean --quiet?)"},
		{[]string{"replay", "x.json#y", "--timout", "1s"}, "unknown flag --timout (did you mean --timeout?)"},
		{[]string{"run", "--include-param", "ListenerPortt"}, "did you mean ListenerPort?"},
		{[]string{"run", "--include-check", "auth"}, `unknown check "auth"`},
	} {
		code, _, errOut := cli(t, tc.args...)
		assert.Equal(t, exitUsage, code, tc.args)
		assert.Contains(t, errOut, tc.want, tc.args)
		assert.LessOrEqual(t, strings.Count(errOut, "\n"), 3, "no usage dump for %v:\n%s", tc.args, errOut)
		assert.NotContains(t, errOut, "Flags:", tc.args)
	}
	code, _, errOut := cli(t, "rnu")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "did you mean run?")
	// -h still prints the whole usage, and exits 0.
	code, _, errOut = cli(t, "run", "-h")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, errOut, "Flags:")
}

func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "version"} {
		code, out, _ := cli(t, arg)
		assert.Equal(t, exitOK, code)
		assert.True(t, strings.HasPrefix(out, "clbcheck 0."), out)
	}
}

// --dry-run lists what would run, sends nothing, and needs no credentials.
func TestDryRunListsTheCases(t *testing.T) {
	clearCredentials(t)
	code, out, errOut := cli(t, "run", "--dry-run", "--target", "http://127.0.0.1:9", "--include", "negative/ListenerPort", "--seed", "4")
	require.Equal(t, exitOK, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Greater(t, len(lines), 3)
	for _, l := range lines[:len(lines)-1] {
		assert.True(t, strings.HasPrefix(l, "negative/ListenerPort/"), l)
	}
	assert.Equal(t, fmt.Sprintf("%d cases would run (seed 4); nothing was sent", len(lines)-1), lines[len(lines)-1])
}

// A case the page leaves open is listed as going either way, not as expecting its refusal.
func TestDryRunSaysWhichCasesGoEitherWay(t *testing.T) {
	clearCredentials(t)
	code, out, errOut := cli(t, "run", "--dry-run", "--target", "http://127.0.0.1:9", "--include", "wire/UNKNOWN_PARAMETER", "--include", "negative/ListenerPort/VALUE_ABOVE_MAXIMUM/65536")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "wire/UNKNOWN_PARAMETER\twire\tmay be accepted or refused")
	assert.Contains(t, out, "negative/ListenerPort/VALUE_ABOVE_MAXIMUM/65536\tnegative\texpects 400 ")
}

// --exitfirst stops at the first failure; --max-failures N at the Nth.
func TestExitFirst(t *testing.T) {
	clearCredentials(t)
	o := filepath.Join(t.TempDir(), "e.yaml")
	require.NoError(t, os.WriteFile(o, []byte("expectations:\n  - match: {kind: pattern}\n    expect: {success: true}\n    reason: fail many\n"), 0o644))
	dir := t.TempDir()
	code, out, errOut := cli(t, "run", "--expectations", o, "--exitfirst", "--workers", "1", "--refusal-batch", "1", "--random", "-1", "--sequences", "-1", "--quiet", "--report-json", filepath.Join(dir, "r.json"))
	assert.Equal(t, exitFailures, code, errOut)
	rep := readReportFile(t, filepath.Join(dir, "r.json"))
	assert.LessOrEqual(t, rep.Summary.Failed, 2)
	assert.Contains(t, rep.Summary.AbortCause, "max failures 1")
	assert.Contains(t, out, "rerun exactly this with: clbcheck run --profile strict --seed ")
	assert.Contains(t, out, "--exitfirst")
}

// The console has a table of passed, failed and warned cases per check, and a short run does
// not list every documented code it did not reach.
func TestConsoleCheckTableAndShortCoverage(t *testing.T) {
	clearCredentials(t)
	code, out, errOut := cli(t, runArgs()...)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "CHECKS")
	assert.Regexp(t, `\n  expected-outcome +\d+ +0 +0\n`, out)
	assert.LessOrEqual(t, strings.Count(out, "not reached:"), 16, "two lists of at most eight")
	assert.Contains(t, out, "more not reached (see the JSON or HTML report)")
	assert.Contains(t, out, "PASS: 8 cases: 8 passed, 0 failed, 0 skipped, 0 warned")
}

// --request-timeout bounds the wait for an answer; a target that never answers ends the run as
// unreachable, in words.
func TestRequestTimeout(t *testing.T) {
	clearCredentials(t)
	noRetryPauses(t)
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	t.Cleanup(func() { close(block); srv.Close() })
	t.Setenv(target.EnvKeyID, "LTAIsomething")
	t.Setenv(target.EnvKeySecret, "secret")
	start := time.Now()
	code, _, errOut := cli(t, "run", "--target", srv.URL, "--request-timeout", "100ms", "--max-cases", "6", "--random", "-1", "--sequences", "-1",
		"--quiet", "--ledger", filepath.Join(t.TempDir(), "l.jsonl"))
	assert.Equal(t, exitUnreachable, code, errOut)
	assert.Less(t, time.Since(start), time.Minute, "30 s per request would take minutes")
	assert.NotContains(t, errOut, "context deadline exceeded")
	assert.Contains(t, errOut, "no answer within the request timeout")
	assert.NotContains(t, errOut, "context canceled")
}

// An --expectations entry that names a parameter or kind that does not exist is refused.
func TestExpectationsWithUnknownNamesAreRefused(t *testing.T) {
	clearCredentials(t)
	o := filepath.Join(t.TempDir(), "e.yaml")
	require.NoError(t, os.WriteFile(o, []byte("expectations:\n  - match: {param: ListenerPortt, kind: maximumm}\n    expect: {success: true}\n"), 0o644))
	code, _, errOut := cli(t, "run", "--expectations", o)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `param "ListenerPortt" is not one the harness knows`)
	assert.Contains(t, errOut, `did you mean "ListenerPort"?`)
}
