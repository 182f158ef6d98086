package reports

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/spec"
)

// Console writes a summary for a person reading a terminal: the outcome, failures grouped by
// check and then by cause with the smallest reproducer first, a short list of warnings and
// skips, and the coverage of documented error codes. Nothing is written before End, and the
// output depends only on the stream, never on the order cases arrived in.
type Console struct {
	w   io.Writer
	col collector
	// MaxPerCause bounds how many cases are printed in full per cause (0 = all); the rest are
	// counted. The smallest reproducers are the ones printed.
	MaxPerCause int
}

// NewConsole returns a console reporter writing to w.
func NewConsole(w io.Writer) contracts.Reporter { return &Console{w: w, MaxPerCause: 5} }

// Begin records the run's description.
func (c *Console) Begin(m contracts.Meta) error { return c.col.begin(m) }

// Case counts a case and keeps it only if it failed or warned.
func (c *Console) Case(r contracts.CaseResult) error { return c.col.add(r) }

// End writes the whole summary.
func (c *Console) End(sum contracts.Summary, cov contracts.Coverage) error {
	if err := c.col.end(); err != nil {
		return err
	}
	s := c.col.summary(sum)
	bw := bufio.NewWriter(c.w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }

	title := c.col.tool()
	if c.col.meta.Version != "" {
		title += " " + c.col.meta.Version
	}
	p("%s: %s contract run\n", title, spec.ActionCreateHTTPSListener)
	p("  target %s, profile %s, seed %d", orDash(s.Target), orDash(s.Profile), s.Seed)
	if !s.Started.IsZero() {
		p(", started %s", s.Started.UTC().Format("2006-01-02 15:04:05Z"))
	}
	p("\n")
	if len(c.col.meta.Checks) > 0 {
		p("  checks: %s\n", strings.Join(c.col.meta.Checks, ", "))
	}
	p("\n")

	groups := group(c.col.failures)
	if len(groups) > 0 {
		p("FAILURES: %s in %s\n", plural(len(c.col.failures), "failing case"), plural(countCauses(groups), "group"))
		for _, g := range groups {
			p("\n== check %s: %s\n", g.Check, plural(g.Cases, "case"))
			for _, cg := range g.Causes {
				order := ""
				if len(cg.Entries) > 1 {
					order = " (smallest first)"
				}
				p("\n  -- %s: %s%s\n", cg.Cause, plural(len(cg.Entries), "case"), order)
				for i, e := range cg.Entries {
					if c.MaxPerCause > 0 && i == c.MaxPerCause {
						p("     ... and %d more with this cause (see the JSON report)\n", len(cg.Entries)-i)
						break
					}
					c.writeEntry(bw, i+1, e)
				}
			}
		}
		p("\n")
	}

	if len(c.col.warnings) > 0 {
		p("WARNINGS: %s (inferred expectations not met; they do not fail the run)\n", plural(len(c.col.warnings), "case"))
		for _, g := range group(c.col.warnings) {
			for _, cg := range g.Causes {
				for _, e := range cg.Entries {
					p("  - %s [%s, %s]: expected %s, got %s\n", e.Case.ID, g.Check, cg.Cause,
						oneLine(e.Finding.Expected), oneLine(e.Finding.Actual))
				}
			}
		}
		p("\n")
	}

	if skips := c.col.skipList(); len(skips) > 0 {
		p("SKIPPED: %s\n", plural(s.Skipped, "case"))
		for _, g := range skips {
			p("  - %s: %s (e.g. %s)\n", oneLine(g.Reason), plural(g.Count, "case"), strings.Join(g.Examples, ", "))
		}
		p("\n")
	}

	writeConsoleCoverage(p, cov)

	verdict := "PASS"
	if !passed(s) {
		verdict = "FAIL"
	}
	p("%s: %s, %d passed, %d failed, %d skipped, %s in %ss\n", verdict, plural(s.Cases, "case"),
		s.Passed, s.Failed, s.Skipped, plural(s.Warnings, "warning"), seconds(s.DurationS))
	if s.Aborted {
		p("  the run was aborted: %s\n", orDash(s.AbortCause))
	}
	return bw.Flush()
}

