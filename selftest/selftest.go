package selftest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// DefaultSeed is the harness seed of a self-test unless Options.Seed says otherwise.
const DefaultSeed = 1

// Faithful is the name of the row of the unbroken emulator.
const Faithful = "faithful"

// DefaultParallel is how many runs go at once unless Options.Parallel says otherwise. A run
// spends most of its time waiting on the emulator's clock (listeners starting, policies being
// configured), so more runs than cores keep the machine busy.
const DefaultParallel = 8

// maxListed bounds the failing cases a precision row lists (all are counted).
const maxListed = 50

// KnownMisses are faults the default harness run is known not to catch, each with what would
// catch it; the note goes into the matrix. A run still tries them. Empty while the harness
// catches every fault of the catalogue.
var KnownMisses = map[string]string{}

// Options configure a self-test.
type Options struct {
	// Seed of the harness (0: DefaultSeed).
	Seed int64
	// Profile the kill matrix is graded under: contracts.ProfileDocumented (default) or
	// contracts.ProfileStrict. A fault whose basis is inferred (it breaks only what the
	// description infers) is graded under strict either way. The precision runs always use
	// the documented profile; the faithful emulator runs under Profile.
	Profile string
	// Faults to try, by name (nil: every fault of the catalogue; empty: none).
	Faults []string
	// Variants to run for precision, by name (nil: every variant of Variants; empty: none).
	Variants []string
	// Parallel is the number of runs at once (0: DefaultParallel).
	Parallel int
	// StopAtFirst ends a fault's run at its first failing case: the matrix is the same, the
	// totals of failing cases are not known. The precision runs always go to the end.
	StopAtFirst bool
	// Random and Sequences are passed to the harness (0: its defaults; -1: none).
	Random, Sequences int
	// Filter and MaxCases narrow every run, the faithful one included (tests).
	Filter   func(generators.Case) bool
	MaxCases int
	// Progress, when set, is called with each row as its run ends (from several goroutines,
	// one call at a time).
	Progress func(Row)
}

// Row is one run: a line of the kill matrix, or of the precision matrix.
type Row struct {
	Fault       string `json:"fault"`
	Category    string `json:"category"`
	Description string `json:"description"`
	// Subject, Breaks, Direction and Basis say what the fault breaks (emulator.FaultInfo).
	Subject   string `json:"subject,omitempty"`
	Breaks    string `json:"breaks,omitempty"`
	Direction string `json:"direction,omitempty"`
	Basis     string `json:"basis,omitempty"`
	// Profile is the profile the run was judged under.
	Profile  string `json:"profile"`
	Detected bool   `json:"detected"`
	// Check is the first failing check of the first failing case; Checks are all of them.
	Check  string   `json:"check,omitempty"`
	Checks []string `json:"checks,omitempty"`
	// Case is the id of the first failing case, CasesUntil its 1-based position in the order
	// the run reported its results (a refused case is reported with its batch's state check,
	// after the cases that passed meanwhile).
	Case       string `json:"case,omitempty"`
	CasesUntil int    `json:"casesUntilDetection,omitempty"`
	// RequestsUntil counts the requests the run sent up to and including the one whose answer
	// the first failing case judged (fixtures and set-up steps included); when that case has
	// no recorded exchange, the requests sent by the time it was reported.
	RequestsUntil int `json:"requestsUntilDetection,omitempty"`
	// TimeToDetect is from the start of the run to the report of the first failing case
	// (timeToDetectMs in JSON).
	TimeToDetect time.Duration `json:"-"`
	// Cases and Failed count the run (up to detection with StopAtFirst).
	Cases  int `json:"cases"`
	Failed int `json:"failed"`
	// Skipped and Warnings count the run as well.
	Skipped  int `json:"skipped"`
	Warnings int `json:"warnings"`
	// Failures lists the failing cases of a precision run (at most maxListed).
	Failures []Failure `json:"failures,omitempty"`
	// Duration is the wall time of the run (durationMs in JSON).
	Duration time.Duration `json:"-"`
	// Note says what would detect a known miss.
	Note string `json:"note,omitempty"`
	// Error is set when the run itself could not proceed.
	Error string `json:"error,omitempty"`
}

// Failure is a failing case of a run that should have none: what failed and why.
type Failure struct {
	Case     string            `json:"case"`
	Expected string            `json:"expected"`
	Actual   string            `json:"actual"`
	Checks   []FailedCheck     `json:"checks"`
	Broken   *contracts.Breach `json:"broken,omitempty"`
}

// FailedCheck is one failing check of a failing case.
type FailedCheck struct {
	Check    string `json:"check"`
	Subject  string `json:"subject,omitempty"`
	Message  string `json:"message,omitempty"`
	Expected string `json:"expected,omitempty"`
	Actual   string `json:"actual,omitempty"`
}

