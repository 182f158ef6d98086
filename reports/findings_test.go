package reports_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/reports"
)

// missingDefault is a case whose read-back lacks a default: the same cause on every case that
// leaves TLSCipherPolicy out, whatever else it sends.
func missingDefault(i int) contracts.CaseResult {
	return contracts.CaseResult{
		ID: fmt.Sprintf("positive/case-%03d", i), Category: "positive", Expected: "success", Actual: "200 success", Verdict: contracts.Warn,
		Size: 5 + i%7, Seed: 1,
		Checks: []contracts.CheckResult{
			{Check: "expected-outcome", Verdict: contracts.Pass},
			{Check: "listener-created", Verdict: contracts.Warn, Subject: "TLSCipherPolicy",
				Message:  fmt.Sprintf("the read-back of request %d lacks the default", i),
				Expected: `default "tls_cipher_policy_1_0"`, Actual: "nothing"},
		},
		Exchange: &contracts.Exchange{RequestID: fmt.Sprintf("req-%d", i)},
	}
}

func refusedWithBody(i int, param string) contracts.CaseResult {
	return contracts.CaseResult{
		ID: fmt.Sprintf("negative/%s/%d", param, i), Category: "negative", Verdict: contracts.Fail, Size: 6, Expected: "400 X", Actual: "400 X",
		Broken: &contracts.Breach{Param: param, Kind: "maximum"},
		Checks: []contracts.CheckResult{{Check: "response-schema", Verdict: contracts.Fail, Message: "the body does not match: property Code is missing",
			Expected: "a body matching the schema", Actual: fmt.Sprintf(`{"RequestId":"%08d-1111-2222-3333-444444444444","Message":"m"}`, i)}},
	}
}

// A finding's example is a valid request when one has it, even if a smaller case that breaks
// something on purpose (and was accepted) has it too.
func TestFindingExamplePrefersAValidRequest(t *testing.T) {
	accepted := missingDefault(1)
	accepted.ID, accepted.Category, accepted.Size = "negative/rule/x/none", "negative", 1
	accepted.Broken = &contracts.Breach{Kind: "rule", Rule: "x"}
	valid := missingDefault(2)
	valid.Size = 9
	fs := reports.Findings([]contracts.CaseResult{accepted, valid})
	require.Len(t, fs, 1)
	assert.Equal(t, valid.ID, fs[0].Example)
	assert.Equal(t, []string{valid.ID, accepted.ID}, fs[0].Cases)
}

