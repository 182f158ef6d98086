package generators

import (
	"strconv"
	"strings"

	"github.com/clbcheck/clbcheck/spec"
)

// Value is a wire value with the scenario it stands for and, for a violation, the constraint
// kind the description says it breaks.
type Value struct {
	Scenario string
	Value    string
	Kind     spec.Kind // empty for valid values
}

// fillers are shapes tried, in order, to build a valid string of a given length.
var fillers = []func(n int) string{
	func(n int) string { return strings.Repeat("a", n) },
	func(n int) string { return "/" + strings.Repeat("a", n-1) },
	func(n int) string { return strings.Repeat("a1", n)[:n] },
}

// Fill returns a valid string of exactly n characters for p, or false if none of the known
// shapes fits.
func Fill(p *spec.Parameter, n int) (string, bool) {
	if n < 0 {
		return "", false
	}
	for _, f := range fillers {
		if n == 0 {
			break
		}
		v := f(n)
		if k, _ := p.Check(v); k == "" {
			return v, true
		}
	}
	if n == 0 {
		if k, _ := p.Check(""); k == "" {
			return "", true
		}
	}
	return "", false
}

// ValidValue returns a typical valid value for a parameter that is not a reference: its
// example or default when valid, else the first enum value, the minimum, or a short string.
func ValidValue(p *spec.Parameter) (string, bool) {
	var cands []string
	if p.Example != "" {
		cands = append(cands, p.Example)
	}
	if p.Default != nil {
		cands = append(cands, *p.Default)
	}
	if e := p.Enum(); len(e) > 0 {
		cands = append(cands, e...)
	}
	if len(p.ListValues) > 0 {
		cands = append(cands, p.ListValues[0])
	}
	if p.IsInteger() {
		lo, hi := intBounds(p)
		cands = append(cands, strconv.FormatInt(clamp(80, lo, hi), 10), strconv.FormatInt(lo, 10), strconv.FormatInt(hi, 10))
	}
	for _, c := range cands {
		if k, _ := p.Check(c); k == "" {
			return c, true
		}
	}
	for n := 1; n <= 12; n++ {
		if v, ok := Fill(p, n); ok {
			return v, true
		}
	}
	return "", false
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

// ValidBoundaries lists the valid values at the edges of each constraint of p: minimum and
// maximum, shortest and longest strings, every enum value, every listed value.
func ValidBoundaries(p *spec.Parameter) []Value {
	var out []Value
	add := func(scn, v string) {
		if k, _ := p.Check(v); k == "" {
			out = append(out, Value{Scenario: scn, Value: v})
		}
	}
	if p.IsInteger() {
		lo, hi := intBounds(p)
		add("VALUE_AT_MINIMUM", strconv.FormatInt(lo, 10))
		add("VALUE_AT_MAXIMUM", strconv.FormatInt(hi, 10))
		if c, ok := p.Constraint(spec.KindForbiddenValues); ok {
			for _, f := range c.Values {
				if n, err := strconv.ParseInt(f, 10, 64); err == nil {
					add("VALUE_NEXT_TO_FORBIDDEN", strconv.FormatInt(n+1, 10))
				}
			}
		}
	}
	for _, e := range p.Enum() {
		add("ENUM_VALUE", e)
	}
	if len(p.ListValues) > 0 {
		add("ALL_LIST_VALUES", strings.Join(p.ListValues, ","))
	}
	if p.Type == "string" && len(p.Enum()) == 0 {
		if c, ok := p.Constraint(spec.KindMinLength); ok {
			for n := int(c.Int); n <= int(c.Int)+1; n++ {
				if v, ok := Fill(p, n); ok {
					add("LENGTH_AT_MINIMUM", v)
					break
				}
			}
		}
		if c, ok := p.Constraint(spec.KindMaxLength); ok {
			if v, ok := Fill(p, int(c.Int)); ok {
				add("LENGTH_AT_MAXIMUM", v)
			}
		}
	}
	return dedupe(out)
}

// wrongTypes are integer spellings a strict decimal reader must refuse.
var wrongTypes = []string{"abc", "1.5", " 1", "+1", "0x1F", "1e3", "9223372036854775808", "01", "1 ", "١"}

// patternBreakers are characters tried one at a time to break a pattern.
var patternBreakers = []struct{ class, char string }{
	{"SPACE", " "}, {"COMMA", ","}, {"SEMICOLON", ";"}, {"DOLLAR", "$"}, {"ASTERISK", "*"},
	{"ANGLE", "<"}, {"NON_ASCII", "é"}, {"CJK", "中"}, {"CONTROL", "\t"}, {"AT", "@"},
	{"COLON", ":"}, {"SLASH", "/"}, {"UNDERSCORE", "_"}, {"PERCENT", "%"}, {"QUOTE", "'"},
}

// Violations lists, for each constraint of p, the boundary values that break it. Each value
// is confirmed with Parameter.Check to break exactly the kind it is labelled with.
func Violations(p *spec.Parameter) []Value {
	var out []Value
	add := func(scn string, k spec.Kind, v string) {
		if got, _ := p.Check(v); got == k {
			out = append(out, Value{Scenario: scn, Value: v, Kind: k})
		}
	}
	base, _ := ValidValue(p)
	for _, c := range p.Constraints {
		switch c.Kind {
		case spec.KindType:
			for _, w := range wrongTypes {
				add("WRONG_TYPE", spec.KindType, w)
			}
		case spec.KindMinimum:
			add("VALUE_BELOW_MINIMUM", c.Kind, strconv.FormatInt(c.Int-1, 10))
			add("VALUE_FAR_BELOW_MINIMUM", c.Kind, "-2147483649")
		case spec.KindMaximum:
			add("VALUE_ABOVE_MAXIMUM", c.Kind, strconv.FormatInt(c.Int+1, 10))
			add("VALUE_FAR_ABOVE_MAXIMUM", c.Kind, "2147483648")
		case spec.KindMinLength:
			if c.Int > 0 {
				v, ok := Fill(p, int(c.Int)-1)
				if !ok && c.Int == 1 {
					v, ok = "", true
				}
				if ok {
					add("LENGTH_BELOW_MINIMUM", c.Kind, v)
				}
			}
		case spec.KindMaxLength:
			v := strings.Repeat("a", int(c.Int)+1)
			if f, ok := Fill(p, int(c.Int)+1); ok {
				v = f
			} else if strings.HasPrefix(base, "/") {
				v = "/" + strings.Repeat("a", int(c.Int))
			}
			add("LENGTH_ABOVE_MAXIMUM", c.Kind, v)
		case spec.KindEnum:
			if p.EnumExtendedBy != "" {
				add("VALUE_NOT_IN_ENUM", c.Kind, "tls-clbcheckmissing0")
			}
			add("VALUE_NOT_IN_ENUM", c.Kind, "clbcheck-invalid")
			for _, e := range c.Values {
				if up := strings.ToUpper(e); up != e {
					add("ENUM_WRONG_CASE", c.Kind, up)
					break
				}
			}
		case spec.KindPattern:
			seed := base
			if len([]rune(seed)) < 2 {
				if v, ok := Fill(p, 3); ok {
					seed = v
				}
			}
			for _, b := range patternBreakers {
				r := []rune(seed)
				mid := len(r) / 2
				if mid == 0 {
					mid = len(r)
				}
				v := string(r[:mid]) + b.char + string(r[mid:])
				if maxC, ok := p.Constraint(spec.KindMaxLength); ok && int64(len([]rune(v))) > maxC.Int {
					v = string(r[:mid-1]) + b.char + string(r[mid:])
				}
				add("INVALID_PATTERN_"+b.class, c.Kind, v)
			}
		case spec.KindForbiddenPrefixes:
			for _, pre := range c.Values {
				add("FORBIDDEN_PREFIX", c.Kind, pre+"key1")
			}
		case spec.KindForbiddenSubstrings:
			for _, sub := range c.Values {
				add("FORBIDDEN_SUBSTRING", c.Kind, "a"+sub+"b")
			}
		case spec.KindForbiddenValues:
			for _, f := range c.Values {
				add("FORBIDDEN_VALUE", c.Kind, f)
			}
		}
	}
	// An empty value breaks whichever constraint comes first for "".
	if k, _ := p.Check(""); k != "" {
		out = append(out, Value{Scenario: "EMPTY_VALUE", Value: "", Kind: k})
	}
	return dedupe(out)
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
