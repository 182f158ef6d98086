package generators

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/clbcheck/clbcheck/referee"
	"github.com/clbcheck/clbcheck/spec"
)

// Options are the provider-side facts a target declares (a fixtures file) or offers (the
// embedded emulator): quota values and scenario settings by the description's names. The page
// states none of them, so nothing else is assumed: a case that needs a quota or scenario
// absent here is still listed, with Skip saying what to declare.
type Options struct {
	// Quotas gives quota values by name (x-quotas).
	Quotas map[string]int
	// Scenarios gives scenario settings (zone or region names, durations) by name.
	Scenarios map[string]string
}

func (o Options) quota(name string) (int, bool) {
	v, ok := o.Quotas[name]
	return v, ok
}

func (o Options) scenario(name string) (string, bool) {
	v, ok := o.Scenarios[name]
	return v, ok && v != ""
}

// undeclared is the skip reason of a case that needs a provider-side fact nobody declared.
func undeclared(what, name string) string {
	return fmt.Sprintf("the page states no %s %s and the target does not declare it; give it under %ss in a --fixtures file to run this case", what, name, what)
}

// refSlots maps a parameter's x-reference to the fixture slot a valid request uses.
var refSlots = map[spec.RefKind]string{
	spec.RefListenerPort:      spec.SlotPort,
	spec.RefLoadBalancer:      spec.SlotLB,
	spec.RefServerCertificate: spec.SlotCert,
	spec.RefCACertificate:     spec.SlotCertCA,
	spec.RefVServerGroup:      spec.SlotVGroup,
	spec.RefACL:               spec.SlotACL,
}

// validParam returns a valid Param for p: a reference, an allocated port, or a value.
func validParam(p *spec.Parameter) (Param, bool) {
	if slot, ok := refSlots[spec.RefKind(p.Reference)]; ok {
		return Param{Name: p.Name, Ref: slot}, true
	}
	v, ok := ValidValue(p)
	return Param{Name: p.Name, Value: v}, ok
}

// placeholder resolves references to values that pass static checks, for Validate.
func placeholder(ref string) string {
	if ref == spec.SlotPort {
		return "443"
	}
	if v, ok := placeholders.Load(ref); ok {
		return v.(string)
	}
	v := "ref-" + strings.Map(func(r rune) rune {
		if r == ':' || r == '.' {
			return '-'
		}
		return r
	}, ref)
	if n := placeholderCount.Add(1); n <= 4096 { // slot names are few; other refs are not kept
		placeholders.Store(ref, v)
	}
	return v
}

var (
	placeholders     sync.Map // ref -> its placeholder
	placeholderCount atomic.Int64
)

// firstValues is Values(ps, placeholder) as the referee reads it: the first value of each name.
func firstValues(ps []Param) map[string]string {
	first := make(map[string]string, len(ps))
	for _, p := range ps {
		if _, seen := first[p.Name]; seen {
			continue
		}
		if p.Ref != "" {
			first[p.Name] = placeholder(p.Ref)
		} else {
			first[p.Name] = p.Value
		}
	}
	return first
}

// Base is the smallest valid request: every required parameter plus what the rules demand.
func Base(s *spec.Spec) []Param {
	var ps []Param
	for _, p := range s.UnderTest.Parameters {
		if p.Required && !p.Common {
			if vp, ok := validParam(p); ok {
				ps = append(ps, vp)
			}
		}
	}
	return Repair(s, ps, "")
}

// referees holds one referee per description: Repair, the random sieves and Confirm judge
// with it.
var referees sync.Map // *spec.Spec -> *referee.Referee

// RefereeFor returns the referee of a description, built once.
func RefereeFor(s *spec.Spec) *referee.Referee {
	if r, ok := referees.Load(s); ok {
		return r.(*referee.Referee)
	}
	r, _ := referees.LoadOrStore(s, referee.MustNew(s))
	return r.(*referee.Referee)
}

// brokenRule returns the first rule of the description (in description order) that the
// parameters break, as the referee judges them with placeholders for references.
func brokenRule(s *spec.Spec, ps []Param) (spec.Rule, bool) {
	fs := RefereeFor(s).RuleFindingsOf(firstValues(ps))
	for _, r := range s.Rules {
		for _, f := range fs {
			if f.Kind == spec.KindRule && f.Rule == r.ID {
				return r, true
			}
		}
	}
	return spec.Rule{}, false
}

// present reports whether ps carry a parameter (any entry, for a list parameter) with a value.
func present(s *spec.Spec, ps []Param, name string) bool {
	p := s.UnderTest.Param(name)
	for _, x := range ps {
		if x.Value == "" && x.Ref == "" {
			continue
		}
		if x.Name == name {
			return true
		}
		if p != nil && p.List != nil {
			if _, _, ok := p.List.ParseWireName(x.Name); ok {
				return true
			}
		}
	}
	return false
}

// Repair adds or removes parameters until no rule of the description is broken, touching
// keep only when nothing else helps. It gives up after a few rounds (a description whose rules
// contradict each other) and returns what it has.
func Repair(s *spec.Spec, ps []Param, keep string) []Param { return repair(s, ps, keep, false) }

