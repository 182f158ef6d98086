package spec

import (
	"fmt"
	"slices"
)

// checkVocabulary checks that the description defines exactly the state, scenario, quota,
// gateway-state, neighbour-state, rule and reference-kind names of names.go: a name Go code
// relies on that the description lacks, or a name the description adds that Go code does not
// know, is a load error naming it.
func (b *builder) checkVocabulary() error {
	s := b.s
	var states, scenarios, quotas, gateway, neighbour, rules, refs []string
	for _, st := range s.States {
		states = append(states, st.Name)
	}
	for _, sc := range s.Scenarios {
		scenarios = append(scenarios, sc.Name)
	}
	for _, q := range s.Quotas {
		quotas = append(quotas, q.Name)
	}
	for _, e := range s.GatewayErrors {
		gateway = append(gateway, e.Trigger.State)
	}
	for _, e := range s.NeighbourErrors {
		neighbour = append(neighbour, e.Trigger.State)
	}
	for _, r := range s.Rules {
		rules = append(rules, r.ID)
	}
	for _, op := range s.Operations {
		for _, p := range op.Parameters {
			if p.Reference != "" {
				refs = append(refs, p.Reference)
			}
			if p.List != nil {
				for _, f := range p.List.Fields {
					if f.Reference != "" {
						refs = append(refs, f.Reference)
					}
				}
			}
		}
	}
	checks := []struct {
		what, where string
		described   []string
		known       []string
	}{
		{"state", "x-states", states, names(vocabStates)},
		{"scenario", "x-scenarios", scenarios, names(vocabScenarios)},
		{"quota", "x-quotas", quotas, names(vocabQuotas)},
		{"gateway state", "x-gateway-errors", gateway, names(vocabGateway)},
		{"neighbour state", "x-neighbour-errors", neighbour, names(vocabNeighbour)},
		{"rule", "x-rules", rules, names(vocabRules)},
		{"reference kind", "x-reference", refs, names(vocabRefKinds)},
	}
	for _, c := range checks {
		if err := sameNames(c.what, c.where, c.described, c.known); err != nil {
			return err
		}
	}
	return nil
}

func names[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// sameNames reports the first name in one set and not the other.
func sameNames(what, where string, described, known []string) error {
	for _, k := range known {
		if !slices.Contains(described, k) {
			return loadErr(ErrCodeMissingName, where, "Go code relies on %s %q, which the description lacks", what, k)
		}
	}
	for _, d := range described {
		if !slices.Contains(known, d) {
			return loadErr(ErrCodeUnknownName, where, "%s", fmt.Sprintf("the description names %s %q, which spec/names.go does not know: add it there (and to the code that handles it)", what, d))
		}
	}
	return nil
}
