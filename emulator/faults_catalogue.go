package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/clbcheck/clbcheck/spec"
)

// This file derives the fault catalogue from the description (see faults.go for the names).

// earlierValidation are the (parameter, kind) pairs of the first catalogue, kept although some
// break only what the description infers; the constraints the page states are added to them.
var earlierValidation = []struct {
	param string
	kind  spec.Kind
}{
	{spec.ParamListenerPort, spec.KindMaximum},
	{spec.ParamListenerPort, spec.KindMinimum},
	{spec.ParamIdleTimeout, spec.KindMaximum},
	{spec.ParamRequestTimeout, spec.KindMinimum},
	{spec.ParamHealthCheckInterval, spec.KindMaximum},
	{spec.ParamBandwidth, spec.KindType},
	{spec.ParamBandwidth, spec.KindForbiddenValues},
	{spec.ParamDescription, spec.KindMaxLength},
	{spec.ParamTag + "." + spec.FieldTagValue, spec.KindMaxLength},
	{spec.ParamScheduler, spec.KindEnum},
	{spec.ParamHealthCheckVersion, spec.KindEnum},
	{spec.ParamServerCertificate + "." + spec.FieldBindingType, spec.KindEnum},
	{spec.ParamDescription, spec.KindPattern},
	{spec.ParamHealthCheckHTTPCode, spec.KindPattern},
	{spec.ParamTag + "." + spec.FieldTagKey, spec.KindForbiddenPrefixes},
	{spec.ParamTag + "." + spec.FieldTagValue, spec.KindForbiddenSubstrings},
	{spec.ParamTag, spec.KindMaxItems},
	{spec.ParamHealthCheck, spec.KindRequired},
}

var earlierRules = []spec.RuleID{spec.RuleStickySessionTypeRequired, spec.RuleClientCertAliasesDistinct}

// constrained visits every parameter of the operation under test that carries values (not
// the common ones) and every field of its lists.
func constrained(s *spec.Spec, visit func(p *spec.Parameter)) {
	for _, p := range s.UnderTest.Parameters {
		if p.Common {
			continue
		}
		visit(p)
		if p.List != nil {
			for _, f := range p.List.Fields {
				visit(f)
			}
		}
	}
}

// constraintFaults are, for every constraint the page states (its direction documented), a
// fault accepting what it forbids, one refusing a value it permits at its boundary, and where
// the page ties a code to it, one answering another code.
func constraintFaults(s *spec.Spec) []faultDef {
	var out []faultDef
	for _, vf := range earlierValidation {
		d, err := acceptFault(s, vf.param, vf.kind)
		if err != nil {
			panic("emulator: fault catalogue: " + err.Error())
		}
		out = append(out, d)
	}
	constrained(s, func(p *spec.Parameter) {
		// A missing LoadBalancerId reaches the load-balancer-not-found state, whose own fault
		// accepts it; a missing-parameter fault on it alone could never be seen.
		if p.Required && p.RequiredBasis == spec.Documented && p.Name != spec.ParamLoadBalancerID {
			if d, err := acceptFault(s, p.Path, spec.KindRequired); err == nil {
				out = append(out, d)
			}
			if p.RequiredResult.Basis == spec.Documented {
				out = append(out, codeFault(p, spec.KindRequired, p.RequiredResult))
			}
		}
		for _, c := range p.Constraints {
			if c.Basis != spec.Documented {
				continue
			}
			if d, ok := boundaryFault(p, c); ok {
				out = append(out, d)
			}
			// The only text shorter than one character is the empty one, which a required
			// parameter already misses and which the page leaves open for an optional
			// parameter (Choices.EmptyOptional): no harness could tell these faults from a
			// conforming service. A list field's empty value is a value like any other.
			if c.Kind == spec.KindMinLength && c.Int <= 1 && (p.Required || p.Path == p.Name) {
				continue
			}
			if d, err := acceptFault(s, p.Path, c.Kind); err == nil {
				out = append(out, d)
			}
			if c.Outcome.Basis == spec.Documented && c.Outcome.Code != "" {
				out = append(out, codeFault(p, c.Kind, c.Outcome))
			}
		}
	})
	return out
}

