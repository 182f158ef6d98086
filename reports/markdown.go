package reports

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/clbcheck/clbcheck/contracts"
)

// Markdown writes a pull-request comment: a headline with the verdict, a summary table, the
// findings (one per cause, see Findings) as a table and, for each failing one, its smallest
// example with the lines that reproduce it in a collapsible section, the tallies per check,
// the skips, the coverage of documented error codes, and the command that runs the same cases
// again.
type Markdown struct {
	w   io.Writer
	col collector
	// MaxFindings bounds the findings shown (0 = all), which keeps a comment under the size
	// limits of code hosts; the rest are counted.
	MaxFindings int
}

// NewMarkdown returns a reporter that writes Markdown to w.
func NewMarkdown(w io.Writer) contracts.Reporter { return &Markdown{w: w, MaxFindings: 50} }

// Begin records the run's description.
func (m *Markdown) Begin(meta contracts.Meta) error { return m.col.begin(meta) }

// Case counts a case and keeps it only if it failed or warned.
func (m *Markdown) Case(r contracts.CaseResult) error { return m.col.add(r) }

// End writes the comment.
func (m *Markdown) End(sum contracts.Summary, cov contracts.Coverage) error {
	if err := m.col.end(); err != nil {
		return err
	}
	s := m.col.summary(sum)
	bw := bufio.NewWriter(m.w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	fs := m.col.findings()
	failing, warning := findingCounts(fs)

	p("%s\n\n", markdownHeadline(m.col.tool(), s, failing))
	if s.Aborted {
		p("> **Aborted:** %s\n\n", mdText(orDash(s.AbortCause)))
	}
	for _, n := range statusNotes(s) {
		p("> **Note:** %s\n\n", mdText(n))
	}
	if len(s.Trouble) > 0 {
		p("| Transient trouble | Retried | Not judged |\n|---|---:|---:|\n")
		for _, t := range s.Trouble {
			p("| %s | %d | %d |\n", mdCell(t.Kind), t.Retried, t.Unjudged)
		}
		p("\n")
	}
	p("| Cases | Passed | Failed | Skipped | Warnings | Target | Profile | Seed | Duration |\n")
	p("|---:|---:|---:|---:|---:|---|---|---:|---:|\n")
	p("| %d | %d | %d | %d | %d | %s | %s | %d | %s s |\n\n", s.Cases, s.Passed, s.Failed, s.Skipped, s.Warnings,
		mdCell(orDash(s.Target)), mdCell(orDash(s.Profile)), s.Seed, seconds(s.DurationS))
	if m.col.meta.Baseline != "" {
		p("Compared with the baseline %s: %d of %s new, %d known.\n\n", mdCode(m.col.meta.Baseline), s.Unexcused(), plural(s.Failed, "failing case"), s.Known)
	}

	m.writeFindings(bw, fs, failing, warning)
	writeMarkdownChecks(p, m.col.checkList())

	if skips := m.col.skipList(); len(skips) > 0 {
		p("### Skipped: %s\n\n", plural(s.Skipped, "case"))
		for _, g := range skips {
			ids := make([]string, len(g.Examples))
			for i, id := range g.Examples {
				ids[i] = mdCode(id)
			}
			p("- %s: %s (e.g. %s)\n", mdText(oneLine(g.Reason)), plural(g.Count, "case"), strings.Join(ids, ", "))
		}
		p("\n")
	}

	documented, reached, asserted := codeTotals(cov)
	p("### Documented error codes: %d/%d reached, %d/%d asserted\n\n", reached, documented, asserted, documented)
	if len(cov.Codes) > 0 {
		p("| Code | Status | Trigger | Reached | Asserted | Note |\n|---|---:|---|:---:|:---:|---|\n")
		for _, c := range sortedCodes(cov) {
			code := mdCode(c.Code)
			if !c.Documented {
				code += " (undocumented)"
			}
			p("| %s | %d | %s | %s | %s | %s |\n", code, c.Status, mdCell(c.Trigger), tick(c.Reached), tick(c.Asserted), mdCell(c.Reason))
		}
		p("\n")
	}
	if rerun := m.col.meta.Rerun; rerun != "" {
		fence := mdFence(rerun)
		p("Rerun exactly this with:\n\n%ssh\n%s\n%s\n", fence, rerun, fence)
	}
	return bw.Flush()
}

// markdownHeadline is the comment's first line: the run's verdict with its figures.
func markdownHeadline(tool string, s contracts.Summary, failing int) string {
	switch {
	case s.Aborted:
		return fmt.Sprintf("## ❌ %s: run aborted after %s", tool, plural(s.Cases, "case"))
	case s.Status() == contracts.StatusInconclusive:
		return fmt.Sprintf("## ❌ %s: inconclusive, the target was not judged", tool)
	case s.Status() == contracts.StatusIncomplete:
		return fmt.Sprintf("## ❌ %s: incomplete, %d of %s did not run", tool, s.NotRun, plural(s.Planned, "planned case"))
	case s.Status() == contracts.StatusTransient:
		return fmt.Sprintf("## ⚠️ %s: contracts held, but the target had transient trouble above the limit", tool)
	case passed(s) && failing > 0:
		return fmt.Sprintf("## ✅ %s: no new failure (%s, all in the baseline)", tool, plural(failing, "failing finding"))
	case passed(s):
		return fmt.Sprintf("## ✅ %s: all contracts held (%s)", tool, plural(s.Cases, "case"))
	default:
		return fmt.Sprintf("## ❌ %s: %s (%d of %s failed)", tool, plural(failing, "failing finding"), s.Failed, plural(s.Cases, "case"))
	}
}

// writeFindings writes the table of findings and the details of the failing ones.
func (m *Markdown) writeFindings(w io.Writer, fs []Finding, failing, warning int) {
	if len(fs) == 0 {
		return
	}
	fmt.Fprintf(w, "### Findings: %d failing, %s\n\n", failing, plural(warning, "warning"))
	fmt.Fprintf(w, "| # | | Check | Subject | Expected | Actual | Cases | Example |\n|---:|---|---|---|---|---|---:|---|\n")
	shown := fs
	if m.MaxFindings > 0 && len(fs) > m.MaxFindings {
		shown = fs[:m.MaxFindings]
	}
	for i, f := range shown {
		label := "❌"
		if f.Verdict == contracts.Warn {
			label = "⚠️"
		}
		if f.Baseline != "" {
			label += " " + f.Baseline
		}
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %s | %d | %s |\n", i+1, label, mdCode(f.Check), mdCell(f.Subject),
			mdCode(oneLine(f.Expected)), mdCode(oneLine(f.Actual)), f.Count, mdCode(f.Example))
	}
	if len(shown) < len(fs) {
		fmt.Fprintf(w, "\n… and %d more findings (see the JSON report).\n", len(fs)-len(shown))
	}
	fmt.Fprintln(w)
	for i, f := range shown {
		if f.Verdict != contracts.Fail {
			continue
		}
		fmt.Fprintf(w, "<details>\n<summary><b>%d. %s</b> · %s</summary>\n\n", i+1, html.EscapeString(oneLine(f.Title())), plural(f.Count, "case"))
		m.writeExample(w, f)
		fmt.Fprintf(w, "</details>\n\n")
	}
}

