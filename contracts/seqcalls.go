package contracts

import (
	"context"
	"fmt"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// seqCalls sends the calls of the lifecycle sequences (generators.Lifecycle): each one plain
// (exec), as a read-back of a listener a step just acted on (present), or as a call on a
// listener the sequence created (onLive). The last two allow for a service whose listeners
// show only after a while, as a created listener's read-back does (visibility.go).
type seqCalls struct {
	r   *runner
	ctx context.Context
	env *caseEnv
}

// exec sends one step and passes its answer through the answer checks a case's goes through,
// as firmly: what the page does not state (the code a neighbouring operation gives a missing
// listener) fails a sequence only under the strict profile.
func (q *seqCalls) exec(action string, ps []generators.Param) generators.StepResult {
	r := q.r
	kvs, err := r.kvs(q.ctx, q.env, ps)
	if err != nil {
		return generators.StepResult{Err: err}
	}
	// Each step acts on a listener the previous one may still be changing.
	resp, err := r.send(q.ctx, target.Request{Action: action, Params: kvs, Provoking: true})
	if err != nil {
		return generators.StepResult{Err: err}
	}
	if p := firmProblem(AnswerProblems(r.s, action, "JSON", resp), r.opts.Profile); p != nil {
		return generators.StepResult{Err: fmt.Errorf("%s answered badly: %s", action, p.Message)}
	}
	return generators.StepResult{Status: resp.Status, Code: resp.Code, Fields: resp.Fields}
}

// present reads back a listener its step just acted on successfully: one that does not show
// at once is read again.
func (q *seqCalls) present(action string, ps []generators.Param) generators.StepResult {
	a := q.exec(action, ps)
	if a.Err != nil || succeeded(a) {
		return a
	}
	l, ok := q.listener(ps)
	if !ok {
		return a
	}
	if later, ok := q.r.awaitVisible(q.ctx, l); ok {
		return generators.StepResult{Status: later.Status, Code: later.Code, Fields: later.Fields}
	}
	return a
}

// onLive sends a call on a listener the sequence created: refused while Describe does not
// show the listener yet, it is sent again once Describe does. A refusal while the listener
// shows stands.
func (q *seqCalls) onLive(action string, ps []generators.Param) generators.StepResult {
	a := q.exec(action, ps)
	if a.Err != nil || a.Status >= 500 || succeeded(a) {
		return a
	}
	l, ok := q.listener(ps)
	if !ok {
		return a
	}
	if d, err := q.r.send(q.ctx, target.Request{Action: spec.ActionDescribeHTTPSListener, Params: l.Params(), Provoking: true}); err != nil || d.Success() {
		return a
	}
	if _, ok := q.r.awaitVisible(q.ctx, l); ok {
		return q.exec(action, ps)
	}
	return a
}

// listener is the listener a step's parameters name.
func (q *seqCalls) listener(ps []generators.Param) (resources.ListenerKey, bool) {
	kvs, err := q.r.kvs(q.ctx, q.env, ps)
	if err != nil {
		return resources.ListenerKey{}, false
	}
	return resources.ListenerOf(kvs, ""), true
}

// succeeded reports whether a step's answer is a success.
func succeeded(a generators.StepResult) bool {
	return a.Status >= 200 && a.Status < 300 && a.Code == ""
}
