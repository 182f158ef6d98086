package generators

import (
	"encoding/json"
	"testing"

	"github.com/clbcheck/clbcheck/spec"
)

func TestCachedCatalogueMatchesFreshOne(t *testing.T) {
	s := spec.MustDefault()
	opt := Options{Quotas: map[string]int{"x": 3}, Scenarios: map[string]string{"b": "y", "a": "z"}}
	same := func(a, b []Case) {
		t.Helper()
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatalf("cached catalogue differs from a fresh one")
		}
	}
	same(Enumerate(s, Options{}), EnumerateCached(s, Options{}))
	same(Enumerate(s, opt), EnumerateCached(s, opt))
	same(Enumerate(s, opt), EnumerateCached(s, opt))
	same(RandomCases(s, 7, 20), RandomCasesCached(s, 7, 20))
	same(RandomCases(s, 7, 20), RandomCasesCached(s, 7, 20))
	if Options.key(opt) == (Options{}).key() {
		t.Fatal("options with quotas share a key with the defaults")
	}
}

func TestCachedRandomCasesShrinkIndependently(t *testing.T) {
	s := spec.MustDefault()
	first := RandomCasesCached(s, 11, 6)
	second := RandomCasesCached(s, 11, 6)
	for i := range first {
		// Exhaust the first iterator; the second must still yield what a fresh case yields.
		var a []string
		for n := 0; n < 5; n++ {
			c, ok := first[i].Shrink()
			if !ok {
				break
			}
			a = append(a, c.ID)
		}
		fresh := RandomCases(s, 11, 6)[i]
		for n := 0; n < len(a); n++ {
			c1, ok1 := second[i].Shrink()
			c2, ok2 := fresh.Shrink()
			if ok1 != ok2 || c1.Size() != c2.Size() {
				t.Fatalf("case %d shrink step %d: cached iterator differs from a fresh one", i, n)
			}
		}
	}
}

func TestCatalogueCacheStaysBounded(t *testing.T) {
	s := spec.MustDefault()
	for seed := int64(100); seed < 100+3*catalogueCacheSize; seed++ {
		RandomCasesCached(s, seed, 2)
	}
	catalogue.mu.Lock()
	n := len(catalogue.entries)
	catalogue.mu.Unlock()
	if n > catalogueCacheSize {
		t.Fatalf("%d entries cached, want at most %d", n, catalogueCacheSize)
	}
	for seed := int64(200); seed < 205; seed++ {
		catalogueEntryFor(catalogueKey{s: s, seed: seed, n: catalogueCacheCases / 2, random: true})
	}
	catalogue.mu.Lock()
	w, n := catalogue.weight, len(catalogue.entries)
	catalogue.mu.Unlock()
	if w > catalogueCacheCases || n > 2 {
		t.Fatalf("%d entries weighing %d cases cached after large draws, want at most %d cases", n, w, catalogueCacheCases)
	}
}
