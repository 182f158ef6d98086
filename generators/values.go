package generators

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clbcheck/clbcheck/spec"
)

// Value is a wire value labelled, by construction, with what it stands for: a valid value
// (Kind empty), a point the page leaves open (spec.KindEmpty, spec.KindLenient), or a value
// that breaks the constraint Kind. Nothing here asks a validator whether a value is valid: the
// label follows from how the value was built, and the referee (package referee) confirms it
// on the bytes sent.
type Value struct {
	Scenario string
	Value    string
	Kind     spec.Kind
	// Also lists what the value may break besides Kind: a constraint kind of the same
	// parameter ("pattern"), "kind:Param" for another parameter, or "rule/<id>".
	Also []string
	// ByMeaning marks a value that breaks Kind by what it means, while its spelling may be
	// read as a type error first ("1e3" above a maximum of 50): the code is then either one.
	ByMeaning bool
	// Edge, for a valid value, is the constraint whose valid edge the value stands on (the
	// maximum itself, an enum value, a character the pattern allows).
	Edge spec.Kind
	// Open marks a value that breaks Kind only under one reading of the page: accepting and
	// refusing it both conform (a non-ASCII letter where the page says "letters").
	Open bool
}

// Fill returns a string of exactly n characters built for p: the pattern's literal prefix and
// then a character of its repeated class, or "a" when p has no pattern. It reports false when
// the pattern has no repeated class to build from or n is too short for its prefix.
func Fill(p *spec.Parameter, n int) (string, bool) {
	if n <= 0 {
		return "", false
	}
	c, ok := p.Constraint(spec.KindPattern)
	if !ok {
		return strings.Repeat("a", n), true
	}
	sh, ok := readShape(c.Pattern)
	if !ok {
		return "", false
	}
	return sh.build(n)
}

// ValidValue returns a typical valid value for a parameter that is not a reference: its
// example, its default, its first enum or listed value, 80 clamped into an integer range, or
// a string built to its minimum length.
func ValidValue(p *spec.Parameter) (string, bool) {
	switch {
	case p.Example != "":
		return p.Example, true
	case p.Default != nil:
		return *p.Default, true
	case len(p.Enum()) > 0:
		return p.Enum()[0], true
	case len(p.ListValues) > 0:
		return p.ListValues[0], true
	case p.IsInteger():
		return strconv.FormatInt(validInt(p), 10), true
	}
	n := 1
	if c, ok := p.Constraint(spec.KindMinLength); ok && c.Int > 1 {
		n = int(c.Int)
	}
	return Fill(p, n)
}

// validInt is 80 clamped into p's range, moved off a forbidden value.
func validInt(p *spec.Parameter) int64 {
	lo, hi := intBounds(p)
	n := clamp(80, lo, hi)
	for forbiddenInt(p, n) && n < hi {
		n++
	}
	return n
}

func forbiddenInt(p *spec.Parameter, n int64) bool {
	c, ok := p.Constraint(spec.KindForbiddenValues)
	return ok && slices.Contains(c.Values, strconv.FormatInt(n, 10))
}

func clamp(v, lo, hi int64) int64 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// intBounds returns the numeric range of an integer parameter (int32 when unbounded).
func intBounds(p *spec.Parameter) (int64, int64) {
	lo, hi := int64(-1<<31), int64(1<<31-1)
	if c, ok := p.Constraint(spec.KindMinimum); ok {
		lo = c.Int
	}
	if c, ok := p.Constraint(spec.KindMaximum); ok {
		hi = c.Int
	}
	return lo, hi
}

// The scenarios of valid values the page names one by one: an enum value, a literal
// alternative of a pattern ($_ip), a character the pattern allows (ALLOWED_HASH). The
// catalogue's order gives each its own group.
const (
	scenarioEnumValue      = "ENUM_VALUE"
	scenarioPatternLiteral = "PATTERN_LITERAL"
	scenarioAllowedPrefix  = "ALLOWED_"
)

