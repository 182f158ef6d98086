package reports_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/reports"
	"github.com/clbcheck/clbcheck/spec"
)

type writerCase struct {
	format, golden string
	mk             func(w *bytes.Buffer) contracts.Reporter
}

func writers() []writerCase {
	return []writerCase{
		{"console", "console.golden.txt", func(w *bytes.Buffer) contracts.Reporter { return reports.NewConsole(w) }},
		{"json", "report.golden.json", func(w *bytes.Buffer) contracts.Reporter { return reports.NewJSON(w) }},
		{"junit", "junit.golden.xml", func(w *bytes.Buffer) contracts.Reporter { return reports.NewJUnit(w) }},
		{"md", "comment.golden.md", func(w *bytes.Buffer) contracts.Reporter { return reports.NewMarkdown(w) }},
		{"html", "report.golden.html", func(w *bytes.Buffer) contracts.Reporter { return reports.NewHTML(w) }},
		{"sarif", "report.golden.sarif", func(w *bytes.Buffer) contracts.Reporter { return reports.NewSARIF(w) }},
	}
}

// The SARIF line numbers follow spec/openapi.yaml, which changes on its own; the golden file
// holds a placeholder and TestSARIFPointsAtSpec checks the real lines.
var startLine = regexp.MustCompile(`"startLine": \d+`)

func normalise(format string, b []byte) []byte {
	if format == "sarif" {
		return startLine.ReplaceAll(b, []byte(`"startLine": 0`))
	}
	return b
}

func TestGolden(t *testing.T) {
	for _, w := range writers() {
		t.Run(w.format, func(t *testing.T) {
			golden(t, w.golden, normalise(w.format, render(t, w.mk, fixtureCases())))
		})
	}
}

func TestOutputDoesNotDependOnArrivalOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, w := range writers() {
		t.Run(w.format, func(t *testing.T) {
			want := render(t, w.mk, fixtureCases())
			for range 5 {
				cases := fixtureCases()
				rng.Shuffle(len(cases), func(i, j int) { cases[i], cases[j] = cases[j], cases[i] })
				require.Equal(t, string(want), string(render(t, w.mk, cases)))
			}
		})
	}
}

func TestConsoleLeadsWithFindings(t *testing.T) {
	out := string(render(t, func(w *bytes.Buffer) contracts.Reporter { return reports.NewConsole(w) }, fixtureCases()))
	require.True(t, strings.HasPrefix(strings.SplitN(out, "\n\n", 2)[1], "FINDINGS: 2 failing findings and 1 warning"), "the findings come right after the header:\n%s", out)
	assert.Contains(t, out, "1) FAIL error_code · ListenerPort: expected 400 InvalidParameter, got 200 success  [2 cases]")
	assert.Contains(t, out, "example:  negative/ListenerPort/maximum/minimal", "the smallest case is the example")
	assert.Contains(t, out, "also:     negative/ListenerPort/maximum/full")
	assert.Contains(t, out, "2) FAIL not_server_error · cookie-required")
	assert.Contains(t, out, "3) WARN error_code · RegionId")
	assert.Less(t, strings.Index(out, "FINDINGS"), strings.Index(out, "CHECKS"))
	assert.Less(t, strings.Index(out, "CHECKS"), strings.Index(out, "COVERAGE"))
	assert.Contains(t, out, "documented error codes of the operation: 3/5 reached, 2/5 asserted")
	assert.Contains(t, out, "Forbidden.RAM (403): needs a RAM user without the permission")
	assert.Contains(t, out, "curl:     curl -sS")
	assert.Contains(t, out, "SKIPPED: 1 case")
	assert.True(t, strings.HasSuffix(out, "FAIL: 2 failing findings, 1 warning finding; 8 cases: 3 passed, 3 failed, 1 skipped, 1 warned, in 1.500s\n"), out)
}

func writeJSON(t testing.TB, cases []contracts.CaseResult, sum contracts.Summary, cov contracts.Coverage) *reports.JSONReport {
	t.Helper()
	var buf bytes.Buffer
	feed(t, reports.NewJSON(&buf), fixtureMeta(), cases, sum, cov)
	rep, err := reports.ReadJSON(&buf)
	require.NoError(t, err)
	return rep
}

