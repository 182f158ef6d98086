package generators

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/clbcheck/clbcheck/spec"
)

// Values used where a case needs an id that names nothing.
const (
	missingLB     = "lb-clbcheckmissing000000"
	missingCert   = "clbcheck-missing-certificate"
	missingCA     = "clbcheck-missing-ca-certificate"
	missingACL    = "acl-clbcheckmissing000000"
	missingVGroup = "rsp-clbcheckmissing0000"
	missingPolicy = "tls-clbcheckmissing1"
)

// stateRecipe adapts the base request (and adds setup) so that exactly one state holds.
type stateRecipe func(b *builder, base []Param, e spec.ErrorCode, opt Options) []Case

// stateRecipes maps the description's state names (x-states) to how a case reaches them.
var stateRecipes = map[spec.StateName]stateRecipe{
	spec.StateLoadBalancerNotFound: paramRecipe(spec.ParamLoadBalancerID, Param{Value: missingLB}),
	spec.StateCertificateNotFound:  paramRecipe(spec.ParamServerCertificateID, Param{Value: missingCert}),
	spec.StateCACertificateNotFound: func(b *builder, base []Param, e spec.ErrorCode, _ Options) []Case {
		foreign := stateCase(b, e, withRef(base, spec.ParamCACertificateID, spec.SlotCertCAForeign))
		foreign.ID += "/other-account"
		// Another account's certificate is one the caller does not own: the page's code
		// for that is as plausible as not-found.
		if fe, ok := b.s.StateError(spec.StateForeignCertificate); ok {
			foreign.Expect = foreign.Expect.AcceptAlso(fe.Code, fe.Status)
		}
		return []Case{stateCase(b, e, with(base, spec.ParamCACertificateID, missingCA)), foreign}
	},
	spec.StateForeignCertificate:      paramRecipe(spec.ParamServerCertificateID, Param{Ref: spec.SlotCertForeign}),
	spec.StateCertificateKindMismatch: kindMismatch,
	spec.StateCNCertificate:           paramRecipe(spec.ParamServerCertificateID, Param{Ref: spec.SlotCertCN}),
	spec.StateTLSPolicyNotFound:       paramRecipe(spec.ParamTLSCipherPolicy, Param{Value: missingPolicy}),
	spec.StateACLNotFound: func(b *builder, base []Param, e spec.ErrorCode, _ Options) []Case {
		foreign := stateCase(b, e, aclOn(b, base, Param{Ref: spec.SlotACLForeign}))
		foreign.ID += "/other-account"
		return []Case{stateCase(b, e, aclOn(b, base, Param{Value: missingACL})), foreign}
	},
	spec.StateACLIPVersionMismatch: aclRecipe(Param{Ref: spec.SlotACLIPv6}),
	spec.StateACLDuplicateEntry:    aclRecipe(Param{Ref: JoinRefs(spec.SlotACLDupA, spec.SlotACLDupB)}),
	spec.StateMasterSlaveGroup: func(b *builder, base []Param, e spec.ErrorCode, _ Options) []Case {
		ps := withRef(without(base, spec.ParamBackendServerPort), spec.ParamVServerGroupID, spec.SlotMSGroup)
		return []Case{stateCase(b, e, ps)}
	},
	spec.StateServerGroupNotFound: func(b *builder, base []Param, e spec.ErrorCode, _ Options) []Case {
		other := stateCase(b, e, withRef(base, spec.ParamVServerGroupID, spec.SlotVGroupOther))
		other.ID += "/other-instance"
		return []Case{stateCase(b, e, with(base, spec.ParamVServerGroupID, missingVGroup)), other}
	},
	spec.StatePortInUse: func(b *builder, base []Param, e spec.ErrorCode, _ Options) []Case {
		c := stateCase(b, e, conflicting(base))
		c.Setup = []Call{{Action: b.s.UnderTest.Action, Params: base}}
		// The same conflict raced: several creates on one free port at the same moment.
		race := stateCase(b, e, base)
		race.ID, race.Scenario, race.Concurrent = race.ID+"/concurrent", "STATE_PORT_RACE", 4
		// A port whose listener was deleted is free again: the create succeeds.
		freed := stateCase(b, e, base)
		freed.ID, freed.Scenario, freed.Expect = freed.ID+"/freed-by-delete", "STATE_PORT_FREED", success()
		freed.Setup = []Call{{Action: b.s.UnderTest.Action, Params: base}, {Action: spec.ActionDeleteListener, Params: listenerKey(base)}}
		freed.SettleAfterSetup = true
		return []Case{c, race, freed}
	},
	spec.StateListenerPending: func(b *builder, base []Param, e spec.ErrorCode, _ Options) []Case {
		c := stateCase(b, e, conflicting(base))
		c.Setup = []Call{{Action: b.s.UnderTest.Action, Params: base}, {Action: spec.ActionStartListener, Params: listenerKey(base)}}
		return []Case{c}
	},
	spec.StateIPv6ForwardingHeader: stateParamsRecipe(spec.SlotLBIPv6),
	spec.StateSharedTLSPolicy:      stateParamsRecipe(spec.SlotLBShared),
	spec.StateSharedMutualAuth:     stateParamsRecipe(spec.SlotLBShared),
	spec.StateTLSPolicyConfiguring: func(b *builder, base []Param, e spec.ErrorCode, _ Options) []Case {
		c := stateCase(b, e, withRef(base, spec.ParamTLSCipherPolicy, spec.SlotLocalPrefix+"policy"))
		c.Setup = []Call{policyCall("policy")}
		return []Case{c}
	},
	spec.StateLayer4OnlyInstance:   zoneRecipe,
	spec.StateTCPSSLOnlyInstance:   zoneRecipe,
	spec.StateSpecProtocolMismatch: zoneRecipe,
	spec.StateZoneOutOfResources:   zoneRecipe,
	spec.StateRegionLacksParameter: func(b *builder, base []Param, e spec.ErrorCode, opt Options) []Case {
		sc, _ := b.s.Scenario(spec.ScenarioName(e.Trigger.Scenario))
		var out []Case
		for _, name := range sc.Parameters {
			p := b.s.UnderTest.Param(name)
			vp, ok := validParam(p)
			if !ok {
				continue
			}
			ps := withRef(base, spec.ParamLoadBalancerID, spec.SlotRegionPrefix+sc.Name)
			region, _ := opt.scenario(sc.Name)
			ps = with(ps, spec.ParamRegionID, region)
			ps = replace(ps, vp)
			c := stateCase(b, e, ps)
			c.ID += "/" + name
			out = append(out, c)
		}
		return out
	},
}

