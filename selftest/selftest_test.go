package selftest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
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

// The two properties the self-test advertises, on the whole catalogue and every conforming
// variant: no false positive (no case fails against an emulator that conforms to the page) and
// every fault detected (under the documented profile; faults breaking only what the
// description infers under strict). It runs the harness some 270 times (about half a minute
// on two cores), too slow under the race detector: `make test` runs it in a separate step
// without -race (see the Makefile).
func TestPrecisionAndKillMatrix(t *testing.T) {
	if testing.Short() || raceBuild {
		t.Skip("runs the harness against every variant; make test runs it without -race")
	}
	started := time.Now()
	m, err := selftest.Run(context.Background(), selftest.Options{StopAtFirst: true})
	require.NoError(t, err)
	var table bytes.Buffer
	require.NoError(t, m.WriteTable(&table))
	t.Logf("precision and kill matrices (%s):\n%s", time.Since(started).Round(time.Millisecond), table.String())

	require.Empty(t, m.Faithful.Error)
	assert.Equal(t, contracts.ProfileDocumented, m.Faithful.Profile)
	assert.Greater(t, m.Faithful.Cases, 700)
	assert.Len(t, m.Precision, len(selftest.Variants(selftest.Dimensions())))
	for _, p := range m.Precision {
		assert.Empty(t, p.Error, p.Name)
		assert.Equal(t, contracts.ProfileDocumented, p.Profile, p.Name)
		assert.Greater(t, p.Cases, 700, p.Name)
	}
	assert.Zero(t, m.FalsePositives, "false positives against conforming emulators (listed above)")
	require.Len(t, m.Rows, len(emulator.InjectableFaults()))
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
			// Its position counts results in the order they were reported: a refused case waits for
			// its batch's state check, so cases run after it may be reported first, and the
			// requests up to its own answer can be fewer than that position.
			assert.LessOrEqual(t, r.CasesUntil, r.Cases, "%s: reported within the cases that ran", r.Fault)
			assert.Positive(t, r.RequestsUntil, "%s: the finding judged an answer", r.Fault)
		}
	}
	assert.True(t, m.OK())
	assertReadmeFigures(t, m)
}

// assertReadmeFigures checks the cases until detection the README states against the kill
// matrix just measured: with one worker and a fixed seed the order of results, and so those
// figures, are the same on every run (the requests are not: asynchronous states are polled).
func assertReadmeFigures(t *testing.T, m *selftest.Matrix) {
	t.Helper()
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	got := regexp.MustCompile(`median ([\d.]+) cases, worst (\d+) cases\)`).FindSubmatch(readme)
	require.NotNil(t, got, "the README states the kill matrix's cases until detection")
	assert.Equal(t, string(got[1]), fmt.Sprint(m.MedianCases), "median cases until detection: measured, and as the README states it")
	assert.Equal(t, string(got[2]), fmt.Sprint(m.WorstCases), "worst cases until detection: measured, and as the README states it")
}

// Every pair of settings of two dimensions is in some row of the covering set, the set is the
// same on every call, and it is small.
func TestPairwiseCoversEveryPair(t *testing.T) {
	check := func(t *testing.T, dims []selftest.Dimension) [][]int {
		rows := selftest.Pairwise(dims)
		assert.Equal(t, rows, selftest.Pairwise(dims), "deterministic")
		for i := range dims {
			for j := i + 1; j < len(dims); j++ {
				for a := range dims[i].Values {
					for b := range dims[j].Values {
						found := false
						for _, row := range rows {
							found = found || (row[i] == a && row[j] == b)
						}
						assert.True(t, found, "%s=%s with %s=%s", dims[i].Name, dims[i].Values[a], dims[j].Name, dims[j].Values[b])
					}
				}
			}
		}
		return rows
	}
	dims := selftest.Dimensions()
	rows := check(t, dims)
	assert.LessOrEqual(t, len(rows), 14, "a covering set of %d dimensions", len(dims))
	var three []selftest.Dimension
	for i := 0; i < 5; i++ {
		three = append(three, selftest.Dimension{Name: fmt.Sprint("d", i), Values: []string{"a", "b", "c"}})
	}
	rows = check(t, three)
	assert.GreaterOrEqual(t, len(rows), 9, "no covering set of 3x3 values has fewer rows")
	assert.LessOrEqual(t, len(rows), 15)
}

