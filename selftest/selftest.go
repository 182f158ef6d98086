// Package selftest grades the harness on the faults it catches. It runs the contract suite
// against the faithful emulator, which must show no failure, and against one deliberately
// broken variant per fault of emulator.InjectableFaults, and builds a kill matrix: for each
// fault, whether a run caught it, by which check, after how many cases and how long.
//
// Each run uses one worker and a fixed seed, so that the cases come in a fixed order and
// "cases until detection" (the 1-based position, in result order, of the first failing case)
// is reproducible. Variants run in parallel with each other.
package selftest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/target"
)

// DefaultSeed is the harness seed of a self-test unless Options.Seed says otherwise.
const DefaultSeed = 1

// Faithful is the name of the row of the unbroken emulator.
const Faithful = "faithful"

// KnownMisses are faults the default harness run is known not to catch, each with what would
// catch it; the note goes into the matrix. A run still tries them. Empty while the harness
// catches every fault of the catalogue.
var KnownMisses = map[string]string{}

// Options configure a self-test.
type Options struct {
	// Seed of the harness (0: DefaultSeed).
	Seed int64
	// Faults to try, by name (nil: every fault of the catalogue).
	Faults []string
	// Parallel is the number of runs at once (0: 4).
	Parallel int
	// StopAtFirst ends a variant's run at its first failing case: the matrix is the same, the
	// totals of failing cases are not known. The faithful run always goes to the end.
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

// Row is one line of the kill matrix.
type Row struct {
	Fault       string `json:"fault"`
	Category    string `json:"category"`
	Description string `json:"description"`
	Detected    bool   `json:"detected"`
	// Check is the first failing check of the first failing case; Checks are all of them.
	Check  string   `json:"check,omitempty"`
	Checks []string `json:"checks,omitempty"`
	// Case is the id of the first failing case, CasesUntil its 1-based position in the run.
	Case       string `json:"case,omitempty"`
	CasesUntil int    `json:"casesUntilDetection,omitempty"`
	// TimeToDetect is from the start of the run to the report of the first failing case
	// (timeToDetectMs in JSON).
	TimeToDetect time.Duration `json:"-"`
	// Cases and Failed count the run (up to detection with StopAtFirst).
	Cases  int `json:"cases"`
	Failed int `json:"failed"`
	// Skipped and Warnings count the run as well (the faithful row must have none failed).
	Skipped  int `json:"skipped"`
	Warnings int `json:"warnings"`
	// Duration is the wall time of the run (durationMs in JSON).
	Duration time.Duration `json:"-"`
	// Note says what would detect a known miss.
	Note string `json:"note,omitempty"`
	// Error is set when the run itself could not proceed.
	Error string `json:"error,omitempty"`
}

// Matrix is the result of a self-test.
type Matrix struct {
	Seed        int64 `json:"seed"`
	StopAtFirst bool  `json:"stopAtFirst"`
	// Faithful is the run against the unbroken emulator: it must have no failure.
	Faithful Row   `json:"faithful"`
	Rows     []Row `json:"faults"`
	Total    int   `json:"total"`
	Detected int   `json:"detected"`
	// Missed lists the faults no case caught.
	Missed []string `json:"missed"`
	// MedianCases and WorstCases summarise CasesUntil over the detected faults.
	MedianCases float64 `json:"medianCasesUntilDetection"`
	WorstCases  int     `json:"worstCasesUntilDetection"`
	WorstFault  string  `json:"worstFault,omitempty"`
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

// MarshalJSON writes the matrix with its duration in seconds.
func (m Matrix) MarshalJSON() ([]byte, error) {
	type plain Matrix
	return json.Marshal(struct {
		plain
		DurationS float64 `json:"durationSeconds"`
	}{plain(m), roundMS(m.Duration) / 1000})
}

// OK reports whether the faithful emulator passed and every fault was caught.
func (m *Matrix) OK() bool {
	return m.Faithful.Error == "" && m.Faithful.Failed == 0 && m.Detected == m.Total
}

// Run runs the self-test. The error is for a self-test that could not be set up (an unknown
// fault name, a cancelled context); what each run found is in the matrix.
func Run(ctx context.Context, opts Options) (*Matrix, error) {
	if opts.Seed == 0 {
		opts.Seed = DefaultSeed
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 4
	}
	names := opts.Faults
	if names == nil {
		for _, f := range emulator.InjectableFaults() {
			names = append(names, f.Name)
		}
	}
	infos := make([]emulator.FaultInfo, len(names))
	for i, n := range names {
		info, err := emulator.LookupFault(n)
		if err != nil {
			return nil, fmt.Errorf("selftest: %w", err)
		}
		infos[i] = info
	}

	started := time.Now()
	m := &Matrix{Seed: opts.Seed, StopAtFirst: opts.StopAtFirst, Total: len(names), Rows: make([]Row, len(names))}
	var progressMu sync.Mutex
	report := func(r Row) {
		if opts.Progress != nil {
			progressMu.Lock()
			opts.Progress(r)
			progressMu.Unlock()
		}
	}
	sem := make(chan struct{}, opts.Parallel)
	var wg sync.WaitGroup
	// The faithful run first: it is the longest (it never stops early).
	wg.Add(1)
	go func() {
		defer wg.Done()
		sem <- struct{}{}
		defer func() { <-sem }()
		m.Faithful = runOne(ctx, opts, emulator.FaultInfo{Name: Faithful, Description: "the emulator as it ships"}, false)
		report(m.Faithful)
	}()
	for i, info := range infos {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				m.Rows[i] = Row{Fault: info.Name, Category: info.Category, Description: info.Description, Error: ctx.Err().Error()}
				return
			}
			m.Rows[i] = runOne(ctx, opts, info, opts.StopAtFirst)
			report(m.Rows[i])
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

func (m *Matrix) summarise() {
	var counts []int
	m.Missed = []string{}
	for _, r := range m.Rows {
		if !r.Detected {
			m.Missed = append(m.Missed, r.Fault)
			continue
		}
		m.Detected++
		counts = append(counts, r.CasesUntil)
		if r.CasesUntil > m.WorstCases {
			m.WorstCases, m.WorstFault = r.CasesUntil, r.Fault
		}
	}
	m.MedianCases = median(counts)
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

// runOne runs the harness against one variant (info.Name == Faithful: none).
func runOne(ctx context.Context, opts Options, info emulator.FaultInfo, stopAtFirst bool) (row Row) {
	row = Row{Fault: info.Name, Category: info.Category, Description: info.Description, Note: KnownMisses[info.Name]}
	cfg := emulator.DefaultConfig()
	if info.Name != Faithful {
		cfg.Inject = []string{info.Name}
	}
	started := time.Now()
	defer func() { row.Duration = time.Since(started) }()
	tg, err := target.NewEmulator(cfg)
	if err != nil {
		row.Error = err.Error()
		return row
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	rep := &firstFailure{started: started}
	if stopAtFirst {
		rep.onFail = cancel
	}
	sum, _, err := contracts.Execute(runCtx, tg, contracts.Options{
		Profile:   contracts.ProfileStrict,
		Seed:      opts.Seed,
		Workers:   1,
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
	if rep.found() {
		row.Detected = true
		row.Case, row.CasesUntil, row.Checks = rep.caseID, rep.index, rep.checks
		row.TimeToDetect = rep.after
		if len(rep.checks) > 0 {
			row.Check = rep.checks[0]
		}
	}
	return row
}

// firstFailure is a contracts.Reporter that remembers the first failing case.
type firstFailure struct {
	started time.Time
	onFail  func()
	seen    int
	caseID  string
	index   int
	checks  []string
	after   time.Duration
}

// found reports whether a failing case was seen: index is its 1-based position, 0 before.
func (f *firstFailure) found() bool { return f.index > 0 }

func (f *firstFailure) Begin(contracts.Meta) error { return nil }

func (f *firstFailure) Case(r contracts.CaseResult) error {
	f.seen++
	if f.found() || r.Verdict != contracts.Fail {
		return nil
	}
	f.caseID, f.index, f.after = r.ID, f.seen, time.Since(f.started)
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