func paramRecipe(name string, p Param) stateRecipe {
	return func(b *builder, base []Param, e spec.ErrorCode, _ Options) []Case {
		p.Name = name
		return []Case{stateCase(b, e, replace(base, p))}
	}
}

// stateParamsRecipe puts the request on an instance slot and sets the state's parameters to
// their state value (x-states params/equals) or to a valid value.
func stateParamsRecipe(lbSlot string) stateRecipe {
	return func(b *builder, base []Param, e spec.ErrorCode, _ Options) []Case {
		st, _ := b.s.State(spec.StateName(e.Trigger.State))
		ps := withRef(base, spec.ParamLoadBalancerID, lbSlot)
		for _, name := range st.Params {
			p := b.s.UnderTest.Param(name)
			if st.Equals != "" {
				ps = with(ps, name, st.Equals)
			} else if vp, ok := validParam(p); ok {
				if vp.Ref == "" && len(p.Enum()) > 1 {
					vp.Value = p.Enum()[len(p.Enum())-1]
				}
				ps = replace(ps, vp)
			}
		}
		return []Case{stateCase(b, e, ps)}
	}
}

func kindMismatch(b *builder, base []Param, e spec.ErrorCode, _ Options) []Case {
	a := stateCase(b, e, withRef(base, spec.ParamServerCertificateID, spec.SlotCertCA))
	a.ID += "/ca-as-server"
	c := stateCase(b, e, withRef(base, spec.ParamCACertificateID, spec.SlotCert))
	c.ID += "/server-as-ca"
	return []Case{a, c}
}

