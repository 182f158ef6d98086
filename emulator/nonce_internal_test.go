package emulator

import (
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"
)

func TestNonceCacheWindowAndBound(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	c := newNonceCache(3)
	use := func(n string, at, until time.Time) nonceResult { return c.use("key", n, at, until) }
	if use("a", start, start.Add(time.Minute)) != nonceFresh || use("a", start.Add(59*time.Second), start.Add(2*time.Minute)) != nonceUsed {
		t.Fatal("a nonce is fresh once within its window")
	}
	if use("a", start.Add(time.Minute), start.Add(2*time.Minute)) != nonceFresh {
		t.Fatal("a nonce is fresh again once its window has passed")
	}
	if c.use("other key", "a", start.Add(time.Minute), start.Add(2*time.Minute)) != nonceFresh {
		t.Fatal("nonces are per key")
	}
	if use("b", start.Add(time.Minute), start.Add(2*time.Minute)) != nonceFresh {
		t.Fatal("third nonce")
	}
	// Full: fresh nonces are refused, and the remembered ones stay remembered.
	for i := range 5 {
		if r := use(strconv.Itoa(i), start.Add(time.Minute), start.Add(2*time.Minute)); r != nonceFull {
			t.Fatalf("nonce %d into a full cache: %v", i, r)
		}
	}
	if n := c.size(); n != 3 {
		t.Fatalf("%d nonces kept, 3 expected", n)
	}
	if use("a", start.Add(90*time.Second), start.Add(3*time.Minute)) != nonceUsed {
		t.Fatal("a full cache still knows its nonces")
	}
	if use("c", start.Add(2*time.Minute), start.Add(3*time.Minute)) != nonceFresh || c.size() != 1 {
		t.Fatalf("once the windows end the cache empties (size %d)", c.size())
	}
	// Monotonic readings: a window is measured on them, as time.Time.Before does.
	c = newNonceCache(0)
	now := time.Now()
	if use("m", now, now.Add(time.Second)) != nonceFresh || use("m", now.Add(999*time.Millisecond), now.Add(2*time.Second)) != nonceUsed ||
		use("m", now.Add(time.Second), now.Add(2*time.Second)) != nonceFresh {
		t.Fatal("window on a monotonic clock")
	}
	// Times a Unix nanosecond count cannot hold.
	far := start.AddDate(400, 0, 0)
	if use("far", start, far) != nonceFresh || use("far", start.AddDate(300, 0, 0), far) != nonceUsed {
		t.Fatal("a window ending past 2262")
	}
}

// Whatever order the windows end in, the cache remembers at least every nonce still inside its
// window: the cache against a plain list.
func TestNonceCacheExpiresByTime(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(5, 6))
	c := newNonceCache(0)
	until := map[string]time.Time{}
	now := start
	for i := range 3000 {
		now = now.Add(time.Duration(rng.IntN(1000)) * time.Millisecond)
		n := strconv.Itoa(rng.IntN(400))
		end := now.Add(time.Duration(1+rng.IntN(60)) * time.Second)
		want := nonceFresh
		if u, ok := until[n]; ok && now.Before(u) {
			want = nonceUsed
		}
		if got := c.use("k", n, now, end); got != want {
			t.Fatalf("step %d nonce %s: got %v want %v", i, n, got, want)
		}
		if want == nonceFresh {
			until[n] = end
		}
		live := 0
		for _, u := range until {
			if now.Before(u) {
				live++
			}
		}
		if c.size() < live {
			t.Fatalf("step %d: %d nonces remembered, %d still in their windows", i, c.size(), live)
		}
	}
}

// BenchmarkNonceCache records fresh nonces, each kept for 15 minutes, and reports the bytes the
// ring and the index hold per nonce.
func BenchmarkNonceCache(b *testing.B) {
	c := newNonceCache(0)
	now := time.Now()
	keys := make([]string, b.N)
	for i := range keys {
		keys[i] = strconv.Itoa(i) + "-0123456789abcdef0123456789"
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		at := now.Add(time.Duration(i))
		c.use("LTAI-test-key", keys[i], at, at.Add(15*time.Minute))
	}
	b.StopTimer()
	held := cap(c.ring)*int(unsafe.Sizeof(nonceEntry{})) + cap(c.index)*int(unsafe.Sizeof(c.index[0]))
	b.ReportMetric(float64(held)/float64(c.size()), "B/nonce-held")
}

