package spec

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
)

// split must read every name exactly as the list's regular expression does.
func TestListSplitMatchesPattern(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	alphabet := []string{"T", "a", ".", "1", "0", "\n", "\xff", "\u00e9", "x.", ".K", "{n}", "-"}
	for _, format := range []string{"Tag.{n}.{field}", "L{n}{field}", "A.{n}.b.{field}.c", "{n}.{field}", "P.{n}{n}.{field}{field}", "{field}.{n}", "\u00e9.{n}.{field}"} {
		quoted := regexp.QuoteMeta(format)
		quoted = strings.Replace(quoted, `\{n\}`, `([^.]*)`, 1)
		quoted = strings.Replace(quoted, `\{field\}`, `(.*)`, 1)
		re := regexp.MustCompile("^" + quoted + "$")
		l := &List{Format: format, re: re, form: newListForm(format)}
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
			index, field, ok := l.split(name)
			m := re.FindStringSubmatch(name)
			if ok != (m != nil) || (ok && (index != m[1] || field != m[2])) {
				t.Fatalf("format %q, name %q: split gives %q %q %v, the pattern %q", format, name, index, field, ok, m)
			}
			if ok {
				matched++
			}
			if l.has(name) != ok {
				t.Fatalf("format %q, name %q: has disagrees with split", format, name)
			}
		}
		if matched < 1000 {
			t.Fatalf("format %q: only %d of the names belong to the list; the test proves little", format, matched)
		}
	}
}

// Items must give what the plain reading gives: entries without a plain index first, each an
// item of its own, then one item per index in increasing order.
func TestItemsMatchesReference(t *testing.T) {
	l := MustDefault().UnderTest.Param(ParamTag).List
	rng := rand.New(rand.NewSource(4))
	indexes := []string{"1", "2", "3", "10", "01", "x", "", "-1"}
	fields := []string{FieldTagKey, FieldTagValue, "Other", ""}
	for i := 0; i < 2000; i++ {
		values := url.Values{ParamBandwidth: {"1"}}
		for j := rng.Intn(8); j > 0; j-- {
			name := l.WireName(0, fields[rng.Intn(len(fields))])
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
			n, field, ok := l.ParseWireName(name)
			if !ok || len(vs) == 0 {
				continue
			}
			if n < 0 {
				bad = append(bad, field+"="+vs[0])
				continue
			}
			if want[n] == nil {
				want[n] = map[string]string{}
			}
			want[n][field] = vs[0]
		}
		items := l.Items(values)
		if items == nil || len(items) != len(bad)+len(want) {
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

// readLists gives each list the entries List.entries reads for it alone, and presence as
// Operation.Present tells it; an operation with more lists than it keeps is read list by list.
func TestReadListsMatchesOneListAtATime(t *testing.T) {
	op := MustDefault().UnderTest
	tag, cert := op.Param(ParamTag), op.Param(ParamServerCertificate)
	rng := rand.New(rand.NewSource(6))
	var names []string
	for _, p := range []*Parameter{tag, cert} {
		for _, f := range p.List.Fields {
			for _, n := range []int{1, 2, 3} {
				names = append(names, p.List.WireName(n, f.Name))
			}
		}
		names = append(names, strings.Replace(p.List.WireName(1, ""), "1", "x", 1)+p.List.Fields[0].Name)
	}
	names = append(names, ParamBandwidth, ParamListenerPort)
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
		read := readLists(op, values, spare[:0])
		if !read.ok {
			t.Fatal("the operation's lists were not read")
		}
		alone := requestLists{}
		for _, p := range []*Parameter{tag, cert} {
			got, want := read.of(p, values), alone.of(p, values)
			if len(got) != len(want) {
				t.Fatalf("%v: %s has %d entries, alone %d", values, p.Name, len(got), len(want))
			}
			// Entries of one item come in no particular order.
			norm := func(es []entry) []entry {
				es = slices.Clone(es)
				for k := range es {
					es[k].list = 0
				}
				slices.SortFunc(es, func(a, b entry) int {
					return cmp.Or(cmp.Compare(a.index, b.index), cmp.Compare(a.field, b.field), cmp.Compare(a.value, b.value))
				})
				return es
			}
			if !slices.Equal(norm(got), norm(want)) {
				t.Fatalf("%v: %s has %+v, alone %+v", values, p.Name, got, want)
			}
			for k := 1; k < len(got); k++ {
				if got[k].index < got[k-1].index {
					t.Fatalf("%v: %s entries out of order: %+v", values, p.Name, got)
				}
			}
			if read.present(op, values, p.Name) != op.Present(values, p.Name) || alone.present(op, values, p.Name) != op.Present(values, p.Name) {
				t.Fatalf("%v: presence of %s differs", values, p.Name)
			}
		}
	}
}
