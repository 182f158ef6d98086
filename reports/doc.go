// Package reports turns the stream of results of a clbcheck run into reports. Every writer is a
// contracts.Reporter fed the same stream (Begin, then Case once per case, then End), and keeps
// only what it must show in detail: failures and warnings are held, passing cases are counted
// and dropped, skips are counted per reason. Memory therefore stays flat over long runs.
//
// Failures and warnings are grouped the same way everywhere, into findings: one per cause
// (check, subject, expected, actual; see Findings), each with the number of cases it affected
// and its smallest case as the example. Every writer leads with the findings. Output never
// depends on the order cases arrived in, so reports of one run are identical byte for byte.
//
// Writers (each a contracts.Reporter):
//   - [NewConsole] ([Console]): a summary for a terminal.
//   - [NewJSON] ([JSON]): the [JSONReport] document ([JSONSummary], [JSONCoverage],
//     [JSONFailure], [SkipReason]; [JSONSchemaVersion]).
//   - [NewJUnit] ([JUnit]): a failing testcase per failing finding, one testsuite per category
//     for the cases that did not fail (held in a spool, junit_spool.go, that spills sorted runs
//     to a temporary file: flat memory whatever the number of cases).
//   - [NewMarkdown] ([Markdown]): a pull-request comment.
//   - [NewSARIF], [NewSARIFDescribed] ([SARIF]): a SARIF 2.1.0 log ([SARIFSchema]) whose
//     findings point at the parameter or rule in [SpecPath].
//   - [NewHTML] ([HTML]): one self-contained page with coverage matrices, a chart and the
//     failures.
//
// Choosing and combining writers:
//   - [New] (a writer by format name), [Formats], [Multi] (fan-out), and [Files], which opens
//     one file per format, writes through a temporary file and renames it into place;
//     [RemoveUnfinished] for a process quitting at once. [ToolName] names the tool in reports.
//
// Findings, shared by every writer:
//   - [Findings] groups failures and warnings into [Finding] values by [Cause];
//     [FailureKey] and [FailingChecks] identify a failure; [CheckTally] counts cases per check.
//
// Reading reports back:
//   - [ReadJSON] reads a JSON report; [LoadCase] finds FILE#CASE for clbcheck replay.
//   - [MarkBaseline] ([BaselineMarker]) and [NewFailures] mark failures new or known against
//     an earlier report, so every report agrees with the exit status of a run with --baseline.
//   - [Merge] combines the reports of the shards of one run.
//
// Tests compare every format against golden files in testdata/ produced from one synthetic
// stream; run `go test ./reports -update` to rewrite them after an intended change.
package reports
