package reports

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/spec"
)

// JUnit writes JUnit XML for CI systems, one failing testcase per finding rather than one per
// failing case, so that one cause is one red test. The testsuite "findings" comes first, with a
// testcase per failing finding (see Findings; classname clbcheck.findings): its failure carries
// the check, subject, expected and actual outcome, the number of cases and their ids, and the
// smallest example with its reproduction; the warning findings are listed in its system-out.
// Then one testsuite per category with a testcase per case that did not fail (name = case id,
// classname = clbcheck.<category>): a skip carries its reason, a warning is a passing testcase
// with the warning in system-out. Those cases are encoded when they arrive and kept in a
// caseSpool (a few MB in memory, the rest in a temporary file) until End streams the document
// out, so memory does not grow with the number of cases, besides the failing and warned cases
// the findings need.
type JUnit struct {
	w      io.Writer
	col    collector
	suites map[string]*junitSuite
	spool  caseSpool
}

type junitSuite struct {
	name      string
	classname string // of every testcase in the suite: clbcheck.<category>
	t         tally
}

type junitItem struct {
	id  string
	xml []byte
}

// NewJUnit returns a reporter that writes JUnit XML to w.
func NewJUnit(w io.Writer) contracts.Reporter {
	return &JUnit{w: w, suites: map[string]*junitSuite{}}
}

type junitCase struct {
	XMLName   xml.Name      `xml:"testcase"`
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut *junitOut     `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",cdata"`
}

// junitOut is system-out, kept readable as CDATA.
type junitOut struct {
	Text string `xml:",cdata"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// Begin records the run's description.
func (j *JUnit) Begin(m contracts.Meta) error { return j.col.begin(m) }

// Case encodes the case's testcase element into its category's suite.
func (j *JUnit) Case(r contracts.CaseResult) error {
	if err := j.col.add(r); err != nil {
		return err
	}
	if r.Verdict == contracts.Fail {
		return nil // shown by the testcase of its finding
	}
	cat := r.Category
	if cat == "" {
		cat = "uncategorised"
	}
	s := j.suites[cat]
	if s == nil {
		s = &junitSuite{name: cat, classname: ToolName + "." + cat}
		j.suites[cat] = s
	}
	s.t.add(r)
	tc := junitCase{Name: r.ID, Classname: s.classname, Time: seconds(r.DurationMS / 1000)}
	switch r.Verdict {
	case contracts.Skip:
		tc.Skipped = &junitMessage{Message: r.SkipReason}
	case contracts.Warn:
		fs := findings(r, contracts.Warn)
		tc.SystemOut = &junitOut{Text: xmlSafe("WARNING " + junitHeadline(fs) + "\n" + caseDetails(r, fs))}
	}
	b, err := marshalTestcase(tc)
	if err != nil {
		return fmt.Errorf("encoding JUnit testcase %q: %w", r.ID, err)
	}
	return j.spool.add(s, junitItem{id: r.ID, xml: b})
}

// marshalTestcase is xml.MarshalIndent(tc, "    ", "  "), written by hand for a testcase
// without children (a passing case, most of a run), which encoding/xml spends more time on
// than the case itself took. TestMarshalTestcaseMatchesEncodingXML compares the two.
func marshalTestcase(tc junitCase) ([]byte, error) {
	if tc.Failure != nil || tc.Error != nil || tc.Skipped != nil || tc.SystemOut != nil {
		return xml.MarshalIndent(tc, "    ", "  ")
	}
	var b bytes.Buffer
	b.Grow(64 + len(tc.Name) + len(tc.Classname) + len(tc.Time))
	b.WriteString(`    <testcase name="`)
	_ = xml.EscapeText(&b, []byte(tc.Name))
	b.WriteString(`" classname="`)
	_ = xml.EscapeText(&b, []byte(tc.Classname))
	b.WriteString(`" time="`)
	_ = xml.EscapeText(&b, []byte(tc.Time))
	b.WriteString(`"></testcase>`)
	return b.Bytes(), nil
}

