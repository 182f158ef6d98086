package emulator

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/clbcheck/clbcheck/spec"
)

// This file is the emulator's validation engine: which requests it refuses before looking at
// its state, in which order, and with which answer. The description supplies the data (the
// constraints of every parameter, the rules, the codes tied to them); the order and the
// reading of the wire are the emulator's, as they are the service's business. The choices the
// page leaves open (Choices) and the injected faults that break the engine on purpose are
// compiled into it when an emulator is built.

// violation is the first thing a request breaks, with the answer the emulator gives for it.
type violation struct {
	Param   string    // parameter path ("Tag.Key"), or the parameter a rule misses
	Wire    string    // the wire name as sent ("Tag.3.Key")
	Kind    spec.Kind // the constraint kind, required, rule, duplicate, unknown or list-index
	Rule    string
	Value   string
	Detail  string
	Outcome spec.Outcome
	shifted bool // the engine fault secondCode already gave it another violation's code
}

func (v *violation) Error() string { return v.Detail }

// checkOrder is the order in which a single value's constraints are tested; the first one
// broken decides the answer.
var checkOrder = []spec.Kind{
	spec.KindType, spec.KindForbiddenValues, spec.KindEnum, spec.KindMinLength, spec.KindMaxLength, spec.KindPattern,
	spec.KindForbiddenPrefixes, spec.KindForbiddenSubstrings, spec.KindMinimum, spec.KindMaximum,
}

// engine validates the business parameters of requests. It is built once per emulator and
// read-only afterwards.
type engine struct {
	s   *spec.Spec
	ops map[*spec.Operation]*opModel
	set engineSettings
	// invalid and missing are the gateway's generic answers to a bad or a missing parameter.
	invalid, missing spec.Outcome
	// none holds no choice and no fault: the settings of every operation but the one under
	// test, which the choices and the engine faults are about.
	none engineSettings
}

// engineSettings are the choices and the engine-wide faults, for the operation under test.
type engineSettings struct {
	emptyAbsent   bool   // an empty optional value is read as absent
	lenientInts   bool   // integers in lenient spellings are accepted and normalised
	gapsAllowed   bool   // list indexes may skip numbers
	refuseUnknown bool   // a parameter the operation does not have is refused
	pageOnly      bool   // parameters, constraints and rules from beyond the page are not known
	altCodes      bool   // inferred codes are answered with another plausible code
	duplicates    string // "" (refuse), dupFirst or dupLast
	reverse       bool   // values are checked in the reverse of the description's order
	// Engine faults.
	maxOffByOne, minOffByOne, enumFold, patternSpaces, secondCode, nearMisses, firstEntryOnly bool
	ruleGate                                                                                  string // requires rules run only when this parameter is present
}

// opModel is one operation as the engine reads it.
type opModel struct {
	op      *spec.Operation
	set     *engineSettings
	params  []*paramModel // business parameters (not common), in description order
	byName  map[string]*paramModel
	lists   []*listReader
	rules   []*ruleModel
	known   map[string]bool // names that are not unknown: common and known parameters
	ignored map[string]bool // names read as unknown (Choices.PageOnly: parameters from beyond)
}

// paramModel is a parameter, or a field of a list, with its checks in the engine's order.
type paramModel struct {
	p        *spec.Parameter
	set      *engineSettings
	checks   []check
	required bool
	reqOff   bool // fault: a missing value is not refused
	reqCode  bool // fault: a missing value gets another code
	field    bool // a field of a list entry
	list     *listModel
}

// listModel is what the engine knows of a list parameter.
type listModel struct {
	reader  *listReader
	fields  []*paramModel
	max     int
	maxOff  bool // fault: more entries than allowed pass
	maxAt   bool // fault: exactly the allowed number is refused
	maxCode bool // fault: too many entries get another code
	maxOut  spec.Outcome
}

// check is one constraint of a value.
type check struct {
	kind  spec.Kind
	c     *spec.Constraint
	param *spec.Parameter
	pat   *pattern // the pattern of a pattern or type constraint
	off   bool     // not enforced (Choices.PageOnly for an inferred constraint, or a fault)
	code  bool     // fault: answered with another code
	// at, when set, refuses a value the constraint permits at its boundary (a fault); n is the
	// value read as an integer, when the parameter is one.
	at func(value string, n int64) bool
}

