package spec

import (
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