func TestJSONRoundTrip(t *testing.T) {
	rep := writeJSON(t, fixtureCases(), fixtureSummary(), fixtureCoverage())
	assert.Equal(t, "clbcheck", rep.Tool)
	assert.Equal(t, "0.1.0-test", rep.Version)
	assert.Equal(t, fixtureMeta().Checks, rep.Meta.Checks)
	assert.Equal(t, "fail", rep.Summary.Result)
	assert.Equal(t, 8, rep.Summary.Cases)
	assert.Equal(t, 3, rep.Summary.Failed)
	assert.Equal(t, int64(42), rep.Summary.Seed)
	assert.Equal(t, 1.5, rep.Summary.DurationS)
	assert.Equal(t, fixtureSummary().Duration, rep.Summary.Duration)
	assert.Equal(t, 2, rep.Summary.FailureGroups)
	assert.Equal(t, 1, rep.Summary.WarningGroups)
	require.Len(t, rep.Findings, 3)
	assert.Equal(t, 2, rep.Findings[0].Count)
	assert.Equal(t, "negative/ListenerPort/maximum/minimal", rep.Findings[0].Example)
	assert.Equal(t, []reports.CheckTally{{Check: "not_server_error", Passed: 5, Failed: 1}, {Check: "status_code", Passed: 3},
		{Check: "error_code", Failed: 2, Warned: 1}}, rep.Checks)
	assert.Equal(t, [3]int{5, 3, 2}, [3]int{rep.Coverage.Documented, rep.Coverage.Reached, rep.Coverage.Asserted})
	assert.Equal(t, fixtureCoverage(), rep.Coverage.Coverage)

	// Every failure comes back in full, grouped order, smallest reproducer first.
	var ids []string
	for _, f := range rep.Failures {
		ids = append(ids, f.ID)
	}
	assert.Equal(t, []string{"negative/ListenerPort/maximum/minimal", "negative/ListenerPort/maximum/full", "rule/cookie-required"}, ids)
	byID := map[string]contracts.CaseResult{}
	for _, c := range fixtureCases() {
		byID[c.ID] = c
	}
	for _, f := range rep.Failures {
		assert.Equal(t, byID[f.ID], f.CaseResult)
		assert.Equal(t, f.ID+"#"+strings.Join(f.FailedChecks, ","), f.Key)
	}
	assert.Equal(t, []string{"error_code"}, rep.Failures[0].FailedChecks)
	assert.Equal(t, "ListenerPort maximum", rep.Failures[0].Cause)
	require.Len(t, rep.Warnings, 1)
	assert.Equal(t, byID["negative/RegionId/pattern"], rep.Warnings[0].CaseResult)
	require.Len(t, rep.Skips, 1)
	assert.Equal(t, 1, rep.Skips[0].Count)

	got, ok := rep.Find("rule/cookie-required")
	require.True(t, ok)
	assert.Equal(t, byID["rule/cookie-required"].Repro, got.Repro)
	_, ok = rep.Find("positive/minimal")
	assert.False(t, ok, "passing cases are not kept")

	// Writing the document read back gives the same bytes: nothing is lost on the way.
	first := render(t, func(w *bytes.Buffer) contracts.Reporter { return reports.NewJSON(w) }, fixtureCases())
	var again bytes.Buffer
	enc := json.NewEncoder(&again)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(rep))
	assert.JSONEq(t, string(first), again.String())
}