func aclRecipe(acl Param) stateRecipe {
	return func(b *builder, base []Param, e spec.ErrorCode, _ Options) []Case {
		acl.Name = spec.ParamACLID
		return []Case{stateCase(b, e, aclOn(b, base, acl))}
	}
}

// aclOn switches access control on with the given ACL parameter.
func aclOn(b *builder, base []Param, acl Param) []Param {
	acl.Name = spec.ParamACLID
	ps := replace(base, acl)
	ps = with(ps, spec.ParamACLStatus, "on")
	if t := b.s.UnderTest.Param(spec.ParamACLType); t != nil && len(t.Enum()) > 0 {
		ps = with(ps, spec.ParamACLType, t.Enum()[0])
	}
	return ps
}

func zoneRecipe(b *builder, base []Param, e spec.ErrorCode, _ Options) []Case {
	return []Case{stateCase(b, e, withRef(base, spec.ParamLoadBalancerID, spec.SlotZonePrefix+e.Trigger.Scenario))}
}

// listenerKey is the part of a request that names a listener.
func listenerKey(ps []Param) []Param {
	var out []Param
	for _, p := range ps {
		if p.Name == spec.ParamLoadBalancerID || p.Name == spec.ParamListenerPort || p.Name == spec.ParamRegionID {
			out = append(out, p)
		}
	}
	return out
}

func policyCall(bind string) Call {
	return Call{Action: spec.ActionCreateTLSCipherPolicy, Bind: spec.SlotLocalPrefix + bind, Field: spec.FieldTLSCipherPolicyID,
		Params: []Param{{Name: spec.ParamPolicyName, Value: "clbcheck-" + bind + "-" + Unique},
			{Name: spec.ParamTLSVersions + ".1", Value: "TLSv1.2"}, {Name: spec.ParamCiphers + ".1", Value: "ECDHE-RSA-AES128-GCM-SHA256"}}}
}

func lbCall(bind string) Call {
	return Call{Action: spec.ActionCreateLoadBalancer, Bind: spec.SlotLocalPrefix + bind, Field: spec.FieldLoadBalancerID,
		Params: []Param{{Name: spec.ParamLoadBalancerSpec, Value: "slb.s2.small"}, {Name: spec.ParamLoadBalancerName, Value: "clbcheck-" + bind + "-" + Unique}}}
}

func aclCall(bind string) Call {
	return Call{Action: spec.ActionCreateACL, Bind: spec.SlotLocalPrefix + bind, Field: spec.FieldACLID,
		Params: []Param{{Name: spec.ParamACLName, Value: "clbcheck-" + bind + "-" + Unique}, {Name: spec.ParamAddressIPVersion, Value: "ipv4"}}}
}

// fillListeners adds setup calls creating n listeners spread over fresh instances, each
// instance kept below perLB listeners; extra parameters are applied to every listener.
func fillListeners(b *builder, base []Param, n, perLB int, prefix string, extra func([]Param) []Param) ([]Call, string) {
	if perLB < 2 {
		perLB = 2
	}
	var calls []Call
	lbIdx := 0
	lb := ""
	for i := 0; i < n; i++ {
		if i%(perLB-1) == 0 {
			lbIdx++
			lb = fmt.Sprintf("%s-lb%d", prefix, lbIdx)
			calls = append(calls, lbCall(lb))
		}
		ps := withRef(base, spec.ParamLoadBalancerID, spec.SlotLocalPrefix+lb)
		ps = with(ps, spec.ParamListenerPort, fmt.Sprint(1000+i))
		if extra != nil {
			ps = extra(ps)
		}
		calls = append(calls, Call{Action: b.s.UnderTest.Action, Params: ps})
	}
	last := fmt.Sprintf("%s-lb%d", prefix, lbIdx+1)
	calls = append(calls, lbCall(last))
	return calls, spec.SlotLocalPrefix + last
}