// ruleModel is a rule with the faults that bend it.
type ruleModel struct {
	r            *spec.Rule
	off          bool // fault: never refuses
	refuseKept   bool // fault: refuses when the premise holds and the rule is kept
	refuseFalse  bool // fault: refuses when the premise is false (see evalRule)
	code         bool // fault: answered with another code
	requiresGate bool // engine fault ruleGate applies to it
}

// Duplicate policies of Choices.Duplicates.
const (
	dupRefuse = "refuse"
	dupFirst  = "first"
	dupLast   = "last"
)

// validate checks a request's business parameters against every constraint and rule of the
// operation that can be judged without state, in the emulator's order: wire irregularities
// (unknown and duplicated names), missing parameters, values in description order (lists with
// their indexes, count and fields), rules. It returns the first violation, or nil, and the
// values the rest of the request is to read: the same map unless a choice rewrote it (a
// duplicate resolved, an empty value dropped, a lenient integer normalised, a parameter from
// beyond the page dropped).
//
// extends reports whether a value outside the enum of a parameter the description says may be
// extended (x-enum-extended-by, such as the id of a custom TLS policy of the caller) is
// accepted anyway; nil accepts none.
func (en *engine) validate(op *spec.Operation, values url.Values, extends extension) (*violation, url.Values) {
	om := en.ops[op]
	if om == nil {
		return nil, values
	}
	rw := rewriter{values: values}
	var found collector
	found.max = 1
	if om.set.secondCode {
		found.max = 2
	}
	if op.UnderTest {
		if v := en.prepare(om, &rw); v != nil {
			return v, rw.values
		}
	}
	var spare [entriesOnStack]entry
	lists := readLists(om.lists, rw.values, spare[:0])
	if v := en.duplicates(om, rw.values, lists.repeats); v != nil {
		return v, rw.values
	}
	if en.missingParams(om, rw.values, &found) || en.values(om, &rw, &lists, extends, &found) {
		return om.shifted(found.answer()), rw.values
	}
	for _, rm := range om.rules {
		if found.add(en.evalRule(om, rm, rw.values, &lists)) {
			break
		}
	}
	return om.shifted(found.answer()), rw.values
}

// shifted applies the engine fault secondCode to a lone violation of a value: the engine reads
// its table of codes one row off and answers with the code of the next check, in its order,
// that has another code (two violations are answered with the second's code, see collector).
func (om *opModel) shifted(v *violation) *violation {
	if v == nil || !om.set.secondCode || v.shifted {
		return v
	}
	seen := false
	for _, pm := range om.params {
		for _, c := range pm.checks {
			if seen && c.c != nil && c.c.Outcome.Code != "" && c.c.Outcome.Code != v.Outcome.Code {
				out := *v
				out.Outcome, out.shifted = c.c.Outcome, true
				return &out
			}
			seen = seen || (pm.p.Path == v.Param && c.kind == v.Kind)
		}
	}
	return v
}

// items reads the entries of a list parameter of an operation, as the engine reads them: none
// when the operation has no such list, or when the engine does not know it (a list from beyond
// the page under Choices.PageOnly).
func (en *engine) items(op *spec.Operation, list string, values url.Values) []item {
	om := en.ops[op]
	if om == nil {
		return nil
	}
	pm := om.byName[list]
	if pm == nil || pm.list == nil {
		return nil
	}
	return pm.list.reader.items(values)
}

// knows reports whether the engine reads a parameter of an operation (not one it takes for
// unknown under Choices.PageOnly).
func (en *engine) knows(op *spec.Operation, name string) bool {
	om := en.ops[op]
	return om != nil && !om.ignored[name]
}

// collector keeps the first violations found, up to max.
type collector struct {
	max   int
	found []*violation
}

// add records v (nil is no violation) and reports whether enough were found.
func (c *collector) add(v *violation) bool {
	if v != nil {
		c.found = append(c.found, v)
	}
	return len(c.found) >= c.max
}

