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
