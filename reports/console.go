package reports

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/spec"
)

// Console writes a summary for a person reading a terminal. It leads with the findings (one
// per cause, see Findings), each with its number of cases and its smallest example in full with
// the lines that reproduce it, then a table of passed, failed and warned cases per check, the
// skips, the coverage of documented error codes, the verdict with the counts, and the command
// that runs the same cases again. Nothing is written before End, and the output depends only
// on the stream, never on the order cases arrived in.
type Console struct {
	w   io.Writer
	col collector
	// MaxFindings bounds how many findings of each verdict are shown (0 = all); the rest are
	// counted.
	MaxFindings int
}

// NewConsole returns a console reporter writing to w.
func NewConsole(w io.Writer) contracts.Reporter { return &Console{w: w, MaxFindings: 30} }

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
	notes := statusNotes(s)
	if st := s.Status(); st != contracts.StatusPass && st != contracts.StatusFail {
		// The reason the run cannot be trusted comes before anything else.
		for _, n := range notes {
			p("%s: %s\n", verdictWord(s), n)
		}
		p("\n")
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

	fs := c.col.findings()
	c.writeFindings(bw, fs)
	writeConsoleChecks(p, c.col.checkList())

	if skips := c.col.skipList(); len(skips) > 0 {
		p("SKIPPED: %s\n", plural(s.Skipped, "case"))
		for _, g := range skips {
			p("  - %s: %s (e.g. %s)\n", oneLine(g.Reason), plural(g.Count, "case"), strings.Join(g.Examples, ", "))
		}
		p("\n")
	}

	writeConsoleCoverage(p, cov)
	c.writeBaseline(p, s)

	verdict := verdictWord(s)
	if failing, _ := findingCounts(fs); failing > 0 && passed(s) {
		verdict += " (every failure is known from the baseline)"
	}
	p("%s: ", verdict)
	if failing, warning := findingCounts(fs); failing+warning > 0 {
		p("%s, %s; ", plural(failing, "failing finding"), plural(warning, "warning finding"))
	}
	p("%s: %d passed, %d failed, %d skipped, %d warned, in %ss\n", plural(s.Cases, "case"),
		s.Passed, s.Failed, s.Skipped, s.Warnings, seconds(s.DurationS))
	if s.Aborted {
		p("  the run was aborted: %s\n", orDash(s.AbortCause))
	}
	for _, n := range notes {
		p("  note: %s\n", n)
	}
	if s.AbortCause != "" && !s.Aborted && s.NotRun == 0 {
		p("  note: %s\n", s.AbortCause)
	}
	c.writeRerun(p)
	return bw.Flush()
}

// writeFindings lists the findings: failing ones with their example in full, warnings in a
// line each.
func (c *Console) writeFindings(w io.Writer, fs []Finding) {
	if len(fs) == 0 {
		return
	}
	failing, warning := findingCounts(fs)
	fmt.Fprintf(w, "FINDINGS: %s and %s, from %s and %s\n", plural(failing, "failing finding"), plural(warning, "warning"),
		plural(len(c.col.failures), "failing case"), plural(len(c.col.warnings), "warned case"))
	shown, hidden := map[contracts.Verdict]int{}, map[contracts.Verdict]int{}
	for i, f := range fs {
		if c.MaxFindings > 0 && shown[f.Verdict] == c.MaxFindings {
			hidden[f.Verdict]++
			continue
		}
		shown[f.Verdict]++
		fmt.Fprintf(w, "\n %2d) %s %s  [%s]\n", i+1, findingLabel(f), f.Title(), plural(f.Count, "case"))
		if f.Message != "" {
			fmt.Fprintf(w, "        why:      %s\n", oneLine(f.Message))
		}
		c.writeExample(w, f)
	}
	for _, v := range []contracts.Verdict{contracts.Fail, contracts.Warn} {
		if hidden[v] > 0 {
			fmt.Fprintf(w, "\n  ... and %d more %s findings (see the JSON report)\n", hidden[v], map[contracts.Verdict]string{contracts.Fail: "failing", contracts.Warn: "warning"}[v])
		}
	}
	fmt.Fprintln(w)
}

