// Package contracts is the oracle of clbcheck: for every generated case it knows the documented
// outcome (from package spec), sends the case through a target, and judges the answer with a
// registry of named, individually configurable checks.
//
// Contents:
//
//   - result.go: the result model every report writer consumes (CaseResult, Summary, Coverage,
//     Reporter).
//   - outcome.go: what a run concludes (Summary.Status: pass, fail, aborted, inconclusive,
//     incomplete, transient), the Trouble counts by kind, and how a run finds it judged too
//     little (no case judged, a fixture most cases need not built) or met too much trouble.
//   - checks.go: the registry of named checks and their configuration (on/off, severity).
//   - profile.go: the strict and documented profiles and expectation overrides from a file.
//   - runner.go: Execute, which generates, sends, judges and reports, with workers, a rate
//     limit, time and request budgets, progress, shrinking of failing random cases and cleanup.
//   - plan.go: the cases of a run in order, the enumerated ones held and the random ones drawn
//     by index as the workers take them; its shard, filter and MaxCases.
//   - refusals.go: how refused cases are shown to have changed nothing, a batch at a time with
//     one listing of their load balancer's listeners once the target's listings have proved
//     reliable, else a read-back per port.
//   - stateful.go: gopter command sequences of the listener lifecycle run against the target.
//   - coverage.go: which documented codes were reached and asserted, which constraints hit.
//   - diff.go: Diff and DiffRun, the same cases sent to two targets and every difference listed
//     (a case one side skips for lack of credentials is not compared).
//   - filter.go: CaseFilter, the command line's choice of cases by id, prefix or glob, by
//     parameter and by check (CheckApplies), and Nearest for "did you mean" hints.
//   - repro.go: the reproduction lines of a case that did not pass (rerun, signed replay, an
//     unsigned curl line with what it needs), ShellQuote.
//   - errtext.go: ErrorText, errors in words rather than Go's "context canceled"; the refusal of
//     a nil target; SkippedForCredentials.
//   - expectations_check.go: the refusal of --expectations entries naming a parameter, kind,
//     rule, scenario or case the harness does not know.
//   - example_test.go: Example, the README's library example, run with the tests.
//   - testing.go: Run(t, target, opts) for other projects' go test, one subtest per case.
package contracts
