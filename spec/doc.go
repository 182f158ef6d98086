// Package spec holds the OpenAPI description of CreateLoadBalancerHTTPSListener (Slb 2014-05-15)
// and a typed, read-only model of it that every other package of clbcheck reads.
//
// The description (openapi.yaml, embedded) is the single source of truth for:
//
//   - the operation under test and its neighbours (Operation, Parameter, List);
//   - parameter constraints and the code answered when each is broken (Constraint, Outcome);
//   - conditional and cross-parameter rules (Rule, Condition);
//   - documented error codes, gateway errors, and what reaches each one (ErrorCode, Trigger);
//   - state names, provider-side scenarios and quotas (State, Scenario, Quota);
//   - the wire conventions (Wire) and the RAM authorization (RAM).
//
// Entry points:
//
//   - Default loads and validates the embedded description once and caches it.
//   - Parse loads a description from bytes (used to test the loader and by tools).
//   - Spec.ParamOutcome, Spec.RuleOutcome and Spec.WireOutcome give the expected answer of
//     breaking a constraint, a rule or a wire convention, as an Outcome in two parts: its
//     Direction (accept, refuse, either) with DirectionBasis, and the code with Basis.
//
// spec describes and decides nothing: it does not tell whether a request is valid. The
// emulator has its own validation engine (it models the service), and the harness its own
// referee (package referee); both read their data here.
//
// Names of parameters and operations used by Go code live once, in names.go; the loader
// refuses a description that lacks any of them, so code and data cannot drift apart.
//
// Load failures are *LoadError values with a stable LoadErrorCode.
package spec