// acceptFault is validation/<path>/<kind>: the engine does not enforce the constraint. A state
// row the description ties to the same violation (a TLS policy that is no built-in one and no
// custom one) is switched off with it.
func acceptFault(s *spec.Spec, path string, kind spec.Kind) (faultDef, error) {
	p := s.UnderTest.Lookup(path)
	if p == nil {
		return faultDef{}, fmt.Errorf("the description has no parameter %s", path)
	}
	what, basis, err := violationWords(p, kind)
	if err != nil {
		return faultDef{}, err
	}
	d := faultDef{
		FaultInfo: FaultInfo{Name: FaultCategoryValidation + "/" + path + "/" + string(kind), Category: FaultCategoryValidation,
			Description: "accept " + what, Subject: path, Breaks: string(kind), Direction: DirAcceptsForbidden, Basis: basis},
		checks: []string{checkKey(path, kind)}, mode: modeOff,
	}
	for _, e := range s.Errors {
		if t := e.Trigger; t.Kind == spec.TriggerParameter && t.Parameter == path && t.State != "" && slices.Contains(t.Violations, kind) {
			d.rows = append(d.rows, t.State)
		}
	}
	return d, nil
}

// violationWords says in words what breaking a constraint of p means, and the basis of the
// constraint's direction.
func violationWords(p *spec.Parameter, kind spec.Kind) (string, spec.Basis, error) {
	param := p.Path
	switch kind {
	case spec.KindRequired:
		if !p.Required {
			return "", "", fmt.Errorf("%s is not required", param)
		}
		return "a request without the required " + param, p.RequiredBasis, nil
	case spec.KindMaxItems:
		c, ok := p.Constraint(kind)
		if p.List == nil || p.List.MaxItems == 0 || !ok {
			return "", "", fmt.Errorf("%s is not a bounded list", param)
		}
		return fmt.Sprintf("more than %d %s entries", p.List.MaxItems, param), c.Basis, nil
	}
	c, has := p.Constraint(kind)
	if !has {
		return "", "", fmt.Errorf("%s has no %s constraint", param, kind)
	}
	var what string
	switch kind {
	case spec.KindMinimum:
		what = fmt.Sprintf("%s below its minimum (%d)", param, c.Int)
	case spec.KindMaximum:
		what = fmt.Sprintf("%s above its maximum (%d)", param, c.Int)
	case spec.KindMinLength:
		what = fmt.Sprintf("%s shorter than %d characters", param, c.Int)
	case spec.KindMaxLength:
		what = fmt.Sprintf("%s longer than %d characters", param, c.Int)
	case spec.KindEnum:
		what = fmt.Sprintf("%s outside its enum (%s)", param, strings.Join(c.Values, ", "))
	case spec.KindPattern:
		what = fmt.Sprintf("%s breaking its pattern %s", param, c.Pattern)
	case spec.KindType:
		what = param + " that is not a decimal integer"
	case spec.KindForbiddenValues:
		what = fmt.Sprintf("%s set to a forbidden value (%s)", param, strings.Join(c.Values, ", "))
	case spec.KindForbiddenPrefixes:
		what = fmt.Sprintf("%s starting with a reserved prefix (%s)", param, strings.Join(c.Values, ", "))
	case spec.KindForbiddenSubstrings:
		what = fmt.Sprintf("%s containing a forbidden text (%s)", param, strings.Join(c.Values, ", "))
	default:
		return "", "", fmt.Errorf("constraint kind %s cannot be injected", kind)
	}
	return what, c.Basis, nil
}

// boundaryFault is boundary/<path>/<kind>: a value the constraint permits at its boundary is
// refused, with the constraint's answer.
func boundaryFault(p *spec.Parameter, c spec.Constraint) (faultDef, bool) {
	what := ""
	switch c.Kind {
	case spec.KindMaxItems:
		if p.List == nil || p.List.MaxItems == 0 {
			return faultDef{}, false
		}
		what = fmt.Sprintf("exactly %d %s entries", p.List.MaxItems, p.Path)
	default:
		b, ok := boundaryOf(&c)
		if !ok || !reachable(p, c) {
			return faultDef{}, false
		}
		what = fmt.Sprintf("%s for %s", b.what, p.Path)
	}
	return faultDef{
		FaultInfo: FaultInfo{Name: FaultCategoryBoundary + "/" + p.Path + "/" + string(c.Kind), Category: FaultCategoryBoundary,
			Description: fmt.Sprintf("refuse %s, which its %s constraint permits", what, c.Kind),
			Subject:     p.Path, Breaks: string(c.Kind), Direction: DirRefusesPermitted, Basis: c.Basis},
		checks: []string{checkKey(p.Path, c.Kind)}, mode: modeAt,
	}, true
}

