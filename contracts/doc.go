// Package contracts is the oracle of clbcheck: for every generated case it knows the documented
// outcome (from package spec), sends the case through a target, and judges the answer with a
// registry of named, individually configurable checks.
//
// Running a suite:
//   - [Execute] runs the cases of [Options] against a target and streams each [CaseResult] to
//     a [Reporter]; [Progress] reports after each case. Its steps are named in execute.go
//     (withDefaults, wire, execute, conclude); one case's in case.go (begin, prepare, setup,
//     send, judge, checkState, conclude). plan.go draws the cases of a run as it goes;
//     [Prepare] returns them all at once, [PlannedSequences] the lifecycle sequences
//     ([SequencesID]): beside the cases with several workers, after the catalogue's first
//     round (generators.FirstRound) with one. Defaults: [DefaultRandom], [DefaultRefusalBatch].
//   - [Run] is Execute for other projects' go test, one subtest per case.
//   - [Diff] and [DiffRun] ([DiffReport], [Difference]) send the same cases to two targets.
//
// Judging:
//   - [Registry] ([CheckInfo]) names every check; [DefaultChecks], [ParseChecks] and
//     [CheckConfig] switch them on or off and set their [Severity]; [CheckApplies] says
//     whether a check applies to a case.
//   - [JudgeOutcome] judges a status and code against an expected spec.Outcome under a profile
//     ([ProfileStrict], [ProfileDocumented]; [MissVerdict] is the softening every check
//     shares); a malformed answer fails with [NeitherSuccessNorRefusal] leading its message.
//     [Overrides] ([Override], [ParseOverrides], [ReadOverrides]) changes expectations from a
//     file.
//   - Answer checks, each a [Problem] or nil: [AnswerProblems], [StatusClass],
//     [StatusDocumented], [SuccessStatusDescribed], [CodeDocumented], [RequestIDPresent], [ContentTypeMatches], [XMLErrorLabelled], [XMLRootMatches],
//     [EnvelopeSafe]. [ReadBack] judges a created listener read back.
//   - State checks (statecheck.go: a success created exactly the listener asked for, a
//     refusal changed nothing; refusals.go confirms refusals a batch at a time), races for
//     concurrent cases (race.go), and shrinking of failing random cases (shrink.go,
//     [ShrinkStats]).
//
// Results:
//   - [CaseResult] with its [CheckResult] list and [Verdict], the [Breach] a negative case
//     made, its [Exchange] and [Repro] lines ([ShellQuote], [CurlNeedsNoAuth]).
//   - [Summary] (and [Meta], [Trouble]): what a run concludes, its status (StatusAborted ...)
//     and why it stopped (StoppedByBudget ...); [DefaultTransientLimit].
//   - [Coverage] ([CodeCoverage], [ParamCoverage]): which documented codes were reached and
//     asserted, which constraints and rules had cases.
//
// Choosing cases and explaining errors:
//   - [CaseFilter] picks cases by id, prefix, glob, parameter or check; [Nearest] suggests a
//     name for "did you mean".
//   - [ErrorText] says what went wrong in words; [SkippedForCredentials] tells a case skipped
//     for lack of credentials. [Version] is the tool's version in reports.
package contracts
