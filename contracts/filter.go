package contracts

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
)

// CaseFilter selects the cases of a run from the command line. A case runs when, for each kind
// of selector given (ids, parameters, checks), it matches at least one Include pattern, and it
// matches no Exclude pattern of any kind.
//
// Id patterns match a case id exactly, as a prefix ending at a "/" (negative/ListenerPort
// selects every case under it), or as a glob where * matches any run of characters (slashes
// included) and ? one character. Parameter patterns (exact or glob) match the parameter a case
// breaks, or, for a valid case, the parameter it varies. Check names select the cases a check
// applies to (see CheckApplies).
type CaseFilter struct {
	Include, Exclude             []string // case ids, prefixes or globs
	IncludeParams, ExcludeParams []string // parameter names or globs: ListenerPort, Tag.*
	IncludeChecks, ExcludeChecks []string // check names
}

// Empty reports whether the filter selects every case.
func (f CaseFilter) Empty() bool {
	return len(f.Include)+len(f.Exclude)+len(f.IncludeParams)+len(f.ExcludeParams)+len(f.IncludeChecks)+len(f.ExcludeChecks) == 0
}

// Check reports selectors that can never match: an unknown check name, or a parameter pattern
// that matches no parameter of the description.
func (f CaseFilter) Check(s *spec.Spec) error {
	known := map[string]bool{}
	for _, c := range Registry {
		known[c.Name] = true
	}
	for _, name := range slices.Concat(f.IncludeChecks, f.ExcludeChecks) {
		if !known[name] {
			return fmt.Errorf("unknown check %q; the checks are %s", name, strings.Join(checkNames(), ", "))
		}
	}
	names := paramNames(s)
	for _, p := range slices.Concat(f.IncludeParams, f.ExcludeParams) {
		if !slices.ContainsFunc(names, func(n string) bool { return globMatch(p, n) }) {
			msg := fmt.Sprintf("parameter %q matches no parameter of %s", p, s.UnderTest.Action)
			if near := Nearest(p, names); near != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", near)
			}
			return fmt.Errorf("%s", msg)
		}
	}
	return nil
}

// Func returns the filter as Options.Filter takes it (nil when it selects everything).
func (f CaseFilter) Func(s *spec.Spec) func(generators.Case) bool {
	if f.Empty() {
		return nil
	}
	names := paramNames(s)
	return func(c generators.Case) bool { return f.match(c, names) }
}

func (f CaseFilter) match(c generators.Case, names []string) bool {
	param := caseParam(c, names)
	idOK := func(p string) bool { return idMatch(p, c.ID) }
	paramOK := func(p string) bool { return param != "" && globMatch(p, param) }
	checkOK := func(name string) bool { return CheckApplies(name, c) }
	for _, sel := range []struct {
		include, exclude []string
		ok               func(string) bool
	}{{f.Include, f.Exclude, idOK}, {f.IncludeParams, f.ExcludeParams, paramOK}, {f.IncludeChecks, f.ExcludeChecks, checkOK}} {
		if len(sel.include) > 0 && !slices.ContainsFunc(sel.include, sel.ok) {
			return false
		}
		if slices.ContainsFunc(sel.exclude, sel.ok) {
			return false
		}
	}
	return true
}

// checkApplies says which cases a check judges for a reason of their own; the checks not listed
// apply to every case.
var checkApplies = map[string]func(c generators.Case) bool{
	CheckAuthEnforced:     func(c generators.Case) bool { return c.Category == generators.Security },
	CheckSingleWinner:     func(c generators.Case) bool { return c.Concurrent > 1 },
	CheckListenerCreated:  func(c generators.Case) bool { return c.Expect.Direction() != spec.MustRefuse },
	CheckNoStateChange:    func(c generators.Case) bool { return c.Expect.Direction() != spec.MustAccept },
	CheckErrorEnvelope:    func(c generators.Case) bool { return c.Expect.Direction() != spec.MustAccept },
	CheckCodeDocumented:   func(c generators.Case) bool { return c.Expect.Direction() != spec.MustAccept },
	CheckStatusDocumented: func(c generators.Case) bool { return c.Expect.Direction() != spec.MustAccept },
}

// CheckApplies reports whether check judges case c for a reason of its own: auth-enforced the
// security cases, single-winner the concurrent creates, listener-created the cases that may be
// accepted, no-state-change and the error checks the cases that may be refused; every other
// check applies to every case.
func CheckApplies(check string, c generators.Case) bool {
	if f := checkApplies[check]; f != nil {
		return f(c)
	}
	return true
}

// caseParam is the parameter a case is about: the one it breaks, else the one its id names
// (valid cases are named kind/Parameter/...).
func caseParam(c generators.Case, names []string) string {
	if c.Broken != nil && c.Broken.Param != "" {
		return c.Broken.Param
	}
	parts := strings.SplitN(c.ID, "/", 3)
	if len(parts) >= 2 && slices.Contains(names, parts[1]) {
		return parts[1]
	}
	return ""
}

// paramNames lists the parameter paths of the operation under test, list members as
// "Tag.Key".
func paramNames(s *spec.Spec) []string {
	var out []string
	for _, p := range s.UnderTest.Parameters {
		out = append(out, p.Name)
		if p.List != nil {
			for _, m := range p.List.Fields {
				out = append(out, p.Name+"."+m.Name)
			}
		}
	}
	return out
}

// idMatch matches a case id against an id pattern (see CaseFilter).
func idMatch(pattern, id string) bool {
	if !strings.ContainsAny(pattern, "*?") {
		return id == pattern || strings.HasPrefix(id, strings.TrimSuffix(pattern, "/")+"/")
	}
	return globMatch(pattern, id)
}

// globMatch matches s against a glob where * is any run of characters and ? one character; a
// pattern without either must equal s.
func globMatch(pattern, s string) bool {
	if !strings.ContainsAny(pattern, "*?") {
		return pattern == s
	}
	var b strings.Builder
	b.WriteString(`^(?s:`)
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`)$`)
	return regexp.MustCompile(b.String()).MatchString(s)
}

func checkNames() []string {
	out := make([]string, len(Registry))
	for i, c := range Registry {
		out[i] = c.Name
	}
	return out
}

// Nearest returns the candidate closest to s (case-insensitive edit distance of at most a third
// of its length, and at least 2), or "" when none is close.
func Nearest(s string, candidates []string) string {
	best, bestD := "", max(2, len(s)/3)+1
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
