package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/reports"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/target"
)

// failingCase is an early case of the catalogue; overrideFile makes it fail by expecting
// success where every faithful implementation refuses it.
const failingCase = "negative/RegionId/LENGTH_ABOVE_MAXIMUM/aaaaaaaaaaaaaaaaaaaaaaaa…(65)"

// fastRun keeps runs short: a few catalogue cases, no random cases or sequences.
var fastRun = []string{"--max-cases", "8", "--random", "-1", "--sequences", "-1", "--quiet"}

func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := dispatch(args, &out, &errb)
	return code, out.String(), errb.String()
}

func runArgs(extra ...string) []string { return append(append([]string{"run"}, fastRun...), extra...) }

// clearCredentials makes sure the developer's own environment plays no part.
func clearCredentials(t *testing.T) {
	for _, p := range target.PrincipalsEnv {
		t.Setenv(p.KeyID, "")
		t.Setenv(p.Secret, "")
		if p.Token != "" {
			t.Setenv(p.Token, "")
		}
	}
}

// emulatorServer serves a fresh emulator on 127.0.0.1 and sets the credential variables to
// its default principals. State lives as long as the server, across commands.
func emulatorServer(t *testing.T) (*httptest.Server, *emulator.Emulator) {
	t.Helper()
	clearCredentials(t)
	cfg := emulator.DefaultConfig()
	em, err := emulator.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	for _, p := range []struct{ name, id, secret string }{
		{emulator.PrincipalPrimary, target.EnvKeyID, target.EnvKeySecret},
		{emulator.PrincipalSecondary, target.EnvSecondKeyID, target.EnvSecondSecret},
		{emulator.PrincipalDenied, target.EnvRestrictedKeyID, target.EnvRestrictedSecret},
	} {
		pr, ok := cfg.Principal(p.name)
		require.True(t, ok, p.name)
		t.Setenv(p.id, pr.Credentials.AccessKeyID)
		t.Setenv(p.secret, pr.Credentials.AccessKeySecret)
	}
	return srv, em
}

func overrideFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "expect.yaml")
	require.NoError(t, os.WriteFile(p, []byte("expectations:\n  - match: {case: \"negative/RegionId/LENGTH_ABOVE_MAXIMUM\"}\n    expect: {success: true}\n    reason: a deliberate failure for tests\n"), 0o644))
	return p
}

// noRetryPauses makes retries of live targets immediate for the rest of the test.
func noRetryPauses(t *testing.T) {
	retrySleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	t.Cleanup(func() { retrySleep = nil })
}

func readReportFile(t *testing.T, path string) *reports.JSONReport {
	t.Helper()
	rep, err := readReport(path)
	require.NoError(t, err)
	return rep
}

func TestRunEmbeddedEmulatorWritesEveryReport(t *testing.T) {
	clearCredentials(t)
	dir := filepath.Join(t.TempDir(), "out")
	code, out, errOut := cli(t, runArgs("--out", dir)...)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "PASS:")
	assert.Contains(t, out, "profile strict", "the embedded emulator runs strict by default")
	for _, name := range []string{"report.json", "report.xml", "report.md", "report.html", "report.sarif"} {
		st, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err, name)
		assert.NotZero(t, st.Size(), name)
	}
	rep := readReportFile(t, filepath.Join(dir, "report.json"))
	assert.Equal(t, "pass", rep.Summary.Result)
	assert.Equal(t, 8, rep.Summary.Cases)
	var sarif map[string]any
	raw, err := os.ReadFile(filepath.Join(dir, "report.sarif"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &sarif))
	matches, _ := filepath.Glob(filepath.Join(dir, "ledger-*"))
	assert.Empty(t, matches, "the embedded emulator needs no ledger")
}

func TestRunSingleReportFlagsAndShard(t *testing.T) {
	clearCredentials(t)
	dir := t.TempDir()
	js, md := filepath.Join(dir, "r.json"), filepath.Join(dir, "sub", "r.md")
	code, _, errOut := cli(t, runArgs("--report-json", js, "--report-md", md, "--shard", "2/2", "--checks", "-response-schema", "--seed", "5")...)
	require.Equal(t, exitOK, code, errOut)
	rep := readReportFile(t, js)
	assert.Equal(t, int64(5), rep.Summary.Seed)
	assert.NotContains(t, rep.Meta.Checks, "response-schema")
	_, err := os.Stat(md)
	assert.NoError(t, err)
}