// ValidBoundaries lists valid values at the edges of each constraint of p: the minimum and the
// maximum, the neighbours of a forbidden value, every enum value, the listed values, the
// shortest and longest strings, a value with each kind of character the pattern allows, each
// literal alternative of the pattern, and a reserved word inside a value rather than at its
// start.
func ValidBoundaries(p *spec.Parameter) []Value {
	var out []Value
	add := func(scn, v string, edge spec.Kind) { out = append(out, Value{Scenario: scn, Value: v, Edge: edge}) }
	if p.IsInteger() {
		out = append(out, intBoundaries(p)...)
	}
	for _, e := range p.Enum() {
		add(scenarioEnumValue, e, spec.KindEnum)
	}
	if len(p.ListValues) > 0 {
		add("ALL_LIST_VALUES", strings.Join(p.ListValues, ","), spec.KindPattern)
		for _, v := range p.ListValues {
			add("LIST_VALUE", v, spec.KindPattern)
		}
	}
	if p.Type == "string" && len(p.Enum()) == 0 {
		out = append(out, stringBoundaries(p)...)
	}
	return dedupe(out)
}

func intBoundaries(p *spec.Parameter) []Value {
	var out []Value
	lo, hi := intBounds(p)
	if _, ok := p.Constraint(spec.KindMinimum); ok {
		out = append(out, Value{Scenario: "VALUE_AT_MINIMUM", Value: strconv.FormatInt(lo, 10), Edge: spec.KindMinimum})
	}
	if _, ok := p.Constraint(spec.KindMaximum); ok {
		out = append(out, Value{Scenario: "VALUE_AT_MAXIMUM", Value: strconv.FormatInt(hi, 10), Edge: spec.KindMaximum})
	}
	if c, ok := p.Constraint(spec.KindForbiddenValues); ok {
		for _, f := range c.Values {
			n, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				continue
			}
			for _, m := range []int64{n - 1, n + 1} {
				if m >= lo && m <= hi && !forbiddenInt(p, m) {
					out = append(out, Value{Scenario: "VALUE_NEXT_TO_FORBIDDEN", Value: strconv.FormatInt(m, 10), Edge: spec.KindForbiddenValues})
				}
			}
		}
	}
	return out
}

func stringBoundaries(p *spec.Parameter) []Value {
	var out []Value
	add := func(scn, v string, edge spec.Kind) { out = append(out, Value{Scenario: scn, Value: v, Edge: edge}) }
	minL, maxL := lengthBounds(p)
	// The shortest value: the minimum length, or the pattern's prefix and one character when
	// the pattern asks for more (a lone "/" is not a URI).
	shortest := max(minL, 1)
	if c, ok := p.Constraint(spec.KindPattern); ok {
		if sh, ok := readShape(c.Pattern); ok && sh.class != nil {
			shortest = max(shortest, utf8.RuneCountInString(sh.prefix)+1)
		}
	}
	if v, ok := Fill(p, shortest); ok {
		add("LENGTH_AT_MINIMUM", v, spec.KindMinLength)
	}
	if maxL > 0 {
		if v, ok := Fill(p, maxL); ok {
			add("LENGTH_AT_MAXIMUM", v, spec.KindMaxLength)
		}
	}
	base, _ := ValidValue(p)
	if c, ok := p.Constraint(spec.KindPattern); ok {
		if sh, ok := readShape(c.Pattern); ok {
			for _, m := range sh.members() {
				if v, ok := insertMiddle(base, m.char, maxL); ok {
					add(scenarioAllowedPrefix+m.name, v, spec.KindPattern)
				}
			}
			for _, lit := range sh.literals {
				add(scenarioPatternLiteral, lit, spec.KindPattern)
			}
		}
	}
	for _, c := range p.Constraints {
		switch c.Kind {
		case spec.KindForbiddenPrefixes:
			// A reserved word inside the value, not at its start.
			for _, pre := range c.Values {
				if v := "key" + pre; maxL == 0 || utf8.RuneCountInString(v) <= maxL {
					add("RESERVED_WORD_INSIDE", v, c.Kind)
				}
			}
		case spec.KindForbiddenSubstrings:
			// All of a forbidden text but its last character.
			for _, sub := range c.Values {
				if rs := []rune(sub); len(rs) > 1 {
					add("FORBIDDEN_TEXT_CUT_SHORT", "key"+string(rs[:len(rs)-1]), c.Kind)
				}
			}
		case spec.KindForbiddenValues:
			if base != "" && !slices.Contains(c.Values, base) {
				add("VALUE_NOT_FORBIDDEN", base, c.Kind)
			}
		}
	}
	return out
}

