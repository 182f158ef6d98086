package emulator

import (
	"fmt"
	"maps"

	"github.com/clbcheck/clbcheck/spec"
)

// faultMode says how an injected fault bends one constraint or rule of the engine.
type faultMode uint8

const (
	modeOff   faultMode = 1 << iota // what the constraint forbids passes; the rule never refuses
	modeAt                          // a permitted value at the constraint's boundary is refused; a kept rule refuses
	modeCode                        // the refusal carries another code
	modeFalse                       // rules: a request whose premise is false is refused
)

// engineFaults are the injected faults that live inside the engine.
type engineFaults struct {
	checks map[string]faultMode // by checkKey(path, kind); kinds include required and maxItems
	rules  map[string]faultMode // by rule id
	// Engine-wide faults (see engineSettings).
	maxOffByOne, minOffByOne, enumFold, patternSpaces, secondCode, nearMisses, firstEntryOnly bool
	ruleGate                                                                                  string
}

func checkKey(path string, k spec.Kind) string { return path + "\x00" + string(k) }

// newEngine compiles the description for one emulator: its choices and its injected faults
// apply to the operation under test; every other operation is validated as described.
func newEngine(s *spec.Spec, ch Choices, ef engineFaults) (*engine, error) {
	en := &engine{s: s, ops: map[*spec.Operation]*opModel{}}
	for _, g := range []struct {
		state spec.GatewayState
		out   *spec.Outcome
	}{{spec.GatewayInvalidParameter, &en.invalid}, {spec.GatewayMissingParameter, &en.missing}} {
		ec, ok := s.GatewayError(g.state)
		if !ok {
			return nil, fmt.Errorf("emulator: the description has no gateway error for %s", g.state)
		}
		*g.out = ec.Outcome()
	}
	en.set = engineSettings{
		emptyAbsent: ch.EmptyOptional == EmptyAbsent, lenientInts: ch.LenientIntegers,
		gapsAllowed: ch.IndexGaps == GapsAccept, refuseUnknown: ch.UnknownParameters == UnknownRefuse,
		pageOnly: ch.PageOnly, altCodes: ch.AlternativeCodes, reverse: ch.ReverseOrder,
		maxOffByOne: ef.maxOffByOne, minOffByOne: ef.minOffByOne, enumFold: ef.enumFold,
		patternSpaces: ef.patternSpaces, secondCode: ef.secondCode, nearMisses: ef.nearMisses, firstEntryOnly: ef.firstEntryOnly, ruleGate: ef.ruleGate,
	}
	if ch.Duplicates == dupFirst || ch.Duplicates == dupLast {
		en.set.duplicates = ch.Duplicates
	}
	for _, op := range s.Operations {
		set, faults := &en.none, engineFaults{}
		if op.UnderTest {
			set, faults = &en.set, ef
		}
		om, err := en.compileOp(op, set, faults)
		if err != nil {
			return nil, err
		}
		en.ops[op] = om
	}
	return en, nil
}

func (en *engine) compileOp(op *spec.Operation, set *engineSettings, ef engineFaults) (*opModel, error) {
	om := &opModel{op: op, set: set, byName: map[string]*paramModel{}, known: map[string]bool{}, ignored: map[string]bool{}}
	for _, name := range en.s.Wire.CommonParameters {
		om.known[name] = true
	}
	stated := map[string]bool{} // parameters a rule of the page names
	for _, r := range en.s.Rules {
		if op.UnderTest && r.Basis == spec.Documented {
			maps.Copy(stated, ruleParams(en.s, r))
		}
	}
	for _, p := range op.Parameters {
		if set.pageOnly && p.Source != spec.SourceSeed && !p.Common && !stated[p.Name] {
			om.ignored[p.Name] = true // read as unknown: the page does not name it
			continue
		}
		om.known[p.Name] = true
		if p.Common {
			continue
		}
		pm, err := compileParam(p, set, ef, false)
		if err != nil {
			return nil, err
		}
		om.params = append(om.params, pm)
		om.byName[p.Name] = pm
		if pm.list != nil {
			om.lists = append(om.lists, pm.list.reader)
		}
	}
	if !op.UnderTest {
		return om, nil
	}
	for i := range en.s.Rules {
		r := &en.s.Rules[i]
		if set.pageOnly && r.Basis != spec.Documented {
			continue
		}
		mode := ef.rules[r.ID]
		om.rules = append(om.rules, &ruleModel{r: r, off: mode&modeOff != 0, refuseKept: mode&modeAt != 0,
			refuseFalse: mode&modeFalse != 0, code: mode&modeCode != 0, requiresGate: set.ruleGate != "" && r.Kind == spec.RuleRequires})
	}
	return om, nil
}

