package contracts

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/referee"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// Options configure a run. The zero value runs every case with every check under the
// documented profile, four workers, no budget.
type Options struct {
	Profile   string        // ProfileStrict or ProfileDocumented (default)
	Seed      int64         // seed of random cases; 0 picks one (printed in the summary)
	MaxCases  int           // stop after this many cases (0: all)
	Budget    time.Duration // stop starting cases after this long (0: none)
	Workers   int           // cases in flight at once (default 4)
	RateLimit float64       // requests per second across workers (0: unlimited)
	// MaxRequests stops starting cases once this many requests were sent (0: no limit). Cases
	// already running finish, so a run may pass it by a few requests; clean-up is not counted.
	MaxRequests int
	Random      int // random (gopter) cases added to the catalogue (default 64; -1: none)
	Sequences   int // gopter command sequences of the listener lifecycle (default 10; -1: none)
	Checks      map[string]CheckConfig
	Overrides   *Overrides
	Fixtures    *resources.FixtureFile
	Reporter    Reporter
	// Filter keeps only the cases it returns true for.
	Filter func(generators.Case) bool
	// Shard K of N (1-based): run only every case whose index mod N is K-1.
	ShardK, ShardN int
	// Progress, when set, is called after each case from one goroutine.
	Progress func(p Progress)
	// ReportPath is named in reproduction commands (clbcheck replay PATH#CASE).
	ReportPath string
	// ReplayArgs name the run's target on a reproduction's `clbcheck replay` line, e.g.
	// "--target http://127.0.0.1:8080"; empty replays against a fresh embedded emulator.
	ReplayArgs string
	// Rerun is the command line that runs this run's cases again (shown in reports); RerunCases
	// is the one a case's reproduction adds --include and its id to. Empty: no rerun lines.
	Rerun, RerunCases string
	// MaxFailures stops starting cases once this many have failed (0: no limit).
	MaxFailures int
	// RunID tags created resources; default random.
	RunID string
	// RefusalBatch is how many refused cases a worker confirms with one listing of their load
	// balancer's listeners (see DefaultRefusalBatch); 1 reads each refused case's port back
	// right after it. Negative values mean 1.
	RefusalBatch int
	// SoftBudget makes Budget and MaxRequests soft limits: a run they cut short reports how
	// many cases did not run but is not StatusIncomplete.
	SoftBudget bool
	// TransientLimit is the share of exchanges, in percent, that may meet transient target
	// trouble before the run is StatusTransient (0: DefaultTransientLimit; negative: no limit).
	TransientLimit float64
	// KeepResources skips the final cleanup (debugging only).
	KeepResources bool
	// Now is the clock (tests).
	Now func() time.Time
}

// Defaults of Options.Random and Options.Sequences.
const (
	DefaultRandom    = 64 // random (gopter) cases added to the catalogue
	DefaultSequences = 10 // gopter command sequences of the listener lifecycle
)

// Progress is reported after each case.
type Progress struct {
	Done, Total, Failed, Skipped, Warnings int
	Elapsed                                time.Duration
	Last                                   string
}

// Prepare returns the cases a run with these options would execute, in order. A run itself
// draws its random cases as it goes (plan.go); Prepare draws them all at once.
func Prepare(s *spec.Spec, fx *resources.Fixtures, opts Options) []generators.Case {
	return newPlan(s, fx, opts).all()
}

