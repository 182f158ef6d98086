package emulator

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
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

// Entries expire in the order of their own times, whatever the order they came in: the heap
// against a plain list.
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
}
