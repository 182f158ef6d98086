package target

import (
	"math/rand"
	"net/url"
	"strings"
	"testing"
)

func TestQueryEscapeMatchesNetURL(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 5000; i++ {
		n := rng.Intn(12)
		raw := make([]byte, n)
		for j := range raw {
			raw[j] = byte(rng.Intn(256))
			if rng.Intn(3) == 0 {
				raw[j] = "aZ09-_.~ +&=%/?#"[rng.Intn(16)]
			}
		}
		var b strings.Builder
		queryEscape(&b, string(raw))
		if want := url.QueryEscape(string(raw)); b.String() != want {
			t.Fatalf("%q: got %q, want %q", raw, b.String(), want)
		}
	}
}
