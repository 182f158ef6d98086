package target

import (
	"context"
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
		got := string(appendQueryEscape([]byte("x"), string(raw)))
		if want := "x" + url.QueryEscape(string(raw)); got != want {
			t.Fatalf("%q: got %q, want %q", raw, got, want)
		}
	}
}

func TestReadBodyMatchesReadAll(t *testing.T) {
	for _, tc := range []struct {
		body   string
		length int64
	}{{"", 0}, {"abc", 3}, {"abc", -1}, {"abcdef", 3}, {"ab", 3}, {strings.Repeat("x", 5000), 5000},
		{strings.Repeat("y", bodyPrefix+1), -1}, {strings.Repeat("y", bodyPrefix+1), bodyPrefix + 1}, {strings.Repeat("z", bodyPrefix), bodyPrefix},
		{strings.Repeat("w", MaxBody), -1}, {strings.Repeat("v", MaxBody), MaxBody}} {
		got, tooLarge, err := readBody(context.Background(), strings.NewReader(tc.body), tc.length)
		if tooLarge {
			t.Fatalf("%d bytes (length %d) taken for too large", len(tc.body), tc.length)
		}
		if tc.length == 3 && tc.body == "ab" {
			// A body shorter than announced: what there is, and the reader's error.
			if string(got) != "ab" || err == nil {
				t.Fatalf("short body: %q, %v", got, err)
			}
			continue
		}
		if err != nil || string(got) != tc.body {
			t.Fatalf("%q (length %d): got %q, %v", tc.body, tc.length, got, err)
		}
	}
}

// An answer longer than MaxBody is kept as its first bodyPrefix bytes and flagged, whether its
// length was announced (then nothing beyond the prefix is read) or not.
func TestReadBodyCutsLargeAnswers(t *testing.T) {
	big := strings.Repeat("q", MaxBody+1)
	for _, length := range []int64{-1, int64(len(big)), 50 << 20} {
		r := strings.NewReader(big)
		got, tooLarge, err := readBody(context.Background(), r, length)
		if err != nil || !tooLarge || len(got) != bodyPrefix || string(got) != big[:bodyPrefix] {
			t.Fatalf("length %d: %d bytes, too large %v, %v", length, len(got), tooLarge, err)
		}
		if length > MaxBody+1 && r.Len() != len(big)-bodyPrefix {
			t.Fatalf("an answer announcing %d bytes was read beyond its prefix (%d left)", length, r.Len())
		}
	}
}

func TestRequestURIMatchesNetURL(t *testing.T) {
	for _, raw := range []string{
		"http://127.0.0.1/?a=X&b=%20c", "http://h", "http://h?x=1", "http://h/a%2Fb?q", "http://h/a b?q=1", "http://h/p?", "http://h/p?q#f",
		"http://h/p?q=1#", "http:opaque?q", "http://h//x?q", "http://h/*?q", "http://h/é?x=y",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, given := range []string{raw, "", "http://other/?a=X"} {
			if got, want := requestURI(u, given), u.RequestURI(); got != want {
				t.Errorf("%q (given %q): got %q, want %q", raw, given, got, want)
			}
		}
	}
}
