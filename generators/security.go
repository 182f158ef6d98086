package generators

import (
	"github.com/clbcheck/clbcheck/spec"
)

// security adds the cases about who may call: signatures, replay, keys, RAM and accounts,
// plus the gateway's answers to an unknown action, version or method.
func (b *builder) security(base []Param) {
	s := b.s
	gw := func(state string) spec.Outcome {
		e, ok := s.GatewayError(state)
		if !ok {
			return spec.Outcome{Code: "unknown gateway state " + state, Status: 400, Basis: spec.Inferred}
		}
		o := e.Outcome()
		o.DirectionBasis = spec.Documented // the gateway refuses all of these
		return o
	}
	for _, a := range []struct {
		auth  Auth
		state string
	}{
		{AuthUnsigned, "missing-signature"},
		{AuthBadSignature, "bad-signature"},
		{AuthReplayedNonce, "nonce-replayed"},
		{AuthStaleTimestamp, "stale-timestamp"},
		{AuthUnknownKey, "unknown-access-key"},
	} {
		b.add(Case{ID: "security/" + string(a.auth), Scenario: "AUTH_" + a.state, Category: Security, Params: base, Auth: a.auth,
			Expect: gw(a.state), Broken: &Broken{Kind: BrokenAuth, Rule: string(a.auth)}})
	}
	b.add(Case{ID: "security/v3-signed", Scenario: "AUTH_V3", Category: Security, Params: base, Auth: AuthV3, Expect: success()})
	b.add(Case{ID: "security/v3-bad-signature", Scenario: "AUTH_V3_bad-signature", Category: Security, Params: base, Auth: AuthV3BadSignature,
		Expect: gw("bad-signature"), Broken: &Broken{Kind: BrokenAuth, Rule: string(AuthV3BadSignature)}})
	b.add(Case{ID: "security/sts-token", Scenario: "AUTH_STS", Category: Security, Params: base, Auth: AuthSTS, Expect: success()})
	b.add(Case{ID: "security/ram-denied", Scenario: "AUTH_ram-denied", Category: Security, Params: base, Principal: PrincipalRestricted,
		Expect: gw("ram-denied"), Broken: &Broken{Kind: BrokenAuth, Rule: "ram-denied"}})
	b.add(Case{ID: "security/disabled-key", Scenario: "AUTH_disabled-access-key", Category: Security, Params: base, Principal: PrincipalDisabled,
		Expect: gw("disabled-access-key"), Broken: &Broken{Kind: BrokenAuth, Rule: "disabled-key"}})
	// Another account may not use the primary account's instance.
	if e, ok := s.StateError("load-balancer-not-found"); ok {
		o := e.Outcome()
		o.Basis, o.DirectionBasis = spec.Inferred, spec.Documented
		b.add(Case{ID: "security/cross-account-instance", Scenario: "CROSS_ACCOUNT_INSTANCE", Category: Security, Params: withRef(base, spec.ParamServerCertificateID, SlotCertForeign),
			Principal: PrincipalSecond, Expect: o, Broken: &Broken{Kind: BrokenAuth, Rule: "cross-account"}})
	}
	b.add(Case{ID: "wire/UNKNOWN_ACTION", Scenario: "UNKNOWN_ACTION", Category: Wire, Params: base, Action: "ClbcheckNoSuchAction",
		Expect: gw("unknown-action"), Broken: &Broken{Kind: BrokenWire, Rule: "unknown-action"}})
	b.add(Case{ID: "wire/UNKNOWN_VERSION", Scenario: "UNKNOWN_VERSION", Category: Wire, Params: base, Version: "2099-01-01",
		Expect: gw("unknown-version"), Broken: &Broken{Kind: BrokenWire, Rule: "unknown-version"}})
	b.add(Case{ID: "wire/METHOD_PUT", Scenario: "UNSUPPORTED_METHOD", Category: Wire, Params: base, Method: "PUT",
		Expect: gw("bad-method"), Broken: &Broken{Kind: BrokenWire, Rule: "bad-method"}})
}
