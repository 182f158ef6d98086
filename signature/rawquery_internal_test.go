package signature

import (
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
)

// canonicalQueryRaw gives the text of the reference (CanonicalQueryV3 of url.ParseQuery) on
// queries with repeated names, empty names and values, '+', broken and valid escapes,
// semicolons, and more pairs than it sorts on the stack.
func TestCanonicalQueryRawMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	atoms := []string{"a", "B", "Tag.1.Key", "x", "", "+", "%20", "%2", "%zz", "%41", ";", "=", "~", "*", "é", "%C3%A9", "-_."}
	for n := range 3000 {
		pairs := rng.IntN(8)
		if n%100 == 0 {
			pairs = paramsOnStack + rng.IntN(10)
		}
		var parts []string
		for range pairs {
			var b strings.Builder
			for range 1 + rng.IntN(4) {
				b.WriteString(atoms[rng.IntN(len(atoms))])
			}
			parts = append(parts, b.String())
		}
		raw := strings.Join(parts, "&")
		ref, _ := url.ParseQuery(raw)
		if want, got := CanonicalQueryV3(ref), canonicalQueryRaw(raw); got != want {
			t.Fatalf("query %q:\nreference %q\nraw       %q", raw, want, got)
		}
	}
}
