package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/reports"
)

func init() {
	register(command{
		name:    "merge",
		summary: "combine the JSON reports of shards (--shard K/N) into one",
		run:     runMerge,
	})
}

func runMerge(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quiet := fs.Bool("quiet", false, "print nothing but errors and warnings")
	output := fs.String("o", "", "write the merged report to `FILE` (every argument is then an input)")
	fs.StringVar(output, "output", "", "same as -o")
	force := fs.Bool("force", false, "replace OUT.json when it exists (without -o)")
	fs.Usage = func() { mergeUsage(fs, stderr) }
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	usage := usageFailer(stderr, "merge")
	outPath, inPaths := *output, fs.Args()
	if outPath == "" {
		if fs.NArg() < 2 {
			return usage("give the output file and at least one input report: clbcheck merge -o OUT.json IN1.json IN2.json ...")
		}
		outPath, inPaths = fs.Arg(0), fs.Args()[1:]
	}
	if len(inPaths) == 0 {
		return usage("give at least one input report after -o %s", outPath)
	}
	for _, in := range inPaths {
		if sameFile(in, outPath) {
			return usage("the output %s is also an input; write the merged report elsewhere", outPath)
		}
	}
	if _, err := os.Stat(outPath); err == nil && *output == "" && !*force {
		return usage("%s exists and would be replaced by the merged report (did you forget the output file?); name the output with -o OUT.json, or add --force to replace %s", outPath, outPath)
	}
	var ins []*reports.JSONReport
	for _, path := range inPaths {
		rep, err := readReport(path)
		if err != nil {
			return usage("%v", err)
		}
		ins = append(ins, rep)
	}
	for _, w := range shardWarnings(inPaths, ins) {
		fmt.Fprintf(stderr, "clbcheck merge: warning: %s\n", w)
	}
	merged := reports.Merge(ins...)
	merged.Meta.Shard = ""
	if err := writeMergedReport(outPath, merged); err != nil {
		return usage("cannot write %s: %v", outPath, err)
	}
	s := merged.Summary.Summary
	if !*quiet {
		fmt.Fprintf(stdout, "merged %s into %s: %s, %s; %s, %d passed, %d failed, %d warned, %d skipped; documented codes reached %d of %d, asserted %d\n",
			plural(len(ins), "report"), outPath, plural(merged.Summary.FailureGroups, "failing finding"), plural(merged.Summary.WarningGroups, "warning finding"),
			plural(s.Cases, "case"), s.Passed, s.Failed, s.Warnings, s.Skipped, merged.Coverage.Reached, merged.Coverage.Documented, merged.Coverage.Asserted)
	}
	return mergeExit(stderr, merged)
}

// mergeUsage prints the help of clbcheck merge.
func mergeUsage(fs *flag.FlagSet, stderr io.Writer) {
	fmt.Fprintln(stderr, joinLines(
		"Usage: clbcheck merge -o OUT.json IN1.json [IN2.json ...]",
		"       clbcheck merge [--force] OUT.json IN1.json [IN2.json ...]",
		"",
		"Merges the JSON reports of the shards of one run (clbcheck run --shard K/N --seed S on",
		"N machines) into OUT.json: counts are summed, failures and warnings united, coverage",
		"combined (a code reached by any shard is reached). It warns when the inputs do not look",
		"like the shards of one run: different seeds, a shard missing or given twice.",
		"Without -o the first argument is the output, and an existing file is not replaced",
		"unless --force is given: `merge shard-1.json shard-2.json` would otherwise overwrite a shard.",
		"",
		"Exit status: 0 the merged report has no failures, 1 it has failures, 2 usage error or an",
		"unreadable input, 3 a shard was aborted, inconclusive or cut short by a hard budget (and",
		"none failed), 4 transient target trouble above a shard's limit; as clbcheck run does.",
		"",
		"Flags:"))
	fs.PrintDefaults()
}

// mergeExit returns the exit code of a merged report, as clbcheck run would for one run, and
// says why on stderr when it is neither a pass nor failures.
func mergeExit(stderr io.Writer, merged *reports.JSONReport) int {
	s := merged.Summary.Summary
	switch {
	case s.Unexcused() > 0 || len(merged.Failures) > s.Known:
		return exitFailures
	case s.Aborted:
		fmt.Fprintf(stderr, "clbcheck merge: a shard was aborted: %s\n", s.AbortCause)
		return exitUnreachable
	case s.Status() == contracts.StatusInconclusive:
		fmt.Fprintf(stderr, "clbcheck merge: INCONCLUSIVE: %s\n", s.Inconclusive)
		return exitUnreachable
	case s.Status() == contracts.StatusIncomplete:
		fmt.Fprintf(stderr, "clbcheck merge: INCOMPLETE: %d of %d planned cases did not run\n", s.NotRun, s.Planned)
		return exitUnreachable
	case s.Status() == contracts.StatusTransient:
		fmt.Fprintf(stderr, "clbcheck merge: TRANSIENT TROUBLE: %s\n", s.Unstable)
		return exitTransient
	}
	return exitOK
}

// writeMergedReport writes the merged report next to its final name and renames it into place, so a
// reader never sees half a file.
func writeMergedReport(path string, rep *reports.JSONReport) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".merge-*.json")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(tmp)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rep); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	// CreateTemp makes the file private; a report is as readable as the run's own reports.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	if err1 == nil && err2 == nil {
		return os.SameFile(fa, fb)
	}
	return filepath.Clean(a) == filepath.Clean(b)
}

// shardWarnings says what makes the inputs look like something other than the N shards of one
// run. Reports without shard information (whole runs) are merged without comment on shards.
func shardWarnings(paths []string, reps []*reports.JSONReport) []string {
	var out []string
	seeds := map[int64][]string{}
	targets := map[string]bool{}
	for i, r := range reps {
		seeds[r.Meta.Seed] = append(seeds[r.Meta.Seed], paths[i])
		targets[r.Meta.Target] = true
	}
	if len(seeds) > 1 {
		var parts []string
		for seed, ps := range seeds {
			parts = append(parts, fmt.Sprintf("seed %d in %s", seed, strings.Join(ps, ", ")))
		}
		sort.Strings(parts)
		out = append(out, "the reports come from runs with different seeds ("+strings.Join(parts, "; ")+"): their random cases are not one partition; give every shard the same --seed")
	}
	if len(targets) > 1 {
		out = append(out, "the reports come from different targets")
	}
	seen := map[int]string{}
	n := 0
	for i, r := range reps {
		if r.Meta.Shard == "" {
			continue
		}
		k, total, err := parseShard(r.Meta.Shard)
		if err != nil {
			continue
		}
		if n != 0 && total != n {
			out = append(out, fmt.Sprintf("%s is shard %s but another input is a shard of %d", paths[i], r.Meta.Shard, n))
			continue
		}
		n = total
		if prev, dup := seen[k]; dup {
			out = append(out, fmt.Sprintf("shard %d/%d is given twice (%s and %s); its cases are counted twice", k, total, prev, paths[i]))
			continue
		}
		seen[k] = paths[i]
	}
	if n > 0 {
		var missing []string
		for k := 1; k <= n; k++ {
			if _, ok := seen[k]; !ok {
				missing = append(missing, fmt.Sprintf("%d/%d", k, n))
			}
		}
		if len(missing) > 0 {
			out = append(out, "shards missing: "+strings.Join(missing, ", ")+"; the merged report covers part of the suite")
		}
	}
	return out
}
