package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clbcheck/clbcheck/cassette"
	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/reports"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
)

// runSetup carries a run from its flags to contracts.Options and a target.
type runSetup struct {
	f        *runFlags
	fs       *flag.FlagSet
	explicit map[string]bool // flags given on the command line
	stdout   io.Writer
	stderr   io.Writer

	opts     contracts.Options
	tg       *chosenTarget
	baseline *reports.JSONReport
	paths    map[string]string // report format -> file
}

// selectionFlags decide which requests a run sends, in which order: a cassette stores them, and
// a replay uses them (or refuses different ones), so that it sends what was recorded.
var selectionFlags = []string{"seed", "random", "sequences", "max-cases", "shard", "include", "exclude", "include-param", "exclude-param",
	"include-check", "exclude-check", "checks", "refusal-batch", "workers"}

// rerunFlags are the flags a "rerun exactly this" line repeats, in the order it writes them.
var rerunFlags = []string{"target", "region", "replay", "request-timeout", "profile", "seed", "random", "sequences", "workers", "max-cases", "shard",
	"include", "exclude", "include-param", "exclude-param", "include-check", "exclude-check", "checks", "expectations", "fixtures",
	"refusal-batch", "max-failures", "exitfirst", "max-requests", "rate-limit", "budget", "budget-soft", "max-transient"}

// caseRerunFlags are those a one-case rerun keeps: what makes the case exist and judges it.
var caseRerunFlags = []string{"target", "region", "replay", "request-timeout", "profile", "seed", "random", "sequences", "checks", "expectations", "fixtures"}

// options turns the flags into contracts.Options (the target comes later).
func (rs *runSetup) options() error {
	f := rs.f
	if f.tf.replay != "" {
		if err := rs.useRecordedSelection(); err != nil {
			return err
		}
	}
	switch f.profile {
	case "", contracts.ProfileStrict, contracts.ProfileDocumented:
	default:
		return usagef("--profile %q is neither %s nor %s", f.profile, contracts.ProfileStrict, contracts.ProfileDocumented)
	}
	if f.maxCases < 0 || f.workers < 1 || f.rateLimit < 0 || f.budget < 0 || f.maxRequests < 0 || f.refusalBatch < 1 || f.maxFailures < 0 {
		return usagef("--max-cases, --max-failures, --budget, --rate-limit and --max-requests cannot be negative, and --workers and --refusal-batch must be at least 1")
	}
	if f.maxTransient < 0 && f.maxTransient != -1 || f.maxTransient > 100 {
		return usagef("--max-transient %g is not a percentage: give 0 to 100 (e.g. 2 for 2%%), or -1 for no limit", f.maxTransient)
	}
	if f.exitFirst {
		f.maxFailures = 1
	}
	if f.tf.record != "" && !rs.explicit["workers"] {
		f.workers = 1 // one order of requests, which a replay can follow
	}
	if f.seed == 0 {
		f.seed = time.Now().UnixNano()%1_000_000_000 + 1 // picked here, so the rerun lines can name it
	}
	opts := contracts.Options{Seed: f.seed, MaxCases: f.maxCases, Budget: f.budget, Workers: f.workers, RateLimit: f.rateLimit, MaxRequests: f.maxRequests,
		RefusalBatch: f.refusalBatch, Random: f.random, Sequences: f.seqs, KeepResources: f.keep, MaxFailures: f.maxFailures, Profile: f.profile,
		SoftBudget: f.budgetSoft, TransientLimit: transientLimit(f.maxTransient)}
	var err error
	if opts.ShardK, opts.ShardN, err = parseShard(f.shard); err != nil {
		return err
	}
	if opts.Checks, err = contracts.ParseChecks(f.checks); err != nil {
		return usagef("--checks: %v", err)
	}
	filter := f.filter.caseFilter()
	if err := filter.Check(spec.MustDefault()); err != nil {
		return usagef("%v", err)
	}
	opts.Filter = filter.Func(spec.MustDefault())
	if f.expectations != "" {
		if opts.Overrides, err = contracts.ReadOverrides(f.expectations); err != nil {
			return usagef("--expectations: %v", err)
		}
	}
	if f.fixtures != "" {
		if opts.Fixtures, err = resources.ReadFixtureFile(f.fixtures); err != nil {
			return usagef("--fixtures: %v", err)
		}
	}
	if f.baseline != "" {
		if rs.baseline, err = readReport(f.baseline); err != nil {
			return usagef("--baseline: %v", err)
		}
	}
	opts.RunID = f.runID
	if opts.RunID == "" {
		opts.RunID = newRunID()
	} else if !runIDPattern.MatchString(opts.RunID) {
		return usagef("--run-id %q: use up to 32 lower-case letters, digits and dashes", opts.RunID)
	}
	rs.opts = opts
	rs.reportPaths()
	return nil
}

