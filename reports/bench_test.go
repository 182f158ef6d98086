package reports_test

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/reports"
)

// benchStream is 10,000 cases: mostly passes, one in fifty failing across a few causes, and
// some warnings and skips, which is the mix a long run produces.
func benchStream() []contracts.CaseResult {
	base := fixtureCases()
	out := make([]contracts.CaseResult, 0, 10_000)
	for i := range 10_000 {
		var c contracts.CaseResult
		switch {
		case i%50 == 0:
			c = base[1+(i/50)%2*2] // the ListenerPort or the cookie-required failure
			c.Size = i % 17
		case i%97 == 0:
			c = base[5]
		case i%89 == 0:
			c = base[7]
		default:
			c = base[0]
		}
		c.ID = fmt.Sprintf("%s/%d", c.ID, i)
		out = append(out, c)
	}
	return out
}

func BenchmarkJSONAndConsole10k(b *testing.B) {
	cases := benchStream()
	sum := contracts.Summary{Target: "emulator", Cases: len(cases)}
	cov := fixtureCoverage()
	b.ReportAllocs()
	for b.Loop() {
		r := reports.Multi(reports.NewJSON(io.Discard), reports.NewConsole(io.Discard))
		if err := r.Begin(fixtureMeta()); err != nil {
			b.Fatal(err)
		}
		for _, c := range cases {
			if err := r.Case(c); err != nil {
				b.Fatal(err)
			}
		}
		if err := r.End(sum, cov); err != nil {
			b.Fatal(err)
		}
	}
}

// Writers other than JUnit keep nothing of a passing case, so a long run of passes leaves the
// heap where it was. JUnit lists every case: it holds at most its spool's 8 MB of them in memory
// and writes the rest to a temporary file, so 120,000 cases (some 16 MB of XML) leave it under
// 11 MB.
func TestMemoryStaysFlatOnPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap over 50,000 cases")
	}
	for _, w := range writers() {
		n, most := 50_000, int64(1<<20)
		if w.format == "junit" {
			n, most = 120_000, 11<<20
		}
		t.Run(w.format, func(t *testing.T) {
			r := w.mk(&bytes.Buffer{})
			require.NoError(t, r.Begin(fixtureMeta()))
			c := pass("positive/minimal", "positive", "VALID_MINIMAL", 5)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for i := range n {
				c.ID = "positive/" + strconv.Itoa(i)
				require.NoError(t, r.Case(c))
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			runtime.KeepAlive(r)
			grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			assert.Less(t, grown, most, "the heap grew by %d bytes over %d passing cases", grown, n)
		})
	}
}
