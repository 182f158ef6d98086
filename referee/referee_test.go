package referee_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/clbcheck/clbcheck/generators"
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
