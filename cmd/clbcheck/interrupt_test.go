package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
)

// TestMain lets a test run the command in a process of its own (CLBCHECK_TEST_MAIN=1), to send
// it real signals.
func TestMain(m *testing.M) {
	if os.Getenv("CLBCHECK_TEST_MAIN") == "1" {
		os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// A second Ctrl-C ends the run at once and still leaves a valid report at its path, one that
// says the run did not finish, which clbcheck merge reads; no temporary file is left behind.
// clbcheck cleanup then removes what the killed run left: afterwards the emulator holds no
// load balancer, certificate, ACL or TLS policy of either account, but for resources whose
// create was in flight when the process died, which cleanup lists as unconfirmed.
func TestSecondInterruptLeavesAValidReport(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	emu, em := emulatorServer(t)
	// Every answer takes a while, so the run is still winding down at the second signal: once a
	// case has sent its create, the fixtures exist and removing them takes at least one slow
	// answer after the first signal.
	var cases atomic.Int32
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if strings.Contains(r.URL.RawQuery+string(body), spec.ParamAction+"="+spec.ActionCreateHTTPSListener) {
			cases.Add(1)
		}
		time.Sleep(300 * time.Millisecond)
		proxyTo(emu.URL, w, r)
	}))
	t.Cleanup(slow.Close)
	dir := t.TempDir()
	report := filepath.Join(dir, "report.json")
	ledger := filepath.Join(t.TempDir(), "ledger.jsonl")
	cmd := exec.Command(os.Args[0], "run", "--target", slow.URL, "--random", "-1", "--sequences", "-1", "--workers", "4", "--report-json", report, "--ledger", ledger, "--run-id", "killed")
	cmd.Env = append(os.Environ(), "CLBCHECK_TEST_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &bytes.Buffer{}, &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	// The placeholder report is there once the run has begun.
	require.Eventually(t, func() bool { _, err := os.Stat(report); return err == nil }, 20*time.Second, 20*time.Millisecond)
	require.Eventually(t, func() bool { return cases.Load() > 0 }, 60*time.Second, 20*time.Millisecond, "no case reached the target")
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	time.Sleep(50 * time.Millisecond)
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	err := cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, stderr.String())
	assert.Equal(t, exitUnreachable, ee.ExitCode(), stderr.String())
	assert.Contains(t, stderr.String(), "stopped at once")

	rep := readReportFile(t, report)
	assert.True(t, rep.Summary.Aborted)
	assert.Equal(t, contracts.StatusAborted, rep.Summary.Status)
	assert.Contains(t, rep.Summary.AbortCause, "did not finish")
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	hidden, _ := filepath.Glob(filepath.Join(dir, ".*"))
	assert.Equal(t, []string{report}, append(left, hidden...), "temporary files were left")
	code, out, errs := cli(t, "merge", "-o", filepath.Join(t.TempDir(), "merged.json"), report)
	assert.NotEqual(t, exitUsage, code, out+errs)
	assert.False(t, strings.Contains(errs, "cannot read"), errs)

	st, err := resources.ReadLedger(ledger, "killed")
	require.NoError(t, err)
	code, out, errs = cli(t, "cleanup", "--run", "killed", "--ledger", ledger, "--target", emu.URL)
	assert.Equal(t, exitOK, code, out+errs)
	assert.LessOrEqual(t, emulatorHoldings(t, em), len(st.Unconfirmed), "cleanup left more than the creates in flight at the kill:\n%s", out)
}

// Cases in flight when Ctrl-C comes are not run, never failed: no "context canceled" reaches
// a verdict, the console or the report, and the report counts them among those not run.
func TestInterruptedCasesAreNotFailures(t *testing.T) {
	emu, _ := emulatorServer(t)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(40 * time.Millisecond)
		proxyTo(emu.URL, w, r)
	}))
	t.Cleanup(slow.Close)
	for range 3 {
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		var once sync.Once
		testProgressHook = func(p contracts.Progress) {
			if p.Done >= 6 {
				once.Do(cancel)
			}
		}
		var out, errb bytes.Buffer
		code := runWithContext(ctx, []string{"--target", slow.URL, "--out", dir, "--random", "-1", "--sequences", "-1", "--quiet", "--workers", "8",
			"--include-check", "listener-created"}, &out, &errb)
		cancel()
		testProgressHook = nil
		assert.Equal(t, exitUnreachable, code, errb.String())
		rep := readReportFile(t, filepath.Join(dir, "report.json"))
		assert.Zero(t, rep.Summary.Failed, "cases cut by the interrupt were failed: %+v", rep.Failures)
		assert.Equal(t, rep.Summary.Planned, rep.Summary.Cases+rep.Summary.NotRun)
		raw, err := os.ReadFile(filepath.Join(dir, "report.json"))
		require.NoError(t, err)
		for _, text := range []string{out.String(), errb.String(), string(raw)} {
			assert.NotContains(t, text, "context canceled")
			assert.NotContains(t, text, "interrupted before an answer came")
		}
	}
}
