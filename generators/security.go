package generators

import (
	"github.com/clbcheck/clbcheck/spec"
)

// security adds the cases about who may call: signatures, replay, keys, RAM and accounts,
// plus the gateway's answers to an unknown action, version or method.
func (b *builder) security(base []Param) {
	s := b.s
	gw := func(state spec.GatewayState) spec.Outcome {
		e, ok := s.GatewayError(state)
		if !ok {
			return spec.Outcome{Code: "unknown gateway state " + string(state), Status: 400, Basis: spec.Inferred}
		}
		o := e.Outcome()
		o.DirectionBasis = spec.Documented // the gateway refuses all of these
		return o
	}
	for _, a := range []struct {
		auth  spec.Auth
		state spec.GatewayState
	}{
		{spec.AuthUnsigned, spec.GatewayMissingSignature},
		{spec.AuthBadSignature, spec.GatewayBadSignature},
		{spec.AuthReplayedNonce, spec.GatewayNonceReplayed},
		{spec.AuthReplayedNonceLate, spec.GatewayNonceReplayed},
		{spec.AuthV3ReplayedNonce, spec.GatewayNonceReplayed},
		{spec.AuthStaleTimestamp, spec.GatewayStaleTimestamp},
		{spec.AuthUnknownKey, spec.GatewayUnknownAccessKey},
	} {
		b.add(Case{ID: "security/" + string(a.auth), Scenario: "AUTH_" + string(a.state), Category: Security, Params: base, Auth: a.auth,
			Expect: gw(a.state), Broken: &Broken{Kind: BrokenAuth, Rule: string(a.auth)}})
	}
	b.add(Case{ID: "security/v3-signed", Scenario: "AUTH_V3", Category: Security, Params: base, Auth: spec.AuthV3, Expect: success()})
	b.add(Case{ID: "security/v3-bad-signature", Scenario: "AUTH_V3_bad-signature", Category: Security, Params: base, Auth: spec.AuthV3BadSignature,
		Expect: gw(spec.GatewayBadSignature), Broken: &Broken{Kind: BrokenAuth, Rule: string(spec.AuthV3BadSignature)}})
	b.gatewayRules(base, gw)
	b.add(Case{ID: "security/sts-token", Scenario: "AUTH_STS", Category: Security, Params: base, Auth: spec.AuthSTS, Expect: success()})
	// A token that was not issued for the key: the references name a code but the page says
	// nothing of it, so refusing it is expected without certainty.
	wrong := gw(spec.GatewayTokenMismatch)
	wrong.Basis, wrong.DirectionBasis = spec.Inferred, spec.Inferred
	b.add(Case{ID: "security/" + string(spec.AuthSTSWrongToken), Scenario: "AUTH_STS_wrong-token", Category: Security, Params: base, Auth: spec.AuthSTSWrongToken,
		Expect: wrong, Broken: &Broken{Kind: BrokenAuth, Rule: string(spec.AuthSTSWrongToken)}})
	b.add(Case{ID: "security/ram-denied", Scenario: "AUTH_ram-denied", Category: Security, Params: base, Principal: spec.PrincipalRestricted,
		Expect: gw(spec.GatewayRAMDenied), Broken: &Broken{Kind: BrokenAuth, Rule: "ram-denied"}})
	b.add(Case{ID: "security/disabled-key", Scenario: "AUTH_disabled-access-key", Category: Security, Params: base, Principal: spec.PrincipalDisabled,
		Expect: gw(spec.GatewayDisabledKey), Broken: &Broken{Kind: BrokenAuth, Rule: "disabled-key"}})
	// Another account may not use the primary account's instance.
	if e, ok := s.StateError(spec.StateLoadBalancerNotFound); ok {
		o := e.Outcome()
		o.Basis, o.DirectionBasis = spec.Inferred, spec.Documented
		b.add(Case{ID: "security/cross-account-instance", Scenario: "CROSS_ACCOUNT_INSTANCE", Category: Security, Params: withRef(base, spec.ParamServerCertificateID, spec.SlotCertForeign),
			Principal: spec.PrincipalSecond, Expect: o, Broken: &Broken{Kind: BrokenAuth, Rule: "cross-account"}})
	}
	b.add(Case{ID: "wire/UNKNOWN_ACTION", Scenario: "UNKNOWN_ACTION", Category: Wire, Params: base, Action: "ClbcheckNoSuchAction",
		Expect: gw(spec.GatewayUnknownAction), Broken: &Broken{Kind: BrokenWire, Rule: "unknown-action"}})
	b.add(Case{ID: "wire/UNKNOWN_VERSION", Scenario: "UNKNOWN_VERSION", Category: Wire, Params: base, Version: "2099-01-01",
		Expect: gw(spec.GatewayUnknownVersion), Broken: &Broken{Kind: BrokenWire, Rule: "unknown-version"}})
	b.add(Case{ID: "wire/METHOD_PUT", Scenario: "UNSUPPORTED_METHOD", Category: Wire, Params: base, Method: "PUT",
		Expect: gw(spec.GatewayBadMethod), Broken: &Broken{Kind: BrokenWire, Rule: "bad-method"}})
}

