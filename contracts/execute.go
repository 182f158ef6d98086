package contracts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// Execute runs the suite against t and streams every result to opts.Reporter. The error is
// for runs that could not proceed (the target unreachable, the context cancelled); contract
// failures are in the summary.
//
// A run goes in four steps: withDefaults settles the options, wire builds the target stack,
// the fixtures, the plan of cases and the report, execute feeds the cases to the workers and
// records their results (the lifecycle sequences beside or after them), and conclude says
// why the run stopped, cleans up and closes the report.
func Execute(ctx context.Context, t target.Target, opts Options) (Summary, Coverage, error) {
	if nilTarget(t) {
		return Summary{}, Coverage{}, errNoTarget
	}
	s, err := spec.Default()
	if err != nil {
		return Summary{}, Coverage{}, err
	}
	opts, err = withDefaults(opts)
	if err != nil {
		return Summary{}, Coverage{}, err
	}
	run, err := wire(ctx, s, t, opts)
	if err != nil {
		return Summary{}, Coverage{}, err
	}
	defer run.cancel()
	run.execute(ctx)
	return run.conclude(ctx)
}

// withDefaults fills in the options a caller left at zero and refuses an unknown profile.
func withDefaults(opts Options) (Options, error) {
	if opts.Profile == "" {
		opts.Profile = ProfileDocumented
	}
	if opts.Profile != ProfileStrict && opts.Profile != ProfileDocumented {
		return opts, fmt.Errorf("unknown profile %q: use %s or %s", opts.Profile, ProfileStrict, ProfileDocumented)
	}
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.Checks == nil {
		opts.Checks = DefaultChecks()
	}
	if opts.RefusalBatch == 0 {
		opts.RefusalBatch = DefaultRefusalBatch
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Seed == 0 {
		opts.Seed = time.Now().UnixNano() % 1_000_000_000
	}
	if opts.RunID == "" {
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		opts.RunID = hex.EncodeToString(b)
	}
	return opts, nil
}

// run is one execution of the suite: what wire built, and what execute and conclude share.
type run struct {
	r       *runner
	opts    Options
	fx      *resources.Fixtures
	cases   *plan
	seqs    int // lifecycle sequences planned
	total   int // results expected: the cases, and one for the sequences
	started time.Time
	rep     Reporter
	// tally counts retries by kind of trouble; retriedBefore is its count when the run began,
	// by kind and in all (the progress line reads the latter for every case).
	tally              *target.TroubleTally
	retriedBefore      map[string]int
	retriedBeforeTotal int
	runCtx             context.Context // ctx bounded by the time budget
	cancel             context.CancelFunc

	fatal          atomic.Value // the error that aborts the run (the target unreachable)
	unreachable    atomic.Int32 // cases in a row that found the target unreachable
	enoughFailures atomic.Bool  // Options.MaxFailures reached
	seqsStarted    atomic.Bool  // the sequences' job was handed to a worker
	failing        atomic.Int64 // cases seen failing by the workers, for MaxFailures

	sum    Summary
	cov    *coverage
	stats  runStats
	repErr error // the first error of the reporter
}

// wire builds the run: the target wrapped in the run tag, the rate limit and the request
// counter, the fixtures, the plan of cases, the enabled checks, and the report begun.
func wire(ctx context.Context, s *spec.Spec, t target.Target, opts Options) (*run, error) {
	inProcess := isInProcess(t)
	t = resources.WithRunTag(t, opts.RunID) // every instance the run creates carries its run id
	t = target.WithRateLimit(t, opts.RateLimit)
	sent := &target.Counted{Target: t}
	t = sent // the request budget counts fixtures and sequences too
	// The run's clock starts before its cases are drawn: the duration covers generation too.
	started := opts.Now()
	fx := resources.NewFixtures(t, s, opts.Fixtures, opts.RunID)
	cases := newPlan(s, fx, opts)
	seqs := PlannedSequences(opts, cases.len())
	total := cases.len()
	if seqs > 0 {
		total++ // the sequences report as one result
	}
	var checkNames []string
	var judges []judge
	for _, c := range Registry {
		if cfg := opts.Checks[c.Name]; cfg.Enabled {
			checkNames = append(checkNames, c.Name)
			if f := checkFuncs[c.Name]; f != nil {
				judges = append(judges, judge{f: f, cfg: cfg})
			}
		}
	}
	meta := Meta{Tool: "clbcheck", Version: Version, Target: t.Name(), Profile: opts.Profile, Seed: opts.Seed, Started: started, Checks: checkNames, Rerun: opts.Rerun, RerunCases: opts.RerunCases}
	if opts.ShardN > 1 {
		meta.Shard = fmt.Sprintf("%d/%d", opts.ShardK, opts.ShardN)
	}
	rep := opts.Reporter
	if rep == nil {
		rep = discard{}
	}
	if err := rep.Begin(meta); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	r := &runner{s: s, t: t, fx: fx, opts: opts, sent: sent, judges: judges, inProcess: inProcess}
	r.port.Store(20000)
	tally := fx.Trouble() // the target's own, if it retries; the clean-up counts there too
	ru := &run{r: r, opts: opts, fx: fx, cases: cases, seqs: seqs, total: total, started: started, rep: rep,
		tally: tally, retriedBefore: troubleRetries(tally), retriedBeforeTotal: tallyTotal(tally), runCtx: ctx, cancel: func() {},
		sum: Summary{Target: t.Name(), Profile: opts.Profile, Seed: opts.Seed, Started: started}, cov: newCoverage(s)}
	if opts.Budget > 0 {
		ru.runCtx, ru.cancel = context.WithTimeout(ctx, opts.Budget)
	}
	return ru, nil
}

// seqJob is the position feed hands out for the lifecycle sequences when they run in the
// plan's order (one worker) rather than beside the cases.
const seqJob = -1

// execute feeds the plan to the workers and records every result as it comes, the
// sequences' included.
func (ru *run) execute(ctx context.Context) {
	ru.r.sendEarlyCopies(ru.runCtx, ru.cases)
	jobs := make(chan int) // positions in the plan: each worker draws the case it takes
	results := make(chan CaseResult, ru.opts.Workers)
	var wg sync.WaitGroup
	for w := 0; w < ru.opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ru.work(ctx, jobs, results)
		}()
	}
	// The sequences spend most of their time waiting for asynchronous states, on load
	// balancers of their own: with more than one worker they run beside the cases and report
	// when they end. One worker sends one request at a time, in an order a recording can be
	// replayed in: the sequences then run as one job of the plan, after the catalogue's first
	// round (one case of every constraint, the security and the state cases), so that a run
	// stopped at its first finding meets them early, or after the cases if the plan is shorter.
	beside := ru.seqs > 0 && ru.opts.Workers > 1
	inPlan := ru.seqs > 0 && !beside
	go ru.feed(jobs, inPlan)
	go func() { wg.Wait(); close(results) }()
	seqDone := make(chan CaseResult, 1)
	seqCtx, stopSeqs := context.WithCancel(ru.runCtx)
	defer stopSeqs()
	var seqWait <-chan CaseResult
	if beside {
		seqWait = seqDone
		go func() { seqDone <- ru.r.runSequences(seqCtx, ru.opts.Seed, ru.seqs) }()
	}
	in := (<-chan CaseResult)(results) // nil once the workers are done
	for in != nil {
		select {
		case res, ok := <-in:
			if !ok {
				in = nil
				continue
			}
			ru.take(res)
		case res := <-seqWait:
			seqWait = nil
			if ru.runCtx.Err() == nil { // cut by the budget or an interrupt: no verdict
				ru.take(res)
			}
		}
	}
	ru.finishSequences(beside, inPlan, seqWait, stopSeqs)
}

