package reports

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/clbcheck/clbcheck/contracts"
)

// Finding is one cause of failures or warnings: every case on which one check gave the same
// verdict about the same subject (a parameter or response field), expecting the same thing and
// getting the same thing. A missing default in the read-back is one finding however many cases
// ran into it. Every report shows findings first, each with the number of cases and its
// smallest example.
type Finding struct {
	Verdict  contracts.Verdict `json:"verdict"` // fail or warn
	Check    string            `json:"check"`
	Subject  string            `json:"subject,omitempty"`
	Expected string            `json:"expected"`
	Actual   string            `json:"actual"`
	Message  string            `json:"message,omitempty"` // the example's explanation
	// Answers is, for a finding about the shape of answers, which answers it is about:
	// "success" or "error".
	Answers string `json:"answers,omitempty"`
	Count   int    `json:"cases"`
	// Example is the id of the smallest case with this finding; Cases are the ids of all of
	// them, smallest first.
	Example string   `json:"example"`
	Cases   []string `json:"caseIds"`
	// Baseline is "new" when some case of the finding is a failure the baseline did not list,
	// "known" when the baseline listed all of them, empty without a baseline.
	Baseline string `json:"baseline,omitempty"`

	example      contracts.CaseResult
	exampleCheck contracts.CheckResult
}

// ExampleCase is the smallest case with this finding, in full (for its reproduction).
func (f Finding) ExampleCase() contracts.CaseResult { return f.example }

// Title names a finding in one line: "expected-outcome · ListenerPort: expected X, got Y".
func (f Finding) Title() string {
	s := f.Check
	if f.Subject != "" {
		s += " · " + f.Subject
	}
	s += ": expected " + orDash(oneLine(f.Expected)) + ", got " + orDash(oneLine(f.Actual))
	if f.Answers != "" {
		s += " (" + f.Answers + " answers)"
	}
	return s
}

// Fingerprint identifies a finding across runs (check, subject, expected and actual, with ids
// and request ids left out).
func (f Finding) Fingerprint() string {
	return strings.Join([]string{string(f.Verdict), f.Check, f.Subject, stable(f.Expected), stable(f.Actual)}, "\x1f")
}

// Findings groups the failing and warning checks of cases by cause: (verdict, check, subject,
// expected, actual). The subject is the check's Subject, else the parameter the case broke,
// else the rule, state or mode it broke, else the parameter a positive case stands on, else
// the case's scenario (AUTH_V3, TRANSPORT_GET...). A check
// of the answer's shape (request-id, response-schema...) groups by the kind of answer instead
// (success or its status), whatever the case broke and whatever body came back. Values that differ from request to request (request
// ids, resource ids) do not split a finding, and an answer body stands for itself only through
// the check's message. A case may belong to several findings (it failed two checks); passing
// and skipped cases belong to none. Failing findings come first, then the most frequent. The
// result depends only on the cases, never on their order.
func Findings(cases []contracts.CaseResult) []Finding {
	byKey := map[string]*Finding{}
	var order []string
	for _, r := range cases {
		if r.Verdict != contracts.Fail && r.Verdict != contracts.Warn {
			continue
		}
		seen := map[string]bool{}
		for _, ch := range causes(r) {
			f, key := causeOf(r, ch)
			if seen[key] {
				continue
			}
			seen[key] = true
			g := byKey[key]
			if g == nil {
				g = &f
				byKey[key] = g
				order = append(order, key)
			}
			g.add(r, ch)
		}
	}
	out := make([]Finding, 0, len(order))
	for _, k := range order {
		out = append(out, byKey[k].finish())
	}
	slices.SortFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(rank(a.Verdict), rank(b.Verdict)), cmp.Compare(b.Count, a.Count),
			cmp.Compare(a.Check, b.Check), cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.Expected, b.Expected),
			cmp.Compare(a.Actual, b.Actual), cmp.Compare(a.Example, b.Example))
	})
	return out
}

// add records one case of the finding, keeping the smallest as the example.
func (f *Finding) add(r contracts.CaseResult, ch contracts.CheckResult) {
	f.Count++
	f.Cases = append(f.Cases, r.ID)
	if f.Count == 1 || smaller(r, f.example) {
		f.example, f.exampleCheck = r, ch
		f.Expected, f.Actual, f.Message = ch.Expected, ch.Actual, ch.Message
	}
	switch {
	case r.Baseline == "new":
		f.Baseline = "new"
	case r.Baseline == "known" && f.Baseline == "":
		f.Baseline = "known"
	}
}