// repair is Repair; owned says the caller gives ps up, so that it may be changed in place.
func repair(s *spec.Spec, ps []Param, keep string, owned bool) []Param {
	op := s.UnderTest
	// owned: whether ps is repair's to change yet (the caller's is never changed otherwise)
	own := func() {
		if !owned {
			ps, owned = append(make([]Param, 0, len(ps)+4), ps...), true
		}
	}
	for round := 0; round < 8; round++ {
		r, broken := brokenRuleFast(s, ps)
		if !broken {
			return ps
		}
		switch r.Kind {
		case spec.RuleRequires:
			for _, name := range r.Require {
				if p := op.Param(name); p != nil && !present(s, ps, name) {
					if vp, ok := validParam(p); ok {
						own()
						ps = setOwned(ps, vp)
					}
					break
				}
			}
		case spec.RuleOneOf:
			if p := op.Param(r.Params[0]); p != nil {
				if vp, ok := validParam(p); ok {
					ps, owned = append(dropParam(s, ps, p.Name), vp), true
				}
			}
		case spec.RuleExclusive:
			for _, name := range r.Params {
				if name != keep {
					ps, owned = dropParam(s, ps, name), true
					if keep == "" {
						break
					}
				}
			}
		case spec.RuleDistinct:
			own()
			for i, name := range r.Params {
				for j := range ps {
					if ps[j].Name == name {
						ps[j].Value = fmt.Sprintf("%s%d", strings.TrimRight(ps[j].Value, "0123456789"), i+1)
					}
				}
			}
		case spec.RuleUniqueValue:
			l := op.Param(r.List).List
			ps = dropParam(s, ps, r.List)
			ps, owned = append(ps, listItem(l, 1)...), true
		default:
			return ps
		}
	}
	return ps
}

// dropParam removes a parameter, or every entry of a list parameter.
func dropParam(s *spec.Spec, ps []Param, name string) []Param {
	p := s.UnderTest.Param(name)
	if p == nil || p.List == nil {
		return without(ps, name)
	}
	out := ps[:0:0]
	for _, x := range ps {
		if _, _, ok := p.List.ParseWireName(x.Name); !ok {
			out = append(out, x)
		}
	}
	return out
}

// listItem returns the fields of entry n of a list with valid values (required fields and
// fields with a reference or an obvious value).
func listItem(l *spec.List, n int) []Param {
	var out []Param
	for _, f := range l.Fields {
		if !f.Required {
			continue
		}
		name := l.WireName(n, f.Name)
		if slot, ok := refSlots[spec.RefKind(f.Reference)]; ok {
			out = append(out, Param{Name: name, Ref: slot})
			continue
		}
		v, _ := ValidValue(f)
		if f.Name == spec.FieldTagKey {
			v = fmt.Sprintf("key%d", n)
		}
		out = append(out, Param{Name: name, Value: v})
	}
	return out
}

// builder accumulates cases with unique ids. Two cases built with one id are a bug of the
// builder; the second is renamed (id#2) so that a run stays usable, and the id is recorded in
// dups, which a test keeps empty.
type builder struct {
	s     *spec.Spec
	cases []Case
	ids   map[string]int
	dups  []string
}

func (b *builder) add(c Case) {
	if c.Action == "" {
		c.Action = b.s.UnderTest.Action
	}
	if c.Expect.Success && !c.Expect.Either && acceptanceBasis(b.s, c.Params) == spec.Inferred {
		c.Expect.DirectionBasis = spec.Inferred // never firmer than the case made it
	}
	if c.Method == "" {
		c.Method = "POST"
	}
	id := c.ID
	b.ids[id]++
	if n := b.ids[id]; n > 1 {
		b.dups = append(b.dups, id)
		id = fmt.Sprintf("%s#%d", id, n)
	}
	c.ID = id
	b.cases = append(b.cases, c)
}

// acceptanceBasis is how firmly the page says a valid request must be accepted: firmly when
// every parameter it sends is on the page; a parameter from other sources makes it inferred
// (an implementation of the page alone may not know it, or know other values), and so does a
// value other than the example of a parameter whose range or length only other sources give.
func acceptanceBasis(s *spec.Spec, ps []Param) spec.Basis {
	for _, p := range ps {
		q := s.UnderTest.Param(p.Name)
		if q == nil {
			for _, lp := range s.UnderTest.Lists() {
				if _, _, ok := lp.List.ParseWireName(p.Name); ok {
					q = lp
				}
			}
		}
		if q != nil && (q.Source != spec.SourceSeed || (p.Ref == "" && p.Value != q.Example && inferredBounds(q))) {
			return spec.Inferred
		}
	}
	return spec.Documented
}

// inferredBounds reports whether a parameter's range or length comes from other sources than
// the page (Bandwidth's 1 to 5120): only its example is then certainly valid.
func inferredBounds(p *spec.Parameter) bool {
	return slices.ContainsFunc([]spec.Kind{spec.KindMinimum, spec.KindMaximum, spec.KindMinLength, spec.KindMaxLength},
		func(k spec.Kind) bool { return edgeInferred(p, k) })
}

