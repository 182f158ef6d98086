package contracts

import (
	"context"
	"fmt"
	"time"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// Most cases are refused, and a refusal must leave no listener on the case's port. Reading
// each port back doubles the requests of those cases; instead, a worker keeps the refused
// cases whose port was free before, and confirms a batch of them with one read of their load
// balancer's listener ports (DescribeLoadBalancerAttribute).
//
// A listing is only relied upon once the target has shown that it lists what it creates:
// the first listener a positive case creates must appear in its load balancer's list. Until
// then, and for good when it does not appear, every port is read back one by one, as it is
// when the listing cannot be read (refused, another principal's rights, no such field). A
// port that does appear in the list is read back on its own too, so a failure says what is
// there.

// DefaultRefusalBatch is the default of Options.RefusalBatch.
const DefaultRefusalBatch = 16

// Whether listener listings can confirm refusals in this run.
const (
	listingUnknown int32 = iota
	listingProbing
	listingTrusted
	listingUnusable
)

// pendingRefusal is a refused case whose no-state-change check waits for its batch.
type pendingRefusal struct {
	out caseOutcome // out.refused names the listener, out.resp is the judged answer
	c   generators.Case
	at  time.Time // when the refusal was judged: its port is read back a settle delay later
}

// listingKey groups pending refusals that one listing can confirm.
type listingKey struct{ lb, region, principal string }

// batching tells whether refused cases may wait for a listing.
func (r *runner) batching() bool {
	return r.opts.RefusalBatch > 1 && r.listing.Load() != listingUnusable
}

// listenerPorts reads the listener ports of l's load balancer as l's principal. ok is false
// when the answer does not give them.
func (r *runner) listenerPorts(ctx context.Context, l resources.ListenerKey) (ports map[string]bool, ok bool) {
	resp, err := r.send(ctx, target.Request{Action: spec.ActionDescribeLoadBalancer, Params: l.LoadBalancerParams(), Principal: l.Principal})
	if err != nil || !resp.Success() {
		return nil, false
	}
	holder, ok := resp.Fields[spec.FieldListenerPorts].(map[string]any)
	if !ok {
		return nil, false
	}
	ports = map[string]bool{}
	switch list := holder[spec.FieldListenerPort].(type) {
	case nil: // no listeners
	case []any:
		for _, p := range list {
			ports[str(p)] = true
		}
	default: // a single port, as XML-minded encoders sometimes give it
		ports[str(list)] = true
	}
	return ports, true
}

// witnessListing decides, from a listener a case has just created and read back, whether the
// target's listings can be relied upon: the listing must show it. Only the first positive
// case of a run asks.
func (r *runner) witnessListing(ctx context.Context, l resources.ListenerKey) {
	if r.opts.RefusalBatch <= 1 || !r.listing.CompareAndSwap(listingUnknown, listingProbing) {
		return
	}
	ports, ok := r.listenerPorts(ctx, l)
	if ok && ports[l.Port] {
		r.listing.Store(listingTrusted)
		return
	}
	r.listing.Store(listingUnusable)
}

// settle finishes the pending refusals: one listing per load balancer and principal when the
// listing is trusted, a read-back of each port otherwise or where the listing shows it.
func (r *runner) settle(ctx context.Context, pending []pendingRefusal) []caseOutcome {
	out := make([]caseOutcome, 0, len(pending))
	listed := map[listingKey]map[string]bool{}
	var latest time.Time
	for _, p := range pending {
		if p.at.After(latest) {
			latest = p.at
		}
	}
	_ = r.awaitSettled(ctx, latest) // an interrupt is seen below
	if r.listing.Load() == listingTrusted {
		for _, p := range pending {
			l := *p.out.refused
			k := listingKey{l.LoadBalancerID, l.Region, l.Principal}
			if _, done := listed[k]; done {
				continue
			}
			ports, ok := r.listenerPorts(ctx, l)
			if !ok {
				ports = nil // read each port of this group back instead
			}
			listed[k] = ports
		}
	}
	cfg := r.opts.Checks[CheckNoStateChange]
	for _, p := range pending {
		if ctx.Err() != nil {
			// Interrupted: keep what the answer itself showed, without the state check.
			r.conclude(&p.out, p.c, p.out.resp)
			out = append(out, p.out)
			continue
		}
		var cr CheckResult
		l := *p.out.refused
		ports := listed[listingKey{l.LoadBalancerID, l.Region, l.Principal}]
		switch {
		case ports != nil && !ports[l.Port]:
			cr = CheckResult{Check: CheckNoStateChange, Verdict: Pass}
		case ports != nil:
			cr = r.checkUnchanged(ctx, l, nil, false)
			if cr.Verdict == Pass {
				cr = CheckResult{Check: CheckNoStateChange, Verdict: Fail,
					Message:  fmt.Sprintf("the load balancer lists a listener on port %s after the request was refused, although reading that port back finds none", l.Port),
					Expected: "no listener", Actual: "port listed"}
			}
		default:
			cr = r.checkUnchanged(ctx, l, nil, false)
		}
		p.out.Checks = append(p.out.Checks, r.severity(cr, cfg))
		r.conclude(&p.out, p.c, p.out.resp)
		out = append(out, p.out)
	}
	return out
}
