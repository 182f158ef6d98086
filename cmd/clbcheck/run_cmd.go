package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/reports"
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

// runMemoryLimit is the soft memory limit of a run (see runRun). The live heap of a million-case
// in-process run is about 60 MB at its end (48 MiB of it the embedded emulator's replay cache,
// which holds no pointers and costs the collector nothing to mark), 82 MB for a moment while the
// cache's ring doubles; past the limit the collector runs as often as it must, and the process
// stays under 150 MB of RSS (146 MB at 112 MiB was too close).
const runMemoryLimit = 96 << 20

// defaultBudget keeps a default run against the embedded emulator (or a recording) well under
// a minute. A run against another implementation gets more, so that the whole catalogue fits
// at the speed of a slow server or of the real cloud's rate limit: defaultBudgetFor.
const defaultBudget = 40 * time.Second

// defaultBudgetFor is the budget of a run whose --budget is not given.
func defaultBudgetFor(kind string) time.Duration {
	switch kind {
	case kindURL:
		return 10 * time.Minute
	case kindAliyun:
		return 30 * time.Minute
	}
	return defaultBudget
}

// aliyunRateLimit is the request rate used against the real cloud unless --rate-limit is given.
const aliyunRateLimit = 5

// aliyunMaxRequests is the request budget against the real cloud unless --max-requests is given.
const aliyunMaxRequests = 5000

// outFiles are the report files --out writes, by format.
var outFiles = map[string]string{"json": "report.json", "junit": "report.xml", "md": "report.md", "html": "report.html", "sarif": "report.sarif"}

// collectLess is called when a run's cases start. A run allocates briskly and holds little
// (results stream to the reports): collecting less often buys about a fifth more cases per
// second for a few tens of MB. It starts only then, after a collection: the set-up (the
// description, the referee, the catalogue) holds a few tens of MB for a moment, and with the
// percent raised before it the heap's goal grew to several times that (peak RSS 95-136 MB
// for --random 10000 instead of about 70). GOGC, when set, wins.
func collectLess() {
	if os.Getenv("GOGC") == "" {
		runtime.GC()
		debug.SetGCPercent(400)
	}
}

// testProgressHook, when set by a test, sees every progress update (to interrupt a run midway).
var testProgressHook func(contracts.Progress)

func runRun(args []string, stdout, stderr io.Writer) int {
	// The few tens of MB that buys stay few: past a soft limit the collector runs as often as
	// it must, whatever the percent. Answers are read with bounded memory (target/body.go), so
	// the live heap stays far below it. GOMEMLIMIT, when set, wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(runMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal the run winds down (clean-up, reports); a second one ends the
	// process at once, leaving at each report path the complete report that says the run did
	// not finish (reports.Files put it there), never an empty or half-written file.
	second := make(chan os.Signal, 1)
	context.AfterFunc(ctx, func() {
		signal.Notify(second, os.Interrupt, syscall.SIGTERM)
		stop()
	})
	go func() {
		<-second
		reports.RemoveUnfinished()
		fmt.Fprintln(stderr, "\nclbcheck run: stopped at once; the reports say the run did not finish, and what it created may remain (clbcheck cleanup --run ID, with the run id printed at the start)")
		os.Exit(exitUnreachable)
	}()
	return runWithContext(ctx, args, stdout, stderr)
}

type runFlags struct {
	tf                              targetFlags
	profile, checks, expectations   string
	fixtures, baseline, out, shard  string
	ledger, runID                   string
	seed                            int64
	maxCases, workers, random, seqs int
	maxFailures                     int
	budget                          time.Duration
	rateLimit                       float64
	maxRequests, refusalBatch       int
	quiet, costsOK, keep            bool
	exitFirst, dryRun, budgetSoft   bool
	maxTransient                    float64
	filter                          filterFlags
	reportPaths                     map[string]*string
}

// filterFlags select cases from the command line (contracts.CaseFilter).
type filterFlags struct {
	include, exclude, includeParam, excludeParam, includeCheck, excludeCheck stringList
}

func (f *filterFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.include, "include", "run only the cases whose id matches `PATTERN`: an id, a prefix ending at / (negative/ListenerPort), or a glob (*/Tag.*); repeatable")
	fs.Var(&f.exclude, "exclude", "leave out the cases whose id matches `PATTERN` (as --include); repeatable")
	fs.Var(&f.includeParam, "include-param", "run only the cases about parameter `NAME` (exact or glob: Tag.*); repeatable")
	fs.Var(&f.excludeParam, "exclude-param", "leave out the cases about parameter `NAME`; repeatable")
	fs.Var(&f.includeCheck, "include-check", "run only the cases check `NAME` applies to (auth-enforced: security cases, single-winner: concurrent creates, ...); repeatable")
	fs.Var(&f.excludeCheck, "exclude-check", "leave out the cases check `NAME` applies to; repeatable")
}