// success is the outcome of a request the page says must be accepted.
func success() spec.Outcome {
	return spec.Outcome{Success: true, Basis: spec.Documented, DirectionBasis: spec.Documented}
}

func short(v string) string {
	r := []rune(v)
	if len(r) > 24 {
		return string(r[:24]) + fmt.Sprintf("…(%d)", len(r))
	}
	if v == "" {
		return "empty"
	}
	return v
}

// Enumerate returns the deterministic catalogue of cases derived from the description:
// positive boundary cases, one case per constraint violation at its boundary, rule cases
// both ways, list and wire cases, state cases and security cases. The order is stable, cheap
// and broad cases first (orderCheapFirst).
func Enumerate(s *spec.Spec, opt Options) []Case {
	return enumerate(s, opt).cases
}

func enumerate(s *spec.Spec, opt Options) *builder {
	b := &builder{s: s, ids: map[string]int{}}
	base := Base(s)
	b.add(Case{ID: "positive/base", Scenario: "VALID_MINIMAL", Category: Positive, Params: base, Expect: success(), Static: true})
	b.regionLeftOut(base)
	b.params(base)
	b.lists(base)
	b.rules(base)
	b.twoViolations(base)
	b.wire(base)
	b.states(base, opt)
	b.security(base)
	b.cases = orderCheapFirst(b.cases)
	return b
}

// regionLeftOut adds the base request without RegionId, which the target otherwise always
// sends: the page lists RegionId as optional, so leaving it out must be accepted as firmly as
// the page states that (the service then works in the region of its endpoint).
func (b *builder) regionLeftOut(base []Param) {
	p := b.s.UnderTest.Lookup(spec.ParamRegionID)
	if p == nil || p.Required {
		return
	}
	o := success()
	if p.Source != spec.SourceSeed {
		o.DirectionBasis = spec.Inferred
	}
	b.add(Case{ID: "positive/" + spec.ParamRegionID + "/absent", Scenario: "OPTIONAL_ABSENT", Category: Positive, Params: without(base, spec.ParamRegionID),
		NoRegion: true, Expect: o, Static: true, Edge: &Edge{Param: spec.ParamRegionID, Kind: spec.KindRequired}})
}

func (b *builder) params(base []Param) {
	s := b.s
	for _, p := range s.UnderTest.Parameters {
		if p.Common || p.List != nil {
			continue
		}
		// A routing parameter changes where the request goes, not what it asks: only its
		// violations are cases.
		routing := isRouting(s, p)
		vp, ok := validParam(p)
		if !ok {
			continue
		}
		with0 := Repair(s, replace(base, vp), p.Name)
		if (refOf(p) == "" || chosenByCaller(p)) && !routing {
			for _, v := range ValidBoundaries(p) {
				ps := Repair(s, replace(base, Param{Name: p.Name, Value: v.Value}), p.Name)
				b.add(Case{ID: fmt.Sprintf("positive/%s/%s/%s", p.Name, v.Scenario, short(v.Value)), Scenario: v.Scenario,
					Category: Positive, Params: ps, Expect: expect(s, p, v), Static: true, Edge: &Edge{Param: p.Path, Kind: v.Edge}})
			}
		} else if !has(base, p.Name) {
			b.add(Case{ID: fmt.Sprintf("positive/%s/REFERENCE", p.Name), Scenario: "VALID_REFERENCE",
				Category: Positive, Params: with0, Expect: expect(s, p, Value{}), Static: true})
		}
		original := vp.Value
		if vp.Ref != "" {
			original = "<" + vp.Ref + ">"
		}
		for _, v := range Violations(p) {
			ps := replace(with0, Param{Name: p.Name, Value: v.Value})
			if v.Kind == spec.KindEmpty {
				v.Also = append(v.Also, b.rulesNeeding(ps, p.Name)...)
			}
			b.add(Case{ID: fmt.Sprintf("%s/%s/%s/%s", category(v), p.Name, v.Scenario, short(v.Value)), Scenario: v.Scenario,
				Category: category(v), Params: ps, Static: true, Expect: expect(s, p, v),
				Broken: &Broken{Param: p.Path, Wire: p.Name, Kind: v.Kind, Original: original, Sent: v.Value, Also: v.Also}})
		}
		if p.Required {
			b.add(Case{ID: fmt.Sprintf("negative/%s/MISSING_REQUIRED", p.Name), Scenario: "MISSING_REQUIRED",
				Category: Negative, Params: without(base, p.Name), Static: true, Expect: p.RequiredResult,
				Broken: &Broken{Param: p.Path, Wire: p.Name, Kind: spec.KindRequired, Original: original}})
		}
	}
}

// category files a value under negative cases, or under wire cases when it is only a point of
// spelling the page leaves open.
func category(v Value) Category {
	if (v.Kind == spec.KindEmpty || v.Kind == spec.KindLenient) && len(v.Also) == 0 {
		return Wire
	}
	return Negative
}