// reachable reports whether a length bound can be met by a value the parameter's pattern
// allows (a path that starts with a slash and is more than a slash has no one-character
// value, so refusing one could never be seen).
func reachable(p *spec.Parameter, c spec.Constraint) bool {
	pc, ok := p.Constraint(spec.KindPattern)
	if !ok || (c.Kind != spec.KindMinLength && c.Kind != spec.KindMaxLength) {
		return true
	}
	shortest, ok := patternMinLength(pc.Pattern)
	return !ok || c.Int >= int64(shortest)
}

// codeFault is error-code/<path>/<kind>: the violation is refused with another code than the
// one the page ties to it.
func codeFault(p *spec.Parameter, kind spec.Kind, o spec.Outcome) faultDef {
	return faultDef{
		FaultInfo: FaultInfo{Name: FaultCategoryErrorCode + "/" + p.Path + "/" + string(kind), Category: FaultCategoryErrorCode,
			Description: fmt.Sprintf("a %s violation of %s is answered with a generic code instead of %s", kind, p.Path, o.Code),
			Subject:     p.Path, Breaks: string(kind), Direction: DirWrongCode, Basis: spec.Documented},
		checks: []string{checkKey(p.Path, kind)}, mode: modeCode,
	}
}

// ruleFaults are, for every rule the page states, faults that ignore it, refuse a request that
// keeps it, refuse one whose premise is false, and (where the page ties a code to it) answer
// another code; and the ignore faults of the first catalogue.
func ruleFaults(s *spec.Spec) []faultDef {
	var out []faultDef
	for _, id := range earlierRules {
		d, err := ruleOffFault(s, string(id))
		if err != nil {
			panic("emulator: fault catalogue: " + err.Error())
		}
		out = append(out, d)
	}
	for _, r := range s.Rules {
		if r.Basis != spec.Documented {
			continue
		}
		// A request that keeps the rule, or whose premise is false, carries the parameters the
		// rule names; when one of them is not in the page's table, the page does not make
		// accepting it certain.
		keptBasis := spec.Documented
		for name := range ruleParams(s, r) {
			if p := s.UnderTest.Lookup(name); p != nil && p.Source != spec.SourceSeed {
				keptBasis = spec.Inferred
			}
		}
		info := func(cat, suffix, dir, desc string) FaultInfo {
			basis := spec.Documented
			if dir == DirRefusesPermitted {
				basis = keptBasis
			}
			return FaultInfo{Name: cat + "/rule/" + r.ID + suffix, Category: cat, Description: desc,
				Subject: r.ID, Breaks: "rule", Direction: dir, Basis: basis}
		}
		if d, err := ruleOffFault(s, r.ID); err == nil {
			out = append(out, d)
		}
		if r.Kind == spec.RuleRequires {
			out = append(out, faultDef{FaultInfo: info(FaultCategoryBoundary, "/kept", DirRefusesPermitted,
				fmt.Sprintf("refuse a request that keeps rule %s (%s given)", r.ID, strings.Join(r.Require, ", "))), rule: r.ID, mode: modeAt})
		}
		if r.Kind == spec.RuleRequires || r.Kind == spec.RuleEffectiveOnlyWhen {
			desc := fmt.Sprintf("refuse a request whose premise of rule %s is false although its parameters are given", r.ID)
			if r.Kind == spec.RuleEffectiveOnlyWhen {
				desc = fmt.Sprintf("refuse %s while its premise is false, although rule %s says they are then accepted and ignored", strings.Join(r.Params, ", "), r.ID)
			}
			out = append(out, faultDef{FaultInfo: info(FaultCategoryBoundary, "/premise-false", DirRefusesPermitted, desc), rule: r.ID, mode: modeFalse})
		}
		if r.Outcome.Basis == spec.Documented && r.Kind != spec.RuleEffectiveOnlyWhen {
			out = append(out, faultDef{FaultInfo: info(FaultCategoryErrorCode, "", DirWrongCode,
				fmt.Sprintf("a broken rule %s is answered with a generic code instead of %s", r.ID, r.Outcome.Code)), rule: r.ID, mode: modeCode})
		}
	}
	return out
}

