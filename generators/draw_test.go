package generators

import (
	"encoding/json"
	"testing"

	"github.com/clbcheck/clbcheck/spec"
)

// The fast drawer gives, case by case, what the reference drawer gives (which runs the
// referee's sieve on every draw and draws again when it refuses), and the same shrinks.
func TestUnsievedDrawMatchesTheReference(t *testing.T) {
	s := spec.MustDefault()
	n := 600
	if testing.Short() {
		n = 150
	}
	for _, seed := range []int64{1, 977, 123456789} {
		for i := 0; i < n; i++ {
			fast, fmk, fok := randomCaseAt(s, seed, i, drawUnsieved)
			ref, rmk, rok := randomCaseAt(s, seed, i, drawSieved)
			if fok != rok {
				t.Fatalf("seed %d case %d: fast drawer ok=%v, reference ok=%v", seed, i, fok, rok)
			}
			jf, _ := json.Marshal(fast)
			jr, _ := json.Marshal(ref)
			if string(jf) != string(jr) {
				t.Fatalf("seed %d case %d differs:\nfast      %s\nreference %s", seed, i, jf, jr)
			}
			if i%25 != 1 {
				continue
			}
			fs, rs := fmk(), rmk()
			for step := 0; step < 30; step++ {
				a, aok := fs()
				b, bok := rs()
				ja, _ := json.Marshal(a)
				jb, _ := json.Marshal(b)
				if aok != bok || string(ja) != string(jb) {
					t.Fatalf("seed %d case %d shrink step %d differs", seed, i, step)
				}
				if !aok {
					break
				}
			}
		}
	}
}

// A random case is drawn from its seed and index alone: drawing it on its own, in any order,
// gives the case RandomCases gives at that index.
func TestRandomCaseIsReproducibleFromSeedAndIndex(t *testing.T) {
	s := spec.MustDefault()
	all := RandomCases(s, 31, 40)
	for i := len(all) - 1; i >= 0; i-- {
		c, ok := RandomCase(s, 31, i)
		if !ok {
			t.Fatalf("case %d not drawn", i)
		}
		ja, _ := json.Marshal(all[i])
		jc, _ := json.Marshal(c)
		if string(ja) != string(jc) || c.ID != RandomCaseID(31, i) {
			t.Fatalf("case %d drawn alone differs from the catalogue's", i)
		}
	}
}

// Repair asks the referee for rules only: RuleFindings is exactly the rule findings of
// Findings, on valid, repaired and broken requests alike.
func TestRuleFindingsAreTheRulesOfFindings(t *testing.T) {
	s := spec.MustDefault()
	ref := RefereeFor(s)
	cases := append(Enumerate(s, Options{}), RandomCases(s, 3, 100)...)
	for _, c := range cases {
		v := Values(c.Params, placeholder)
		var want []string
		for _, f := range ref.Findings(v) {
			if f.Kind == spec.KindRule {
				want = append(want, f.String())
			}
		}
		var got []string
		for _, f := range ref.RuleFindings(v) {
			got = append(got, f.String())
		}
		jw, _ := json.Marshal(want)
		jg, _ := json.Marshal(got)
		if string(jw) != string(jg) {
			t.Fatalf("%s: RuleFindings %s, rules of Findings %s", c.ID, jg, jw)
		}
	}
}
