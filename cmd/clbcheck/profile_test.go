package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCPUProfileIsWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.prof")
	stop, err := startCPUProfile(path)
	require.NoError(t, err)
	cli(t, append([]string{"run"}, fastRun...)...)
	stop()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Positive(t, fi.Size(), "an empty profile")

	_, err = startCPUProfile(filepath.Join(t.TempDir(), "missing", "cpu.prof"))
	assert.Error(t, err, "a profile that cannot be created must be refused")
	stop, err = startCPUProfile("")
	require.NoError(t, err)
	stop()
}

func TestMemProfileIsWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "heap.prof")
	stop, err := startMemProfile(path)
	require.NoError(t, err)
	cli(t, append([]string{"run"}, fastRun...)...)
	stop()
	stop() // a second stop does nothing
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Greater(t, len(raw), 2, "an empty profile")
	assert.Equal(t, []byte{0x1f, 0x8b}, raw[:2], "a heap profile is gzipped protobuf, as go tool pprof reads it")

	_, err = startMemProfile(filepath.Join(t.TempDir(), "missing", "heap.prof"))
	assert.Error(t, err, "a profile that cannot be created must be refused")
	stop, err = startMemProfile("")
	require.NoError(t, err)
	stop()
}

// Both profiles start from their variables; a file that cannot be created is refused with the
// variable's name, and the profile started before it is stopped again.
func TestStartProfiles(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(cpuProfileEnv, filepath.Join(dir, "cpu.prof"))
	t.Setenv(memProfileEnv, filepath.Join(dir, "heap.prof"))
	stop, err := startProfiles()
	require.NoError(t, err)
	stop()
	for _, name := range []string{"cpu.prof", "heap.prof"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.Positive(t, fi.Size(), name)
	}

	t.Setenv(memProfileEnv, filepath.Join(dir, "missing", "heap.prof"))
	_, err = startProfiles()
	require.Error(t, err)
	assert.Contains(t, err.Error(), memProfileEnv)
	// The CPU profile started first was stopped: it can be started again.
	stop, err = startCPUProfile(filepath.Join(dir, "again.prof"))
	require.NoError(t, err, "the CPU profile was left running")
	stop()
}
