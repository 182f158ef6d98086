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
// Contents:
//
//   - common.go: the shared collector, Cause, FailingChecks, FailureKey and ordering.
//   - findings.go: Findings, the pure grouping of failures and warnings by cause every writer
//     uses, and CheckTally, passed, failed and warned cases per check.
//   - baseline.go: MarkBaseline, which marks failures new or known against an earlier report
//     so that every report agrees with the exit status of a run with --baseline.
//   - console.go: NewConsole, a summary for a terminal.
//   - json.go: NewJSON and the JSONReport document; ReadJSON for `clbcheck replay FILE#CASE`
//     (JSONReport.Find), NewFailures for `--baseline`, Merge for combining shards.
//   - junit.go: NewJUnit, JUnit XML with a failing testcase per failing finding and one
//     testsuite per category for the cases that did not fail.
//   - markdown.go: NewMarkdown, a pull-request comment.
//   - sarif.go: NewSARIF and NewSARIFDescribed, a SARIF 2.1.0 log whose findings point at the
//     parameter or rule in spec/openapi.yaml.
//   - html.go, report.html.tmpl: NewHTML, one self-contained page (inline CSS and SVG, no
//     network) with the coverage matrices, a chart of outcomes and the failures.
//   - multi.go: Multi (fan-out), New (writer by format name), Formats, and Files, which opens one
//     file per format and gives clear errors when a path cannot be written.
//   - atomic.go: report files written to a temporary file and renamed, with a complete "did not
//     finish" report at the path from the start; RemoveUnfinished for a process quitting at once.
//
// Tests compare every format against golden files in testdata/ produced from one synthetic
// stream; run `go test ./reports -update` to rewrite them after an intended change.
package reports