func TestRunFailuresAndBaseline(t *testing.T) {
	clearCredentials(t)
	dir := t.TempDir()
	expect := overrideFile(t)
	base := filepath.Join(dir, "base.json")

	code, out, errOut := cli(t, runArgs("--expectations", expect, "--report-json", base)...)
	require.Equal(t, exitFailures, code, errOut)
	assert.Contains(t, out, failingCase)
	rep := readReportFile(t, base)
	require.Len(t, rep.Failures, 1)
	f := rep.Failures[0]
	assert.Equal(t, failingCase, f.ID)
	require.NotNil(t, f.Repro)
	assert.Equal(t, "clbcheck replay '"+base+"#"+failingCase+"'", f.Repro.Replay, "the reproduction line names the JSON report")

	// The same failure again: it is in the baseline, so the run passes.
	code, out, errOut = cli(t, runArgs("--expectations", expect, "--baseline", base)...)
	assert.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "0 of 1 failing case new, 1 known")
	assert.Contains(t, out, "FAIL (known) expected-outcome")
	assert.Contains(t, out, "PASS (every failure is known from the baseline)")

	// A baseline that lists another failure does not excuse this one.
	other := *rep
	other.Failures = []reports.JSONFailure{{CaseResult: contracts.CaseResult{ID: "negative/some/other", Verdict: contracts.Fail,
		Checks: []contracts.CheckResult{{Check: contracts.CheckExpectedOutcome, Verdict: contracts.Fail}}}}}
	raw, err := json.Marshal(other)
	require.NoError(t, err)
	otherPath := filepath.Join(dir, "other.json")
	require.NoError(t, os.WriteFile(otherPath, raw, 0o644))
	code, out, _ = cli(t, runArgs("--expectations", expect, "--baseline", otherPath)...)
	assert.Equal(t, exitFailures, code)
	assert.Contains(t, out, "1 of 1 failing case new, 0 known")
	assert.Contains(t, out, "new: "+failingCase)
}

func TestRunUsageErrors(t *testing.T) {
	clearCredentials(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--no-such-flag"}, "unknown flag --no-such-flag"},
		{"bad profile", []string{"--profile", "lenient"}, `--profile "lenient" is neither strict nor documented`},
		{"bad shard", []string{"--shard", "3/2"}, `--shard "3/2" is not K/N`},
		{"shard not a fraction", []string{"--shard", "two"}, `--shard "two"`},
		{"bad checks", []string{"--checks", "nope"}, `unknown check "nope"`},
		{"stray argument", []string{"extra"}, "unexpected arguments: extra"},
		{"bad target", []string{"--target", "ftp://x"}, "neither emulator, aliyun nor an http"},
		{"missing expectations", []string{"--expectations", "/nonexistent/e.yaml"}, "--expectations"},
		{"missing baseline", []string{"--baseline", "/nonexistent/b.json"}, "--baseline"},
		{"URL without credentials", []string{"--target", "http://127.0.0.1:9"}, target.EnvKeyID + " and " + target.EnvKeySecret},
		{"bad run id", []string{"--run-id", "Has Spaces"}, "--run-id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := cli(t, append([]string{"run"}, tc.args...)...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, errOut, tc.want)
		})
	}
}

func TestRunHalfSetCredentials(t *testing.T) {
	clearCredentials(t)
	t.Setenv(target.EnvKeyID, "LTAIsomething")
	code, _, errOut := cli(t, "run", "--target", "http://127.0.0.1:9")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, target.EnvKeyID+" is set but "+target.EnvKeySecret+" is not")
	assert.NotContains(t, errOut, "LTAIsomething", "values are never printed")
}

func TestRunAliyunNeedsOptInAndPrintsPlan(t *testing.T) {
	clearCredentials(t)
	t.Setenv(target.EnvKeyID, "LTAIplanonly")
	t.Setenv(target.EnvKeySecret, "not-a-real-secret")
	code, out, errOut := cli(t, "run", "--target", "aliyun", "--region", "cn-shanghai", "--run-id", "plan1")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, out, "PLAN for run plan1 against https://slb.cn-shanghai.aliyuncs.com")
	assert.Contains(t, out, "pay-as-you-go load balancers")
	assert.Contains(t, out, "at most 5 per second")
	assert.Contains(t, out, "alive at once: at most")
	assert.Contains(t, out, "request budget: no case starts after 5000 requests")
	assert.Contains(t, out, "time budget: 30m0s for starting cases", "the real cloud's default budget fits the catalogue at 5 requests a second")
	assert.NotContains(t, out, "will not finish in it")
	assert.Contains(t, out, "certificates, ACLs and TLS policies, each as the account that created it", "the plan says what the run removes")
	assert.NotContains(t, out, "by hand")
	_, out, _ = cli(t, "run", "--target", "aliyun", "--region", "cn-shanghai", "--run-id", "plan1", "--budget", "1m")
	assert.Contains(t, out, "time budget: 1m0s for starting cases, then cleanup (the suite will not finish in it", "a budget given is kept")
	assert.Contains(t, errOut, "--"+costOptIn)
	assert.NotContains(t, out+errOut, "not-a-real-secret")
}

