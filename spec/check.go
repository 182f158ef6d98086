package spec

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Violation is the first rule a request breaks, with the answer the description expects.
type Violation struct {
	Param   string  `json:"param,omitempty"` // wire name or list path ("Tag.Key")
	Wire    string  `json:"wire,omitempty"`  // the wire name as sent ("Tag.3.Key")
	Kind    Kind    `json:"kind"`
	Rule    string  `json:"rule,omitempty"`
	Value   string  `json:"value,omitempty"`
	Detail  string  `json:"detail"`
	Outcome Outcome `json:"outcome"`
}

func (v *Violation) Error() string { return v.Detail }

// Check reports the first constraint a single wire value breaks, or "" when it follows them
// all. It does not look at Required (absence is the request's business) nor at lists.
func (p *Parameter) Check(value string) (Kind, string) {
	order := p.checks
	if order == nil {
		order = checkIndex(p.Constraints) // a Parameter the loader did not build
	}
	// The messages read as fmt would write them (%d, %q), built on a stack buffer.
	var spare [128]byte
	m := message(spare[:0]).s(p.Path)
	var n int64
	for _, i := range order {
		c := &p.Constraints[i]
		k := c.Kind
		switch k {
		case KindType:
			if !c.matches(value) {
				return k, m.s(" must be a decimal integer, got ").q(value).String()
			}
			v, err := strconv.ParseInt(value, 10, 64)
			if err != nil {
				return k, m.s(" is not a representable integer: ").q(value).String()
			}
			n = v
		case KindForbiddenValues:
			if slices.Contains(c.Values, value) {
				return k, m.s(" may not be ").q(value).String()
			}
		case KindEnum:
			if !slices.Contains(c.Values, value) {
				return k, m.s(" must be one of ").s(strings.Join(c.Values, ", ")).s(", got ").q(value).String()
			}
		case KindMinLength:
			if l := runeLen(value); int64(l) < c.Int {
				return k, m.s(" must have at least ").d(c.Int).s(" characters, got ").d(int64(l)).String()
			}
		case KindMaxLength:
			if l := runeLen(value); int64(l) > c.Int {
				return k, m.s(" may have at most ").d(c.Int).s(" characters, got ").d(int64(l)).String()
			}
		case KindPattern:
			if !c.matches(value) {
				return k, m.s(" does not match ").s(c.Pattern).s(": ").q(value).String()
			}
		case KindForbiddenPrefixes:
			lower := strings.ToLower(value)
			for _, pre := range c.Values {
				if strings.HasPrefix(lower, strings.ToLower(pre)) {
					return k, m.s(" may not start with ").q(pre).String()
				}
			}
		case KindForbiddenSubstrings:
			lower := strings.ToLower(value)
			for _, sub := range c.Values {
				if strings.Contains(lower, strings.ToLower(sub)) {
					return k, m.s(" may not contain ").q(sub).String()
				}
			}
		case KindMinimum:
			if n < c.Int {
				return k, m.s(" must be at least ").d(c.Int).s(", got ").d(n).String()
			}
		case KindMaximum:
			if n > c.Int {
				return k, m.s(" may be at most ").d(c.Int).s(", got ").d(n).String()
			}
		}
	}
	return "", ""
}

// message builds a text by appending: s a string as it is, q one quoted as %q quotes it, d
// a number as %d writes it.
type message []byte

func (m message) s(text string) message { return append(m, text...) }
func (m message) q(text string) message { return strconv.AppendQuote(m, text) }
func (m message) d(n int64) message     { return strconv.AppendInt(m, n, 10) }
func (m message) String() string        { return string(m) }