func (b *builder) rulesNeeding(ps []Param, name string) []string { return rulesNeeding(b.s, ps, name) }

// rulesNeeding lists, as "rule/<id>", the rules that need parameter name in ps: sending it
// empty breaks them when the service reads an empty value as absent.
func rulesNeeding(s *spec.Spec, ps []Param, name string) []string {
	get := func(n string) (string, bool) {
		for _, p := range ps {
			if p.Name == n && (p.Value != "" || p.Ref != "") {
				return p.Value, true
			}
		}
		return "", false
	}
	var out []string
	for _, r := range s.Rules {
		switch r.Kind {
		case spec.RuleRequires:
			if slices.Contains(r.Require, name) && r.Premise(get) {
				out = append(out, "rule/"+r.ID)
			}
		case spec.RuleOneOf:
			if !slices.Contains(r.Params, name) {
				continue
			}
			others := false
			for _, n := range r.Params {
				others = others || (n != name && present(s, ps, n))
			}
			if !others {
				out = append(out, "rule/"+r.ID)
			}
		}
	}
	return out
}

// isRouting reports whether p is one of the wire's common parameters (RegionId) that the
// operation also declares: it picks where a request goes, so random requests leave it alone.
func isRouting(s *spec.Spec, p *spec.Parameter) bool {
	return slices.Contains(s.Wire.CommonParameters, p.Name)
}

// chosenByCaller reports whether a reference parameter's value is the caller's choice (a
// listener port) rather than an id the service hands out: its valid boundaries are cases too.
func chosenByCaller(p *spec.Parameter) bool { return refOf(p) == spec.SlotPort }

// Ref is a small helper so that generators can tell reference parameters apart.
func refOf(p *spec.Parameter) string { return refSlots[spec.RefKind(p.Reference)] }

func replace(ps []Param, p Param) []Param {
	if p.Ref != "" {
		return withRef(ps, p.Name, p.Ref)
	}
	return with(ps, p.Name, p.Value)
}

func (b *builder) lists(base []Param) {
	s := b.s
	for _, lp := range s.UnderTest.Lists() {
		l := lp.List
		// The list form may exclude other parameters (an exclusive rule); drop them.
		start := b.dropExclusive(base, lp.Name)
		items := func(n int) []Param {
			ps := append([]Param{}, start...)
			for i := l.FirstIndex; i < l.FirstIndex+n; i++ {
				ps = append(ps, listItem(l, i)...)
			}
			return ps
		}
		uniq := b.uniqueRule(lp.Name)
		maxOK := l.MaxItems
		if uniq {
			maxOK = 1
		}
		one := &Edge{Param: lp.Name, Kind: spec.KindMaxItems}
		if maxOK > 1 {
			one = nil
		}
		b.add(Case{ID: fmt.Sprintf("positive/%s/ONE_ITEM", lp.Name), Scenario: "LIST_ONE_ITEM", Category: Positive, Params: items(1), Expect: expect(s, lp, Value{}), Static: true, Edge: one})
		if maxOK > 1 {
			b.add(Case{ID: fmt.Sprintf("positive/%s/MAX_ITEMS", lp.Name), Scenario: "LIST_AT_MAX_ITEMS", Category: Positive, Params: items(maxOK), Expect: expect(s, lp, Value{}), Static: true,
				Edge: &Edge{Param: lp.Name, Kind: spec.KindMaxItems}})
		}
		if l.MaxItems > 0 {
			v := Value{Kind: spec.KindMaxItems}
			if uniq {
				v.Also = []string{"rule/" + b.uniqueRuleID(lp.Name)}
			}
			b.add(Case{ID: fmt.Sprintf("negative/%s/TOO_MANY_ITEMS", lp.Name), Scenario: "LIST_ABOVE_MAX_ITEMS", Category: Negative,
				Params: items(l.MaxItems + 1), Static: true, Expect: expect(s, lp, v),
				Broken: &Broken{Param: lp.Name, Wire: l.WireName(l.MaxItems+l.FirstIndex, "*"), Kind: spec.KindMaxItems, Sent: fmt.Sprint(l.MaxItems + 1), Also: v.Also}})
		}
		b.listIndexes(lp, start, uniq)
		b.listFields(lp, start)
	}
}

// listIndexes adds an index gap and an index below the first: how the page numbers entries
// is not said, so either answer conforms.
func (b *builder) listIndexes(lp *spec.Parameter, start []Param, uniq bool) {
	s, l := b.s, lp.List
	one := listItem(l, l.FirstIndex)
	gap := append(append([]Param{}, start...), one...)
	gap = append(gap, listItem(l, l.FirstIndex+2)...)
	if uniq {
		gap = append(append([]Param{}, start...), listItem(l, l.FirstIndex+1)...)
	}
	b.add(Case{ID: fmt.Sprintf("wire/%s/INDEX_GAP", lp.Name), Scenario: "LIST_INDEX_GAP", Category: Wire, Params: gap, Static: true,
		Expect: s.WireOutcome(spec.KindListIndex), Broken: &Broken{Param: lp.Name, Kind: spec.KindListIndex, Sent: "gap"}})
	zero := append(append([]Param{}, start...), listItem(l, l.FirstIndex-1)...)
	b.add(Case{ID: fmt.Sprintf("wire/%s/INDEX_ZERO", lp.Name), Scenario: "LIST_INDEX_BELOW_FIRST", Category: Wire, Params: zero, Static: true,
		Expect: s.WireOutcome(spec.KindListIndex), Broken: &Broken{Param: lp.Name, Kind: spec.KindListIndex, Sent: fmt.Sprint(l.FirstIndex - 1)}})
}