// PrecisionRow is the run of one conforming variant.
type PrecisionRow struct {
	Variant
	Row
}

// Matrix is the result of a self-test.
type Matrix struct {
	Seed        int64  `json:"seed"`
	Profile     string `json:"profile"`
	StopAtFirst bool   `json:"stopAtFirst"`
	// Faithful is the run against the unbroken emulator (under Profile): it must have no
	// failure.
	Faithful Row `json:"faithful"`
	// Precision are the runs against the conforming variants, under the documented profile.
	Precision []PrecisionRow `json:"precision"`
	// FalsePositives counts the failing cases of the faithful run and of every precision run.
	FalsePositives int `json:"falsePositives"`
	// Rows is the kill matrix.
	Rows     []Row `json:"faults"`
	Total    int   `json:"total"`
	Detected int   `json:"detected"`
	// Missed lists the faults no case caught.
	Missed []string `json:"missed"`
	// MedianCases and WorstCases summarise CasesUntil over the detected faults.
	MedianCases float64 `json:"medianCasesUntilDetection"`
	WorstCases  int     `json:"worstCasesUntilDetection"`
	WorstFault  string  `json:"worstFault,omitempty"`
	// MedianRequests and WorstRequests summarise RequestsUntil the same way.
	MedianRequests     float64 `json:"medianRequestsUntilDetection"`
	WorstRequests      int     `json:"worstRequestsUntilDetection"`
	WorstRequestsFault string  `json:"worstRequestsFault,omitempty"`
	// Duration is the wall time of the self-test (durationSeconds in JSON).
	Duration time.Duration `json:"-"`
}

// MarshalJSON writes the row with its durations in milliseconds.
func (r Row) MarshalJSON() ([]byte, error) {
	type plain Row
	return json.Marshal(struct {
		plain
		TimeToDetectMS float64 `json:"timeToDetectMs,omitempty"`
		DurationMS     float64 `json:"durationMs"`
	}{plain(r), roundMS(r.TimeToDetect), roundMS(r.Duration)})
}

// MarshalJSON writes a precision row flat: the variant's name and settings beside the run.
func (p PrecisionRow) MarshalJSON() ([]byte, error) {
	row, err := json.Marshal(p.Row)
	if err != nil {
		return nil, err
	}
	var flat map[string]json.RawMessage
	if err := json.Unmarshal(row, &flat); err != nil {
		return nil, err
	}
	delete(flat, "fault")
	delete(flat, "category")
	delete(flat, "detected")
	flat["variant"], _ = json.Marshal(p.Name)
	flat["settings"], _ = json.Marshal(p.Settings)
	return json.Marshal(flat)
}

// MarshalJSON writes the matrix with its duration in seconds.
func (m Matrix) MarshalJSON() ([]byte, error) {
	type plain Matrix
	return json.Marshal(struct {
		plain
		DurationS float64 `json:"durationSeconds"`
	}{plain(m), roundMS(m.Duration) / 1000})
}

// OK reports whether no run against a conforming emulator failed and every fault was caught.
func (m *Matrix) OK() bool {
	if m.Faithful.Error != "" || m.FalsePositives > 0 || m.Detected != m.Total {
		return false
	}
	for _, p := range m.Precision {
		if p.Error != "" {
			return false
		}
	}
	return true
}

// job is one run of the self-test.
type job struct {
	cfg         emulator.Config
	row         Row
	profile     string
	stopAtFirst bool
	record      bool // list the failing cases
	// workers is the run's Options.Workers: one for a fault, so that the cases until its
	// detection are reproducible; the default (0) for the faithful emulator and the variants,
	// which are judged as a user's run is, with cases in flight at once.
	workers int
	done    func(Row)
}

