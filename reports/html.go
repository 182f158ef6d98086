package reports

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/clbcheck/clbcheck/contracts"
)

//go:embed report.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"seconds": seconds,
	"oneLine": oneLine,
	"broken":  brokenText,
	"plural":  plural,
}).Parse(htmlSource))

// HTML writes one self-contained page: no request leaves it (inline CSS and SVG only, and a
// Content-Security-Policy that forbids loading anything). Below the verdict and the summary
// tiles (the failed tile links to the findings) it shows the findings first, one per cause
// (see Findings), each with its cases and its smallest example with the lines that reproduce
// it; then passed, failed and warned cases per check, a chart of outcomes, the coverage matrix
// of documented error codes, a parameters x constraint kinds matrix, the rules exercised and
// the skips. Every value goes through html/template, so hostile ids or bodies are shown, never
// run.
type HTML struct {
	w   io.Writer
	col collector
	// MaxIDs bounds the case ids listed per finding (0 = all).
	MaxIDs int
}

// NewHTML returns a reporter that writes the HTML page to w.
func NewHTML(w io.Writer) contracts.Reporter { return &HTML{w: w, MaxIDs: 200} }

// Begin records the run's description.
func (h *HTML) Begin(m contracts.Meta) error { return h.col.begin(m) }

// Case counts a case and keeps it only if it failed or warned.
func (h *HTML) Case(r contracts.CaseResult) error { return h.col.add(r) }

type htmlPage struct {
	Tool, Version string
	Meta          contracts.Meta
	Summary       contracts.Summary
	Passed        bool
	Verdict       string   // PASS, FAIL, INCONCLUSIVE, ... (verdictWord)
	Notes         []string // why the run is more than a plain pass or fail (statusNotes)
	Started       string
	Chart         []htmlSlice
	Findings      []htmlFinding
	FailingCount  int
	WarningCount  int
	Checks        []CheckTally
	Skips         []SkipReason
	Codes         []contracts.CodeCoverage
	Documented    int
	Reached       int
	Asserted      int
	Kinds         []string
	ParamRows     []htmlParamRow
	Rules         []contracts.ParamCoverage
}

type htmlSlice struct {
	Label, Class string
	Count        int
	Dash, Gap    string // stroke-dasharray parts of the donut
	Offset       string // stroke-dashoffset
	Bar          string // width of the legend bar, percent
}

// htmlFinding is a finding as the page shows it.
type htmlFinding struct {
	Finding
	N       int
	Label   string // FAIL or WARN, with new or known against a baseline
	Failing bool
	Open    bool
	Example contracts.CaseResult
	IDs     []string // the other cases, up to MaxIDs
	Hidden  int
}

type htmlParamRow struct {
	Param string
	Cells []htmlCell
}

type htmlCell struct {
	Cases, Fails int
	Class        string
	Title        string
}

// End renders the page.
func (h *HTML) End(sum contracts.Summary, cov contracts.Coverage) error {
	if err := h.col.end(); err != nil {
		return err
	}
	s := h.col.summary(sum)
	page := htmlPage{
		Tool: h.col.tool(), Version: h.col.meta.Version, Meta: h.col.meta, Summary: s, Passed: passed(s), Verdict: verdictWord(s), Notes: statusNotes(s),
		Skips: h.col.skipList(), Codes: sortedCodes(cov), Checks: h.col.checkList(),
	}
	if !s.Started.IsZero() {
		page.Started = s.Started.UTC().Format("2006-01-02 15:04:05Z")
	}
	page.Documented, page.Reached, page.Asserted = codeTotals(cov)
	page.Chart = donut([]htmlSlice{
		{Label: "passed", Class: "pass", Count: s.Passed},
		{Label: "failed", Class: "fail", Count: s.Failed},
		{Label: "skipped", Class: "skip", Count: s.Skipped},
		{Label: "warnings", Class: "warn", Count: s.Warnings},
	})
	fs := h.col.findings()
	page.FailingCount, page.WarningCount = findingCounts(fs)
	for i, f := range fs {
		hf := htmlFinding{Finding: f, N: i + 1, Label: findingLabel(f), Failing: f.Verdict == contracts.Fail,
			Open: i < 3 && f.Verdict == contracts.Fail, Example: f.ExampleCase(), IDs: f.Cases[1:]}
		if h.MaxIDs > 0 && len(hf.IDs) > h.MaxIDs {
			hf.IDs, hf.Hidden = hf.IDs[:h.MaxIDs], len(hf.IDs)-h.MaxIDs
		}
		page.Findings = append(page.Findings, hf)
	}
	page.Kinds, page.ParamRows = paramMatrix(cov.Params)
	page.Rules = slices.Clone(cov.Rules)
	slices.SortStableFunc(page.Rules, func(a, b contracts.ParamCoverage) int { return strings.Compare(a.Param, b.Param) })
	return htmlTemplate.Execute(h.w, page)
}

// donut lays the outcome counts around a circle of radius 60 (the page draws it with
// stroke-dasharray), and sizes the legend bars against the largest count.
func donut(slices []htmlSlice) []htmlSlice {
	total, most := 0, 0
	for _, s := range slices {
		total += s.Count
		most = max(most, s.Count)
	}
	circ := 2 * math.Pi * 60
	done := 0.0
	for i := range slices {
		s := &slices[i]
		part := 0.0
		if total > 0 {
			part = circ * float64(s.Count) / float64(total)
		}
		s.Dash = fmt.Sprintf("%.2f", part)
		s.Gap = fmt.Sprintf("%.2f", circ-part)
		s.Offset = fmt.Sprintf("%.2f", -done)
		done += part
		bar := 0.0
		if most > 0 {
			bar = 100 * float64(s.Count) / float64(most)
		}
		s.Bar = fmt.Sprintf("%.1f", bar)
	}
	return slices
}

// paramMatrix turns per-parameter coverage into rows of parameters and columns of constraint
// kinds, both sorted.
func paramMatrix(params []contracts.ParamCoverage) ([]string, []htmlParamRow) {
	var kinds, names []string
	cells := map[[2]string]contracts.ParamCoverage{}
	for _, p := range params {
		if !slices.Contains(kinds, p.Kind) {
			kinds = append(kinds, p.Kind)
		}
		if !slices.Contains(names, p.Param) {
			names = append(names, p.Param)
		}
		k := [2]string{p.Param, p.Kind}
		c := cells[k]
		c.Cases += p.Cases
		c.Fails += p.Fails
		cells[k] = c
	}
	slices.Sort(kinds)
	slices.Sort(names)
	rows := make([]htmlParamRow, 0, len(names))
	for _, n := range names {
		row := htmlParamRow{Param: n}
		for _, k := range kinds {
			c := cells[[2]string{n, k}]
			cell := htmlCell{Cases: c.Cases, Fails: c.Fails, Class: "none", Title: n + " / " + k + ": not exercised"}
			switch {
			case c.Fails > 0:
				cell.Class = "fail"
				cell.Title = fmt.Sprintf("%s / %s: %s, %d failing", n, k, plural(c.Cases, "case"), c.Fails)
			case c.Cases > 0:
				cell.Class = "pass"
				cell.Title = fmt.Sprintf("%s / %s: %s, none failing", n, k, plural(c.Cases, "case"))
			}
			row.Cells = append(row.Cells, cell)
		}
		rows = append(rows, row)
	}
	return kinds, rows
}
