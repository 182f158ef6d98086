package reports_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the current output")

var started = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func fixtureMeta() contracts.Meta {
	return contracts.Meta{
		Tool: "clbcheck", Version: "0.1.0-test", Target: "emulator", Profile: "strict", Seed: 42,
		Started: started, Checks: []string{"not_server_error", "status_code", "error_code", "response_schema"},
	}
}

func repro(id string) *contracts.Repro {
	return &contracts.Repro{
		Replay: "clbcheck replay out/report.json#" + id,
		Curl:   "curl -sS 'http://127.0.0.1:8080/?Action=CreateLoadBalancerHTTPSListener&ListenerPort=65536'",
	}
}

func pass(id, cat, scenario string, size int) contracts.CaseResult {
	return contracts.CaseResult{
		ID: id, Scenario: scenario, Category: cat, Expected: "success", Basis: "documented", Actual: "200 success",
		Verdict: contracts.Pass, Seed: 42, Size: size, DurationMS: 12,
		Checks: []contracts.CheckResult{{Check: "not_server_error", Verdict: contracts.Pass}, {Check: "status_code", Verdict: contracts.Pass}},
	}
}

// fixtureCases is the synthetic stream every golden file is made from: three passes, two
// failures sharing a cause with different sizes (the larger arrives first), a failure with
// another cause, a warning and a skip.
func fixtureCases() []contracts.CaseResult {
	bigFail := contracts.CaseResult{
		ID: "negative/ListenerPort/maximum/full", Scenario: "VALUE_ABOVE_MAXIMUM", Category: "negative",
		Broken:   &contracts.Breach{Param: "ListenerPort", Kind: "maximum", Original: "443", Sent: "65536", Wire: "ListenerPort"},
		Expected: "400 InvalidParameter", Basis: "documented", Actual: "200 success", Verdict: contracts.Fail,
		Checks: []contracts.CheckResult{
			{Check: "not_server_error", Verdict: contracts.Pass},
			{Check: "error_code", Verdict: contracts.Fail, Severity: contracts.SeverityError,
				Message: "a value above the maximum was accepted", Expected: "400 InvalidParameter", Actual: "200 success"},
		},
		Exchange: &contracts.Exchange{Method: "GET", URL: "http://127.0.0.1:8080/?Action=CreateLoadBalancerHTTPSListener",
			Status: 200, RequestID: "req-0002", ContentType: "application/json", Response: `{"RequestId":"req-0002"}`, DurationMS: 3},
		Repro: repro("negative/ListenerPort/maximum/full"), Seed: 42, Size: 14, DurationMS: 15,
	}
	smallFail := bigFail
	smallFail.ID = "negative/ListenerPort/maximum/minimal"
	smallFail.Size = 6
	smallFail.Exchange = &contracts.Exchange{Method: "GET", URL: "http://127.0.0.1:8080/?Action=CreateLoadBalancerHTTPSListener",
		Status: 200, RequestID: "req-0003", Response: `{"RequestId":"req-0003"}`}
	smallFail.Repro = repro(smallFail.ID)
	ruleFail := contracts.CaseResult{
		ID: "rule/cookie-required", Scenario: "RULE_VIOLATED", Category: "rule",
		Broken:   &contracts.Breach{Kind: "rule", Rule: "cookie-required"},
		Expected: "400 MissingParameter", Basis: "documented", Actual: "500 InternalError", Verdict: contracts.Fail,
		Checks: []contracts.CheckResult{
			{Check: "not_server_error", Verdict: contracts.Fail, Message: "the server answered 500",
				Expected: "a status below 500", Actual: "500 InternalError"},
		},
		Exchange: &contracts.Exchange{Method: "POST", URL: "http://127.0.0.1:8080/", Body: "StickySession=on&StickySessionType=server",
			Status: 500, Code: "InternalError", RequestID: "req-0004", Response: `{"Code":"InternalError"}`},
		Repro: &contracts.Repro{Replay: "clbcheck replay out/report.json#rule/cookie-required",
			Curl: "curl -sS -X POST --data 'StickySession=on&StickySessionType=server' 'http://127.0.0.1:8080/'"},
		Seed: 42, Size: 8, DurationMS: 9,
	}
	warn := contracts.CaseResult{
		ID: "negative/RegionId/pattern", Scenario: "PATTERN_MISMATCH", Category: "negative",
		Broken:   &contracts.Breach{Param: "RegionId", Kind: "pattern", Original: "cn-hangzhou", Sent: "CN_HANGZHOU"},
		Expected: "400 InvalidParameter", Basis: "inferred", DirectionBasis: "documented", Direction: "refuse", Actual: "400 InvalidRegionId", Verdict: contracts.Warn,
		Checks: []contracts.CheckResult{{Check: "error_code", Verdict: contracts.Warn, Severity: contracts.SeverityWarning,
			Expected: "400 InvalidParameter", Actual: "400 InvalidRegionId"}},
		Repro: repro("negative/RegionId/pattern"), Seed: 42, Size: 6, DurationMS: 7,
	}
	skip := contracts.CaseResult{
		ID: "state/certificate-expired", Scenario: "STATE_EXPIRED_CERTIFICATE", Category: "state",
		Broken:  &contracts.Breach{Kind: "state", Rule: "certificate-expired"},
		Verdict: contracts.Skip, SkipReason: "no expired certificate fixture on this target", Seed: 42,
	}
	return []contracts.CaseResult{
		pass("positive/minimal", "positive", "VALID_MINIMAL", 5),
		bigFail,
		pass("positive/full", "positive", "VALID_FULL", 20),
		ruleFail,
		pass("negative/Bandwidth/minimum", "negative", "VALUE_BELOW_MINIMUM", 6),
		warn,
		smallFail,
		skip,
	}
}