// The compact cache against its plain reference, step by step: the same answer to every nonce
// and the same number of entries, over bounds small enough to fill, windows of different lengths
// (some dated ahead), nonces used again inside and after their windows, and the clock standing
// still, creeping or leaping (which empties the cache, and shrinks its ring).
func TestNonceCacheMatchesPlain(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		max, nonces, steps int
	}{{3, 10, 2000}, {64, 200, 20000}, {1500, 3000, 30000}, {5000, 1 << 20, 40000}} {
		rng := rand.New(rand.NewPCG(uint64(tc.max), 7))
		c, p := newNonceCache(tc.max), newPlainNonces(tc.max)
		now := start
		for i := range tc.steps {
			switch r := rng.IntN(100); {
			case r < 1:
				now = now.Add(time.Duration(rng.IntN(3600)) * time.Second)
			case r < 60:
				now = now.Add(time.Duration(rng.IntN(50)) * time.Millisecond)
			}
			key := "k" + strconv.Itoa(rng.IntN(3))
			nonce := strconv.Itoa(rng.IntN(tc.nonces))
			until := now.Add(time.Duration(1+rng.IntN(2000)) * time.Millisecond)
			if rng.IntN(10) == 0 {
				until = until.Add(time.Duration(rng.IntN(30)) * time.Second) // dated ahead
			}
			got, want := c.use(key, nonce, now, until), p.use(key, nonce, now, until)
			if got != want || c.size() != p.size() {
				t.Fatalf("max %d step %d: %s/%s got %v with %d entries, the reference %v with %d", tc.max, i, key, nonce, got, c.size(), want, p.size())
			}
		}
	}
}

// At its bound the cache holds exactly max entries, refuses the next fresh nonce without
// growing, still knows every nonce it holds, and takes 24 bytes a nonce: the ring and the index
// it allocated, counted, and the live heap it adds, measured.
func TestNonceCacheBoundAndBytes(t *testing.T) {
	const max = 1 << 17
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	until := now.Add(15 * time.Minute)
	nonces := make([]string, max+1)
	for i := range nonces {
		nonces[i] = "nonce-" + strconv.Itoa(i) + "-0123456789abcdef"
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	c := newNonceCache(max)
	for i, n := range nonces[:max] {
		if r := c.use("key", n, now, until); r != nonceFresh {
			t.Fatalf("nonce %d of %d: %v", i, max, r)
		}
	}
	if r := c.use("key", nonces[max], now, until); r != nonceFull || c.size() != max {
		t.Fatalf("past the bound: %v, %d entries held, want %v and %d", r, c.size(), nonceFull, max)
	}
	for i, n := range nonces[:max] {
		if r := c.use("key", n, now.Add(time.Minute), until); r != nonceUsed {
			t.Fatalf("nonce %d in a full cache: %v", i, r)
		}
	}
	if c.size() != max {
		t.Fatalf("%d entries after the replays, want %d", c.size(), max)
	}
	held := uintptr(cap(c.ring))*unsafe.Sizeof(nonceEntry{}) + uintptr(cap(c.index))*unsafe.Sizeof(c.index[0])
	if held != 24*max {
		t.Fatalf("the ring and the index take %d bytes, want 24 a nonce (%d)", held, 24*max)
	}
	// Measured: the live heap the full cache adds is what was counted, give or take what other
	// goroutines of the process keep meanwhile (a few percent of 3 MiB).
	grown := int64(heap()) - int64(before)
	runtime.KeepAlive(c)
	if per := float64(grown) / max; per < 23 || per > 25.5 {
		t.Fatalf("the full cache adds %d bytes to the live heap, %.2f a nonce, want 24", grown, per)
	}
	// Past the windows, every entry leaves and the ring gives its memory back.
	if r := c.use("key", nonces[max], until, until.Add(time.Minute)); r != nonceFresh || c.size() != 1 {
		t.Fatalf("after the windows: %v with %d entries", r, c.size())
	}
	if len(c.ring) != max/2 {
		t.Fatalf("ring of %d entries after emptying, want it halved to %d", len(c.ring), max/2)
	}
}

// Recording a nonce allocates nothing once the ring has its size, whatever the nonce's length.
func TestNonceCacheUseDoesNotAllocate(t *testing.T) {
	c := newNonceCache(1 << 12)
	now := time.Now()
	nonces := make([]string, 1000)
	for i := range nonces {
		nonces[i] = strconv.Itoa(i) + "-a-rather-long-nonce-0123456789abcdef0123456789abcdef"
	}
	i := 0
	allocs := testing.AllocsPerRun(len(nonces)-1, func() {
		c.use("LTAI-test-key", nonces[i], now, now.Add(15*time.Minute))
		i++
	})
	if allocs != 0 {
		t.Fatalf("%.1f allocations per nonce", allocs)
	}
}

// The bound is checked where the configuration is: negative or past 2^28 is refused with the
// range to give.
func TestMaxNoncesRange(t *testing.T) {
	for _, n := range []int{-1, maxMaxNonces + 1} {
		cfg := DefaultConfig()
		cfg.MaxNonces = n
		if err := cfg.Check(); err == nil || !strings.Contains(err.Error(), "maxNonces") || !strings.Contains(err.Error(), strconv.Itoa(maxMaxNonces)) {
			t.Fatalf("maxNonces %d: %v", n, err)
		}
	}
	cfg := DefaultConfig()
	cfg.MaxNonces = maxMaxNonces
	if err := cfg.Check(); err != nil {
		t.Fatalf("maxNonces at its largest: %v", err)
	}
}