// answer is the first violation; with the engine fault secondCode, two violations are
// answered with the first's detail and the second's code.
func (c *collector) answer() *violation {
	switch len(c.found) {
	case 0:
		return nil
	case 1:
		return c.found[0]
	}
	out := *c.found[0]
	out.Outcome, out.shifted = c.found[1].Outcome, true
	return &out
}

// rewriter changes a request's values on a copy made at the first change, so that the map the
// request arrived with is never written to.
type rewriter struct {
	values url.Values
	copied bool
}

func (rw *rewriter) own() {
	if rw.copied {
		return
	}
	out := make(url.Values, len(rw.values))
	for k, v := range rw.values {
		out[k] = v
	}
	rw.values, rw.copied = out, true
}

func (rw *rewriter) set(name, value string) {
	rw.own()
	rw.values[name] = []string{value}
}

func (rw *rewriter) del(name string) {
	rw.own()
	delete(rw.values, name)
}

// prepare applies the choices that change what a request says before it is judged: unknown
// names (refused, or dropped when they are parameters from beyond the page), duplicated names
// resolved to one value, empty optional values dropped.
func (en *engine) prepare(om *opModel, rw *rewriter) *violation {
	set := om.set
	if !set.refuseUnknown && len(om.ignored) == 0 && set.duplicates == "" && !set.emptyAbsent {
		return nil
	}
	names := make([]string, 0, len(rw.values))
	for name := range rw.values {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		vs := rw.values[name]
		if !om.isKnown(name) {
			if set.refuseUnknown {
				return &violation{Param: name, Wire: name, Kind: spec.KindUnknown,
					Detail: name + " is not a parameter of " + om.op.Action, Outcome: en.outcome(set, en.s.WireOutcome(spec.KindUnknown), spec.KindUnknown, nil, nil, name)}
			}
			rw.del(name)
			continue
		}
		if len(vs) > 1 && (set.duplicates == dupFirst || set.duplicates == dupLast) {
			v := vs[0]
			if set.duplicates == dupLast {
				v = vs[len(vs)-1]
			}
			rw.set(name, v)
		}
		if pm := om.byName[name]; set.emptyAbsent && pm != nil && pm.list == nil && !pm.required && len(rw.values[name]) == 1 && rw.values[name][0] == "" {
			rw.del(name)
		}
	}
	return nil
}

// isKnown reports whether a name is a common parameter, a parameter of the operation or the
// wire name of a list entry (and not one read as unknown).
func (om *opModel) isKnown(name string) bool {
	if om.known[name] {
		return true
	}
	for _, r := range om.lists {
		if strings.HasPrefix(name, r.prefix) {
			if _, _, ok := r.split(name); ok {
				return true
			}
		}
	}
	return false
}

// duplicates finds a name given more than once with different values. The names are sorted
// (so the first in order is reported) only when some name repeats.
func (en *engine) duplicates(om *opModel, values url.Values, repeats bool) *violation {
	if !repeats {
		return nil
	}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		vs := values[name]
		if len(vs) < 2 {
			continue // nothing to compare; an empty slice must not panic here
		}
		for _, v := range vs[1:] {
			if v != vs[0] {
				return &violation{Param: name, Wire: name, Kind: spec.KindDuplicate, Value: v,
					Detail:  fmt.Sprintf("%s is given more than once with different values", name),
					Outcome: en.outcome(om.set, en.s.WireOutcome(spec.KindDuplicate), spec.KindDuplicate, nil, nil, name)}
			}
		}
	}
	return nil
}

// missingParams finds the required parameters without a value (an empty value counts as
// none), and reports whether enough violations were found.
func (en *engine) missingParams(om *opModel, values url.Values, found *collector) bool {
	for _, pm := range om.params {
		if !pm.required || pm.reqOff || pm.list != nil {
			continue
		}
		if vs := values[pm.p.Name]; len(vs) == 0 || vs[0] == "" {
			if found.add(&violation{Param: pm.p.Name, Wire: pm.p.Name, Kind: spec.KindRequired,
				Detail: fmt.Sprintf("%s is required", pm.p.Name), Outcome: en.requiredOutcome(pm)}) {
				return true
			}
		}
	}
	return false
}

