package bench_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
)

// TestStateFileFollowsAHarnessRun runs the suite against an emulator that keeps its state in a
// file, then loads a copy of that file and its journal into a second emulator: the state it
// rebuilds is the one the first emulator serves. The suite calls every operation the harness
// knows, so an operation whose changes the journal misses shows here.
func TestStateFileFollowsAHarnessRun(t *testing.T) {
	dir := t.TempDir()
	cfg := emulator.DefaultConfig()
	cfg.StateFile = filepath.Join(dir, "state.json")
	tg, err := embedded.New(cfg)
	require.NoError(t, err)
	defer tg.Emu.Close()
	sum, _, err := contracts.Execute(context.Background(), tg, contracts.Options{Profile: contracts.ProfileStrict, Seed: 1, Workers: 4})
	require.NoError(t, err)
	require.Zero(t, sum.Failed)
	want, err := tg.Emu.Snapshot()
	require.NoError(t, err)

	copyDir := t.TempDir()
	for _, name := range []string{"state.json", "state.json.journal"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(copyDir, name), data, 0o600))
	}
	fi, err := os.Stat(filepath.Join(copyDir, "state.json.journal"))
	require.NoError(t, err)
	require.Positive(t, fi.Size(), "the run's changes are (at least partly) in the journal")
	cfg.StateFile = filepath.Join(copyDir, "state.json")
	again, err := emulator.New(cfg)
	require.NoError(t, err)
	defer again.Close()
	got, err := again.Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))
	t.Logf("%d cases; state of %d bytes, journal of %d bytes", sum.Cases, len(want), fi.Size())
}