// Run runs the self-test. The error is for a self-test that could not be set up (an unknown
// fault or variant name, a cancelled context); what each run found is in the matrix.
func Run(ctx context.Context, opts Options) (*Matrix, error) {
	if opts.Seed == 0 {
		opts.Seed = DefaultSeed
	}
	if opts.Parallel <= 0 {
		opts.Parallel = DefaultParallel
	}
	if opts.Profile == "" {
		opts.Profile = contracts.ProfileDocumented
	}
	if opts.Profile != contracts.ProfileDocumented && opts.Profile != contracts.ProfileStrict {
		return nil, fmt.Errorf("selftest: unknown profile %q: use %s or %s", opts.Profile, contracts.ProfileDocumented, contracts.ProfileStrict)
	}
	infos, err := faultInfos(opts.Faults)
	if err != nil {
		return nil, err
	}
	variants, err := pickVariants(opts.Variants)
	if err != nil {
		return nil, err
	}
	started := time.Now()
	m := &Matrix{Seed: opts.Seed, Profile: opts.Profile, StopAtFirst: opts.StopAtFirst, Total: len(infos),
		Rows: make([]Row, len(infos)), Precision: make([]PrecisionRow, len(variants))}
	var progressMu sync.Mutex
	report := func(r Row) {
		if opts.Progress != nil {
			progressMu.Lock()
			opts.Progress(r)
			progressMu.Unlock()
		}
	}
	// The runs that go to the end first: they are the longest.
	jobs := []job{{cfg: emulator.DefaultConfig(), row: Row{Fault: Faithful, Description: "the emulator as it ships"}, profile: opts.Profile, record: true,
		done: func(r Row) { m.Faithful = r }}}
	for i, v := range variants {
		jobs = append(jobs, job{cfg: v.Config(), row: Row{Fault: v.Name, Category: "precision", Description: "a conforming variant"},
			profile: contracts.ProfileDocumented, record: true, done: func(r Row) { m.Precision[i] = PrecisionRow{Variant: v, Row: r} }})
	}
	for i, info := range infos {
		cfg := emulator.DefaultConfig()
		cfg.Inject = []string{info.Name}
		jobs = append(jobs, job{cfg: cfg, row: faultRow(info), profile: gradedUnder(opts.Profile, info), stopAtFirst: opts.StopAtFirst,
			workers: 1, done: func(r Row) { m.Rows[i] = r }})
	}
	sem := make(chan struct{}, opts.Parallel)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r := j.row
			if ctx.Err() != nil {
				r.Error = ctx.Err().Error()
			} else {
				r = runOne(ctx, opts, j)
				report(r)
			}
			j.done(r)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return m, err
	}
	m.summarise()
	m.Duration = time.Since(started)
	return m, nil
}

// faultInfos looks the faults up (nil: the whole catalogue).
func faultInfos(names []string) ([]emulator.FaultInfo, error) {
	if names == nil {
		return emulator.InjectableFaults(), nil
	}
	infos := make([]emulator.FaultInfo, len(names))
	for i, n := range names {
		info, err := emulator.LookupFault(n)
		if err != nil {
			return nil, fmt.Errorf("selftest: %w", err)
		}
		infos[i] = info
	}
	return infos, nil
}

// pickVariants looks variants up by name (nil: all of them).
func pickVariants(names []string) ([]Variant, error) {
	all := Variants(Dimensions())
	if names == nil {
		return all, nil
	}
	var out []Variant
	for _, n := range names {
		found := false
		for _, v := range all {
			if v.Name == n {
				out, found = append(out, v), true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("selftest: no conforming variant named %q (see selftest.Variants)", n)
		}
	}
	return out, nil
}

func faultRow(info emulator.FaultInfo) Row {
	return Row{Fault: info.Name, Category: info.Category, Description: info.Description, Subject: info.Subject,
		Breaks: info.Breaks, Direction: info.Direction, Basis: string(info.Basis), Note: KnownMisses[info.Name]}
}

// gradedUnder is the profile a fault is graded under: the self-test's, except that a fault
// breaking only what the description infers can only warn under the documented profile, and
// is graded under strict.
func gradedUnder(profile string, info emulator.FaultInfo) string {
	if info.Basis == spec.Inferred {
		return contracts.ProfileStrict
	}
	return profile
}

func (m *Matrix) summarise() {
	var counts, requests []int
	m.Missed = []string{}
	m.FalsePositives = m.Faithful.Failed
	for _, p := range m.Precision {
		m.FalsePositives += p.Failed
	}
	for _, r := range m.Rows {
		if !r.Detected {
			m.Missed = append(m.Missed, r.Fault)
			continue
		}
		m.Detected++
		counts, requests = append(counts, r.CasesUntil), append(requests, r.RequestsUntil)
		if r.CasesUntil > m.WorstCases {
			m.WorstCases, m.WorstFault = r.CasesUntil, r.Fault
		}
		if r.RequestsUntil > m.WorstRequests {
			m.WorstRequests, m.WorstRequestsFault = r.RequestsUntil, r.Fault
		}
	}
	m.MedianCases, m.MedianRequests = median(counts), median(requests)
}

// median of a list of counts (0 for none): the middle one, or the mean of the two middle ones.
func median(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]int(nil), xs...)
	sort.Ints(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return float64(s[n/2-1]+s[n/2]) / 2
}

func roundMS(d time.Duration) float64 { return float64(d.Round(time.Millisecond).Milliseconds()) }

