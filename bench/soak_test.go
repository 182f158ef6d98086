package bench_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clbcheck/clbcheck/bench"
	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
)

// streamReporter writes every result as a JSON line as it arrives and keeps nothing: what a
// long run must do to stay at a flat size.
type streamReporter struct {
	w   *bufio.Writer
	enc *json.Encoder
	n   atomic.Int64
}

func newStreamReporter(f *os.File) *streamReporter {
	w := bufio.NewWriter(f)
	return &streamReporter{w: w, enc: json.NewEncoder(w)}
}

func (r *streamReporter) Begin(contracts.Meta) error { return nil }
func (r *streamReporter) Case(c contracts.CaseResult) error {
	r.n.Add(1)
	return r.enc.Encode(c)
}
func (r *streamReporter) End(contracts.Summary, contracts.Coverage) error { return r.w.Flush() }

// TestSoak runs the whole suite (512 random cases instead of 64, stateful cases and sequences
// included) again and again against one embedded emulator for a bounded time, streaming every
// result to a JSON-lines file, and samples the resident set size. It fails when the RSS goes
// over the limit or the live heap after a full GC keeps growing.
//
// The default is a short run that keeps `go test ./...` quick; CLBCHECK_SOAK=10m runs it for
// ten minutes, CLBCHECK_SOAK_MAX_RSS_MB changes the limit (default 150).
func TestSoak(t *testing.T) {
	d := 3 * time.Second
	if testing.Short() {
		d = time.Second
	}
	if v := os.Getenv("CLBCHECK_SOAK"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatalf("CLBCHECK_SOAK=%q: %v", v, err)
		}
	}
	limit := uint64(150)
	if v := os.Getenv("CLBCHECK_SOAK_MAX_RSS_MB"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("CLBCHECK_SOAK_MAX_RSS_MB=%q: %v", v, err)
		}
		limit = n
	}
	cfg := emulator.DefaultConfig()
	// The emulator remembers every nonce for the whole replay window (15 minutes), up to
	// 1<<21 of them, and refuses new requests when its cache is full: at thousands of
	// requests a second that cache alone would be the biggest thing in the process. The soak
	// measures the harness, so the test double's cache is held smaller, and the clock the
	// emulator and the harness share jumps a window ahead between runs, which empties it.
	cfg.MaxNonces = 1 << 14
	var skew atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	cfg.Now = now
	tg, err := embedded.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "results.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep := newStreamReporter(f)

	var maxRSS atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			if rss := bench.RSS(); rss > maxRSS.Load() {
				maxRSS.Store(rss)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()

	liveHeap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var heaps []uint64
	start := time.Now()
	runs, cases := 0, 0
	for runs == 0 || time.Since(start) < d {
		skew.Add(int64(16 * time.Minute))
		sum, _, err := contracts.Execute(context.Background(), tg, contracts.Options{
			Profile: contracts.ProfileStrict, Seed: int64(runs%4 + 1), Random: 512, Workers: 4, Reporter: rep, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Failed > 0 {
			t.Fatalf("run %d: %d failures", runs+1, sum.Failed)
		}
		runs++
		cases += sum.Cases
		heaps = append(heaps, liveHeap())
	}
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	if rss := bench.RSS(); rss > maxRSS.Load() {
		maxRSS.Store(rss)
	}
	mb := func(b uint64) float64 { return float64(b) / (1 << 20) }
	t.Logf("%d runs, %d cases in %s (%.0f cases/s), %d results streamed; max RSS %.1f MB; live heap after the first run %.1f MB, after the last %.1f MB",
		runs, cases, elapsed.Round(time.Millisecond), float64(cases)/elapsed.Seconds(), rep.n.Load(), mb(maxRSS.Load()), mb(heaps[0]), mb(heaps[len(heaps)-1]))
	if got := mb(maxRSS.Load()); got > float64(limit) {
		t.Errorf("max RSS %.1f MB is over the %d MB limit", got, limit)
	}
	// Flat: once the caches are full (the catalogue of each seed, the emulator's nonces) the live
	// heap must not keep climbing. The first third of the runs fills them.
	if len(heaps) >= 9 {
		i := len(heaps) / 3
		early, late := heaps[i], heaps[len(heaps)-1]
		if late > early+8<<20 {
			t.Errorf("live heap grew from %.1f MB (run %d) to %.1f MB (run %d)", mb(early), i+1, mb(late), len(heaps))
		}
	}
}