func TestFindingsOnePerCause(t *testing.T) {
	var cases []contracts.CaseResult
	for i := range 294 {
		cases = append(cases, missingDefault(i))
	}
	for i := range 3 {
		cases = append(cases, refusedWithBody(i, "ListenerPort"))
	}
	cases = append(cases, refusedWithBody(9, "Bandwidth"))
	// A case failing two checks belongs to two findings.
	two := refusedWithBody(20, "ListenerPort")
	two.Checks = append(two.Checks, contracts.CheckResult{Check: "request-id", Verdict: contracts.Fail, Expected: "a RequestId", Actual: "none"})
	cases = append(cases, two)
	cases = append(cases, contracts.CaseResult{ID: "positive/ok", Verdict: contracts.Pass, Checks: []contracts.CheckResult{{Check: "listener-created", Verdict: contracts.Pass}}})

	fs := reports.Findings(cases)
	require.Len(t, fs, 3, "%+v", fs)
	// Failing findings first, the most frequent first among them.
	assert.Equal(t, contracts.Fail, fs[0].Verdict)
	assert.Equal(t, "response-schema", fs[0].Check)
	assert.Empty(t, fs[0].Subject, "an answer's shape is not about the parameter the case broke")
	assert.Equal(t, 5, fs[0].Count, "neither request ids in the body nor the broken parameter split a finding about the answer's shape")
	assert.Equal(t, "request-id", fs[1].Check, "one case: by check name")
	last := fs[2]
	assert.Equal(t, contracts.Warn, last.Verdict)
	assert.Equal(t, "listener-created", last.Check)
	assert.Equal(t, "TLSCipherPolicy", last.Subject)
	assert.Equal(t, 294, last.Count, "one missing default is one finding")
	assert.Len(t, last.Cases, 294)
	assert.Equal(t, "positive/case-000", last.Example, "the smallest case is the example")
	assert.Equal(t, last.Example, last.Cases[0])
	assert.Equal(t, "listener-created · TLSCipherPolicy: expected default \"tls_cipher_policy_1_0\", got nothing", last.Title())

	// The grouping depends on the cases only, not on their order.
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5 {
		shuffled := append([]contracts.CaseResult(nil), cases...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		assert.Equal(t, fs, reports.Findings(shuffled))
	}
	assert.Empty(t, reports.Findings(nil))
}

// Every writer shows the 294 cases of one missing default as one finding.
func TestEveryWriterShowsOneFindingPerCause(t *testing.T) {
	var cases []contracts.CaseResult
	for i := range 294 {
		cases = append(cases, missingDefault(i))
	}
	fail := refusedWithBody(1, "ListenerPort")
	cases = append(cases, fail)
	sum := contracts.Summary{Cases: 295, Passed: 294, Warnings: 294, Failed: 1}
	out := map[string]string{}
	for _, w := range writers() {
		var buf bytes.Buffer
		feed(t, w.mk(&buf), fixtureMeta(), cases, sum, contracts.Coverage{})
		out[w.format] = buf.String()
	}
	assert.Equal(t, 1, strings.Count(out["console"], "TLSCipherPolicy: expected"), out["console"])
	assert.Contains(t, out["console"], "[294 cases]")
	assert.NotContains(t, out["console"], "positive/case-100", "not every case is listed")
	assert.Equal(t, 1, strings.Count(out["md"], "| `listener-created` | TLSCipherPolicy |"))
	assert.Contains(t, out["md"], "| 294 |")
	assert.Equal(t, 1, strings.Count(out["html"], `<h3>listener-created</h3>`))

	var doc junitDoc
	require.NoError(t, xml.Unmarshal([]byte(out["junit"]), &doc))
	assert.Equal(t, 1, doc.Failures)
	assert.Equal(t, 1, strings.Count(out["junit"], "TLSCipherPolicy"), "the warning finding is one line")

	var sarif struct {
		Runs []struct {
			Results []struct {
				Level      string         `json:"level"`
				Properties map[string]any `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal([]byte(out["sarif"]), &sarif))
	require.Len(t, sarif.Runs[0].Results, 2)
	assert.Equal(t, float64(294), sarif.Runs[0].Results[1].Properties["cases"])

	rep, err := reports.ReadJSON(strings.NewReader(out["json"]))
	require.NoError(t, err)
	require.Len(t, rep.Findings, 2)
	assert.Equal(t, 294, rep.Findings[1].Count)
}

// Each case counts once per check, with the worst of that check's verdicts on it.
func TestCheckTallies(t *testing.T) {
	c := missingDefault(1)
	c.Checks = append(c.Checks, contracts.CheckResult{Check: "listener-created", Verdict: contracts.Fail, Subject: "IdleTimeout"},
		contracts.CheckResult{Check: "listener-created", Verdict: contracts.Pass})
	c.Verdict = contracts.Fail
	rep := writeJSON(t, []contracts.CaseResult{c, missingDefault(2)}, contracts.Summary{}, contracts.Coverage{})
	assert.Equal(t, []reports.CheckTally{{Check: "expected-outcome", Passed: 2}, {Check: "listener-created", Failed: 1, Warned: 1}}, rep.Checks)
}

// With a baseline, every report marks failures new or known, and a run whose failures are all
// known passes, as its exit status says.
func TestBaselineMarksFailuresInEveryReport(t *testing.T) {
	cases := fixtureCases()
	base := writeJSON(t, []contracts.CaseResult{cases[1], cases[6]}, contracts.Summary{}, contracts.Coverage{}) // the ListenerPort failures
	render := func(mk func(w *bytes.Buffer) contracts.Reporter, cases []contracts.CaseResult) (string, *reports.BaselineMarker) {
		var buf bytes.Buffer
		m := reports.MarkBaseline(base, "base.json", mk(&buf))
		sum := contracts.Summary{Target: "emulator", Profile: "strict", Seed: 42, DurationS: 1}
		for _, c := range cases {
			sum.Cases++
			if c.Verdict == contracts.Fail {
				sum.Failed++
			}
		}
		feed(t, m, fixtureMeta(), cases, sum, fixtureCoverage())
		return buf.String(), m
	}
	console, m := render(func(w *bytes.Buffer) contracts.Reporter { return reports.NewConsole(w) }, cases)
	assert.Equal(t, 1, m.New())
	assert.Equal(t, 2, m.Known())
	assert.Contains(t, console, "1) FAIL (known) error_code · ListenerPort")
	assert.Contains(t, console, "2) FAIL (new) not_server_error")
	assert.Contains(t, console, "BASELINE base.json: 1 of 3 failing cases new, 2 known")
	assert.Contains(t, console, "new: rule/cookie-required")

	js, _ := render(func(w *bytes.Buffer) contracts.Reporter { return reports.NewJSON(w) }, cases)
	rep, err := reports.ReadJSON(strings.NewReader(js))
	require.NoError(t, err)
	assert.Equal(t, "fail", rep.Summary.Result, "one failure is new")
	assert.Equal(t, 2, rep.Summary.Known)
	assert.Equal(t, "base.json", rep.Meta.Baseline)
	assert.Equal(t, "known", rep.Findings[0].Baseline)

	// Only the known failures: the run passes, and the report says so.
	known := []contracts.CaseResult{cases[0], cases[1], cases[6]}
	js, m = render(func(w *bytes.Buffer) contracts.Reporter { return reports.NewJSON(w) }, known)
	assert.Zero(t, m.New())
	rep, err = reports.ReadJSON(strings.NewReader(js))
	require.NoError(t, err)
	assert.Equal(t, "pass", rep.Summary.Result, "summary.result agrees with the exit status")
	md, _ := render(func(w *bytes.Buffer) contracts.Reporter { return reports.NewMarkdown(w) }, known)
	assert.Contains(t, md, "no new failure")
	html, _ := render(func(w *bytes.Buffer) contracts.Reporter { return reports.NewHTML(w) }, known)
	assert.Contains(t, html, "clbcheck: PASS")
	assert.Contains(t, html, "FAIL (known)")
	sarif, _ := render(func(w *bytes.Buffer) contracts.Reporter { return reports.NewSARIF(w) }, cases)
	assert.Contains(t, sarif, `"baselineState": "unchanged"`)
	assert.Contains(t, sarif, `"baselineState": "new"`)
}

// A failing run's page shows the findings before any table, and the failed tile links to them.
func TestHTMLShowsFindingsFirst(t *testing.T) {
	page := string(render(t, func(w *bytes.Buffer) contracts.Reporter { return reports.NewHTML(w) }, fixtureCases()))
	assert.Contains(t, page, `<a class="card fail" href="#findings"`)
	findings := strings.Index(page, `<h2 id="findings">`)
	require.Positive(t, findings)
	for _, later := range []string{`id="check-table"`, `id="outcome-chart"`, `id="coverage-matrix"`, `id="param-matrix"`} {
		assert.Less(t, findings, strings.Index(page, later), later)
	}
	assert.Less(t, strings.Index(page, "<table"), strings.Index(page, `id="check-table"`)+1, "no table comes before the findings")
	assert.Contains(t, page, `<details class="group" id="finding-1" open>`)
}

// A missing RequestId on every error answer is one finding however many parameters the
// refused cases broke and whatever their messages said; on success answers it is another.
// A refused positive case names the parameter whose valid edge it stood on.
func TestFindingsOfTheAnswerShapeAndEdges(t *testing.T) {
	noID := func(id, param, actual, body string) contracts.CaseResult {
		return contracts.CaseResult{ID: id, Category: "negative", Verdict: contracts.Fail, Size: 6, Expected: "400 InvalidParameter", Actual: actual,
			Broken: &contracts.Breach{Param: param, Kind: "maximum"},
			Checks: []contracts.CheckResult{{Check: "request-id", Verdict: contracts.Fail, Message: "no RequestId in " + param,
				Expected: "a RequestId", Actual: body}}}
	}
	var cases []contracts.CaseResult
	for i, p := range []string{"Cookie", "Bandwidth", "HealthCheckURI", "Tag.Key"} {
		cases = append(cases, noID(fmt.Sprintf("negative/%s/%d", p, i), p, "400 InvalidParameter", `{"Code":"InvalidParameter","Message":"The parameter `+p+` is not valid."}`))
	}
	cases = append(cases, noID("positive/base", "", "200 success", `{}`))
	cases = append(cases, contracts.CaseResult{ID: "positive/ListenerPort/VALUE_AT_MAXIMUM/65535", Category: "positive", Verdict: contracts.Fail, Size: 5,
		EdgeParam: "ListenerPort", Expected: "success", Actual: "400 InvalidParameter",
		Checks: []contracts.CheckResult{{Check: "expected-outcome", Verdict: contracts.Fail, Expected: "success", Actual: "400 InvalidParameter"}}})
	fs := reports.Findings(cases)
	require.Len(t, fs, 3, "%+v", fs)
	assert.Equal(t, "request-id", fs[0].Check)
	assert.Equal(t, 4, fs[0].Count, "one finding for every error answer without a RequestId")
	assert.Empty(t, fs[0].Subject)
	byCheck := map[string]reports.Finding{}
	for _, f := range fs[1:] {
		byCheck[f.Check] = f
	}
	assert.Equal(t, 1, byCheck["request-id"].Count, "success answers without a RequestId are a finding of their own")
	assert.Equal(t, "ListenerPort", byCheck["expected-outcome"].Subject, "a refused positive case names its parameter")
}

// One wrong label on errors of different statuses is one finding; on successes, another.
func TestFindingsGroupErrorsOfAnyStatus(t *testing.T) {
	label := func(id, actual string) contracts.CaseResult {
		return contracts.CaseResult{ID: id, Category: "negative", Verdict: contracts.Warn, Size: 6, Actual: actual,
			Checks: []contracts.CheckResult{{Check: "content-type", Verdict: contracts.Warn, Expected: "json", Actual: "text/plain"}}}
	}
	fs := reports.Findings([]contracts.CaseResult{label("a", "400 InvalidParameter"), label("b", "404 ResourceNotFound"), label("c", "success")})
	require.Len(t, fs, 2, "%+v", fs)
	assert.Equal(t, 2, fs[0].Count)
	assert.Equal(t, 1, fs[1].Count)
	assert.Equal(t, "content-type: expected json, got text/plain (error answers)", fs[0].Title(), "the two findings' titles tell them apart")
	assert.Equal(t, "content-type: expected json, got text/plain (success answers)", fs[1].Title())
}
