package reports

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/clbcheck/clbcheck/contracts"
)

// ToolName is the name every report gives for the tool when the run's Meta leaves it empty.
const ToolName = "clbcheck"

// SpecPath is the description every finding points at, relative to the repository root.
const SpecPath = "spec/openapi.yaml"

// outcomeCheck names the pseudo-check used when a case failed or warned without any single
// check carrying that verdict (the case verdict itself is then the finding).
const outcomeCheck = "outcome"

// maxSkipExamples bounds how many case ids are kept per skip reason.
const maxSkipExamples = 3

// SkipReason counts the skipped cases that share a reason, with the ids of the first few, so
// that skips cost constant memory.
type SkipReason struct {
	Reason   string   `json:"reason"`
	Count    int      `json:"count"`
	Examples []string `json:"examples"`
}

// tally counts outcomes, for a whole run or one category.
type tally struct {
	Cases, Passed, Failed, Skipped, Warnings int
	Seconds                                  float64
}

func (t *tally) add(r contracts.CaseResult) {
	t.Cases++
	t.Seconds += r.DurationMS / 1000
	switch r.Verdict {
	case contracts.Fail:
		t.Failed++
	case contracts.Skip:
		t.Skipped++
	case contracts.Warn:
		t.Warnings++
	default:
		t.Passed++
	}
}

// collector is the state every writer shares: the run's Meta, counts, and only the cases that
// need to be shown in detail (failures and warnings). Passing cases are counted and dropped.
type collector struct {
	meta      contracts.Meta
	begun     bool
	ended     bool
	counts    tally
	failures  []contracts.CaseResult
	warnings  []contracts.CaseResult
	skips     map[string]*SkipReason
	checks    checkTallies
	countOnly bool // count cases without keeping any (failures, warnings, skip reasons)
}

func (c *collector) begin(m contracts.Meta) error {
	if c.begun {
		return fmt.Errorf("reports: Begin called twice")
	}
	c.begun = true
	c.meta = m
	return nil
}

func (c *collector) add(r contracts.CaseResult) error {
	if c.ended {
		return fmt.Errorf("reports: Case %q after End", r.ID)
	}
	c.counts.add(r)
	if c.checks == nil {
		c.checks = checkTallies{}
	}
	c.checks.add(r)
	switch r.Verdict {
	case contracts.Fail:
		if !c.countOnly {
			c.failures = append(c.failures, r)
		}
	case contracts.Warn:
		if !c.countOnly {
			c.warnings = append(c.warnings, r)
		}
	case contracts.Skip:
		if c.countOnly {
			break
		}
		if c.skips == nil {
			c.skips = map[string]*SkipReason{}
		}
		reason := r.SkipReason
		if reason == "" {
			reason = "no reason given"
		}
		g := c.skips[reason]
		if g == nil {
			g = &SkipReason{Reason: reason}
			c.skips[reason] = g
		}
		g.Count++
		if len(g.Examples) < maxSkipExamples {
			g.Examples = append(g.Examples, r.ID)
		}
	}
	return nil
}

func (c *collector) end() error {
	if c.ended {
		return fmt.Errorf("reports: End called twice")
	}
	c.ended = true
	return nil
}

// findings groups the kept failures and warnings by cause (Findings).
func (c *collector) findings() []Finding {
	return Findings(slices.Concat(c.failures, c.warnings))
}

// checkList returns the per-check tallies, in the order of the run's checks.
func (c *collector) checkList() []CheckTally { return c.checks.list(c.meta.Checks) }

// skipList returns the skip reasons, most frequent first.
func (c *collector) skipList() []SkipReason {
	out := make([]SkipReason, 0, len(c.skips))
	for _, g := range c.skips {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Reason < out[j].Reason
	})
	return out
}

// tool and version as shown in reports.
func (c *collector) tool() string {
	if c.meta.Tool != "" {
		return c.meta.Tool
	}
	return ToolName
}

// summary fills what the runner's Summary leaves empty from the Meta and from the counts this
// writer made itself, so a report stays meaningful when a caller passes a partial Summary.
func (c *collector) summary(s contracts.Summary) contracts.Summary {
	return reconcile(s, c.meta, c.counts)
}