// listFields adds, for each field of the first entry, its valid boundaries and its
// violations, and a missing required field.
func (b *builder) listFields(lp *spec.Parameter, start []Param) {
	s, l := b.s, lp.List
	one := listItem(l, l.FirstIndex)
	for _, f := range l.Fields {
		wire := l.WireName(l.FirstIndex, f.Name)
		if f.Required {
			ps := append([]Param{}, start...)
			for _, x := range one {
				if x.Name != wire {
					ps = append(ps, x)
				}
			}
			for _, other := range l.Fields {
				if !other.Required {
					if v, ok := ValidValue(other); ok {
						ps = append(ps, Param{Name: l.WireName(l.FirstIndex, other.Name), Value: v})
					}
					break
				}
			}
			b.add(Case{ID: fmt.Sprintf("negative/%s/MISSING_REQUIRED", f.Path), Scenario: "MISSING_REQUIRED", Category: Negative, Params: ps, Static: true,
				Expect: f.RequiredResult, Broken: &Broken{Param: f.Path, Wire: wire, Kind: spec.KindRequired}})
		}
		if refOf(f) == "" {
			for _, v := range ValidBoundaries(f) {
				ps := with(append(append([]Param{}, start...), one...), wire, v.Value)
				b.add(Case{ID: fmt.Sprintf("positive/%s/%s/%s", f.Path, v.Scenario, short(v.Value)), Scenario: v.Scenario, Category: Positive, Params: ps, Expect: expect(s, f, v), Static: true,
					Edge: &Edge{Param: f.Path, Kind: v.Edge}})
			}
		}
		orig, _ := ValidValue(f)
		for _, v := range Violations(f) {
			ps := with(append(append([]Param{}, start...), one...), wire, v.Value)
			if v.Kind == spec.KindRequired && lp.Name != "" {
				v.Also = append(v.Also, b.rulesNeedingList(ps, lp)...)
			}
			b.add(Case{ID: fmt.Sprintf("%s/%s/%s/%s", category(v), f.Path, v.Scenario, short(v.Value)), Scenario: v.Scenario, Category: category(v), Params: ps, Static: true,
				Expect: expect(s, f, v), Broken: &Broken{Param: f.Path, Wire: wire, Kind: v.Kind, Original: orig, Sent: v.Value, Also: v.Also}})
		}
		b.secondEntry(lp, start, f, orig)
	}
}

// secondEntry adds, for the first violation of each kind of a list field, a case whose bad
// value sits in the list's second entry after a valid first one: a service that checks only
// the first entry lets it through. Lists that a rule constrains as a whole (one server
// binding) or that hold a single entry are left out: a second entry would break more.
func (b *builder) secondEntry(lp *spec.Parameter, start []Param, f *spec.Parameter, orig string) {
	l := lp.List
	if l.MaxItems > 0 && l.MaxItems < 2 {
		return
	}
	for _, r := range b.s.Rules {
		if r.List == lp.Name {
			return
		}
	}
	wire := l.WireName(l.FirstIndex+1, f.Name)
	seen := map[spec.Kind]bool{}
	for _, v := range Violations(f) {
		if v.Open || seen[v.Kind] || v.Kind == spec.KindRequired || v.Kind == spec.KindEmpty || v.Kind == spec.KindLenient {
			continue
		}
		seen[v.Kind] = true
		ps := with(append(append(append([]Param{}, start...), listItem(l, l.FirstIndex)...), listItem(l, l.FirstIndex+1)...), wire, v.Value)
		b.add(Case{ID: fmt.Sprintf("%s/%s/%s/%s/second-entry", category(v), f.Path, v.Scenario, short(v.Value)), Scenario: v.Scenario, Category: category(v), Params: ps, Static: true,
			Expect: expect(b.s, f, v), Broken: &Broken{Param: f.Path, Wire: wire, Kind: v.Kind, Original: orig, Sent: v.Value, Also: v.Also}})
	}
}

// rulesNeedingList lists the one-of rules the list lp satisfies only through entries that
// hold a value: an entry whose required field is sent empty may count as no entry at all.
func (b *builder) rulesNeedingList(ps []Param, lp *spec.Parameter) []string {
	var out []string
	for _, r := range b.s.Rules {
		if r.Kind != spec.RuleOneOf || !slices.Contains(r.Params, lp.Name) {
			continue
		}
		others := false
		for _, n := range r.Params {
			others = others || (n != lp.Name && present(b.s, ps, n))
		}
		if !others {
			out = append(out, "rule/"+r.ID)
		}
	}
	return out
}

