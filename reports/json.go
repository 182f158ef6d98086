package reports

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/clbcheck/clbcheck/contracts"
)

// JSONSchemaVersion is the version of the JSON report layout. It grows when a field changes
// meaning; added fields do not change it.
const JSONSchemaVersion = 1

// JSONReport is the document the JSON writer produces and ReadJSON returns. It holds the run's
// description, counts, the findings (failures and warnings grouped by cause), the tallies per
// check, every failure and warning in full, skips aggregated by reason, and coverage. Passing
// cases are only counted.
type JSONReport struct {
	Tool          string         `json:"tool"`
	Version       string         `json:"version"`
	SchemaVersion int            `json:"schemaVersion"`
	Meta          contracts.Meta `json:"meta"`
	Summary       JSONSummary    `json:"summary"`
	// Findings are derived from Failures and Warnings (Findings); Checks count cases per check.
	Findings []Finding     `json:"findings"`
	Checks   []CheckTally  `json:"checks"`
	Failures []JSONFailure `json:"failures"`
	Warnings []JSONFailure `json:"warnings"`
	Skips    []SkipReason  `json:"skips"`
	Coverage JSONCoverage  `json:"coverage"`
}

// JSONSummary is the run's Summary with the verdict and the number of findings.
type JSONSummary struct {
	// Result is "pass" or "fail", as the exit status of the run says: with a baseline, failures
	// it already listed (knownFailures) do not make it fail.
	Result string `json:"result"`
	// Status is what the run concluded in more detail: pass, fail, aborted, inconclusive (no
	// case judged, or a fixture most cases need not built), incomplete (cut by a hard budget)
	// or transient (target trouble above its limit); result is pass only when status is.
	Status string `json:"status"`
	// Notes say why the run is more than a plain pass or fail, as the console shows them first.
	Notes []string `json:"notes,omitempty"`
	// FailureGroups and WarningGroups count the failing and the warning findings.
	FailureGroups int `json:"failureGroups"`
	WarningGroups int `json:"warningGroups"`
	contracts.Summary
}

// JSONFailure is one failing (or warning) case in full, with its stable key, the names of the
// checks that failed and the cause it is grouped under.
type JSONFailure struct {
	Key          string   `json:"key"`
	FailedChecks []string `json:"failedChecks"`
	Cause        string   `json:"cause"`
	contracts.CaseResult
}

// JSONCoverage is the run's Coverage with totals over documented error codes.
type JSONCoverage struct {
	Documented int `json:"documentedCodes"`
	Reached    int `json:"reachedCodes"`
	Asserted   int `json:"assertedCodes"`
	contracts.Coverage
}

// Find returns the failing or warning case with the given id, for `clbcheck replay FILE#CASE`.
func (r *JSONReport) Find(id string) (contracts.CaseResult, bool) {
	for _, list := range [][]JSONFailure{r.Failures, r.Warnings} {
		for _, f := range list {
			if f.ID == id {
				return f.CaseResult, true
			}
		}
	}
	return contracts.CaseResult{}, false
}

// LoadCase reads the case named by a reference of the form FILE#CASE (a JSON report and the id
// of a failing or warning case in it), as `clbcheck replay` takes it.
func LoadCase(ref string) (contracts.CaseResult, error) {
	path, id, ok := strings.Cut(ref, "#")
	if !ok || path == "" || id == "" {
		return contracts.CaseResult{}, fmt.Errorf("%q is not a case reference: write FILE#CASE, e.g. out/report.json#negative/ListenerPort/maximum", ref)
	}
	f, err := os.Open(path)
	if err != nil {
		return contracts.CaseResult{}, fmt.Errorf("cannot read report %s: %w", path, err)
	}
	defer f.Close()
	rep, err := ReadJSON(f)
	if err != nil {
		return contracts.CaseResult{}, fmt.Errorf("%s: %w", path, err)
	}
	c, found := rep.Find(id)
	if !found {
		return contracts.CaseResult{}, fmt.Errorf("case %q is not among the %d failures and %d warnings of %s (passing cases are not kept in reports)",
			id, len(rep.Failures), len(rep.Warnings), path)
	}
	return c, nil
}

// FailureCases returns the failing cases as the runner reported them.
func (r *JSONReport) FailureCases() []contracts.CaseResult {
	out := make([]contracts.CaseResult, len(r.Failures))
	for i, f := range r.Failures {
		out[i] = f.CaseResult
	}
	return out
}