func TestReadJSONRefusesOtherDocuments(t *testing.T) {
	for name, doc := range map[string]string{
		"empty":      "",
		"garbage":    "not json",
		"other":      `{"hello":"world"}`,
		"from-later": `{"tool":"clbcheck","schemaVersion":99}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := reports.ReadJSON(strings.NewReader(doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "JSON report")
		})
	}
}

func TestNewFailures(t *testing.T) {
	current := writeJSON(t, fixtureCases(), fixtureSummary(), fixtureCoverage())

	assert.Len(t, reports.NewFailures(current, nil), 3, "without a baseline every failure is new")
	assert.Empty(t, reports.NewFailures(current, current), "a run compared with itself has nothing new")

	// The baseline knew two of the failures; one of them failed a different check then.
	var base []contracts.CaseResult
	for _, c := range fixtureCases() {
		switch c.ID {
		case "negative/ListenerPort/maximum/full":
			base = append(base, c)
		case "rule/cookie-required":
			c.Checks = []contracts.CheckResult{{Check: "status_code", Verdict: contracts.Fail}}
			base = append(base, c)
		}
	}
	baseline := writeJSON(t, base, contracts.Summary{}, contracts.Coverage{})
	var ids []string
	for _, c := range reports.NewFailures(current, baseline) {
		ids = append(ids, c.ID)
	}
	assert.Equal(t, []string{"negative/ListenerPort/maximum/minimal", "rule/cookie-required"}, ids)

	// The key ignores what changes from run to run.
	c := fixtureCases()[1]
	k := reports.FailureKey(c)
	c.Exchange.RequestID, c.DurationMS, c.Actual = "other", 99, "200 something else"
	assert.Equal(t, k, reports.FailureKey(c))
	assert.Equal(t, "negative/ListenerPort/maximum/full#error_code", k)
}

func TestMerge(t *testing.T) {
	cases := fixtureCases()
	s1, s2 := fixtureSummary(), fixtureSummary()
	s1.Cases, s1.Passed, s1.Failed, s1.Skipped, s1.Warnings, s1.DurationS = 4, 2, 2, 0, 0, 1.0
	s2.Cases, s2.Passed, s2.Failed, s2.Skipped, s2.Warnings, s2.DurationS = 5, 1, 2, 1, 1, 2.5
	cov1, cov2 := fixtureCoverage(), fixtureCoverage()
	cov1.Codes[3].Reached, cov1.Codes[3].Reason = true, "" // shard 1 reached Forbidden.RAM
	cov2.Codes[2].Asserted = true                          // shard 2 asserted the certificate code
	// Shard 1: a pass and two failures; shard 2 repeats one failure and has the rest.
	a := writeJSON(t, []contracts.CaseResult{cases[0], cases[1], cases[3]}, s1, cov1)
	b := writeJSON(t, []contracts.CaseResult{cases[2], cases[3], cases[4], cases[5], cases[6], cases[7]}, s2, cov2)

	m := reports.Merge(a, nil, b)
	assert.Equal(t, 9, m.Summary.Cases)
	assert.Equal(t, 3, m.Summary.Passed)
	assert.Equal(t, 4, m.Summary.Failed)
	assert.Equal(t, 1, m.Summary.Skipped)
	assert.Equal(t, 1, m.Summary.Warnings)
	assert.Equal(t, 2.5, m.Summary.DurationS, "shards run side by side: the longest one is the run's duration")
	assert.Equal(t, "fail", m.Summary.Result)
	require.Len(t, m.Failures, 3, "a failure found by two shards is listed once")
	assert.Equal(t, "negative/ListenerPort/maximum/minimal", m.Failures[0].ID)
	require.Len(t, m.Warnings, 1)
	require.Len(t, m.Skips, 1)

	codes := map[string]contracts.CodeCoverage{}
	for _, c := range m.Coverage.Codes {
		codes[c.Code] = c
	}
	assert.True(t, codes["Forbidden.RAM"].Reached)
	assert.Empty(t, codes["Forbidden.RAM"].Reason, "a reached code has no reason for being unreached")
	assert.True(t, codes["ServerCertificateId.NotExist"].Asserted)
	assert.Equal(t, 6, codes["InvalidParameter"].Expected)
	assert.Equal(t, [3]int{5, 4, 3}, [3]int{m.Coverage.Documented, m.Coverage.Reached, m.Coverage.Asserted})
	assert.Equal(t, contracts.ParamCoverage{Param: "ListenerPort", Kind: "maximum", Cases: 4, Fails: 4}, m.Coverage.Params[0])
	assert.Equal(t, contracts.ParamCoverage{Param: "cookie-required", Kind: "requires", Cases: 2, Fails: 2}, m.Coverage.Rules[0])

	// A merged document is a report like any other.
	var buf bytes.Buffer
	require.NoError(t, json.NewEncoder(&buf).Encode(m))
	back, err := reports.ReadJSON(&buf)
	require.NoError(t, err)
	assert.Equal(t, m.Summary.Cases, back.Summary.Cases)

	empty := reports.Merge()
	assert.Equal(t, "pass", empty.Summary.Result)
	assert.NotNil(t, empty.Failures)
}

// The merged summary says which shard could not conclude, and the same reason from two shards
// is kept for each.
func TestMergeNamesTheInconclusiveShards(t *testing.T) {
	shard := func(k, reason string) *reports.JSONReport {
		r := &reports.JSONReport{Meta: contracts.Meta{Shard: k + "/3"}}
		r.Summary.Inconclusive = reason
		return r
	}
	m := reports.Merge(shard("1", ""), shard("2", "fixture lb could not be built"), shard("3", "fixture lb could not be built"))
	assert.Equal(t, "shard 2/3: fixture lb could not be built; shard 3/3: fixture lb could not be built", m.Summary.Inconclusive)
	r := &reports.JSONReport{}
	r.Summary.Inconclusive = "no case judged"
	assert.Equal(t, "no case judged", reports.Merge(r).Summary.Inconclusive, "a report without a shard keeps its words")
}

type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name       string `xml:"name,attr"`
		Tests      int    `xml:"tests,attr"`
		Failures   int    `xml:"failures,attr"`
		Skipped    int    `xml:"skipped,attr"`
		Properties []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			SystemOut struct {
				Text string `xml:",chardata"`
			} `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnitParses(t *testing.T) {
	out := render(t, func(w *bytes.Buffer) contracts.Reporter { return reports.NewJUnit(w) }, fixtureCases())
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(out, &doc))
	assert.Equal(t, 7, doc.Tests, "five cases that did not fail and two failing findings")
	assert.Equal(t, 2, doc.Failures, "one failure per finding, not per failing case")
	assert.Equal(t, 1, doc.Skipped)
	var names []string
	total := 0
	for _, s := range doc.Suites {
		names = append(names, s.Name)
		total += len(s.Cases)
		assert.Equal(t, s.Tests, len(s.Cases))
		props := map[string]string{}
		for _, p := range s.Properties {
			props[p.Name] = p.Value
		}
		assert.Equal(t, "42", props["seed"])
		assert.Equal(t, "emulator", props["target"])
		assert.Equal(t, "strict", props["profile"])
		for _, c := range s.Cases {
			assert.Equal(t, "clbcheck."+s.Name, c.Classname)
			if s.Name == "findings" {
				require.NotNil(t, c.Failure, c.Name)
			}
			switch c.Name {
			case "1. error_code · ListenerPort: expected 400 InvalidParameter, got 200 success":
				require.NotNil(t, c.Failure)
				assert.Equal(t, "error_code", c.Failure.Type)
				assert.Contains(t, c.Failure.Message, "expected 400 InvalidParameter, got 200 success (2 cases)")
				assert.Contains(t, c.Failure.Text, "negative/ListenerPort/maximum/minimal\n  negative/ListenerPort/maximum/full")
				assert.Contains(t, c.Failure.Text, "replay: clbcheck replay")
				assert.Contains(t, c.Failure.Text, "curl: curl -sS")
			case "negative/ListenerPort/maximum/minimal", "negative/ListenerPort/maximum/full":
				t.Errorf("failing case %s has a testcase of its own besides its finding", c.Name)
			case "state/certificate-expired":
				require.NotNil(t, c.Skipped)
				assert.Equal(t, "no expired certificate fixture on this target", c.Skipped.Message)
			case "negative/RegionId/pattern":
				assert.Nil(t, c.Failure)
				assert.Contains(t, c.SystemOut.Text, "WARNING")
			case "positive/minimal":
				assert.Nil(t, c.Failure)
				assert.Nil(t, c.Skipped)
			}
		}
	}
	assert.Equal(t, []string{"findings", "negative", "positive", "state"}, names)
	assert.Equal(t, 7, total)
}

func TestJUnitAbortedRunIsAnError(t *testing.T) {
	var buf bytes.Buffer
	sum := fixtureSummary()
	sum.Aborted, sum.AbortCause = true, "target unreachable"
	feed(t, reports.NewJUnit(&buf), fixtureMeta(), fixtureCases(), sum, fixtureCoverage())
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc))
	assert.Contains(t, buf.String(), `<error message="the run was aborted: target unreachable" type="aborted">`)
}