// lengthBounds returns the length limits of p (0: none).
func lengthBounds(p *spec.Parameter) (int, int) {
	minL, maxL := 0, 0
	if c, ok := p.Constraint(spec.KindMinLength); ok {
		minL = int(c.Int)
	}
	if c, ok := p.Constraint(spec.KindMaxLength); ok {
		maxL = int(c.Int)
	}
	return minL, maxL
}

// insertMiddle puts r in the middle of base (after its first character, so that a literal
// prefix stays in front); when that would pass maxL, r replaces a character instead.
func insertMiddle(base string, r rune, maxL int) (string, bool) {
	rs := []rune(base)
	if len(rs) == 0 {
		return "", false
	}
	mid := max(len(rs)/2, 1)
	if mid >= len(rs) {
		return string(rs) + string(r), maxL == 0 || len(rs)+1 <= maxL
	}
	if maxL > 0 && len(rs)+1 > maxL {
		return string(rs[:mid]) + string(r) + string(rs[mid+1:]), true
	}
	return string(rs[:mid]) + string(r) + string(rs[mid:]), true
}

// Violations lists, for each constraint of p, values that break it at its boundary, labelled
// by construction, and the values whose reading the page leaves open: an empty value of an
// optional parameter, and an integer spelled otherwise than in plain decimal.
func Violations(p *spec.Parameter) []Value {
	var out []Value
	for _, c := range p.Constraints {
		out = append(out, breakers(p, c)...)
	}
	if p.IsInteger() {
		out = append(out, spellings(p)...)
	}
	if p.Required {
		// Sent empty, a required parameter is missing, or present with a value its first
		// constraint refuses: the page does not say which, so either code will do.
		empty := Value{Scenario: "EMPTY_VALUE", Value: "", Kind: spec.KindRequired}
		for _, c := range p.Constraints {
			if c.Kind != spec.KindMaxLength && c.Kind != spec.KindMaximum {
				empty.Also = append(empty.Also, string(c.Kind))
				break
			}
		}
		out = append(out, empty)
	} else if _, ok := p.Constraint(spec.KindMinLength); ok && p.NotEmpty {
		out = append(out, Value{Scenario: "EMPTY_VALUE", Value: "", Kind: spec.KindMinLength})
	} else {
		out = append(out, Value{Scenario: "EMPTY_VALUE", Value: "", Kind: spec.KindEmpty})
	}
	return dedupe(out)
}

// breakers builds the values that break one constraint.
func breakers(p *spec.Parameter, c spec.Constraint) []Value {
	v := func(scn, val string) Value { return Value{Scenario: scn, Value: val, Kind: c.Kind} }
	base, _ := ValidValue(p)
	minL, maxL := lengthBounds(p)
	_, hasPattern := p.Constraint(spec.KindPattern)
	switch c.Kind {
	case spec.KindType:
		return []Value{v("WRONG_TYPE", "abc"), v("WRONG_TYPE", "1.5")}
	case spec.KindMinimum:
		below := v("VALUE_BELOW_MINIMUM", strconv.FormatInt(c.Int-1, 10))
		if forbiddenInt(p, c.Int-1) {
			below.Also = []string{string(spec.KindForbiddenValues)}
		}
		far := v("VALUE_FAR_BELOW_MINIMUM", "-2147483649")
		far.ByMeaning = true
		return []Value{below, far}
	case spec.KindMaximum:
		far := v("VALUE_FAR_ABOVE_MAXIMUM", "2147483648")
		far.ByMeaning = true
		beyond := v("VALUE_BEYOND_INT64", "9223372036854775808")
		beyond.ByMeaning = true
		return []Value{v("VALUE_ABOVE_MAXIMUM", strconv.FormatInt(c.Int+1, 10)), far, beyond}
	case spec.KindMinLength:
		if minL < 2 {
			return nil // one character short of the minimum is the empty value (Violations adds it)
		}
		short, ok := Fill(p, minL-1)
		if !ok {
			short = string([]rune(base)[:minL-1])
		}
		val := v("LENGTH_BELOW_MINIMUM", short)
		if hasPattern {
			val.Also = []string{string(spec.KindPattern)}
		}
		return []Value{val}
	case spec.KindMaxLength:
		long, ok := Fill(p, maxL+1)
		val := v("LENGTH_ABOVE_MAXIMUM", long)
		if !ok {
			val.Value = base + strings.Repeat("a", max(maxL+1-utf8.RuneCountInString(base), 1))
			val.Also = []string{string(spec.KindPattern)}
		}
		return []Value{val}
	case spec.KindEnum:
		return enumBreakers(p, c)
	case spec.KindPattern:
		return patternBreakers(p, c, base, maxL)
	case spec.KindForbiddenPrefixes:
		var out []Value
		for _, pre := range c.Values {
			out = append(out, v("FORBIDDEN_PREFIX", pre+"key1"))
		}
		return out
	case spec.KindForbiddenSubstrings:
		var out []Value
		for _, sub := range c.Values {
			out = append(out, v("FORBIDDEN_SUBSTRING", "a"+sub+"b"))
		}
		return out
	case spec.KindForbiddenValues:
		var out []Value
		for _, f := range c.Values {
			out = append(out, v("FORBIDDEN_VALUE", f))
		}
		return out
	}
	return nil
}

