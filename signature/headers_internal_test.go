package signature

import (
	"math/rand/v2"
	"net/http"
	"testing"
)

// The listed-keys and indexed lookups of canonicalHeaders give the text the plain scan gives,
// on requests with keys of any case, repeated values and names that are not sent.
func TestCanonicalHeadersLookupsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	names := []string{"host", "x-acs-a", "x-acs-b", "content-type", "x-acs-date", "accept", "x-acs-c"}
	spell := func(n string) string {
		b := []byte(n)
		for i := range b {
			if rng.IntN(2) == 0 && b[i] >= 'a' && b[i] <= 'z' {
				b[i] -= 'a' - 'A'
			}
		}
		return string(b)
	}
	for range 2000 {
		r := &http.Request{Header: http.Header{}, Host: "h.example"}
		for range rng.IntN(10) {
			n := names[rng.IntN(len(names))]
			if n == "host" && rng.IntN(2) == 0 {
				continue
			}
			k := spell(n)
			for range 1 + rng.IntN(2) {
				r.Header[k] = append(r.Header[k], []string{" v ", "w", "", "\tx"}[rng.IntN(4)])
			}
		}
		var signed []string
		for _, n := range names {
			if rng.IntN(3) > 0 {
				signed = append(signed, spell(n))
			}
		}
		plain, errPlain := canonicalHeaders(r, signed, lookupScan)
		for _, how := range []headerLookup{lookupKeys, lookupIndex} {
			fast, errFast := canonicalHeaders(r, signed, how)
			if plain != fast || (errPlain == nil) != (errFast == nil) {
				t.Fatalf("headers %q signed %q:\nscan %q %v\nlookup %d %q %v", r.Header, signed, plain, errPlain, how, fast, errFast)
			}
		}
	}
}