// gatewayRules adds the cases of the gateway's own rules: which headers a V3 signature must
// cover, both edges of the timestamp window, and a parameter repeated under V1.
func (b *builder) gatewayRules(base []Param, gw func(spec.GatewayState) spec.Outcome) {
	// The V3 rules require host and every x-acs-* header sent in SignedHeaders, so the
	// refusal is documented; which code the gateway gives is not (the description's accepted
	// variants of the signature answer apply).
	unsigned := gw(spec.GatewayMissingSignature)
	unsigned.Basis = spec.Inferred
	for _, a := range []spec.Auth{spec.AuthV3MinimalHeaders, spec.AuthV3HostUnsigned, spec.AuthV3AddedHeader} {
		b.add(Case{ID: "security/" + string(a), Scenario: "AUTH_V3_unsigned-header", Category: Security, Params: base, Auth: a,
			Expect: unsigned, Broken: &Broken{Kind: BrokenAuth, Rule: string(a)}})
	}
	// The digest a V3 request states must be its body's; the references name no code for a
	// digest that is not, so the signature answers are hoped for and others accepted.
	otherDigest := gw(spec.GatewayBadSignature)
	otherDigest.Basis = spec.Inferred
	b.add(Case{ID: "security/" + string(spec.AuthV3BodyHashMismatch), Scenario: "AUTH_V3_body-hash", Category: Security, Params: base,
		Auth: spec.AuthV3BodyHashMismatch, Expect: otherDigest, Broken: &Broken{Kind: BrokenAuth, Rule: string(spec.AuthV3BodyHashMismatch)}})
	// The window has a future edge too, however far beyond it a timestamp lies.
	for _, a := range []spec.Auth{spec.AuthFarFutureTimestamp, spec.AuthV3FarFutureDate} {
		b.add(Case{ID: "security/" + string(a), Scenario: "AUTH_stale-timestamp", Category: Security, Params: base, Auth: a,
			Expect: gw(spec.GatewayStaleTimestamp), Broken: &Broken{Kind: BrokenAuth, Rule: string(a)}})
	}
	dup, ok := repeatable(base)
	if !ok {
		return
	}
	twice := append(append([]Param{}, base...), dup)
	// A repeated parameter does not excuse a wrong signature.
	b.add(Case{ID: "security/repeated-parameter-bad-signature", Scenario: "AUTH_bad-signature", Category: Security, Params: twice,
		Auth: spec.AuthBadSignature, Expect: gw(spec.GatewayBadSignature), Broken: &Broken{Kind: BrokenAuth, Rule: string(spec.AuthBadSignature)}})
	// Signed over the parameters as the server reads them (the repeated name once) rather
	// than as sent: the page and the description say nothing that decides it.
	once := gw(spec.GatewayBadSignature)
	once.Either, once.Basis, once.DirectionBasis = true, spec.Inferred, spec.Inferred
	b.add(Case{ID: "wire/repeated-parameter-signed-once", Scenario: "DUPLICATE_PARAMETER_SAME_VALUE", Category: Wire, Params: twice,
		Auth: spec.AuthV1SignedOnce, Expect: once})
}

// repeatable picks a parameter of base with a literal value, to be sent a second time.
func repeatable(base []Param) (Param, bool) {
	for _, p := range base {
		if p.Ref == "" && p.Value != "" && !p.Raw {
			return p, true
		}
	}
	return Param{}, false
}