// ruleOffFault is validation/rule/<id>: the rule never refuses.
func ruleOffFault(s *spec.Spec, id string) (faultDef, error) {
	r, ok := s.Rule(id)
	if !ok {
		return faultDef{}, fmt.Errorf("the description has no rule %s", id)
	}
	if r.Kind == spec.RuleEffectiveOnlyWhen {
		return faultDef{}, fmt.Errorf("rule %s never refuses a request", id)
	}
	return faultDef{
		FaultInfo: FaultInfo{Name: FaultCategoryValidation + "/rule/" + id, Category: FaultCategoryValidation, Description: "ignore rule " + id + ": " + r.Description,
			Subject: id, Breaks: "rule", Direction: DirAcceptsForbidden, Basis: r.Basis},
		rule: id, mode: modeOff,
	}, nil
}

// stateFaults are, for every row of the create table whose state (or quota) the page makes
// certain, a fault accepting the request while it holds; and for every row whose code the
// page ties to it, one answering another code. Rows an earlier fault switches off, and states
// reached through a parameter's value (whose parameter faults cover them), get none.
func stateFaults(s *spec.Spec) []faultDef {
	covered := map[string]bool{}
	for _, d := range codeFaults(s) {
		if d.answer != nil && d.answer.code != "" {
			covered[d.answer.code] = true
		}
	}
	var out []faultDef
	for _, row := range createChecks {
		name, basis, code, codeBasis := rowFacts(s, row)
		if name == "" || viaParameter(s, name) {
			continue
		}
		cat, breaks := FaultCategoryState, "state"
		accept := fmt.Sprintf("accept a create while state %s holds", name)
		acceptName := FaultCategoryState + "/" + name + "/accepted"
		if row.quota != "" {
			breaks = "quota"
			accept = fmt.Sprintf("do not enforce quota %s", name)
			acceptName = FaultCategoryState + "/quota/" + name + "/ignored"
		}
		if basis == spec.Documented && row.fault == swNone {
			out = append(out, faultDef{FaultInfo: FaultInfo{Name: acceptName, Category: cat, Description: accept,
				Subject: name, Breaks: breaks, Direction: DirAcceptsForbidden, Basis: spec.Documented}, rows: append([]string{name}, implied(name)...)})
		}
		if codeBasis == spec.Documented && !covered[code] {
			out = append(out, faultDef{FaultInfo: FaultInfo{Name: FaultCategoryErrorCode + "/" + breaks + "/" + name, Category: FaultCategoryErrorCode,
				Description: fmt.Sprintf("%s %s is answered with a generic code instead of %s", breaks, name, code),
				Subject:     name, Breaks: breaks, Direction: DirWrongCode, Basis: spec.Documented}, codeRow: name})
		}
	}
	return out
}

// rowFacts is what the description says of a row of the create table: its name, whether the
// page makes refusing certain, its code and the basis of the code.
func rowFacts(s *spec.Spec, row stateCheck) (name string, basis spec.Basis, code string, codeBasis spec.Basis) {
	if row.quota != "" {
		q, _ := s.Quota(row.quota)
		codeBasis = spec.Inferred
		for _, e := range s.Errors {
			if e.Trigger.Quota == q.Name && !e.Trigger.MultiACL {
				codeBasis = e.Outcome().Basis
			}
		}
		return q.Name, q.Basis, q.Code, firmCode(q.Basis, codeBasis)
	}
	st, ok := s.State(row.state)
	if !ok {
		return "", "", "", ""
	}
	ec, ok := s.StateError(row.state)
	if !ok {
		return st.Name, st.Basis, "", spec.Inferred
	}
	return st.Name, st.Basis, ec.Code, firmCode(st.Basis, ec.Outcome().Basis)
}

// firmCode is the basis of a row's code: where the page does not make refusing certain, it
// cannot make the code certain either, and another code is no documented fault.
func firmCode(refusal, code spec.Basis) spec.Basis {
	if refusal == spec.Inferred {
		return spec.Inferred
	}
	return code
}

// viaParameter reports whether the description reaches a state through a parameter's value
// (a trigger of kind parameter that names the state).
func viaParameter(s *spec.Spec, state string) bool {
	for _, e := range s.Errors {
		if e.Trigger.Kind == spec.TriggerParameter && e.Trigger.State == state {
			return true
		}
	}
	return false
}

