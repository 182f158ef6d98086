package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/selftest"
)

func init() {
	register(command{
		name:    "selftest",
		summary: "grade the harness: run it against deliberately broken emulators and print the kill matrix",
		run:     runSelftest,
	})
}

func selftestUsage(fs *flag.FlagSet) func() {
	return func() {
		fmt.Fprintln(fs.Output(), joinLines(
			"Usage: clbcheck selftest [flags]",
			"",
			"Grades the harness in both directions, with its default settings (every check, the",
			"default random cases and sequences).",
			"",
			"Precision: the contract suite runs under the documented profile against the faithful",
			"embedded emulator and against conforming variants of it: every choice the reference",
			"page leaves open (an empty optional value ignored, lenient integers, no quotas, no",
			"provider scenarios, other plausible codes, Describe without defaults, list forms,",
			"only what the page states, values checked in another order, reads that lag behind",
			"creations; clbcheck selftest --list-variants), each on its own and a",
			"pairwise covering set of their combinations. Every failing case there is a false",
			"positive.",
			"",
			"Kill matrix: the suite runs against one broken variant per injectable fault",
			"(clbcheck selftest --list) and reports for each fault whether it was detected, by which",
			"check, after how many cases and requests and how long. Faults that break only what the description",
			"infers are graded under the strict profile. Each fault's run uses one worker and a fixed",
			"seed, so the case order and the number of cases until detection are reproducible. The",
			"faithful emulator and the variants run with the default number of workers, as a user's",
			"run does. Runs go in parallel with each other.",
			"",
			"Exit status: 0 no false positive and every fault detected, 1 otherwise, 2 usage error,",
			"3 interrupted.",
			"",
			"Flags:"))
		fs.PrintDefaults()
	}
}

func runSelftest(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop)
	return selftestWithContext(ctx, args, stdout, stderr)
}

func selftestWithContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("clbcheck selftest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Int64("seed", selftest.DefaultSeed, "seed of the harness (the same for every run)")
	profile := fs.String("profile", contracts.ProfileDocumented, "profile the kill matrix is graded under: documented or strict (the variants always run under documented)")
	parallel := fs.Int("parallel", selftest.DefaultParallel, "runs at once")
	faults := fs.String("faults", "", "comma list of fault `names` to try (default: the whole catalogue; none: no fault)")
	variants := fs.String("variants", "all", "comma list of conforming variant `names` to run, all, or none")
	stopAtFirst := fs.Bool("stop-at-first", true, "end each fault's run at its first failing case: the same matrix, much sooner, without the totals of failing cases")
	reportJSON := fs.String("report-json", "", "write the precision and kill matrices as JSON to `file`")
	list := fs.Bool("list", false, "list the injectable faults and exit")
	listVariants := fs.Bool("list-variants", false, "list the conforming variants and exit")
	quiet := fs.Bool("quiet", false, "no progress lines on stderr")
	fs.Usage = selftestUsage(fs)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	usage := usageFailer(stderr, "selftest", "Run 'clbcheck selftest -h' for the flags.")
	if fs.NArg() > 0 {
		return usage("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *parallel < 1 {
		return usage("--parallel must be at least 1")
	}
	if *profile != contracts.ProfileDocumented && *profile != contracts.ProfileStrict {
		return usage("--profile must be %s or %s", contracts.ProfileDocumented, contracts.ProfileStrict)
	}
	if *list || *listVariants {
		return selftestList(stdout, stderr, *listVariants)
	}
	opts := selftest.Options{Seed: *seed, Profile: *profile, Parallel: *parallel, StopAtFirst: *stopAtFirst}
	var err error
	if opts.Faults, err = selftestNames(*faults, "", func(n string) error { _, err := emulator.LookupFault(n); return err }); err != nil {
		return usage("--faults: %v", err)
	}
	if opts.Variants, err = selftestNames(*variants, "all", variantExists); err != nil {
		return usage("--variants: %v", err)
	}
	var out *os.File
	if *reportJSON != "" {
		f, err := os.Create(*reportJSON)
		if err != nil {
			return usage("--report-json: %v", err)
		}
		defer f.Close()
		out = f
	}
	if !*quiet {
		opts.Progress = selftestProgress(stderr, opts)
	}
	m, err := selftest.Run(ctx, opts)
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "clbcheck selftest: interrupted")
			return exitUnreachable
		}
		return usage("%v", err)
	}
	if err := m.WriteTable(stdout); err != nil {
		fmt.Fprintf(stderr, "clbcheck selftest: %v\n", err)
		return exitUsage
	}
	if out != nil {
		if err := m.WriteJSON(out); err != nil {
			fmt.Fprintf(stderr, "clbcheck selftest: writing %s: %v\n", *reportJSON, err)
			return exitUsage
		}
		if err := out.Close(); err != nil {
			fmt.Fprintf(stderr, "clbcheck selftest: writing %s: %v\n", *reportJSON, err)
			return exitUsage
		}
	}
	if !m.OK() {
		return exitFailures
	}
	return exitOK
}