// quotaRecipes builds the setup that brings a quota to its limit, then the case that passes it.
var quotaRecipes = map[spec.QuotaName]func(b *builder, base []Param, e spec.ErrorCode, opt Options) []Case{
	spec.QuotaListenersPerLoadBalancer: func(b *builder, base []Param, e spec.ErrorCode, opt Options) []Case {
		n, _ := opt.quota(e.Trigger.Quota)
		setup := []Call{lbCall("full")}
		for i := 0; i < n; i++ {
			ps := withRef(base, spec.ParamLoadBalancerID, spec.SlotLocalPrefix+"full")
			setup = append(setup, Call{Action: b.s.UnderTest.Action, Params: with(ps, spec.ParamListenerPort, fmt.Sprint(1000+i))})
		}
		c := stateCase(b, e, withRef(base, spec.ParamLoadBalancerID, spec.SlotLocalPrefix+"full"))
		c.Setup = setup
		return []Case{c}
	},
	spec.QuotaListenersPerACL: func(b *builder, base []Param, e spec.ErrorCode, opt Options) []Case {
		n, _ := opt.quota(e.Trigger.Quota)
		perLB := opt.perLB()
		setup := []Call{aclCall("shared"), aclCall("other")}
		acl := Param{Ref: spec.SlotLocalPrefix + "shared"}
		calls, last := fillListeners(b, base, n, perLB, "acl", func(ps []Param) []Param { return aclOn(b, ps, acl) })
		setup = append(setup, calls...)
		main := withRef(base, spec.ParamLoadBalancerID, last)
		if e.Trigger.MultiACL {
			acl = Param{Ref: JoinRefs(spec.SlotLocalPrefix+"shared", spec.SlotLocalPrefix+"other")}
		}
		c := stateCase(b, e, aclOn(b, main, acl))
		c.Setup = setup
		return []Case{c}
	},
	spec.QuotaACLsPerListener: func(b *builder, base []Param, e spec.ErrorCode, opt Options) []Case {
		n, _ := opt.quota(e.Trigger.Quota)
		var setup []Call
		var refs []string
		for i := 0; i <= n; i++ {
			name := fmt.Sprintf("many%d", i)
			setup = append(setup, aclCall(name))
			refs = append(refs, spec.SlotLocalPrefix+name)
		}
		c := stateCase(b, e, aclOn(b, base, Param{Ref: JoinRefs(refs...)}))
		c.Setup = setup
		return []Case{c}
	},
	spec.QuotaACLEntriesPerListener: func(b *builder, base []Param, e spec.ErrorCode, opt Options) []Case {
		n, _ := opt.quota(e.Trigger.Quota)
		half := n/2 + 1
		var setup []Call
		for a := 1; a <= 2; a++ {
			name := fmt.Sprintf("entries%d", a)
			setup = append(setup, aclCall(name))
			for start := 0; start < half; start += 20 {
				var entries []map[string]string
				for i := start; i < half && i < start+20; i++ {
					entries = append(entries, map[string]string{"entry": fmt.Sprintf("10.%d.%d.%d/32", a, i/250, i%250+1), "comment": "clbcheck"})
				}
				raw, _ := json.Marshal(entries)
				setup = append(setup, Call{Action: spec.ActionAddACLEntry, Params: []Param{{Name: spec.ParamACLID, Ref: spec.SlotLocalPrefix + name}, {Name: spec.ParamACLEntries, Value: string(raw)}}})
			}
		}
		c := stateCase(b, e, aclOn(b, base, Param{Ref: JoinRefs(spec.SlotLocalPrefix+"entries1", spec.SlotLocalPrefix+"entries2")}))
		c.Setup = setup
		return []Case{c}
	},
	spec.QuotaListenersPerTLSPolicy: func(b *builder, base []Param, e spec.ErrorCode, opt Options) []Case {
		n, _ := opt.quota(e.Trigger.Quota)
		perLB := opt.perLB()
		wait := durationOf(b.s, opt, spec.ScenarioTLSPolicyConfiguringTime)
		setup := []Call{policyCall("busy")}
		calls, last := fillListeners(b, base, n, perLB, "policy", func(ps []Param) []Param {
			return withRef(ps, spec.ParamTLSCipherPolicy, spec.SlotLocalPrefix+"busy")
		})
		if len(calls) > 0 {
			calls[0].After = wait
		}
		setup = append(setup, calls...)
		c := stateCase(b, e, withRef(withRef(base, spec.ParamLoadBalancerID, last), spec.ParamTLSCipherPolicy, spec.SlotLocalPrefix+"busy"))
		c.Setup = setup
		return []Case{c}
	},
}

