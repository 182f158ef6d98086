package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

func init() {
	register(command{
		name:    "cleanup",
		summary: "remove what a run left on a target, found through its ledger and its run tag (--run ID)",
		run:     interruptible(cleanupWithContext),
	})
}

func cleanupWithContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("clbcheck cleanup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var tf targetFlags
	tf.register(fs)
	run := fs.String("run", "", "`id` of the run whose resources to remove (printed by clbcheck run, part of every ledger file name)")
	ledgerPath := fs.String("ledger", "", "ledger `file` (default: <out>/ledger-<run>.jsonl, else the one in the user cache directory)")
	out := fs.String("out", "", "the --out `dir` the run wrote to, where its ledger is")
	dryRun := fs.Bool("dry-run", false, "list what would be removed, send nothing")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after this `duration`")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), joinLines(
			"Usage: clbcheck cleanup --run ID [--ledger FILE | --out DIR] [--target ...] [flags]",
			"",
			"Removes what a run created and did not delete (it was killed, lost the network, or ran",
			"with --keep-resources). Resources are found two ways: through the run's ledger, a",
			"JSON-lines file to which every created resource was written, and synced, before the run",
			"went on, and every deletion after; and through the run tag ("+target.RunTagKey+"=<run id>)",
			"every load balancer of the run carries, listed with DescribeLoadBalancers. The ledger's",
			"entries are deleted newest first with the principal that created them, then whatever the",
			"tag still finds; each deletion is recorded, so running cleanup twice is harmless.",
			"",
			"Names of created resources carry clbcheck-<run id>: a load balancer whose creation was",
			"sent but whose answer never came is listed by that name, to be found in the console.",
			"Certificates and ACLs have no delete operation in the contract; they are listed for",
			"removal by hand.",
			"",
			"Give the same --target (and credentials) as the run. The embedded emulator starts empty,",
			"so cleaning up there only marks the ledger.",
			"",
			"Exit status: 0 nothing remains, 1 some deletions were refused, 2 usage error,",
			"3 the target could not be reached.",
			"",
			"Flags:"))
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	usage := usageFailer(stderr, "cleanup")
	if fs.NArg() > 0 {
		return usage("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *run == "" {
		return usage("--run ID is required (clbcheck run prints its id; ledger files are named ledger-<id>.jsonl)")
	}
	if !runIDPattern.MatchString(*run) {
		return usage("--run %q is not a run id (lower-case letters, digits, dashes)", *run)
	}
	path := *ledgerPath
	if path == "" {
		var err error
		if path, err = defaultLedgerPath(*out, *run); err != nil {
			return usage("%v", err)
		}
	}
	st, err := target.ReadLedger(path, *run)
	if _, serr := os.Stat(path); serr != nil && os.IsNotExist(serr) {
		// No ledger (lost, or the run was elsewhere): the run tag still finds the instances.
		fmt.Fprintf(stderr, "clbcheck cleanup: no ledger at %s; searching the target for instances tagged %s=%s\n", path, target.RunTagKey, *run)
		st, err = &target.LedgerState{}, nil
	}
	if err != nil {
		return usage("%v (give the ledger with --ledger FILE or the run's --out DIR)", err)
	}
	if len(st.Runs) > 0 && !slices.Contains(st.Runs, *run) {
		return usage("the ledger %s holds runs %s, not %s", path, strings.Join(st.Runs, ", "), *run)
	}
	if st.Skipped > 0 {
		fmt.Fprintf(stderr, "clbcheck cleanup: %d unreadable lines in %s ignored (a line cut by a crash?)\n", st.Skipped, path)
	}
	tg, err := tf.build()
	if err != nil {
		return usage("%v", err)
	}

	fmt.Fprintf(stdout, "run %s, ledger %s: %d to delete, %d unconfirmed, %d to remove by hand\n", *run, path, len(st.Pending), len(st.Unconfirmed), len(st.Manual))
	if tg.kind == kindEmulator && len(st.Pending) > 0 {
		fmt.Fprintln(stdout, "note: the embedded emulator starts empty; give --target URL to clean up a running implementation")
	}
	var ledger *target.Ledger
	if !*dryRun && len(st.Pending) > 0 {
		if ledger, err = target.OpenLedger(path); err != nil {
			return usage("%v", err)
		}
		defer ledger.Close()
	}
	cctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	removed, refused, unreachable := 0, 0, false
	for i := len(st.Pending) - 1; i >= 0; i-- {
		e := st.Pending[i]
		desc := describeEntry(e)
		if *dryRun {
			fmt.Fprintf(stdout, "  would delete %s\n", desc)
			continue
		}
		if cctx.Err() != nil {
			fmt.Fprintf(stdout, "  not attempted (interrupted): %s\n", desc)
			continue
		}
		ps := e.KVs()
		if e.Region != "" && !hasParam(ps, spec.ParamRegionID) {
			ps = append(ps, target.KV{Name: spec.ParamRegionID, Value: e.Region})
		}
		principal := e.Principal
		if principal == "" || !tg.HasPrincipal(principal) {
			principal = generators.PrincipalPrimary
		}
		resp, err := tg.Send(cctx, target.Request{Action: e.Action, Params: ps, Principal: principal})
		switch {
		case err != nil:
			fmt.Fprintf(stdout, "  FAILED  %s: %s\n", desc, redactSecrets(err.Error()))
			refused++
			if errors.Is(err, target.ErrUnreachable) {
				unreachable = true
			}
		case resp.Success():
			fmt.Fprintf(stdout, "  deleted %s\n", desc)
			removed++
			_ = ledger.MarkDeleted(*run, e.Seq)
		case target.Gone(resp):
			fmt.Fprintf(stdout, "  gone    %s (%s)\n", desc, resp.Code)
			removed++
			_ = ledger.MarkDeleted(*run, e.Seq)
		default:
			fmt.Fprintf(stdout, "  REFUSED %s: %d %s: %s\n", desc, resp.Status, resp.Code, resp.Message)
			refused++
		}
	}
	// Sweep by the run tag: it finds instances whose creation answer never reached the ledger,
	// and everything when the ledger is gone.
	for _, principal := range []string{generators.PrincipalPrimary, generators.PrincipalSecond} {
		if !tg.HasPrincipal(principal) || cctx.Err() != nil {
			continue
		}
		ids, err := target.TaggedInstances(cctx, tg, principal, *run)
		if err != nil {
			fmt.Fprintf(stdout, "  tag search as %s failed: %s\n", principal, redactSecrets(err.Error()))
			if errors.Is(err, target.ErrUnreachable) {
				unreachable = true
			}
			continue
		}
		for _, id := range ids {
			desc := fmt.Sprintf("%s %s=%s (found by its run tag)", spec.ActionDeleteLoadBalancer, spec.ParamLoadBalancerID, id)
			if *dryRun {
				fmt.Fprintf(stdout, "  would delete %s\n", desc)
				continue
			}
			resp, err := tg.Send(cctx, target.Request{Action: spec.ActionDeleteLoadBalancer, Principal: principal, Params: []target.KV{{Name: spec.ParamLoadBalancerID, Value: id}}})
			if err == nil && resp.Success() {
				fmt.Fprintf(stdout, "  deleted %s\n", desc)
				removed++
				continue
			}
			refused++
			if err != nil {
				fmt.Fprintf(stdout, "  FAILED  %s: %s\n", desc, redactSecrets(err.Error()))
			} else {
				fmt.Fprintf(stdout, "  REFUSED %s: %d %s: %s\n", desc, resp.Status, resp.Code, resp.Message)
			}
		}
	}
	for _, e := range st.Unconfirmed {
		fmt.Fprintf(stdout, "  unconfirmed: %s %q in %s was requested but its answer never recorded; look for it by name in the console\n", e.Action, e.Name, e.Region)
	}
	for _, e := range st.Manual {
		fmt.Fprintf(stdout, "  by hand: %s from %s, id %s, name %q, region %s (the contract has no delete operation for it)\n", kindOf(e.Action), e.Action, e.ID, e.Name, e.Region)
	}
	if err := ledger.Err(); err != nil {
		fmt.Fprintf(stderr, "clbcheck cleanup: WARNING: %v\n", err)
	}
	if !*dryRun {
		fmt.Fprintf(stdout, "%d removed, %d not removed\n", removed, refused)
	}
	switch {
	case unreachable:
		return exitUnreachable
	case refused > 0:
		return exitFailures
	}
	return exitOK
}

func describeEntry(e target.LedgerEntry) string {
	var ps []string
	for _, p := range e.Params {
		ps = append(ps, p.Name+"="+p.Value)
	}
	s := e.Action + " " + strings.Join(ps, " ")
	if e.Name != "" {
		s += fmt.Sprintf(" (%s)", e.Name)
	}
	if e.Region != "" {
		s += " in " + e.Region
	}
	return s
}

func kindOf(action string) string {
	switch action {
	case spec.ActionUploadServerCertificate:
		return "server certificate"
	case spec.ActionUploadCACertificate:
		return "CA certificate"
	case spec.ActionCreateACL:
		return "access control list"
	}
	return "resource"
}

func hasParam(kvs []target.KV, name string) bool {
	for _, kv := range kvs {
		if kv.Name == name {
			return true
		}
	}
	return false
}
