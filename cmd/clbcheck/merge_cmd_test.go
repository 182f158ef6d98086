package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shardRun runs shard k/n of a small suite with a fixed seed and returns its JSON report path.
func shardRun(t *testing.T, dir string, k, n int, extra ...string) string {
	t.Helper()
	path := filepath.Join(dir, "shard-"+string(rune('0'+k))+".json")
	args := append([]string{"run", "--max-cases", "6", "--random", "8", "--sequences", "-1", "--quiet", "--seed", "42",
		"--shard", string(rune('0'+k)) + "/" + string(rune('0'+n)), "--report-json", path}, extra...)
	code, _, errOut := cli(t, args...)
	require.Contains(t, []int{exitOK, exitFailures}, code, errOut)
	return path
}

func TestMergeShards(t *testing.T) {
	clearCredentials(t)
	dir := t.TempDir()
	var ins []string
	total := 0
	for k := 1; k <= 3; k++ {
		p := shardRun(t, dir, k, 3)
		rep := readReportFile(t, p)
		assert.Equal(t, string(rune('0'+k))+"/3", rep.Meta.Shard)
		total += rep.Summary.Cases
		ins = append(ins, p)
	}
	out := filepath.Join(dir, "merged.json")
	code, stdout, stderr := cli(t, append([]string{"merge", out}, ins...)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Empty(t, stderr, "three shards of one run merge without warnings")
	assert.Contains(t, stdout, "merged 3 reports")
	rep := readReportFile(t, out)
	assert.Equal(t, total, rep.Summary.Cases)
	assert.Equal(t, "pass", rep.Summary.Result)
	assert.Empty(t, rep.Meta.Shard)
	assert.Equal(t, int64(42), rep.Meta.Seed)
	assert.NotEmpty(t, rep.Coverage.Codes)

	// A shard missing and one given twice are named, and the merge still happens.
	code, _, stderr = cli(t, "merge", filepath.Join(dir, "partial.json"), ins[0], ins[0])
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "shard 1/3 is given twice")
	assert.Contains(t, stderr, "shards missing: 2/3, 3/3")
}

func TestMergeFailuresExitOne(t *testing.T) {
	clearCredentials(t)
	dir := t.TempDir()
	expect := overrideFile(t)
	// The deliberately failing case is early in the catalogue: shard 1 of 1 runs it.
	failing := filepath.Join(dir, "failing.json")
	code, _, errOut := cli(t, runArgs("--expectations", expect, "--report-json", failing, "--seed", "7")...)
	require.Equal(t, exitFailures, code, errOut)
	passing := filepath.Join(dir, "passing.json")
	code, _, errOut = cli(t, runArgs("--report-json", passing, "--seed", "8")...)
	require.Equal(t, exitOK, code, errOut)

	out := filepath.Join(dir, "merged.json")
	code, _, stderr := cli(t, "merge", out, passing, failing)
	assert.Equal(t, exitFailures, code, stderr)
	assert.Contains(t, stderr, "different seeds")
	rep := readReportFile(t, out)
	assert.Equal(t, "fail", rep.Summary.Result)
	require.NotEmpty(t, rep.Failures)
	assert.Contains(t, rep.Failures[0].ID, "negative/RegionId/LENGTH_ABOVE_MAXIMUM")
}

func TestMergeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := cli(t, "merge")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "OUT.json")
	code, _, _ = cli(t, "merge", filepath.Join(dir, "out.json"))
	assert.Equal(t, exitUsage, code)

	code, _, stderr = cli(t, "merge", filepath.Join(dir, "out.json"), filepath.Join(dir, "absent.json"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "absent.json")

	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"hello": 1}`), 0o644))
	code, _, stderr = cli(t, "merge", filepath.Join(dir, "out.json"), bad)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "not a clbcheck report")

	code, _, stderr = cli(t, "merge", bad, bad)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "also an input")
	_, err := os.Stat(filepath.Join(dir, "out.json"))
	assert.True(t, os.IsNotExist(err), "no output is written when an input is unreadable")

	code, _, _ = cli(t, "merge", "-h")
	assert.Equal(t, exitOK, code)
}

// `clbcheck merge shard-1.json shard-2.json` (the output forgotten) must not overwrite a shard:
// it is refused, the shard is left as it was, and -o or --force say what was meant.
func TestMergeNeverOverwritesAnInputBySlip(t *testing.T) {
	clearCredentials(t)
	dir := t.TempDir()
	one, two := shardRun(t, dir, 1, 2), shardRun(t, dir, 2, 2)
	before, err := os.ReadFile(one)
	require.NoError(t, err)

	code, _, stderr := cli(t, "merge", one, two)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "did you forget the output file?")
	assert.Contains(t, stderr, "-o OUT.json")
	after, err := os.ReadFile(one)
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after), "the shard is untouched")

	out := filepath.Join(dir, "merged.json")
	code, _, stderr = cli(t, "merge", "-o", out, one, two)
	require.Equal(t, exitOK, code, stderr)
	code, _, stderr = cli(t, "merge", "-o", out, one, two) // -o names the output: replacing it is meant
	require.Equal(t, exitOK, code, stderr)
	code, _, stderr = cli(t, "merge", "--force", out, one, two)
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "pass", readReportFile(t, out).Summary.Result)
}

// A merged report is as readable as the run's own reports (0644 under the usual umask), not
// private like a temporary file.
func TestMergedReportIsWorldReadable(t *testing.T) {
	clearCredentials(t)
	dir := t.TempDir()
	one := shardRun(t, dir, 1, 1)
	out := filepath.Join(dir, "merged.json")
	code, _, stderr := cli(t, "merge", "-o", out, one)
	require.Equal(t, exitOK, code, stderr)
	merged, err := os.Stat(out)
	require.NoError(t, err)
	run, err := os.Stat(one)
	require.NoError(t, err)
	assert.NotZero(t, merged.Mode().Perm()&0o044, "others may read it (CreateTemp alone gives 0600)")
	assert.Equal(t, run.Mode().Perm()&0o644, merged.Mode().Perm(), "the mode of a report the run wrote")
}