func TestSARIFShape(t *testing.T) {
	out := render(t, func(w *bytes.Buffer) contracts.Reporter { return reports.NewSARIF(w) }, fixtureCases())
	var log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID               string `json:"id"`
						ShortDescription struct {
							Text string `json:"text"`
						} `json:"shortDescription"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
					LogicalLocations []struct {
						Name string `json:"name"`
						Kind string `json:"kind"`
					} `json:"logicalLocations"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(out, &log))
	assert.Equal(t, "2.1.0", log.Version)
	assert.Contains(t, log.Schema, "sarif-schema-2.1.0.json")
	require.Len(t, log.Runs, 1)
	run := log.Runs[0]
	assert.Equal(t, "clbcheck", run.Tool.Driver.Name)
	var ruleIDs []string
	for _, r := range run.Tool.Driver.Rules {
		ruleIDs = append(ruleIDs, r.ID)
		assert.NotEmpty(t, r.ShortDescription.Text)
	}
	assert.Equal(t, fixtureMeta().Checks, ruleIDs)
	require.Len(t, run.Results, 3, "two failing findings and one warning")
	levels := map[string]int{}
	for _, r := range run.Results {
		levels[r.Level]++
		assert.Equal(t, r.RuleID, ruleIDs[r.RuleIndex])
		require.Len(t, r.Locations, 1)
		assert.Equal(t, "spec/openapi.yaml", r.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		assert.Positive(t, r.Locations[0].PhysicalLocation.Region.StartLine)
		assert.Contains(t, r.Message.Text, "expected ")
		assert.Contains(t, r.Message.Text, "Replay: clbcheck replay")
		assert.NotEmpty(t, r.PartialFingerprints)
	}
	assert.Equal(t, map[string]int{"error": 2, "warning": 1}, levels)
	assert.Contains(t, run.Results[0].Message.Text, "in 2 cases. Smallest example: negative/ListenerPort/maximum/minimal")
	first := run.Results[0].Locations[0].LogicalLocations[0]
	assert.Equal(t, "ListenerPort", first.Name)
	assert.Equal(t, "parameter", first.Kind)
}