func reconcile(s contracts.Summary, m contracts.Meta, t tally) contracts.Summary {
	if s.Target == "" {
		s.Target = m.Target
	}
	if s.Profile == "" {
		s.Profile = m.Profile
	}
	if s.Seed == 0 {
		s.Seed = m.Seed
	}
	if s.Started.IsZero() {
		s.Started = m.Started
	}
	if s.DurationS == 0 && s.Duration != 0 {
		s.DurationS = s.Duration.Seconds()
	}
	if s.Duration == 0 && s.DurationS != 0 {
		s.Duration = time.Duration(s.DurationS * float64(time.Second))
	}
	if s.Cases == 0 && t.Cases > 0 {
		s.Cases, s.Passed, s.Failed, s.Skipped, s.Warnings = t.Cases, t.Passed, t.Failed, t.Skipped, t.Warnings
	}
	return s
}

// passed says whether a run counts as a success, as its exit status does: no failure other than
// those a baseline already listed, not aborted, something judged, not cut short by a hard
// budget, and transient target trouble within its limit (contracts.Summary.Status).
func passed(s contracts.Summary) bool { return s.Status() == contracts.StatusPass }

// verdictWord is the word a report leads its verdict with: PASS only when the run passed.
func verdictWord(s contracts.Summary) string {
	switch s.Status() {
	case contracts.StatusPass:
		return "PASS"
	case contracts.StatusAborted:
		return "ABORTED"
	case contracts.StatusInconclusive:
		return "INCONCLUSIVE"
	case contracts.StatusIncomplete:
		return "INCOMPLETE"
	case contracts.StatusTransient:
		return "TRANSIENT TROUBLE"
	}
	return "FAIL"
}

// statusNotes are the lines every report shows first when the run is more than a plain pass
// or fail: why it judged nothing, how many cases did not run, the transient target trouble met.
func statusNotes(s contracts.Summary) []string {
	var notes []string
	if s.Inconclusive != "" {
		notes = append(notes, "the target was not judged: "+s.Inconclusive)
	}
	if s.NotRun > 0 {
		n := fmt.Sprintf("%d of %s ran, %d did not", s.Planned-s.NotRun, plural(s.Planned, "planned case"), s.NotRun)
		if s.AbortCause != "" {
			n += ": " + s.AbortCause
		}
		if s.SoftBudget && (s.StoppedBy == contracts.StoppedByBudget || s.StoppedBy == contracts.StoppedByRequests) {
			n += " (the budget was declared soft, so this does not fail the run)"
		}
		notes = append(notes, n)
	}
	if s.Unstable != "" {
		notes = append(notes, s.Unstable)
	}
	if t := s.TroubleText(); t != "" {
		within := ""
		if s.Unstable == "" {
			within = " (within the limit)"
		}
		notes = append(notes, "transient target trouble by kind"+within+": "+t)
	}
	return notes
}

// findings returns the checks of a case that carry the given verdict. A case whose verdict is
// not explained by any check yields one pseudo-check built from the case itself.
func findings(r contracts.CaseResult, v contracts.Verdict) []contracts.CheckResult {
	var out []contracts.CheckResult
	for _, ch := range r.Checks {
		if ch.Verdict == v {
			out = append(out, ch)
		}
	}
	if v == contracts.Fail {
		// A failed case is explained by its error-severity checks; checks configured as
		// warnings are listed only when nothing else failed.
		var errs []contracts.CheckResult
		for _, ch := range out {
			if ch.Severity != contracts.SeverityWarning {
				errs = append(errs, ch)
			}
		}
		if len(errs) > 0 {
			out = errs
		}
	}
	if len(out) == 0 && v == contracts.Warn {
		// A warning may also be a failed check whose severity is "warning".
		for _, ch := range r.Checks {
			if ch.Verdict == contracts.Fail && ch.Severity == contracts.SeverityWarning {
				out = append(out, ch)
			}
		}
	}
	if len(out) == 0 {
		out = append(out, contracts.CheckResult{
			Check: outcomeCheck, Verdict: v, Expected: r.Expected, Actual: r.Actual,
			Message: "the case outcome did not match its expectation",
		})
	}
	for i := range out {
		if out[i].Expected == "" {
			out[i].Expected = r.Expected
		}
		if out[i].Actual == "" {
			out[i].Actual = r.Actual
		}
	}
	return out
}

