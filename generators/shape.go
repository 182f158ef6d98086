package generators

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// shape is what a generator reads from a pattern's structure, without ever matching a value
// against it: the characters the pattern mentions anywhere (a character outside them breaks
// an anchored pattern wherever it is put), the class of its repeated part with the literal
// prefix before it (a value of that prefix and class characters matches), and literal
// alternatives that form a whole value (`$_ip`).
type shape struct {
	mentioned []rune // ranges, in pairs, of every character class and literal of the pattern
	prefix    string // literal text before the repeated class ("/" for ^/[...]+$)
	class     []rune // ranges, in pairs, of the repeated class; nil when there is none
	literals  []string
}

// readShape reads a pattern; ok is false when Go cannot parse it.
func readShape(pattern string) (shape, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return shape{}, false
	}
	re = re.Simplify()
	var sh shape
	sh.collect(re)
	sh.branch(re)
	return sh, true
}

// collect records every character the pattern mentions.
func (sh *shape) collect(re *syntax.Regexp) {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			sh.mentioned = append(sh.mentioned, r, r)
		}
	case syntax.OpCharClass:
		sh.mentioned = append(sh.mentioned, re.Rune...)
	}
	for _, sub := range re.Sub {
		sh.collect(sub)
	}
}

// branch finds the alternatives of the (anchored) pattern: whole literals, and the first
// branch of the form prefix-literal then a repeated class.
func (sh *shape) branch(re *syntax.Regexp) {
	switch re.Op {
	case syntax.OpConcat:
		subs := trimAnchors(re.Sub)
		if len(subs) == 1 {
			sh.branch(subs[0])
			return
		}
		if len(subs) == 2 && subs[0].Op == syntax.OpLiteral && repeated(subs[1]) != nil && sh.class == nil {
			sh.prefix, sh.class = string(subs[0].Rune), repeated(subs[1])
		}
	case syntax.OpCapture:
		sh.branch(re.Sub[0])
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			sh.branch(sub)
		}
	case syntax.OpLiteral:
		sh.literals = append(sh.literals, string(re.Rune))
	default:
		if c := repeated(re); c != nil && sh.class == nil {
			sh.class = c
		}
	}
}

func trimAnchors(subs []*syntax.Regexp) []*syntax.Regexp {
	var out []*syntax.Regexp
	for _, s := range subs {
		if s.Op != syntax.OpBeginText && s.Op != syntax.OpEndText && s.Op != syntax.OpBeginLine && s.Op != syntax.OpEndLine {
			out = append(out, s)
		}
	}
	return out
}

// repeated returns the class of x+ or x* over a character class, else nil.
func repeated(re *syntax.Regexp) []rune {
	if (re.Op == syntax.OpPlus || re.Op == syntax.OpStar) && len(re.Sub) == 1 && re.Sub[0].Op == syntax.OpCharClass {
		return re.Sub[0].Rune
	}
	return nil
}

func inRanges(r rune, ranges []rune) bool {
	for i := 0; i+1 < len(ranges); i += 2 {
		if r >= ranges[i] && r <= ranges[i+1] {
			return true
		}
	}
	return false
}

// breaks reports whether a character is mentioned nowhere in the pattern, so that a value
// holding it cannot match.
func (sh shape) breaks(r rune) bool { return !inRanges(r, sh.mentioned) }

// breaksBranch reports whether a character cannot appear in a value of the repeated class
// branch, though the pattern may mention it in a whole literal alternative ("_" of "$_ip"
// beside a domain name's class).
func (sh shape) breaksBranch(r rune) bool {
	return sh.class != nil && !inRanges(r, sh.class) && !strings.ContainsRune(sh.prefix, r)
}

// pad is the character used to lengthen a value of the repeated class: a, A or 0, whichever
// the class allows first.
func (sh shape) pad() (rune, bool) {
	for _, r := range []rune{'a', 'A', '0'} {
		if inRanges(r, sh.class) {
			return r, true
		}
	}
	return 0, false
}

// build returns a value of n characters: the prefix, then the pad character.
func (sh shape) build(n int) (string, bool) {
	p, ok := sh.pad()
	k := utf8.RuneCountInString(sh.prefix)
	if !ok || n < k+1 {
		return "", false
	}
	return sh.prefix + strings.Repeat(string(p), n-k), true
}

// members are the representatives of the kinds of character the repeated class allows:
// lower and upper letters, digits, and each punctuation mark it lists.
func (sh shape) members() []charClass {
	var out []charClass
	for _, c := range charClasses {
		if inRanges(c.char, sh.class) {
			out = append(out, c)
		}
	}
	return out
}

// charClass is a named kind of character with one representative.
type charClass struct {
	name string
	char rune
}

// charClasses are the kinds of character tried, one representative each, to build values that
// a pattern allows or refuses.
var charClasses = []charClass{
	{"LOWER", 'b'}, {"UPPER", 'B'}, {"DIGIT", '7'}, {"SPACE", ' '}, {"COMMA", ','}, {"SEMICOLON", ';'},
	{"DOLLAR", '$'}, {"ASTERISK", '*'}, {"ANGLE", '<'}, {"NON_ASCII", 'é'}, {"CJK", '中'}, {"CONTROL", '\t'},
	{"AT", '@'}, {"COLON", ':'}, {"SLASH", '/'}, {"UNDERSCORE", '_'}, {"PERCENT", '%'}, {"QUOTE", '\''},
	{"HYPHEN", '-'}, {"PERIOD", '.'}, {"QUESTION", '?'}, {"HASH", '#'}, {"AMPERSAND", '&'}, {"PLUS", '+'},
	{"EQUALS", '='}, {"BACKSLASH", '\\'},
}
