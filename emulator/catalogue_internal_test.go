package emulator

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/clbcheck/clbcheck/spec"
)

// The catalogue covers the whole page: for every constraint, rule, state, quota and list
// limit the page states, a fault breaking it in each direction, and a read-back fault for
// every integer attribute. The list of what lacks one must stay empty; each exemption of the
// catalogue is one no harness could tell from a conforming service, and is named here.
func TestCatalogueCoversThePage(t *testing.T) {
	s := spec.MustDefault()
	names := map[string]FaultInfo{}
	for _, f := range InjectableFaults() {
		names[f.Name] = f
	}
	var missing []string
	need := func(name string) {
		if _, ok := names[name]; !ok {
			missing = append(missing, name)
		}
	}
	constrained(s, func(p *spec.Parameter) {
		if p.Required && p.RequiredBasis == spec.Documented && p.Name != spec.ParamLoadBalancerID {
			need(FaultCategoryValidation + "/" + p.Path + "/" + string(spec.KindRequired))
			if p.RequiredResult.Basis == spec.Documented {
				need(FaultCategoryErrorCode + "/" + p.Path + "/" + string(spec.KindRequired))
			}
		}
		for _, c := range p.Constraints {
			if c.Basis != spec.Documented {
				continue
			}
			_, hasBoundary := boundaryOf(&c)
			if (hasBoundary && reachable(p, c)) || c.Kind == spec.KindMaxItems {
				need(FaultCategoryBoundary + "/" + p.Path + "/" + string(c.Kind))
			}
			if c.Kind == spec.KindMinLength && c.Int <= 1 && (p.Required || p.Path == p.Name) {
				continue // exempt: the empty value is missing, or left open by the page
			}
			need(FaultCategoryValidation + "/" + p.Path + "/" + string(c.Kind))
			if c.Outcome.Basis == spec.Documented && c.Outcome.Code != "" {
				need(FaultCategoryErrorCode + "/" + p.Path + "/" + string(c.Kind))
			}
		}
	})
	for _, r := range s.Rules {
		if r.Basis != spec.Documented {
			continue
		}
		if r.Kind != spec.RuleEffectiveOnlyWhen {
			need(FaultCategoryValidation + "/rule/" + r.ID)
		}
		if r.Kind == spec.RuleRequires {
			need(FaultCategoryBoundary + "/rule/" + r.ID + "/kept")
		}
		if r.Kind == spec.RuleRequires || r.Kind == spec.RuleEffectiveOnlyWhen {
			need(FaultCategoryBoundary + "/rule/" + r.ID + "/premise-false")
		}
		if r.Outcome.Basis == spec.Documented && r.Kind != spec.RuleEffectiveOnlyWhen {
			need(FaultCategoryErrorCode + "/rule/" + r.ID)
		}
	}
	answered := map[string]bool{}
	for _, d := range catalogue() {
		if d.answer != nil {
			answered[d.answer.code] = true
		}
	}
	for _, row := range createChecks {
		name, basis, code, codeBasis := rowFacts(s, row)
		if viaParameter(s, name) {
			continue // the parameter's faults cover it (TLSCipherPolicy's enum, for one)
		}
		if basis == spec.Documented && !switchesOff(row) {
			missing = append(missing, "a fault accepting a create while "+name+" holds")
		}
		if codeBasis == spec.Documented && !answered[code] {
			breaks := "state"
			if row.quota != "" {
				breaks = "quota"
			}
			need(FaultCategoryErrorCode + "/" + breaks + "/" + name)
		}
	}
	for _, f := range attributeFields(s.UnderTest) {
		if f.integer {
			need(FaultCategoryReadBack + "/" + f.name + "-as-string")
		}
	}
	for _, n := range []string{"maximum-off-by-one", "minimum-off-by-one", "enum-case-insensitive", "pattern-lets-spaces-through", "second-violation-code", "rules-need-" + ruleGateParam(s)} {
		need(FaultCategoryEngine + "/" + n)
	}
	for _, n := range []string{"foreign-certificate-accepted", "foreign-ca-certificate-accepted", "foreign-acl-accepted", "foreign-load-balancer-accepted", "other-instance-vserver-group-accepted"} {
		need(FaultCategoryCrossAccount + "/" + n)
	}
	assert.Empty(t, missing, "the page has these without a fault")
	for _, f := range names {
		assert.NotEmpty(t, f.Breaks, f.Name)
		assert.Contains(t, []string{DirAcceptsForbidden, DirRefusesPermitted, DirWrongCode, DirWrongStatus, DirWrongReadBack, DirWrongEnvelope, DirWrongState, DirServerError}, f.Direction, f.Name)
		assert.Contains(t, []spec.Basis{spec.Documented, spec.Inferred}, f.Basis, f.Name)
	}
}

// switchesOff reports whether some fault of the catalogue switches a row of the create table
// off.
func switchesOff(row stateCheck) bool {
	for _, d := range catalogue() {
		if slices.Contains(d.rows, row.name()) || (row.fault != swNone && d.sw == row.fault) {
			return true
		}
	}
	return false
}
