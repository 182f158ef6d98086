package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/target"
)

func init() {
	register(command{name: "diff", summary: "send the same cases to two targets and list where they differ", run: runDiff})
}

// diffSide builds one side of a differential run: a target name as --target takes it, or
// cassette:DIR for a recording answered offline.
func diffSide(spec, region string) (*chosenTarget, error) {
	tf := targetFlags{target: spec, region: region, requestTimeout: defaultRequestTimeout}
	if dir, ok := strings.CutPrefix(spec, "cassette:"); ok {
		tf = targetFlags{replay: dir, region: region, requestTimeout: defaultRequestTimeout}
	}
	return tf.build()
}

func runDiff(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("clbcheck diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	a := fs.String("a", "", "first target: emulator, a URL, aliyun, or cassette:`DIR` (a recording)")
	b := fs.String("b", "", "second target, same forms as --a")
	region := fs.String("region", "", "region sent as RegionId")
	seed := fs.Int64("seed", 1, "seed of the generated cases (both sides get the same cases)")
	random := fs.Int("random", 32, "random cases added to the catalogue (-1: none)")
	sequences := fs.Int("sequences", 2, "lifecycle sequences (-1: none)")
	maxCases := fs.Int("max-cases", 0, "stop after this many cases (0: all)")
	jsonOut := fs.String("report-json", "", "write the differences as JSON to `FILE`")
	fs.Usage = func() {
		fmt.Fprintln(stderr, joinLines(
			"Usage: clbcheck diff --a TARGET --b TARGET [flags]",
			"",
			"Sends the same generated cases, in the same order, to both targets and lists every case",
			"whose answer (status and code) or resulting state differs. For example, compare the",
			"emulator with a recording of the real service:",
			"  clbcheck run --target aliyun --i-understand-this-costs-money --workers 1 --seed 7 --record rec/",
			"  clbcheck diff --a emulator --b cassette:rec/ --seed 7",
			"Exit status: 0 no difference, 1 differences, 2 usage error, 3 a target unreachable.",
			"",
			"Flags:"))
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	usage := usageFailer(stderr, "diff")
	if *a == "" || *b == "" || fs.NArg() > 0 {
		return usage("give both --a and --b (and nothing else); see clbcheck diff -h")
	}
	ta, err := diffSide(*a, *region)
	if err != nil {
		return usage("--a: %v", err)
	}
	tb, err := diffSide(*b, *region)
	if err != nil {
		return usage("--b: %v", err)
	}
	for _, t := range []*chosenTarget{ta, tb} {
		if t.kind == kindAliyun {
			return usage("the real cloud is compared through a recording: run it once with `clbcheck run --target aliyun --record DIR`, then use cassette:DIR here")
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	diffs, err := contracts.Diff(ctx, ta, tb, contracts.Options{Seed: *seed, Random: *random, Sequences: *sequences, MaxCases: *maxCases, Profile: contracts.ProfileDocumented})
	if err != nil {
		fmt.Fprintf(stderr, "clbcheck diff: %v\n", err)
		if errors.Is(err, target.ErrUnreachable) || ctx.Err() != nil {
			return exitUnreachable
		}
		return exitUsage
	}
	if *jsonOut != "" {
		raw, _ := json.MarshalIndent(map[string]any{"a": ta.Name(), "b": tb.Name(), "seed": *seed, "differences": diffs}, "", "  ")
		if err := os.WriteFile(*jsonOut, append(raw, '\n'), 0o644); err != nil {
			return usage("cannot write %s: %v", *jsonOut, err)
		}
	}
	fmt.Fprintf(stdout, "a: %s\nb: %s\n", ta.Name(), tb.Name())
	if len(diffs) == 0 {
		fmt.Fprintln(stdout, "no difference")
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CASE\tWHAT\tA\tB")
	for _, d := range diffs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Case, d.Field, strings.TrimSpace(d.A), strings.TrimSpace(d.B))
	}
	tw.Flush()
	fmt.Fprintf(stdout, "%d differences\n", len(diffs))
	return exitFailures
}
