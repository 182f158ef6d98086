package resources

import (
	"context"
	"fmt"

	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// runTagged adds the run tag to every CreateLoadBalancer request that goes through it.
type runTagged struct {
	target.Target
	runID string
}

// WithRunTag wraps t so that every instance created through it is tagged spec.RunTagKey=runID.
func WithRunTag(t target.Target, runID string) target.Target {
	if runID == "" {
		return t
	}
	return &runTagged{Target: t, runID: runID}
}

// Unwrap returns the target requests are passed on to.
func (r *runTagged) Unwrap() target.Target { return r.Target }

// Send implements Target.
func (r *runTagged) Send(ctx context.Context, req target.Request) (*target.Response, error) {
	if req.Action == spec.ActionCreateLoadBalancer {
		op := spec.MustDefault().Operation(spec.ActionCreateLoadBalancer)
		if p := op.Param(spec.ParamTag); p != nil && p.List != nil {
			n := p.List.FirstIndex
			for target.HasParam(req.Params, p.List.WireName(n, spec.FieldTagKey)) {
				n++
			}
			req.Params = append(append([]target.KV{}, req.Params...),
				target.KV{Name: p.List.WireName(n, spec.FieldTagKey), Value: spec.RunTagKey},
				target.KV{Name: p.List.WireName(n, spec.FieldTagValue), Value: r.runID})
		}
	}
	return r.Target.Send(ctx, req)
}

// TaggedInstances lists the ids of the instances of the target's region tagged with runID.
func TaggedInstances(ctx context.Context, t target.Target, principal, runID string) ([]string, error) {
	op := spec.MustDefault().Operation(spec.ActionDescribeLoadBalancers)
	p := op.Param(spec.ParamTag)
	resp, err := t.Send(ctx, target.Request{Action: op.Action, Principal: principal, Params: []target.KV{
		{Name: p.List.WireName(1, spec.FieldTagKey), Value: spec.RunTagKey}, {Name: p.List.WireName(1, spec.FieldTagValue), Value: runID}}})
	if err != nil {
		return nil, err
	}
	if !resp.Success() {
		return nil, fmt.Errorf("%s answered %d %s: %s", op.Action, resp.Status, resp.Code, resp.Message)
	}
	outer, _ := resp.Fields[spec.FieldLoadBalancers].(map[string]any)
	items, _ := outer[spec.FieldLoadBalancer].([]any)
	var ids []string
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			if id, ok := m[spec.FieldLoadBalancerID].(string); ok {
				ids = append(ids, id)
			}
		}
	}
	return ids, nil
}
