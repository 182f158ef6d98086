package referee

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/clbcheck/clbcheck/spec"
)

// These are the referee's own plain readings of what kin-openapi does not judge. They are
// written to be read, not to be fast: the referee runs once per case.

// spelling reads how a scalar value is written. It returns a finding for an empty value (a
// required parameter is then missing; an optional one is an open point) or for an integer not
// in plain decimal (an open point when it stands for an integer at all, else a type error),
// the value kin-openapi should judge in its place, and whether it should judge one.
func spelling(p *spec.Parameter, v string) (*Finding, string, bool) {
	switch {
	case v == "" && p.Required:
		return &Finding{Param: p.Path, Wire: p.Name, Kind: spec.KindRequired, Detail: p.Name + " is required and was sent empty"}, "", false
	case v == "" && p.NotEmpty:
		return &Finding{Param: p.Path, Wire: p.Name, Kind: spec.KindMinLength, Detail: p.Name + " was sent empty, which the page forbids"}, "", false
	case v == "":
		return &Finding{Param: p.Path, Wire: p.Name, Kind: spec.KindEmpty, Detail: p.Name + " was sent empty"}, "", false
	case !p.IsInteger() || plainDecimal(v):
		return nil, v, true
	}
	n, ok := lenientInt(v)
	if !ok {
		return &Finding{Param: p.Path, Wire: p.Name, Kind: spec.KindType, Value: v, Detail: fmt.Sprintf("%s is not an integer: %q", p.Name, v)}, "", false
	}
	f := &Finding{Param: p.Path, Wire: p.Name, Kind: spec.KindLenient, Value: v, Detail: fmt.Sprintf("%s spells the integer %s as %q", p.Name, meaning(n), v)}
	return f, meaning(n), true
}