func durationOf(s *spec.Spec, opt Options, scenario spec.ScenarioName) time.Duration {
	sc, _ := s.Scenario(scenario)
	if v, ok := opt.Scenarios[string(scenario)]; ok {
		sc.Default = v
	}
	return sc.Duration() + 300*time.Millisecond
}

// perLB is how many listeners a recipe puts on one instance: one less than the declared
// quota, or a few when the quota is not known.
func (o Options) perLB() int {
	if n, ok := o.quota(string(quotaListenersPerLB)); ok {
		return n
	}
	return 10
}

// quotaListenersPerLB is the quota that bounds how many listeners one instance holds.
const quotaListenersPerLB = spec.QuotaListenersPerLoadBalancer

// needs lists what the case of an error needs declared: its quota, its scenario, and the
// duration scenario of a state the page does not make certain (without the window the
// duration gives, such a state never holds, and the case would judge nothing).
func needs(s *spec.Spec, e spec.ErrorCode) (quotas, scenarios []string) {
	switch e.Trigger.Kind {
	case spec.TriggerQuota:
		quotas = append(quotas, e.Trigger.Quota)
	case spec.TriggerScenario:
		scenarios = append(scenarios, e.Trigger.Scenario)
	}
	for _, sc := range s.Scenarios {
		if sc.Setting != "duration" {
			continue
		}
		if st, ok := s.State(spec.StateName(sc.State)); ok && st.Basis == spec.Inferred && usesState(s, e, sc.State) {
			scenarios = append(scenarios, sc.Name)
		}
	}
	return quotas, scenarios
}

// usesState reports whether the case of an error builds the state (as its trigger, or, for
// the TLS policy quota, through listeners on a policy still configuring).
func usesState(s *spec.Spec, e spec.ErrorCode, state string) bool {
	if e.Trigger.State == state {
		return true
	}
	q, ok := s.Quota(spec.QuotaName(e.Trigger.Quota))
	return ok && e.Trigger.Kind == spec.TriggerQuota && strings.Contains(q.Name, "tls-policy") && strings.Contains(state, "tls-policy")
}

// skipReason says what a case of error e needs that opt does not declare, or "".
func skipReason(s *spec.Spec, e spec.ErrorCode, opt Options) string {
	quotas, scenarios := needs(s, e)
	for _, q := range quotas {
		if _, ok := opt.quota(q); !ok {
			return undeclared("quota", q)
		}
	}
	for _, sc := range scenarios {
		if _, ok := opt.scenario(sc); !ok {
			return undeclared("scenario", sc)
		}
	}
	return ""
}

