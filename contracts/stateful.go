package contracts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/commands"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// SequencesID is the result ID of the property that runs the lifecycle sequences.
const SequencesID = "state/lifecycle-sequences"

// runSequences checks the listener lifecycle with gopter command sequences against the
// target: n sequences from seed, each on a fresh instance, shrunk to the shortest failing
// sequence on failure. It returns one result for the whole property.
func (r *runner) runSequences(ctx context.Context, seed int64, n int) CaseResult {
	start := time.Now()
	res := CaseResult{ID: SequencesID, Scenario: "STATEFUL_SEQUENCES", Category: string(generators.Stateful), Seed: seed,
		Expected: "every answer as the model predicts", Basis: string(spec.Documented)}
	env := &caseEnv{binds: map[string]string{}, port: "0"}
	exec := func(action string, ps []generators.Param) generators.StepResult {
		kvs, err := r.kvs(ctx, env, ps)
		if err != nil {
			return generators.StepResult{Err: err}
		}
		// Each step acts on a listener the previous one may still be changing.
		resp, err := r.send(ctx, target.Request{Action: action, Params: kvs, Provoking: true})
		if err != nil {
			return generators.StepResult{Err: err}
		}
		// Every answer of a sequence passes the same answer checks as a case's, as firmly:
		// what the page does not state (the code a neighbouring operation gives a missing
		// listener) fails a sequence only under the strict profile.
		if p := firmProblem(AnswerProblems(r.s, action, "JSON", resp), r.opts.Profile); p != nil {
			return generators.StepResult{Err: fmt.Errorf("%s answered badly: %s", action, p.Message)}
		}
		return generators.StepResult{Status: resp.Status, Code: resp.Code, Fields: resp.Fields}
	}
	// present reads back a listener its step just acted on successfully: one that does not
	// show at once is read again, as a created listener's read-back is (visibility.go).
	present := func(action string, ps []generators.Param) generators.StepResult {
		a := exec(action, ps)
		if a.Err != nil || (a.Status >= 200 && a.Status < 300 && a.Code == "") {
			return a
		}
		kvs, err := r.kvs(ctx, env, ps)
		if err != nil {
			return a
		}
		if later, ok := r.awaitVisible(ctx, resources.ListenerOf(kvs, "")); ok {
			return generators.StepResult{Status: later.Status, Code: later.Code, Fields: later.Fields}
		}
		return a
	}
	// onLive sends a call on a listener the sequence created: refused while Describe does not
	// show the listener yet, it is sent again once Describe does (the lag a created listener's
	// read-back is allowed). A refusal while the listener shows stands.
	onLive := func(action string, ps []generators.Param) generators.StepResult {
		a := exec(action, ps)
		if a.Err != nil || a.Status >= 500 || (a.Status >= 200 && a.Status < 300 && a.Code == "") {
			return a
		}
		kvs, err := r.kvs(ctx, env, ps)
		if err != nil {
			return a
		}
		l := resources.ListenerOf(kvs, "")
		if d, err := r.send(ctx, target.Request{Action: spec.ActionDescribeHTTPSListener, Params: l.Params(), Provoking: true}); err != nil || d.Success() {
			return a
		}
		if _, ok := r.awaitVisible(ctx, l); ok {
			return exec(action, ps)
		}
		return a
	}
	var setupErr error
	newSUT := func() *generators.Lifecycle {
		id, err := r.fx.Call(ctx, spec.PrincipalPrimary, spec.ActionCreateLoadBalancer,
			[]target.KV{{Name: spec.ParamLoadBalancerSpec, Value: "slb.s2.small"}, {Name: spec.ParamLoadBalancerName, Value: r.fx.Name("seq")}}, spec.FieldLoadBalancerID)
		if err != nil && setupErr == nil {
			setupErr = err
		}
		return &generators.Lifecycle{Exec: exec, Present: present, OnLive: onLive, LB: id}
	}
	destroy := func(l *generators.Lifecycle) {
		if l.LB != "" {
			_, _ = r.send(context.WithoutCancel(ctx), target.Request{Action: spec.ActionDeleteLoadBalancer, Params: []target.KV{{Name: spec.ParamLoadBalancerID, Value: l.LB}}, Provoking: true})
		}
	}
	cmds := generators.LifecycleCommands(r.s, []string{"7001", "7002", "7003"}, newSUT, destroy)
	params := gopter.DefaultTestParametersWithSeed(seed)
	params.MinSuccessfulTests = n
	// gopter grows the size from MinSize to MaxSize over the sequences; a few sequences
	// against a real service cannot spare the empty and one-step ones a ramp from 0 starts with.
	params.MinSize, params.MaxSize = 4, 12
	out := commands.Prop(cmds).Check(params)
	res.DurationMS = float64(time.Since(start).Microseconds()) / 1000
	concludeSequences(&res, out, setupErr)
	return res
}

// firmProblem is the first problem that fails under profile: any under strict, else the first
// one the page states (not Inferred).
func firmProblem(ps []*Problem, profile string) *Problem {
	for _, p := range ps {
		if MissVerdict(p.Inferred, profile) == Fail {
			return p
		}
	}
	return nil
}

// concludeSequences gives the sequences' result its verdict from gopter's: a pass, a skip when
// no instance could be created or too few sequences could be drawn (EXHAUSTED: nothing
// failed), and otherwise a failure of the lifecycle check with the shortest failing sequence.
func concludeSequences(res *CaseResult, out *gopter.TestResult, setupErr error) {
	switch {
	case setupErr != nil:
		res.Verdict, res.SkipReason = Skip, "cannot create an instance for the sequences: "+setupErr.Error()
	case out.Passed():
		res.Verdict, res.Actual = Pass, pluralize(out.Succeeded, "sequence")+" as predicted"
	case out.Status == gopter.TestExhausted:
		res.Verdict, res.SkipReason = Skip, fmt.Sprintf("only %s could be drawn (%d discarded by their preconditions); nothing failed", pluralize(out.Succeeded, "sequence"), out.Discarded)
	default:
		res.Verdict = Fail
		msg := "a sequence of calls did not behave as the model predicts"
		if out.Error != nil {
			msg += ": " + out.Error.Error()
		}
		if len(out.Labels) > 0 {
			msg += ": " + strings.Join(out.Labels, "; ")
		}
		var seq []string
		for _, a := range out.Args {
			seq = append(seq, fmt.Sprint(a.Arg))
		}
		res.Actual = strings.Join(seq, " ")
		res.Checks = []CheckResult{{Check: CheckLifecycle, Verdict: Fail, Message: msg + "; shortest failing sequence: " + res.Actual}}
		res.Size = len(out.Args)
	}
}
