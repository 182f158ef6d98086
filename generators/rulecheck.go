package generators

import (
	"sync"

	"github.com/clbcheck/clbcheck/referee"
	"github.com/clbcheck/clbcheck/spec"
)

// The fast path of Repair. brokenRule, the reference, asks the referee which rules a request
// breaks, which builds a map of every parameter and reads it for every rule: most of the cost
// of a random case. brokenRuleFast answers the same question reading the parameters in place,
// only those the rules name. TestFastRuleCheckMatchesTheReferee compares the two on the
// catalogue, random requests and mutations of them.

// ruleList is a list parameter as the rules read it: its entries' names are read by the
// referee's reader (Referee.ListEntry), the one its rule findings use.
type ruleList struct {
	list *spec.List
	name string
	ref  *referee.Referee
}

// ruleLists are the list parameters of the operation, by name.
type ruleLists map[string]ruleList

var ruleListsBySpec sync.Map // *spec.Spec -> ruleLists

func ruleListsOf(s *spec.Spec) ruleLists {
	if v, ok := ruleListsBySpec.Load(s); ok {
		return v.(ruleLists)
	}
	out := ruleLists{}
	for _, p := range s.UnderTest.Lists() {
		out[p.Name] = ruleList{list: p.List, name: p.Name, ref: RefereeFor(s)}
	}
	v, _ := ruleListsBySpec.LoadOrStore(s, out)
	return v.(ruleLists)
}

// entry reports the index and field of name as an entry of the list.
func (l ruleList) entry(name string) (index, field string, ok bool) {
	return l.ref.ListEntry(l.name, name)
}

// brokenRuleFast is brokenRule without the referee: the first rule of the description that ps
// break, judged as the referee judges it (the first value of a name counts; a value sent empty
// counts as absent; a list is present when one of its entries has a value, its names read by
// the referee's own reader).
func brokenRuleFast(s *spec.Spec, ps []Param) (spec.Rule, bool) {
	get := func(name string) (string, bool) {
		for _, p := range ps {
			if p.Name == name {
				v := p.Value
				if p.Ref != "" {
					v = placeholder(p.Ref)
				}
				return v, v != ""
			}
		}
		return "", false
	}
	lists := ruleListsOf(s)
	present := func(name string) bool {
		if l, ok := lists[name]; ok {
			return listSent(l, ps, get)
		}
		_, ok := get(name)
		return ok
	}
	for _, r := range s.Rules {
		if ruleBroken(r, get, present, lists, ps) {
			return r, true
		}
	}
	return spec.Rule{}, false
}

// listSent reports whether an entry of l has a value (its name's first value).
func listSent(l ruleList, ps []Param, get func(string) (string, bool)) bool {
	for _, p := range ps {
		if _, _, ok := l.entry(p.Name); ok {
			if _, ok := get(p.Name); ok {
				return true
			}
		}
	}
	return false
}

// ruleBroken evaluates one rule.
func ruleBroken(r spec.Rule, get func(string) (string, bool), present func(string) bool, lists ruleLists, ps []Param) bool {
	switch r.Kind {
	case spec.RuleRequires:
		if !r.Premise(get) {
			return false
		}
		for _, name := range r.Require {
			if !present(name) {
				return true
			}
		}
	case spec.RuleOneOf, spec.RuleExclusive:
		given := 0
		for _, name := range r.Params {
			if present(name) {
				given++
			}
		}
		return (r.Kind == spec.RuleOneOf && given == 0) || (r.Kind == spec.RuleExclusive && given > 1)
	case spec.RuleDistinct:
		for i, a := range r.Params {
			va, ok := get(a)
			if !ok {
				continue
			}
			for _, b := range r.Params[i+1:] {
				if vb, ok := get(b); ok && va == vb {
					return true
				}
			}
		}
	case spec.RuleUniqueValue:
		if l, ok := lists[r.List]; ok {
			return sameFieldValue(l, r.Field, ps, get)
		}
	}
	return false
}

// sameFieldValue reports whether two entries of l have the same value of field, a field not
// sent (or sent empty) taking its default.
func sameFieldValue(l ruleList, field string, ps []Param, get func(string) (string, bool)) bool {
	values := map[string]string{} // index -> value of field
	for _, p := range ps {
		index, f, ok := l.entry(p.Name)
		if !ok {
			continue
		}
		if _, seen := values[index]; !seen {
			values[index] = ""
		}
		if f == field {
			v, _ := get(p.Name)
			values[index] = v
		}
	}
	def := ""
	if fp := l.list.Field(field); fp != nil && fp.Default != nil {
		def = *fp.Default
	}
	seen := map[string]bool{}
	for _, v := range values {
		if v == "" {
			v = def
		}
		if seen[v] {
			return true
		}
		seen[v] = true
	}
	return false
}
