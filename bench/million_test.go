package bench_test

import (
	"os"
	"testing"
	"time"
)

// millionEnv switches on BenchmarkRunMillion; `make bench-million` sets it.
const millionEnv = "CLBCHECK_BENCH_MILLION"

// millionMaxRSSMB is the peak resident size a million-case in-process run must stay under.
const millionMaxRSSMB = 150

// BenchmarkRunMillion: `clbcheck run --random 1000000 --budget 0 --quiet --sequences -1` against
// the embedded emulator, one process from its start to its report written, as in
// BenchmarkRunEndToEnd. All its requests (about 1.5 million) fall inside one 15-minute replay
// window, so the emulator's replay cache holds every nonce of the run at once. It fails unless
// the run exits 0 (every case judged and passed, no transient trouble over the limit) with a
// peak RSS under 150 MB. Minutes long, so it runs only with CLBCHECK_BENCH_MILLION=1
// (`make bench-million`); `make bench` skips it.
func BenchmarkRunMillion(b *testing.B) {
	if os.Getenv(millionEnv) == "" {
		b.Skipf("minutes long: set %s=1 (make bench-million) to run it", millionEnv)
	}
	var wall, cpu time.Duration
	var rss float64
	cases := 0
	for i := 0; i < b.N; i++ {
		w, c, r, n, _ := runProcess(b, nil, 1_000_000)
		wall, cpu, rss, cases = wall+w, cpu+c, max(rss, r), cases+n
	}
	b.ReportMetric(float64(cases)/wall.Seconds(), "case/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(cases), "cpu-µs/case")
	b.ReportMetric(rss, "maxrss-MB")
	if rss >= millionMaxRSSMB {
		b.Fatalf("peak RSS %.1f MB, over the %d MB a million-case run may take", rss, millionMaxRSSMB)
	}
}
