package reports

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/clbcheck/clbcheck/contracts"
)

// Markdown writes a pull-request comment: a headline with the verdict, a summary table,
// failures grouped by check and cause in collapsible sections (smallest reproducer first), a
// short list of warnings and skips, and the coverage of documented error codes as a table.
type Markdown struct {
	w   io.Writer
	col collector
	// MaxPerCause bounds the cases shown in full per cause (0 = all), which keeps a comment under
	// the size limits of code hosts; the rest are counted.
	MaxPerCause int
}

// NewMarkdown returns a reporter that writes Markdown to w.
func NewMarkdown(w io.Writer) contracts.Reporter { return &Markdown{w: w, MaxPerCause: 10} }

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

	if passed(s) {
		p("## ✅ %s: all contracts held (%s)\n\n", m.col.tool(), plural(s.Cases, "case"))
	} else if s.Aborted {
		p("## ❌ %s: run aborted after %s\n\n", m.col.tool(), plural(s.Cases, "case"))
	} else {
		p("## ❌ %s: %d of %s failed\n\n", m.col.tool(), s.Failed, plural(s.Cases, "case"))
	}
	if s.Aborted {
		p("> **Aborted:** %s\n\n", mdText(orDash(s.AbortCause)))
	}
	p("| Cases | Passed | Failed | Skipped | Warnings | Target | Profile | Seed | Duration |\n")
	p("|---:|---:|---:|---:|---:|---|---|---:|---:|\n")
	p("| %d | %d | %d | %d | %d | %s | %s | %d | %s s |\n\n", s.Cases, s.Passed, s.Failed, s.Skipped, s.Warnings,
		mdCell(orDash(s.Target)), mdCell(orDash(s.Profile)), s.Seed, seconds(s.DurationS))

	if groups := group(m.col.failures); len(groups) > 0 {
		p("### Failures: %s in %s\n\n", plural(len(m.col.failures), "case"), plural(countCauses(groups), "group"))
		for _, g := range groups {
			for _, cg := range g.Causes {
				p("<details>\n<summary><b>%s</b> · %s · %s</summary>\n\n",
					html.EscapeString(g.Check), html.EscapeString(cg.Cause), plural(len(cg.Entries), "case"))
				for i, e := range cg.Entries {
					if m.MaxPerCause > 0 && i == m.MaxPerCause {
						p("… and %d more with this cause (see the JSON report).\n\n", len(cg.Entries)-i)
						break
					}
					m.writeEntry(bw, e)
				}
				p("</details>\n\n")
			}
		}
	}

	if len(m.col.warnings) > 0 {
		p("### Warnings: %s\n\n", plural(len(m.col.warnings), "case"))
		for _, g := range group(m.col.warnings) {
			for _, cg := range g.Causes {
				for _, e := range cg.Entries {
					p("- %s (%s, %s): expected %s, got %s\n", mdCode(e.Case.ID), mdText(g.Check), mdText(cg.Cause),
						mdCode(oneLine(e.Finding.Expected)), mdCode(oneLine(e.Finding.Actual)))
				}
			}
		}
		p("\n")
	}

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
	return bw.Flush()
}

func (m *Markdown) writeEntry(w io.Writer, e entry) {
	r := e.Case
	fmt.Fprintf(w, "**%s** (size %d, seed %d, %s)\n\n", mdCode(r.ID), r.Size, r.Seed, mdText(r.Scenario))
	if b := brokenText(r.Broken); b != "" {
		fmt.Fprintf(w, "- broke: %s\n", mdCode(b))
	}
	fmt.Fprintf(w, "- expected: %s\n- actual: %s\n", mdCode(oneLine(e.Finding.Expected)), mdCode(oneLine(e.Finding.Actual)))
	if e.Finding.Message != "" {
		fmt.Fprintf(w, "- why: %s\n", mdText(oneLine(e.Finding.Message)))
	}
	if r.Repro != nil && (r.Repro.Replay != "" || r.Repro.Curl != "") {
		body := strings.TrimSpace(strings.Join([]string{r.Repro.Replay, r.Repro.Curl}, "\n"))
		fence := mdFence(body)
		fmt.Fprintf(w, "\n%ssh\n%s\n%s\n", fence, body, fence)
	}
	fmt.Fprintln(w)
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
