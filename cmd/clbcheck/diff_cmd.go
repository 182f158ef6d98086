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
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/clbcheck/clbcheck/cassette"
	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/spec"
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
	a := fs.String("a", "", "first `target`: emulator, a URL, aliyun, or cassette:DIR (a recording)")
	b := fs.String("b", "", "second `target`, same forms as --a")
	region := fs.String("region", "", "region sent as RegionId")
	seed := fs.Int64("seed", 0, "seed of the generated cases, the same for both sides (0: a cassette's, else pick one)")
	random := fs.Int("random", 0, "random cases added to the catalogue (0: a cassette's, else the default of "+strconv.Itoa(contracts.DefaultRandom)+"; -1: none)")
	sequences := fs.Int("sequences", 0, "lifecycle sequences (0: a cassette's, else the default of "+strconv.Itoa(contracts.DefaultSequences)+"; -1: none)")
	maxCases := fs.Int("max-cases", 0, "stop after this many cases (0: a cassette's, else all)")
	jsonOut := fs.String("report-json", "", "write the differences as JSON to `FILE`")
	var filter filterFlags
	filter.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, joinLines(
			"Usage: clbcheck diff --a TARGET --b TARGET [flags]",
			"",
			"Sends the same generated cases, in the same order, to both targets and lists every case",
			"whose answer (status and code) or resulting state differs. Its defaults are those of",
			"clbcheck run; a cassette side brings the settings it was recorded with (seed, --random,",
			"--sequences, --max-cases, filters), so that both sides get the cases the recording sent.",
			"A case one side skips for lack of credentials for its principal is not compared.",
			"For example, compare the emulator with a recording of the real service:",
			"  clbcheck run --target aliyun --"+costOptIn+" --seed 7 --record rec/",
			"  clbcheck diff --a emulator --b cassette:rec/",
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
	explicit := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { explicit[f.Name] = true })
	opts := contracts.Options{Seed: *seed, Random: *random, Sequences: *sequences, MaxCases: *maxCases, Profile: contracts.ProfileDocumented}
	cf := filter.caseFilter()
	if err := cf.Check(spec.MustDefault()); err != nil {
		return usage("%v", err)
	}
	opts.Filter = cf.Func(spec.MustDefault())
	sides := make([]*chosenTarget, 2)
	for i, side := range []struct{ flag, spec string }{{"a", *a}, {"b", *b}} {
		t, err := diffSide(side.spec, *region)
		if err != nil {
			return usage("--%s: %v", side.flag, err)
		}
		if t.kind == kindAliyun {
			return usage("the real cloud is compared through a recording: run it once with `clbcheck run --target aliyun --record DIR`, then use cassette:DIR here")
		}
		if t.kind == kindReplay {
			if err := useRecording(&opts, explicit, cf, strings.TrimPrefix(side.spec, "cassette:")); err != nil {
				return usage("--%s: %v", side.flag, err)
			}
		}
		sides[i] = t
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := contracts.DiffRun(ctx, sides[0], sides[1], opts)
	if err != nil {
		fmt.Fprintf(stderr, "clbcheck diff: %s\n", contracts.ErrorText(err))
		if errors.Is(err, target.ErrUnreachable) || ctx.Err() != nil {
			return exitUnreachable
		}
		return exitUsage
	}
	if *jsonOut != "" {
		raw, _ := json.MarshalIndent(map[string]any{"a": sides[0].Name(), "b": sides[1].Name(), "seed": rep.Seed, "compared": rep.Compared,
			"notCompared": rep.NotCompared, "differences": rep.Differences}, "", "  ")
		if err := os.WriteFile(*jsonOut, append(raw, '\n'), 0o644); err != nil {
			return usage("cannot write %s: %v", *jsonOut, err)
		}
	}
	return printDiff(stdout, sides[0].Name(), sides[1].Name(), rep)
}

// printDiff writes the differences as a table and gives the exit status.
func printDiff(w io.Writer, a, b string, rep contracts.DiffReport) int {
	fmt.Fprintf(w, "a: %s\nb: %s\nseed %d; %s compared", a, b, rep.Seed, plural(rep.Compared+len(rep.Differences), "case"))
	if n := len(rep.NotCompared); n > 0 {
		fmt.Fprintf(w, "; %s not compared: one side has no credentials for the principal (e.g. %s)", plural(n, "case"), rep.NotCompared[0])
	}
	fmt.Fprintln(w)
	if len(rep.Differences) == 0 {
		fmt.Fprintln(w, "no difference")
		return exitOK
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CASE\tWHAT\tA\tB")
	for _, d := range rep.Differences {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Case, d.Field, strings.TrimSpace(d.A), strings.TrimSpace(d.B))
	}
	tw.Flush()
	fmt.Fprintln(w, plural(len(rep.Differences), "difference"))
	return exitFailures
}

// useRecording gives a diff the settings a cassette was recorded with, as a replay run takes
// them: a flag left out takes the recorded value, one given with another value is refused.
func useRecording(opts *contracts.Options, explicit map[string]bool, given contracts.CaseFilter, dir string) error {
	meta, err := cassette.ReadMeta(dir)
	if err != nil || len(meta.Run) == 0 {
		return err
	}
	one := func(name string) (string, bool) {
		v := meta.Run[name]
		return strings.Join(v, ""), len(v) == 1
	}
	for _, n := range []struct {
		name string
		dst  *int64
	}{{"seed", &opts.Seed}} {
		if v, ok := one(n.name); ok {
			rec, _ := strconv.ParseInt(v, 10, 64)
			if explicit[n.name] && *n.dst != rec {
				return fmt.Errorf("--%s %d differs from the recording's %d: leave --%s out to use it", n.name, *n.dst, rec, n.name)
			}
			*n.dst = rec
		}
	}
	for _, n := range []struct {
		name string
		dst  *int
	}{{"random", &opts.Random}, {"sequences", &opts.Sequences}, {"max-cases", &opts.MaxCases}, {"refusal-batch", &opts.RefusalBatch}} {
		if v, ok := one(n.name); ok {
			rec, _ := strconv.Atoi(v)
			if explicit[n.name] && *n.dst != rec {
				return fmt.Errorf("--%s %d differs from the recording's %d: leave --%s out to use it", n.name, *n.dst, rec, n.name)
			}
			*n.dst = rec
		}
	}
	if v, ok := one("shard"); ok && v != "" {
		if opts.ShardK, opts.ShardN, err = parseShard(v); err != nil {
			return err
		}
	}
	if v, ok := one("checks"); ok {
		if opts.Checks, err = contracts.ParseChecks(v); err != nil {
			return err
		}
	}
	recorded := contracts.CaseFilter{Include: meta.Run["include"], Exclude: meta.Run["exclude"], IncludeParams: meta.Run["include-param"],
		ExcludeParams: meta.Run["exclude-param"], IncludeChecks: meta.Run["include-check"], ExcludeChecks: meta.Run["exclude-check"]}
	switch {
	case recorded.Empty():
	case !given.Empty() && !reflect.DeepEqual(given, recorded):
		return fmt.Errorf("the recording chose its cases with filters of its own; leave --include, --exclude and the like out to use them")
	default:
		opts.Filter = recorded.Func(spec.MustDefault())
	}
	return nil
}
