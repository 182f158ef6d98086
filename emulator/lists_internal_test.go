package emulator

import (
	"cmp"
	"maps"
	"math/rand"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/clbcheck/clbcheck/spec"
)

// split must read every name exactly as the list's regular expression (splitPlain) does.
func TestListSplitMatchesPattern(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	alphabet := []string{"T", "a", ".", "1", "0", "\n", "\xff", "\u00e9", "x.", ".K", "{n}", "-"}
	for _, format := range []string{"Tag.{n}.{field}", "L{n}{field}", "A.{n}.b.{field}.c", "{n}.{field}", "P.{n}{n}.{field}{field}", "{field}.{n}", "\u00e9.{n}.{field}"} {
		r := newListReader(&spec.Parameter{Name: "L", List: &spec.List{Format: format, FirstIndex: 1}})
		quoted := regexp.QuoteMeta(format)
		quoted = strings.Replace(quoted, `\{n\}`, `([^.]*)`, 1)
		quoted = strings.Replace(quoted, `\{field\}`, `(.*)`, 1)
		if r.re.String() != "^"+quoted+"$" {
			t.Fatalf("format %q: reader reads %q", format, r.re)
		}
		matched := 0
		word := func() string {
			var b strings.Builder
			for j := rng.Intn(5); j > 0; j-- {
				b.WriteString(alphabet[rng.Intn(len(alphabet))])
			}
			return b.String()
		}
		for i := 0; i < 20000; i++ {
			// Mostly the format filled in with random text, sometimes random text alone.
			name := word()
			if rng.Intn(4) > 0 {
				name = strings.Replace(strings.Replace(format, "{n}", word(), 1), "{field}", word(), 1)
			}
			index, field, ok := r.split(name)
			pi, pf, pok := r.splitPlain(name)
			if ok != pok || index != pi || field != pf {
				t.Fatalf("format %q, name %q: split gives %q %q %v, the pattern %q %q %v", format, name, index, field, ok, pi, pf, pok)
			}
			if ok {
				matched++
			}
		}
		if matched < 1000 {
			t.Fatalf("format %q: only %d of the names belong to the list; the test proves little", format, matched)
		}
	}
}

// items must give what the plain reading gives: entries without a plain index first, each an
// item of its own, then one item per index in increasing order.
func TestItemsMatchesReference(t *testing.T) {
	r := readerOf(spec.MustDefault().UnderTest.Param(spec.ParamTag))
	rng := rand.New(rand.NewSource(4))
	indexes := []string{"1", "2", "3", "10", "01", "x", "", "-1"}
	fields := []string{spec.FieldTagKey, spec.FieldTagValue, "Other", ""}
	for i := 0; i < 2000; i++ {
		values := url.Values{spec.ParamBandwidth: {"1"}}
		for j := rng.Intn(8); j > 0; j-- {
			name := r.wireName(0, fields[rng.Intn(len(fields))])
			name = strings.Replace(name, "0", indexes[rng.Intn(len(indexes))], 1)
			if rng.Intn(8) == 0 {
				values[name] = nil
				continue
			}
			values[name] = []string{strconv.Itoa(rng.Intn(100)), "second"}
		}
		want := map[int]map[string]string{}
		var bad []string
		for name, vs := range values {
			index, field, ok := r.splitPlain(name)
			if !ok || len(vs) == 0 {
				continue
			}
			n, err := strconv.Atoi(index)
			if err != nil || n < 0 || strconv.Itoa(n) != index {
				bad = append(bad, field+"="+vs[0])
				continue
			}
			if want[n] == nil {
				want[n] = map[string]string{}
			}
			want[n][field] = vs[0]
		}
		items := r.items(values)
		if len(items) != len(bad)+len(want) {
			t.Fatalf("%v: %d items, want %d", values, len(items), len(bad)+len(want))
		}
		var gotBad []string
		for _, it := range items[:len(bad)] {
			if it.Index != -1 || len(it.Fields) != 1 {
				t.Fatalf("%v: item %v should have index -1 and one field", values, it)
			}
			for f, v := range it.Fields {
				gotBad = append(gotBad, f+"="+v)
			}
		}
		slices.Sort(bad)
		slices.Sort(gotBad)
		if !slices.Equal(bad, gotBad) {
			t.Fatalf("%v: entries without a plain index %v, want %v", values, gotBad, bad)
		}
		rest := items[len(bad):]
		for k, it := range rest {
			if k > 0 && it.Index <= rest[k-1].Index {
				t.Fatalf("%v: items out of order", values)
			}
			if !maps.Equal(it.Fields, want[it.Index]) {
				t.Fatalf("%v: item %d has %v, want %v", values, it.Index, it.Fields, want[it.Index])
			}
		}
	}
}