func enumBreakers(p *spec.Parameter, c spec.Constraint) []Value {
	out := []Value{{Scenario: "VALUE_NOT_IN_ENUM", Value: "clbcheck-invalid", Kind: c.Kind}}
	if p.EnumExtendedBy != "" {
		out = append(out, Value{Scenario: "VALUE_NOT_IN_ENUM", Value: "tls-clbcheckmissing0", Kind: c.Kind})
	}
	for _, e := range c.Values {
		if up := strings.ToUpper(e); up != e {
			out = append(out, Value{Scenario: "ENUM_WRONG_CASE", Value: up, Kind: c.Kind})
			break
		}
	}
	for _, near := range p.NearMisses {
		out = append(out, Value{Scenario: "ENUM_NEAR_MISS", Value: near, Kind: c.Kind})
	}
	return out
}

// otherLetter reports whether r is a letter outside ASCII that the page may allow: the pattern
// takes ASCII letters, and the page says "letters" without restricting them to ASCII.
func otherLetter(p *spec.Parameter, sh shape, r rune) bool {
	return r > unicode.MaxASCII && unicode.IsLetter(r) && !p.ASCIILetters && inRanges('b', sh.class)
}

// patternBreakers puts, one at a time, a character the pattern mentions nowhere into the
// middle of a valid value, and sends the pattern's literal prefix alone and the value without
// it.
func patternBreakers(p *spec.Parameter, c spec.Constraint, base string, maxL int) []Value {
	sh, ok := readShape(c.Pattern)
	if !ok {
		return nil
	}
	var out []Value
	for _, cc := range charClasses {
		if !sh.breaks(cc.char) && !sh.breaksBranch(cc.char) {
			continue
		}
		if v, ok := insertMiddle(base, cc.char, maxL); ok && !slices.Contains(sh.literals, v) {
			out = append(out, Value{Scenario: "INVALID_PATTERN_" + cc.name, Value: v, Kind: c.Kind, Open: otherLetter(p, sh, cc.char)})
		}
	}
	for _, lead := range p.LeadingForbidden {
		if v := lead + base; maxL == 0 || utf8.RuneCountInString(v) <= maxL {
			out = append(out, Value{Scenario: "INVALID_PATTERN_LEADING", Value: v, Kind: c.Kind})
		}
	}
	if sh.prefix != "" && sh.class != nil {
		minL, _ := lengthBounds(p)
		alone := Value{Scenario: "PATTERN_PREFIX_ALONE", Value: sh.prefix, Kind: c.Kind}
		if utf8.RuneCountInString(sh.prefix) < minL {
			alone.Also = []string{string(spec.KindMinLength)}
		}
		out = append(out, alone)
		if rest, ok := strings.CutPrefix(base, sh.prefix); ok && rest != "" && !strings.HasPrefix(rest, sh.prefix) {
			out = append(out, Value{Scenario: "PATTERN_PREFIX_MISSING", Value: rest, Kind: c.Kind})
		}
	}
	return append(out, digitNeighbours(p, c)...)
}