func fixtureSummary() contracts.Summary {
	return contracts.Summary{
		Target: "emulator", Profile: "strict", Seed: 42, Started: started,
		Duration: 1500 * time.Millisecond, DurationS: 1.5,
		Cases: 8, Passed: 3, Failed: 3, Skipped: 1, Warnings: 1,
	}
}

func fixtureCoverage() contracts.Coverage {
	return contracts.Coverage{
		Codes: []contracts.CodeCoverage{
			{Code: "InvalidParameter", Status: 400, Documented: true, Trigger: "a parameter breaks its constraint", Reached: true, Asserted: true, Expected: 3},
			{Code: "MissingParameter", Status: 400, Documented: true, Trigger: "a required parameter is absent", Reached: true, Asserted: true, Expected: 2},
			{Code: "ServerCertificateId.NotExist", Status: 400, Documented: true, Trigger: "the certificate id is unknown", Reached: true, Expected: 1},
			{Code: "Forbidden.RAM", Status: 403, Documented: true, Trigger: "the caller lacks the RAM permission", Reason: "needs a RAM user without the permission"},
			{Code: "ServerCertificate.Expired", Status: 400, Documented: true, Trigger: "the certificate has expired", Reason: "no expired certificate fixture on this target"},
			{Code: "InternalError", Status: 500, Gateway: true, Trigger: "the service failed", Reached: true},
		},
		Params: []contracts.ParamCoverage{
			{Param: "ListenerPort", Kind: "maximum", Cases: 2, Fails: 2},
			{Param: "ListenerPort", Kind: "minimum", Cases: 2},
			{Param: "Bandwidth", Kind: "minimum", Cases: 1},
			{Param: "RegionId", Kind: "pattern", Cases: 1},
			{Param: "RegionId", Kind: "maxLength", Cases: 2},
		},
		Rules: []contracts.ParamCoverage{
			{Param: "cookie-required", Kind: "requires", Cases: 1, Fails: 1},
			{Param: "sticky-session-type-required", Kind: "requires", Cases: 1},
		},
	}
}

// feed runs the stream through r.
func feed(t testing.TB, r contracts.Reporter, meta contracts.Meta, cases []contracts.CaseResult, sum contracts.Summary, cov contracts.Coverage) {
	t.Helper()
	require.NoError(t, r.Begin(meta))
	for _, c := range cases {
		require.NoError(t, r.Case(c))
	}
	require.NoError(t, r.End(sum, cov))
}

// render produces one format from the fixture stream.
func render(t testing.TB, mk func(w *bytes.Buffer) contracts.Reporter, cases []contracts.CaseResult) []byte {
	t.Helper()
	var buf bytes.Buffer
	feed(t, mk(&buf), fixtureMeta(), cases, fixtureSummary(), fixtureCoverage())
	return buf.Bytes()
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file missing; run go test ./reports -update")
	require.Equal(t, string(want), string(got), "output differs from %s; if the change is intended, run go test ./reports -update", path)
}
