// Package reports turns the stream of results of a clbcheck run into reports. Every writer is a
// contracts.Reporter fed the same stream (Begin, then Case once per case, then End), and keeps
// only what it must show in detail: failures and warnings are held, passing cases are counted
// and dropped, skips are counted per reason. Memory therefore stays flat over long runs.
//
// Failures are grouped the same way everywhere: by check, then by cause (the broken parameter
// and constraint kind, or the rule, state or auth mode), smallest reproducer first. Output never
// depends on the order cases arrived in, so reports of one run are identical byte for byte.
//
// Contents:
//
//   - common.go: the shared collector, grouping (Cause, FailingChecks, FailureKey) and ordering.
//   - console.go: NewConsole, a summary for a terminal.
//   - json.go: NewJSON and the JSONReport document; ReadJSON for `clbcheck replay FILE#CASE`
//     (JSONReport.Find), NewFailures for `--baseline`, Merge for combining shards.
//   - junit.go: NewJUnit, JUnit XML with one testsuite per category.
//   - markdown.go: NewMarkdown, a pull-request comment.
//   - sarif.go: NewSARIF and NewSARIFDescribed, a SARIF 2.1.0 log whose findings point at the
//     parameter or rule in spec/openapi.yaml.
//   - html.go, report.html.tmpl: NewHTML, one self-contained page (inline CSS and SVG, no
//     network) with the coverage matrices, a chart of outcomes and the failures.
//   - multi.go: Multi (fan-out), New (writer by format name), Formats, and Files, which opens one
//     file per format and gives clear errors when a path cannot be written.
//
// Tests compare every format against golden files in testdata/ produced from one synthetic
// stream; run `go test ./reports -update` to rewrite them after an intended change.
package reports
