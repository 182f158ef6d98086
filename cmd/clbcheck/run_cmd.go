package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/reports"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

func init() {
	register(command{
		name:    "run",
		summary: "run the contract suite against a target and write reports (the CI entry point)",
		run:     runRun,
	})
}

// costOptIn is the flag that allows runs against the real cloud.
const costOptIn = "i-understand-this-costs-money"

// defaultBudget keeps a default run well under a minute.
const defaultBudget = 40 * time.Second

// aliyunRateLimit is the request rate used against the real cloud unless --rate-limit is given.
const aliyunRateLimit = 5

// aliyunMaxRequests is the request budget against the real cloud unless --max-requests is given.
const aliyunMaxRequests = 5000

// outFiles are the report files --out writes, by format.
var outFiles = map[string]string{"json": "report.json", "junit": "report.xml", "md": "report.md", "html": "report.html", "sarif": "report.sarif"}

// testProgressHook, when set by a test, sees every progress update (to interrupt a run midway).
var testProgressHook func(contracts.Progress)

func runRun(args []string, stdout, stderr io.Writer) int {
	// A run allocates briskly and holds little (results stream to the reports): collecting
	// less often buys about a fifth more cases per second for a few tens of MB. GOGC, when
	// set, still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal, restore the default handling: a second Ctrl-C ends the process.
	context.AfterFunc(ctx, stop)
	return runWithContext(ctx, args, stdout, stderr)
}

type runFlags struct {
	tf                              targetFlags
	profile, checks, expectations   string
	fixtures, baseline, out, shard  string
	ledger, runID                   string
	seed                            int64
	maxCases, workers, random, seqs int
	budget                          time.Duration
	rateLimit                       float64
	maxRequests, refusalBatch       int
	quiet, costsOK, keep            bool
	reportPaths                     map[string]*string
}

func runUsage(fs *flag.FlagSet) func() {
	return func() {
		fmt.Fprintln(fs.Output(), joinLines(
			"Usage: clbcheck run [flags]",
			"",
			"Runs the contract suite of CreateLoadBalancerHTTPSListener against a target, prints a",
			"summary and writes the reports asked for. By default it runs every check against the",
			"embedded emulator with a time budget of "+defaultBudget.String()+".",
			"",
			"Targets (--target):",
			"  emulator      the embedded emulator, in-process (default; profile strict)",
			"  http(s)://..  any endpoint speaking the Slb RPC protocol (profile documented)",
			"  aliyun        the real cloud at https://slb.<region>.aliyuncs.com; it creates billed",
			"                resources, so it prints a plan and needs --"+costOptIn,
			"",
			"Credentials for URL and aliyun targets come from the environment:",
			"  "+envKeyID+", "+envKeySecret+", optional "+envToken,
			"  "+envSecondKeyID+" / "+envSecondSecret+" (a second account)",
			"  "+envRestrictedKeyID+" / "+envRestrictedSecret+" (a RAM user denied the operation)",
			"  "+envDisabledKeyID+" / "+envDisabledSecret+" (a disabled key, for the gateway's answer to it)",
			"Cases needing a principal without credentials are skipped.",
			"",
			"Resources a run creates are recorded in a ledger (JSON lines, synced before the run goes",
			"on) so that `clbcheck cleanup --run ID` can remove them if the run dies; their names",
			"carry clbcheck-<run id>. Ctrl-C stops the run, removes what it created and writes the",
			"reports for the cases that ran.",
			"",
			"Exit status: 0 every contract held, 1 contract failures (with --baseline: new ones),",
			"2 usage or configuration error, 3 the target could not be reached or the run was aborted.",
			"",
			"Flags:"))
		fs.PrintDefaults()
	}
}