// JSON writes the JSON report at End. Only failures and warnings are held until then.
type JSON struct {
	w   io.Writer
	col collector
}

// NewJSON returns a reporter that writes the JSON report to w.
func NewJSON(w io.Writer) contracts.Reporter { return &JSON{w: w} }

// Begin records the run's description.
func (j *JSON) Begin(m contracts.Meta) error { return j.col.begin(m) }

// Case counts a case and keeps it only if it failed or warned.
func (j *JSON) Case(r contracts.CaseResult) error { return j.col.add(r) }

// End writes the document.
func (j *JSON) End(sum contracts.Summary, cov contracts.Coverage) error {
	if err := j.col.end(); err != nil {
		return err
	}
	rep := &JSONReport{
		Tool:          j.col.tool(),
		Version:       j.col.meta.Version,
		SchemaVersion: JSONSchemaVersion,
		Meta:          j.col.meta,
		Summary:       JSONSummary{Summary: j.col.summary(sum)},
		Checks:        j.col.checkList(),
		Failures:      toJSONFailures(j.col.failures),
		Warnings:      toJSONFailures(j.col.warnings),
		Skips:         j.col.skipList(),
		Coverage:      JSONCoverage{Coverage: cov},
	}
	rep.finish()
	return encodeJSON(j.w, rep)
}

// encodeJSON writes v as the JSON-based reports are written: indented by two spaces, with <, >
// and & left as they are.
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// finish recomputes the derived fields and normalises empty lists, so that a document written
// fresh and one produced by Merge look the same.
func (r *JSONReport) finish() {
	if r.Tool == "" {
		r.Tool = ToolName
	}
	if r.SchemaVersion == 0 {
		r.SchemaVersion = JSONSchemaVersion
	}
	r.Summary.Result = "pass"
	if !passed(r.Summary.Summary) {
		r.Summary.Result = "fail"
	}
	r.Summary.Status = r.Summary.Summary.Status()
	r.Summary.Notes = statusNotes(r.Summary.Summary)
	if r.Summary.Trouble == nil {
		r.Summary.Trouble = []contracts.Trouble{}
	}
	cases := r.FailureCases()
	for _, w := range r.Warnings {
		cases = append(cases, w.CaseResult)
	}
	r.Findings = Findings(cases)
	r.Summary.FailureGroups, r.Summary.WarningGroups = findingCounts(r.Findings)
	if r.Checks == nil {
		r.Checks = []CheckTally{}
	}
	r.Coverage.Documented, r.Coverage.Reached, r.Coverage.Asserted = codeTotals(r.Coverage.Coverage)
	if r.Failures == nil {
		r.Failures = []JSONFailure{}
	}
	if r.Warnings == nil {
		r.Warnings = []JSONFailure{}
	}
	if r.Skips == nil {
		r.Skips = []SkipReason{}
	}
	if r.Meta.Checks == nil {
		r.Meta.Checks = []string{}
	}
	if r.Coverage.Codes == nil {
		r.Coverage.Codes = []contracts.CodeCoverage{}
	}
	if r.Coverage.Params == nil {
		r.Coverage.Params = []contracts.ParamCoverage{}
	}
	if r.Coverage.Rules == nil {
		r.Coverage.Rules = []contracts.ParamCoverage{}
	}
}

func toJSONFailures(cases []contracts.CaseResult) []JSONFailure {
	cases = slices.Clone(cases)
	sortCases(cases)
	out := make([]JSONFailure, len(cases))
	for i, c := range cases {
		out[i] = JSONFailure{Key: FailureKey(c), FailedChecks: FailingChecks(c), Cause: Cause(c), CaseResult: c}
	}
	return out
}

// ReadJSON reads a report written by the JSON writer (or by Merge).
func ReadJSON(r io.Reader) (*JSONReport, error) {
	var rep JSONReport
	dec := json.NewDecoder(r)
	if err := dec.Decode(&rep); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("reading JSON report: the file is empty")
		}
		return nil, fmt.Errorf("reading JSON report: %w", err)
	}
	if rep.Tool == "" || rep.SchemaVersion == 0 {
		return nil, fmt.Errorf("reading JSON report: not a clbcheck report (no tool or schemaVersion field)")
	}
	if rep.SchemaVersion > JSONSchemaVersion {
		return nil, fmt.Errorf("reading JSON report: layout version %d is newer than this build understands (%d); upgrade clbcheck",
			rep.SchemaVersion, JSONSchemaVersion)
	}
	rep.Summary.Summary = reconcile(rep.Summary.Summary, rep.Meta, tally{})
	for i := range rep.Failures {
		if rep.Failures[i].Key == "" {
			rep.Failures[i].Key = FailureKey(rep.Failures[i].CaseResult)
		}
	}
	rep.finish()
	return &rep, nil
}