// codeFaults are the faults that answer one code of the catalogue with another. Each code is
// named by what reaches it in the description (a state of the operation, a gateway state, or
// a parameter's constraint), so the catalogue, not this file, spells it.
func codeFaults(s *spec.Spec) []faultDef {
	state := func(name spec.StateName) string {
		ec, ok := s.StateError(name)
		if !ok {
			panic("emulator: fault catalogue: the description has no error for state " + string(name))
		}
		return ec.Code
	}
	gateway := func(name spec.GatewayState) string {
		ec, ok := s.GatewayError(name)
		if !ok {
			panic("emulator: fault catalogue: the description has no gateway error " + string(name))
		}
		return ec.Code
	}
	portConflict, generic := state(spec.StatePortInUse), gateway(spec.GatewayInvalidParameter)
	idleTimeout := s.ParamOutcome(s.UnderTest.Lookup(spec.ParamIdleTimeout), spec.KindMaximum).Code
	foreignCert, certMissing := state(spec.StateForeignCertificate), state(spec.StateCertificateNotFound)
	aclMissing := state(spec.StateACLNotFound)
	nonceUsed, badSignature := gateway(spec.GatewayNonceReplayed), gateway(spec.GatewayBadSignature)
	rule := func(name, subject, breaks, format string, from, to string) faultDef {
		return faultDef{
			FaultInfo: FaultInfo{Name: name, Category: FaultCategoryErrorCode, Description: fmt.Sprintf(format, to, from),
				Subject: subject, Breaks: breaks, Direction: DirWrongCode},
			answer: &answerRule{code: from, toCode: to},
		}
	}
	return []faultDef{
		rule("error-code/port-conflict-as-InvalidParameter", string(spec.StatePortInUse), "state", "a create on a used port is answered with the generic %s instead of %s", portConflict, generic),
		rule("error-code/IdleTimeout-as-InvalidParameter", spec.ParamIdleTimeout, "range", "an IdleTimeout out of range is answered %s instead of %s", idleTimeout, generic),
		rule("error-code/foreign-certificate-as-CertificateNotExist", string(spec.StateForeignCertificate), "state", "another account's certificate is answered %s instead of %s", foreignCert, certMissing),
		rule("error-code/AclNotExist-as-InvalidParameter", string(spec.StateACLNotFound), "state", "an ACL that does not exist is answered %s instead of %s", aclMissing, generic),
		rule("error-code/nonce-replay-as-SignatureDoesNotMatch", string(spec.GatewayNonceReplayed), "signature", "a replayed nonce is answered %s instead of %s", nonceUsed, badSignature),
		{FaultInfo: FaultInfo{Name: "http-status/port-conflict-409", Category: FaultCategoryHTTPStatus, Description: portConflict + " is sent with status 409 instead of 400",
			Subject: string(spec.StatePortInUse), Breaks: "status"},
			answer: &answerRule{code: portConflict, toStatus: http.StatusConflict}},
	}
}

