package contracts

import (
	"time"

	"github.com/clbcheck/clbcheck/spec"
)

// Verdict is the judgement of one check, or of one case.
type Verdict string

// Verdicts, from best to worst.
const (
	Pass Verdict = "pass"
	Skip Verdict = "skip" // the case could not run here (a fixture is missing); never a failure
	Warn Verdict = "warn" // an inferred expectation was not met under the documented profile
	Fail Verdict = "fail"
)

// Severity says what a failed check does to the run.
type Severity string

// Severities a check can be configured with.
const (
	SeverityError   Severity = "error"   // a failure fails the run
	SeverityWarning Severity = "warning" // a failure is reported as a warning
)

// CheckResult is the outcome of one named check on one case.
type CheckResult struct {
	Check   string  `json:"check"`
	Verdict Verdict `json:"verdict"`
	// Subject is the parameter or response field the check is about, when it is about one
	// ("IdleTimeout", "TLSCipherPolicy"); findings are grouped by check, subject, expected and
	// actual.
	Subject  string   `json:"subject,omitempty"`
	Severity Severity `json:"severity,omitempty"`
	Message  string   `json:"message,omitempty"`
	Expected string   `json:"expected,omitempty"`
	Actual   string   `json:"actual,omitempty"`
}

// Breach is the report's account of what a negative case broke, as sent on the wire: the
// case's generators.Broken flattened for readers. Rule holds whichever of the rule id, the
// state name (generators.Broken.State) or the auth mode the Kind calls for.
type Breach struct {
	Param    string `json:"param,omitempty"` // parameter path ("IdleTimeout", "Tag.Key")
	Kind     string `json:"kind"`            // constraint kind, "rule", "state", "wire", "auth"
	Rule     string `json:"rule,omitempty"`  // rule id, state name or auth mode
	Original string `json:"original,omitempty"`
	Sent     string `json:"sent,omitempty"`
	Wire     string `json:"wire,omitempty"` // the wire name as sent ("Tag.21.Key")
}

// Exchange is one HTTP request and its answer, kept for reproduction.
type Exchange struct {
	Method      string            `json:"method"`
	URL         string            `json:"url"`
	Body        string            `json:"body,omitempty"`
	Headers     map[string]string `json:"headers,omitempty"`
	Status      int               `json:"status"`
	Code        string            `json:"code,omitempty"`
	RequestID   string            `json:"requestId,omitempty"`
	ContentType string            `json:"contentType,omitempty"`
	Response    string            `json:"response,omitempty"` // body, truncated
	DurationMS  float64           `json:"durationMs"`
}

// CaseResult is everything known about one case after it ran.
type CaseResult struct {
	ID       string  `json:"id"`       // stable name, usable as a subtest name
	Scenario string  `json:"scenario"` // e.g. VALUE_ABOVE_MAXIMUM
	Category string  `json:"category"` // positive, negative, state, security, wire
	Broken   *Breach `json:"broken,omitempty"`
	// EdgeParam, for a positive case, is the parameter whose valid edge it stands on.
	EdgeParam string `json:"edgeParam,omitempty"`
	Expected  string `json:"expected"` // "success" or "400 Code", for people
	// Expect is the expected outcome itself (code, status, accepted variants, direction and
	// bases): tools judge a new answer with it instead of parsing Expected.
	Expect *spec.Outcome `json:"expect,omitempty"`
	// Direction is what the page lets the answer be: accept, refuse or either; DirectionBasis
	// says how firmly (documented: going the other way fails in every profile).
	Direction      string `json:"direction,omitempty"`
	DirectionBasis string `json:"directionBasis,omitempty"`
	// Basis is the basis of the expected code: documented (another code fails) or inferred
	// (another code is a warning under the documented profile), or override.
	Basis      string  `json:"basis"`
	Actual     string  `json:"actual"`
	Verdict    Verdict `json:"verdict"`
	SkipReason string  `json:"skipReason,omitempty"`
	// Fixture is the fixture slot whose absence skipped the case; Transient the kind of
	// transient target trouble (target.TroubleOf) that left it unjudged.
	Fixture    string        `json:"fixture,omitempty"`
	Transient  string        `json:"transient,omitempty"`
	Checks     []CheckResult `json:"checks,omitempty"`
	Exchange   *Exchange     `json:"exchange,omitempty"`
	Repro      *Repro        `json:"repro,omitempty"`
	Seed       int64         `json:"seed"`
	Size       int           `json:"size"`                 // number of parameters sent; smaller reproducers sort first
	ShrunkFrom int           `json:"shrunkFrom,omitempty"` // size before shrinking, for generated cases
	// Shrink says what shrinking a failing generated case cost.
	Shrink     *ShrinkStats `json:"shrink,omitempty"`
	DurationMS float64      `json:"durationMs"`
	// Baseline is "new" or "known" for a failure compared with an earlier report, else empty.
	Baseline string `json:"baseline,omitempty"`
}

// ShrinkStats counts what shrinking one failing case sent: candidates (each sent once) and
// the requests they took.
type ShrinkStats struct {
	Candidates int `json:"candidates"`
	Requests   int `json:"requests"`
}