// The SARIF region of a finding is the line of the broken parameter or rule in the description.
func TestSARIFPointsAtSpec(t *testing.T) {
	out := render(t, func(w *bytes.Buffer) contracts.Reporter { return reports.NewSARIF(w) }, fixtureCases())
	lines := strings.Split(string(spec.Document()), "\n")
	var log map[string]any
	require.NoError(t, json.Unmarshal(out, &log))
	results := log["runs"].([]any)[0].(map[string]any)["results"].([]any)
	want := map[string]string{"ListenerPort": "ListenerPort:", "RegionId": "RegionId:", "cookie-required": "id: cookie-required"}
	for _, r := range results {
		loc := r.(map[string]any)["locations"].([]any)[0].(map[string]any)
		name := loc["logicalLocations"].([]any)[0].(map[string]any)["name"].(string)
		line := int(loc["physicalLocation"].(map[string]any)["region"].(map[string]any)["startLine"].(float64))
		require.Contains(t, want, name)
		if !strings.Contains(string(spec.Document()), want[name]) {
			continue // the description no longer has it; the finding then points at line 1
		}
		require.Greater(t, line, 1, name)
		assert.Contains(t, lines[line-1], want[name], "line %d should define %s", line, name)
	}
}

var (
	remoteRef = regexp.MustCompile(`(?i)(src|href|action|poster|srcset|xlink:href)\s*=\s*["']?\s*(https?:)?//`)
	cssRemote = regexp.MustCompile(`(?i)url\(\s*["']?\s*(https?:)?//|@import`)
)

func TestHTMLIsSelfContained(t *testing.T) {
	out := string(render(t, func(w *bytes.Buffer) contracts.Reporter { return reports.NewHTML(w) }, fixtureCases()))
	assert.NotRegexp(t, remoteRef, out)
	assert.NotRegexp(t, cssRemote, out)
	assert.NotContains(t, strings.ToLower(out), "<script")
	assert.NotContains(t, strings.ToLower(out), "<link")
	assert.NotContains(t, strings.ToLower(out), "<img")
	assert.Contains(t, out, `id="coverage-matrix"`)
	assert.Contains(t, out, `id="param-matrix"`)
	assert.Contains(t, out, "<svg")
	assert.Contains(t, out, "Content-Security-Policy")
}

