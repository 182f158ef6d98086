package emulator

import (
	"cmp"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/clbcheck/clbcheck/spec"
)

// This file is how the emulator reads list parameters off the wire. The description gives
// each list a flattened name format (x-rpc-list, such as Tag.{n}.{field}) and its first index;
// the emulator decides which names belong to a list, which index a name carries, and how the
// entries group into items.

// listReader reads the entries of one list parameter.
type listReader struct {
	param  *spec.Parameter
	format string
	first  int
	// re is the reference reading of a name: ^prefix([^.]*)middle(.*)suffix$ built from the
	// format. form is the same reading without the regular expression (a speed trick, held to
	// re by a differential test); it is set when {n} comes first and the format is ASCII.
	re     *regexp.Regexp
	prefix string // the literal text before the first placeholder
	form   listForm
}

// listForm is a list format cut at its placeholders: prefix{n}middle{field}suffix.
type listForm struct {
	prefix, middle, suffix string
	ok                     bool
}

func newListReader(p *spec.Parameter) *listReader {
	l := p.List
	quoted := regexp.QuoteMeta(l.Format)
	quoted = strings.Replace(quoted, `\{n\}`, `([^.]*)`, 1)
	quoted = strings.Replace(quoted, `\{field\}`, `(.*)`, 1)
	r := &listReader{param: p, format: l.Format, first: l.FirstIndex, re: regexp.MustCompile("^" + quoted + "$")}
	r.prefix, _ = r.re.LiteralPrefix()
	r.form = newListForm(l.Format)
	return r
}

// readers caches a reader per list parameter: the description is read-only, and a reader
// compiles a regular expression.
var readers sync.Map // *spec.Parameter -> *listReader

// readerOf returns the (cached) reader of a list parameter.
func readerOf(p *spec.Parameter) *listReader {
	if r, ok := readers.Load(p); ok {
		return r.(*listReader)
	}
	r, _ := readers.LoadOrStore(p, newListReader(p))
	return r.(*listReader)
}

func newListForm(format string) listForm {
	i, j := strings.Index(format, "{n}"), strings.Index(format, "{field}")
	if i < 0 || j < i+len("{n}") {
		return listForm{}
	}
	for k := 0; k < len(format); k++ {
		if format[k] >= utf8.RuneSelf {
			return listForm{}
		}
	}
	return listForm{prefix: format[:i], middle: format[i+len("{n}") : j], suffix: format[j+len("{field}"):], ok: true}
}

// wireName is the flattened name of field of item n.
func (r *listReader) wireName(n int, field string) string {
	return strings.ReplaceAll(strings.ReplaceAll(r.format, "{n}", itoa(n)), "{field}", field)
}

// split returns the text in the {n} and {field} places of a flattened name, as splitPlain
// reads it.
func (r *listReader) split(name string) (index, field string, ok bool) {
	f := &r.form
	if !f.ok {
		return r.splitPlain(name)
	}
	rest, found := strings.CutPrefix(name, f.prefix)
	if !found {
		return "", "", false
	}
	// ([^.]*) is greedy: the index is the longest run without '.' that lets the rest fit.
	k := strings.IndexByte(rest, '.')
	if k < 0 {
		k = len(rest)
	}
	for ; k >= 0; k-- {
		tail := rest[k:]
		if len(tail) < len(f.middle)+len(f.suffix) || !strings.HasPrefix(tail, f.middle) || !strings.HasSuffix(tail, f.suffix) {
			continue
		}
		field = tail[len(f.middle) : len(tail)-len(f.suffix)]
		if strings.IndexByte(field, '\n') >= 0 {
			// (.*) does not take a newline, and a shorter index would only widen the field.
			return "", "", false
		}
		return rest[:k], field, true
	}
	return "", "", false
}