// finish orders the finding's case ids smallest first. Its example is the first of them.
func (f *Finding) finish() Finding {
	f.Example = f.example.ID
	ids := f.Cases
	slices.Sort(ids)
	f.Cases = slices.Compact(ids)
	// The example goes first, the rest stay in id order (their sizes are not kept).
	if i := slices.Index(f.Cases, f.Example); i > 0 {
		f.Cases = slices.Insert(slices.Delete(f.Cases, i, i+1), 0, f.Example)
	}
	return *f
}

// smaller orders the cases of a finding for its example: a case that breaks nothing first (a
// default missing from the read-back is best shown on a valid request), then the smallest.
func smaller(a, b contracts.CaseResult) bool {
	return cmp.Or(cmp.Compare(breaks(a), breaks(b)), cmp.Compare(a.Size, b.Size), cmp.Compare(a.ID, b.ID)) < 0
}

// breaks is 1 for a case that breaks something on purpose, 0 for a valid request.
func breaks(r contracts.CaseResult) int {
	if r.Broken != nil {
		return 1
	}
	return 0
}

func rank(v contracts.Verdict) int {
	if v == contracts.Fail {
		return 0
	}
	return 1
}

// causes are the checks of a kept case that did not pass, with expected and actual filled from
// the case when the check leaves them empty. A case whose verdict no check explains yields one
// pseudo-check built from the case itself.
func causes(r contracts.CaseResult) []contracts.CheckResult {
	var out []contracts.CheckResult
	for _, ch := range r.Checks {
		if ch.Verdict == contracts.Fail || ch.Verdict == contracts.Warn {
			out = append(out, ch)
		}
	}
	if len(out) == 0 {
		out = append(out, contracts.CheckResult{
			Check: outcomeCheck, Verdict: findingVerdict(r), Expected: r.Expected, Actual: r.Actual,
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

// causeOf is the finding one failing check of a case belongs to, and the key that groups it.
func causeOf(r contracts.CaseResult, ch contracts.CheckResult) (Finding, string) {
	v := contracts.Fail
	if ch.Verdict == contracts.Warn || ch.Severity == contracts.SeverityWarning {
		v = contracts.Warn
	}
	f := Finding{Verdict: v, Check: ch.Check, Subject: subjectOf(r, ch), Expected: ch.Expected, Actual: ch.Actual}
	if answerShape[ch.Check] || (ch.Check == contracts.CheckExpectedOutcome && strings.HasPrefix(ch.Message, contracts.NeitherSuccessNorRefusal)) {
		// What is wrong with the answer's shape does not depend on what the request broke:
		// group by the kind of answer, not by the parameter or the body that came back.
		f.Subject, f.Answers = ch.Subject, answerKind(r.Actual)
		key := strings.Join([]string{string(v), ch.Check, ch.Subject, stable(ch.Expected), f.Answers}, "\x1f")
		if !looksLikeBody(ch.Actual) {
			key += "\x1f" + stable(ch.Actual)
		}
		return f, key
	}
	key := f.Fingerprint()
	if looksLikeBody(ch.Actual) {
		key += "\x1f" + stable(ch.Message)
	}
	return f, key
}

// answerShape are the checks about the shape of an answer (status, code, envelope, schema,
// RequestId, content type) rather than about what the request asked.
var answerShape = map[string]bool{
	contracts.CheckNotServerError: true, contracts.CheckStatusDocumented: true, contracts.CheckCodeDocumented: true,
	contracts.CheckResponseSchema: true, contracts.CheckRequestID: true, contracts.CheckContentType: true,
	contracts.CheckErrorEnvelope: true,
}

// answerKind is what kind of answer a case's actual outcome is: "success", or "error" whatever
// its status (one wrong content type on a 400 and a 404 is one cause).
func answerKind(actual string) string {
	if kind, _, _ := strings.Cut(strings.TrimSpace(actual), " "); kind == "success" || strings.HasPrefix(kind, "2") {
		return "success"
	}
	return "error"
}

// subjectOf is what a finding is about: the check's subject, else what the case broke.
func subjectOf(r contracts.CaseResult, ch contracts.CheckResult) string {
	if ch.Subject != "" {
		return ch.Subject
	}
	if b := r.Broken; b != nil {
		return cmp.Or(b.Param, b.Rule)
	}
	return cmp.Or(r.EdgeParam, r.Scenario)
}

var (
	reVolatileRequestID = regexp.MustCompile(`("RequestId"\s*:\s*")[^"]*"|(<RequestId>)[^<]*(</RequestId>)`)
	reVolatileUUID      = regexp.MustCompile(`\b[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\b`)
	reVolatileID        = regexp.MustCompile(`\b(lb|rsp|acl|cert|tls|vsp|msg|clbcheck)-[0-9a-z-]{6,}\b`)
)

// stable removes from a value what changes from request to request.
func stable(s string) string {
	s = reVolatileRequestID.ReplaceAllString(s, `$1$2…$3`)
	s = reVolatileUUID.ReplaceAllString(s, "…")
	return reVolatileID.ReplaceAllString(s, "$1-…")
}

// looksLikeBody tells an answer body (which may carry anything) from a short outcome.
func looksLikeBody(s string) bool {
	t := strings.TrimSpace(s)
	return strings.HasPrefix(t, "{") || strings.HasPrefix(t, "<")
}

// findingCounts is how many findings fail and how many warn.
func findingCounts(fs []Finding) (failing, warning int) {
	for _, f := range fs {
		if f.Verdict == contracts.Fail {
			failing++
		} else {
			warning++
		}
	}
	return failing, warning
}

// CheckTally counts, for one check, the cases it passed, failed and warned on (a case counts
// once per check, with the worst of that check's verdicts on it).
type CheckTally struct {
	Check  string `json:"check"`
	Passed int    `json:"passed"`
	Failed int    `json:"failed"`
	Warned int    `json:"warned"`
}

// checkTallies accumulates CheckTally per check.
type checkTallies map[string]*CheckTally

func (t checkTallies) add(r contracts.CaseResult) {
	for i, ch := range r.Checks {
		// The worst verdict of this check on this case, counted at its first result.
		if slices.ContainsFunc(r.Checks[:i], func(o contracts.CheckResult) bool { return o.Check == ch.Check }) {
			continue
		}
		worst := ch.Verdict
		for _, other := range r.Checks[i+1:] {
			if other.Check == ch.Check && severityRank(other.Verdict) > severityRank(worst) {
				worst = other.Verdict
			}
		}
		ct := t[ch.Check]
		if ct == nil {
			ct = &CheckTally{Check: ch.Check}
			t[ch.Check] = ct
		}
		switch worst {
		case contracts.Fail:
			ct.Failed++
		case contracts.Warn:
			ct.Warned++
		case contracts.Pass:
			ct.Passed++
		}
	}
}

func severityRank(v contracts.Verdict) int {
	switch v {
	case contracts.Fail:
		return 3
	case contracts.Warn:
		return 2
	case contracts.Pass:
		return 1
	}
	return 0
}

// list returns the tallies in the order of order (the run's checks), then any other check by
// name.
func (t checkTallies) list(order []string) []CheckTally {
	var out []CheckTally
	for _, name := range order {
		if ct := t[name]; ct != nil {
			out = append(out, *ct)
		}
	}
	var rest []CheckTally
	for name, ct := range t {
		if !slices.Contains(order, name) {
			rest = append(rest, *ct)
		}
	}
	slices.SortFunc(rest, func(a, b CheckTally) int { return cmp.Compare(a.Check, b.Check) })
	return append(out, rest...)
}

// sumTallies adds tallies by check name, keeping the order of first appearance.
func sumTallies(lists ...[]CheckTally) []CheckTally {
	var out []CheckTally
	idx := map[string]int{}
	for _, l := range lists {
		for _, ct := range l {
			if i, ok := idx[ct.Check]; ok {
				out[i].Passed += ct.Passed
				out[i].Failed += ct.Failed
				out[i].Warned += ct.Warned
				continue
			}
			idx[ct.Check] = len(out)
			out = append(out, ct)
		}
	}
	return out
}

// findingLabel is "FAIL" or "WARN", with "(new)" or "(known)" against a baseline.
func findingLabel(f Finding) string {
	label := "FAIL"
	if f.Verdict == contracts.Warn {
		label = "WARN"
	}
	if f.Baseline != "" {
		label += fmt.Sprintf(" (%s)", f.Baseline)
	}
	return label
}