// NewFailures returns the failures of current that baseline does not have, matched by
// FailureKey (case id and failing checks). With a nil baseline every failure is new. This is what
// `--baseline` fails on: a known failure does not fail the run again.
func NewFailures(current, baseline *JSONReport) []contracts.CaseResult {
	if current == nil {
		return nil
	}
	known := map[string]bool{}
	if baseline != nil {
		for _, f := range baseline.Failures {
			known[FailureKey(f.CaseResult)] = true
		}
	}
	var out []contracts.CaseResult
	for _, f := range current.Failures {
		if !known[FailureKey(f.CaseResult)] {
			out = append(out, f.CaseResult)
		}
	}
	return out
}

// Merge combines the reports of shards of one run: counts are summed, the duration is the
// longest shard's (shards run side by side), failures and warnings are the union by FailureKey,
// skip reasons are summed, and coverage is OR-ed for codes (reached, asserted) and summed for
// the number of cases per parameter and rule. Tool, version and meta come from the first report.
func Merge(reports ...*JSONReport) *JSONReport {
	m := merger{out: &JSONReport{}, seenFail: map[string]bool{}, seenWarn: map[string]bool{}, skips: map[string]*SkipReason{},
		codeIdx: map[string]int{}, paramIdx: map[[2]string]int{}, ruleIdx: map[[2]string]int{}}
	first := true
	for _, r := range reports {
		if r == nil {
			continue
		}
		if first {
			out := m.out
			out.Tool, out.Version, out.Meta = r.Tool, r.Version, r.Meta
			out.Meta.Checks = slices.Clone(r.Meta.Checks)
			out.Summary.Target, out.Summary.Profile, out.Summary.Seed = r.Summary.Target, r.Summary.Profile, r.Summary.Seed
			first = false
		}
		m.addSummary(r)
		m.addFindings(r)
		m.addSkips(r)
		m.addCoverage(r)
	}
	return m.finish()
}

// merger holds what Merge has combined so far.
type merger struct {
	out                *JSONReport
	seenFail, seenWarn map[string]bool // FailureKey of the findings taken
	skips              map[string]*SkipReason
	skipOrder          []string
	codeIdx            map[string]int
	paramIdx, ruleIdx  map[[2]string]int
	causes             []string // abort causes, each once
}

// addSummary sums a shard's counts and status notes into the merged summary.
func (m *merger) addSummary(r *JSONReport) {
	s := &m.out.Summary.Summary
	in := r.Summary.Summary
	s.Cases += in.Cases
	s.Passed += in.Passed
	s.Failed += in.Failed
	s.Skipped += in.Skipped
	s.Warnings += in.Warnings
	s.Known += in.Known
	s.Planned += in.Planned
	s.NotRun += in.NotRun
	s.Requests += in.Requests
	s.SoftBudget = s.SoftBudget || in.SoftBudget
	s.StoppedBy = cmp.Or(s.StoppedBy, in.StoppedBy)
	s.TransientLimit = max(s.TransientLimit, in.TransientLimit)
	s.Trouble = mergeTrouble(s.Trouble, in.Trouble)
	for _, t := range []struct {
		into *string
		from string
	}{{&s.Inconclusive, in.Inconclusive}, {&s.Unstable, in.Unstable}} {
		if t.from == "" {
			continue
		}
		if r.Meta.Shard != "" { // say which shard could not conclude
			t.from = "shard " + r.Meta.Shard + ": " + t.from
		}
		if !strings.Contains(*t.into, t.from) {
			*t.into = strings.TrimPrefix(*t.into+"; "+t.from, "; ")
		}
	}
	s.DurationS = max(s.DurationS, in.DurationS)
	m.out.Checks = sumTallies(m.out.Checks, r.Checks)
	if !in.Started.IsZero() && (s.Started.IsZero() || in.Started.Before(s.Started)) {
		s.Started = in.Started
	}
	if in.Aborted {
		s.Aborted = true
		if in.AbortCause != "" && !slices.Contains(m.causes, in.AbortCause) {
			m.causes = append(m.causes, in.AbortCause)
		}
	}
	for _, c := range r.Meta.Checks {
		if !slices.Contains(m.out.Meta.Checks, c) {
			m.out.Meta.Checks = append(m.out.Meta.Checks, c)
		}
	}
}

