package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/reports"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/target"
)

// execute runs the suite, writes the reports and gives the exit status.
func (rs *runSetup) execute(ctx context.Context, tty bool) int {
	info := func(format string, a ...any) {
		if !rs.f.quiet {
			fmt.Fprintf(rs.stderr, format+"\n", a...)
		}
	}
	ledger, err := rs.openLedger()
	if err != nil {
		return runFailed(rs.stderr, err)
	}
	if ledger != nil {
		defer ledger.Close()
	}
	fileRep, closeFiles, err := reports.Files(rs.paths)
	if err != nil {
		return runFailed(rs.stderr, err)
	}
	filesClosed := false
	defer func() {
		if !filesClosed {
			_ = closeFiles()
		}
	}()

	prog := newProgress(rs.stderr, tty)
	var marker *reports.BaselineMarker
	var rep contracts.Reporter = reports.Multi(fileRep, reports.NewConsole(rs.stdout))
	if rs.baseline != nil {
		marker = reports.MarkBaseline(rs.baseline, rs.f.baseline, rep)
		rep = marker
	}
	rs.opts.Reporter = reports.Multi(atBegin{collectLess}, beforeEnd{prog.finish}, rep)
	rs.opts.Progress = func(p contracts.Progress) {
		if !rs.f.quiet {
			prog.update(p)
		}
		if testProgressHook != nil {
			testProgressHook(p)
		}
	}

	info("clbcheck run %s: target %s, profile %s, seed %d, credentials for %s", rs.opts.RunID, rs.tg.Name(), rs.opts.Profile, rs.opts.Seed, principalNames(rs.tg.creds))
	if ledger != nil {
		info("ledger of created resources: %s", ledger.Path())
	}
	noticed := make(chan struct{})
	stopNotice := context.AfterFunc(ctx, func() {
		defer close(noticed)
		fmt.Fprintln(rs.stderr, "\nclbcheck run: interrupted; removing what the run created and writing the reports (Ctrl-C again to quit at once)")
	})
	sum, _, runErr := contracts.Execute(ctx, rs.tg, rs.opts)
	if !stopNotice() {
		<-noticed
	}
	filesClosed = true
	closeErr := closeFiles()
	rs.reportLeftovers(ledger)
	if len(rs.paths) > 0 && closeErr == nil {
		var names []string
		for _, p := range rs.paths {
			names = append(names, p)
		}
		sort.Strings(names)
		info("reports: %s", strings.Join(names, ", "))
	}
	return rs.exitStatus(ctx, sum, marker, runErr, closeErr)
}

// openLedger opens the ledger of created resources. The embedded emulator's resources die with
// the process, and a replayed cassette creates nothing, so neither needs one.
func (rs *runSetup) openLedger() (*resources.Ledger, error) {
	path := rs.f.ledger
	var err error
	if path == "" && rs.tg.kind != kindEmulator && rs.tg.kind != kindReplay {
		if path, err = defaultLedgerPath(rs.f.out, rs.opts.RunID); err != nil {
			return nil, err
		}
	}
	if path == "" {
		return nil, nil
	}
	ledger, err := resources.OpenLedger(path)
	if err != nil {
		return nil, usagef("--ledger: %v", err)
	}
	if rs.opts.Fixtures == nil {
		rs.opts.Fixtures = &resources.FixtureFile{}
	}
	rs.opts.Fixtures.Ledger = ledger
	return ledger, nil
}

// reportLeftovers says what the run could not remove. The ledger, not the summary, knows: it
// also records a cleanup that could not reach the target.
func (rs *runSetup) reportLeftovers(ledger *resources.Ledger) {
	if ledger == nil {
		return
	}
	if err := ledger.Err(); err != nil {
		fmt.Fprintf(rs.stderr, "clbcheck run: WARNING: %v\n", err)
	}
	st, err := resources.ReadLedger(ledger.Path(), rs.opts.RunID)
	if n := len(st.Pending) + len(st.Unconfirmed); err == nil && n > 0 {
		verb, them := "remain", "them"
		if n == 1 {
			verb, them = "remains", "it"
		}
		fmt.Fprintf(rs.stderr, "clbcheck run: %s %s; remove %s with: clbcheck cleanup --run %s --ledger %s --target %s\n",
			plural(n, "resource"), verb, them, rs.opts.RunID, contracts.ShellQuote(ledger.Path()), contracts.ShellQuote(rs.f.tf.target))
	}
}

// exitStatus gives the run's exit status, saying why when it is not about the contracts.
func (rs *runSetup) exitStatus(ctx context.Context, sum contracts.Summary, marker *reports.BaselineMarker, runErr, closeErr error) int {
	switch {
	case runErr != nil && ctx.Err() != nil:
		fmt.Fprintf(rs.stderr, "clbcheck run: interrupted: %d of %s ran, %d did not; the reports cover the cases that ran\n", sum.Cases, plural(sum.Planned, "planned case"), sum.NotRun)
		return exitUnreachable
	case runErr != nil && errors.Is(runErr, target.ErrUnreachable):
		fmt.Fprintf(rs.stderr, "clbcheck run: %s\n", redactSecrets(contracts.ErrorText(runErr)))
		return exitUnreachable
	case runErr != nil:
		fmt.Fprintf(rs.stderr, "clbcheck run: %s\n", contracts.ErrorText(runErr))
		return exitUsage
	case closeErr != nil:
		fmt.Fprintf(rs.stderr, "clbcheck run: %v\n", closeErr)
		return exitUsage
	}
	if sum.Inconclusive != "" {
		fmt.Fprintf(rs.stderr, "clbcheck run: INCONCLUSIVE: %s\n", sum.Inconclusive)
		return exitUnreachable
	}
	failed := sum.Failed
	if marker != nil {
		failed = marker.New()
	}
	sum.Known = sum.Failed - failed
	switch sum.Status() {
	case contracts.StatusFail:
		if sum.NotRun > 0 {
			fmt.Fprintf(rs.stderr, "clbcheck run: %s; %d of %s did not run\n", plural(failed, "failing case"), sum.NotRun, plural(sum.Planned, "planned case"))
		}
		return exitFailures
	case contracts.StatusIncomplete:
		fmt.Fprintf(rs.stderr, "clbcheck run: INCOMPLETE: %d of %s ran, %d did not (%s); give a longer --budget (0: none) or a larger --max-requests, or --budget-soft to accept a partial run\n",
			sum.Planned-sum.NotRun, plural(sum.Planned, "planned case"), sum.NotRun, sum.AbortCause)
		return exitUnreachable
	case contracts.StatusTransient:
		fmt.Fprintf(rs.stderr, "clbcheck run: TRANSIENT TROUBLE: %s; raise --max-transient or lower --rate-limit/--workers\n", sum.Unstable)
		return exitTransient
	}
	if sum.NotRun > 0 {
		fmt.Fprintf(rs.stderr, "clbcheck run: %d of %s did not run (%s); the budget is soft, so this is no failure\n", sum.NotRun, plural(sum.Planned, "planned case"), sum.AbortCause)
	}
	return exitOK
}