func (en *engine) requiredOutcome(pm *paramModel) spec.Outcome {
	if pm.reqCode {
		return en.wrongCode(pm.p.RequiredResult)
	}
	return en.outcome(pm.set, pm.p.RequiredResult, spec.KindRequired, pm, nil, pm.p.Path)
}

// values checks each parameter's value in description order (a list's first violation
// counts for the list), and reports whether enough violations were found.
func (en *engine) values(om *opModel, rw *rewriter, lists *requestLists, extends extension, found *collector) bool {
	for i := range om.params {
		pm := om.params[i]
		if om.set.reverse {
			pm = om.params[len(om.params)-1-i]
		}
		if pm.list != nil {
			if found.add(en.validateList(pm, lists.of(pm.list.reader, rw.values), rw, extends)) {
				return true
			}
			continue
		}
		vs, ok := rw.values[pm.p.Name]
		if !ok || len(vs) == 0 {
			continue
		}
		if found.add(en.checkParam(pm, wireRef{name: pm.p.Name}, vs[0], rw, extends)) {
			return true
		}
	}
	return false
}

// checkParam checks one value sent under a wire name, and writes a normalised integer back.
func (en *engine) checkParam(pm *paramModel, wire wireRef, value string, rw *rewriter, extends extension) *violation {
	res := en.check(pm, value, extends)
	if res.at != nil {
		return &violation{Param: pm.p.Path, Wire: wire.String(), Kind: res.at.kind, Value: value, Detail: res.detail, Outcome: en.checkOutcome(pm, res.at)}
	}
	if res.canonical != "" && res.canonical != value {
		rw.set(wire.String(), res.canonical)
	}
	return nil
}

// wireRef is the wire name of a value: a parameter's name, or a list field's, which is only
// spelled out when needed (most values break nothing).
type wireRef struct {
	name  string
	list  *listReader
	index int
}

func (w wireRef) String() string {
	if w.list == nil {
		return w.name
	}
	return w.list.wireName(w.index, w.name)
}

// checkOutcome is the answer to a broken constraint.
func (en *engine) checkOutcome(pm *paramModel, ch *check) spec.Outcome {
	if ch.code {
		return en.wrongCode(ch.c.Outcome)
	}
	return en.outcome(pm.set, ch.c.Outcome, ch.kind, pm, nil, pm.p.Path)
}

// validateList checks the entries es of list parameter pm, as listReader.entries orders them:
// indexes from the first without gaps (unless Choices allow gaps), the number of items, then
// each item's fields.
func (en *engine) validateList(pm *paramModel, es []entry, rw *rewriter, extends extension) *violation {
	lm := pm.list
	r := lm.reader
	prev, items := r.first-1, 0
	for i := 0; i < len(es); i = nextItem(es, i) {
		index, want := es[i].index, prev+1
		if index != want && !(pm.set.gapsAllowed && index > want) {
			wire := r.wireName(index, "")
			if index < 0 {
				wire = pm.p.Name + ".?"
			}
			return &violation{Param: pm.p.Name, Wire: wire, Kind: spec.KindListIndex,
				Detail:  fmt.Sprintf("%s entries must be numbered from %d without gaps; found index %d where %d was expected", pm.p.Name, r.first, index, want),
				Outcome: en.outcome(pm.set, en.s.WireOutcome(spec.KindListIndex), spec.KindListIndex, pm, nil, pm.p.Name)}
		}
		prev = index
		items++
	}
	if v := en.itemCount(pm, items); v != nil {
		return v
	}
	for i := 0; i < len(es); {
		j := nextItem(es, i)
		it, index := es[i:j], es[i].index
		if i > 0 && pm.set.firstEntryOnly {
			break
		}
		i = j
		for _, f := range lm.fields {
			v, ok := fieldOf(it, f.p.Name)
			if f.required && !f.reqOff && (!ok || v == "") {
				return &violation{Param: f.p.Path, Wire: r.wireName(index, f.p.Name), Kind: spec.KindRequired,
					Detail: fmt.Sprintf("%s is required in entry %d", f.p.Path, index), Outcome: en.requiredOutcome(f)}
			}
			if !ok {
				continue
			}
			if vi := en.checkParam(f, wireRef{name: f.p.Name, list: r, index: index}, v, rw, extends); vi != nil {
				return vi
			}
		}
	}
	return nil
}