// take records one result and updates the failure count and the progress line.
func (ru *run) take(res CaseResult) {
	ru.record(res)
	if ru.opts.MaxFailures > 0 && ru.sum.Failed >= ru.opts.MaxFailures {
		ru.enoughFailures.Store(true)
	}
	ru.progress(res.ID)
}

// finishSequences runs or awaits the sequences once the cases are done: beside ones still
// running are awaited if the run ended as planned (stopped otherwise); one-worker ones whose
// job was never handed out (a plan shorter than the first round) run now. Sequences cut by
// the budget or an interrupt did not run: no verdict.
func (ru *run) finishSequences(beside, inPlan bool, seqWait <-chan CaseResult, stop context.CancelFunc) {
	finish := ru.fatal.Load() == nil && ru.runCtx.Err() == nil && !ru.enoughFailures.Load()
	switch {
	case beside && seqWait != nil:
		if !finish {
			stop()
		}
		if res := <-seqWait; finish && ru.runCtx.Err() == nil {
			ru.take(res)
		}
	case inPlan && finish && !ru.seqsStarted.Load():
		if res := ru.r.runSequences(ru.runCtx, ru.opts.Seed, ru.seqs); ru.runCtx.Err() == nil {
			ru.take(res)
		}
	}
}

// feed hands out the plan's positions until the plan ends or the run must stop starting
// cases (budget, abort, enough failures); with inPlan, seqJob after the first round.
func (ru *run) feed(jobs chan<- int, inPlan bool) {
	defer close(jobs)
	for i := 0; i < ru.cases.len(); i++ {
		if inPlan && i == ru.cases.firstRound && !ru.send(jobs, seqJob) {
			return
		}
		if !ru.send(jobs, i) {
			return
		}
	}
}

