package generators

import (
	"sort"
	"strings"

	"github.com/clbcheck/clbcheck/spec"
)

// Cheap, broad cases first: a run that stops at its first finding (a CI run with
// --max-failures, the self-test's kill matrix) spends fewer cases and requests before it
// reports one. The catalogue's contents do not change, only the order:
//
//  1. the valid base request;
//  2. the first case of each group (a group is a category, a parameter and the kind of
//     constraint the case breaks or stands on: negative/ListenerPort/maximum,
//     positive/Bandwidth/minimum, wire/Bandwidth/lenient-integer; else the parameter, rule
//     or list the id names), so that every documented constraint has a case early; a
//     required parameter left out is its group's first case, the broadest check there is;
//  3. security cases: one request each, and each exercises a different part of the gateway;
//  4. state cases: each needs a fixture in a given state, and each reaches a state no other
//     case does;
//  5. the other valid values the page names one by one (every enum value, every literal of
//     a pattern, a value with every character a pattern allows) and the other ways of
//     keeping each rule (its premise false, another way to satisfy it);
//  6. the rest of each group, round by round (the second case of every group, then the third);
//  7. the cases that use something the run sent when it began (the nonce of a late replay):
//     the later they come, the longer the gap they test.
//
// Ties keep the builder's order, so the result is deterministic. Ranks 1 to 4 are the
// catalogue's first round (FirstRound).
const (
	rankBase = iota
	rankFirstOfGroup
	rankSecurity
	rankState
	rankNamed
	rankRest
	rankLast
)

// group is what a case is about (rank 2 above); cases that break or stand on no recorded
// constraint group by their id.
func group(c Case) string {
	switch {
	case c.Broken != nil && c.Broken.Param != "" && c.Broken.Kind != "":
		return string(c.Category) + "/" + c.Broken.Param + "/" + string(c.Broken.Kind)
	case c.Edge != nil && c.Edge.Param != "":
		return string(c.Category) + "/" + c.Edge.Param + "/" + string(c.Edge.Kind)
	}
	return idGroup(c.ID)
}

// named reports whether a positive case sends a value the page names one by one, or keeps a
// rule in another way than its group's first case (rank 5).
func named(c Case) bool {
	return c.Edge != nil && (c.Scenario == scenarioEnumValue || c.Scenario == scenarioPatternLiteral ||
		strings.HasPrefix(c.Scenario, scenarioAllowedPrefix) || c.Edge.Kind == spec.KindRule)
}

// idGroup is a case's group read from its id alone: the category and the next segment (the
// two next ones for a rule, and for a transport, as each sends the request another way).
func idGroup(id string) string {
	parts := strings.SplitN(id, "/", 4)
	switch {
	case len(parts) < 2:
		return id
	case (parts[1] == "rule" || parts[1] == transportGroup) && len(parts) > 2:
		return parts[0] + "/" + parts[1] + "/" + parts[2]
	}
	return parts[0] + "/" + parts[1]
}

// transportGroup is the id segment of the cases that send the valid request in another
// transport (wire/TRANSPORT/POST_FORM).
const transportGroup = "TRANSPORT"

// missingRequired is the scenario of a case that leaves a required parameter out.
const missingRequired = "MISSING_REQUIRED"

// orderKey places a case: its rank, its round within its group, its place in the builder's
// order.
type orderKey struct{ rank, round, at int }

// orderKeys places every case of cases (in the builder's order) for orderCheapFirst.
func orderKeys(cases []Case) []orderKey {
	keys := make([]orderKey, len(cases))
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
		k := orderKey{rank: rankRest, round: round, at: i}
		switch {
		case i == 0: // the builder adds the base request first
			k = orderKey{rank: rankBase, at: i}
		case c.UsesEarlyCopy():
			k = orderKey{rank: rankLast, at: i}
		case c.Category == Security:
			k = orderKey{rank: rankSecurity, at: i}
		case c.Category == Stateful:
			k = orderKey{rank: rankState, at: i}
		case round == 0:
			k.rank = rankFirstOfGroup
		case named(c):
			k.rank = rankNamed
		}
		keys[i] = k
	}
	return keys
}

// FirstRound is the number of cases of the catalogue's first round (ranks 1 to 4 above: the
// base request, the first case of every constraint group, the security and the state cases). In a
// catalogue as Enumerate returns it they are its first FirstRound cases.
func FirstRound(cases []Case) int {
	n := 0
	for _, k := range orderKeys(cases) {
		if k.rank < rankNamed {
			n++
		}
	}
	return n
}

// orderCheapFirst returns the cases in the order above; cases is not modified.
func orderCheapFirst(cases []Case) []Case {
	keys := orderKeys(cases)
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