func (b *builder) uniqueRuleID(list string) string {
	for _, r := range b.s.Rules {
		if r.Kind == spec.RuleUniqueValue && r.List == list {
			return r.ID
		}
	}
	return ""
}

// dropExclusive removes from ps the parameters an exclusive rule forbids next to name (the
// single form of a parameter whose list form name is, for instance).
func (b *builder) dropExclusive(ps []Param, name string) []Param {
	for _, r := range b.s.Rules {
		if r.Kind == spec.RuleExclusive && slices.Contains(r.Params, name) {
			for _, other := range r.Params {
				if other != name {
					ps = dropParam(b.s, ps, other)
				}
			}
		}
	}
	return ps
}

func (b *builder) uniqueRule(list string) bool {
	for _, r := range b.s.Rules {
		if r.Kind == spec.RuleUniqueValue && r.List == list {
			return true
		}
	}
	return false
}

// onlyOf returns base with, among names, only name given (a valid value, or one entry of a
// list), or nil when name cannot be given.
func (b *builder) onlyOf(base []Param, names []string, name string) []Param {
	ps := base
	for _, n := range names {
		if n != name {
			ps = dropParam(b.s, ps, n)
		}
	}
	p := b.s.UnderTest.Param(name)
	if p == nil {
		return nil
	}
	if p.List != nil {
		return append(dropParam(b.s, ps, name), listItem(p.List, p.List.FirstIndex)...)
	}
	vp, ok := validParam(p)
	if !ok {
		return nil
	}
	return replace(ps, vp)
}

// premise makes a rule's premise true (or false) on top of ps.
func (b *builder) premise(ps []Param, r spec.Rule, hold bool) ([]Param, bool) {
	op := b.s.UnderTest
	for i, c := range r.When {
		p := op.Param(c.Param)
		if p == nil {
			return nil, false
		}
		// To make the premise false it is enough to falsify the first clause.
		flip := !hold && i == 0
		switch {
		case c.Absent && !flip, c.Present && flip:
			ps = dropParam(b.s, ps, c.Param)
		case c.Absent && flip, c.Present && !flip:
			vp, ok := validParam(p)
			if !ok {
				return nil, false
			}
			ps = replace(ps, vp)
		case !flip:
			ps = with(ps, c.Param, c.Equals)
		default:
			other := ""
			for _, e := range p.Enum() {
				if e != c.Equals {
					other = e
					break
				}
			}
			if other == "" {
				ps = without(ps, c.Param)
			} else {
				ps = with(ps, c.Param, other)
			}
		}
	}
	return ps, true
}

func (b *builder) rules(base []Param) {
	for _, r := range b.s.Rules {
		rc := ruleCases{b: b, r: r}
		switch r.Kind {
		case spec.RuleRequires:
			rc.requires(base)
		case spec.RuleOneOf:
			rc.oneOf(base)
		case spec.RuleExclusive:
			rc.exclusive(base)
		case spec.RuleUniqueValue:
			rc.uniqueValue(base)
		case spec.RuleDistinct:
			rc.distinct(base)
		case spec.RuleEffectiveOnlyWhen:
			rc.effectiveOnlyWhen(base)
		}
	}
}

// ruleCases adds the cases of one rule: brk those that break it, ok those that keep it.
type ruleCases struct {
	b *builder
	r spec.Rule
}

func (rc ruleCases) brk(ps []Param, scn, detail string) {
	r := rc.r
	rc.b.add(Case{ID: fmt.Sprintf("negative/rule/%s/%s", r.ID, detail), Scenario: scn, Category: Negative, Params: ps, Static: true,
		Expect: r.Outcome, Broken: &Broken{Kind: spec.KindRule, Rule: r.ID, Param: strings.Join(append(append([]string{}, r.Require...), r.Params...), ",")}})
}

func (rc ruleCases) ok(ps []Param, scn, detail string) {
	rc.b.add(Case{ID: fmt.Sprintf("positive/rule/%s/%s", rc.r.ID, detail), Scenario: scn, Category: Positive, Params: ps, Expect: success(), Static: true,
		Edge: &Edge{Param: "rule/" + rc.r.ID, Kind: spec.KindRule}})
}

// requires adds the cases of a requires rule: satisfied, each requirement missing, and the premise false without it.
func (rc ruleCases) requires(base []Param) {
	held, okp := rc.b.premise(base, rc.r, true)
	if !okp {
		return
	}
	held = Repair(rc.b.s, held, "")
	rc.ok(held, "RULE_SATISFIED", "satisfied")
	for _, req := range rc.r.Require {
		rc.brk(dropParam(rc.b.s, held, req), "RULE_REQUIREMENT_MISSING", "missing-"+req)
		if falsified, okf := rc.b.premise(held, rc.r, false); okf {
			ps := Repair(rc.b.s, dropParam(rc.b.s, falsified, req), req)
			if !has(ps, req) {
				rc.ok(ps, "RULE_PREMISE_FALSE", "premise-false-without-"+req)
			}
		}
	}
}