// splitPlain is the reference reading of a name, with the regular expression.
func (r *listReader) splitPlain(name string) (index, field string, ok bool) {
	if !strings.HasPrefix(name, r.prefix) {
		return "", "", false
	}
	m := r.re.FindStringSubmatch(name)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// parse splits a name into index and field; ok is false when the name does not belong to the
// list. An index that is not a plain decimal gives n = -1.
func (r *listReader) parse(name string) (n int, field string, ok bool) {
	index, field, ok := r.split(name)
	if !ok {
		return 0, "", false
	}
	return plainIndex(index), field, true
}

// plainIndex reads a list index: a non-negative decimal without sign, spaces or leading zeros,
// of at most nine digits; anything else is -1.
func plainIndex(s string) int {
	if s == "" || len(s) > 9 || (len(s) > 1 && s[0] == '0') {
		return -1
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// present reports whether a request carries an entry of the list.
func (r *listReader) present(values url.Values) bool {
	for name, vs := range values {
		if len(vs) > 0 && strings.HasPrefix(name, r.prefix) {
			if _, _, ok := r.split(name); ok {
				return true
			}
		}
	}
	return false
}

// entry is one value of a list as sent: the index of its item (-1 when the index is not a
// plain decimal), its field and its first value.
type entry struct {
	list         int // which list, for readLists
	index        int
	field, value string
}

// entriesOnStack is how many list entries validate reads without allocating.
const entriesOnStack = 32

// entries appends the list's entries in values to dst, ordered by index. Those with index -1
// come first; they are items on their own, while entries of one plain index form one item
// (see nextItem).
func (r *listReader) entries(dst []entry, values url.Values) []entry {
	for name, vs := range values {
		if len(vs) == 0 {
			continue
		}
		if n, field, ok := r.parse(name); ok {
			dst = append(dst, entry{index: n, field: field, value: vs[0]})
		}
	}
	slices.SortStableFunc(dst, func(a, b entry) int { return cmp.Compare(a.index, b.index) })
	return dst
}

// item is one entry of a flattened list as sent.
type item struct {
	Index  int
	Fields map[string]string
}

// items reads the list's items from a request, sorted by index. Names whose index is not a
// plain decimal are items of their own with Index -1.
func (r *listReader) items(values url.Values) []item {
	var spare [entriesOnStack]entry
	es := r.entries(spare[:0], values)
	var out []item
	for i := 0; i < len(es); {
		j := nextItem(es, i)
		fields := make(map[string]string, j-i)
		for _, e := range es[i:j] {
			fields[e.field] = e.value
		}
		out = append(out, item{Index: es[i].index, Fields: fields})
		i = j
	}
	return out
}

// nextItem returns where the item starting at es[i] ends.
func nextItem(es []entry, i int) int {
	j := i + 1
	if es[i].index >= 0 {
		for j < len(es) && es[j].index == es[i].index {
			j++
		}
	}
	return j
}

// fieldOf looks a field up among the entries of one item.
func fieldOf(it []entry, name string) (string, bool) {
	for _, e := range it {
		if e.field == name {
			return e.value, true
		}
	}
	return "", false
}

// maxLists is how many list parameters of an operation readLists reads in one pass.
const maxLists = 4

// requestLists holds the entries of an operation's list parameters in one request. validate
// needs them for every list and again for the rules; readLists reads them in one pass over the
// request's names instead of one pass per list and per rule (a speed trick beside the plain
// per-list reading, held to it by a differential test).
type requestLists struct {
	readers [maxLists]*listReader
	entries [maxLists][]entry
	n       int
	ok      bool // false: the operation has more lists than kept, read each on its own
	repeats bool // some name has more than one value
}

// readLists reads the entries of the given lists from values, using buf for them, and whether
// some name repeats.
func readLists(lists []*listReader, values url.Values, buf []entry) requestLists {
	rl := requestLists{ok: len(lists) <= maxLists}
	if rl.ok {
		rl.n = copy(rl.readers[:], lists)
	}
	for name, vs := range values {
		if len(vs) == 0 {
			continue
		}
		if len(vs) > 1 {
			rl.repeats = true
		}
		for k, r := range rl.readers[:rl.n] {
			if !strings.HasPrefix(name, r.prefix) {
				continue
			}
			if n, field, ok := r.parse(name); ok {
				buf = append(buf, entry{list: k, index: n, field: field, value: vs[0]})
			}
		}
	}
	slices.SortStableFunc(buf, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.list, b.list), cmp.Compare(a.index, b.index))
	})
	for k := range rl.readers[:rl.n] {
		end := 0
		for end < len(buf) && buf[end].list == k {
			end++
		}
		rl.entries[k], buf = buf[:end], buf[end:]
	}
	return rl
}

// of returns the entries of list r, reading them from values when rl does not hold them.
func (rl *requestLists) of(r *listReader, values url.Values) []entry {
	if rl.ok {
		for k, q := range rl.readers[:rl.n] {
			if q == r {
				return rl.entries[k]
			}
		}
	}
	return r.entries(nil, values)
}
