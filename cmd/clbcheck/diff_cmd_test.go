package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A run recorded against the emulator replays offline with the same verdicts, and the diff of
// the emulator against that recording finds nothing.
func TestRecordReplayAndDiff(t *testing.T) {
	dir := t.TempDir()
	cassette := filepath.Join(dir, "cassette")
	common := []string{"--workers", "1", "--seed", "3", "--random", "4", "--sequences", "1", "--quiet"}
	var out, errOut bytes.Buffer
	code := dispatch(append([]string{"run", "--record", cassette, "--out", filepath.Join(dir, "rec")}, common...), &out, &errOut)
	require.Equal(t, exitOK, code, errOut.String())
	files, _ := filepath.Glob(filepath.Join(cassette, "*.json"))
	require.Greater(t, len(files), 100)

	out.Reset()
	errOut.Reset()
	code = dispatch(append([]string{"run", "--replay", cassette, "--out", filepath.Join(dir, "rep")}, common...), &out, &errOut)
	require.Equal(t, exitOK, code, out.String()+errOut.String())
	_, err := os.Stat(filepath.Join(dir, "rep", "report.json"))
	require.NoError(t, err)

	out.Reset()
	errOut.Reset()
	code = dispatch([]string{"diff", "--a", "emulator", "--b", "cassette:" + cassette, "--seed", "3", "--random", "4", "--sequences", "1"}, &out, &errOut)
	assert.Equal(t, exitOK, code, out.String()+errOut.String())
	assert.Contains(t, out.String(), "no difference")
}

func TestDiffUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, exitUsage, dispatch([]string{"diff", "--a", "emulator"}, &out, &errOut))
	assert.Equal(t, exitUsage, dispatch([]string{"diff", "--a", "emulator", "--b", "cassette:/nonexistent"}, &out, &errOut))
	assert.Contains(t, errOut.String(), "record it with --record")
	assert.Equal(t, exitUsage, dispatch([]string{"run", "--record", t.TempDir(), "--replay", t.TempDir()}, &out, &errOut))
}