func TestHTMLEscapesHostileData(t *testing.T) {
	const hostile = `<script>alert(1)</script>`
	cases := fixtureCases()
	cases[1].ID = hostile
	cases[1].Actual = `"><img src=x onerror=alert(2)>`
	cases[1].Checks[1].Actual = cases[1].Actual
	cases[1].Repro.Curl = "curl '" + hostile + "'"
	cov := fixtureCoverage()
	cov.Params = append(cov.Params, contracts.ParamCoverage{Param: `"><b>x</b>`, Kind: "maximum", Cases: 1})
	var buf bytes.Buffer
	feed(t, reports.NewHTML(&buf), fixtureMeta(), cases, fixtureSummary(), cov)
	out := buf.String()
	assert.NotContains(t, out, hostile)
	assert.NotContains(t, out, "<img")
	assert.NotContains(t, out, "<b>x</b>")
	assert.Contains(t, out, "&lt;script&gt;alert(1)&lt;/script&gt;")

	// The other text formats keep it inert too.
	var md bytes.Buffer
	feed(t, reports.NewMarkdown(&md), fixtureMeta(), cases, fixtureSummary(), cov)
	// Inside code spans and fenced blocks Markdown shows text as written; outside them nothing
	// may stay raw.
	prose := regexp.MustCompile("(?s)```.*?```|`[^`]*`").ReplaceAllString(md.String(), "")
	assert.NotContains(t, prose, "<script")
	assert.NotContains(t, prose, "<img")
	var ju bytes.Buffer
	feed(t, reports.NewJUnit(&ju), fixtureMeta(), cases, fixtureSummary(), cov)
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(ju.Bytes(), &doc))
}

func TestPassingRun(t *testing.T) {
	cases := []contracts.CaseResult{pass("positive/minimal", "positive", "VALID_MINIMAL", 5)}
	sum := contracts.Summary{Cases: 1, Passed: 1, DurationS: 0.1}
	for _, w := range writers() {
		t.Run(w.format, func(t *testing.T) {
			var buf bytes.Buffer
			feed(t, w.mk(&buf), fixtureMeta(), cases, sum, contracts.Coverage{})
			assert.NotEmpty(t, buf.String())
		})
	}
	var buf bytes.Buffer
	feed(t, reports.NewConsole(&buf), fixtureMeta(), cases, sum, contracts.Coverage{})
	assert.Contains(t, buf.String(), "PASS: 1 case")
	buf.Reset()
	feed(t, reports.NewMarkdown(&buf), fixtureMeta(), cases, sum, contracts.Coverage{})
	assert.Contains(t, buf.String(), "all contracts held")
}

// A writer given an empty Summary counts the cases itself.
func TestSummaryFilledFromStream(t *testing.T) {
	rep := writeJSON(t, fixtureCases(), contracts.Summary{}, fixtureCoverage())
	assert.Equal(t, [5]int{8, 3, 3, 1, 1}, [5]int{rep.Summary.Cases, rep.Summary.Passed, rep.Summary.Failed, rep.Summary.Skipped, rep.Summary.Warnings})
	assert.Equal(t, "emulator", rep.Summary.Target)
	assert.Equal(t, int64(42), rep.Summary.Seed)
}

func TestMisuseIsReported(t *testing.T) {
	for _, w := range writers() {
		t.Run(w.format, func(t *testing.T) {
			r := w.mk(&bytes.Buffer{})
			require.NoError(t, r.Begin(fixtureMeta()))
			require.Error(t, r.Begin(fixtureMeta()))
			require.NoError(t, r.End(fixtureSummary(), fixtureCoverage()))
			require.Error(t, r.End(fixtureSummary(), fixtureCoverage()))
			require.Error(t, r.Case(fixtureCases()[0]))
		})
	}
}

type recorder struct {
	calls []string
	err   error
}

func (r *recorder) Begin(contracts.Meta) error        { r.calls = append(r.calls, "begin"); return r.err }
func (r *recorder) Case(c contracts.CaseResult) error { r.calls = append(r.calls, c.ID); return r.err }
func (r *recorder) End(contracts.Summary, contracts.Coverage) error {
	r.calls = append(r.calls, "end")
	return r.err
}

