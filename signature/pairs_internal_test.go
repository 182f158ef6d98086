package signature

import (
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
)

// TestSignV1PairsMatchesSignV1 signs random parameter lists both ways: as pairs and as the map
// SignV1 takes, built from the same pairs in the same order. The names share long heads (the
// sort's ties), repeat (the map's way), include Signature and bytes that encode, and the lists
// run past the sorter's stack room and past its limit for sorting by number.
func TestSignV1PairsMatchesSignV1(t *testing.T) {
	r := rand.New(rand.NewPCG(20, 1))
	heads := []string{"HealthCheck", "HealthCheckURI", "XForwardedFor_", "Tag.1.", "Signature", "SignatureNonce", "a", "", "é", "~", "*", " ", "%"}
	text := func() string {
		var b strings.Builder
		for n := r.IntN(4); n > 0; n-- {
			b.WriteString(heads[r.IntN(len(heads))])
		}
		return b.String()
	}
	repeated := 0
	for i := 0; i < 6000; i++ {
		n := r.IntN(12)
		switch i % 50 {
		case 0:
			n = 70 // past the room on the stack
		case 1:
			n = 300 // past the limit of the numeric sort
		}
		names, values := make([]string, n), make([]string, n)
		seen := map[string]bool{}
		dup := false
		for j := range names {
			names[j], values[j] = text(), text()
			if j > 0 && r.IntN(10) == 0 {
				names[j] = names[r.IntN(j)]
			}
			dup = dup || seen[names[j]]
			seen[names[j]] = true
		}
		if dup {
			repeated++
		}
		params := url.Values{}
		for j, name := range names {
			params.Add(name, values[j])
		}
		method := []string{"POST", "get"}[i%2]
		got, want := SignV1Pairs(method, "secret", names, values), SignV1(method, "secret", params)
		if got != want {
			t.Fatalf("pairs %q = %q: SignV1Pairs %s, SignV1 %s", names, values, got, want)
		}
	}
	if repeated < 500 {
		t.Fatalf("only %d lists repeated a name", repeated)
	}
}