// writeExample shows a finding's smallest case: for a failure in full with its reproduction,
// for a warning its id.
func (c *Console) writeExample(w io.Writer, f Finding) {
	r := f.ExampleCase()
	fmt.Fprintf(w, "        example:  %s  (size %d, seed %d, %s)\n", r.ID, r.Size, r.Seed, orDash(r.Scenario))
	defer func() {
		if others := f.Cases[1:]; len(others) > 0 {
			const most = 4
			line := strings.Join(others[:min(most, len(others))], ", ")
			if len(others) > most {
				line += fmt.Sprintf(" and %d more (see the JSON report)", len(others)-most)
			}
			fmt.Fprintf(w, "        also:     %s\n", oneLine(line))
		}
	}()
	if f.Verdict == contracts.Warn {
		return
	}
	if b := brokenText(r.Broken); b != "" {
		fmt.Fprintf(w, "        broke:    %s\n", b)
	}
	if r.Exchange != nil && r.Exchange.RequestID != "" {
		fmt.Fprintf(w, "        request:  %s\n", r.Exchange.RequestID)
	}
	if rp := r.Repro; rp != nil {
		for _, l := range []struct{ label, text string }{{"rerun", rp.Rerun}, {"replay", rp.Replay}, {"curl", rp.Curl}} {
			if l.text != "" {
				fmt.Fprintf(w, "        %-9s %s\n", l.label+":", verbatim(l.text))
			}
		}
		for _, n := range []string{rp.CurlNote, rp.ResourcesNote} {
			if n != "" {
				fmt.Fprintf(w, "        %-9s %s\n", "note:", oneLine(n))
			}
		}
	}
}

// writeBaseline says, for a run compared with a baseline, which failures are new.
func (c *Console) writeBaseline(p func(string, ...any), s contracts.Summary) {
	if c.col.meta.Baseline == "" {
		return
	}
	p("BASELINE %s: %d of %s new, %d known\n", c.col.meta.Baseline, s.Unexcused(), plural(s.Failed, "failing case"), s.Known)
	n := 0
	for _, r := range c.col.failures {
		if r.Baseline != "new" {
			continue
		}
		if n++; n > 20 {
			p("  ... and more (the findings marked new)\n")
			break
		}
		p("  new: %s (%s)\n", r.ID, strings.Join(FailingChecks(r), ", "))
	}
	p("\n")
}

// writeRerun gives the commands that run the same cases again, and only the failing ones when
// they are few.
func (c *Console) writeRerun(p func(string, ...any)) {
	rerun := c.col.meta.Rerun
	if rerun == "" {
		return
	}
	p("rerun exactly this with: %s\n", verbatim(rerun))
	if n := len(c.col.failures); n > 0 && n <= 10 {
		ids := make([]string, n)
		for i, r := range c.col.failures {
			ids[i] = r.ID
		}
		slices.Sort(ids)
		line := cmp.Or(c.col.meta.RerunCases, rerun)
		for _, id := range ids {
			line += " --include " + contracts.ShellQuote(id)
		}
		p("rerun the failing cases with: %s\n", verbatim(line))
	}
}

// writeConsoleChecks prints passed, failed and warned cases per check.
func writeConsoleChecks(p func(string, ...any), list []CheckTally) {
	if len(list) == 0 {
		return
	}
	width := len("CHECK")
	for _, ct := range list {
		width = max(width, len(ct.Check))
	}
	p("%-*s  %7s  %7s  %7s\n", width+2, "CHECKS", "passed", "failed", "warned")
	for _, ct := range list {
		p("  %-*s  %7d  %7d  %7d\n", width, ct.Check, ct.Passed, ct.Failed, ct.Warned)
	}
	p("\n")
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
		const most = 8 // a short run leaves most codes unreached: the JSON report lists them all
		for i, cc := range unreached {
			if i == most {
				p("    ... and %d more not reached (see the JSON or HTML report)\n", len(unreached)-most)
				break
			}
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
