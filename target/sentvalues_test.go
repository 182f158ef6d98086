package target

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/clbcheck/clbcheck/spec"
)

func checkSentValues(t *testing.T, s Sent) {
	t.Helper()
	common := spec.MustDefault().Wire.CommonParameters
	got, want := SentValues(s, common), sentValuesStd(s, common)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q / %q: got %v, want %v", s.URL, s.Body, got, want)
	}
}

func TestSentValuesMatchesParseQuery(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	pieces := []string{"a", "b", "=", "&", "&&", "%", "%4", "%41", "%zz", "+", ";", "?", "#", "\x01", "é", spec.ParamRegionID, spec.ParamSignature, spec.ParamAction, ":", "/"}
	prefixes := []string{"http://127.0.0.1/", "http://127.0.0.1/?", "https://h:8/p", "http://[::1]:x/", "::", "/p", "", "http://h/p?x#y"}
	gen := func() string {
		var b strings.Builder
		for n := rng.Intn(10); n > 0; n-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		return b.String()
	}
	for i := 0; i < 100000; i++ {
		u := prefixes[rng.Intn(len(prefixes))]
		if rng.Intn(2) == 0 {
			u += "?" + gen()
		}
		checkSentValues(t, Sent{URL: u, Body: gen()})
	}
	checkSentValues(t, Sent{URL: "http://h/?" + strings.Repeat("a=1&", 5000), Body: strings.Repeat("b=2&", 20000)})
}

func FuzzSentValues(f *testing.F) {
	f.Add("http://127.0.0.1/?"+spec.ParamAction+"=X&"+spec.ParamRegionID+"=cn&a=%41+b", "c=d&&a=2")
	f.Fuzz(func(t *testing.T, u, body string) {
		checkSentValues(t, Sent{URL: u, Body: body})
	})
}