// selftestNames reads a comma list of names: everything (nil) for all (or empty), no name
// for "none", else the names, each checked.
func selftestNames(value, all string, exists func(string) error) ([]string, error) {
	value = strings.TrimSpace(value)
	switch value {
	case "", all:
		return nil, nil
	case "none":
		return []string{}, nil
	}
	var out []string
	for _, n := range strings.Split(value, ",") {
		if n = strings.TrimSpace(n); n != "" {
			if err := exists(n); err != nil {
				return nil, err
			}
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q names nothing", value)
	}
	return out, nil
}

func variantExists(name string) error {
	for _, v := range selftest.Variants(selftest.Dimensions()) {
		if v.Name == name {
			return nil
		}
	}
	return fmt.Errorf("no conforming variant named %q (clbcheck selftest --list-variants)", name)
}

// selftestList prints the faults or the conforming variants.
func selftestList(stdout, stderr io.Writer, variants bool) int {
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	if variants {
		fmt.Fprintln(tw, "VARIANT\tSETTINGS")
		for _, v := range selftest.Variants(selftest.Dimensions()) {
			var set []string
			for _, s := range v.Settings {
				set = append(set, s.Dimension+"="+s.Value)
			}
			fmt.Fprintf(tw, "%s\t%s\n", v.Name, strings.Join(set, " "))
		}
	} else {
		fmt.Fprintln(tw, "FAULT\tCATEGORY\tBREAKS\tSUBJECT\tDIRECTION\tBASIS\tDESCRIPTION")
		for _, f := range emulator.InjectableFaults() {
			subject := f.Subject
			if subject == "" {
				subject = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Name, f.Category, f.Breaks, subject, f.Direction, f.Basis, f.Description)
		}
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintf(stderr, "clbcheck selftest: %v\n", err)
		return exitUsage
	}
	return exitOK
}

// selftestProgress prints a line per finished run.
func selftestProgress(stderr io.Writer, opts selftest.Options) func(selftest.Row) {
	faults, variants := len(opts.Faults), len(opts.Variants)
	if opts.Faults == nil {
		faults = len(emulator.InjectableFaults())
	}
	if opts.Variants == nil {
		variants = len(selftest.Variants(selftest.Dimensions()))
	}
	doneF, doneV := 0, 0
	return func(r selftest.Row) {
		switch {
		case r.Fault == selftest.Faithful:
			fmt.Fprintf(stderr, "faithful emulator: %d cases, %d failed\n", r.Cases, r.Failed)
		case r.Category == "precision":
			doneV++
			fmt.Fprintf(stderr, "[variant %d/%d] %s: %s, %s\n", doneV, variants, r.Fault, plural(r.Cases, "case"), plural(r.Failed, "false positive"))
		default:
			doneF++
			what := "NOT DETECTED"
			if r.Detected {
				what = fmt.Sprintf("detected by %s after %s", r.Check, plural(r.CasesUntil, "case"))
			}
			fmt.Fprintf(stderr, "[%d/%d] %s: %s\n", doneF, faults, r.Fault, what)
		}
	}
}
