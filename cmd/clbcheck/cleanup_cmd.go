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

	"github.com/clbcheck/clbcheck/resources"
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

// cleanupFlags are the flags of clbcheck cleanup.
type cleanupFlags struct {
	tf         targetFlags
	run        string
	ledgerPath string
	out        string
	dryRun     bool
	timeout    time.Duration
}

func cleanupWithContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, f := newCleanupFlags(stderr)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	usage := usageFailer(stderr, "cleanup")
	if fs.NArg() > 0 {
		return usage("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	path, st, err := f.readLedger(stderr)
	if err != nil {
		return usage("%v", err)
	}
	tg, err := f.tf.build()
	if err != nil {
		return usage("%v", err)
	}
	byHand := ""
	if len(st.Manual) > 0 {
		byHand = fmt.Sprintf(", %d to remove by hand", len(st.Manual))
	}
	fmt.Fprintf(stdout, "run %s, ledger %s: %d to delete, %d unconfirmed%s\n", f.run, path, len(st.Pending), len(st.Unconfirmed), byHand)
	if tg.kind == kindEmulator && len(st.Pending) > 0 {
		fmt.Fprintln(stdout, "note: the embedded emulator starts empty; give --target URL to clean up a running implementation")
	}
	c := &cleaner{tg: tg, patient: resources.CleanupTarget(tg), run: f.run, dryRun: f.dryRun, out: stdout, listed: map[string]bool{}}
	if !f.dryRun && len(st.Pending) > 0 {
		if c.ledger, err = resources.OpenLedger(path); err != nil {
			return usage("%v", err)
		}
		defer c.ledger.Close()
	}
	cctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	// Load balancers and listeners first (those of the ledger, then those the run tag finds),
	// then the certificates and ACLs they used, which cannot be deleted while in use.
	users, used := resources.DeletionOrder(st.Pending)
	c.deleteLedgerEntries(cctx, users)
	c.sweepTagged(cctx)
	c.deleteLedgerEntries(cctx, used)
	return c.conclude(st, stderr)
}

// newCleanupFlags declares the flags and the usage text of clbcheck cleanup.
func newCleanupFlags(stderr io.Writer) (*flag.FlagSet, *cleanupFlags) {
	fs := flag.NewFlagSet("clbcheck cleanup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := &cleanupFlags{}
	f.tf.register(fs)
	fs.StringVar(&f.run, "run", "", "`id` of the run whose resources to remove (printed by clbcheck run, part of every ledger file name)")
	fs.StringVar(&f.ledgerPath, "ledger", "", "ledger `file` (default: <out>/ledger-<run>.jsonl, else the one in the user cache directory)")
	fs.StringVar(&f.out, "out", "", "the --out `dir` the run wrote to, where its ledger is")
	fs.BoolVar(&f.dryRun, "dry-run", false, "list what would be removed, send nothing")
	fs.DurationVar(&f.timeout, "timeout", 2*time.Minute, "give up after this `duration`")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), joinLines(
			"Usage: clbcheck cleanup --run ID [--ledger FILE | --out DIR] [--target ...] [flags]",
			"",
			"Removes what a run created and did not delete (it was killed, lost the network, or ran",
			"with --keep-resources). Resources are found two ways: through the run's ledger, a",
			"JSON-lines file to which every created resource was written, and synced, before the run",
			"went on, and every deletion after; and through the run tag ("+spec.RunTagKey+"=<run id>)",
			"every load balancer of the run carries, listed with DescribeLoadBalancers. The ledger's",
			"load balancers and listeners are deleted newest first, each with the principal that",
			"created it, then whatever the tag still finds, then the run's server certificates, CA",
			"certificates, ACLs and custom TLS policies (DeleteServerCertificate, DeleteCACertificate,",
			"DeleteAccessControlList, DeleteTLSCipherPolicy), which no listener uses any more. A",
			"resource still busy is tried again for several seconds; a delete answered \"not found\"",
			"counts as done. Each deletion is recorded, so running cleanup twice is harmless.",
			"",
			"Names of created resources carry clbcheck-<run id>: a load balancer, certificate, ACL or",
			"TLS policy whose creation was sent but whose answer never came is listed by that name,",
			"to be found in the console.",
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
	return fs, f
}

// readLedger checks --run, finds the run's ledger and reads what it left. A missing ledger is
// no error: the run tag still finds the instances.
func (f *cleanupFlags) readLedger(stderr io.Writer) (string, *resources.LedgerState, error) {
	if f.run == "" {
		return "", nil, errors.New("--run ID is required (clbcheck run prints its id; ledger files are named ledger-<id>.jsonl)")
	}
	if !runIDPattern.MatchString(f.run) {
		return "", nil, fmt.Errorf("--run %q is not a run id (lower-case letters, digits, dashes)", f.run)
	}
	path := f.ledgerPath
	if path == "" {
		var err error
		if path, err = defaultLedgerPath(f.out, f.run); err != nil {
			return "", nil, err
		}
	}
	st, err := resources.ReadLedger(path, f.run)
	if _, serr := os.Stat(path); serr != nil && os.IsNotExist(serr) {
		fmt.Fprintf(stderr, "clbcheck cleanup: no ledger at %s; searching the target for instances tagged %s=%s\n", path, spec.RunTagKey, f.run)
		st, err = &resources.LedgerState{}, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("%v (give the ledger with --ledger FILE or the run's --out DIR)", err)
	}
	if len(st.Runs) > 0 && !slices.Contains(st.Runs, f.run) {
		return "", nil, fmt.Errorf("the ledger %s holds runs %s, not %s", path, strings.Join(st.Runs, ", "), f.run)
	}
	if st.Skipped > 0 {
		fmt.Fprintf(stderr, "clbcheck cleanup: %d unreadable lines in %s ignored (a line cut by a crash?)\n", st.Skipped, path)
	}
	return path, st, nil
}

// cleaner deletes what a run left and counts the outcome.
type cleaner struct {
	tg      *chosenTarget
	patient target.Target // tg with the clean-up's patience, for the ledger's deletes
	run     string
	dryRun  bool
	out     io.Writer
	ledger  *resources.Ledger // nil under --dry-run or with nothing to delete
	// listed are the load balancers the ledger named, which the tag search then skips (under
	// --dry-run they are still there to be found).
	listed      map[string]bool
	removed     int
	refused     int
	unreachable bool
}

// deleteLedgerEntries deletes the ledger's pending entries in the order given, each with the
// principal that created it, and records each deletion.
func (c *cleaner) deleteLedgerEntries(ctx context.Context, pending []resources.LedgerEntry) {
	for _, e := range pending {
		desc := describeEntry(e)
		if e.Action == spec.ActionDeleteLoadBalancer {
			c.listed[target.Value(e.KVs(), spec.ParamLoadBalancerID)] = true
		}
		if c.dryRun {
			fmt.Fprintf(c.out, "  would delete %s\n", desc)
			continue
		}
		if ctx.Err() != nil {
			fmt.Fprintf(c.out, "  not attempted (interrupted): %s\n", desc)
			continue
		}
		ps := e.KVs()
		if e.Region != "" && !hasParam(ps, spec.ParamRegionID) {
			ps = append(ps, target.KV{Name: spec.ParamRegionID, Value: e.Region})
		}
		principal := e.Principal
		if principal == "" || !c.tg.HasPrincipal(principal) {
			principal = spec.PrincipalPrimary
		}
		resp, err := c.patient.Send(ctx, target.Request{Action: e.Action, Params: ps, Principal: principal})
		switch {
		case err != nil:
			fmt.Fprintf(c.out, "  FAILED  %s: %s\n", desc, redactSecrets(err.Error()))
			c.refused++
			c.unreachable = c.unreachable || errors.Is(err, target.ErrUnreachable)
		case resp.Success():
			fmt.Fprintf(c.out, "  deleted %s\n", desc)
			c.removed++
			_ = c.ledger.MarkDeleted(c.run, e.Seq)
		case target.Gone(resp):
			fmt.Fprintf(c.out, "  gone    %s (%s)\n", desc, resp.Code)
			c.removed++
			_ = c.ledger.MarkDeleted(c.run, e.Seq)
		default:
			fmt.Fprintf(c.out, "  REFUSED %s: %d %s: %s\n", desc, resp.Status, resp.Code, resp.Message)
			c.refused++
		}
	}
}

// sweepTagged deletes the instances that carry the run tag: it finds those whose creation
// answer never reached the ledger, and everything when the ledger is gone.
func (c *cleaner) sweepTagged(ctx context.Context) {
	for _, principal := range []string{spec.PrincipalPrimary, spec.PrincipalSecond} {
		if !c.tg.HasPrincipal(principal) || ctx.Err() != nil {
			continue
		}
		ids, err := resources.TaggedInstances(ctx, c.tg, principal, c.run)
		if err != nil {
			fmt.Fprintf(c.out, "  tag search as %s failed: %s\n", principal, redactSecrets(err.Error()))
			c.unreachable = c.unreachable || errors.Is(err, target.ErrUnreachable)
			continue
		}
		for _, id := range ids {
			if !c.listed[id] {
				c.deleteTagged(ctx, principal, id)
			}
		}
	}
}

func (c *cleaner) deleteTagged(ctx context.Context, principal, id string) {
	desc := fmt.Sprintf("%s %s=%s (found by its run tag)", spec.ActionDeleteLoadBalancer, spec.ParamLoadBalancerID, id)
	if c.dryRun {
		fmt.Fprintf(c.out, "  would delete %s\n", desc)
		return
	}
	resp, err := c.tg.Send(ctx, target.Request{Action: spec.ActionDeleteLoadBalancer, Principal: principal, Params: []target.KV{{Name: spec.ParamLoadBalancerID, Value: id}}})
	switch {
	case err == nil && resp.Success():
		fmt.Fprintf(c.out, "  deleted %s\n", desc)
		c.removed++
	case err != nil:
		c.refused++
		fmt.Fprintf(c.out, "  FAILED  %s: %s\n", desc, redactSecrets(err.Error()))
	default:
		c.refused++
		fmt.Fprintf(c.out, "  REFUSED %s: %d %s: %s\n", desc, resp.Status, resp.Code, resp.Message)
	}
}

// conclude lists what cleanup cannot remove, prints the counts and gives the exit status.
func (c *cleaner) conclude(st *resources.LedgerState, stderr io.Writer) int {
	for _, e := range st.Unconfirmed {
		fmt.Fprintf(c.out, "  unconfirmed: %s %q in %s was requested but its answer never recorded; look for it by name in the console\n", e.Action, e.Name, e.Region)
	}
	for _, e := range st.Manual {
		fmt.Fprintf(c.out, "  by hand: %s from %s, id %s, name %q, region %s (clbcheck knows no delete operation for it)\n", kindOf(e.Action), e.Action, e.ID, e.Name, e.Region)
	}
	if err := c.ledger.Err(); err != nil {
		fmt.Fprintf(stderr, "clbcheck cleanup: WARNING: %v\n", err)
	}
	if !c.dryRun {
		fmt.Fprintf(c.out, "%d removed, %d not removed\n", c.removed, c.refused)
	}
	switch {
	case c.unreachable:
		return exitUnreachable
	case c.refused > 0:
		return exitFailures
	}
	return exitOK
}

func describeEntry(e resources.LedgerEntry) string {
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
