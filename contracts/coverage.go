package contracts

import (
	"sort"

	"github.com/clbcheck/clbcheck/spec"
)

type coverage struct {
	s      *spec.Spec
	codes  map[string]*CodeCoverage
	order  []string
	params map[[2]string]*ParamCoverage
	rules  map[string]*ParamCoverage
}

func newCoverage(s *spec.Spec) *coverage {
	c := &coverage{s: s, codes: map[string]*CodeCoverage{}, params: map[[2]string]*ParamCoverage{}, rules: map[string]*ParamCoverage{}}
	for _, list := range [][]spec.ErrorCode{s.Errors, s.GatewayErrors} {
		for _, e := range list {
			trig := e.Trigger.Kind
			for _, x := range []string{e.Trigger.Parameter, e.Trigger.Rule, e.Trigger.State, e.Trigger.Quota} {
				if x != "" {
					trig += ": " + x
					break
				}
			}
			c.codes[e.Code] = &CodeCoverage{Code: e.Code, Status: e.Status, Documented: e.Documented, Gateway: e.Gateway, Trigger: trig, Reason: e.Trigger.Reason}
			c.order = append(c.order, e.Code)
		}
	}
	return c
}

func (c *coverage) add(r CaseResult) {
	if r.Verdict == Skip {
		return
	}
	if r.Exchange != nil && r.Exchange.Code != "" {
		if cc, ok := c.codes[r.Exchange.Code]; ok {
			cc.Reached = true
		}
	}
	if cc, ok := c.codes[expectedCode(r)]; ok {
		cc.Expected++
		if r.Exchange != nil && r.Exchange.Code == cc.Code && !failed(r, CheckExpectedOutcome) {
			cc.Asserted = true
		}
	}
	if b := r.Broken; b != nil {
		if b.Kind == string(spec.KindRule) {
			pc := c.rules[b.Rule]
			if pc == nil {
				pc = &ParamCoverage{Param: b.Rule, Kind: b.Kind}
				c.rules[b.Rule] = pc
			}
			pc.Cases++
			if r.Verdict == Fail {
				pc.Fails++
			}
		} else if b.Param != "" {
			key := [2]string{b.Param, b.Kind}
			pc := c.params[key]
			if pc == nil {
				pc = &ParamCoverage{Param: b.Param, Kind: b.Kind}
				c.params[key] = pc
			}
			pc.Cases++
			if r.Verdict == Fail {
				pc.Fails++
			}
		}
	}
}

// expectedCode is the code a case expected, or "" for a success.
func expectedCode(r CaseResult) string {
	if r.Expect == nil || r.Expect.Success {
		return ""
	}
	return r.Expect.Code
}

func failed(r CaseResult, check string) bool {
	for _, cr := range r.Checks {
		if cr.Check == check && cr.Verdict == Fail {
			return true
		}
	}
	return false
}

func (c *coverage) result() Coverage {
	var out Coverage
	for _, code := range c.order {
		out.Codes = append(out.Codes, *c.codes[code])
	}
	for _, pc := range c.params {
		out.Params = append(out.Params, *pc)
	}
	sort.Slice(out.Params, func(i, j int) bool {
		if out.Params[i].Param != out.Params[j].Param {
			return out.Params[i].Param < out.Params[j].Param
		}
		return out.Params[i].Kind < out.Params[j].Kind
	})
	for _, pc := range c.rules {
		out.Rules = append(out.Rules, *pc)
	}
	sort.Slice(out.Rules, func(i, j int) bool { return out.Rules[i].Param < out.Rules[j].Param })
	return out
}