// withStandIns fills what opt does not declare with the description's defaults, to build the
// shape of a case that will be skipped.
func withStandIns(s *spec.Spec, opt Options) Options {
	out := Options{Quotas: map[string]int{}, Scenarios: map[string]string{}}
	for _, q := range s.Quotas {
		out.Quotas[q.Name] = q.Default
	}
	for _, sc := range s.Scenarios {
		out.Scenarios[sc.Name] = sc.Default
	}
	maps.Copy(out.Quotas, opt.Quotas)
	maps.Copy(out.Scenarios, opt.Scenarios)
	return out
}

// conflictDescription is the Description a create on a port already taken sends, different
// from the taken listener's: a service that overwrote the listener before refusing would show
// it in the read-back of the no-state-change check.
const conflictDescription = "clbcheck-conflicting-create"

// conflicting is base as a second create on the same port sends it: the same port and
// instance, another Description.
func conflicting(base []Param) []Param { return with(base, spec.ParamDescription, conflictDescription) }

// stateCase builds a case expecting an error code reached through state.
func stateCase(b *builder, e spec.ErrorCode, ps []Param) Case {
	o := b.s.Accepting(e) // an accepted alternative code comes with its own documented status
	name := e.Trigger.State
	if name == "" {
		name = e.Trigger.Quota
	}
	o.DirectionBasis = spec.Inferred
	if st, ok := b.s.State(spec.StateName(name)); ok {
		o.DirectionBasis = st.Basis
	} else if q, ok := b.s.Quota(spec.QuotaName(name)); ok {
		o.DirectionBasis = q.Basis
	}
	if o.DirectionBasis == spec.Inferred {
		// The page does not make the refusal certain (the state, or how to build it, comes
		// from elsewhere): it cannot make the code certain either.
		o.Basis = spec.Inferred
	}
	return Case{ID: fmt.Sprintf("state/%s/%s", e.Code, name), Scenario: "STATE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")),
		Category: Stateful, Params: ps, Expect: o, Broken: &Broken{Kind: BrokenState, State: name, Rule: e.Trigger.Quota}}
}

// states adds one case (or a few) per error code reached through state, scenario or quota.
// A case that needs a quota or scenario the target did not declare is built with the
// description's values in their place, and skipped with the reason.
func (b *builder) states(base []Param, opt Options) {
	for _, e := range b.s.Errors {
		skip := skipReason(b.s, e, opt)
		build := opt
		if skip != "" {
			build = withStandIns(b.s, opt)
		}
		var cs []Case
		switch e.Trigger.Kind {
		case spec.TriggerState, spec.TriggerScenario, spec.TriggerParameter:
			// A parameter trigger may name the state it stands for too (a value the
			// service looks up, such as a TLS policy id): that state gets its own case.
			if r, ok := stateRecipes[spec.StateName(e.Trigger.State)]; ok {
				cs = r(b, base, e, build)
			}
		case spec.TriggerQuota:
			if r, ok := quotaRecipes[spec.QuotaName(e.Trigger.Quota)]; ok {
				cs = r(b, base, e, build)
			}
		}
		for _, c := range cs {
			c.Skip = skip
			b.add(c)
		}
	}
}

// StateCoverage lists the state, scenario and quota triggers of the description that have no
// recipe here: a test keeps it empty, so a new state in the description needs a recipe.
func StateCoverage(s *spec.Spec) []string {
	var missing []string
	for _, e := range s.Errors {
		switch e.Trigger.Kind {
		case spec.TriggerState, spec.TriggerScenario:
			if _, ok := stateRecipes[spec.StateName(e.Trigger.State)]; !ok {
				missing = append(missing, e.Code+" ("+e.Trigger.State+")")
			}
		case spec.TriggerQuota:
			if _, ok := quotaRecipes[spec.QuotaName(e.Trigger.Quota)]; !ok {
				missing = append(missing, e.Code+" ("+e.Trigger.Quota+")")
			}
		}
	}
	return missing
}