// oneOf adds the cases of a one-of rule: none given, and each given alone.
func (rc ruleCases) oneOf(base []Param) {
	ps := base
	for _, name := range rc.r.Params {
		ps = dropParam(rc.b.s, ps, name)
	}
	rc.brk(ps, "RULE_NONE_OF", "none")
	for _, name := range rc.r.Params {
		if kept := rc.b.onlyOf(base, rc.r.Params, name); kept != nil {
			rc.ok(kept, "RULE_ONE_GIVEN", "only-"+name)
		}
	}
}

// exclusive adds the cases of an exclusive rule: all forms given, and each alone.
func (rc ruleCases) exclusive(base []Param) {
	ps := base
	for _, name := range rc.r.Params {
		p := rc.b.s.UnderTest.Param(name)
		if p.List != nil {
			ps = append(ps, listItem(p.List, p.List.FirstIndex)...)
		} else if vp, okv := validParam(p); okv {
			ps = replace(ps, vp)
		}
	}
	rc.brk(ps, "RULE_BOTH_GIVEN", "all")
	for _, name := range rc.r.Params {
		if kept := rc.b.onlyOf(base, rc.r.Params, name); kept != nil {
			rc.ok(kept, "RULE_ONE_FORM", "only-"+name)
		}
	}
}

// uniqueValue adds the cases of a unique-value rule: a field value repeated in two entries, and given once.
func (rc ruleCases) uniqueValue(base []Param) {
	p := rc.b.s.UnderTest.Param(rc.r.List)
	ps := append([]Param{}, rc.b.dropExclusive(base, rc.r.List)...)
	ps = append(append(ps, listItem(p.List, p.List.FirstIndex)...), listItem(p.List, p.List.FirstIndex+1)...)
	rc.brk(ps, "RULE_VALUE_REPEATED", "two-"+rc.r.Field)
	once := append(append([]Param{}, rc.b.dropExclusive(base, rc.r.List)...), listItem(p.List, p.List.FirstIndex)...)
	rc.ok(once, "RULE_VALUE_ONCE", "one-"+rc.r.Field)
}

// distinct adds the cases of a distinct rule: all values different, and two the same.
func (rc ruleCases) distinct(base []Param) {
	ps := base
	var names []string
	for i, name := range rc.r.Params {
		p := rc.b.s.UnderTest.Param(name)
		if v, okv := Fill(p, 6); okv {
			ps = with(ps, name, fmt.Sprintf("%s%d", v[:5], i))
			names = append(names, name)
		}
	}
	rc.ok(ps, "RULE_SATISFIED", "all-different")
	if len(names) >= 2 {
		v, _ := Fill(rc.b.s.UnderTest.Param(names[0]), 6)
		dup := with(with(ps, names[0], v), names[len(names)-1], v)
		rc.brk(dup, "RULE_VALUES_EQUAL", "same-value")
	}
}

// effectiveOnlyWhen adds the cases of an effective-only-when rule: the settings given with the premise true and false (never refused).
func (rc ruleCases) effectiveOnlyWhen(base []Param) {
	for _, hold := range []bool{true, false} {
		ps, okp := rc.b.premise(base, rc.r, hold)
		if !okp {
			continue
		}
		for _, name := range rc.r.Params {
			if p := rc.b.s.UnderTest.Param(name); p != nil {
				if vp, okv := validParam(p); okv {
					ps = replace(ps, vp)
				}
			}
		}
		ps = Repair(rc.b.s, ps, "")
		rc.ok(ps, "RULE_SETTINGS_GIVEN", fmt.Sprintf("premise-%v", hold))
	}
}