// send hands one job to the workers unless the run must stop starting cases.
func (ru *run) send(jobs chan<- int, job int) bool {
	if ru.runCtx.Err() != nil || ru.fatal.Load() != nil || ru.r.overBudget() || ru.enoughFailures.Load() {
		return false
	}
	select {
	case jobs <- job:
		return true
	case <-ru.runCtx.Done():
		return false
	}
}

// work is one worker: it draws and runs the cases of the positions it takes, holds refused
// cases for their no-state-change check a batch at a time, and watches for an unreachable
// target and enough failures.
func (ru *run) work(ctx context.Context, jobs <-chan int, results chan<- CaseResult) {
	r, opts := ru.r, ru.opts
	emit := func(c generators.Case, res caseOutcome) {
		if ctx.Err() != nil {
			return // cut by an interrupt: not run, never a verdict
		}
		if res.Verdict == Fail && c.Shrink != nil {
			// Shrinking starts new requests: the time budget bounds it too.
			res = r.shrink(ru.runCtx, c, res)
		}
		results <- res.CaseResult
	}
	var pending []pendingRefusal
	flush := func() {
		for i, res := range r.settle(ctx, pending) {
			emit(pending[i].c, res)
		}
		pending = pending[:0]
	}
	for i := range jobs {
		if i == seqJob {
			flush() // the refusals' state checks must not see the sequences' instances
			ru.runSequencesJob(ctx, results)
			continue
		}
		c, id, ok := ru.cases.at(i)
		if !ok {
			results <- CaseResult{ID: id, Category: string(generators.Random), Verdict: Skip, SkipReason: "the generator drew no case for this index"}
			continue
		}
		res := r.runCase(ctx, c, true)
		if ctx.Err() != nil {
			continue // in flight when interrupted: not run
		}
		if opts.MaxFailures > 0 && slices.ContainsFunc(res.Checks, func(cr CheckResult) bool { return cr.Verdict == Fail }) &&
			ru.failing.Add(1) >= int64(opts.MaxFailures) {
			// Known to fail already, even if its state check is still pending.
			ru.enoughFailures.Store(true)
		}
		if res.unreachable {
			if ru.unreachable.Add(1) >= 5 {
				ru.fatal.CompareAndSwap(nil, res.err)
			}
		} else {
			ru.unreachable.Store(0)
		}
		if res.refused != nil {
			pending = append(pending, pendingRefusal{out: res, c: c, at: time.Now()})
			if len(pending) >= r.opts.RefusalBatch {
				flush()
			}
			continue
		}
		emit(c, res)
	}
	flush()
}

// runSequencesJob runs the sequences as a job of the plan and sends their result unless the
// run was cut meanwhile.
func (ru *run) runSequencesJob(ctx context.Context, results chan<- CaseResult) {
	ru.seqsStarted.Store(true)
	res := ru.r.runSequences(ru.runCtx, ru.opts.Seed, ru.seqs)
	if ctx.Err() == nil && ru.runCtx.Err() == nil {
		results <- res
	}
}