// Every variant is a valid configuration that builds an emulator; each setting has a variant
// of its own, and every variant differs from the emulator as it ships.
func TestVariantsBuild(t *testing.T) {
	dims := selftest.Dimensions()
	variants := selftest.Variants(dims)
	names := map[string]bool{}
	for _, v := range variants {
		assert.False(t, names[v.Name], "variant %s twice", v.Name)
		names[v.Name] = true
		assert.NotEmpty(t, v.Settings, v.Name)
		cfg := v.Config()
		require.NoError(t, cfg.Check(), v.Name)
		_, err := emulator.New(cfg)
		require.NoError(t, err, v.Name)
	}
	for _, d := range dims {
		require.GreaterOrEqual(t, len(d.Values), 2, d.Name)
		for _, val := range d.Values[1:] {
			assert.True(t, names[d.Name+"="+val], "no variant of %s=%s alone", d.Name, val)
		}
	}
	// The settings reach the emulator.
	for _, v := range variants {
		if v.Name == "scope=page-only" {
			assert.True(t, v.Config().Choices.PageOnly)
		}
		if v.Name == "quotas=none" {
			em, err := emulator.New(v.Config())
			require.NoError(t, err)
			quotas, _ := em.Offered()
			assert.Empty(t, quotas)
		}
	}
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
	m, err := selftest.Run(context.Background(), selftest.Options{Faults: []string{"validation/IdleTimeout/minimum"}, Variants: []string{}, StopAtFirst: true,
		Random: -1, Sequences: -1, Filter: func(c generators.Case) bool { return strings.Contains(c.ID, "IdleTimeout") }})
	require.NoError(t, err)
	require.Len(t, m.Rows, 1)
	r := m.Rows[0]
	assert.True(t, r.Detected)
	assert.Equal(t, contracts.CheckExpectedOutcome, r.Check)
	assert.Contains(t, r.Case, "IdleTimeout/VALUE_BELOW_MINIMUM")
	// Each case up to the detecting one sent at least one request; the summary takes them up.
	assert.GreaterOrEqual(t, r.RequestsUntil, r.CasesUntil)
	assert.Equal(t, m.MedianRequests, float64(r.RequestsUntil))
	assert.Zero(t, m.Faithful.Failed)
	assert.True(t, m.OK())
}

func TestMatrixRendering(t *testing.T) {
	m := &selftest.Matrix{Seed: 1, Total: 3, Duration: 2500 * time.Millisecond, Detected: 2, Missed: []string{"c/z"}, MedianCases: 2.5, WorstCases: 4, WorstFault: "b/y",
		MedianRequests: 7.5, WorstRequests: 12, WorstRequestsFault: "b/y",
		Faithful: selftest.Row{Fault: selftest.Faithful, Cases: 10},
		Rows: []selftest.Row{
			{Fault: "a/x", Category: "a", Detected: true, Check: "request-id", CasesUntil: 1, RequestsUntil: 3, Case: "positive/base", TimeToDetect: 1500 * time.Microsecond},
			{Fault: "b/y", Category: "b", Detected: true, Check: "expected-outcome", CasesUntil: 4, RequestsUntil: 12, Case: "negative/x", TimeToDetect: 2 * time.Second},
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
	assert.Contains(t, out, "cases until detection: median 2.5, worst 4 (b/y)")
	assert.Contains(t, out, "requests until detection: median 7.5, worst 12 (b/y)")
	reqCol := strings.Index(lines[0], "REQUESTS")
	assert.Equal(t, "12", strings.Fields(lines[2][reqCol:])[0])
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
			Requests int     `json:"requestsUntilDetection"`
			TimeMS   float64 `json:"timeToDetectMs"`
		} `json:"faults"`
		Median  float64  `json:"medianCasesUntilDetection"`
		Seconds float64  `json:"durationSeconds"`
		Worst   int      `json:"worstCasesUntilDetection"`
		MedianR float64  `json:"medianRequestsUntilDetection"`
		WorstR  int      `json:"worstRequestsUntilDetection"`
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
	assert.Equal(t, 12, back.Faults[1].Requests)
	assert.Equal(t, 7.5, back.MedianR)
	assert.Equal(t, 12, back.WorstR)
	assert.Equal(t, []string{"c/z"}, back.Missed)
}