// plainDecimal reports whether v is an integer written as the page's examples write one: an
// optional minus, then digits without a leading zero.
func plainDecimal(v string) bool {
	d := strings.TrimPrefix(v, "-")
	if d == "" || (len(d) > 1 && d[0] == '0') || (v != d && d == "0") {
		return false
	}
	for _, c := range d {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// lenientInt reads an integer the way lenient readers do: surrounding spaces, a sign, leading
// zeros, a hexadecimal 0x form, an exponent ("1e3", "1.0"), or decimal digits of another
// script. It reports false when no such reader sees an integer ("abc", "1.5").
func lenientInt(v string) (float64, bool) {
	t := strings.TrimFunc(v, unicode.IsSpace)
	if t == "" {
		return 0, false
	}
	if n, ok := otherDigits(t); ok {
		return n, true
	}
	body := strings.TrimLeft(t, "+-")
	if len(t)-len(body) > 1 {
		return 0, false
	}
	if h, ok := strings.CutPrefix(strings.ToLower(body), "0x"); ok {
		u, err := strconv.ParseUint(h, 16, 64)
		if err != nil {
			return 0, false
		}
		n := float64(u)
		if strings.HasPrefix(t, "-") {
			n = -n
		}
		return n, true
	}
	if strings.ContainsFunc(t, func(r rune) bool { return !strings.ContainsRune("+-.0123456789eE", r) }) {
		return 0, false
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil && !isRange(err) {
		return 0, false
	}
	if math.IsNaN(f) || f != math.Trunc(f) {
		return 0, false
	}
	return f, true
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// otherDigits reads a string of Unicode decimal digits (any script, one optional sign).
func otherDigits(t string) (float64, bool) {
	neg := strings.HasPrefix(t, "-")
	body := strings.TrimLeft(t, "+-")
	if body == "" || len(t)-len(body) > 1 {
		return 0, false
	}
	n := 0.0
	ascii := true
	for _, r := range body {
		if !unicode.IsDigit(r) {
			return 0, false
		}
		ascii = ascii && r <= '9'
		n = n*10 + float64(digitValue(r))
	}
	if ascii {
		return 0, false // plain ASCII digits: the ordinary reading handles them
	}
	if neg {
		n = -n
	}
	return n, true
}

// digitValue is the value of a Unicode decimal digit: digits come in runs of ten from zero.
func digitValue(r rune) int {
	start := r
	for unicode.IsDigit(start - 1) {
		start--
	}
	return int(r-start) % 10
}

// meaning writes an integer meaning as plain decimal, bounded to what an int64 holds (a value
// beyond it is beyond every range the description states anyway).
func meaning(n float64) string {
	switch {
	case n >= math.MaxInt64:
		return strconv.FormatInt(math.MaxInt64, 10)
	case n <= math.MinInt64:
		return strconv.FormatInt(math.MinInt64, 10)
	}
	return strconv.FormatInt(int64(n), 10)
}

// duplicate reports a name sent more than once with different values.
func duplicate(name string, vs []string) (Finding, bool) {
	for _, v := range vs[1:] {
		if v != vs[0] {
			return Finding{Param: name, Wire: name, Kind: spec.KindDuplicate, Value: v, Detail: name + " is sent more than once with different values"}, true
		}
	}
	return Finding{}, false
}

// entry is one field of a list entry as sent.
type entry struct {
	wire, index, field, value string
}

// listFindings reads list l from the request and judges it: indexes numbered from the first
// without gaps, the number of entries, the fields of each entry. Every name it reads is
// marked in listed.
func (r *Referee) listFindings(l listReader, first map[string]string, listed map[string]bool) []Finding {
	byIndex := map[string][]entry{}
	for name, v := range first {
		index, field, ok := l.split(name)
		if !ok {
			continue
		}
		listed[name] = true
		byIndex[index] = append(byIndex[index], entry{wire: name, index: index, field: field, value: v})
	}
	if len(byIndex) == 0 {
		return nil
	}
	out := indexFindings(l.p, byIndex)
	for _, es := range byIndex {
		out = append(out, r.entryFindings(l.p, es)...)
	}
	return out
}

// indexFindings checks that entries are numbered firstIndex, firstIndex+1, ... and that there
// are not more of them than the list allows.
func indexFindings(p *spec.Parameter, byIndex map[string][]entry) []Finding {
	var out []Finding
	var idx []int
	for s := range byIndex {
		n, err := strconv.Atoi(s)
		if err != nil || !plainDecimal(s) || n < p.List.FirstIndex {
			out = append(out, Finding{Param: p.Name, Wire: s, Kind: spec.KindListIndex, Detail: fmt.Sprintf("%s entry index %q is not a number from %d", p.Name, s, p.List.FirstIndex)})
			continue
		}
		idx = append(idx, n)
	}
	sort.Ints(idx)
	for i, n := range idx {
		if n != p.List.FirstIndex+i {
			out = append(out, Finding{Param: p.Name, Wire: strconv.Itoa(n), Kind: spec.KindListIndex, Detail: fmt.Sprintf("%s entries must be numbered from %d without gaps; found %d", p.Name, p.List.FirstIndex, n)})
			break
		}
	}
	if c, ok := p.Constraint(spec.KindMaxItems); ok && int64(len(byIndex)) > c.Int {
		out = append(out, Finding{Param: p.Name, Kind: spec.KindMaxItems, Value: strconv.Itoa(len(byIndex)), Detail: fmt.Sprintf("%s allows %d entries, got %d", p.Name, c.Int, len(byIndex))})
	}
	return out
}

// entryFindings judges the fields of one list entry: required fields present and not empty,
// unknown fields, each value against its schema and its x- constraints.
func (r *Referee) entryFindings(p *spec.Parameter, es []entry) []Finding {
	var out []Finding
	got := map[string]entry{}
	for _, e := range es {
		got[e.field] = e
		if p.List.Field(e.field) == nil {
			out = append(out, Finding{Param: p.Name + "." + e.field, Wire: e.wire, Kind: spec.KindUnknown, Detail: e.wire + " is not a field of " + p.Name})
		}
	}
	index := es[0].index
	for _, f := range p.List.Fields {
		e, ok := got[f.Name]
		// The field first: an index sent as text is put in last, so nothing in it is replaced.
		wire := strings.ReplaceAll(strings.ReplaceAll(p.List.Format, "{field}", f.Name), "{n}", index)
		switch {
		case (!ok || e.value == "") && f.Required:
			out = append(out, Finding{Param: f.Path, Wire: wire, Kind: spec.KindRequired, Detail: wire + " is required in its entry"})
		case !ok:
		case e.value == "" && f.NotEmpty:
			out = append(out, Finding{Param: f.Path, Wire: wire, Kind: spec.KindMinLength, Detail: wire + " was sent empty, which the page forbids"})
		case e.value == "":
			out = append(out, Finding{Param: f.Path, Wire: wire, Kind: spec.KindEmpty, Detail: wire + " was sent empty"})
		default:
			out = append(out, r.fieldFindingsMemo(f, wire, e.value)...)
		}
	}
	return out
}

// ruleFindings evaluates the description's rules. A parameter sent empty counts as absent
// here: whether the service reads it as absent or refuses its value, the rule's answer does
// not depend on it.
func (r *Referee) ruleFindings(first map[string]string) []Finding {
	get := func(name string) (string, bool) {
		v, ok := first[name]
		return v, ok && v != ""
	}
	// Which lists have an entry with a value: read once for every rule that asks.
	listSent := map[string]bool{}
	for wire, v := range first {
		for _, l := range r.lists {
			if v != "" && !listSent[l.p.Name] && l.matches(wire) {
				listSent[l.p.Name] = true
			}
		}
	}
	var out []Finding
	for _, rule := range r.s.Rules {
		if detail, broken := r.breaks(rule, get, first, listSent); broken {
			out = append(out, Finding{Param: strings.Join(append(append([]string{}, rule.Require...), rule.Params...), ","), Kind: spec.KindRule, Rule: rule.ID, Detail: detail})
		}
	}
	return out
}

// breaks evaluates one rule.
// listSent names the lists that have an entry with a value.
func (r *Referee) breaks(rule spec.Rule, get func(string) (string, bool), first map[string]string, listSent map[string]bool) (string, bool) {
	present := func(name string) bool {
		if p := r.op.Param(name); p != nil && p.List != nil {
			return listSent[name]
		}
		_, ok := get(name)
		return ok
	}
	var given []string
	switch rule.Kind {
	case spec.RuleRequires:
		if !rule.Premise(get) {
			return "", false
		}
		for _, name := range rule.Require {
			if !present(name) {
				return name + " is required: " + rule.Description, true
			}
		}
	case spec.RuleOneOf, spec.RuleExclusive:
		for _, name := range rule.Params {
			if present(name) {
				given = append(given, name)
			}
		}
		if rule.Kind == spec.RuleOneOf && len(given) == 0 {
			return "one of " + strings.Join(rule.Params, ", ") + " is required", true
		}
		if rule.Kind == spec.RuleExclusive && len(given) > 1 {
			return strings.Join(given, " and ") + " cannot be given together", true
		}
	case spec.RuleDistinct:
		seen := map[string]string{}
		for _, name := range rule.Params {
			if v, ok := get(name); ok {
				if other, dup := seen[v]; dup {
					return fmt.Sprintf("%s and %s have the same value %q", other, name, v), true
				}
				seen[v] = name
			}
		}
	case spec.RuleUniqueValue:
		return r.uniqueValue(rule, first)
	}
	return "", false
}

// uniqueValue checks that no two entries of a list have the same value of a field (a field
// not sent takes its default).
func (r *Referee) uniqueValue(rule spec.Rule, first map[string]string) (string, bool) {
	for _, l := range r.lists {
		if l.p.Name != rule.List {
			continue
		}
		f := l.p.List.Field(rule.Field)
		values := map[string]string{}
		for wire, v := range first {
			if index, field, ok := l.split(wire); ok {
				if _, ok := values[index]; !ok {
					values[index] = ""
				}
				if field == rule.Field {
					values[index] = v
				}
			}
		}
		seen := map[string]bool{}
		for _, v := range values {
			if v == "" && f != nil && f.Default != nil {
				v = *f.Default
			}
			if seen[v] {
				return fmt.Sprintf("more than one %s entry has %s %q", rule.List, rule.Field, v), true
			}
			seen[v] = true
		}
	}
	return "", false
}

// Meaning is what a value sent for p stands for as the page reads it: an integer as its plain
// decimal value however it was spelled ("+1" and "01" stand for 1), a comma-separated list of
// the values the page names (x-list-values: HealthCheckHttpCode) as the set it names, sorted,
// each once and without surrounding spaces; anything else as sent. It reports false for an
// integer parameter's value that no reader takes for an integer.
func Meaning(p *spec.Parameter, v string) (string, bool) {
	if len(p.ListValues) > 0 {
		return setMeaning(v), true
	}
	if !p.IsInteger() || plainDecimal(v) {
		return v, !p.IsInteger() || v != ""
	}
	n, ok := lenientInt(v)
	if !ok {
		return v, false
	}
	return meaning(n), true
}

// setMeaning is a comma-separated list as the set it names: sorted, each value once, spaces
// around each trimmed.
func setMeaning(v string) string {
	parts := strings.Split(v, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	slices.Sort(parts)
	return strings.Join(slices.Compact(parts), ",")
}
