package emulator

import (
	"math/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/clbcheck/clbcheck/spec"
)

// descriptionPatterns lists every pattern the embedded description gives a value.
func descriptionPatterns(t *testing.T) []string {
	t.Helper()
	s := spec.MustDefault()
	out := []string{s.Wire.IntegerPattern}
	var visit func(p *spec.Parameter)
	visit = func(p *spec.Parameter) {
		for _, c := range p.Constraints {
			if c.Kind == spec.KindPattern {
				out = append(out, c.Pattern)
			}
		}
		if p.List != nil {
			for _, f := range p.List.Fields {
				visit(f)
			}
		}
	}
	for _, op := range s.Operations {
		for _, p := range op.Parameters {
			visit(p)
		}
	}
	if len(out) < 5 {
		t.Fatalf("only %d patterns found in the description", len(out))
	}
	return out
}

// Every pattern of the description runs as a byte automaton in the engine.
func TestDescriptionPatternsAreBytePatterns(t *testing.T) {
	for _, expr := range descriptionPatterns(t) {
		if _, ok := compileBytePattern(expr); !ok {
			t.Errorf("%q does not compile to a byte automaton", expr)
		}
	}
	for _, om := range plainEngine.ops {
		for _, pm := range om.params {
			for _, ch := range pm.checks {
				if ch.pat != nil && ch.pat.fast == nil {
					t.Errorf("%s: the %s check has no byte automaton", pm.p.Path, ch.kind)
				}
			}
		}
	}
}

// A byte automaton matches exactly the texts regexp matches (the reference reading).
func TestBytePatternMatchesRegexp(t *testing.T) {
	exprs := append(descriptionPatterns(t),
		`^$`, `^a*$`, `^(ab|a)*b?$`, `^(a|)+$`, `^x{2,3}$`, `^[a-c]{0,2}z$`, `^(0|-?[1-9][0-9]*)$`,
		`^a+?b*?$`, `^(?:ab)+c|d$`, `^[\x00-\x7f]+$`, `^\.$`, `^[[:alpha:]]+$`, `^\d\w\s$`,
		// Outside the kind: these must be refused, not mismatched.
		`^[^.]+$`, `^.*$`, `^(?i)abc$`, `abc`, `^abc`, `abc$`, `^a\b$`, `^é$`, `^(?m)a$`, `^a{70}$`, `^\pL$`)
	kept := map[string]bool{}
	for _, expr := range exprs {
		fast, ok := compileBytePattern(expr)
		if !ok {
			continue
		}
		kept[expr] = true
		re := regexp.MustCompile(expr)
		alphabet := "-.,/_%?#&$:\n\x00\x7f\xff\u00e9aAzZ09xbcd"
		for _, r := range expr {
			alphabet += string(r)
		}
		rng := rand.New(rand.NewSource(int64(len(expr))))
		matched := 0
		for i := 0; i < 20000; i++ {
			var b strings.Builder
			for j := rng.Intn(12); j > 0; j-- {
				b.WriteByte(alphabet[rng.Intn(len(alphabet))])
			}
			text := b.String()
			switch i % 4 {
			case 0:
				text = sample(rng, expr)
			case 1:
				// A walk through the automaton, sometimes edited by one byte: texts it takes,
				// and texts next to them, for regexp to judge.
				text = walk(rng, fast)
				if rng.Intn(2) == 0 && text != "" {
					k := rng.Intn(len(text))
					text = text[:k] + string(alphabet[rng.Intn(len(alphabet))]) + text[k+rng.Intn(2):]
				}
			}
			got, want := fast.match(text), re.MatchString(text)
			if got != want {
				t.Fatalf("%q on %q: byte automaton %v, regexp %v", expr, text, got, want)
			}
			if want {
				matched++
			}
		}
		if matched < 100 || matched > 19900 {
			t.Errorf("%q: %d of 20000 texts match; the test needs both answers often", expr, matched)
		}
	}
	for _, expr := range []string{`^[^.]+$`, `^.*$`, `^(?i)abc$`, `abc`, `^abc`, `abc$`, `^a\b$`, `^é$`, `^(?m)a$`, `^a{70}$`, `^\pL$`} {
		if kept[expr] {
			t.Errorf("%q should be left to regexp", expr)
		}
	}
	for _, expr := range []string{`^[A-Za-z0-9_-]+$`, `^(0|-?[1-9][0-9]*)$`, `^http_[2-5]xx(,http_[2-5]xx)*$`} {
		if !kept[expr] {
			t.Errorf("%q should compile to a byte automaton", expr)
		}
	}
}

// A compiled pattern answers as its reference reading, with or without the automaton.
func TestPatternMatchesPlain(t *testing.T) {
	for _, expr := range []string{`^[A-Za-z0-9]+$`, `^(?i)abc$`} {
		p, err := compilePattern(expr)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{"", "abc", "ABC", "a b", "x1"} {
			if p.match(v) != p.matchPlain(v) {
				t.Errorf("%q on %q: %v, plain %v", expr, v, p.match(v), p.matchPlain(v))
			}
		}
		if again, _ := compilePattern(expr); again != p {
			t.Errorf("%q is compiled twice", expr)
		}
	}
	if _, err := compilePattern(`^(`); err == nil {
		t.Error("a broken pattern compiles")
	}
}

// walk follows random positions of m from a first to a last one and returns the bytes read.
func walk(rng *rand.Rand, m *bytePattern) string {
	var b []byte
	next := m.first
	for len(b) < 40 && next != 0 {
		var ps []int
		for p := range m.follow {
			if next&(1<<p) != 0 {
				ps = append(ps, p)
			}
		}
		p := ps[rng.Intn(len(ps))]
		var cs []byte
		for c := range m.class {
			if m.class[c]&(1<<p) != 0 {
				cs = append(cs, byte(c))
			}
		}
		if len(cs) == 0 {
			break
		}
		b = append(b, cs[rng.Intn(len(cs))])
		if m.last&(1<<p) != 0 && rng.Intn(3) == 0 {
			break
		}
		next = m.follow[p]
	}
	return string(b)
}

// sample builds a text from the literal characters of expr, which often comes close to a match.
func sample(rng *rand.Rand, expr string) string {
	var b strings.Builder
	for _, c := range expr {
		if c < 0x80 && rng.Intn(3) > 0 {
			b.WriteRune(c)
		}
	}
	return strings.Trim(b.String(), "^$")
}