// compileParam builds a parameter's (or list field's) checks in checkOrder: the first
// constraint of each kind.
func compileParam(p *spec.Parameter, set *engineSettings, ef engineFaults, field bool) (*paramModel, error) {
	pm := &paramModel{p: p, set: set, required: p.Required, field: field}
	if set.pageOnly && p.RequiredBasis != spec.Documented {
		pm.required = false
	}
	req := ef.checks[checkKey(p.Path, spec.KindRequired)]
	pm.reqOff, pm.reqCode = req&modeOff != 0, req&modeCode != 0
	for _, k := range checkOrder {
		i := constraintIndex(p, k)
		if i < 0 {
			continue
		}
		c := &p.Constraints[i]
		ch := check{kind: k, c: c, param: p, off: set.pageOnly && c.Basis != spec.Documented}
		if k == spec.KindPattern || k == spec.KindType {
			pat, err := compilePattern(c.Pattern)
			if err != nil {
				return nil, fmt.Errorf("emulator: %s: pattern %q: %w", p.Path, c.Pattern, err)
			}
			ch.pat = pat
		}
		mode := ef.checks[checkKey(p.Path, k)]
		ch.off = ch.off || mode&modeOff != 0
		ch.code = mode&modeCode != 0
		if mode&modeAt != 0 {
			if b, ok := boundaryOf(c); ok {
				ch.at = b.at
			}
		}
		pm.checks = append(pm.checks, ch)
	}
	if p.List == nil {
		return pm, nil
	}
	lm := &listModel{reader: readerOf(p), max: p.List.MaxItems}
	if i := constraintIndex(p, spec.KindMaxItems); i >= 0 {
		c := &p.Constraints[i]
		lm.maxOut = c.Outcome
		if set.pageOnly && c.Basis != spec.Documented {
			lm.max = 0
		}
	}
	mode := ef.checks[checkKey(p.Path, spec.KindMaxItems)]
	lm.maxOff, lm.maxAt, lm.maxCode = mode&modeOff != 0, mode&modeAt != 0, mode&modeCode != 0
	for _, f := range p.List.Fields {
		fm, err := compileParam(f, set, ef, true)
		if err != nil {
			return nil, err
		}
		lm.fields = append(lm.fields, fm)
	}
	pm.list = lm
	return pm, nil
}

// constraintIndex is the position of p's first constraint of kind k, or -1.
func constraintIndex(p *spec.Parameter, k spec.Kind) int {
	for i := range p.Constraints {
		if p.Constraints[i].Kind == k {
			return i
		}
	}
	return -1
}

// ruleParams lists the parameters a rule names. Under Choices.PageOnly a parameter from
// beyond the page's table that a rule of the page names (HealthCheckHttpVersion, whose http1.1
// requires HealthCheckDomain) stays known, so that the rule can hold; its own inferred
// constraints are still not enforced.
func ruleParams(s *spec.Spec, r spec.Rule) map[string]bool {
	out := map[string]bool{}
	for _, n := range append(append([]string{r.List}, r.Require...), r.Params...) {
		if n != "" {
			out[n] = true
		}
	}
	for _, c := range r.When {
		out[c.Param] = true
	}
	return out
}
