package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
)

func runSelftestCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return cli(t, append([]string{"selftest"}, args...)...)
}

func TestSelftestList(t *testing.T) {
	code, out, errOut := runSelftestCLI(t, "--list")
	require.Equal(t, exitOK, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	faults := emulator.InjectableFaults()
	require.Len(t, lines, len(faults)+1)
	assert.Regexp(t, `^FAULT\s+CATEGORY\s+BREAKS\s+SUBJECT\s+DIRECTION\s+BASIS\s+DESCRIPTION$`, lines[0])
	for i, f := range faults {
		assert.True(t, strings.HasPrefix(lines[i+1], f.Name+" "), lines[i+1])
		assert.Contains(t, lines[i+1], f.Description)
		assert.Contains(t, lines[i+1], " "+f.Direction+" ")
		assert.Contains(t, lines[i+1], " "+string(f.Basis)+" ")
	}
}

func TestSelftestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--faults", "no-such-fault"},
		{"--faults", " , "},
		{"--variants", "no-such-variant"},
		{"--profile", "lenient"},
		{"--parallel", "0"},
		{"extra"},
		{"--no-such-flag"},
	} {
		code, _, errOut := runSelftestCLI(t, args...)
		assert.Equal(t, exitUsage, code, "%v: %s", args, errOut)
	}
	code, _, errOut := runSelftestCLI(t, "-h")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, errOut, "Kill matrix")
	assert.Contains(t, errOut, "Precision")
}

// Two faults and the faithful emulator: the table, the progress lines and the JSON report.
func TestSelftestRunsAndWritesJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "matrix.json")
	code, out, errOut := runSelftestCLI(t, "--faults", "content-type/text-plain,state/created-running", "--variants", "none", "--report-json", path)
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Regexp(t, `(?m)^FAULT\s+CATEGORY\s+BASIS\s+PROFILE\s+DETECTED\s+CHECK\s+CASES\s+REQUESTS\s+TIME\s+FIRST FAILING CASE$`, out)
	assert.Regexp(t, `(?m)^content-type/text-plain\s+content-type\s+inferred\s+strict\s+yes\s+content-type\s+1\s`, out)
	assert.Regexp(t, `(?m)^state/created-running\s+state\s+documented\s+documented\s+yes\s+listener-created\s+1\s`, out)
	assert.Contains(t, out, "false positives: 0 over the faithful emulator and 0 conforming variants")
	assert.Contains(t, out, "no false positives")
	assert.Contains(t, out, "detected 2 of 2 faults")
	assert.Contains(t, out, "cases until detection: median 1, worst 1")
	assert.Regexp(t, `requests until detection: median \d+, worst \d+ `, out)
	assert.Contains(t, errOut, "faithful emulator:")
	assert.Contains(t, errOut, "[2/2]")

	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var m struct {
		Faithful struct {
			Cases  int `json:"cases"`
			Failed int `json:"failed"`
		} `json:"faithful"`
		Faults []struct {
			Fault    string `json:"fault"`
			Detected bool   `json:"detected"`
			Check    string `json:"check"`
			Cases    int    `json:"casesUntilDetection"`
		} `json:"faults"`
		Detected       int   `json:"detected"`
		Total          int   `json:"total"`
		FalsePositives *int  `json:"falsePositives"`
		Precision      []any `json:"precision"`
	}
	require.NoError(t, json.Unmarshal(raw, &m))
	require.NotNil(t, m.FalsePositives, "the report carries falsePositives")
	assert.Zero(t, *m.FalsePositives)
	assert.Empty(t, m.Precision)
	assert.Positive(t, m.Faithful.Cases)
	assert.Zero(t, m.Faithful.Failed)
	assert.Equal(t, 2, m.Total)
	assert.Equal(t, 2, m.Detected)
	require.Len(t, m.Faults, 2)
	assert.Equal(t, "content-type/text-plain", m.Faults[0].Fault)
	assert.Equal(t, "content-type", m.Faults[0].Check)
	assert.Equal(t, 1, m.Faults[0].Cases)
}

// Ctrl-C (a cancelled context) ends the self-test with the aborted status.
func TestSelftestInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := selftestWithContext(ctx, []string{"--faults", "state/created-running", "--quiet"}, &out, &errb)
	assert.Equal(t, exitUnreachable, code, errb.String())
	assert.Contains(t, errb.String(), "interrupted")
}

// The precision runs: a conforming variant's failing cases are false positives, counted and
// listed with their checks in the table and the JSON report, and they fail the self-test.
func TestSelftestVariants(t *testing.T) {
	code, out, errOut := runSelftestCLI(t, "--list-variants")
	require.Equal(t, exitOK, code, errOut)
	assert.Regexp(t, `(?m)^VARIANT\s+SETTINGS$`, out)
	assert.Contains(t, out, "scope=page-only")
	assert.Contains(t, out, "pairwise-")

	path := filepath.Join(t.TempDir(), "matrix.json")
	code, out, errOut = runSelftestCLI(t, "--faults", "none", "--variants", "codes=alternative", "--report-json", path, "--quiet")
	require.Contains(t, []int{exitOK, exitFailures}, code, errOut)
	assert.Regexp(t, `(?m)^VARIANT\s+CASES\s+FALSE POSITIVES\s+WARNINGS\s+SKIPPED\s+TIME$`, out)
	assert.Regexp(t, `(?m)^codes=alternative\s+\d{3,}\s`, out)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var m struct {
		FalsePositives int `json:"falsePositives"`
		Precision      []struct {
			Variant  string `json:"variant"`
			Profile  string `json:"profile"`
			Cases    int    `json:"cases"`
			Failed   int    `json:"failed"`
			Settings []struct {
				Dimension string `json:"dimension"`
				Value     string `json:"value"`
			} `json:"settings"`
		} `json:"precision"`
	}
	require.NoError(t, json.Unmarshal(raw, &m))
	require.Len(t, m.Precision, 1)
	p := m.Precision[0]
	assert.Equal(t, "codes=alternative", p.Variant)
	assert.Equal(t, "documented", p.Profile)
	assert.Positive(t, p.Cases)
	assert.Equal(t, m.FalsePositives, p.Failed)
	assert.Equal(t, p.Failed == 0, code == exitOK)
	require.Len(t, p.Settings, 1)
	assert.Equal(t, "codes", p.Settings[0].Dimension)
}