func parseRunFlags(args []string, stderr io.Writer) (*runFlags, *flag.FlagSet, error) {
	fs := flag.NewFlagSet("clbcheck run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := &runFlags{reportPaths: map[string]*string{}}
	f.tf.register(fs)
	fs.StringVar(&f.profile, "profile", "", "`strict` (inferred expectations fail) or documented (they warn); default strict for the embedded emulator, documented otherwise")
	fs.Int64Var(&f.seed, "seed", 0, "seed of the random cases (0: pick one; the report shows it)")
	fs.IntVar(&f.maxCases, "max-cases", 0, "stop after this many cases (0: all)")
	fs.DurationVar(&f.budget, "budget", defaultBudget, "stop starting cases after this `duration` (0: no limit)")
	fs.IntVar(&f.workers, "workers", 4, "cases in flight at once")
	fs.IntVar(&f.refusalBatch, "refusal-batch", contracts.DefaultRefusalBatch, "refused cases confirmed to have changed nothing by one listing of their load balancer's listeners (1: read each port back at once)")
	fs.IntVar(&f.maxRequests, "max-requests", 0, "stop starting cases once this many requests were sent (0: no limit; clean-up is not counted)")
	fs.Float64Var(&f.rateLimit, "rate-limit", 0, "requests per second across workers (0: unlimited; aliyun: "+strconv.Itoa(aliyunRateLimit)+" unless given)")
	fs.IntVar(&f.random, "random", 0, "random cases added to the catalogue (0: the default of 64; -1: none)")
	fs.IntVar(&f.seqs, "sequences", 0, "random command sequences of the listener lifecycle (0: the default of 10; -1: none)")
	fs.StringVar(&f.checks, "checks", "all", "checks to run: all, a comma list of names, -name to drop one, name:warning to demote one")
	fs.StringVar(&f.expectations, "expectations", "", "YAML or JSON `file` overriding the expected outcome of matching cases")
	fs.StringVar(&f.fixtures, "fixtures", "", "JSON `file` with ids of existing resources, quotas and scenarios of the target")
	for name := range outFiles {
		f.reportPaths[name] = fs.String("report-"+name, "", "write the "+name+" report to `file`")
	}
	fs.StringVar(&f.baseline, "baseline", "", "earlier JSON report `file`: fail only on failures it does not list")
	fs.StringVar(&f.out, "out", "", "write every report into `dir` (report.json, report.xml, report.md, report.html, report.sarif)")
	fs.StringVar(&f.shard, "shard", "", "run only shard `K/N` of the cases (1 <= K <= N)")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress and no informational lines; the summary is still printed")
	fs.BoolVar(&f.costsOK, costOptIn, false, "allow --target aliyun, which creates billed resources in your account")
	fs.StringVar(&f.ledger, "ledger", "", "ledger `file` of created resources (default: <out>/ledger-<run>.jsonl or the user cache directory; none for the embedded emulator)")
	fs.StringVar(&f.runID, "run-id", "", "`id` naming this run's resources (default random; lower-case letters, digits, dashes)")
	fs.BoolVar(&f.keep, "keep-resources", false, "do not delete what the run created (debugging; remove later with clbcheck cleanup)")
	fs.Usage = runUsage(fs)
	if err := fs.Parse(args); err != nil {
		return nil, fs, err
	}
	if fs.NArg() > 0 {
		return nil, fs, usagef("unexpected arguments: %s (every setting is a flag; see clbcheck run -h)", strings.Join(fs.Args(), " "))
	}
	return f, fs, nil
}

func parseShard(s string) (int, int, error) {
	if s == "" {
		return 0, 0, nil
	}
	ks, ns, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return 0, 0, usagef("--shard %q is not K/N with 1 <= K <= N, e.g. --shard 2/4", s)
	}
	return k, n, nil
}