// record counts a result, adds it to the coverage and streams it to the report.
func (ru *run) record(res CaseResult) {
	ru.sum.count(res.Verdict)
	ru.stats.add(res)
	ru.cov.add(res)
	if err := ru.rep.Case(res); err != nil && ru.repErr == nil {
		ru.repErr = err
	}
}

// progress tells Options.Progress where the run stands.
func (ru *run) progress(last string) {
	if ru.opts.Progress != nil {
		s := &ru.sum
		retries := tallyTotal(ru.tally) - ru.retriedBeforeTotal
		ru.opts.Progress(Progress{Done: s.Cases, Total: ru.total, Failed: s.Failed, Skipped: s.Skipped, Warnings: s.Warnings,
			Retries: retries, Elapsed: ru.opts.Now().Sub(ru.started), Last: last})
	}
}

// tallyTotal is the retries a tally counted in all (0 without one).
func tallyTotal(t *target.TroubleTally) int {
	if t == nil {
		return 0
	}
	return t.Total()
}

// joinCauses appends cause to the causes already said, separated by "; ".
func joinCauses(said, cause string) string {
	if said = strings.TrimSpace(said); said == "" {
		return cause
	}
	return said + "; " + cause
}

// conclude says why the run stopped, removes what it created, completes the summary and
// closes the report.
func (ru *run) conclude(ctx context.Context) (Summary, Coverage, error) {
	sum, opts := &ru.sum, ru.opts
	runErr := ru.stopCause(ctx)
	if !opts.KeepResources {
		cctx, ccancel := context.WithTimeout(context.Background(), 2*time.Minute)
		if err := ru.fx.Cleanup(cctx); err != nil && runErr == nil && !sum.Aborted {
			sum.AbortCause = joinCauses(sum.AbortCause, "cleanup incomplete: "+ErrorText(err))
		}
		ccancel()
	}
	ru.stats.conclude(sum, opts, ru.total, ru.r.sent.Count(), troubleDelta(troubleRetries(ru.tally), ru.retriedBefore))
	sum.Duration = opts.Now().Sub(ru.started)
	sum.DurationS = math.Round(sum.Duration.Seconds()*1000) / 1000
	c := ru.cov.result()
	if err := ru.rep.End(*sum, c); err != nil && ru.repErr == nil {
		ru.repErr = err
	}
	if runErr == nil && ru.repErr != nil {
		runErr = fmt.Errorf("writing the report failed: %w", ru.repErr)
	}
	return *sum, c, runErr
}

// stopCause records in the summary why the run stopped before its end, if it did: the target
// unreachable or an interrupt (both an error), a time or request budget used up, or enough
// failures.
func (ru *run) stopCause(ctx context.Context) error {
	sum, opts, total := &ru.sum, ru.opts, ru.total
	switch {
	case ru.fatal.Load() != nil:
		f := ru.fatal.Load()
		sum.Aborted = true
		cause := fmt.Sprint(f)
		if e, ok := f.(error); ok {
			cause = ErrorText(e)
		}
		sum.AbortCause, sum.StoppedBy = cause, StoppedByUnreachable
		return fmt.Errorf("%w (%s); check the URL and that the implementation is running", target.ErrUnreachable, cause)
	case ctx.Err() != nil:
		sum.Aborted = true
		sum.AbortCause, sum.StoppedBy = "interrupted", StoppedByInterrupt
		return interrupted{ctx.Err()}
	case ru.runCtx.Err() != nil && sum.Cases < total:
		sum.AbortCause, sum.StoppedBy = fmt.Sprintf("time budget of %s used up after %d of %d cases", opts.Budget, sum.Cases, total), StoppedByBudget
	case ru.r.overBudget() && sum.Cases < total:
		sum.AbortCause, sum.StoppedBy = fmt.Sprintf("request budget of %d used up after %d of %d cases", opts.MaxRequests, sum.Cases, total), StoppedByRequests
	case ru.enoughFailures.Load() && sum.Cases < total:
		sum.StoppedBy = StoppedByMaxFailures
		sum.AbortCause = fmt.Sprintf("stopped after %s, as asked (max failures %d); %d of %d cases ran", pluralize(sum.Failed, "failing case"), opts.MaxFailures, sum.Cases, total)
	}
	return nil
}
