package signature

import (
	"math/rand"
	"net/url"
	"strings"
	"testing"
)

// The one-pass StringToSignV1 must equal the definition: the method, "%2F" and the canonical
// query encoded a second time.
func TestStringToSignV1MatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := "aZ09-_.~ %&=+*/:?#\u00e9\x00\xff"
	word := func() string {
		n := rng.Intn(8)
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteByte(alphabet[rng.Intn(len(alphabet))])
		}
		return b.String()
	}
	for i := 0; i < 2000; i++ {
		params := url.Values{}
		for j := rng.Intn(6); j >= 0; j-- {
			name := word()
			if rng.Intn(10) == 0 {
				params[name] = nil
				continue
			}
			for k := rng.Intn(3); k >= 0; k-- {
				params.Add(name, word())
			}
		}
		if rng.Intn(3) == 0 {
			params.Set("Signature", word())
		}
		method := []string{"GET", "post", "Put"}[rng.Intn(3)]
		want := strings.ToUpper(method) + "&%2F&" + PercentEncode(CanonicalQueryV1(params))
		if got := StringToSignV1(method, params); got != want {
			t.Fatalf("params %v:\n got %q\nwant %q", params, got, want)
		}
	}
}

func TestSignV1WithManySecrets(t *testing.T) {
	params := url.Values{"A": {"1"}}
	first := SignV1("GET", "s0", params)
	for i := 0; i < 2*maxMACPools; i++ {
		SignV1("GET", "other"+string(rune('a'+i%26))+strings.Repeat("x", i), params)
	}
	if SignV1("GET", "s0", params) != first {
		t.Fatal("signature changed after many other secrets were used")
	}
	if len(macPools.m) > maxMACPools {
		t.Fatalf("%d MAC pools remembered", len(macPools.m))
	}
}
