// Package spec holds the OpenAPI description of CreateLoadBalancerHTTPSListener (Slb 2014-05-15)
// and a typed, read-only model of it that every other package of clbcheck reads. spec describes
// and decides nothing: it does not tell whether a request is valid. The emulator has its own
// validation engine (it models the service), and the harness its own referee (package
// referee); both read their data here.
//
// # Loading
//
//   - [Default] loads and validates the embedded description once and caches it;
//     [MustDefault] is Default for code that cannot go on without it.
//   - [Parse] loads a description from bytes (used to test the loader and by tools);
//     [Document] returns the embedded bytes.
//   - Load failures are [*LoadError] values with a stable [LoadErrorCode].
//
// # The model
//
//   - [Spec] is the whole description: [Spec.Operation] finds an [Operation] (the one under
//     test and its neighbours), whose [Parameter] values carry their [Constraint] list (each
//     of a [Kind]), a [List] of [Field] entries for flattened lists, and their [Source].
//   - [Rule] and [Condition] are the conditional and cross-parameter rules ([Spec.Rule]).
//   - [ErrorCode] and [Trigger] are the error catalogue and what reaches each code:
//     [Spec.Error], [Spec.DocumentedCodes], [Spec.GatewayError], [Spec.NeighbourError],
//     [Spec.NeighbourCode], [Spec.StateError], [Spec.ErrorsForState]; [MatchCode] compares
//     a code with a pattern.
//   - [State], [Scenario] and [Quota] are the service's states, provider-side scenarios and
//     limits ([Spec.State], [Spec.Scenario], [Spec.Quota]).
//   - [Wire] holds the wire conventions, [RAM] and [RAMResource] the authorization.
//
// # Expected answers
//
// [Spec.ParamOutcome], [Spec.RuleOutcome] and [Spec.WireOutcome] give the expected answer of
// breaking a constraint, a rule or a wire convention, as an [Outcome] in two parts: its
// [Direction] (accept, refuse, either) with DirectionBasis, and the code with its [Basis].
//
// # Names
//
// Every name Go code uses lives once, in names.go: operations, parameters and response
// fields (ParamListenerPort, FieldStatus ...), and the data-key vocabularies, each of its own
// type: [StateName], [ScenarioName], [QuotaName], [GatewayState], [NeighbourState], [RuleID]
// and [RefKind]. The loader refuses a description that lacks any of them, and one that
// defines a state, scenario, quota, gateway or neighbour state, rule or reference kind Go code
// does not know, so code and data cannot drift apart.
//
// # The harness's own names
//
// harness.go holds names the description does not define but which generation, sending,
// resources and the emulator adapter share: [Auth] and its modes (AuthV1, AuthV3,
// AuthBadSignature ...), the principals (PrincipalPrimary, PrincipalSecond,
// PrincipalRestricted, PrincipalDisabled), the fixture slots (SlotLB, SlotCert ... and the
// prefixes SlotZonePrefix, SlotRegionPrefix, SlotLocalPrefix), [RunTagKey] and
// [ReplayMissCode]. They live here so that package target need not import package
// generators for them.
package spec