// itemCount judges the number of items of a list against its maximum.
func (en *engine) itemCount(pm *paramModel, count int) *violation {
	lm := pm.list
	if lm.max <= 0 {
		return nil
	}
	over := count > lm.max && !lm.maxOff
	at := count == lm.max && lm.maxAt
	if !over && !at {
		return nil
	}
	detail := fmt.Sprintf("%s allows at most %d entries, got %d", pm.p.Name, lm.max, count)
	if at {
		detail = fmt.Sprintf("%s is refused at its limit of %d entries", pm.p.Name, lm.max)
	}
	o := en.outcome(pm.set, lm.maxOut, spec.KindMaxItems, pm, nil, pm.p.Name)
	if lm.maxCode {
		o = en.wrongCode(lm.maxOut)
	}
	return &violation{Param: pm.p.Name, Wire: lm.reader.wireName(count, ""), Kind: spec.KindMaxItems, Detail: detail, Outcome: o}
}

// present reports whether a parameter (or any entry of a list parameter) is in the request.
func (en *engine) present(om *opModel, values url.Values, lists *requestLists, name string) bool {
	if pm := om.byName[name]; pm != nil && pm.list != nil {
		return len(lists.of(pm.list.reader, values)) > 0
	}
	_, ok := values[name]
	return ok
}

// getter is a lookup of first values for spec.Condition.Holds.
func getter(values url.Values) func(string) (string, bool) {
	return func(name string) (string, bool) {
		vs, ok := values[name]
		if !ok || len(vs) == 0 {
			return "", false
		}
		return vs[0], true
	}
}

// evalRule judges one rule.
func (en *engine) evalRule(om *opModel, rm *ruleModel, values url.Values, lists *requestLists) *violation {
	r := rm.r
	if rm.off {
		return nil
	}
	get := getter(values)
	has := func(name string) bool { return en.present(om, values, lists, name) }
	fail := func(param, detail string) *violation {
		o := en.outcome(om.set, r.Outcome, spec.KindRule, nil, r, param)
		if rm.code {
			o = en.wrongCode(r.Outcome)
		}
		return &violation{Param: param, Kind: spec.KindRule, Rule: r.ID, Detail: detail, Outcome: o}
	}
	switch r.Kind {
	case spec.RuleRequires:
		if rm.requiresGate && !has(om.set.ruleGate) {
			return nil
		}
		if !r.Premise(get) {
			if rm.refuseFalse && allPresent(r, has) {
				for _, name := range r.Require {
					if !has(name) {
						return fail(name, fmt.Sprintf("%s is refused without %s although the premise is false", r.ID, name))
					}
				}
			}
			return nil
		}
		for _, name := range r.Require {
			if !has(name) {
				return fail(name, fmt.Sprintf("%s is required here: %s", name, r.Description))
			}
		}
		if rm.refuseKept {
			return fail(r.Require[0], fmt.Sprintf("%s is refused although it is kept", r.ID))
		}
	case spec.RuleOneOf:
		for _, name := range r.Params {
			if has(name) {
				return nil
			}
		}
		return fail("", fmt.Sprintf("one of %s is required", strings.Join(r.Params, ", ")))
	case spec.RuleExclusive:
		var given []string
		for _, name := range r.Params {
			if has(name) {
				given = append(given, name)
			}
		}
		if len(given) > 1 {
			return fail("", fmt.Sprintf("%s cannot be combined", strings.Join(given, " and ")))
		}
	case spec.RuleUniqueValue:
		return en.uniqueValue(om, r, values, lists, fail)
	case spec.RuleDistinct:
		seen := map[string]string{}
		for _, name := range r.Params {
			v, ok := get(name)
			if !ok {
				continue
			}
			if other, dup := seen[v]; dup {
				return fail(name, fmt.Sprintf("%s and %s have the same value %q", other, name, v))
			}
			seen[v] = name
		}
	case spec.RuleEffectiveOnlyWhen:
		if rm.refuseFalse && !r.Premise(get) {
			for _, name := range r.Params {
				if has(name) {
					return fail(name, fmt.Sprintf("%s is refused while %s does not hold", name, r.ID))
				}
			}
		}
	}
	return nil
}