// End writes the document, suites sorted by category and testcases by id.
func (j *JUnit) End(sum contracts.Summary, _ contracts.Coverage) error {
	defer j.spool.close()
	if err := j.col.end(); err != nil {
		return err
	}
	s := j.col.summary(sum)
	buf := bufio.NewWriterSize(j.w, 64<<10)
	buf.WriteString(xml.Header)
	errorsN := 0
	if st := s.Status(); st != contracts.StatusPass && st != contracts.StatusFail {
		errorsN = 1 // the run itself: aborted, inconclusive, incomplete or troubled (properties say why)
	}
	fs := j.col.findings()
	failing, _ := findingCounts(fs)
	fmt.Fprintf(buf, "<testsuites name=%s tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%s\">\n",
		attr(j.col.tool()), s.Cases-s.Failed+failing+errorsN, failing, errorsN, s.Skipped, seconds(s.DurationS))
	props := j.properties(s)
	if err := j.writeFindings(buf, fs, props); err != nil {
		return err
	}
	names := make([]string, 0, len(j.suites))
	for n := range j.suites {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		su := j.suites[n]
		j.openSuite(buf, n, su.t, 0, props)
		err := j.spool.each(su, func(c junitItem) error {
			buf.Write(c.xml)
			return buf.WriteByte('\n')
		})
		if err != nil {
			return err
		}
		buf.WriteString("  </testsuite>\n")
	}
	if errorsN > 0 {
		// A run that was aborted, judged nothing, stopped early or met too much target trouble
		// shows as an error, so CI never reads it as a green one.
		msg := "the run was aborted: " + s.AbortCause
		if !s.Aborted {
			msg = strings.Join(statusNotes(s), "; ")
		}
		j.openSuite(buf, "run", tally{Cases: 1}, 1, props)
		tc := junitCase{Name: "run", Classname: ToolName + ".run", Time: seconds(s.DurationS),
			Error: &junitMessage{Message: msg, Type: s.Status()}}
		b, err := xml.MarshalIndent(tc, "    ", "  ")
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteString("\n  </testsuite>\n")
	}
	buf.WriteString("</testsuites>\n")
	return buf.Flush()
}

// writeFindings writes the testsuite of findings: a failing testcase per failing finding, and
// the warning findings in its system-out.
func (j *JUnit) writeFindings(buf *bufio.Writer, fs []Finding, props []junitProperty) error {
	if len(fs) == 0 {
		return nil
	}
	failing, _ := findingCounts(fs)
	j.openSuite(buf, "findings", tally{Cases: failing, Failed: failing}, 0, props)
	var warnings strings.Builder
	for i, f := range fs {
		if f.Verdict != contracts.Fail {
			fmt.Fprintf(&warnings, "WARNING %d: %s [%s, e.g. %s]\n", i+1, oneLine(f.Title()), plural(f.Count, "case"), f.Example)
			continue
		}
		r := f.ExampleCase()
		body := fmt.Sprintf("%s\nsmallest example:\n%s", caseIDs(f), caseDetails(r, []contracts.CheckResult{f.exampleCheck}))
		msg := fmt.Sprintf("%s (%s)", oneLine(f.Title()), plural(f.Count, "case"))
		if f.Baseline != "" {
			msg += " [" + f.Baseline + "]"
		}
		tc := junitCase{Name: fmt.Sprintf("%d. %s", i+1, oneLine(f.Title())), Classname: ToolName + ".findings", Time: seconds(r.DurationMS / 1000),
			Failure: &junitMessage{Message: msg, Type: f.Check, Text: xmlSafe(body)}}
		b, err := xml.MarshalIndent(tc, "    ", "  ")
		if err != nil {
			return fmt.Errorf("encoding JUnit finding %q: %w", f.Title(), err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	if warnings.Len() > 0 {
		b, err := xml.MarshalIndent(struct {
			XMLName xml.Name `xml:"system-out"`
			Text    string   `xml:",cdata"`
		}{Text: xmlSafe(warnings.String())}, "    ", "  ")
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	buf.WriteString("  </testsuite>\n")
	return nil
}

// caseIDs lists the cases of a finding, at most 100.
func caseIDs(f Finding) string {
	const most = 100
	ids := f.Cases
	more := ""
	if len(ids) > most {
		ids, more = ids[:most], fmt.Sprintf("\n  ... and %d more (see the JSON report)", len(ids)-most)
	}
	return fmt.Sprintf("%s:\n  %s%s", plural(f.Count, "case"), strings.Join(ids, "\n  "), more)
}

func (j *JUnit) openSuite(buf *bufio.Writer, name string, t tally, errorsN int, props []junitProperty) {
	fmt.Fprintf(buf, "  <testsuite name=%s tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%s\"",
		attr(name), t.Cases, t.Failed, errorsN, t.Skipped, seconds(t.Seconds))
	if !j.col.meta.Started.IsZero() {
		fmt.Fprintf(buf, " timestamp=%s", attr(j.col.meta.Started.UTC().Format("2006-01-02T15:04:05")))
	}
	buf.WriteString(">\n    <properties>\n")
	for _, p := range props {
		fmt.Fprintf(buf, "      <property name=%s value=%s/>\n", attr(p.Name), attr(p.Value))
	}
	buf.WriteString("    </properties>\n")
}

func (j *JUnit) properties(s contracts.Summary) []junitProperty {
	m := j.col.meta
	props := []junitProperty{
		{"seed", strconv.FormatInt(s.Seed, 10)},
		{"target", s.Target},
		{"profile", s.Profile},
		{"tool", j.col.tool()},
	}
	if m.Version != "" {
		props = append(props, junitProperty{"version", m.Version})
	}
	if len(m.Checks) > 0 {
		props = append(props, junitProperty{"checks", strings.Join(m.Checks, ",")})
	}
	props = append(props, junitProperty{"status", s.Status()}, junitProperty{"planned", strconv.Itoa(s.Planned)},
		junitProperty{"notRun", strconv.Itoa(s.NotRun)}, junitProperty{"requests", strconv.FormatInt(s.Requests, 10)})
	for _, t := range s.Trouble {
		props = append(props, junitProperty{"transient." + t.Kind, fmt.Sprintf("%d retried, %d not judged", t.Retried, t.Unjudged)})
	}
	for i, n := range statusNotes(s) {
		props = append(props, junitProperty{"note." + strconv.Itoa(i+1), n})
	}
	return props
}

// xmlSafe replaces the characters XML 1.0 cannot carry at all (CDATA sections are not escaped,
// so a NUL byte in a response body would otherwise make the whole file unreadable).
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r < 0xE000:
			return '\uFFFD'
		}
		return r
	}, s)
}

