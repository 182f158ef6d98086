package emulator

import (
	"math/bits"
	"regexp"
	"regexp/syntax"
	"sync"
	"unicode/utf8"
)

// pattern is a compiled pattern of the description (a parameter's pattern, or the wire's
// integer pattern). match is what the engine runs on every value: a byte automaton when the
// pattern is of the plain kind it handles, else the regular expression. matchPlain is the
// reference reading (always package regexp); a differential test holds the two together.
type pattern struct {
	expr string
	re   *regexp.Regexp
	fast *bytePattern // nil when the pattern is not of the byte automaton's kind
}

func (p *pattern) match(s string) bool {
	if p.fast != nil {
		return p.fast.match(s)
	}
	return p.re.MatchString(s)
}

func (p *pattern) matchPlain(s string) bool { return p.re.MatchString(s) }

// patterns caches compiled patterns by their text: they are immutable, and every emulator of a
// process (a self-test builds hundreds) reads the same few from the description.
var patterns sync.Map // string -> *pattern

// compilePattern compiles expr once per process.
func compilePattern(expr string) (*pattern, error) {
	if p, ok := patterns.Load(expr); ok {
		return p.(*pattern), nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	p := &pattern{expr: expr, re: re}
	p.fast, _ = compileBytePattern(expr)
	actual, _ := patterns.LoadOrStore(expr, p)
	return actual.(*pattern), nil
}

// bytePattern is a regular expression of the plain kind the description uses, compiled to a
// position automaton over bytes: anchored at both ends (^...$), built from ASCII literals and
// ASCII character classes with concatenation, alternation, groups and repetition. Every
// request runs these patterns on its values, and stepping a few bits per byte is far cheaper
// than the general machine in package regexp. Patterns outside this kind keep using regexp.
//
// Each literal character or class of the pattern is a position. A text matches when some
// path of positions reads it byte by byte: the first byte at a position in first, each next
// byte at a position in follow of the previous one, the last at a position in last.
type bytePattern struct {
	first, last uint64
	follow      []uint64    // follow[p]: the positions that may come right after p
	class       [128]uint64 // class[c]: the positions whose character set holds c
	empty       bool        // the empty text matches
}

// maxPositions is how many characters and classes a bytePattern can hold (one bit each).
const maxPositions = 64

// compileBytePattern compiles expr as regexp.Compile would read it, or reports false when it
// is not of the kind bytePattern handles.
func compileBytePattern(expr string) (*bytePattern, bool) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, false
	}
	re = re.Simplify()
	n := len(re.Sub)
	if re.Op != syntax.OpConcat || n < 2 || re.Sub[0].Op != syntax.OpBeginText || re.Sub[n-1].Op != syntax.OpEndText {
		return nil, false
	}
	m := &bytePattern{}
	g, ok := m.add(&syntax.Regexp{Op: syntax.OpConcat, Sub: re.Sub[1 : n-1]})
	if !ok {
		return nil, false
	}
	m.first, m.last, m.empty = g.first, g.last, g.empty
	return m, true
}

// glushkov is what the automaton needs to know of one part of the pattern: where a match of
// it may begin and end, and whether it may be empty.
type glushkov struct {
	first, last uint64
	empty       bool
}

// add gives the positions of re new numbers, links them and describes re.
func (m *bytePattern) add(re *syntax.Regexp) (glushkov, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return glushkov{empty: true}, true
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return glushkov{}, false
		}
		g := glushkov{empty: true}
		for _, r := range re.Rune {
			one, ok := m.position([]rune{r, r})
			if !ok {
				return glushkov{}, false
			}
			g = m.concat(g, one)
		}
		return g, true
	case syntax.OpCharClass:
		return m.position(re.Rune)
	case syntax.OpCapture:
		return m.add(re.Sub[0])
	case syntax.OpConcat:
		g := glushkov{empty: true}
		for _, sub := range re.Sub {
			next, ok := m.add(sub)
			if !ok {
				return glushkov{}, false
			}
			g = m.concat(g, next)
		}
		return g, true
	case syntax.OpAlternate:
		var g glushkov
		for _, sub := range re.Sub {
			next, ok := m.add(sub)
			if !ok {
				return glushkov{}, false
			}
			g = glushkov{first: g.first | next.first, last: g.last | next.last, empty: g.empty || next.empty}
		}
		return g, true
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
		g, ok := m.add(re.Sub[0])
		if !ok {
			return glushkov{}, false
		}
		if re.Op != syntax.OpQuest {
			m.link(g.last, g.first) // another round may follow the end of one
		}
		if re.Op != syntax.OpPlus {
			g.empty = true
		}
		return g, true
	}
	// Anchors inside the pattern, any-character, word boundaries, counted repetition that
	// Simplify left: not this kind.
	return glushkov{}, false
}

// position adds one position reading the bytes of the rune ranges (pairs lo, hi), which must
// be ASCII.
func (m *bytePattern) position(ranges []rune) (glushkov, bool) {
	p := len(m.follow)
	if p == maxPositions || len(ranges)%2 != 0 {
		return glushkov{}, false
	}
	m.follow = append(m.follow, 0)
	for i := 0; i < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		if lo < 0 || hi >= utf8.RuneSelf {
			return glushkov{}, false
		}
		for c := lo; c <= hi; c++ {
			m.class[c] |= 1 << p
		}
	}
	return glushkov{first: 1 << p, last: 1 << p}, true
}

// concat describes a followed by b, linking the ends of a to the beginnings of b.
func (m *bytePattern) concat(a, b glushkov) glushkov {
	m.link(a.last, b.first)
	g := glushkov{first: a.first, last: b.last, empty: a.empty && b.empty}
	if a.empty {
		g.first |= b.first
	}
	if b.empty {
		g.last |= a.last
	}
	return g
}

// link lets every position of to follow every position of from.
func (m *bytePattern) link(from, to uint64) {
	for set := from; set != 0; set &= set - 1 {
		m.follow[bits.TrailingZeros64(set)] |= to
	}
}

// match reports whether s matches, as regexp's MatchString does for the source pattern. No
// position reads a byte past ASCII, and the source pattern has nothing that would read a
// character past ASCII, so such a byte ends the match in both.
func (m *bytePattern) match(s string) bool {
	if s == "" {
		return m.empty
	}
	at := m.first
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return false
		}
		if i > 0 {
			next := uint64(0)
			for set := at; set != 0; set &= set - 1 {
				next |= m.follow[bits.TrailingZeros64(set)]
			}
			at = next
		}
		at &= m.class[c]
		if at == 0 {
			return false
		}
	}
	return at&m.last != 0
}