// findingVerdict is the verdict a shown case is listed under.
func findingVerdict(r contracts.CaseResult) contracts.Verdict {
	if r.Verdict == contracts.Warn {
		return contracts.Warn
	}
	return contracts.Fail
}

// FailingChecks returns the sorted names of the checks that failed on a case ("outcome" when the
// case failed without a failing check).
func FailingChecks(r contracts.CaseResult) []string {
	var names []string
	for _, f := range findings(r, findingVerdict(r)) {
		names = append(names, f.Check)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// FailureKey is the stable identity of a failure across runs: the case id and the names of the
// checks that failed on it. Two runs that fail the same case for the same checks share the key,
// whatever the response bodies, request ids or timings were.
func FailureKey(r contracts.CaseResult) string {
	return r.ID + "#" + strings.Join(FailingChecks(r), ",")
}

// Cause names what a case changed, which is how failures of one check are grouped: the broken
// parameter and constraint kind ("ListenerPort maximum"), or the rule, state or auth mode
// ("rule cookie-required"). Cases that broke nothing are grouped by scenario.
func Cause(r contracts.CaseResult) string {
	b := r.Broken
	if b == nil {
		if r.Scenario != "" {
			return "scenario " + r.Scenario
		}
		return "category " + r.Category
	}
	if b.Param != "" && b.Kind != "rule" {
		return b.Param + " " + b.Kind
	}
	if b.Rule != "" {
		return b.Kind + " " + b.Rule
	}
	if b.Param != "" {
		return b.Param + " " + b.Kind
	}
	return b.Kind
}

// sortCases orders cases for a flat list: by failing checks, cause, size and id. The keys are computed once per case, not once per comparison.
func sortCases(cases []contracts.CaseResult) {
	type keyed struct {
		checks, cause string
		c             contracts.CaseResult
	}
	ks := make([]keyed, len(cases))
	for i, c := range cases {
		ks[i] = keyed{strings.Join(FailingChecks(c), ","), Cause(c), c}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		return cmp.Or(
			cmp.Compare(a.checks, b.checks),
			cmp.Compare(a.cause, b.cause),
			cmp.Compare(a.c.Size, b.c.Size),
			cmp.Compare(a.c.ID, b.c.ID),
		)
	})
	for i := range ks {
		cases[i] = ks[i].c
	}
}

// codeTotals counts documented codes, and those reached and asserted.
func codeTotals(cov contracts.Coverage) (documented, reached, asserted int) {
	for _, c := range cov.Codes {
		if !c.Documented {
			continue
		}
		documented++
		if c.Reached {
			reached++
		}
		if c.Asserted {
			asserted++
		}
	}
	return
}

// sortedCodes returns the code coverage sorted by status and then code.
func sortedCodes(cov contracts.Coverage) []contracts.CodeCoverage {
	out := slices.Clone(cov.Codes)
	slices.SortStableFunc(out, func(a, b contracts.CodeCoverage) int {
		return cmp.Or(cmp.Compare(a.Status, b.Status), cmp.Compare(a.Code, b.Code))
	})
	return out
}

// brokenText describes what a negative case sent, in one line.
func brokenText(b *contracts.Breach) string {
	if b == nil {
		return ""
	}
	var parts []string
	name := b.Param
	if b.Wire != "" && b.Wire != b.Param {
		name = b.Wire
	}
	if name != "" {
		parts = append(parts, "param "+name)
	}
	parts = append(parts, "kind "+b.Kind)
	if b.Rule != "" {
		parts = append(parts, "rule "+b.Rule)
	}
	if b.Original != "" {
		parts = append(parts, fmt.Sprintf("original %q", b.Original))
	}
	if b.Param != "" || b.Sent != "" {
		parts = append(parts, fmt.Sprintf("sent %q", b.Sent))
	}
	return strings.Join(parts, ", ")
}

// plural returns "1 case" or "2 cases".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// seconds formats a duration in seconds with millisecond precision.
func seconds(s float64) string { return fmt.Sprintf("%.3f", s) }