func (c *Console) writeEntry(w io.Writer, n int, e entry) {
	r := e.Case
	fmt.Fprintf(w, "     %d) %s  (size %d, seed %d, %s)\n", n, r.ID, r.Size, r.Seed, r.Scenario)
	if b := brokenText(r.Broken); b != "" {
		fmt.Fprintf(w, "        broke:    %s\n", b)
	}
	if e.Finding.Message != "" {
		fmt.Fprintf(w, "        why:      %s\n", oneLine(e.Finding.Message))
	}
	fmt.Fprintf(w, "        expected: %s\n", oneLine(e.Finding.Expected))
	fmt.Fprintf(w, "        actual:   %s\n", oneLine(e.Finding.Actual))
	if r.Exchange != nil && r.Exchange.RequestID != "" {
		fmt.Fprintf(w, "        request:  %s\n", r.Exchange.RequestID)
	}
	if r.Repro != nil {
		if r.Repro.Replay != "" {
			fmt.Fprintf(w, "        replay:   %s\n", verbatim(r.Repro.Replay))
		}
		if r.Repro.Curl != "" {
			fmt.Fprintf(w, "        curl:     %s\n", verbatim(r.Repro.Curl))
		}
	}
}

func writeConsoleCoverage(p func(string, ...any), cov contracts.Coverage) {
	p("COVERAGE\n")
	// The operation's own codes and the gateway's are counted apart: the seed page documents
	// the former, and some gateway answers (5xx, throttling) only come from a faulty or
	// overloaded service.
	codes := sortedCodes(cov)
	for _, part := range []struct {
		title   string
		gateway bool
	}{{"error codes of the operation", false}, {"gateway error codes", true}} {
		var documented, reached, asserted int
		var unreached []contracts.CodeCoverage
		for _, cc := range codes {
			if !cc.Documented || cc.Gateway != part.gateway {
				continue
			}
			documented++
			if cc.Reached {
				reached++
			} else {
				unreached = append(unreached, cc)
			}
			if cc.Asserted {
				asserted++
			}
		}
		if documented == 0 {
			continue
		}
		p("  documented %s: %d/%d reached, %d/%d asserted\n", part.title, reached, documented, asserted, documented)
		for _, cc := range unreached {
			p("    not reached: %s (%d): %s\n", cc.Code, cc.Status, orDash(oneLine(cc.Reason)))
		}
	}
	for _, part := range []struct {
		title string
		list  []contracts.ParamCoverage
	}{{"parameter constraints", cov.Params}, {"rules", cov.Rules}} {
		if len(part.list) == 0 {
			continue
		}
		cases, fails := 0, 0
		for _, pc := range part.list {
			cases += pc.Cases
			fails += pc.Fails
		}
		p("  %s exercised: %d (%s, %d failing)\n", part.title, len(part.list), plural(cases, "case"), fails)
	}
	p("\n")
}

func countCauses(gs []checkGroup) int {
	n := 0
	for _, g := range gs {
		n += len(g.Causes)
	}
	return n
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine folds a value onto one line so a multi-line body cannot break the layout, removes
// terminal control characters, and cuts it if it is very long.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(stripControls(s)), " ")
	const max = 400
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

// verbatim keeps a command exactly as given (spaces matter in a reproduction), only indenting
// continuation lines and removing terminal control characters.
func verbatim(s string) string {
	s = strings.TrimRight(stripControls(s), "\n")
	return strings.ReplaceAll(s, "\n", "\n                  ")
}

// stripControls replaces control characters other than tab and newline, so that a hostile
// response cannot send escape sequences to the reader's terminal.
func stripControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' {
			return r
		}
		if r == '\r' {
			return -1
		}
		if unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}
