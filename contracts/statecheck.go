package contracts

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// checkCreated reads the listener back: it must exist and be stopped, and its attributes must
// mean what was sent, defaults where nothing was (ReadBack).
func (r *runner) checkCreated(ctx context.Context, kvs []target.KV, l resources.ListenerKey) []CheckResult {
	fail := func(msg, exp, act string) []CheckResult {
		return []CheckResult{{Check: CheckListenerCreated, Verdict: Fail, Message: msg, Expected: exp, Actual: act}}
	}
	d, err := r.describe(ctx, l)
	if err != nil {
		return fail("the listener could not be read back: "+ErrorText(err), "a readable listener", "no answer")
	}
	if !d.Success() {
		later, ok := r.awaitVisible(ctx, l)
		if !ok {
			if later != nil {
				d = later
			}
			return fail("the created listener cannot be read back, even after waiting for it to show", "the listener", actualOf(d))
		}
		d = later
	}
	if !resources.Settled(d) {
		// Still applying its configuration (the real service does this asynchronously): wait,
		// within a bound, for a stable status before judging it.
		if settled, err := resources.AwaitListener(ctx, r.t, l,
			resources.Settled, 10*time.Second, 500*time.Millisecond); err == nil {
			d = settled
		}
	}
	if st := str(d.Fields[spec.FieldStatus]); st != spec.StatusStopped {
		r := fail("a new listener must be stopped", spec.StatusStopped, st)
		r[0].Subject = spec.FieldStatus
		return r
	}
	r.witnessListing(ctx, l)
	return ReadBack(r.s, kvs, d.Fields, r.opts.Profile)
}

func (r *runner) checkUnchanged(ctx context.Context, l resources.ListenerKey, before *target.Response, existed bool) CheckResult {
	after, err := r.describe(ctx, l)
	if err != nil {
		return CheckResult{Check: CheckNoStateChange, Verdict: Fail, Message: "state could not be read back: " + ErrorText(err)}
	}
	if !existed {
		if after.Success() {
			return CheckResult{Check: CheckNoStateChange, Verdict: Fail, Message: "the request was refused but a listener now exists on its port", Expected: "no listener", Actual: "listener " + str(after.Fields[spec.FieldStatus])}
		}
		return CheckResult{Check: CheckNoStateChange, Verdict: Pass}
	}
	if before == nil || !before.Success() || !after.Success() {
		return CheckResult{Check: CheckNoStateChange, Verdict: Pass, Message: "no earlier snapshot to compare"}
	}
	a, b := comparable(before.Fields), comparable(after.Fields)
	if a != b {
		was, now := changedFields(before.Fields, after.Fields)
		return CheckResult{Check: CheckNoStateChange, Verdict: Fail, Message: "the refused request changed the existing listener", Expected: trim(was, 300), Actual: trim(now, 300)}
	}
	return CheckResult{Check: CheckNoStateChange, Verdict: Pass}
}

// changedFields renders, as two JSON objects, only the fields whose values differ between two
// Describe answers (one missing on a side is left out of that side), so that a report shows
// what changed rather than two whole listeners.
func changedFields(before, after map[string]any) (was, now string) {
	a, b := map[string]any{}, map[string]any{}
	for k, v := range before {
		if w, ok := after[k]; k != spec.FieldRequestID && k != spec.FieldStatus && (!ok || comparable(map[string]any{k: v}) != comparable(map[string]any{k: w})) {
			a[k] = v
			if ok {
				b[k] = w
			}
		}
	}
	for k, w := range after {
		if _, ok := before[k]; !ok && k != spec.FieldRequestID && k != spec.FieldStatus {
			b[k] = w
		}
	}
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x), string(y)
}

// comparable renders a Describe answer without the fields that legitimately change.
func comparable(m map[string]any) string {
	cp := map[string]any{}
	for k, v := range m {
		if k == spec.FieldRequestID || k == spec.FieldStatus {
			continue
		}
		cp[k] = v
	}
	b, _ := json.Marshal(cp)
	return string(b)
}

func str(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case json.Number: // a number read back: its text, as fmt.Sprint would print it
		return t.String()
	}
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func show(v any, present bool) string {
	if !present {
		return "nothing"
	}
	return fmt.Sprintf("%q", str(v))
}