// handWritten are the faults that need no code of the catalogue.
func handWritten(s *spec.Spec) []faultDef {
	stateBasis := func(name spec.StateName) spec.Basis {
		st, _ := s.State(name)
		return st.Basis
	}
	quotaBasis := func(name spec.QuotaName) spec.Basis {
		q, _ := s.Quota(name)
		return q.Basis
	}
	fi := func(name, cat, desc, subject, breaks, dir string, basis spec.Basis) FaultInfo {
		return FaultInfo{Name: name, Category: cat, Description: desc, Subject: subject, Breaks: breaks, Direction: dir, Basis: basis}
	}
	doc := spec.Documented
	return []faultDef{
		{FaultInfo: fi("http-status/client-errors-500", FaultCategoryHTTPStatus, "every 400 answer of the operation is sent with status 500", "", "status", DirWrongStatus, doc),
			answer: &answerRule{status: http.StatusBadRequest, toStatus: http.StatusInternalServerError}},
		{FaultInfo: fi("http-status/not-found-as-400", FaultCategoryHTTPStatus, "404 codes (ResourceNotFound.Certificate, InvalidAccessKeyId.NotFound) are sent with status 400", "", "status", DirWrongStatus, doc),
			answer: &answerRule{status: http.StatusNotFound, toStatus: http.StatusBadRequest}},

		{FaultInfo: fi("http-status/success-202", FaultCategoryHTTPStatus, "successes of the operation are sent with status 202 instead of 200", "", "status", DirWrongStatus, spec.Inferred), sw: swSuccess202},

		{FaultInfo: fi("envelope/constant-request-id", FaultCategoryEnvelope, "every answer of the operation carries the same RequestId", spec.FieldRequestID, "envelope", DirWrongEnvelope, doc), sw: swConstantRequestID},
		{FaultInfo: fi("envelope/no-request-id", FaultCategoryEnvelope, "error answers of the operation carry no RequestId (body or header)", spec.FieldRequestID, "envelope", DirWrongEnvelope, doc), sw: swNoRequestID},
		{FaultInfo: fi("envelope/no-code", FaultCategoryEnvelope, "error answers of the operation carry no Code field", spec.FieldCode, "envelope", DirWrongEnvelope, doc), sw: swNoCode},
		{FaultInfo: fi("envelope/code-in-success", FaultCategoryEnvelope, "success answers of the operation carry Code \"200\"", spec.FieldCode, "envelope", DirWrongEnvelope, doc), sw: swCodeInSuccess},
		{FaultInfo: fi("content-type/text-plain", FaultCategoryContentType, "answers of the operation are labelled text/plain", "Content-Type", "envelope", DirWrongEnvelope, spec.Inferred), sw: swTextContentType},
		{FaultInfo: fi("content-type/xml-error-as-application-xml", FaultCategoryContentType, "XML error answers of the operation are labelled application/xml, under which the V3 Go client cannot read them", "Content-Type", "envelope", DirWrongEnvelope, spec.Inferred), sw: swXMLErrorAppXML},
		{FaultInfo: fi("content-type/json-for-xml", FaultCategoryContentType, "Format=XML is ignored: the operation answers in JSON", spec.ParamFormat, "envelope", DirWrongEnvelope, doc), sw: swJSONForXML},

		{FaultInfo: fi("state/port-conflict-missed", FaultCategoryState, "a create on a port that already has a listener succeeds and replaces it", string(spec.StatePortInUse), "state", DirAcceptsForbidden, stateBasis(spec.StatePortInUse)), sw: swPortConflictMissed},
		{FaultInfo: fi("state/listener-quota-ignored", FaultCategoryState, "the listeners-per-load-balancer quota is not enforced", string(spec.QuotaListenersPerLoadBalancer), "quota", DirAcceptsForbidden, quotaBasis(spec.QuotaListenersPerLoadBalancer)), sw: swListenerQuotaIgnored},
		{FaultInfo: fi("state/refused-create-leaves-listener", FaultCategoryState, "a create refused by a state check still stores the listener", "", "state", DirWrongState, doc), sw: swLeaveBehind},
		{FaultInfo: fi("state/deleted-listener-keeps-port", FaultCategoryState, "a deleted listener keeps its port: a new create there is refused as a port conflict", string(spec.StatePortInUse), "state", DirRefusesPermitted, doc), sw: swKeepDeletedPort},
		{FaultInfo: fi("state/refused-create-lands-late", FaultCategoryState, "a create refused by a state check still stores the listener, which (like every new listener here) shows in reads only after a lag", "", "state", DirWrongState, doc), sw: swLeaveBehindLate},
		{FaultInfo: fi("state/refused-create-overwrites-listener", FaultCategoryState, "a create refused on a port already taken first gives the listener there its own attributes", string(spec.StatePortInUse), "state", DirWrongState, doc), sw: swOverwriteOnConflict},
		{FaultInfo: fi("state/created-running", FaultCategoryState, "a new listener is created running instead of stopped", spec.FieldStatus, "state", DirWrongState, doc), sw: swCreatedRunning},
		{FaultInfo: fi("state/describe-defaults", FaultCategoryState, "Describe reports the documented default of every defaulted attribute, not the value stored", "", "read-back", DirWrongReadBack, doc), sw: swDescribeDefaults},
		{FaultInfo: fi("state/describe-stale-status", FaultCategoryState, "Describe keeps reporting the status a listener had when created (stopped) after it was started", spec.FieldStatus, "read-back", DirWrongReadBack, doc), sw: swDescribeStaleStatus},

		{FaultInfo: fi("cross-account/foreign-certificate-accepted", FaultCategoryCrossAccount, "a create may use another account's server certificate", string(spec.StateForeignCertificate), "state", DirAcceptsForbidden, stateBasis(spec.StateForeignCertificate)), sw: swForeignCertificate},
		{FaultInfo: fi("cross-account/foreign-ca-certificate-accepted", FaultCategoryCrossAccount, "a create may use another account's CA certificate", string(spec.StateCACertificateNotFound), "state", DirAcceptsForbidden, stateBasis(spec.StateCACertificateNotFound)), sw: swForeignCACertificate},
		{FaultInfo: fi("cross-account/foreign-acl-accepted", FaultCategoryCrossAccount, "a create may use another account's ACL", string(spec.StateACLNotFound), "state", DirAcceptsForbidden, stateBasis(spec.StateACLNotFound)), sw: swForeignACL},
		{FaultInfo: fi("cross-account/foreign-load-balancer-accepted", FaultCategoryCrossAccount, "a create may add a listener to another account's load balancer", string(spec.StateLoadBalancerNotFound), "state", DirAcceptsForbidden, stateBasis(spec.StateLoadBalancerNotFound)), sw: swForeignLoadBalancer},
		{FaultInfo: fi("cross-account/other-instance-vserver-group-accepted", FaultCategoryCrossAccount, "a create may use a VServer group of another instance of the account", string(spec.StateServerGroupNotFound), "state", DirAcceptsForbidden, stateBasis(spec.StateServerGroupNotFound)), sw: swOtherInstanceGroup},
		{FaultInfo: fi("ram/denied-user-allowed", FaultCategoryRAM, "RAM policies are not enforced: a user denied the operation may call it", string(spec.GatewayRAMDenied), "ram", DirAcceptsForbidden, doc), sw: swRAMAllowed},

		{FaultInfo: fi("signature/bad-v1-signature-accepted", FaultCategorySignature, "a wrong V1 (HMAC-SHA1) signature is accepted", string(spec.GatewayBadSignature), "signature", DirAcceptsForbidden, doc), sw: swBadSignatureV1},
		{FaultInfo: fi("signature/bad-v3-signature-accepted", FaultCategorySignature, "a wrong V3 (ACS3-HMAC-SHA256) signature is accepted", string(spec.GatewayBadSignature), "signature", DirAcceptsForbidden, doc), sw: swBadSignatureV3},
		{FaultInfo: fi("signature/unsigned-accepted", FaultCategorySignature, "a V1 request without a Signature is accepted", string(spec.GatewayMissingSignature), "signature", DirAcceptsForbidden, doc), sw: swUnsigned},
		{FaultInfo: fi("signature/replayed-nonce-accepted", FaultCategorySignature, "a SignatureNonce used before is accepted again", string(spec.GatewayNonceReplayed), "signature", DirAcceptsForbidden, doc), sw: swReplayedNonce},
		{FaultInfo: fi("signature/nonce-memory-short", FaultCategorySignature, "a SignatureNonce is remembered for half a second instead of the nonce window", string(spec.GatewayNonceReplayed), "signature", DirAcceptsForbidden, doc), sw: swNonceMemoryShort},
		{FaultInfo: fi("signature/stale-timestamp-accepted", FaultCategorySignature, "a Timestamp outside the window is accepted", string(spec.GatewayStaleTimestamp), "signature", DirAcceptsForbidden, doc), sw: swStaleTimestamp},

		{FaultInfo: fi("concurrency/port-check-race", FaultCategoryConcurrency, "a create releases the state lock between its checks and its change, so two simultaneous creates on one port both succeed", string(spec.StatePortInUse), "state", DirWrongState, doc), sw: swPortCheckRace},
		{FaultInfo: fi("validation/region-required", FaultCategoryValidation, "a create without RegionId is refused MissingParameter, though the page lists RegionId as optional", spec.ParamRegionID, "required", DirRefusesPermitted, doc), sw: swRegionRequired},
		{FaultInfo: fi("wire/form-plus-literal", FaultCategoryWire, "a '+' in a form body is read as a plus sign instead of a space", spec.ParamTag, "wire", DirRefusesPermitted, doc), sw: swFormPlusLiteral},
		{FaultInfo: fi("intermittent/5xx", FaultCategoryIntermittent, fmt.Sprintf("%.0f%% of the requests to the operation are answered ServiceUnavailable (seeded by Faults.Seed)", intermittentRate*100), "", "availability", DirServerError, doc), sw: swIntermittent5xx},
	}
}