func (f *filterFlags) caseFilter() contracts.CaseFilter {
	return contracts.CaseFilter{Include: f.include, Exclude: f.exclude, IncludeParams: f.includeParam, ExcludeParams: f.excludeParam,
		IncludeChecks: f.includeCheck, ExcludeChecks: f.excludeCheck}
}

func runUsage(fs *flag.FlagSet) func() {
	return func() {
		fmt.Fprintln(fs.Output(), joinLines(
			"Usage: clbcheck run [flags]",
			"",
			"Runs the contract suite of CreateLoadBalancerHTTPSListener against a target, prints the",
			"findings (one per cause) and writes the reports asked for. By default it runs every check",
			"against the embedded emulator with a time budget of "+defaultBudget.String()+" ("+defaultBudgetFor(kindURL).String()+" for a URL,",
			defaultBudgetFor(kindAliyun).String()+" for aliyun).",
			"",
			"Targets (--target):",
			"  emulator      the embedded emulator, in-process (default; profile strict)",
			"  http(s)://..  any endpoint speaking the Slb RPC protocol (profile documented)",
			"  aliyun        the real cloud at https://slb.<region>.aliyuncs.com; it creates billed",
			"                resources, so it prints a plan and needs --"+costOptIn,
			"",
			"Credentials for URL and aliyun targets come from the environment:",
			"  "+target.EnvKeyID+", "+target.EnvKeySecret+", optional "+target.EnvToken,
			"  "+target.EnvSecondKeyID+" / "+target.EnvSecondSecret+" (a second account)",
			"  "+target.EnvRestrictedKeyID+" / "+target.EnvRestrictedSecret+" (a RAM user denied the operation)",
			"  "+target.EnvDisabledKeyID+" / "+target.EnvDisabledSecret+" (a disabled key, for the gateway's answer to it)",
			"Cases needing a principal without credentials are skipped. `clbcheck emulator` prints",
			"these lines ready to paste for its own keys.",
			"",
			"Choosing cases: --include/--exclude (ids, prefixes, globs), --include-param/--exclude-param,",
			"--include-check/--exclude-check, --max-cases, --shard; --dry-run lists what would run.",
			"Every report ends with the command that runs the same cases again.",
			"",
			"Resources a run creates are recorded in a ledger (JSON lines, synced before the run goes",
			"on) so that `clbcheck cleanup --run ID` can remove them if the run dies; their names",
			"carry clbcheck-<run id>. Ctrl-C stops the run, removes what it created and writes the",
			"reports for the cases that ran.",
			"",
			"Exit status:",
			"  0  every contract held (with --budget-soft, also when the budget cut the run short)",
			"  1  contract failures (with --baseline: new ones)",
			"  2  usage or configuration error",
			"  3  the run cannot be trusted: the target could not be reached, the run was interrupted,",
			"     no case could be judged or a fixture most cases need could not be built (the reason",
			"     comes first), or --budget/--max-requests cut it short (how many cases did not run)",
			"  4  the contracts held, but transient target trouble (throttling, 503, 502/504, resets,",
			"     timeouts) met more than --max-transient percent of the exchanges",
			"Precedence: 2, then 3 for an aborted or inconclusive run, 1, 3 for a budget cut, 4.",
			"Calls no case judges (set-up, read-back, clean-up) are retried on 5xx, resets and",
			"timeouts; a judged request only on throttling and 503. Every retry is counted by kind",
			"and shown in the summary and every report.",
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
	f.filter.register(fs)
	fs.StringVar(&f.profile, "profile", "", "`strict` (inferred expectations fail) or documented (they warn); default strict for the embedded emulator, documented otherwise")
	fs.Int64Var(&f.seed, "seed", 0, "seed of the random cases (0: pick one; the report shows it)")
	fs.IntVar(&f.maxCases, "max-cases", 0, "run at most this many cases, the lifecycle sequences counting as one (0: all)")
	fs.IntVar(&f.maxFailures, "max-failures", 0, "stop starting cases once this many have failed (0: no limit)")
	fs.BoolVar(&f.exitFirst, "exitfirst", false, "stop starting cases at the first failure (--max-failures 1)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "list the cases that would run, send nothing")
	fs.DurationVar(&f.budget, "budget", defaultBudget, "stop starting cases after this `duration`, e.g. 90s or 5m (0: no limit; not given: 40s in-process, 10m for a URL, 30m for aliyun); a run it cuts short exits 3 unless --budget-soft")
	fs.BoolVar(&f.budgetSoft, "budget-soft", false, "make --budget and --max-requests soft limits: a run they cut short exits 0 when every case that ran held (it still says how many did not run)")
	fs.Float64Var(&f.maxTransient, "max-transient", contracts.DefaultTransientLimit, "`percent` of exchanges that may meet transient target trouble (throttling, 503, 502/504, resets, timeouts) before the run exits 4 (0: any; -1: no limit)")
	fs.IntVar(&f.workers, "workers", 4, "cases in flight at once")
	fs.IntVar(&f.refusalBatch, "refusal-batch", contracts.DefaultRefusalBatch, "refused cases confirmed to have changed nothing by one listing of their load balancer's listeners (1: read each port back at once)")
	fs.IntVar(&f.maxRequests, "max-requests", 0, "stop starting cases once this many requests were sent (0: no limit; clean-up is not counted)")
	fs.Float64Var(&f.rateLimit, "rate-limit", 0, "requests per second across workers (0: unlimited; aliyun: "+strconv.Itoa(aliyunRateLimit)+" unless given)")
	fs.IntVar(&f.random, "random", 0, "random cases added to the catalogue (0: the default of "+strconv.Itoa(contracts.DefaultRandom)+"; -1: none)")
	fs.IntVar(&f.seqs, "sequences", 0, "random command sequences of the listener lifecycle (0: the default of "+strconv.Itoa(contracts.DefaultSequences)+"; -1: none)")
	fs.StringVar(&f.checks, "checks", "all", "checks to run: all, a comma list of names, -name to drop one, name:warning to demote one")
	fs.StringVar(&f.expectations, "expectations", "", "YAML or JSON `file` overriding the expected outcome of matching cases")
	fs.StringVar(&f.fixtures, "fixtures", "", "JSON `file` with ids of existing resources, quotas and scenarios of the target")
	for _, name := range []string{"json", "junit", "md", "html", "sarif"} {
		f.reportPaths[name] = fs.String("report-"+name, "", "write the "+name+" report to `file`")
	}
	fs.StringVar(&f.baseline, "baseline", "", "earlier JSON report `file`: fail only on failures it does not list (reports mark each new or known)")
	fs.StringVar(&f.out, "out", "", "write every report into `dir` (report.json, report.xml, report.md, report.html, report.sarif)")
	fs.StringVar(&f.shard, "shard", "", "run only shard `K/N` of the cases (1 <= K <= N)")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress and no informational lines; the summary is still printed")
	fs.BoolVar(&f.costsOK, costOptIn, false, "allow --target aliyun, which creates billed resources in your account")
	fs.StringVar(&f.ledger, "ledger", "", "ledger `file` of created resources (default: <out>/ledger-<run>.jsonl or the user cache directory; none for the embedded emulator)")
	fs.StringVar(&f.runID, "run-id", "", "`id` naming this run's resources (default random; lower-case letters, digits, dashes)")
	fs.BoolVar(&f.keep, "keep-resources", false, "do not delete what the run created (debugging; remove later with clbcheck cleanup)")
	fs.Usage = runUsage(fs)
	if err := quietParse(fs, func() error { return fs.Parse(args) }); err != nil {
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
	f, fs, err := parseRunFlags(args, stderr)
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			return runFailed(stderr, err)
		}
		code, _ := flagsParsed(err) // -h, or quietParse has said what is wrong
		return code
	}
	rs := &runSetup{f: f, fs: fs, explicit: map[string]bool{}, stdout: stdout, stderr: stderr}
	fs.Visit(func(fl *flag.Flag) { rs.explicit[fl.Name] = true })
	if err := rs.options(); err != nil {
		return runFailed(stderr, err)
	}
	if f.dryRun {
		return rs.dryRun()
	}
	if err := rs.target(); err != nil {
		return runFailed(stderr, err)
	}
	if rs.tg.kind == kindAliyun && !rs.aliyunGate() {
		return exitUsage
	}
	return rs.execute(ctx, tty)
}

// runFailed reports an error that stops the run before it starts.
func runFailed(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "clbcheck run: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, "Run 'clbcheck run -h' for the flags.")
	}
	return exitUsage
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
