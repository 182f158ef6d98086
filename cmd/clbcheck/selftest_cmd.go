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
			"Runs the contract suite, with its default settings (profile strict, every check, the",
			"default random cases and sequences), against the faithful embedded emulator and against",
			"one broken variant per injectable fault (clbcheck selftest --list), then prints the kill",
			"matrix: for each fault whether it was detected, by which check, after how many cases and",
			"how long. Each run uses one worker and a fixed seed, so the case order and the number of",
			"cases until detection are reproducible; variants run in parallel with each other.",
			"",
			"The faithful emulator must show no failure (no false positives).",
			"",
			"Exit status: 0 every fault detected and no false positive, 1 a fault went unnoticed or",
			"the faithful emulator failed a case, 2 usage error, 3 interrupted.",
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
	parallel := fs.Int("parallel", 4, "runs at once")
	faults := fs.String("faults", "", "comma list of fault `names` to try (default: the whole catalogue)")
	stopAtFirst := fs.Bool("stop-at-first", false, "end each variant's run at its first failing case: the same matrix, much sooner, without the totals of failing cases")
	reportJSON := fs.String("report-json", "", "write the kill matrix as JSON to `file`")
	list := fs.Bool("list", false, "list the injectable faults and exit")
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
	if *list {
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "FAULT\tCATEGORY\tDESCRIPTION")
		for _, f := range emulator.InjectableFaults() {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", f.Name, f.Category, f.Description)
		}
		if err := tw.Flush(); err != nil {
			fmt.Fprintf(stderr, "clbcheck selftest: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	opts := selftest.Options{Seed: *seed, Parallel: *parallel, StopAtFirst: *stopAtFirst}
	if *faults != "" {
		for _, n := range strings.Split(*faults, ",") {
			if n = strings.TrimSpace(n); n != "" {
				if _, err := emulator.LookupFault(n); err != nil {
					return usage("--faults: %v", err)
				}
				opts.Faults = append(opts.Faults, n)
			}
		}
		if len(opts.Faults) == 0 {
			return usage("--faults names no fault")
		}
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
		total := len(opts.Faults)
		if total == 0 {
			total = len(emulator.InjectableFaults())
		}
		done := 0
		opts.Progress = func(r selftest.Row) {
			if r.Fault == selftest.Faithful {
				fmt.Fprintf(stderr, "faithful emulator: %d cases, %d failed\n", r.Cases, r.Failed)
				return
			}
			done++
			what := "NOT DETECTED"
			if r.Detected {
				what = fmt.Sprintf("detected by %s after %d cases", r.Check, r.CasesUntil)
			}
			fmt.Fprintf(stderr, "[%d/%d] %s: %s\n", done, total, r.Fault, what)
		}
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