// addFindings unites a shard's failures and warnings with those taken, by FailureKey.
func (m *merger) addFindings(r *JSONReport) {
	for _, f := range r.Failures {
		if k := FailureKey(f.CaseResult); !m.seenFail[k] {
			m.seenFail[k] = true
			m.out.Failures = append(m.out.Failures, f)
		}
	}
	for _, f := range r.Warnings {
		if k := FailureKey(f.CaseResult); !m.seenWarn[k] {
			m.seenWarn[k] = true
			m.out.Warnings = append(m.out.Warnings, f)
		}
	}
}

// addSkips sums a shard's skip reasons, keeping a few example cases of each.
func (m *merger) addSkips(r *JSONReport) {
	for _, sk := range r.Skips {
		g := m.skips[sk.Reason]
		if g == nil {
			g = &SkipReason{Reason: sk.Reason}
			m.skips[sk.Reason] = g
			m.skipOrder = append(m.skipOrder, sk.Reason)
		}
		g.Count += sk.Count
		for _, id := range sk.Examples {
			if len(g.Examples) < maxSkipExamples && !slices.Contains(g.Examples, id) {
				g.Examples = append(g.Examples, id)
			}
		}
	}
}

// addCoverage ORs a shard's code coverage into the merged one and sums its cases per
// parameter and rule.
func (m *merger) addCoverage(r *JSONReport) {
	cov := &m.out.Coverage.Coverage
	for _, c := range r.Coverage.Codes {
		i, ok := m.codeIdx[c.Code]
		if !ok {
			m.codeIdx[c.Code] = len(cov.Codes)
			cov.Codes = append(cov.Codes, c)
			continue
		}
		mc := &cov.Codes[i]
		mc.Documented = mc.Documented || c.Documented
		mc.Gateway = mc.Gateway || c.Gateway
		mc.Reached = mc.Reached || c.Reached
		mc.Asserted = mc.Asserted || c.Asserted
		mc.Expected += c.Expected
		if mc.Trigger == "" {
			mc.Trigger = c.Trigger
		}
		if mc.Status == 0 {
			mc.Status = c.Status
		}
		if mc.Reason == "" {
			mc.Reason = c.Reason
		}
	}
	cov.Params = sumParams(cov.Params, r.Coverage.Params, m.paramIdx)
	cov.Rules = sumParams(cov.Rules, r.Coverage.Rules, m.ruleIdx)
}

// finish orders what was merged and returns the report.
func (m *merger) finish() *JSONReport {
	out := m.out
	for i := range out.Coverage.Codes {
		if out.Coverage.Codes[i].Reached {
			out.Coverage.Codes[i].Reason = "" // a reason for not reaching no longer applies
		}
	}
	out.Summary.AbortCause = strings.Join(m.causes, "; ")
	for _, reason := range m.skipOrder {
		out.Skips = append(out.Skips, *m.skips[reason])
	}
	slices.SortStableFunc(out.Skips, func(a, b SkipReason) int { return b.Count - a.Count })
	sortJSONFailures(out.Failures)
	sortJSONFailures(out.Warnings)
	out.finish()
	return out
}

func sumParams(dst, src []contracts.ParamCoverage, idx map[[2]string]int) []contracts.ParamCoverage {
	for _, p := range src {
		k := [2]string{p.Param, p.Kind}
		if i, ok := idx[k]; ok {
			dst[i].Cases += p.Cases
			dst[i].Fails += p.Fails
			continue
		}
		idx[k] = len(dst)
		dst = append(dst, p)
	}
	return dst
}

func sortJSONFailures(fs []JSONFailure) {
	cases := make([]contracts.CaseResult, len(fs))
	byKey := make(map[string]JSONFailure, len(fs))
	for i, f := range fs {
		cases[i] = f.CaseResult
		byKey[FailureKey(f.CaseResult)] = f
	}
	sortCases(cases)
	for i, c := range cases {
		fs[i] = byKey[FailureKey(c)]
	}
}

// mergeTrouble adds the trouble counts of another shard, kind by kind.
func mergeTrouble(into, from []contracts.Trouble) []contracts.Trouble {
	for _, t := range from {
		i := slices.IndexFunc(into, func(x contracts.Trouble) bool { return x.Kind == t.Kind })
		if i < 0 {
			into = append(into, t)
			continue
		}
		into[i].Retried += t.Retried
		into[i].Unjudged += t.Unjudged
	}
	return into
}