// runOne runs the harness against one emulator.
func runOne(ctx context.Context, opts Options, j job) (row Row) {
	row = j.row
	row.Profile = j.profile
	started := time.Now()
	defer func() { row.Duration = time.Since(started) }()
	emb, err := embedded.New(j.cfg)
	if err != nil {
		row.Error = err.Error()
		return row
	}
	tg := &ordinalTarget{Target: emb}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	rep := &firstFailure{started: started, record: j.record, sent: tg}
	if j.stopAtFirst {
		rep.onFail = cancel
	}
	sum, _, err := contracts.Execute(runCtx, tg, contracts.Options{
		Profile:   j.profile,
		Seed:      opts.Seed,
		Workers:   j.workers,
		Random:    opts.Random,
		Sequences: opts.Sequences,
		Filter:    opts.Filter,
		MaxCases:  opts.MaxCases,
		Reporter:  rep,
		RunID:     "selftest",
	})
	if err != nil && !(rep.found() && errors.Is(err, context.Canceled) && ctx.Err() == nil) {
		row.Error = err.Error()
	}
	row.Cases, row.Failed, row.Skipped, row.Warnings = sum.Cases, sum.Failed, sum.Skipped, sum.Warnings
	row.Failures = rep.failures
	if rep.found() {
		row.Detected = true
		row.Case, row.CasesUntil, row.Checks, row.RequestsUntil = rep.caseID, rep.index, rep.checks, rep.requests
		row.TimeToDetect = rep.after
		if len(rep.checks) > 0 {
			row.Check = rep.checks[0]
		}
	}
	return row
}

// firstFailure is a contracts.Reporter that remembers the first failing case, and with record
// lists the failing cases.
type firstFailure struct {
	started  time.Time
	onFail   func()
	record   bool
	sent     *ordinalTarget
	seen     int
	caseID   string
	index    int
	requests int
	checks   []string
	after    time.Duration
	failures []Failure
}

// found reports whether a failing case was seen: index is its 1-based position, 0 before.
func (f *firstFailure) found() bool { return f.index > 0 }

func (f *firstFailure) Begin(contracts.Meta) error { return nil }

func (f *firstFailure) Case(r contracts.CaseResult) error {
	f.seen++
	if r.Transient != "" && !f.found() {
		// The target's trouble (a 503 burst, throttling) is reported apart from contract
		// failures: a case it left unjudged is how the harness detects it.
		f.caseID, f.index, f.after, f.requests = r.ID, f.seen, time.Since(f.started), f.sent.until(r.Exchange)
		f.checks = append(f.checks, "transient-trouble:"+r.Transient)
		if f.onFail != nil {
			f.onFail()
		}
		return nil
	}
	if r.Verdict != contracts.Fail {
		return nil
	}
	if f.record && len(f.failures) < maxListed {
		fl := Failure{Case: r.ID, Expected: r.Expected, Actual: r.Actual, Broken: r.Broken}
		for _, c := range r.Checks {
			if c.Verdict == contracts.Fail {
				fl.Checks = append(fl.Checks, FailedCheck{Check: c.Check, Subject: c.Subject, Message: c.Message, Expected: c.Expected, Actual: c.Actual})
			}
		}
		f.failures = append(f.failures, fl)
	}
	if f.found() {
		return nil
	}
	f.caseID, f.index, f.after, f.requests = r.ID, f.seen, time.Since(f.started), f.sent.until(r.Exchange)
	for _, c := range r.Checks {
		if c.Verdict == contracts.Fail {
			f.checks = append(f.checks, c.Check)
		}
	}
	if f.onFail != nil {
		f.onFail()
	}
	return nil
}

func (f *firstFailure) End(contracts.Summary, contracts.Coverage) error { return nil }

// ordinalTarget passes requests on to the embedded emulator and numbers them, so that the
// self-test knows how many requests a run had sent when an answer revealed a fault. Each
// answer is remembered by what went on the wire (method, URL, body, headers: the signature
// nonce makes it unique; a replayed request keeps its last number), which the harness
// records in the case's exchange whatever the broken emulator answers.
type ordinalTarget struct {
	*embedded.Target
	mu sync.Mutex
	n  int
	at map[string]int
}

// Send implements target.Target.
func (o *ordinalTarget) Send(ctx context.Context, req target.Request) (*target.Response, error) {
	resp, err := o.Target.Send(ctx, req)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.n++
	if resp != nil {
		if o.at == nil {
			o.at = map[string]int{}
		}
		o.at[wireKey(resp.Sent.Method, resp.Sent.URL, resp.Sent.Body, resp.Sent.Headers)] = o.n
	}
	return resp, err
}

// until is the number of the request an exchange recorded; without one (or one the target
// never saw), the number of requests sent so far.
func (o *ordinalTarget) until(x *contracts.Exchange) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	if x != nil {
		if k, ok := o.at[wireKey(x.Method, x.URL, x.Body, x.Headers)]; ok {
			return k
		}
	}
	return o.n
}

func wireKey(method, url, body string, headers map[string]string) string {
	names := make([]string, 0, len(headers))
	for k := range headers {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(method + " " + url + "\n" + body)
	for _, k := range names {
		b.WriteString("\n" + k + ": " + headers[k])
	}
	return b.String()
}