// reportPaths: --out gives every format; a --report-X flag overrides its one.
func (rs *runSetup) reportPaths() {
	rs.paths = map[string]string{}
	if rs.f.out != "" {
		for format, name := range outFiles {
			rs.paths[format] = filepath.Join(rs.f.out, name)
		}
	}
	for format, p := range rs.f.reportPaths {
		if *p != "" {
			rs.paths[format] = *p
		}
	}
	rs.opts.ReportPath = rs.paths["json"]
}

// target builds the target, settles the profile, describes a recording, and names the target
// in the reproduction lines.
func (rs *runSetup) target() error {
	tg, err := rs.f.tf.build()
	if err != nil {
		return err
	}
	rs.tg = tg
	if !rs.explicit["budget"] {
		rs.opts.Budget = defaultBudgetFor(tg.kind)
	}
	if rs.opts.Profile == "" {
		rs.opts.Profile = contracts.ProfileDocumented
		if tg.kind == kindEmulator {
			rs.opts.Profile = contracts.ProfileStrict
		}
	}
	if rs.f.tf.record != "" {
		if err := rs.f.tf.writeCassetteMeta(tg, rs.selection()); err != nil {
			return err
		}
	}
	rs.opts.ReplayArgs = rs.f.tf.replayArgs(tg.kind)
	forced := map[string]string{"seed": strconv.FormatInt(rs.f.seed, 10), "profile": rs.opts.Profile}
	rs.opts.Rerun = rs.rerunLine(rerunFlags, forced)
	rs.opts.RerunCases = rs.rerunLine(caseRerunFlags, forced)
	return nil
}

// selection is the run's value of every selection flag, as a recording stores it.
func (rs *runSetup) selection() map[string][]string {
	out := map[string][]string{}
	for _, name := range selectionFlags {
		out[name] = flagValues(rs.fs.Lookup(name))
	}
	out["seed"] = []string{strconv.FormatInt(rs.f.seed, 10)}
	out["workers"] = []string{strconv.Itoa(rs.f.workers)}
	return out
}

// flagValues is a flag's value as a list: the items of a list flag, else the one value.
func flagValues(fl *flag.Flag) []string {
	if l, ok := fl.Value.(*stringList); ok {
		return append([]string{}, *l...)
	}
	return []string{fl.Value.String()}
}

// useRecordedSelection gives a replay the settings its recording ran with: a flag left out
// takes the recorded value, one given with another value is refused (the replay would send
// requests the cassette does not hold).
func (rs *runSetup) useRecordedSelection() error {
	meta, err := cassette.ReadMeta(rs.f.tf.replay)
	if err != nil {
		return usagef("%v", err)
	}
	if len(meta.Run) == 0 {
		return nil // an older recording: the settings are the user's to repeat
	}
	for _, name := range selectionFlags {
		want, ok := meta.Run[name]
		if !ok {
			continue
		}
		fl := rs.fs.Lookup(name)
		have := flagValues(fl)
		if rs.explicit[name] {
			if !slices.Equal(have, want) {
				return usagef("--%s %s differs from the recording's %s in %s: a replay must send what was recorded; leave --%s out to use the recording's",
					name, shown(have), shown(want), rs.f.tf.replay, name)
			}
			continue
		}
		if slices.Equal(have, want) {
			continue
		}
		for _, v := range want {
			if err := rs.fs.Set(name, v); err != nil {
				return usagef("the recording in %s has --%s %q, which this build does not read: %v", rs.f.tf.replay, name, v, err)
			}
		}
	}
	return nil
}