func (m *Markdown) writeExample(w io.Writer, f Finding) {
	r := f.ExampleCase()
	fmt.Fprintf(w, "Example **%s** (size %d, seed %d, %s)\n\n", mdCode(r.ID), r.Size, r.Seed, mdText(r.Scenario))
	if b := brokenText(r.Broken); b != "" {
		fmt.Fprintf(w, "- broke: %s\n", mdCode(b))
	}
	fmt.Fprintf(w, "- expected: %s\n- actual: %s\n", mdCode(oneLine(f.Expected)), mdCode(oneLine(f.Actual)))
	if f.Message != "" {
		fmt.Fprintf(w, "- why: %s\n", mdText(oneLine(f.Message)))
	}
	if others := len(f.Cases) - 1; others > 0 {
		fmt.Fprintf(w, "- %s with this finding (see the JSON report)\n", plural(others, "more case"))
	}
	if rp := r.Repro; rp != nil {
		body := strings.TrimSpace(strings.Join([]string{rp.Rerun, rp.Replay, rp.Curl}, "\n"))
		for strings.Contains(body, "\n\n") {
			body = strings.ReplaceAll(body, "\n\n", "\n")
		}
		if body != "" {
			fence := mdFence(body)
			fmt.Fprintf(w, "\n%ssh\n%s\n%s\n", fence, body, fence)
		}
		for _, n := range []string{rp.CurlNote, rp.ResourcesNote} {
			if n != "" {
				fmt.Fprintf(w, "\n%s\n", mdText(n))
			}
		}
	}
	fmt.Fprintln(w)
}

// writeMarkdownChecks writes passed, failed and warned cases per check as a table.
func writeMarkdownChecks(p func(string, ...any), list []CheckTally) {
	if len(list) == 0 {
		return
	}
	p("### Checks\n\n| Check | Passed | Failed | Warned |\n|---|---:|---:|---:|\n")
	for _, ct := range list {
		p("| %s | %d | %d | %d |\n", mdCode(ct.Check), ct.Passed, ct.Failed, ct.Warned)
	}
	p("\n")
}

func tick(b bool) string {
	if b {
		return "✅"
	}
	return "❌"
}

// mdCode writes s as an inline code span, safe inside a table cell.
func mdCode(s string) string {
	if s == "" {
		return "—"
	}
	s = strings.ReplaceAll(oneLine(s), "|", `\|`)
	ticks := strings.Repeat("`", longestRun(s, '`')+1)
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return ticks + pad + s + pad + ticks
}

// mdText escapes s as Markdown text: HTML is escaped, and the characters that start emphasis,
// links, code or table cells are backslash-escaped.
func mdText(s string) string {
	s = html.EscapeString(oneLine(s))
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]|#!~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdCell is mdText for a table cell, where an empty value shows as a dash.
func mdCell(s string) string {
	if s == "" {
		return "—"
	}
	return mdText(s)
}

// mdFence returns a code fence longer than any run of backticks in body.
func mdFence(body string) string {
	return strings.Repeat("`", max(3, longestRun(body, '`')+1))
}

func longestRun(s string, c rune) int {
	best, cur := 0, 0
	for _, r := range s {
		if r == c {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return best
}
