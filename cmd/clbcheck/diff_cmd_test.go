package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clbcheck/clbcheck/cassette"
	"github.com/clbcheck/clbcheck/target"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// record runs a small suite against the embedded emulator into a fresh cassette.
func record(t *testing.T, extra ...string) string {
	t.Helper()
	cassette := filepath.Join(t.TempDir(), "cassette")
	args := append([]string{"run", "--record", cassette, "--seed", "3", "--random", "4", "--sequences", "1", "--max-cases", "120", "--quiet"}, extra...)
	code, _, errOut := cli(t, args...)
	require.Equal(t, exitOK, code, errOut)
	return cassette
}

// A run recorded against the emulator replays offline with the same verdicts, without being
// told its settings again (the cassette holds them), and the diff of the emulator against that
// recording, with diff's defaults, finds nothing.
func TestRecordReplayAndDiff(t *testing.T) {
	clearCredentials(t)
	rec := record(t)
	files, _ := filepath.Glob(filepath.Join(rec, "*.json"))
	require.Greater(t, len(files), 100)
	meta, err := cassette.ReadMeta(rec)
	require.NoError(t, err)
	assert.Equal(t, []string{"3"}, meta.Run["seed"])
	assert.Equal(t, []string{"4"}, meta.Run["random"])
	assert.Equal(t, []string{"1"}, meta.Run["sequences"])
	assert.Equal(t, []string{"1"}, meta.Run["workers"], "a recording runs one worker unless told otherwise")

	dir := t.TempDir()
	code, out, errOut := cli(t, "run", "--replay", rec, "--out", dir, "--quiet")
	require.Equal(t, exitOK, code, out+errOut)
	rep := readReportFile(t, filepath.Join(dir, "report.json"))
	assert.Equal(t, int64(3), rep.Summary.Seed, "the replay took the recording's seed")

	code, out, errOut = cli(t, "diff", "--a", "emulator", "--b", "cassette:"+rec)
	assert.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, out, "seed 3;")
	assert.Contains(t, out, "no difference")
}

// Replaying with settings other than the recording's is refused at once, naming the flag.
func TestReplayRefusesOtherSettings(t *testing.T) {
	clearCredentials(t)
	dir := record(t)
	for _, args := range [][]string{{"--seed", "4"}, {"--random", "8"}, {"--include", "negative"}} {
		code, _, errOut := cli(t, append([]string{"run", "--replay", dir, "--quiet"}, args...)...)
		assert.Equal(t, exitUsage, code, args)
		assert.Contains(t, errOut, args[0]+" "+args[1]+" differs from the recording's", args)
	}
	code, out, errOut := cli(t, "diff", "--a", "emulator", "--b", "cassette:"+dir, "--seed", "9")
	assert.Equal(t, exitUsage, code, out)
	assert.Contains(t, errOut, "--seed 9 differs from the recording's 3")
}

// --record into a folder that holds a recording is refused and leaves the recording as it was.
func TestRecordNeverReplacesACassette(t *testing.T) {
	clearCredentials(t)
	rec := record(t)
	before, _ := filepath.Glob(filepath.Join(rec, "*.json"))
	code, _, errOut := cli(t, "run", "--record", rec, "--max-cases", "2", "--quiet")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "a cassette is already recorded there")
	assert.Contains(t, errOut, "record into a new folder")
	after, _ := filepath.Glob(filepath.Join(rec, "*.json"))
	assert.Equal(t, before, after, "not a file of the recording was removed")
}

// A recording without its settings (made by an older clbcheck) replayed with another seed
// misses: the misses are answered at once, never retried, and the run ends within its budget.
// Before, shrinking and retry backoff on the misses kept this run going past 15 minutes
// whatever --budget said.
func TestReplayMissesDoNotHang(t *testing.T) {
	clearCredentials(t)
	rec := filepath.Join(t.TempDir(), "cassette")
	// The random cases and the one valid case are enough: a replay with another seed sends
	// random cases the cassette lacks, which fail and are shrunk (target and contracts test
	// the two causes of the old hang on their own: retried misses, shrinking past the budget).
	code, _, errOut := cli(t, "run", "--record", rec, "--seed", "3", "--random", "32", "--sequences", "1", "--include", "random",
		"--include", "positive/base", "--quiet")
	require.Equal(t, exitOK, code, errOut)
	metaPath := filepath.Join(rec, "cassette-meta.json")
	meta, err := cassette.ReadMeta(rec)
	require.NoError(t, err)
	meta.Run = nil
	raw, err := json.Marshal(meta)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(metaPath, raw, 0o644))

	start := time.Now()
	code, out, errOut := cli(t, "run", "--replay", rec, "--seed", "99", "--random", "32", "--sequences", "1", "--include", "random",
		"--include", "positive/base", "--budget", "1s", "--quiet")
	elapsed := time.Since(start)
	assert.Equal(t, exitFailures, code, errOut)
	assert.Contains(t, out, "ClbcheckReplayMiss", "the misses are reported as what they are")
	assert.Less(t, elapsed, 2*time.Minute, "a replay that left its recording's path ends")
}

func TestDiffUsage(t *testing.T) {
	var out, errOut strings.Builder
	assert.Equal(t, exitUsage, dispatch([]string{"diff", "--a", "emulator"}, &out, &errOut))
	assert.Equal(t, exitUsage, dispatch([]string{"diff", "--a", "emulator", "--b", "cassette:/nonexistent"}, &out, &errOut))
	assert.Contains(t, errOut.String(), "record it with --record")
	assert.Equal(t, exitUsage, dispatch([]string{"run", "--record", t.TempDir(), "--replay", t.TempDir()}, &out, &errOut))
}

// A case one side skips because it has no credentials for its principal is not a difference.
func TestDiffDoesNotCountMissingCredentials(t *testing.T) {
	srv, _ := emulatorServer(t) // sets primary, second and restricted credentials, not disabled
	t.Setenv(target.EnvSecondKeyID, "")
	t.Setenv(target.EnvSecondSecret, "")
	code, out, errOut := cli(t, "diff", "--a", "emulator", "--b", srv.URL, "--include", "security", "--random", "-1", "--sequences", "-1")
	assert.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, out, "no difference")
	assert.Contains(t, out, "not compared: one side has no credentials for the principal")
	assert.NotContains(t, out, "1 differences")
}