func TestMulti(t *testing.T) {
	a, b := &recorder{err: errors.New("disk full")}, &recorder{}
	m := reports.Multi(a, nil, b)
	err := m.Begin(fixtureMeta())
	require.ErrorContains(t, err, "disk full")
	require.Error(t, m.Case(fixtureCases()[0]))
	require.Error(t, m.End(fixtureSummary(), fixtureCoverage()))
	assert.Equal(t, []string{"begin", "positive/minimal", "end"}, b.calls, "a failing reporter does not starve the others")
	assert.Equal(t, a.calls, b.calls)
}

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	paths := map[string]string{}
	for _, f := range reports.Formats() {
		if f == "console" {
			paths[f] = filepath.Join(dir, "out", "console.txt")
			continue
		}
		paths[f] = filepath.Join(dir, "out", "nested", "report."+f)
	}
	r, closeFn, err := reports.Files(paths)
	require.NoError(t, err)
	feed(t, r, fixtureMeta(), fixtureCases(), fixtureSummary(), fixtureCoverage())
	require.NoError(t, closeFn())
	for _, w := range writers() {
		got, err := os.ReadFile(paths[w.format])
		require.NoError(t, err)
		want := render(t, w.mk, fixtureCases())
		assert.Equal(t, string(want), string(got), w.format)
	}
	assert.Equal(t, []string{"console", "json", "junit", "md", "html", "sarif"}, reports.Formats())
}

func TestFilesErrors(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(blocker, nil, 0o644))

	_, _, err := reports.Files(map[string]string{"json": filepath.Join(blocker, "sub", "report.json")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot write JSON report to "+filepath.Join(blocker, "sub", "report.json"))
	assert.Contains(t, err.Error(), "check the directory exists and is writable")

	_, _, err = reports.Files(map[string]string{"pdf": filepath.Join(dir, "r.pdf")})
	require.ErrorContains(t, err, `unknown report format "pdf"`)

	_, err = reports.New("markdown", &bytes.Buffer{})
	require.NoError(t, err, "common spellings are accepted")
}

func TestSkipsAreAggregated(t *testing.T) {
	var cases []contracts.CaseResult
	for i := range 100 {
		cases = append(cases, contracts.CaseResult{ID: "state/s" + string(rune('a'+i%26)) + strings.Repeat("x", i/26),
			Category: "state", Verdict: contracts.Skip, SkipReason: "fixture missing"})
	}
	rep := writeJSON(t, cases, contracts.Summary{}, contracts.Coverage{})
	require.Len(t, rep.Skips, 1)
	assert.Equal(t, 100, rep.Skips[0].Count)
	assert.Len(t, rep.Skips[0].Examples, 3)
	assert.Equal(t, 100, rep.Summary.Skipped, "the summary counts every skipped case, not only the examples")
}

func TestLoadCase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.json")
	require.NoError(t, os.WriteFile(path, render(t, func(w *bytes.Buffer) contracts.Reporter { return reports.NewJSON(w) }, fixtureCases()), 0o644))

	c, err := reports.LoadCase(path + "#rule/cookie-required")
	require.NoError(t, err)
	assert.Equal(t, fixtureCases()[3], c)

	_, err = reports.LoadCase(path + "#positive/minimal")
	require.ErrorContains(t, err, "is not among the 3 failures and 1 warnings")
	_, err = reports.LoadCase(path)
	require.ErrorContains(t, err, "FILE#CASE")
	_, err = reports.LoadCase(filepath.Join(t.TempDir(), "missing.json#x"))
	require.ErrorContains(t, err, "cannot read report")
}

// A failed case is listed under the checks that fail it; a check configured as a warning that
// also failed does not form a failure group of its own.
func TestWarningSeverityChecksDoNotMakeGroups(t *testing.T) {
	c := fixtureCases()[1]
	c.Checks = append(c.Checks, contracts.CheckResult{Check: "response_schema", Verdict: contracts.Fail, Severity: contracts.SeverityWarning})
	assert.Equal(t, []string{"error_code"}, reports.FailingChecks(c))
	c.Checks = []contracts.CheckResult{{Check: "response_schema", Verdict: contracts.Fail, Severity: contracts.SeverityWarning}}
	assert.Equal(t, []string{"response_schema"}, reports.FailingChecks(c))
	c.Checks = nil
	assert.Equal(t, []string{"outcome"}, reports.FailingChecks(c), "a failure without a failing check is its outcome's")
}