func TestRunUnreachableTarget(t *testing.T) {
	noRetryPauses(t)
	srv, _ := emulatorServer(t)
	url := srv.URL
	srv.Close()
	dir := t.TempDir()
	code, _, errOut := cli(t, runArgs("--target", url, "--out", dir)...)
	assert.Equal(t, exitUnreachable, code, errOut)
	assert.Contains(t, errOut, "target unreachable")
	rep := readReportFile(t, filepath.Join(dir, "report.json"))
	assert.True(t, rep.Summary.Aborted, "the report is written for an aborted run")
}

func TestRunURLTargetDefaultsToDocumented(t *testing.T) {
	srv, em := emulatorServer(t)
	dir := t.TempDir()
	code, out, errOut := cli(t, runArgs("--target", srv.URL, "--out", dir, "--run-id", "urlrun")...)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "profile documented")
	st, err := resources.ReadLedger(filepath.Join(dir, "ledger-urlrun.jsonl"), "urlrun")
	require.NoError(t, err)
	assert.Empty(t, st.Pending, "a finished run deleted what it created, and the ledger says so")
	assert.Empty(t, st.Manual, "nothing is left for removal by hand")
	assert.Empty(t, st.Unconfirmed)
	assert.Zero(t, emulatorHoldings(t, em), "no load balancer, certificate or ACL of either account remains")
}

// Cancelling the context stands for Ctrl-C: the run stops, removes what it made, writes its
// reports and exits 3.
func TestRunInterruptedCleansUpAndWritesReports(t *testing.T) {
	srv, _ := emulatorServer(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	testProgressHook = func(p contracts.Progress) {
		if p.Done >= 3 {
			once.Do(cancel)
		}
	}
	t.Cleanup(func() { testProgressHook = nil })
	var out, errb bytes.Buffer
	code := runWithContext(ctx, []string{"--target", srv.URL, "--out", dir, "--run-id", "intr", "--random", "-1", "--quiet", "--workers", "1"}, &out, &errb)
	assert.Equal(t, exitUnreachable, code, errb.String())
	assert.Contains(t, errb.String(), "interrupted")
	rep := readReportFile(t, filepath.Join(dir, "report.json"))
	assert.True(t, rep.Summary.Aborted)
	assert.Less(t, rep.Summary.Cases, 100, "the run stopped early")
	st, err := resources.ReadLedger(filepath.Join(dir, "ledger-intr.jsonl"), "intr")
	require.NoError(t, err)
	assert.Empty(t, st.Pending, "what the run created was removed")
	assert.Contains(t, out.String(), "aborted")
}

func TestRunHelp(t *testing.T) {
	code, _, errOut := cli(t, "run", "-h")
	assert.Equal(t, exitOK, code)
	for _, s := range []string{"--target", "--" + costOptIn, target.EnvRestrictedKeyID, "Exit status", "clbcheck cleanup"} {
		assert.True(t, strings.Contains(errOut, s), s)
	}
}

// Numbers that make no sense are usage errors that name the flags, before anything is sent.
func TestRunRejectsNonsenseNumbers(t *testing.T) {
	for _, args := range [][]string{{"--refusal-batch", "0"}, {"--workers", "0"}, {"--max-requests", "-1"}} {
		var out, errOut bytes.Buffer
		code := dispatch(append([]string{"run", "--target", "emulator", "--quiet"}, args...), &out, &errOut)
		assert.Equal(t, exitUsage, code, args)
		assert.Contains(t, errOut.String(), args[0], args)
	}
}

// The plan counts a refused case's share of a listing, so confirming refusals one by one
// plans more requests than the default batches.
func TestPlanCountsRefusalBatches(t *testing.T) {
	clearCredentials(t)
	t.Setenv(target.EnvKeyID, "LTAIplanonly")
	t.Setenv(target.EnvKeySecret, "not-a-real-secret")
	planned := func(extra ...string) int {
		_, out, _ := cli(t, append([]string{"run", "--target", "aliyun", "--region", "cn-shanghai", "--run-id", "plan2"}, extra...)...)
		m := regexp.MustCompile(`requests: about (\d+)`).FindStringSubmatch(out)
		require.Len(t, m, 2, out)
		n, err := strconv.Atoi(m[1])
		require.NoError(t, err)
		return n
	}
	batched, single := planned(), planned("--refusal-batch", "1")
	assert.Greater(t, single, batched+300, "one read-back per refusal against one listing per %d", 16)
}
