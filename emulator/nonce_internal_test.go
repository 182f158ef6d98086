package emulator

import (
	"strconv"
	"testing"
	"time"
)

func TestNonceCacheWindowAndBound(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	c := newNonceCache(3)
	if !c.use("a", start, time.Minute) || c.use("a", start.Add(59*time.Second), time.Minute) {
		t.Fatal("a nonce is fresh once within its window")
	}
	if !c.use("a", start.Add(time.Minute), time.Minute) {
		t.Fatal("a nonce is fresh again once its window has passed")
	}
	for i := range 5 {
		c.use(strconv.Itoa(i), start.Add(time.Minute), time.Minute)
	}
	if n := c.size(); n != 3 {
		t.Fatalf("%d nonces kept, at most 3 expected", n)
	}
	// Monotonic readings: a window is measured on them, as time.Time.Before does.
	c = newNonceCache(0)
	now := time.Now()
	if !c.use("m", now, time.Second) || c.use("m", now.Add(999*time.Millisecond), time.Second) || !c.use("m", now.Add(time.Second), time.Second) {
		t.Fatal("window on a monotonic clock")
	}
}

func BenchmarkNonceCache(b *testing.B) {
	c := newNonceCache(0)
	now := time.Now()
	keys := make([]string, b.N)
	for i := range keys {
		keys[i] = "LTAI-test-key\x00" + strconv.Itoa(i) + "-0123456789abcdef0123456789"
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		c.use(keys[i], now.Add(time.Duration(i)), 15*time.Minute)
	}
}
