package emulator

import (
	"fmt"
	"regexp/syntax"
	"strings"
	"unicode"

	"github.com/clbcheck/clbcheck/spec"
)

// boundary is a set of values a constraint permits at its edge, for the faults that refuse a
// permitted value (boundary/<Path>/<kind>): the value at a maximum or minimum, a text of
// exactly the maximum or minimum length, one enum value, one character class or special value
// a pattern allows, a text containing a reserved prefix elsewhere than at its start, a text
// one character short of a forbidden substring.
type boundary struct {
	what string                           // the values, in words
	at   func(value string, n int64) bool // n: the value read as an integer, when it is one
}

// boundaryOf describes the boundary of a constraint, or reports false for kinds that have none
// a fault could refuse (the type of an integer, forbidden values).
func boundaryOf(c *spec.Constraint) (boundary, bool) {
	switch c.Kind {
	case spec.KindMinimum, spec.KindMaximum:
		lim := c.Int
		return boundary{fmt.Sprintf("the value %d", lim), func(_ string, n int64) bool { return n == lim }}, true
	case spec.KindMinLength, spec.KindMaxLength:
		lim := c.Int
		return boundary{fmt.Sprintf("a text of exactly %d characters", lim), func(v string, _ int64) bool { return int64(runeLen(v)) == lim }}, true
	case spec.KindEnum:
		if len(c.Values) == 0 {
			return boundary{}, false
		}
		last := c.Values[len(c.Values)-1]
		return boundary{fmt.Sprintf("the value %q", last), func(v string, _ int64) bool { return v == last }}, true
	case spec.KindPattern:
		return patternBoundary(c.Pattern)
	case spec.KindForbiddenPrefixes:
		words := lowered(c.Values)
		return boundary{fmt.Sprintf("a text containing %s after its first character", strings.Join(c.Values, " or ")), func(v string, _ int64) bool {
			lower := strings.ToLower(v)
			for _, w := range words {
				if strings.Index(lower, w) > 0 {
					return true
				}
			}
			return false
		}}, true
	case spec.KindForbiddenSubstrings:
		var shorts []string
		for _, w := range lowered(c.Values) {
			if len(w) > 1 {
				shorts = append(shorts, w[:len(w)-1])
			}
		}
		return boundary{fmt.Sprintf("a text containing %s", strings.Join(shorts, " or ")), func(v string, _ int64) bool {
			lower := strings.ToLower(v)
			for _, w := range shorts {
				if strings.Contains(lower, w) {
					return true
				}
			}
			return false
		}}, len(shorts) > 0
	}
	return boundary{}, false
}

func lowered(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strings.ToLower(v)
	}
	return out
}

// patternBoundary picks one thing a pattern allows that a careless implementation might not:
// a literal alternative (the special value "$_ip"), else a punctuation character one of its
// classes allows, else a literal that may repeat (the comma of a list), else the digits of a
// class.
func patternBoundary(expr string) (boundary, bool) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return boundary{}, false
	}
	re = re.Simplify()
	if lit, ok := literalAlternative(re); ok {
		return boundary{fmt.Sprintf("the special value %q", lit), func(v string, _ int64) bool { return v == lit }}, true
	}
	if r, ok := classRune(re, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) }); ok {
		return boundary{fmt.Sprintf("a text containing %q", r), func(v string, _ int64) bool { return strings.ContainsRune(v, r) }}, true
	}
	if r, ok := repeatedLiteral(re, false); ok {
		return boundary{fmt.Sprintf("a text containing %q", r), func(v string, _ int64) bool { return strings.ContainsRune(v, r) }}, true
	}
	if _, ok := classRune(re, unicode.IsDigit); ok {
		return boundary{"a text containing a digit", func(v string, _ int64) bool { return strings.ContainsFunc(v, unicode.IsDigit) }}, true
	}
	return boundary{}, false
}

// literalAlternative finds an alternative of the pattern that is a plain literal.
func literalAlternative(re *syntax.Regexp) (string, bool) {
	switch re.Op {
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			for sub.Op == syntax.OpCapture {
				sub = sub.Sub[0]
			}
			if sub.Op == syntax.OpLiteral {
				return string(sub.Rune), true
			}
		}
	case syntax.OpConcat, syntax.OpCapture:
		for _, sub := range re.Sub {
			if lit, ok := literalAlternative(sub); ok {
				return lit, true
			}
		}
	}
	return "", false
}

// classRune finds the first character of a class of the pattern (single-character ranges
// first) that keep accepts.
func classRune(re *syntax.Regexp, keep func(rune) bool) (rune, bool) {
	if re.Op == syntax.OpCharClass {
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if lo, hi := re.Rune[i], re.Rune[i+1]; lo == hi && keep(lo) {
				return lo, true
			}
		}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1] && r < 0x80; r++ {
				if keep(r) {
					return r, true
				}
			}
		}
	}
	for _, sub := range re.Sub {
		if r, ok := classRune(sub, keep); ok {
			return r, true
		}
	}
	return 0, false
}

// repeatedLiteral finds the first literal character inside a part of the pattern that may be
// repeated or left out.
func repeatedLiteral(re *syntax.Regexp, inside bool) (rune, bool) {
	if inside && re.Op == syntax.OpLiteral && len(re.Rune) > 0 {
		return re.Rune[0], true
	}
	in := inside || re.Op == syntax.OpStar || re.Op == syntax.OpQuest || re.Op == syntax.OpRepeat
	for _, sub := range re.Sub {
		if r, ok := repeatedLiteral(sub, in); ok {
			return r, true
		}
	}
	return 0, false
}

// patternMinLength is the length in characters of the shortest text a pattern matches.
func patternMinLength(expr string) (int, bool) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return 0, false
	}
	return minLength(re.Simplify()), true
}

func minLength(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpPlus:
		return minLength(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min * minLength(re.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, sub := range re.Sub {
			n += minLength(sub)
		}
		return n
	case syntax.OpAlternate:
		n := -1
		for _, sub := range re.Sub {
			if m := minLength(sub); n < 0 || m < n {
				n = m
			}
		}
		return max(n, 0)
	}
	return 0
}