// runWithContext is the run command with a context the caller controls (tests cancel it to
// stand for Ctrl-C).
func runWithContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// The interrupt notice and the progress display write from other goroutines.
	tty := isTerminal(stderr)
	stderr = &syncWriter{w: stderr}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "clbcheck run: %v\n", err)
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(stderr, "Run 'clbcheck run -h' for the flags.")
		}
		return exitUsage
	}
	f, fs, err := parseRunFlags(args, stderr)
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			return fail(err)
		}
		code, _ := flagsParsed(err) // -h, or the flag package has said what is wrong
		return code
	}
	explicit := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { explicit[fl.Name] = true })
	info := func(format string, a ...any) {
		if !f.quiet {
			fmt.Fprintf(stderr, format+"\n", a...)
		}
	}

	opts := contracts.Options{Seed: f.seed, MaxCases: f.maxCases, Budget: f.budget, Workers: f.workers, RateLimit: f.rateLimit, MaxRequests: f.maxRequests, RefusalBatch: f.refusalBatch, Random: f.random, Sequences: f.seqs, KeepResources: f.keep}
	switch f.profile {
	case "", contracts.ProfileStrict, contracts.ProfileDocumented:
	default:
		return fail(usagef("--profile %q is neither %s nor %s", f.profile, contracts.ProfileStrict, contracts.ProfileDocumented))
	}
	if f.maxCases < 0 || f.workers < 1 || f.rateLimit < 0 || f.budget < 0 || f.maxRequests < 0 || f.refusalBatch < 1 {
		return fail(usagef("--max-cases, --budget, --rate-limit and --max-requests cannot be negative, and --workers and --refusal-batch must be at least 1"))
	}
	if opts.ShardK, opts.ShardN, err = parseShard(f.shard); err != nil {
		return fail(err)
	}
	if opts.Checks, err = contracts.ParseChecks(f.checks); err != nil {
		return fail(usagef("--checks: %v", err))
	}
	if f.expectations != "" {
		if opts.Overrides, err = contracts.ReadOverrides(f.expectations); err != nil {
			return fail(usagef("--expectations: %v", err))
		}
	}
	if f.fixtures != "" {
		if opts.Fixtures, err = target.ReadFixtureFile(f.fixtures); err != nil {
			return fail(usagef("--fixtures: %v", err))
		}
	}
	var baseline *reports.JSONReport
	if f.baseline != "" {
		if baseline, err = readReport(f.baseline); err != nil {
			return fail(usagef("--baseline: %v", err))
		}
	}
	opts.RunID = f.runID
	if opts.RunID == "" {
		opts.RunID = newRunID()
	} else if !runIDPattern.MatchString(opts.RunID) {
		return fail(usagef("--run-id %q: use up to 32 lower-case letters, digits and dashes", opts.RunID))
	}

	tg, err := f.tf.build()
	if err != nil {
		return fail(err)
	}
	opts.Profile = f.profile
	if opts.Profile == "" {
		opts.Profile = contracts.ProfileDocumented
		if tg.kind == kindEmulator {
			opts.Profile = contracts.ProfileStrict
		}
	}
	if tg.kind == kindAliyun {
		if !explicit["max-requests"] {
			opts.MaxRequests = aliyunMaxRequests
		}
		if !explicit["rate-limit"] {
			opts.RateLimit = aliyunRateLimit
		}
		printPlan(stdout, tg, opts)
		if !f.costsOK {
			fmt.Fprintf(stderr, "clbcheck run: --target aliyun sends real requests to %s and creates billed resources in your account.\n"+
				"Review the plan above and add --%s to go ahead.\n", tg.baseURL, costOptIn)
			return exitUsage
		}
	}

	// Reports: --out gives every format; a --report-X flag overrides its one.
	paths := map[string]string{}
	if f.out != "" {
		for format, name := range outFiles {
			paths[format] = filepath.Join(f.out, name)
		}
	}
	for format, p := range f.reportPaths {
		if *p != "" {
			paths[format] = *p
		}
	}
	opts.ReportPath = paths["json"]

	// The ledger: what the embedded emulator holds dies with the process, and a replayed
	// cassette creates nothing, so neither needs one.
	var ledger *target.Ledger
	ledgerPath := f.ledger
	if ledgerPath == "" && tg.kind != kindEmulator && tg.kind != kindReplay {
		if ledgerPath, err = defaultLedgerPath(f.out, opts.RunID); err != nil {
			return fail(err)
		}
	}
	if ledgerPath != "" {
		if ledger, err = target.OpenLedger(ledgerPath); err != nil {
			return fail(usagef("--ledger: %v", err))
		}
		defer ledger.Close()
		if opts.Fixtures == nil {
			opts.Fixtures = &target.FixtureFile{}
		}
		opts.Fixtures.Ledger = ledger
	}

	fileRep, closeFiles, err := reports.Files(paths)
	if err != nil {
		return fail(err)
	}
	filesClosed := false
	defer func() {
		if !filesClosed {
			_ = closeFiles()
		}
	}()

	prog := newProgress(stderr, tty)
	var current bytes.Buffer
	chain := []contracts.Reporter{beforeEnd{prog.finish}, fileRep, reports.NewConsole(stdout)}
	if baseline != nil {
		chain = append(chain, reports.NewJSON(&current))
	}
	opts.Reporter = reports.Multi(chain...)
	opts.Progress = func(p contracts.Progress) {
		if !f.quiet {
			prog.update(p)
		}
		if testProgressHook != nil {
			testProgressHook(p)
		}
	}

	info("clbcheck run %s: target %s, profile %s, credentials for %s", opts.RunID, tg.Name(), opts.Profile, principalNames(tg.creds))
	if ledger != nil {
		info("ledger of created resources: %s", ledger.Path())
	}
	noticed := make(chan struct{})
	stopNotice := context.AfterFunc(ctx, func() {
		defer close(noticed)
		fmt.Fprintln(stderr, "\nclbcheck run: interrupted; removing what the run created and writing the reports (Ctrl-C again to quit at once)")
	})
	sum, _, runErr := contracts.Execute(ctx, tg, opts)
	if !stopNotice() {
		<-noticed
	}
	filesClosed = true
	closeErr := closeFiles()

	if err := ledger.Err(); err != nil {
		fmt.Fprintf(stderr, "clbcheck run: WARNING: %v\n", err)
	}
	if ledger != nil {
		// The ledger, not the summary, says what is left: it also knows about a cleanup that
		// could not reach the target.
		if st, err := target.ReadLedger(ledger.Path(), opts.RunID); err == nil && len(st.Pending)+len(st.Unconfirmed) > 0 {
			fmt.Fprintf(stderr, "clbcheck run: %d resources remain; remove them with: clbcheck cleanup --run %s --ledger %s --target %s\n",
				len(st.Pending)+len(st.Unconfirmed), opts.RunID, ledger.Path(), f.tf.target)
		}
	}
	if len(paths) > 0 && closeErr == nil {
		var names []string
		for _, p := range paths {
			names = append(names, p)
		}
		sort.Strings(names)
		info("reports: %s", strings.Join(names, ", "))
	}
	switch {
	case runErr != nil && (errors.Is(runErr, target.ErrUnreachable) || ctx.Err() != nil):
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "clbcheck run: aborted after %d cases: %v\n", sum.Cases, runErr)
		} else {
			fmt.Fprintf(stderr, "clbcheck run: %s\n", redactSecrets(runErr.Error()))
		}
		return exitUnreachable
	case runErr != nil:
		fmt.Fprintf(stderr, "clbcheck run: %v\n", runErr)
		return exitUsage
	case closeErr != nil:
		fmt.Fprintf(stderr, "clbcheck run: %v\n", closeErr)
		return exitUsage
	}
	if baseline != nil {
		cur, err := reports.ReadJSON(&current)
		if err != nil {
			fmt.Fprintf(stderr, "clbcheck run: cannot compare with the baseline: %v\n", err)
			return exitUsage
		}
		fresh := reports.NewFailures(cur, baseline)
		fmt.Fprintf(stdout, "baseline %s: %d of %d failing cases are new\n", f.baseline, len(fresh), len(cur.Failures))
		for _, c := range fresh {
			fmt.Fprintf(stdout, "  new: %s (%s)\n", c.ID, strings.Join(reports.FailingChecks(c), ", "))
		}
		if len(fresh) > 0 {
			return exitFailures
		}
		return exitOK
	}
	if sum.Failed > 0 {
		return exitFailures
	}
	return exitOK
}

