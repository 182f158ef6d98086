package selftest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/selftest"
)

// Every fault of the catalogue is caught by a default run (one worker, fixed seed), and the
// faithful emulator shows no failure. Each variant's run stops at its first failing case,
// which gives the same matrix in a fraction of the time.
func TestKillMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the harness against every variant")
	}
	started := time.Now()
	m, err := selftest.Run(context.Background(), selftest.Options{StopAtFirst: true, Parallel: 4})
	require.NoError(t, err)
	var table bytes.Buffer
	require.NoError(t, m.WriteTable(&table))
	t.Logf("kill matrix (%s):\n%s", time.Since(started).Round(time.Millisecond), table.String())

	require.Empty(t, m.Faithful.Error)
	assert.Zero(t, m.Faithful.Failed, "false positives against the faithful emulator: first %s (%v)", m.Faithful.Case, m.Faithful.Checks)
	assert.Zero(t, m.Faithful.Skipped)
	assert.Zero(t, m.Faithful.Warnings)
	assert.Greater(t, m.Faithful.Cases, 700)
	require.Len(t, m.Rows, len(emulator.InjectableFaults()))
	assert.GreaterOrEqual(t, m.Total, 40)
	for _, r := range m.Rows {
		assert.Empty(t, r.Error, r.Fault)
		if note, known := selftest.KnownMisses[r.Fault]; known {
			if r.Detected {
				t.Logf("%s is listed as a known miss (%s) but was caught by %s: drop it from KnownMisses", r.Fault, note, r.Check)
			}
			continue
		}
		if assert.True(t, r.Detected, "fault %s (%s) went unnoticed", r.Fault, r.Description) {
			assert.NotEmpty(t, r.Check, r.Fault)
			assert.Positive(t, r.CasesUntil, r.Fault)
		}
	}
	assert.Equal(t, len(selftest.KnownMisses) == 0, m.OK())
	assert.Positive(t, m.MedianCases)
	assert.GreaterOrEqual(t, float64(m.WorstCases), m.MedianCases)
}

// A fault name that is neither in the catalogue nor a validation pair of the description is
// refused before anything runs.
func TestUnknownFault(t *testing.T) {
	_, err := selftest.Run(context.Background(), selftest.Options{Faults: []string{"no-such-fault"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no-such-fault")
}

// A fault outside the catalogue but constrained by the description runs like any other.
func TestValidationPairOutsideTheCatalogue(t *testing.T) {
	m, err := selftest.Run(context.Background(), selftest.Options{Faults: []string{"validation/IdleTimeout/minimum"}, StopAtFirst: true,
		Random: -1, Sequences: -1, Filter: func(c generators.Case) bool { return strings.Contains(c.ID, "IdleTimeout") }})
	require.NoError(t, err)
	require.Len(t, m.Rows, 1)
	r := m.Rows[0]
	assert.True(t, r.Detected)
	assert.Equal(t, contracts.CheckExpectedOutcome, r.Check)
	assert.Contains(t, r.Case, "IdleTimeout/VALUE_BELOW_MINIMUM")
	assert.Zero(t, m.Faithful.Failed)
	assert.True(t, m.OK())
}

func TestMatrixRendering(t *testing.T) {
	m := &selftest.Matrix{Seed: 1, Total: 3, Duration: 2500 * time.Millisecond, Detected: 2, Missed: []string{"c/z"}, MedianCases: 2.5, WorstCases: 4, WorstFault: "b/y",
		Faithful: selftest.Row{Fault: selftest.Faithful, Cases: 10},
		Rows: []selftest.Row{
			{Fault: "a/x", Category: "a", Detected: true, Check: "request-id", CasesUntil: 1, Case: "positive/base", TimeToDetect: 1500 * time.Microsecond},
			{Fault: "b/y", Category: "b", Detected: true, Check: "expected-outcome", CasesUntil: 4, Case: "negative/x", TimeToDetect: 2 * time.Second},
			{Fault: "c/z", Category: "c", Description: "never seen", Note: "a case that does z"},
		}}
	var b bytes.Buffer
	require.NoError(t, m.WriteTable(&b))
	out := b.String()
	lines := strings.Split(out, "\n")
	// Aligned: the CHECK column starts at the same offset on every row.
	col := strings.Index(lines[0], "CHECK")
	assert.Equal(t, col, strings.Index(lines[1], "request-id"))
	assert.Equal(t, col, strings.Index(lines[2], "expected-outcome"))
	assert.Contains(t, out, "detected 2 of 3 faults")
	assert.Contains(t, out, "median 2.5, worst 4 (b/y)")
	assert.Contains(t, out, "not detected: c/z: never seen")
	assert.Contains(t, out, "would be detected by: a case that does z")
	assert.Contains(t, out, "no false positives")

	b.Reset()
	require.NoError(t, m.WriteJSON(&b))
	var back struct {
		Faults []struct {
			Fault    string  `json:"fault"`
			Detected bool    `json:"detected"`
			Cases    int     `json:"casesUntilDetection"`
			TimeMS   float64 `json:"timeToDetectMs"`
		} `json:"faults"`
		Median  float64  `json:"medianCasesUntilDetection"`
		Seconds float64  `json:"durationSeconds"`
		Worst   int      `json:"worstCasesUntilDetection"`
		Missed  []string `json:"missed"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &back))
	require.Len(t, back.Faults, 3)
	assert.Equal(t, 4, back.Faults[1].Cases)
	assert.Equal(t, 2.0, back.Faults[0].TimeMS, "whole milliseconds, from TimeToDetect")
	assert.Equal(t, 2000.0, back.Faults[1].TimeMS)
	assert.Equal(t, 2.5, back.Median)
	assert.Equal(t, 2.5, back.Seconds, "seconds, from Duration")
	assert.Equal(t, 4, back.Worst)
	assert.Equal(t, []string{"c/z"}, back.Missed)
}