// Repro tells how to send a case again. Only cases that did not pass carry one.
type Repro struct {
	// Rerun runs the case again through the harness, with the set-up it needs (fixtures,
	// state); present when the run was started from the command line.
	Rerun string `json:"rerun,omitempty"`
	// Replay sends the recorded request again, signed afresh, to the run's target.
	Replay string `json:"replay"`
	// Curl sends the request unsigned; CurlNote says what it needs to reproduce the answer,
	// or, when Curl is empty, why there is no curl line.
	Curl     string `json:"curl,omitempty"`
	CurlNote string `json:"curlNote,omitempty"`
	// ResourcesNote says, when the run removed the resources the recorded request names, that
	// the replay and curl lines will meet ids that no longer exist.
	ResourcesNote string `json:"resourcesNote,omitempty"`
}

// Failed reports whether the case failed.
func (c CaseResult) Failed() bool { return c.Verdict == Fail }

// Summary counts the cases of a run.
type Summary struct {
	Target    string        `json:"target"`
	Profile   string        `json:"profile"`
	Seed      int64         `json:"seed"`
	Started   time.Time     `json:"started"`
	Duration  time.Duration `json:"-"`
	DurationS float64       `json:"durationSeconds"`
	Cases     int           `json:"cases"`
	Passed    int           `json:"passed"`
	Failed    int           `json:"failed"`
	Skipped   int           `json:"skipped"`
	Warnings  int           `json:"warnings"`
	// Known counts the failures an earlier report (--baseline) already listed; they do not
	// fail the run.
	Known      int    `json:"knownFailures,omitempty"`
	Aborted    bool   `json:"aborted,omitempty"`
	AbortCause string `json:"abortCause,omitempty"`
	// Planned is the number of cases the run meant to run (the sequences as one); NotRun how
	// many of them never ran, and StoppedBy why (a StoppedBy constant). SoftBudget says the
	// time and request budgets were declared soft: running out of them is no failure.
	Planned    int    `json:"planned"`
	NotRun     int    `json:"notRun"`
	StoppedBy  string `json:"stoppedBy,omitempty"`
	SoftBudget bool   `json:"softBudget,omitempty"`
	// Inconclusive says why the run could not judge the target (no case judged, or a fixture
	// most cases need could not be built); empty when it could.
	Inconclusive string `json:"inconclusive,omitempty"`
	// Requests counts the requests the run sent (each retry aside); Trouble the transient
	// target trouble met, by kind; Unstable says why it was more than TransientLimit (percent
	// of exchanges) allows.
	Requests       int64     `json:"requests"`
	Trouble        []Trouble `json:"transient"`
	TransientLimit float64   `json:"transientLimitPercent,omitempty"`
	Unstable       string    `json:"unstable,omitempty"`
}

// CodeCoverage says whether a documented error code was reached and asserted.
type CodeCoverage struct {
	Code       string `json:"code"`
	Status     int    `json:"status"`
	Documented bool   `json:"documented"`
	Gateway    bool   `json:"gateway,omitempty"`
	Trigger    string `json:"trigger"`
	Reached    bool   `json:"reached"`  // some answer carried this code
	Asserted   bool   `json:"asserted"` // some case expected this code and got it
	Expected   int    `json:"expected"` // cases that expected it
	Reason     string `json:"reason,omitempty"`
}

// ParamCoverage counts the cases that hit one parameter and constraint.
type ParamCoverage struct {
	Param string `json:"param"`
	Kind  string `json:"kind"`
	Cases int    `json:"cases"`
	Fails int    `json:"fails"`
}

// Coverage is what a run exercised.
type Coverage struct {
	Codes  []CodeCoverage  `json:"codes"`
	Params []ParamCoverage `json:"params"`
	Rules  []ParamCoverage `json:"rules"`
}

// Reporter consumes the results of a run as they arrive, so that a long run never holds all
// of them. Begin is called once, Case once per case (from one goroutine), End once.
type Reporter interface {
	Begin(meta Meta) error
	Case(r CaseResult) error
	End(sum Summary, cov Coverage) error
}

// Meta describes a run before it starts.
type Meta struct {
	Tool    string    `json:"tool"`
	Version string    `json:"version"`
	Target  string    `json:"target"`
	Profile string    `json:"profile"`
	Seed    int64     `json:"seed"`
	Started time.Time `json:"started"`
	Checks  []string  `json:"checks"`
	// Shard is "K/N" when the run was one shard of N (empty: the whole suite).
	Shard string `json:"shard,omitempty"`
	// Rerun is the command line that runs the same cases again (Options.Rerun); RerunCases is
	// the one that, with --include and ids, runs some of them again (Options.RerunCases).
	Rerun      string `json:"rerun,omitempty"`
	RerunCases string `json:"rerunCases,omitempty"`
	// Baseline is the earlier report failures were compared with (--baseline).
	Baseline string `json:"baseline,omitempty"`
}

// Unexcused is the number of failures that fail the run: every failure, less those an earlier
// report already listed (Known).
func (s Summary) Unexcused() int { return s.Failed - s.Known }

// count adds one case with verdict v to the summary (a warning also counts as passed).
func (s *Summary) count(v Verdict) {
	s.Cases++
	switch v {
	case Pass:
		s.Passed++
	case Fail:
		s.Failed++
	case Skip:
		s.Skipped++
	case Warn:
		s.Warnings++
		s.Passed++
	}
}