// shown writes a flag's values for a message.
func shown(values []string) string {
	if len(values) == 0 {
		return "(none)"
	}
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = contracts.ShellQuote(v)
	}
	return strings.Join(quoted, " ")
}

// rerunLine writes the clbcheck run command that repeats the given flags of this run: those
// given on the command line, and the forced values (the seed picked, the profile chosen).
func (rs *runSetup) rerunLine(names []string, forced map[string]string) string {
	parts := []string{"clbcheck run"}
	for _, name := range names {
		if v, ok := forced[name]; ok {
			parts = append(parts, "--"+name, contracts.ShellQuote(v))
			continue
		}
		if !rs.explicit[name] {
			continue
		}
		fl := rs.fs.Lookup(name)
		switch v := fl.Value.(type) {
		case *stringList:
			for _, item := range *v {
				parts = append(parts, "--"+name, contracts.ShellQuote(item))
			}
		default:
			if g, ok := fl.Value.(flag.Getter); ok {
				if b, isBool := g.Get().(bool); isBool {
					if b {
						parts = append(parts, "--"+name)
					}
					continue
				}
			}
			parts = append(parts, "--"+name, contracts.ShellQuote(fl.Value.String()))
		}
	}
	return strings.Join(parts, " ")
}

// expectation words what a case expects for --dry-run: an answer, or either way where the page
// leaves it open (with the refusal hoped for).
func expectation(o spec.Outcome) string {
	text := o.String()
	var others []string
	for _, a := range o.Accept {
		if a != o.Code && !slices.Contains(others, a) {
			others = append(others, a)
		}
	}
	if len(others) > 0 {
		text += " (also passes: " + strings.Join(others, ", ") + ")"
	}
	if o.Direction() == spec.MayEither {
		return "may be accepted or refused (refused: " + text + ")"
	}
	return "expects " + text
}

// dryRun lists the cases the run would send, without building a target or sending anything.
func (rs *runSetup) dryRun() int {
	s := spec.MustDefault()
	fx := resources.NewFixtures(nil, s, rs.opts.Fixtures, rs.opts.RunID)
	cases := contracts.Prepare(s, fx, rs.opts)
	for _, c := range cases {
		fmt.Fprintf(rs.stdout, "%s\t%s\t%s\n", c.ID, c.Category, expectation(c.Expect))
	}
	total := len(cases)
	if n := contracts.PlannedSequences(rs.opts, len(cases)); n > 0 {
		when := "beside the cases"
		if rs.opts.Workers == 1 {
			when = "after the first round of cases"
		}
		fmt.Fprintf(rs.stdout, "%s\tstateful\t%s of the listener lifecycle, reported as one result, run %s\n", contracts.SequencesID, plural(n, "random command sequence"), when)
		total++
	}
	fmt.Fprintf(rs.stdout, "%s would run (seed %d); nothing was sent\n", plural(total, "case"), rs.f.seed)
	return exitOK
}

// aliyunGate prints the plan of a run against the real cloud and says whether it may start.
func (rs *runSetup) aliyunGate() bool {
	if !rs.explicit["max-requests"] {
		rs.opts.MaxRequests = aliyunMaxRequests
	}
	if !rs.explicit["rate-limit"] {
		rs.opts.RateLimit = aliyunRateLimit
	}
	printPlan(rs.stdout, rs.tg, rs.opts)
	if !rs.f.costsOK {
		fmt.Fprintf(rs.stderr, "clbcheck run: --target aliyun sends real requests to %s and creates billed resources in your account.\n"+
			"Review the plan above and add --%s to go ahead.\n", rs.tg.baseURL, costOptIn)
		return false
	}
	return true
}

// plural returns "1 case" or "2 cases".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// transientLimit turns --max-transient (percent; 0: any trouble; -1: none) into
// contracts.Options.TransientLimit (0 there means the default).
func transientLimit(percent float64) float64 {
	switch {
	case percent < 0:
		return -1
	case percent == 0:
		return math.SmallestNonzeroFloat64
	}
	return percent
}