// checkIndex lists the positions of a parameter's single-value constraints in checkOrder, the
// first of each kind, as Check visits them.
func checkIndex(cs []Constraint) []int {
	var out []int
	for _, k := range checkOrder {
		for i := range cs {
			if cs[i].Kind == k {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

func runeLen(s string) int { return len([]rune(s)) }

// Item is one entry of a flattened list as sent.
type Item struct {
	Index  int
	Fields map[string]string
}

// Items reads a list parameter's entries from a request, sorted by index. Names whose index is
// not a plain decimal get Index -1.
func (l *List) Items(values url.Values) []Item {
	var spare [entriesOnStack]entry
	es := l.entries(spare[:0], values)
	n := 0
	for i := 0; i < len(es); i = nextItem(es, i) {
		n++
	}
	out := make([]Item, 0, n)
	for i := 0; i < len(es); {
		j := nextItem(es, i)
		fields := make(map[string]string, j-i)
		for _, e := range es[i:j] {
			fields[e.field] = e.value
		}
		out = append(out, Item{Index: es[i].index, Fields: fields})
		i = j
	}
	return out
}

// entry is one value of a list as sent: the index of its item (-1 when the index is not a
// plain decimal), its field and its first value.
type entry struct {
	list         int // which list, for readLists
	index        int
	field, value string
}

// entriesOnStack is how many list entries Validate reads without allocating.
const entriesOnStack = 32

// entries appends the list's entries in values to dst, ordered by index. Those with index -1
// come first; they are items on their own, while entries of one plain index form one item
// (see nextItem). Items, validateList and the unique-value rule read a list through this.
func (l *List) entries(dst []entry, values url.Values) []entry {
	for name, vs := range values {
		if len(vs) == 0 {
			continue
		}
		if n, field, ok := l.ParseWireName(name); ok {
			dst = append(dst, entry{index: n, field: field, value: vs[0]})
		}
	}
	slices.SortStableFunc(dst, func(a, b entry) int { return cmp.Compare(a.index, b.index) })
	return dst
}

// maxLists is how many list parameters of an operation readLists reads at once.
const maxLists = 4

// requestLists holds the entries of an operation's list parameters in one request. Validate
// needs them for every list and again for the rules; readLists reads them in one pass over
// the request's names instead of one pass per list and per rule.
type requestLists struct {
	params  [maxLists]*Parameter
	entries [maxLists][]entry
	n       int
	ok      bool // false: the operation has more lists than kept, read each on its own
	repeats bool // some name has more than one value
}

// readLists reads the entries of o's list parameters from values, using buf for them, and
// whether some name repeats.
func readLists(o *Operation, values url.Values, buf []entry) requestLists {
	rl := requestLists{ok: true}
	for _, p := range o.Parameters {
		if p.List == nil {
			continue
		}
		if rl.n == maxLists {
			rl = requestLists{}
			break
		}
		rl.params[rl.n] = p
		rl.n++
	}
	for name, vs := range values {
		if len(vs) == 0 {
			continue
		}
		if len(vs) > 1 {
			rl.repeats = true
		}
		for k, p := range rl.params[:rl.n] {
			if n, field, ok := p.List.ParseWireName(name); ok {
				buf = append(buf, entry{list: k, index: n, field: field, value: vs[0]})
			}
		}
	}
	slices.SortStableFunc(buf, func(a, b entry) int {
		if a.list != b.list {
			return cmp.Compare(a.list, b.list)
		}
		return cmp.Compare(a.index, b.index)
	})
	for k := range rl.params[:rl.n] {
		end := 0
		for end < len(buf) && buf[end].list == k {
			end++
		}
		rl.entries[k], buf = buf[:end], buf[end:]
	}
	return rl
}

// of returns the entries of list parameter p, reading them from values when rl does not hold
// them.
func (rl *requestLists) of(p *Parameter, values url.Values) []entry {
	if rl.ok {
		for k, q := range rl.params[:rl.n] {
			if q == p {
				return rl.entries[k]
			}
		}
	}
	return p.List.entries(nil, values)
}

// present is Operation.Present answered from rl where it can.
func (rl *requestLists) present(o *Operation, values url.Values, name string) bool {
	if p := o.Param(name); p != nil && p.List != nil && rl.ok {
		for k, q := range rl.params[:rl.n] {
			if q == p {
				return len(rl.entries[k]) > 0
			}
		}
	}
	return o.Present(values, name)
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
func fieldOf(item []entry, name string) (string, bool) {
	for _, e := range item {
		if e.field == name {
			return e.value, true
		}
	}
	return "", false
}

// Present reports whether a parameter (or any entry of a list parameter) is in the request.
func (o *Operation) Present(values url.Values, name string) bool {
	p := o.Param(name)
	if p != nil && p.List != nil {
		return p.List.present(values)
	}
	_, ok := values[name]
	return ok
}

// present reports whether Items would find an entry, without building them: Validate asks
// this of the rules' list parameters on every request.
func (l *List) present(values url.Values) bool {
	for name, vs := range values {
		if len(vs) > 0 && l.has(name) {
			return true
		}
	}
	return false
}

// Getter returns a lookup of first values suitable for Condition.Holds.
func Getter(values url.Values) func(string) (string, bool) {
	return func(name string) (string, bool) {
		vs, ok := values[name]
		if !ok || len(vs) == 0 {
			return "", false
		}
		return vs[0], true
	}
}

// Validate checks a request's business parameters against every constraint and rule of the
// operation that can be judged without state, and returns the first violation in the
// service's order (duplicates, missing parameters, values in description order, lists,
// rules), or nil. Common parameters and unknown parameters are not judged here.
func (s *Spec) Validate(o *Operation, values url.Values) *Violation {
	// One pass over the names finds the list entries and whether some name repeats.
	var spare [entriesOnStack]entry
	lists := readLists(o, values, spare[:0])
	// Duplicates: one name with different values. The names are sorted (so the first in order
	// is reported) only when some name repeats.
	var names []string
	if lists.repeats {
		names = make([]string, 0, len(values))
		for name := range values {
			names = append(names, name)
		}
		sort.Strings(names)
	}
	for _, name := range names {
		vs := values[name]
		if len(vs) < 2 {
			continue // nothing to compare; an empty slice must not panic here
		}
		for _, v := range vs[1:] {
			if v != vs[0] {
				return &Violation{Param: name, Wire: name, Kind: KindDuplicate, Value: v,
					Detail:  fmt.Sprintf("%s is given more than once with different values", name),
					Outcome: s.WireOutcome(KindDuplicate)}
			}
		}
	}
	get := Getter(values)
	for _, p := range o.Parameters {
		if !p.Required || p.Common {
			continue
		}
		if v, ok := get(p.Name); !ok || v == "" {
			return &Violation{Param: p.Name, Wire: p.Name, Kind: KindRequired,
				Detail: fmt.Sprintf("%s is required", p.Name), Outcome: p.RequiredResult}
		}
	}
	for _, p := range o.Parameters {
		if p.Common {
			continue
		}
		if p.List != nil {
			if v := s.validateList(p, lists.of(p, values)); v != nil {
				return v
			}
			continue
		}
		v, ok := get(p.Name)
		if !ok {
			continue
		}
		if k, detail := p.Check(v); k != "" {
			return &Violation{Param: p.Name, Wire: p.Name, Kind: k, Value: v, Detail: detail, Outcome: s.ParamOutcome(p, k)}
		}
	}
	for _, r := range s.rulesFor(o) {
		if v := s.checkRule(o, r, values, &lists); v != nil {
			return v
		}
	}
	return nil
}

func (s *Spec) rulesFor(o *Operation) []Rule {
	if !o.UnderTest {
		return nil
	}
	return s.Rules
}

// validateList checks the entries es of list parameter p, as List.entries orders them.
func (s *Spec) validateList(p *Parameter, es []entry) *Violation {
	l := p.List
	count := 0
	for i := 0; i < len(es); i = nextItem(es, i) {
		index, want := es[i].index, l.FirstIndex+count
		if index != want {
			wire := l.WireName(index, "")
			if index < 0 {
				wire = p.Name + ".?"
			}
			return &Violation{Param: p.Name, Wire: wire, Kind: KindListIndex,
				Detail:  fmt.Sprintf("%s entries must be numbered from %d without gaps; found index %d where %d was expected", p.Name, l.FirstIndex, index, want),
				Outcome: s.WireOutcome(KindListIndex)}
		}
		count++
	}
	if l.MaxItems > 0 && count > l.MaxItems {
		return &Violation{Param: p.Name, Wire: l.WireName(count, ""), Kind: KindMaxItems,
			Detail:  fmt.Sprintf("%s allows at most %d entries, got %d", p.Name, l.MaxItems, count),
			Outcome: s.ParamOutcome(p, KindMaxItems)}
	}
	for i := 0; i < len(es); {
		j := nextItem(es, i)
		item, index := es[i:j], es[i].index
		i = j
		for _, f := range l.Fields {
			v, ok := fieldOf(item, f.Name)
			if f.Required && (!ok || v == "") {
				return &Violation{Param: f.Path, Wire: l.WireName(index, f.Name), Kind: KindRequired,
					Detail: fmt.Sprintf("%s is required in entry %d", f.Path, index), Outcome: f.RequiredResult}
			}
			if !ok {
				continue
			}
			if k, detail := f.Check(v); k != "" {
				return &Violation{Param: f.Path, Wire: l.WireName(index, f.Name), Kind: k, Value: v, Detail: detail, Outcome: s.ParamOutcome(f, k)}
			}
		}
	}
	return nil
}

func (s *Spec) checkRule(o *Operation, r Rule, values url.Values, lists *requestLists) *Violation {
	get := Getter(values)
	fail := func(detail string) *Violation {
		return &Violation{Kind: KindRule, Rule: r.ID, Detail: detail, Outcome: r.Outcome}
	}
	switch r.Kind {
	case RuleRequires:
		if !r.Premise(get) {
			return nil
		}
		for _, name := range r.Require {
			if !lists.present(o, values, name) {
				v := fail(fmt.Sprintf("%s is required here: %s", name, r.Description))
				v.Param = name
				return v
			}
		}
	case RuleOneOf:
		for _, name := range r.Params {
			if lists.present(o, values, name) {
				return nil
			}
		}
		return fail(fmt.Sprintf("one of %s is required", strings.Join(r.Params, ", ")))
	case RuleExclusive:
		var given []string
		for _, name := range r.Params {
			if lists.present(o, values, name) {
				given = append(given, name)
			}
		}
		if len(given) > 1 {
			return fail(fmt.Sprintf("%s cannot be combined", strings.Join(given, " and ")))
		}
	case RuleUniqueValue:
		p := o.Param(r.List)
		f := p.List.Field(r.Field)
		es := lists.of(p, values)
		seen := map[string]int{}
		for i := 0; i < len(es); i = nextItem(es, i) {
			v, ok := fieldOf(es[i:nextItem(es, i)], r.Field)
			if !ok && f.Default != nil {
				v = *f.Default
			}
			seen[v]++
			if seen[v] > 1 {
				return fail(fmt.Sprintf("more than one %s entry has %s %q", r.List, r.Field, v))
			}
		}
	case RuleDistinct:
		seen := map[string]string{}
		for _, name := range r.Params {
			v, ok := get(name)
			if !ok {
				continue
			}
			if other, dup := seen[v]; dup {
				vi := fail(fmt.Sprintf("%s and %s have the same value %q", other, name, v))
				vi.Param = name
				return vi
			}
			seen[v] = name
		}
	}
	return nil
}