// allPresent reports whether every parameter a rule's premise names is in the request.
func allPresent(r *spec.Rule, has func(string) bool) bool {
	for _, c := range r.When {
		if !has(c.Param) {
			return false
		}
	}
	return true
}

// uniqueValue judges a unique-value rule: at most one item of the list may have the field set
// (or take it by default).
func (en *engine) uniqueValue(om *opModel, r *spec.Rule, values url.Values, lists *requestLists, fail func(string, string) *violation) *violation {
	pm := om.byName[r.List]
	if pm == nil || pm.list == nil {
		return nil
	}
	var def *string
	if f := pm.p.List.Field(r.Field); f != nil {
		def = f.Default
	}
	es := lists.of(pm.list.reader, values)
	seen := map[string]int{}
	for i := 0; i < len(es); i = nextItem(es, i) {
		v, ok := fieldOf(es[i:nextItem(es, i)], r.Field)
		if !ok && def != nil {
			v = *def
		}
		seen[v]++
		if seen[v] > 1 {
			return fail("", fmt.Sprintf("more than one %s entry has %s %q", r.List, r.Field, v))
		}
	}
	return nil
}

// wrongCode is the answer of a fault that changes a code the page ties to its trigger: the
// gateway's generic code (or, for a documented generic code, the other generic one).
func (en *engine) wrongCode(o spec.Outcome) spec.Outcome {
	if o.Code == en.invalid.Code {
		return en.missing
	}
	return en.invalid
}

// outcome is the answer to a violation: the description's, or with Choices.AlternativeCodes
// and a code the page does not tie to this trigger, another plausible one (plausibleOutcome).
func (en *engine) outcome(set *engineSettings, o spec.Outcome, k spec.Kind, pm *paramModel, r *spec.Rule, name string) spec.Outcome {
	if !set.altCodes || o.Basis == spec.Documented {
		return o
	}
	return en.plausibleOutcome(o, k, pm, r, name)
}

// plausibleOutcome picks the other code a conforming service might answer where the page does
// not tie one: for a malformed id, the not-found answer of its x-missing-state; for a missing
// list field, the code the page gives the field's other constraints
// (a tag entry without a key answered like an empty key); for a missing parameter or a broken
// requires rule, the other generic code of the family; for a specific inferred code, the
// generic one; for the generic code itself, the same code with the parameter's name appended
// (InvalidParameter.Bandwidth), as many services spell it.
func (en *engine) plausibleOutcome(o spec.Outcome, k spec.Kind, pm *paramModel, r *spec.Rule, name string) spec.Outcome {
	if k != spec.KindRequired && pm != nil && pm.p.MissingState != "" {
		// A malformed id names no resource either: answered like one that names none.
		if e, ok := en.s.StateError(pm.p.MissingState); ok {
			return e.Outcome()
		}
	}
	if k == spec.KindRequired && pm != nil && pm.field {
		for _, ch := range pm.checks {
			if c := ch.c.Outcome; c.Basis == spec.Documented && c.Code != "" && c.Code != o.Code {
				return c
			}
		}
	}
	missingKind := k == spec.KindRequired || (r != nil && (r.Kind == spec.RuleRequires || r.Kind == spec.RuleOneOf))
	switch {
	case missingKind && o.Code != en.missing.Code:
		return en.missing
	case missingKind || o.Code != en.invalid.Code:
		return en.invalid
	}
	alt := en.invalid
	alt.Code += "." + strings.ReplaceAll(name, ".", "")
	if name == "" && r != nil {
		alt.Code = en.invalid.Code + "." + r.ID
	}
	alt.Accept = []string{alt.Code}
	return alt
}

