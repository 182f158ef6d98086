package contracts

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
)

// vocabulary is what an expectations entry may name: the parameters, kinds, rules (rule ids,
// states, auth and wire modes) and scenarios that the description and its catalogue know.
type vocabulary struct {
	params, kinds, rules, scenarios map[string]bool
	ids                             []string
}

func vocabularyOf(s *spec.Spec) vocabulary {
	v := vocabulary{params: map[string]bool{}, kinds: map[string]bool{}, rules: map[string]bool{}, scenarios: map[string]bool{}}
	for _, p := range paramNames(s) {
		v.params[p] = true
	}
	for _, k := range []spec.Kind{spec.KindRequired, spec.KindType, spec.KindMinimum, spec.KindMaximum, spec.KindMinLength, spec.KindMaxLength,
		spec.KindEnum, spec.KindPattern, spec.KindForbiddenPrefixes, spec.KindForbiddenSubstrings, spec.KindForbiddenValues, spec.KindMaxItems,
		spec.KindListIndex, spec.KindDuplicate, spec.KindUnknown, spec.KindRule, generators.BrokenState, generators.BrokenAuth, generators.BrokenWire} {
		v.kinds[string(k)] = true
	}
	for _, r := range s.Rules {
		v.rules[r.ID] = true
	}
	for _, st := range s.States {
		v.rules[st.Name] = true
	}
	// The catalogue names the rest (list members, auth and wire modes, scenarios) as it
	// builds its cases.
	for _, c := range generators.EnumerateCached(s, generators.Options{}) {
		v.ids = append(v.ids, c.ID)
		v.scenarios[c.Scenario] = true
		if b := c.Broken; b != nil {
			for _, p := range strings.Split(b.Param, ",") {
				if p != "" {
					v.params[p] = true
				}
			}
			v.kinds[string(b.Kind)] = true
			for _, r := range []string{b.Rule, b.State} {
				if r != "" {
					v.rules[r] = true
				}
			}
		}
	}
	return v
}

// checkNames refuses entries that name a parameter, kind, rule, scenario or case the harness
// does not know: such an entry would silently never apply.
func (o *Overrides) checkNames(s *spec.Spec, file string) error {
	v := vocabularyOf(s)
	for i, e := range o.Expectations {
		m := e.Match
		for _, f := range []struct {
			field, value string
			known        map[string]bool
		}{{"param", m.Param, v.params}, {"kind", m.Kind, v.kinds}, {"rule", m.Rule, v.rules}, {"scenario", m.Scenario, v.scenarios}} {
			if f.value == "" || f.known[f.value] {
				continue
			}
			return unknownName(file, i+1, f.field, f.value, keys(f.known))
		}
		if m.Case != "" && !strings.HasPrefix(m.Case, string(generators.Random)+"/") &&
			!slices.ContainsFunc(v.ids, func(id string) bool { return strings.HasPrefix(id, m.Case) }) {
			return fmt.Errorf("expectations file %s: entry %d: no case id starts with %q (clbcheck run --dry-run lists them)", file, i+1, m.Case)
		}
	}
	return nil
}

func unknownName(file string, entry int, field, value string, known []string) error {
	msg := fmt.Sprintf("expectations file %s: entry %d: %s %q is not one the harness knows, so the entry would never apply", file, entry, field, value)
	if near := Nearest(value, known); near != "" {
		return fmt.Errorf("%s; did you mean %q?", msg, near)
	}
	if len(known) <= 30 {
		return fmt.Errorf("%s; the %ss are %s", msg, field, strings.Join(known, ", "))
	}
	return fmt.Errorf("%s; `clbcheck spec` lists them", msg)
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
