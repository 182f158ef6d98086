package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
)

// printPlan tells, before a run against the real cloud, what it will create and about how
// many requests it will send. Nothing is sent to work it out.
func printPlan(w io.Writer, tg *chosenTarget, opts contracts.Options) {
	s, err := spec.Default()
	if err != nil {
		return
	}
	fx := resources.NewFixtures(tg, s, opts.Fixtures, opts.RunID)
	cases := contracts.Prepare(s, fx, opts)
	given := map[string]bool{}
	if opts.Fixtures != nil {
		for slot := range opts.Fixtures.Slots {
			given[slot] = true
		}
	}
	n := countPlan(cases, given)
	lbs, certs, acls, groups, setupLBs, setups, maxListeners := n.lbs, n.certs, n.acls, n.groups, n.setupLBs, n.setups, n.maxListeners
	seqs := opts.Sequences
	if seqs == 0 {
		seqs = contracts.DefaultSequences
	}
	fmt.Fprintf(w, "PLAN for run %s against %s (region %s), profile %s:\n", opts.RunID, tg.baseURL, tg.Region(), opts.Profile)
	fmt.Fprintf(w, "  %s", plural(len(cases), "case"))
	if seqs > 0 {
		fmt.Fprintf(w, " and %d lifecycle sequences", seqs)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  creates: %d pay-as-you-go load balancers (slb.s2.small where a specification is needed) shared by the cases,\n", lbs)
	fmt.Fprintf(w, "           %d more created and deleted by stateful cases, about %d by the sequences (one each),\n", setupLBs, max(seqs, 0))
	fmt.Fprintf(w, "           %d certificates, %d ACLs, %d server groups,\n", certs, acls, groups)
	fmt.Fprintf(w, "           and HTTPS listeners on them, each deleted after its case\n")
	workers := max(opts.Workers, 1)
	fmt.Fprintf(w, "  alive at once: at most %d load balancers and about %d listeners (%d workers)\n", lbs+setupLBs+1, maxListeners+workers-1, workers)
	rate := "no rate limit"
	if opts.RateLimit > 0 {
		rate = fmt.Sprintf("at most %g per second", opts.RateLimit)
	}
	// A case expected to succeed sends itself, a read-back and a deletion; a refused one
	// itself, and its share of one listing per batch of refusals (a read-back each when the
	// target's listings cannot be relied upon); a sequence up to 12 calls.
	batch := max(opts.RefusalBatch, 1) // the flag is at least 1
	succeed, refused := n.succeed, n.refused
	requests := succeed*3 + refused + (refused+batch-1)/batch + setups + max(seqs, 0)*14
	fmt.Fprintf(w, "  requests: about %d (cases, %d setup calls, read-backs, deletions, sequences), %s;\n", requests, setups, rate)
	fmt.Fprintf(w, "           up to %d more if the target's listener listings cannot confirm refusals\n", refused-(refused+batch-1)/batch)
	if opts.MaxRequests > 0 {
		fmt.Fprintf(w, "  request budget: no case starts after %d requests (--max-requests)\n", opts.MaxRequests)
	}
	if opts.Budget > 0 {
		fmt.Fprintf(w, "  time budget: %s for starting cases, then cleanup", opts.Budget)
		if opts.RateLimit > 0 && float64(requests)/opts.RateLimit > opts.Budget.Seconds() {
			fmt.Fprintf(w, " (the suite will not finish in it; --budget 0 runs every case)")
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "  removed at the end: load balancers (with their listeners and groups), then the server and CA\n")
	fmt.Fprintf(w, "  certificates, ACLs and TLS policies, each as the account that created it; what a killed run\n")
	fmt.Fprintf(w, "  left is removed by `clbcheck cleanup --run %s`\n", opts.RunID)
}

// planCounts are what a plan's cases need: the shared fixtures by kind, the setup calls and
// the load balancers among them, the most listeners one case holds, and the cases expected
// to succeed and to be refused.
type planCounts struct {
	lbs, certs, acls, groups       int
	setupLBs, setups, maxListeners int
	succeed, refused               int
}

// countPlan counts what the cases need, leaving out the slots the fixtures file gives.
func countPlan(cases []generators.Case, given map[string]bool) planCounts {
	var n planCounts
	slots := map[string]bool{}
	for _, c := range cases {
		for _, need := range c.Needs() {
			if !given[need] {
				slots[need] = true
			}
		}
		listeners := 1 + c.Concurrent
		for _, call := range c.Setup {
			n.setups++
			switch call.Action {
			case spec.ActionCreateLoadBalancer:
				n.setupLBs++
			case spec.ActionCreateHTTPSListener:
				listeners++
			}
		}
		n.maxListeners = max(n.maxListeners, listeners)
		if c.Expect.Success {
			n.succeed++
		} else {
			n.refused++
		}
	}
	for slot := range slots {
		switch {
		case slot == spec.SlotLB || slot == spec.SlotLBShared || slot == spec.SlotLBIPv6 ||
			strings.HasPrefix(slot, spec.SlotZonePrefix) || strings.HasPrefix(slot, spec.SlotRegionPrefix):
			n.lbs++
		case strings.HasPrefix(slot, "cert."):
			n.certs++
		case strings.HasPrefix(slot, "acl."):
			n.acls++
		case slot == spec.SlotVGroup || slot == spec.SlotMSGroup:
			n.groups++
		}
	}
	if n.groups > 0 && !slots[spec.SlotLB] && !given[spec.SlotLB] {
		n.lbs++
	}
	return n
}
