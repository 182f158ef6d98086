package referee_test

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/referee"
	"github.com/clbcheck/clbcheck/spec"
)

// Leaving the list parameters out of kin-openapi's validation changes no finding: on every
// case of the catalogue (list violations and irregular indexes included) and on random ones,
// and on requests with odd list entries, the findings are those of the whole route.
func TestFindingsWithoutListsInKinAreTheWholeRoutes(t *testing.T) {
	s := spec.MustDefault()
	ref := generators.RefereeFor(s)
	var inputs []url.Values
	for _, c := range append(generators.Enumerate(s, generators.Options{}), generators.RandomCases(s, 5, 60)...) {
		inputs = append(inputs, generators.Values(c.Params, generators.Placeholder))
	}
	for _, odd := range []map[string]string{
		{"Tag.x.Key": "a"}, {"Tag.{field}.Key": "a"}, {"Tag.1.Key": ""}, {"Tag.1.Value": "v"}, {"Tag.0.Key": "k", "Tag.2.Key": "k"}, {"Tag": "a"},
	} {
		v := generators.Values(generators.Base(s), generators.Placeholder)
		for k, x := range odd {
			v.Set(k, x)
		}
		inputs = append(inputs, v)
	}
	for _, v := range inputs {
		a, _ := json.Marshal(ref.Findings(v))
		b, _ := json.Marshal(ref.FindingsWholeRoute(v))
		if string(a) != string(b) {
			t.Fatalf("%s:\nfindings   %s\nwhole route %s", v.Encode(), a, b)
		}
	}
}

// The memo changes no finding: on the catalogue, random requests, and random requests with
// one of the catalogue's broken values put in (twice each, the second time from the memo),
// a referee with the memo and one with a memo so small it keeps starting again give the
// findings of the referee without it.
func TestMemoMatchesTheReference(t *testing.T) {
	s := spec.MustDefault()
	ref := generators.RefereeFor(s)
	plain := ref.WithoutMemo()
	memos := map[string]*referee.Referee{"memo": ref.WithMemo(1 << 14), "tiny memo": ref.WithMemo(7)}
	cat := generators.Enumerate(s, generators.Options{})
	random := generators.RandomCases(s, 11, 400)
	var inputs []url.Values
	for _, c := range append(cat, random...) {
		inputs = append(inputs, generators.Values(c.Params, generators.Placeholder))
	}
	mixed := 0
	for i, c := range random {
		neg := cat[(i*37)%len(cat)]
		if neg.Broken == nil || neg.Broken.Wire == "" {
			continue
		}
		v := generators.Values(c.Params, generators.Placeholder)
		v.Set(neg.Broken.Wire, neg.Broken.Sent)
		inputs = append(inputs, v)
		mixed++
	}
	require.Greater(t, mixed, 100, "too few mixed requests to compare")
	for round := 0; round < 2; round++ {
		for _, v := range inputs {
			want, _ := json.Marshal(plain.Findings(cloneValues(v)))
			for name, r := range memos {
				got, _ := json.Marshal(r.Findings(cloneValues(v)))
				if string(got) != string(want) {
					t.Fatalf("%s, round %d, %s:\nwith the memo %s\nwithout it    %s", name, round, v.Encode(), got, want)
				}
			}
		}
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string{}, vs...)
	}
	return out
}

// The plain reading of list entry names gives what the regular expression gives, on the names
// of the catalogue and of random requests, and on odd names built around every list's format.
func TestListSplitMatchesThePattern(t *testing.T) {
	s := spec.MustDefault()
	ref := generators.RefereeFor(s)
	names := map[string]bool{}
	for _, c := range append(generators.Enumerate(s, generators.Options{}), generators.RandomCases(s, 3, 300)...) {
		for _, p := range c.Params {
			names[p.Name] = true
		}
	}
	parts := []string{"", ".", "..", "1", "01", "x", "\n", "a.b", "Key", "Value", "{n}", "é", " "}
	for _, p := range s.UnderTest.Parameters {
		if p.List == nil {
			continue
		}
		pre, _, _ := strings.Cut(p.List.Format, "{")
		for _, a := range parts {
			for _, b := range parts {
				for _, c := range parts {
					names[pre+a+b+c] = true
					names[pre+a+"."+b+c] = true
					names[strings.TrimSuffix(pre, ".")+a+b] = true
				}
			}
		}
	}
	compared := 0
	for _, p := range s.UnderTest.Parameters {
		if p.List == nil {
			continue
		}
		for name := range names {
			plain, pattern := ref.ListSplit(p.Name, name)
			if !reflect.DeepEqual(plain, pattern) {
				t.Fatalf("%s entry %q: plain %q, pattern %q", p.Name, name, plain, pattern)
			}
			if pattern != nil {
				compared++
			}
		}
	}
	require.Greater(t, compared, 1000, "too few entry names to compare")
}

// Meaning reads a value as the page does: an integer however spelled, a list of the named
// status classes as a set, anything else as sent.
func TestMeaning(t *testing.T) {
	op := spec.MustDefault().UnderTest
	for _, tc := range []struct {
		param, sent, want string
		ok                bool
	}{
		{spec.ParamListenerPort, "+0443", "443", true},
		{spec.ParamListenerPort, "abc", "abc", false},
		{spec.ParamHealthCheckHTTPCode, "http_5xx, http_2xx,http_5xx", "http_2xx,http_5xx", true},
		{spec.ParamHealthCheckHTTPCode, "http_2xx", "http_2xx", true},
		{spec.ParamDescription, " a,b ", " a,b ", true},
	} {
		got, ok := referee.Meaning(op.Param(tc.param), tc.sent)
		assert.Equal(t, tc.want, got, "%s=%q", tc.param, tc.sent)
		assert.Equal(t, tc.ok, ok, "%s=%q", tc.param, tc.sent)
	}
}