func readReport(path string) (*reports.JSONReport, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	rep, err := reports.ReadJSON(fh)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rep, nil
}

// printPlan tells, before a run against the real cloud, what it will create and about how
// many requests it will send. Nothing is sent to work it out.
func printPlan(w io.Writer, tg *chosenTarget, opts contracts.Options) {
	s, err := spec.Default()
	if err != nil {
		return
	}
	fx := target.NewFixtures(tg, s, opts.Fixtures, opts.RunID)
	cases := contracts.Prepare(s, fx, opts)
	given := map[string]bool{}
	if opts.Fixtures != nil {
		for slot := range opts.Fixtures.Slots {
			given[slot] = true
		}
	}
	slots := map[string]bool{}
	setupLBs, setups, maxListeners := 0, 0, 0
	for _, c := range cases {
		for _, n := range c.Needs() {
			if !given[n] {
				slots[n] = true
			}
		}
		listeners := 1 + c.Concurrent
		for _, call := range c.Setup {
			setups++
			switch call.Action {
			case spec.ActionCreateLoadBalancer:
				setupLBs++
			case spec.ActionCreateHTTPSListener:
				listeners++
			}
		}
		maxListeners = max(maxListeners, listeners)
	}
	var lbs, certs, acls, groups int
	for slot := range slots {
		switch {
		case slot == generators.SlotLB || slot == generators.SlotLBShared || slot == generators.SlotLBIPv6 ||
			strings.HasPrefix(slot, generators.SlotZonePrefix) || strings.HasPrefix(slot, generators.SlotRegionPrefix):
			lbs++
		case strings.HasPrefix(slot, "cert."):
			certs++
		case strings.HasPrefix(slot, "acl."):
			acls++
		case slot == generators.SlotVGroup || slot == generators.SlotMSGroup:
			groups++
		}
	}
	if (groups > 0) && !slots[generators.SlotLB] && !given[generators.SlotLB] {
		lbs++
	}
	seqs := opts.Sequences
	if seqs == 0 {
		seqs = contracts.DefaultSequences
	}
	fmt.Fprintf(w, "PLAN for run %s against %s (region %s), profile %s:\n", opts.RunID, tg.baseURL, tg.Region(), opts.Profile)
	fmt.Fprintf(w, "  %d cases", len(cases))
	if seqs > 0 {
		fmt.Fprintf(w, " and %d lifecycle sequences", seqs)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  creates: %d pay-as-you-go load balancers (slb.s2.small where a specification is needed) shared by the cases,\n", lbs)
	fmt.Fprintf(w, "           %d more created and deleted by stateful cases, about %d by the sequences (one each),\n", setupLBs, max(seqs, 0))
	fmt.Fprintf(w, "           %d certificates, %d ACLs, %d server groups,\n", certs, acls, groups)
	fmt.Fprintf(w, "           and HTTPS listeners on them, each deleted after its case\n")
	workers := max(opts.Workers, 1)
	fmt.Fprintf(w, "  alive at once: at most %d load balancers and about %d listeners (%d workers)\n", lbs+setupLBs+1, maxListeners+workers-1, workers)
	rate := "no rate limit"
	if opts.RateLimit > 0 {
		rate = fmt.Sprintf("at most %g per second", opts.RateLimit)
	}
	// A case expected to succeed sends itself, a read-back and a deletion; a refused one
	// itself, and its share of one listing per batch of refusals (a read-back each when the
	// target's listings cannot be relied upon); a sequence up to 12 calls.
	batch := max(opts.RefusalBatch, 1) // the flag is at least 1
	succeed, refused := 0, 0
	for _, c := range cases {
		if c.Expect.Success {
			succeed++
		} else {
			refused++
		}
	}
	requests := succeed*3 + refused + (refused+batch-1)/batch + setups + max(seqs, 0)*14
	fmt.Fprintf(w, "  requests: about %d (cases, %d setup calls, read-backs, deletions, sequences), %s;\n", requests, setups, rate)
	fmt.Fprintf(w, "           up to %d more if the target's listener listings cannot confirm refusals\n", refused-(refused+batch-1)/batch)
	if opts.MaxRequests > 0 {
		fmt.Fprintf(w, "  request budget: no case starts after %d requests (--max-requests)\n", opts.MaxRequests)
	}
	if opts.Budget > 0 {
		fmt.Fprintf(w, "  time budget: %s for starting cases, then cleanup", opts.Budget)
		if opts.RateLimit > 0 && float64(requests)/opts.RateLimit > opts.Budget.Seconds() {
			fmt.Fprintf(w, " (the suite will not finish in it; --budget 0 runs every case)")
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "  removed at the end: load balancers (with their listeners and groups); certificates and ACLs have no\n")
	fmt.Fprintf(w, "  delete operation in the contract and are listed by `clbcheck cleanup --run %s` for removal by hand\n", opts.RunID)
}

// syncWriter serialises writes to w.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