// extension is the lookup validate is given for enums the description says may be extended.
type extension func(p *spec.Parameter, value string) bool

// checkResult is the result of checking one value.
type checkResult struct {
	at        *check // the constraint broken, nil when none
	detail    string
	canonical string // an integer's canonical spelling when it was read leniently
}

// check reports the first constraint a single value breaks, in checkOrder. It does not look
// at Required (absence is the request's business) nor at lists.
func (en *engine) check(pm *paramModel, value string, extends extension) checkResult {
	var n int64
	numeric := false
	canonical := ""
	judged := value // the value as read: a lenient integer in its canonical spelling
	for i := range pm.checks {
		ch := &pm.checks[i]
		if ch.kind == spec.KindType {
			v, canon, ok := en.integer(pm.set, ch, value)
			if ok {
				n, numeric = v, true
				if canon != "" {
					canonical, judged = canon, canon
				}
			} else if !ch.off {
				return checkResult{at: ch, detail: describe(pm.p.Path, ch, value, 0)}
			}
			continue
		}
		if ch.off {
			continue
		}
		if bad, num := breaks(pm.set, ch, judged, n, numeric, extends); bad {
			return checkResult{at: ch, detail: describe(pm.p.Path, ch, judged, num)}
		}
		if ch.at != nil && (numeric || !pm.p.IsInteger()) && ch.at(judged, n) {
			return checkResult{at: ch, detail: fmt.Sprintf("%s is refused at the boundary of its %s constraint: %q", pm.p.Path, ch.kind, judged)}
		}
	}
	return checkResult{canonical: canonical}
}

// integer reads an integer value: the wire's canonical spelling, or with Choices.LenientIntegers
// any spelling lenientInteger takes, then returned in canonical form.
func (en *engine) integer(set *engineSettings, ch *check, value string) (n int64, canonical string, ok bool) {
	if ch.pat.match(value) {
		if v, err := parseInt(value); err == nil {
			return v, "", true
		}
	}
	if set.lenientInts {
		if v, ok := lenientInteger(value); ok {
			return v, itoa64(v), true
		}
	}
	return 0, "", false
}

// breaks reports whether a value breaks a (non-type) constraint, and the number the message
// quotes (a length, or the value for a bound).
func breaks(set *engineSettings, ch *check, value string, n int64, numeric bool, extends extension) (bool, int64) {
	c := ch.c
	switch ch.kind {
	case spec.KindForbiddenValues:
		return slices.Contains(c.Values, value), 0
	case spec.KindEnum:
		if set.enumFold {
			return !slices.ContainsFunc(c.Values, func(e string) bool { return strings.EqualFold(e, value) }), 0
		}
		if slices.Contains(c.Values, value) || (set.nearMisses && slices.Contains(ch.param.NearMisses, value)) {
			return false, 0
		}
		return extends == nil || !extends(ch.param, value), 0
	case spec.KindMinLength:
		l := int64(runeLen(value))
		return l < c.Int, l
	case spec.KindMaxLength:
		l := int64(runeLen(value))
		return l > c.Int, l
	case spec.KindPattern:
		if set.patternSpaces {
			value = strings.ReplaceAll(value, " ", "")
		}
		return !ch.pat.match(value), 0
	case spec.KindForbiddenPrefixes:
		lower := strings.ToLower(value)
		for i, pre := range c.Values {
			if strings.HasPrefix(lower, strings.ToLower(pre)) {
				return true, int64(i)
			}
		}
	case spec.KindForbiddenSubstrings:
		lower := strings.ToLower(value)
		for i, sub := range c.Values {
			if strings.Contains(lower, strings.ToLower(sub)) {
				return true, int64(i)
			}
		}
	case spec.KindMinimum:
		lim := c.Int
		if set.minOffByOne {
			lim--
		}
		return numeric && n < lim, n
	case spec.KindMaximum:
		lim := c.Int
		if set.maxOffByOne {
			lim++
		}
		return numeric && n > lim, n
	}
	return false, 0
}

func runeLen(s string) int { return len([]rune(s)) }