// attr returns s as a quoted, escaped XML attribute value.
func attr(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	_ = xml.EscapeText(&b, []byte(s))
	b.WriteByte('"')
	return b.String()
}

// junitHeadline is a one-line message naming the failing checks and the first mismatch.
func junitHeadline(fs []contracts.CheckResult) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Check
	}
	f := fs[0]
	return oneLine(fmt.Sprintf("%s: expected %s, got %s", strings.Join(names, ", "), f.Expected, f.Actual))
}

// directionWord words a result's direction ("accept", "refuse") as its outcome.
func directionWord(d string) string {
	switch spec.Direction(d) {
	case spec.MustAccept:
		return "accepted"
	case spec.MustRefuse:
		return "refused"
	}
	return "accepted or refused"
}

// caseDetails is the multi-line body shared by JUnit, SARIF and Markdown: what the case sent,
// each finding with expected and actual, and how to reproduce it.
func caseDetails(r contracts.CaseResult, fs []contracts.CheckResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "case: %s (scenario %s, category %s, size %d, seed %d)\n", r.ID, r.Scenario, r.Category, r.Size, r.Seed)
	if t := brokenText(r.Broken); t != "" {
		fmt.Fprintf(&b, "broke: %s\n", t)
	}
	for _, f := range fs {
		fmt.Fprintf(&b, "check %s: expected %s, actual %s", f.Check, oneLine(f.Expected), oneLine(f.Actual))
		if f.Message != "" {
			fmt.Fprintf(&b, " (%s)", oneLine(f.Message))
		}
		b.WriteByte('\n')
	}
	switch {
	case r.Basis != "" && r.DirectionBasis != "" && r.DirectionBasis != r.Basis:
		fmt.Fprintf(&b, "basis: that the case is %s is %s; the code is %s\n", directionWord(r.Direction), r.DirectionBasis, r.Basis)
	case r.Basis != "":
		fmt.Fprintf(&b, "basis: %s\n", r.Basis)
	}
	if e := r.Exchange; e != nil {
		fmt.Fprintf(&b, "exchange: %s %s -> %d", e.Method, e.URL, e.Status)
		if e.Code != "" {
			fmt.Fprintf(&b, " %s", e.Code)
		}
		if e.RequestID != "" {
			fmt.Fprintf(&b, " (request %s)", e.RequestID)
		}
		b.WriteByte('\n')
	}
	if rp := r.Repro; rp != nil {
		for _, l := range []struct{ label, text string }{{"rerun", rp.Rerun}, {"replay", rp.Replay}, {"curl", rp.Curl}, {"note", rp.CurlNote}, {"note", rp.ResourcesNote}} {
			if l.text != "" {
				fmt.Fprintf(&b, "%s: %s\n", l.label, l.text)
			}
		}
	}
	return b.String()
}
