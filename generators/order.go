package generators

import (
	"sort"
	"strings"
)

// Cheap, broad cases first: a run that stops at its first finding (a CI run with
// --max-failures, the self-test's kill matrix) spends fewer cases and requests before it
// reports one. The catalogue's contents do not change, only the order:
//
//  1. the valid base request;
//  2. the first case of each group (a group is a category and the parameter, rule or list
//     it is about: negative/ListenerPort, wire/Bandwidth, negative/rule/backend-port-required),
//     so that one positive and one negative of every parameter and rule come early; a
//     required parameter left out is its group's first case, the broadest check there is;
//  3. security cases: one request each, and each exercises a different part of the gateway;
//  4. state cases: each needs a fixture in a given state, and each reaches a state no other
//     case does;
//  5. the rest of each group, round by round (the second case of every group, then the third).
//
// Ties keep the builder's order, so the result is deterministic.
const (
	rankBase = iota
	rankFirstOfGroup
	rankSecurity
	rankState
	rankRest
)

// group is what a case is about: its category and the next segment of its id (the two next
// ones for a rule).
func group(c Case) string {
	parts := strings.SplitN(c.ID, "/", 4)
	switch {
	case len(parts) < 2:
		return c.ID
	case parts[1] == "rule" && len(parts) > 2:
		return parts[0] + "/rule/" + parts[2]
	}
	return parts[0] + "/" + parts[1]
}

// missingRequired is the scenario of a case that leaves a required parameter out.
const missingRequired = "MISSING_REQUIRED"

// orderCheapFirst returns the cases in the order above; cases is not modified.
func orderCheapFirst(cases []Case) []Case {
	type key struct{ rank, round, at int }
	keys := make([]key, len(cases))
	seen := map[string]int{}
	lead := map[string]bool{} // groups whose first case is a required parameter left out
	for _, c := range cases {
		if c.Scenario == missingRequired {
			lead[group(c)] = true
		}
	}
	for i, c := range cases {
		g := group(c)
		round := seen[g]
		switch {
		case lead[g] && c.Scenario == missingRequired:
			round = 0
		case lead[g]:
			round++
			seen[g]++
		default:
			seen[g]++
		}
		k := key{rank: rankRest, round: round, at: i}
		switch {
		case i == 0: // the builder adds the base request first
			k = key{rank: rankBase, at: i}
		case c.Category == Security:
			k = key{rank: rankSecurity, at: i}
		case c.Category == Stateful:
			k = key{rank: rankState, at: i}
		case round == 0:
			k.rank = rankFirstOfGroup
		}
		keys[i] = k
	}
	idx := make([]int, len(cases))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ka, kb := keys[idx[a]], keys[idx[b]]
		if ka.rank != kb.rank {
			return ka.rank < kb.rank
		}
		if ka.round != kb.round {
			return ka.round < kb.round
		}
		return ka.at < kb.at
	})
	out := make([]Case, len(cases))
	for i, j := range idx {
		out[i] = cases[j]
	}
	return out
}
