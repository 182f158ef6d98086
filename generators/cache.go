package generators

import (
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/clbcheck/clbcheck/spec"
)

// The catalogue is a pure function of the description, the options and (for random cases) the
// seed and count, but drawing it (gopter sieves, Repair, Validate) costs far more than running
// a stateless case against the embedded emulator. A runner that starts many runs in one
// process (benchmarks, soak tests, the library used from a test suite) therefore reuses it.
// The cache holds a handful of entries (and a bounded number of cases) and forgets the oldest,
// so a process that tries many seeds stays at a flat size.

const (
	catalogueCacheSize = 8
	// catalogueCacheCases bounds the cases held across entries: a drawn random case keeps its
	// gopter result for shrinking, about 12 kB, so 512 random cases weigh some 6 MB.
	catalogueCacheCases = 4096
	// enumeratedWeight counts an enumerated catalogue (about 700 plain cases) against that bound.
	enumeratedWeight = 256
)

type catalogueKey struct {
	s      *spec.Spec
	opts   string // canonical rendering of Options (random: empty)
	seed   int64
	n      int
	random bool
}

type catalogueEntry struct {
	weight int
	once   sync.Once
	cases  []Case
	makers []func() func() (Case, bool)
}

var catalogue struct {
	mu      sync.Mutex
	entries map[catalogueKey]*catalogueEntry
	order   []catalogueKey // oldest first
	weight  int            // sum of the entries' weights
}

func catalogueEntryFor(k catalogueKey) *catalogueEntry {
	catalogue.mu.Lock()
	defer catalogue.mu.Unlock()
	if catalogue.entries == nil {
		catalogue.entries = map[catalogueKey]*catalogueEntry{}
	}
	if e, ok := catalogue.entries[k]; ok {
		return e
	}
	e := &catalogueEntry{weight: enumeratedWeight}
	if k.random {
		e.weight = k.n
	}
	catalogue.entries[k] = e
	catalogue.order = append(catalogue.order, k)
	catalogue.weight += e.weight
	for len(catalogue.order) > 1 && (len(catalogue.order) > catalogueCacheSize || catalogue.weight > catalogueCacheCases) {
		old := catalogue.order[0]
		catalogue.weight -= catalogue.entries[old].weight
		delete(catalogue.entries, old)
		catalogue.order = append(catalogue.order[:0:0], catalogue.order[1:]...)
	}
	return e
}

func (o Options) key() string {
	var b strings.Builder
	writeMap := func(tag string, keys []string, val func(string) string) {
		sort.Strings(keys)
		b.WriteString(tag)
		for _, k := range keys {
			b.WriteString(k)
			b.WriteByte('=')
			b.WriteString(val(k))
			b.WriteByte(0)
		}
	}
	qs := make([]string, 0, len(o.Quotas))
	for k := range o.Quotas {
		qs = append(qs, k)
	}
	writeMap("q:", qs, func(k string) string { return strconv.Itoa(o.Quotas[k]) })
	ss := make([]string, 0, len(o.Scenarios))
	for k := range o.Scenarios {
		ss = append(ss, k)
	}
	writeMap("s:", ss, func(k string) string { return o.Scenarios[k] })
	return b.String()
}

// EnumerateCached is Enumerate remembered per description and options. It returns a new slice
// on every call, but the cases share their parameter, setup and Broken values with the cache:
// callers must treat them as read-only (copy a case's Params before changing them).
func EnumerateCached(s *spec.Spec, opt Options) []Case {
	e := catalogueEntryFor(catalogueKey{s: s, opts: opt.key()})
	e.once.Do(func() { e.cases = Enumerate(s, opt) })
	return append([]Case(nil), e.cases...)
}

// RandomCasesCached is RandomCases remembered per description, seed and count. Each call
// returns the same cases with fresh shrink iterators, so shrinking in one run does not disturb
// another. The parameters are shared with the cache and read-only, as for EnumerateCached.
func RandomCasesCached(s *spec.Spec, seed int64, n int) []Case {
	e := catalogueEntryFor(catalogueKey{s: s, seed: seed, n: n, random: true})
	e.once.Do(func() { e.cases, e.makers = randomCatalogue(s, seed, n) })
	out := append([]Case(nil), e.cases...)
	for i := range out {
		out[i].Shrink = lazyShrink(e.makers[i])
	}
	return out
}

// lazyShrink makes the shrink iterator on its first use: building one walks gopter's shrink
// tree, and most cases (every passing one) never shrink.
func lazyShrink(make func() func() (Case, bool)) func() (Case, bool) {
	var it func() (Case, bool)
	return func() (Case, bool) {
		if it == nil {
			it = make()
		}
		return it()
	}
}
