package generators

import (
	"math/rand"
	"reflect"
	"testing"

	"github.com/clbcheck/clbcheck/spec"
)

// The fast rule check names the rule the referee names, on every case of the catalogue (its
// set-up calls too), on random requests, and on those requests mutated: a parameter a rule
// names dropped, emptied, set to a value of a rule's premise, copied onto another, or an
// entry of a list added.
func TestFastRuleCheckMatchesTheReferee(t *testing.T) {
	s := spec.MustDefault()
	var inputs [][]Param
	for _, c := range Enumerate(s, Options{}) {
		inputs = append(inputs, c.Params)
		for _, call := range c.Setup {
			inputs = append(inputs, call.Params)
		}
	}
	for _, c := range RandomCases(s, 21, 1500) {
		inputs = append(inputs, c.Params)
	}
	names := ruleNames(s)
	rng := rand.New(rand.NewSource(5))
	base := len(inputs)
	for i := 0; i < base; i++ {
		for k := 0; k < 3; k++ {
			inputs = append(inputs, mutateForRules(s, inputs[i], names, rng))
		}
	}
	// The lists of unique-value rules in place of what the exclusive rules forbid beside
	// them: entries whose field is set, sent empty, or not sent (and so defaulted).
	for _, r := range s.Rules {
		if r.Kind != spec.RuleUniqueValue {
			continue
		}
		l := s.UnderTest.Param(r.List).List
		def := ""
		if f := l.Field(r.Field); f != nil && f.Default != nil {
			def = *f.Default
		}
		for i := 0; i < 200; i++ {
			ps := append([]Param{}, Base(s)...)
			for _, other := range s.Rules {
				if other.Kind == spec.RuleExclusive {
					for _, n := range other.Params {
						if n != r.List {
							ps = dropParam(s, ps, n)
						}
					}
				}
			}
			for n := 0; n < 2+rng.Intn(2); n++ {
				idx := l.FirstIndex + n
				ps = append(ps, listItem(l, idx)...)
				switch rng.Intn(4) {
				case 0:
					ps = append(ps, Param{Name: l.WireName(idx, r.Field), Value: def})
				case 1:
					ps = append(ps, Param{Name: l.WireName(idx, r.Field), Value: ""})
				case 2:
					ps = append(ps, Param{Name: l.WireName(idx, r.Field), Value: "other"})
				}
			}
			inputs = append(inputs, ps)
		}
	}
	broken := map[string]int{}
	for _, ps := range inputs {
		want, wok := brokenRule(s, ps)
		got, gok := brokenRuleFast(s, ps)
		if wok != gok || want.ID != got.ID {
			t.Fatalf("%v:\nfast check %q (%v), referee %q (%v)", ps, got.ID, gok, want.ID, wok)
		}
		if wok {
			broken[want.ID]++
		}
	}
	for _, r := range s.Rules {
		if r.Kind != spec.RuleEffectiveOnlyWhen && broken[r.ID] == 0 {
			t.Errorf("no input breaks rule %s first: the comparison does not reach it", r.ID)
		}
	}
}

// ruleNames lists the parameters the description's rules name, with the values their
// premises ask for.
func ruleNames(s *spec.Spec) map[string][]string {
	out := map[string][]string{}
	for _, r := range s.Rules {
		for _, c := range r.When {
			out[c.Param] = append(out[c.Param], c.Equals)
		}
		for _, n := range append(append([]string{}, r.Require...), r.Params...) {
			out[n] = append(out[n], "")
		}
		if r.List != "" {
			out[r.List] = append(out[r.List], "")
		}
	}
	return out
}

// mutateForRules changes one thing of ps that a rule may read.
func mutateForRules(s *spec.Spec, ps []Param, names map[string][]string, rng *rand.Rand) []Param {
	keys := make([]string, 0, len(names))
	for _, r := range s.Rules {
		for _, c := range r.When {
			keys = append(keys, c.Param)
		}
		keys = append(append(keys, r.Require...), r.Params...)
		if r.List != "" {
			keys = append(keys, r.List)
		}
	}
	name := keys[rng.Intn(len(keys))]
	out := append([]Param{}, ps...)
	switch rng.Intn(6) {
	case 0:
		return dropParam(s, out, name)
	case 1:
		return with(out, name, "")
	case 2:
		vals := names[name]
		return with(out, name, vals[rng.Intn(len(vals))]+"")
	case 3:
		other := keys[rng.Intn(len(keys))]
		if v, ok := find(out, other); ok {
			return with(out, name, v.Value)
		}
		return with(out, name, "same")
	case 4:
		if p := s.UnderTest.Param(name); p != nil && p.List != nil {
			return append(out, listItem(p.List, p.List.FirstIndex+rng.Intn(3))...)
		}
		return append(out, Param{Name: name, Value: "dup"})
	default:
		if p := s.UnderTest.Param(name); p != nil && p.List != nil && len(p.List.Fields) > 0 {
			f := p.List.Fields[rng.Intn(len(p.List.Fields))]
			values := []string{"", "x"}
			if f.Default != nil {
				values = append(values, *f.Default) // the value an entry without the field takes
			}
			return append(out, Param{Name: p.List.WireName(p.List.FirstIndex+rng.Intn(3), f.Name), Value: values[rng.Intn(len(values))]})
		}
		return append([]Param{{Name: name, Value: "first"}}, out...)
	}
}

// setOwned gives what set gives.
func TestSetOwnedIsSet(t *testing.T) {
	a, b, c := Param{Name: "A", Value: "1"}, Param{Name: "B", Value: "2"}, Param{Name: "A", Value: "3"}
	for _, ps := range [][]Param{nil, {a}, {b}, {a, b}, {b, a}, {a, b, c}, {c, b, a, b}} {
		p := Param{Name: "A", Value: "new"}
		want := set(ps, p)
		got := setOwned(append([]Param{}, ps...), p)
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("%v: setOwned %v, set %v", ps, got, want)
		}
	}
}