// readLists gives each list the entries entries reads for it alone (the plain reading); an
// operation with more lists than it keeps is read list by list.
func TestReadListsMatchesOneListAtATime(t *testing.T) {
	op := spec.MustDefault().UnderTest
	tag, cert := readerOf(op.Param(spec.ParamTag)), readerOf(op.Param(spec.ParamServerCertificate))
	rng := rand.New(rand.NewSource(6))
	var names []string
	for _, r := range []*listReader{tag, cert} {
		for _, f := range r.param.List.Fields {
			for _, n := range []int{1, 2, 3} {
				names = append(names, r.wireName(n, f.Name))
			}
		}
		names = append(names, strings.Replace(r.wireName(1, ""), "1", "x", 1)+r.param.List.Fields[0].Name)
	}
	names = append(names, spec.ParamBandwidth, spec.ParamListenerPort)
	many := []*listReader{tag, cert, tag, cert, tag}
	for i := 0; i < 2000; i++ {
		values := url.Values{}
		for j := rng.Intn(10); j > 0; j-- {
			name := names[rng.Intn(len(names))]
			if rng.Intn(8) == 0 {
				values[name] = nil
				continue
			}
			values[name] = []string{strconv.Itoa(rng.Intn(3))}
		}
		var spare [entriesOnStack]entry
		read := readLists([]*listReader{tag, cert}, values, spare[:0])
		if !read.ok {
			t.Fatal("the operation's lists were not read in one pass")
		}
		tooMany := readLists(many, values, nil)
		if tooMany.ok {
			t.Fatal("more lists than kept were read in one pass")
		}
		for _, r := range []*listReader{tag, cert} {
			want := r.entries(nil, values)
			for _, got := range [][]entry{read.of(r, values), tooMany.of(r, values)} {
				if !slices.Equal(norm(got), norm(want)) {
					t.Fatalf("%v: %s has %+v, alone %+v", values, r.param.Name, got, want)
				}
				for k := 1; k < len(got); k++ {
					if got[k].index < got[k-1].index {
						t.Fatalf("%v: %s entries out of order: %+v", values, r.param.Name, got)
					}
				}
			}
			if r.present(values) != (len(want) > 0) {
				t.Fatalf("%v: presence of %s differs", values, r.param.Name)
			}
		}
	}
}

// norm orders entries fully: entries of one item come in no particular order.
func norm(es []entry) []entry {
	es = slices.Clone(es)
	for k := range es {
		es[k].list = 0
	}
	slices.SortFunc(es, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.index, b.index), cmp.Compare(a.field, b.field), cmp.Compare(a.value, b.value))
	})
	return es
}

func TestPlainIndex(t *testing.T) {
	for in, want := range map[string]int{"0": 0, "1": 1, "20": 20, "999999999": 999999999, "": -1, "01": -1, "-1": -1, "+1": -1, " 1": -1, "1x": -1, "1000000000": -1, "١": -1} {
		if got := plainIndex(in); got != want {
			t.Errorf("plainIndex(%q) = %d, want %d", in, got, want)
		}
	}
}
