// Package generators turns the description in package spec into test cases: valid requests,
// requests that break exactly one documented rule at its boundary, the state a documented
// error needs, and random requests from gopter generators with seeds and shrinking.
//
// Contents:
//
//   - case.go: Case, Param, Call, Broken and the fixture slot names a case may refer to.
//   - values.go: valid values for a parameter and the boundary values that break each constraint.
//   - enumerate.go: Enumerate, the deterministic catalogue of positive, negative and wire cases.
//   - states.go: cases that need state (ports in use, foreign certificates, quotas, scenarios).
//   - security.go: cases about signatures, replay, keys and RAM, and the gateway's own rules
//     (which headers a V3 signature covers, both edges of the timestamp window, a parameter
//     repeated under V1).
//   - random.go: gopter generators of valid requests and of single-violation requests.
//   - confirm.go: Confirm, which checks on the decoded wire bytes that a case breaks exactly
//     the rule it claims (and that a positive case breaks none).
//
// Nothing here sends a request: package target does, and package contracts judges.
package generators