// digitNeighbours are the listed values (x-list-values) with a digit just outside what the
// pattern allows in its place: http_1xx and http_6xx beside http_2xx to http_5xx, well formed
// but not a value the page names.
func digitNeighbours(p *spec.Parameter, c spec.Constraint) []Value {
	if len(p.ListValues) == 0 {
		return nil
	}
	re, err := regexp.Compile(c.Pattern)
	if err != nil {
		return nil
	}
	first, last := p.ListValues[0], p.ListValues[len(p.ListValues)-1]
	var out []Value
	for _, cand := range []struct {
		from string
		step int
	}{{first, -1}, {last, +1}} {
		i := strings.IndexFunc(cand.from, unicode.IsDigit)
		if i < 0 {
			continue
		}
		d := int(cand.from[i]-'0') + cand.step
		if d < 0 || d > 9 {
			continue
		}
		v := cand.from[:i] + strconv.Itoa(d) + cand.from[i+1:]
		if !re.MatchString(v) && !slices.Contains(p.ListValues, v) {
			out = append(out, Value{Scenario: "UNLISTED_NEIGHBOUR", Value: v, Kind: c.Kind})
		}
	}
	return out
}

// spellings writes integers the way lenient readers accept them: a valid value with a sign,
// a leading zero, spaces, in hexadecimal, with an exponent, in Arabic-Indic digits (the page
// leaves open whether these are read), and numbers beyond the range spelled that way (refused
// whichever way they are read).
func spellings(p *spec.Parameter) []Value {
	n := validInt(p)
	// A value the caller chooses for a resource (a listener port) names a different one in
	// each case, so that cases running at once never meet on it.
	step := int64(0)
	if chosenByCaller(p) {
		n, step = 1000, 1
	}
	k := func(i int64) int64 { return n + step*i }
	open := func(scn, v string) Value { return Value{Scenario: scn, Value: v, Kind: spec.KindLenient} }
	out := []Value{
		open("LENIENT_PLUS_SIGN", "+"+strconv.FormatInt(k(0), 10)),
		open("LENIENT_LEADING_ZERO", "0"+strconv.FormatInt(k(1), 10)),
		open("LENIENT_SPACES", " "+strconv.FormatInt(k(2), 10)+" "),
		open("LENIENT_HEX", fmt.Sprintf("0x%X", k(3))),
		open("LENIENT_EXPONENT", strconv.FormatInt(k(4), 10)+"e0"),
		open("LENIENT_OTHER_DIGITS", arabicIndic(k(5))),
	}
	if n < 0 {
		out = out[:3] // a sign already there: hex, exponent and other digits of negatives vary
	}
	if c, ok := p.Constraint(spec.KindMaximum); ok {
		out = append(out, Value{Scenario: "LENIENT_ABOVE_MAXIMUM", Value: strconv.FormatInt(c.Int+1, 10) + "e0", Kind: spec.KindMaximum, Also: []string{string(spec.KindLenient)}, ByMeaning: true})
	}
	if c, ok := p.Constraint(spec.KindMinimum); ok && c.Int-1 >= 0 && !forbiddenInt(p, c.Int-1) {
		out = append(out, Value{Scenario: "LENIENT_BELOW_MINIMUM", Value: "+" + strconv.FormatInt(c.Int-1, 10), Kind: spec.KindMinimum, Also: []string{string(spec.KindLenient)}, ByMeaning: true})
	}
	return out
}

// arabicIndic writes a non-negative integer in Arabic-Indic digits.
func arabicIndic(n int64) string {
	var b strings.Builder
	for _, d := range strconv.FormatInt(n, 10) {
		b.WriteRune('٠' + (d - '0'))
	}
	return b.String()
}

func dedupe(vs []Value) []Value {
	seen := map[string]bool{}
	out := vs[:0]
	for _, v := range vs {
		key := v.Scenario + "\x00" + v.Value
		if !seen[key] {
			seen[key] = true
			out = append(out, v)
		}
	}
	return out
}
