package emulator

import (
	"strings"
	"testing"

	"github.com/clbcheck/clbcheck/spec"
)

// describe writes every message as its fmt reference does, for every constraint of the
// description and a spread of values.
func TestDescribeMatchesPlain(t *testing.T) {
	values := []string{"", "a", "ab cd", "\"quoted\"", "\u952e", "\xff", strings.Repeat("x", 300), "-1", "65536"}
	n := 0
	for _, om := range plainEngine.ops {
		for _, pm := range om.params {
			models := []*paramModel{pm}
			if pm.list != nil {
				models = append(models, pm.list.fields...)
			}
			for _, m := range models {
				for i := range m.checks {
					ch := &m.checks[i]
					for _, v := range values {
						for _, num := range []int64{0, 1, -7, 1 << 40} {
							if (ch.kind == spec.KindForbiddenPrefixes || ch.kind == spec.KindForbiddenSubstrings) && (num < 0 || num >= int64(len(ch.c.Values))) {
								continue
							}
							got, want := describe(m.p.Path, ch, v, num), describePlain(m.p.Path, ch, v, num)
							if got != want {
								t.Fatalf("%s %s %q %d: %q, want %q", m.p.Path, ch.kind, v, num, got, want)
							}
							n++
						}
					}
				}
			}
		}
	}
	unknown := &check{kind: spec.KindRule, c: &spec.Constraint{}}
	if describe("X", unknown, "", 0) != describePlain("X", unknown, "", 0) {
		t.Error("a kind without words of its own")
	}
	if n < 1000 {
		t.Fatalf("only %d messages compared", n)
	}
}