func (b *builder) wire(base []Param) {
	s := b.s
	// Duplicated parameter: same value is fine; different values are refused.
	var enumP *spec.Parameter
	for _, p := range s.UnderTest.Parameters {
		if p.Required && len(p.Enum()) > 1 && !p.Common {
			enumP = p
			break
		}
	}
	if enumP != nil {
		cur, _ := find(base, enumP.Name)
		v0 := cur.Value
		other := enumP.Enum()[0]
		if other == v0 {
			other = enumP.Enum()[1]
		}
		b.add(Case{ID: "wire/DUPLICATE_SAME_VALUE", Scenario: "DUPLICATE_PARAMETER_SAME_VALUE", Category: Wire, Static: true,
			Params: append(append([]Param{}, base...), Param{Name: enumP.Name, Value: v0}), Expect: success()})
		b.add(Case{ID: "wire/DUPLICATE_DIFFERENT_VALUES", Scenario: "DUPLICATE_PARAMETER", Category: Wire, Static: true,
			Params: append(append([]Param{}, base...), Param{Name: enumP.Name, Value: other}), Expect: s.WireOutcome(spec.KindDuplicate),
			Broken: &Broken{Param: enumP.Name, Wire: enumP.Name, Kind: spec.KindDuplicate, Original: v0, Sent: other}})
		// The same value, percent-encoded by hand: equivalent on the wire.
		enc := ""
		for _, c := range []byte(v0) {
			enc += fmt.Sprintf("%%%02X", c)
		}
		b.add(Case{ID: "wire/PERCENT_ENCODED_VALUE", Scenario: "PERCENT_ENCODED", Category: Wire, Static: true,
			Params: append(without(base, enumP.Name), Param{Name: enumP.Name, Value: enc, Raw: true}), Expect: success()})
		dbl := strings.ReplaceAll(enc, "%", "%25")
		b.add(Case{ID: "wire/DOUBLE_ENCODED_VALUE", Scenario: "DOUBLE_ENCODED", Category: Wire, Static: true,
			Params: append(without(base, enumP.Name), Param{Name: enumP.Name, Value: dbl, Raw: true}), Expect: s.ParamOutcome(enumP, spec.KindEnum),
			Broken: &Broken{Param: enumP.Name, Wire: enumP.Name, Kind: spec.KindEnum, Original: v0, Sent: enc}})
		// Parameter names are case-sensitive: a lower-cased name is an unknown parameter, and
		// the real one is then missing.
		b.add(Case{ID: "wire/NAME_WRONG_CASE", Scenario: "NAME_WRONG_CASE", Category: Wire, Static: true,
			Params: append(without(base, enumP.Name), Param{Name: strings.ToLower(enumP.Name), Value: v0}), Expect: enumP.RequiredResult,
			Broken: &Broken{Param: enumP.Name, Wire: strings.ToLower(enumP.Name), Kind: spec.KindRequired, Original: v0,
				Also: []string{string(spec.KindUnknown) + ":" + strings.ToLower(enumP.Name)}}})
	}
	const unknown = "ClbcheckUnknownParameter"
	b.add(Case{ID: "wire/UNKNOWN_PARAMETER", Scenario: "UNKNOWN_PARAMETER", Category: Wire, Static: true,
		Params: append(append([]Param{}, base...), Param{Name: unknown, Value: "1"}), Expect: s.WireOutcome(spec.KindUnknown),
		Broken: &Broken{Param: unknown, Wire: unknown, Kind: spec.KindUnknown, Sent: "1"}})
	// A space sent as '+' in a parameter whose pattern refuses spaces.
	for _, p := range s.UnderTest.Parameters {
		if c, ok := p.Constraint(spec.KindPattern); ok && p.Type == "string" && refOf(p) == "" && len(p.Enum()) == 0 {
			if sh, ok := readShape(c.Pattern); ok && sh.breaks(' ') && sh.prefix == "" && inRanges('a', sh.class) {
				b.add(Case{ID: "wire/PLUS_AS_SPACE/" + p.Name, Scenario: "PLUS_AS_SPACE", Category: Wire, Static: true,
					Params: append(append([]Param{}, base...), Param{Name: p.Name, Value: "ab+cd", Raw: true}), Expect: s.ParamOutcome(p, spec.KindPattern),
					Broken: &Broken{Param: p.Path, Wire: p.Name, Kind: spec.KindPattern, Sent: "ab cd"}})
				break
			}
		}
	}
	// The same valid request in every transport the service accepts.
	for _, v := range []struct{ id, method, placement, format string }{
		{"GET_QUERY", "GET", "query", ""}, {"POST_FORM", "POST", "form", ""}, {"POST_SPLIT", "POST", "split", ""},
		{"FORMAT_XML", "POST", "query", spec.FormatXML}, {"FORMAT_LOWERCASE_JSON", "POST", "query", "json"},
	} {
		b.add(Case{ID: "wire/" + transportGroup + "/" + v.id, Scenario: "TRANSPORT_" + v.id, Category: Wire, Static: true, Params: base,
			Method: v.method, Placement: v.placement, Format: v.format, Expect: success()})
	}
	// A form body as Go clients encode it: a space travels as '+'. A tag value may hold spaces.
	if tag := s.UnderTest.Param(spec.ParamTag); tag != nil && tag.List != nil {
		spaced := set(with(base, tag.List.WireName(1, spec.FieldTagKey), "key1"), Param{Name: tag.List.WireName(1, spec.FieldTagValue), Value: "space as plus"})
		b.add(Case{ID: "wire/" + transportGroup + "/POST_FORM_SPACES", Scenario: "TRANSPORT_POST_FORM_SPACES", Category: Wire, Static: true, Params: spaced,
			Method: "POST", Placement: "form", Expect: success()})
	}
	// A documented error in XML.
	for _, p := range s.UnderTest.Parameters {
		if c, ok := p.Constraint(spec.KindMaximum); ok && c.Outcome.Basis == spec.Documented && c.Outcome.Code != "" && !p.Required {
			ps := Repair(s, with(base, p.Name, fmt.Sprint(c.Int+1)), p.Name)
			b.add(Case{ID: "wire/" + transportGroup + "/FORMAT_XML_ERROR", Scenario: "TRANSPORT_FORMAT_XML_ERROR", Category: Wire, Static: true, Params: ps,
				Format: spec.FormatXML, Expect: c.Outcome, Broken: &Broken{Param: p.Name, Wire: p.Name, Kind: spec.KindMaximum, Sent: fmt.Sprint(c.Int + 1)}})
			break
		}
	}
}
