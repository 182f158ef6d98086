package emulator

import (
	"strings"

	"github.com/clbcheck/clbcheck/spec"
)

// describeLoadBalancers lists the caller's instances of the request's region, keeping only
// those that carry every tag the request names (a tag given without a value matches any value)
// and, when LoadBalancerId is given, only the ids it lists.
func (e *Emulator) describeLoadBalancers(req *request, op *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	want := requestTags(req, op)
	var ids map[string]bool
	if v := req.value(spec.ParamLoadBalancerID); v != "" {
		ids = map[string]bool{}
		for _, id := range strings.Split(v, ",") {
			ids[strings.TrimSpace(id)] = true
		}
	}
	list := []any{}
	if r := e.state.region(req.caller.accountID, req.region, false); r != nil {
		for _, id := range sortedKeys(r.LoadBalancers) {
			lb := r.LoadBalancers[id]
			if (ids != nil && !ids[id]) || !hasTags(lb.Tags, want) {
				continue
			}
			list = append(list, map[string]any{
				spec.FieldLoadBalancerID:   lb.ID,
				spec.ParamLoadBalancerName: lb.Name,
				spec.ParamRegionID:         req.region,
				"CreateTime":               lb.Created.UTC().Format(timeLayout),
				"Tags":                     map[string]any{"Tag": tagItems(lb.Tags)},
			})
		}
	}
	return map[string]any{"TotalCount": len(list), spec.FieldLoadBalancers: map[string]any{spec.FieldLoadBalancer: list}}, nil
}

// requestTags reads the Tag list of a request (none when the operation takes no tags).
func requestTags(req *request, op *spec.Operation) []tag {
	tp := op.Param(spec.ParamTag)
	if tp == nil || tp.List == nil {
		return nil
	}
	var out []tag
	for _, it := range tp.List.Items(req.values) {
		out = append(out, tag{Key: it.Fields[spec.FieldTagKey], Value: it.Fields[spec.FieldTagValue]})
	}
	return out
}

// tagItems renders tags as the Describe operations list them.
func tagItems(tags []tag) []any {
	out := make([]any, 0, len(tags))
	for _, t := range tags {
		out = append(out, fields(kv{"TagKey", t.Key}, kv{"TagValue", t.Value}))
	}
	return out
}

func hasTags(have, want []tag) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if h.Key == w.Key && (w.Value == "" || h.Value == w.Value) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