// readBackFaults are, for every integer attribute Describe reports, a fault rendering it as a
// JSON string. The page does not cover Describe (its types come from other references), so
// they are graded under the strict profile.
func readBackFaults(s *spec.Spec) []faultDef {
	var out []faultDef
	for _, f := range attributeFields(s.UnderTest) {
		if !f.integer {
			continue
		}
		out = append(out, faultDef{FaultInfo: FaultInfo{Name: FaultCategoryReadBack + "/" + f.name + "-as-string", Category: FaultCategoryReadBack,
			Description: fmt.Sprintf("Describe renders the integer attribute %s as a JSON string", f.name),
			Subject:     f.name, Breaks: "type", Direction: DirWrongReadBack, Basis: spec.Inferred}, read: f.name})
	}
	return out
}

// engineWideFaults are mistakes of the validation engine as a whole.
func engineWideFaults(s *spec.Spec) []faultDef {
	fi := func(name, desc, breaks, dir string) FaultInfo {
		return FaultInfo{Name: FaultCategoryEngine + "/" + name, Category: FaultCategoryEngine, Description: desc, Breaks: breaks, Direction: dir, Basis: spec.Documented}
	}
	out := []faultDef{
		{FaultInfo: fi("maximum-off-by-one", "every maximum is compared off by one: the value one above it passes", string(spec.KindMaximum), DirAcceptsForbidden),
			engine: func(f *engineFaults) { f.maxOffByOne = true }},
		{FaultInfo: fi("minimum-off-by-one", "every minimum is compared off by one: the value one below it passes", string(spec.KindMinimum), DirAcceptsForbidden),
			engine: func(f *engineFaults) { f.minOffByOne = true }},
		{FaultInfo: fi("enum-case-insensitive", "enum values are compared without regard to letter case", string(spec.KindEnum), DirAcceptsForbidden),
			engine: func(f *engineFaults) { f.enumFold = true }},
		{FaultInfo: fi("enum-near-misses-accepted", "every enum also takes its near misses (x-near-misses: values another source allows, or a common spelling of the same idea)", string(spec.KindEnum), DirAcceptsForbidden),
			engine: func(f *engineFaults) { f.nearMisses = true }},
		{FaultInfo: fi("first-list-entry-only", "the fields of a list are checked in its first entry only", "list", DirAcceptsForbidden),
			engine: func(f *engineFaults) { f.firstEntryOnly = true }},
		{FaultInfo: fi("pattern-lets-spaces-through", "patterns are matched with the spaces of the value left out, so a space passes where none is allowed", string(spec.KindPattern), DirAcceptsForbidden),
			engine: func(f *engineFaults) { f.patternSpaces = true }},
		{FaultInfo: fi("second-violation-code", "the engine reads its table of codes one row off: a violation is answered with the code of the check after it (of the second violation, when a request breaks two)", "order", DirWrongCode),
			engine: func(f *engineFaults) { f.secondCode = true }},
	}
	if gate := ruleGateParam(s); gate != "" {
		out = append(out, faultDef{FaultInfo: fi("rules-need-"+gate, "the requires rules are evaluated only when "+gate+" is present", "rule", DirAcceptsForbidden),
			engine: func(f *engineFaults) { f.ruleGate = gate }})
	}
	return out
}

// ruleGateParam picks the parameter the engine fault rules-need-<Param> waits for: the first
// optional parameter of the page, in description order, that has no default, names no
// resource, is no list and appears in no rule or state, so that nothing but that fault ties
// it to the rules.
func ruleGateParam(s *spec.Spec) string {
	named := map[string]bool{}
	for _, r := range s.Rules {
		for _, n := range append(append([]string{r.List}, r.Require...), r.Params...) {
			named[n] = true
		}
		for _, c := range r.When {
			named[c.Param] = true
		}
	}
	for _, st := range s.States {
		for _, n := range st.Params {
			named[n] = true
		}
	}
	for _, p := range s.UnderTest.Parameters {
		if p.Required || p.Common || p.Default != nil || p.Reference != "" || p.List != nil || p.Source != spec.SourceSeed || named[p.Name] ||
			slices.Contains(s.Wire.CommonParameters, p.Name) {
			continue
		}
		return p.Name
	}
	return ""
}

// implied names the rows that hold whenever the row named name does (rowImplies).
func implied(name string) []string {
	var out []string
	for _, r := range rowImplies[spec.StateName(name)] {
		out = append(out, string(r))
	}
	return out
}
