package contracts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/commands"

	"github.com/clbcheck/clbcheck/generators"
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
	calls := &seqCalls{r: r, ctx: ctx, env: &caseEnv{binds: map[string]string{}, port: "0"}}
	var setupErr error
	newSUT := func() *generators.Lifecycle {
		id, err := r.fx.Call(ctx, spec.PrincipalPrimary, spec.ActionCreateLoadBalancer,
			[]target.KV{{Name: spec.ParamLoadBalancerSpec, Value: "slb.s2.small"}, {Name: spec.ParamLoadBalancerName, Value: r.fx.Name("seq")}}, spec.FieldLoadBalancerID)
		if err != nil && setupErr == nil {
			setupErr = err
		}
		return &generators.Lifecycle{Exec: calls.exec, Present: calls.present, OnLive: calls.onLive, LB: id}
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
