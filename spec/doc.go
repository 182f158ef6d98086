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
//   - Parameter.Check and List.Check tell which constraint a wire value breaks, if any.
//   - Spec.ParamOutcome, Spec.RuleOutcome and Spec.ErrorOutcome give the expected answer.
//
// Names of parameters and operations used by Go code live once, in names.go; the loader
// refuses a description that lacks any of them, so code and data cannot drift apart.
//
// Load failures are *LoadError values with a stable LoadErrorCode.
package spec