// Execute runs the suite against t and streams every result to opts.Reporter. The error is
// for runs that could not proceed (the target unreachable, the context cancelled); contract
// failures are in the summary.
func Execute(ctx context.Context, t target.Target, opts Options) (Summary, Coverage, error) {
	if nilTarget(t) {
		return Summary{}, Coverage{}, errNoTarget
	}
	s, err := spec.Default()
	if err != nil {
		return Summary{}, Coverage{}, err
	}
	if opts.Profile == "" {
		opts.Profile = ProfileDocumented
	}
	if opts.Profile != ProfileStrict && opts.Profile != ProfileDocumented {
		return Summary{}, Coverage{}, fmt.Errorf("unknown profile %q: use %s or %s", opts.Profile, ProfileStrict, ProfileDocumented)
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
		return Summary{}, Coverage{}, fmt.Errorf("report: %w", err)
	}
	r := &runner{s: s, t: t, fx: fx, opts: opts, sent: sent, judges: judges, inProcess: inProcess}
	r.port.Store(20000)
	tally := target.TroubleTallyOf(t)
	retriedBefore := troubleRetries(tally)
	var stats runStats

	runCtx := ctx
	var cancel context.CancelFunc
	if opts.Budget > 0 {
		runCtx, cancel = context.WithTimeout(ctx, opts.Budget)
		defer cancel()
	}
	jobs := make(chan int) // positions in the plan: each worker draws the case it takes
	results := make(chan CaseResult, opts.Workers)
	var wg sync.WaitGroup
	var fatal atomic.Value
	var unreachable atomic.Int32
	var enoughFailures atomic.Bool // Options.MaxFailures reached
	var failing atomic.Int64       // cases seen failing by the workers, for MaxFailures
	for w := 0; w < opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			emit := func(c generators.Case, res caseOutcome) {
				if ctx.Err() != nil {
					return // cut by an interrupt: not run, never a verdict
				}
				if res.Verdict == Fail && c.Shrink != nil {
					// Shrinking starts new requests: the time budget bounds it too.
					res = r.shrink(runCtx, c, res)
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
				c, id, ok := cases.at(i)
				if !ok {
					results <- CaseResult{ID: id, Category: string(generators.Random), Verdict: Skip, SkipReason: "the generator drew no case for this index"}
					continue
				}
				res := r.runCase(ctx, c, true)
				if ctx.Err() != nil {
					continue // in flight when interrupted: not run
				}
				if opts.MaxFailures > 0 && slices.ContainsFunc(res.Checks, func(cr CheckResult) bool { return cr.Verdict == Fail }) &&
					failing.Add(1) >= int64(opts.MaxFailures) {
					// Known to fail already, even if its state check is still pending.
					enoughFailures.Store(true)
				}
				if res.unreachable {
					if unreachable.Add(1) >= 5 {
						fatal.CompareAndSwap(nil, res.err)
					}
				} else {
					unreachable.Store(0)
				}
				if res.refused != nil {
					pending = append(pending, pendingRefusal{out: res, c: c})
					if len(pending) >= r.opts.RefusalBatch {
						flush()
					}
					continue
				}
				emit(c, res)
			}
			flush()
		}()
	}
	go func() {
		defer close(jobs)
		for i := 0; i < cases.len(); i++ {
			if runCtx.Err() != nil || fatal.Load() != nil || r.overBudget() || enoughFailures.Load() {
				return
			}
			select {
			case jobs <- i:
			case <-runCtx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	// The sequences spend most of their time waiting for asynchronous states, on load
	// balancers of their own: with more than one worker they run beside the cases instead of
	// after them, and report last, when the cases ended as they would have had to for the
	// sequences to start. One worker sends one request at a time, in an order a recording
	// can be replayed in: the sequences then run after the cases.
	seqDone := make(chan CaseResult, 1)
	seqCtx, stopSeqs := context.WithCancel(runCtx)
	defer stopSeqs()
	beside := seqs > 0 && opts.Workers > 1
	if beside {
		go func() { seqDone <- r.runSequences(seqCtx, opts.Seed, seqs) }()
	}

	sum := Summary{Target: t.Name(), Profile: opts.Profile, Seed: opts.Seed, Started: started}
	cov := newCoverage(s)
	var repErr error
	record := func(res CaseResult) {
		sum.count(res.Verdict)
		stats.add(res)
		cov.add(res)
		if err := rep.Case(res); err != nil && repErr == nil {
			repErr = err
		}
	}
	progress := func(last string) {
		if opts.Progress != nil {
			opts.Progress(Progress{Done: sum.Cases, Total: total, Failed: sum.Failed, Skipped: sum.Skipped, Warnings: sum.Warnings, Elapsed: opts.Now().Sub(started), Last: last})
		}
	}
	for res := range results {
		record(res)
		if opts.MaxFailures > 0 && sum.Failed >= opts.MaxFailures {
			enoughFailures.Store(true)
		}
		progress(res.ID)
	}
	if finish := fatal.Load() == nil && runCtx.Err() == nil && !enoughFailures.Load(); seqs > 0 {
		if !beside && finish {
			seqDone <- r.runSequences(runCtx, opts.Seed, seqs)
		}
		if beside && !finish {
			stopSeqs()
		}
		if beside || finish {
			// Sequences cut by the budget or an interrupt did not run: no verdict.
			if res := <-seqDone; finish && runCtx.Err() == nil {
				record(res)
				progress(SequencesID)
			}
		}
	}
	var runErr error
	if f := fatal.Load(); f != nil {
		sum.Aborted = true
		cause := fmt.Sprint(f)
		if e, ok := f.(error); ok {
			cause = ErrorText(e)
		}
		sum.AbortCause, sum.StoppedBy = cause, StoppedByUnreachable
		runErr = fmt.Errorf("%w (%s); check the URL and that the implementation is running", target.ErrUnreachable, cause)
	} else if ctx.Err() != nil {
		sum.Aborted = true
		sum.AbortCause, sum.StoppedBy = "interrupted", StoppedByInterrupt
		runErr = interrupted{ctx.Err()}
	} else if runCtx.Err() != nil && sum.Cases < total {
		sum.AbortCause, sum.StoppedBy = fmt.Sprintf("time budget of %s used up after %d of %d cases", opts.Budget, sum.Cases, total), StoppedByBudget
	} else if r.overBudget() && sum.Cases < total {
		sum.AbortCause, sum.StoppedBy = fmt.Sprintf("request budget of %d used up after %d of %d cases", opts.MaxRequests, sum.Cases, total), StoppedByRequests
	} else if enoughFailures.Load() && sum.Cases < total {
		sum.StoppedBy = StoppedByMaxFailures
		sum.AbortCause = fmt.Sprintf("stopped after %s, as asked (max failures %d); %d of %d cases ran", pluralize(sum.Failed, "failing case"), opts.MaxFailures, sum.Cases, total)
	}
	if !opts.KeepResources {
		cctx, ccancel := context.WithTimeout(context.Background(), 2*time.Minute)
		if err := fx.Cleanup(cctx); err != nil && runErr == nil && !sum.Aborted {
			sum.AbortCause = strings.TrimSpace(sum.AbortCause + "; cleanup incomplete: " + ErrorText(err))
		}
		ccancel()
	}
	stats.conclude(&sum, opts, total, sent.Count(), troubleDelta(troubleRetries(tally), retriedBefore))
	sum.Duration = opts.Now().Sub(started)
	sum.DurationS = math.Round(sum.Duration.Seconds()*1000) / 1000
	c := cov.result()
	if err := rep.End(sum, c); err != nil && repErr == nil {
		repErr = err
	}
	if runErr == nil && repErr != nil {
		runErr = fmt.Errorf("writing the report failed: %w", repErr)
	}
	return sum, c, runErr
}

// Version of the tool, shown in reports.
var Version = "0.1.0"

type discard struct{}

func (discard) Begin(Meta) error            { return nil }
func (discard) Case(CaseResult) error       { return nil }
func (discard) End(Summary, Coverage) error { return nil }

type runner struct {
	s    *spec.Spec
	t    target.Target
	fx   *resources.Fixtures
	opts Options
	sent *target.Counted // every request of the run, for the request budget
	// judges are the enabled checks judged from the answer, in registry order, looked up once
	// per run.
	judges []judge
	port   atomic.Int64
	// leftBehind holds the ports whose listener a case could not delete (nextPort).
	leftBehind sync.Map
	uniq       atomic.Int64
	// listing says whether listings of listener ports can confirm refusals (refusals.go).
	listing atomic.Int32
	// inProcess is set when the target has no network address a curl line could reach.
	inProcess bool
}

// judge is an enabled answer check and its configuration.
type judge struct {
	f   checkFunc
	cfg CheckConfig
}

type caseOutcome struct {
	CaseResult
	unreachable bool
	err         error
	// refused is set when the case still waits for its no-state-change check, on this
	// listener; resp is the judged answer, for the reproduction lines.
	refused *resources.ListenerKey
	resp    *target.Response
}

// nextPort hands out listener ports for cases, cycling through a high range. A long run
// comes round to ports it used before: a port whose listener could not be removed (left to
// the final cleanup) is not handed out again, else the next case on it finds a listener there.
func (r *runner) nextPort() string {
	for {
		p := r.port.Add(1)
		if p > 65000 {
			r.port.CompareAndSwap(p, 20000)
			continue
		}
		port := strconv.FormatInt(p, 10)
		if _, taken := r.leftBehind.Load(port); !taken {
			return port
		}
	}
}

type caseEnv struct {
	binds map[string]string
	port  string
}

func (r *runner) resolve(ctx context.Context, env *caseEnv, ref string) (string, error) {
	var parts []string
	for _, one := range generators.SplitRef(ref) {
		switch {
		case one == spec.SlotPort:
			parts = append(parts, env.port)
		case strings.HasPrefix(one, spec.SlotLocalPrefix):
			v, ok := env.binds[one]
			if !ok {
				return "", fmt.Errorf("setup did not produce %s", one)
			}
			parts = append(parts, v)
		default:
			v, err := r.fx.Resolve(ctx, one)
			if err != nil {
				return "", err
			}
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, ","), nil
}

func (r *runner) kvs(ctx context.Context, env *caseEnv, ps []generators.Param) ([]target.KV, error) {
	out := make([]target.KV, 0, len(ps))
	for _, p := range ps {
		v := p.Value
		if p.Ref != "" {
			var err error
			if v, err = r.resolve(ctx, env, p.Ref); err != nil {
				return nil, err
			}
		}
		if strings.Contains(v, generators.Unique) {
			v = strings.ReplaceAll(v, generators.Unique, fmt.Sprintf("%s%d", r.opts.RunID, r.uniq.Add(1)))
		}
		out = append(out, target.KV{Name: p.Name, Value: v, Raw: p.Raw})
	}
	return out, nil
}

func (r *runner) send(ctx context.Context, req target.Request) (*target.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	countRequest(ctx)
	return r.t.Send(ctx, req)
}

// overBudget reports whether the request budget (Options.MaxRequests) is used up.
func (r *runner) overBudget() bool {
	return r.opts.MaxRequests > 0 && r.sent.Count() >= int64(r.opts.MaxRequests)
}

func (r *runner) describe(ctx context.Context, l resources.ListenerKey) (*target.Response, error) {
	return r.send(ctx, target.Request{Action: spec.ActionDescribeHTTPSListener, Params: l.Params(), Principal: l.Principal})
}

func (r *runner) deleteListener(ctx context.Context, l resources.ListenerKey) {
	resp, err := r.send(ctx, target.Request{Action: spec.ActionDeleteListener, Params: l.Params(), Principal: l.Principal})
	if err != nil || !resp.Success() {
		// Leave it to the final cleanup, which deletes the instances.
		r.fx.Remember(spec.ActionDeleteListener, l.Params())
		r.leftBehind.Store(l.Port, true)
	}
}

// runCase runs one case. With batch, a refused case whose port was free is returned
// unfinished (refused set) for settle to confirm with others.
func (r *runner) runCase(ctx context.Context, c generators.Case, batch bool) (out caseOutcome) {
	start := time.Now()
	res := &out.CaseResult
	res.ID, res.Scenario, res.Category, res.Seed, res.Size = c.ID, c.Scenario, string(c.Category), c.Seed, c.Size()
	if c.Broken != nil {
		res.Broken = &Breach{Param: c.Broken.Param, Kind: string(c.Broken.Kind), Rule: cmp.Or(c.Broken.Rule, c.Broken.State), Original: c.Broken.Original, Sent: c.Broken.Sent, Wire: c.Broken.Wire}
	}
	expect, skip, overridden := r.opts.Overrides.apply(c)
	res.Expected, res.Basis = expect.String(), string(expect.Basis)
	res.Direction, res.DirectionBasis = string(expect.Direction()), string(expect.DirectionBasis)
	res.Expect = &expect
	if overridden {
		res.Basis = "override"
	}
	defer func() {
		res.DurationMS = float64(time.Since(start).Microseconds()) / 1000
		if p := recover(); p != nil {
			res.Verdict = Fail
			res.Checks = append(res.Checks, CheckResult{Check: "harness", Verdict: Fail, Message: fmt.Sprintf("the harness itself failed on this case: %v (please report it)", p)})
		}
	}()
	skipWith := func(reason string) caseOutcome {
		res.Verdict, res.SkipReason = Skip, reason
		return out
	}
	if skip != "" {
		return skipWith("expectations file: " + skip)
	}
	if c.Skip != "" {
		return skipWith(c.Skip)
	}
	if c.Principal != "" && !r.t.HasPrincipal(c.Principal) {
		return skipWith(noCredentials(c.Principal))
	}
	env := &caseEnv{binds: map[string]string{}, port: r.nextPort()}
	for _, slot := range c.Needs() {
		if _, err := r.fx.Resolve(ctx, slot); err != nil {
			if errors.Is(err, target.ErrUnreachable) {
				out.unreachable, out.err = true, err
			}
			res.Fixture = slot
			return skipWith(fmt.Sprintf("fixture %s is not available: %s", slot, ErrorText(err)))
		}
	}
	var cleanup []resources.ListenerKey
	defer func() {
		for _, l := range cleanup {
			r.deleteListener(context.WithoutCancel(ctx), l)
		}
	}()
	// Setup calls build the state the case needs; each must succeed.
	for i, call := range c.Setup {
		if call.After > 0 && target.Sleep(ctx, call.After) != nil {
			return skipWith("interrupted during setup")
		}
		kvs, err := r.kvs(ctx, env, call.Params)
		if err != nil {
			return skipWith(fmt.Sprintf("setup step %d (%s): %v", i+1, call.Action, err))
		}
		principal := cmp.Or(call.Principal, c.Principal)
		resp, err := r.send(ctx, target.Request{Action: call.Action, Params: kvs, Principal: principal})
		if err != nil {
			out.unreachable, out.err = errors.Is(err, target.ErrUnreachable), err
			res.Transient = target.TroubleOf(nil, err)
			return skipWith(fmt.Sprintf("setup step %d (%s) could not be sent: %s", i+1, call.Action, ErrorText(err)))
		}
		if kind := target.TroubleOf(resp, nil); kind != "" {
			// Target trouble, not a contract answer, even when retries could not get past it.
			res.Transient = kind
			return skipWith(fmt.Sprintf("setup step %d (%s) met transient target trouble (%s): %s", i+1, call.Action, kind, actualOf(resp)))
		}
		if !resp.Success() {
			msg := fmt.Sprintf("setup step %d (%s) was refused with %s: %s", i+1, call.Action, actualOf(resp), resp.Message)
			if r.opts.Profile == ProfileStrict {
				res.Verdict = Fail
				res.Checks = append(res.Checks, CheckResult{Check: "setup", Verdict: Fail, Message: msg})
				return out
			}
			return skipWith(msg)
		}
		if call.Action == spec.ActionCreateLoadBalancer {
			if id, ok := resp.Fields[spec.FieldLoadBalancerID].(string); ok {
				r.fx.Remember(spec.ActionDeleteLoadBalancer, []target.KV{{Name: spec.ParamLoadBalancerID, Value: id}})
			}
		}
		if call.Action == r.s.UnderTest.Action {
			cleanup = append(cleanup, resources.ListenerOf(kvs, principal))
		}
		if call.Bind != "" {
			v, _ := resp.Fields[call.Field].(string)
			if v == "" {
				return skipWith(fmt.Sprintf("setup step %d (%s) answered without %s", i+1, call.Action, call.Field))
			}
			env.binds[call.Bind] = v
		}
	}
	kvs, err := r.kvs(ctx, env, c.Params)
	if err != nil {
		return skipWith(fmt.Sprintf("cannot resolve the case's parameters: %v", err))
	}
	req := target.Request{Action: c.Action, Version: c.Version, Params: kvs, Method: c.Method, Placement: c.Placement, Format: c.Format, Principal: c.Principal, Auth: c.Auth, Judged: true}
	lref := resources.ListenerOf(kvs, c.Principal)
	// A port spelled otherwise than in plain decimal ("+1000") names the port it means when
	// the service reads it: the listener is read back and removed under that port.
	if m, ok := referee.Meaning(r.s.UnderTest.Param(spec.ParamListenerPort), lref.Port); ok {
		lref.Port = m
	}
	portIsOurs := false
	// The case's listener is the run's to read back and remove: its port is allocated, or
	// written out by the case (a boundary such as port 1), on an instance the run provides.
	if p, ok := c.Get(spec.ParamListenerPort); ok && (p.Ref == spec.SlotPort || p.Ref == "") {
		if lb, ok := c.Get(spec.ParamLoadBalancerID); ok && lb.Ref != "" {
			portIsOurs = true
		}
	}
	var before *target.Response
	if portIsOurs && len(cleanup) > 0 && r.enabled(CheckNoStateChange) {
		before, _ = r.describe(ctx, lref)
	}
	if c.Auth == spec.AuthReplayedNonce {
		req.Nonce = signature.NewNonce()
		req.Time = r.opts.Now()
		first, err := r.send(ctx, req)
		if err == nil && first.Success() && portIsOurs {
			cleanup = append(cleanup, lref)
		}
	}
	var resp *target.Response
	var race *CheckResult
	if c.Concurrent > 1 {
		resp, race, err = r.race(ctx, req, c.Concurrent)
		if resp != nil && race != nil && race.Actual != "0" {
			cleanup = append(cleanup, lref)
		}
	} else {
		resp, err = r.send(ctx, req)
	}
	if err != nil {
		if errors.Is(err, target.ErrNoPrincipal) {
			return skipWith(noCredentials(c.Principal))
		}
		out.unreachable, out.err = errors.Is(err, target.ErrUnreachable), err
		if ctx.Err() != nil {
			return skipWith("interrupted")
		}
		if kind := target.TroubleOf(nil, err); kind != "" {
			res.Transient = kind
			return skipWith(fmt.Sprintf("not judged: transient target trouble (%s): %s", kind, ErrorText(err)))
		}
		res.Verdict = Fail
		res.Checks = append(res.Checks, CheckResult{Check: CheckNotServerError, Verdict: Fail, Message: "no answer: " + ErrorText(err)})
		return out
	}
	res.Actual = actualOf(resp)
	res.Exchange = exchangeOf(resp)
	if kind := target.TroubleOf(resp, nil); kind != "" && (resp.Code == "" || resp.Code != expect.Code) {
		// Throttling, a 503 burst, a proxy's 502: the target could not serve the request for
		// a moment. Counted by kind and reported, never judged as the operation's answer.
		res.Transient = kind
		return skipWith(fmt.Sprintf("not judged: transient target trouble (%s): the answer was %s", kind, res.Actual))
	}
	// The bytes sent must break exactly what the case claims.
	sent := target.SentValues(resp.Sent, r.s.Wire.CommonParameters)
	if err := generators.Confirm(r.s, c, sent); err != nil {
		res.Checks = append(res.Checks, CheckResult{Check: "case-integrity", Verdict: Fail, Message: "the harness generated a case that does not break what it claims: " + err.Error()})
	}
	j := &judgement{s: r.s, c: c, expect: expect, resp: resp, profile: r.opts.Profile}
	// Room for every check at once: the list would otherwise be copied as it grows.
	res.Checks = slices.Grow(res.Checks, len(r.judges)+2)
	for _, jd := range r.judges {
		if cr := jd.f(j); cr != nil {
			res.Checks = append(res.Checks, r.severity(*cr, jd.cfg))
		}
	}
	if race != nil && r.enabled(CheckSingleWinner) {
		res.Checks = append(res.Checks, r.severity(*race, r.opts.Checks[CheckSingleWinner]))
	}
	// Judged: the body (up to target.MaxBody) is not held while the case waits for its state
	// checks; the exchange keeps its beginning.
	resp.Body, resp.Fields = nil, nil
	// State: a success created exactly the listener asked for; a refusal changed nothing.
	if c.Action == r.s.UnderTest.Action && portIsOurs && c.Concurrent <= 1 {
		if resp.Success() {
			cleanup = append(cleanup, lref)
			if r.enabled(CheckListenerCreated) {
				for _, cr := range r.checkCreated(ctx, kvs, lref) {
					res.Checks = append(res.Checks, r.severity(cr, r.opts.Checks[CheckListenerCreated]))
				}
			}
		} else if r.enabled(CheckNoStateChange) {
			if batch && len(cleanup) == 0 && r.batching() {
				out.refused, out.resp = &lref, resp
				return out
			}
			res.Checks = append(res.Checks, r.severity(r.checkUnchanged(ctx, lref, before, len(cleanup) > 0), r.opts.Checks[CheckNoStateChange]))
		}
	}
	r.conclude(&out, c, resp)
	return out
}

// conclude sets the verdict of a case from its checks, and its reproduction lines when it did
// not pass.
func (r *runner) conclude(out *caseOutcome, c generators.Case, resp *target.Response) {
	res := &out.CaseResult
	res.Verdict = Pass
	for _, cr := range res.Checks {
		switch {
		case cr.Verdict == Fail:
			res.Verdict = Fail
		case cr.Verdict == Warn && res.Verdict == Pass:
			res.Verdict = Warn
		}
	}
	if res.Verdict != Pass {
		// Only findings are reproduced, and building the lines costs more than the rest of
		// the bookkeeping of a passing case.
		res.Repro = r.repro(c, resp)
	}
	out.refused, out.resp = nil, nil
}

func (r *runner) enabled(name string) bool { return r.opts.Checks[name].Enabled }

func (r *runner) severity(cr CheckResult, cfg CheckConfig) CheckResult {
	cr.Severity = cfg.Severity
	if cr.Verdict == Fail && cfg.Severity == SeverityWarning {
		cr.Verdict = Warn
	}
	return cr
}

// checkCreated reads the listener back: it must exist and be stopped, and its attributes must
// mean what was sent, defaults where nothing was (ReadBack).
func (r *runner) checkCreated(ctx context.Context, kvs []target.KV, l resources.ListenerKey) []CheckResult {
	fail := func(msg, exp, act string) []CheckResult {
		return []CheckResult{{Check: CheckListenerCreated, Verdict: Fail, Message: msg, Expected: exp, Actual: act}}
	}
	d, err := r.describe(ctx, l)
	if err != nil {
		return fail("the listener could not be read back: "+ErrorText(err), "a readable listener", "no answer")
	}
	if !d.Success() {
		return fail("the created listener cannot be read back", "the listener", actualOf(d))
	}
	if !resources.Settled(d) {
		// Still applying its configuration (the real service does this asynchronously): wait,
		// within a bound, for a stable status before judging it.
		if settled, err := resources.AwaitListener(ctx, r.t, l,
			resources.Settled, 10*time.Second, 500*time.Millisecond); err == nil {
			d = settled
		}
	}
	if st := str(d.Fields[spec.FieldStatus]); st != spec.StatusStopped {
		r := fail("a new listener must be stopped", spec.StatusStopped, st)
		r[0].Subject = spec.FieldStatus
		return r
	}
	r.witnessListing(ctx, l)
	return ReadBack(r.s, kvs, d.Fields, r.opts.Profile)
}

func (r *runner) checkUnchanged(ctx context.Context, l resources.ListenerKey, before *target.Response, existed bool) CheckResult {
	after, err := r.describe(ctx, l)
	if err != nil {
		return CheckResult{Check: CheckNoStateChange, Verdict: Fail, Message: "state could not be read back: " + ErrorText(err)}
	}
	if !existed {
		if after.Success() {
			return CheckResult{Check: CheckNoStateChange, Verdict: Fail, Message: "the request was refused but a listener now exists on its port", Expected: "no listener", Actual: "listener " + str(after.Fields[spec.FieldStatus])}
		}
		return CheckResult{Check: CheckNoStateChange, Verdict: Pass}
	}
	if before == nil || !before.Success() || !after.Success() {
		return CheckResult{Check: CheckNoStateChange, Verdict: Pass, Message: "no earlier snapshot to compare"}
	}
	a, b := comparable(before.Fields), comparable(after.Fields)
	if a != b {
		return CheckResult{Check: CheckNoStateChange, Verdict: Fail, Message: "the refused request changed the existing listener", Expected: trim(a, 300), Actual: trim(b, 300)}
	}
	return CheckResult{Check: CheckNoStateChange, Verdict: Pass}
}

// comparable renders a Describe answer without the fields that legitimately change.
func comparable(m map[string]any) string {
	cp := map[string]any{}
	for k, v := range m {
		if k == spec.FieldRequestID || k == spec.FieldStatus {
			continue
		}
		cp[k] = v
	}
	b, _ := json.Marshal(cp)
	return string(b)
}

func str(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func show(v any, present bool) string {
	if !present {
		return "nothing"
	}
	return fmt.Sprintf("%q", str(v))
}

func exchangeOf(resp *target.Response) *Exchange {
	return &Exchange{Method: resp.Sent.Method, URL: resp.Sent.URL, Body: resp.Sent.Body, Headers: resp.Sent.Headers, Status: resp.Status, Code: resp.Code,
		RequestID: resp.RequestID, ContentType: resp.ContentType, Response: trim(string(resp.Body), 2000), DurationMS: float64(resp.Duration.Microseconds()) / 1000}
}

// repro builds the reproduction lines of a case (repro.go).
func (r *runner) repro(c generators.Case, resp *target.Response) *Repro {
	return buildRepro(r.opts, r.inProcess, c, resp)
}

// Shrinking budgets: at most this many candidates are looked at, and at most this many sent
// (each sent candidate costs its requests, which are billed on a real cloud).
const (
	maxShrinkCandidates = 5000
	maxShrinkSends      = 40
)

// shrink looks for a smaller case of the same class that fails the same checks: greedily, a
// candidate from the case's finite shrink stream is kept when it has fewer parameters and
// fails the same way, and shrinking goes on from it, until no candidate is kept. A candidate
// is sent at most once (remembered by its parameters), and the candidates and requests spent
// are bounded and reported.
func (r *runner) shrink(ctx context.Context, c generators.Case, res caseOutcome) caseOutcome {
	want := failingChecks(res.CaseResult)
	best, bestRes := c, res
	seen := map[string]bool{canonical(c): true}
	next := c.Shrink
	var sends int
	var requests atomic.Int64
	cctx := withRequestCount(ctx, &requests)
	for looked := 0; looked < maxShrinkCandidates && sends < maxShrinkSends && ctx.Err() == nil; looked++ {
		cand, ok := next()
		if !ok {
			break
		}
		key := canonical(cand)
		if seen[key] || cand.Size() >= best.Size() {
			continue
		}
		seen[key] = true
		sends++
		cr := r.runCase(cctx, cand, false)
		if cr.Verdict == Fail && failingChecks(cr.CaseResult) == want {
			best, bestRes = cand, cr
			next = cand.Shrink
		}
	}
	if best.Size() < c.Size() {
		bestRes.ShrunkFrom = c.Size()
	}
	bestRes.Shrink = &ShrinkStats{Candidates: sends, Requests: int(requests.Load())}
	return bestRes
}

// canonical writes a case's request as a key: method, format, placement and the parameters
// in order.
func canonical(c generators.Case) string {
	var b strings.Builder
	b.WriteString(c.Method + "|" + c.Format + "|" + c.Placement)
	for _, p := range c.Params {
		b.WriteString("|" + p.Name + "=" + p.Value + "@" + p.Ref)
	}
	return b.String()
}

// requestCountKey carries, in a context, a counter of the requests sent on its behalf.
type requestCountKey struct{}

func withRequestCount(ctx context.Context, n *atomic.Int64) context.Context {
	return context.WithValue(ctx, requestCountKey{}, n)
}

func countRequest(ctx context.Context) {
	if n, ok := ctx.Value(requestCountKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}

func failingChecks(r CaseResult) string {
	var names []string
	for _, c := range r.Checks {
		if c.Verdict == Fail {
			names = append(names, c.Check)
		}
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// race sends n copies of one create at the same moment (each signed on its own) and checks
// that exactly one wins. It returns a refused answer (or the first one when none was refused)
// for the other checks to judge, and the single-winner verdict.
func (r *runner) race(ctx context.Context, req target.Request, n int) (*target.Response, *CheckResult, error) {
	resps := make([]*target.Response, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			resps[i], errs[i] = r.send(ctx, req)
		}(i)
	}
	close(start)
	wg.Wait()
	winners := 0
	var refused *target.Response
	for i := range resps {
		if errs[i] != nil {
			return nil, nil, errs[i]
		}
		if resps[i].Success() {
			winners++
		} else if refused == nil {
			refused = resps[i]
		}
	}
	check := CheckResult{Check: CheckSingleWinner, Verdict: Pass, Expected: "1", Actual: fmt.Sprint(winners)}
	if winners != 1 {
		check.Verdict = Fail
		check.Message = fmt.Sprintf("%d of %d simultaneous creates on one port succeeded; exactly one must", winners, n)
	}
	if refused == nil {
		refused = resps[0]
	}
	return refused, &check, nil
}

// PlannedSequences is how many lifecycle sequences a run with these options and this many
// prepared cases runs (0: none). They report as one result, which counts against MaxCases:
// they run only when the catalogue left room.
func PlannedSequences(opts Options, cases int) int {
	n := opts.Sequences
	switch {
	case n < 0, opts.ShardK > 1, opts.MaxCases > 0 && cases >= opts.MaxCases:
		return 0
	case opts.Filter != nil && !opts.Filter(generators.Case{ID: SequencesID, Category: generators.Stateful}):
		return 0
	case n == 0:
		return DefaultSequences
	}
	return n
}
