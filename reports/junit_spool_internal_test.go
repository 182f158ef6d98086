package reports

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
)

// A JUnit report that spills its testcases to a temporary file many times is byte for byte the
// one written from memory, its memory never holds more than its limit, and the file is gone
// after End.
func TestJUnitSpoolMatchesInMemory(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var cases []contracts.CaseResult
	cats := []string{"positive", "negative", "random", "security"}
	for i := range 3000 {
		c := contracts.CaseResult{ID: fmt.Sprintf("%s/case-%05d", cats[i%4], rng.IntN(2000)), Category: cats[i%4],
			Verdict: contracts.Pass, Expected: "success", Actual: "200 success", DurationMS: float64(rng.IntN(50))}
		if i%7 == 0 {
			c.Verdict, c.SkipReason = contracts.Skip, "no fixture"
		}
		cases = append(cases, c) // ids repeat: ties keep their arrival order
	}
	sum := contracts.Summary{Cases: len(cases), Target: "emulator", Profile: "strict"}
	write := func(limit int) ([]byte, *JUnit, int) {
		var buf bytes.Buffer
		j := NewJUnit(&buf).(*JUnit)
		j.spool.limit = limit
		require.NoError(t, j.Begin(contracts.Meta{Tool: "clbcheck"}))
		most := 0
		for _, c := range cases {
			require.NoError(t, j.Case(c))
			most = max(most, j.spool.memBytes)
		}
		var runs int
		for _, ss := range j.spool.suites {
			runs += len(ss.runs)
		}
		var spooled string
		if j.spool.file != nil {
			spooled = j.spool.file.Name()
		}
		require.NoError(t, j.End(sum, contracts.Coverage{}))
		if spooled != "" {
			_, err := os.Stat(spooled)
			assert.True(t, os.IsNotExist(err), "the temporary file is removed at End")
		}
		return buf.Bytes(), j, runs
	}
	inMemory, _, runs := write(1 << 30)
	require.Zero(t, runs)
	spilled, _, runs := write(4 << 10)
	assert.Greater(t, runs, 40, "the small limit spills many sorted runs")
	assert.True(t, bytes.Equal(inMemory, spilled), "the spilled report differs from the one written from memory")
	assert.Equal(t, len(cases), bytes.Count(spilled, []byte("<testcase ")))
}

// Memory held by the spool stays under its limit whatever the number of cases.
func TestJUnitSpoolBoundsMemory(t *testing.T) {
	var buf bytes.Buffer
	j := NewJUnit(&buf).(*JUnit)
	j.spool.limit = 64 << 10
	require.NoError(t, j.Begin(contracts.Meta{Tool: "clbcheck"}))
	for i := range 20000 {
		require.NoError(t, j.Case(contracts.CaseResult{ID: fmt.Sprintf("random/1/%d", i), Category: "random", Verdict: contracts.Pass}))
		require.Less(t, j.spool.memBytes, 64<<10)
	}
	require.NoError(t, j.End(contracts.Summary{Cases: 20000}, contracts.Coverage{}))
	assert.Equal(t, 20000, bytes.Count(buf.Bytes(), []byte("<testcase ")))
}
