package emulator

import (
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
)

// checkUnescape fails unless queryUnescape gives what url.QueryUnescape gives: the same text,
// or the same error.
func checkUnescape(t *testing.T, s string) {
	t.Helper()
	got, err := queryUnescape(s)
	want, wantErr := url.QueryUnescape(s)
	if got != want || (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
		t.Fatalf("queryUnescape(%q) = %q, %v; url.QueryUnescape gives %q, %v", s, got, err, want, wantErr)
	}
}

// TestQueryUnescapeMatchesTheReference: random texts made of escapes whole and broken, '+',
// hex digits of both cases and other bytes.
func TestQueryUnescapeMatchesTheReference(t *testing.T) {
	r := rand.New(rand.NewPCG(20, 4))
	pieces := []string{"%", "%4", "%41", "%aF", "%Fa", "%zz", "%g0", "+", "a", "Z", "9", "f", "F", "g", " ", "é", "\x00", "\xff", "%25", "%2B", "="}
	for i := 0; i < 50000; i++ {
		var b strings.Builder
		for n := r.IntN(8); n > 0; n-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		checkUnescape(t, b.String())
	}
	for c := 0; c < 256; c++ {
		checkUnescape(t, "%"+string(rune(c)))
		checkUnescape(t, "%0"+string([]byte{byte(c)}))
		checkUnescape(t, "%"+string([]byte{byte(c)})+"0")
	}
}

func FuzzQueryUnescape(f *testing.F) {
	f.Add("Timestamp%3A2026-01-02T03%3A04%3A05Z+x%zz")
	f.Fuzz(func(t *testing.T, s string) { checkUnescape(t, s) })
}
