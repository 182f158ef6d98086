package emulator

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/clbcheck/clbcheck/spec"
)

// The tag operations: TagResources, UntagResources and ListTagResources on instances,
// certificates and ACLs, and the older AddTags, RemoveTags and DescribeTags on instances.

// Resource types of the tag operations (the enum of their ResourceType parameter).
const (
	resourceInstance    = "instance"
	resourceCertificate = "certificate"
	resourceACL         = "acl"
)

// listTagPageSize is the number of rows a ListTagResources page holds.
const listTagPageSize = 50

// taggable finds the tags of a resource of the caller in the request's region; nil when the
// resource is not there.
func (e *Emulator) taggable(req *request, kind, id string) *[]tag {
	r := e.state.region(req.caller.accountID, req.region, false)
	if r == nil {
		return nil
	}
	switch kind {
	case resourceInstance:
		if lb := r.LoadBalancers[id]; lb != nil {
			return &lb.Tags
		}
	case resourceCertificate:
		if c := r.Certificates[id]; c != nil {
			return &c.Tags
		}
	case resourceACL:
		if a := r.ACLs[id]; a != nil {
			return &a.Tags
		}
	}
	return nil
}

// taggableIDs lists the ids of the caller's resources of a kind in the request's region.
func (e *Emulator) taggableIDs(req *request, kind string) []string {
	r := e.state.region(req.caller.accountID, req.region, false)
	if r == nil {
		return nil
	}
	switch kind {
	case resourceInstance:
		return sortedKeys(r.LoadBalancers)
	case resourceCertificate:
		return sortedKeys(r.Certificates)
	case resourceACL:
		return sortedKeys(r.ACLs)
	}
	return nil
}

// maxTags is how many tags a resource carries at most: the maxItems of the operation under
// test's Tag list, with its code for going past it.
func (e *Emulator) maxTags() (int, string) {
	p := e.spec.UnderTest.Param(spec.ParamTag)
	c, _ := p.Constraint(spec.KindMaxItems)
	return int(c.Int), c.Outcome.Code
}

// addTags sets tags on a list of tag slices, all or nothing: a key already there takes the
// new value. Callers hold e.mu and commit.
func (e *Emulator) addTags(targets []*[]tag, add []tag) *apiError {
	limit, code := e.maxTags()
	next := make([][]tag, len(targets))
	for i, t := range targets {
		cur := append([]tag{}, (*t)...)
		for _, a := range add {
			if j := slices.IndexFunc(cur, func(x tag) bool { return x.Key == a.Key }); j >= 0 {
				cur[j].Value = a.Value
			} else {
				cur = append(cur, a)
			}
		}
		if len(cur) > limit {
			return e.codeError(code, "", fmt.Sprintf("A resource carries at most %d tags", limit))
		}
		next[i] = cur
	}
	for i, t := range targets {
		*t = next[i]
	}
	return nil
}

// resources reads ResourceType and ResourceId.N and finds each resource.
func (e *Emulator) resources(req *request) ([]*[]tag, *apiError) {
	ids := indexed(req, spec.ParamResourceID)
	if len(ids) == 0 {
		return nil, e.gatewayError(spec.GatewayMissingParameter, spec.ParamResourceID+".1 is required")
	}
	kind := req.value(spec.ParamResourceType)
	var out []*[]tag
	for _, id := range ids {
		t := e.taggable(req, kind, id)
		if t == nil {
			return nil, e.neighbourError(spec.NeighbourTagResourceNotFound, kind+" "+id)
		}
		out = append(out, t)
	}
	return out, nil
}

// snapshot copies the tags of targets, for undoing a change.
func snapshot(targets []*[]tag) func() {
	saved := make([][]tag, len(targets))
	for i, t := range targets {
		saved[i] = *t
	}
	return func() {
		for i, t := range targets {
			*t = saved[i]
		}
	}
}

func (e *Emulator) tagResources(req *request, op *spec.Operation) (answer, *apiError) {
	add := requestTags(req, op)
	if len(add) == 0 {
		return nil, e.gatewayError(spec.GatewayMissingParameter, spec.ParamTag+".1."+spec.FieldTagKey+" is required")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	targets, ae := e.resources(req)
	if ae != nil {
		return nil, ae
	}
	undo := snapshot(targets)
	if ae := e.addTags(targets, add); ae != nil {
		return nil, ae
	}
	if ae := e.commit(undo); ae != nil {
		return nil, ae
	}
	return map[string]any{}, nil
}

func (e *Emulator) untagResources(req *request, _ *spec.Operation) (answer, *apiError) {
	keys := indexed(req, spec.ParamTagKey)
	all := req.value(spec.ParamAll) == "true"
	if len(keys) == 0 && !all {
		return nil, e.gatewayError(spec.GatewayMissingParameter, spec.ParamTagKey+".1 is required unless "+spec.ParamAll+" is true")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	targets, ae := e.resources(req)
	if ae != nil {
		return nil, ae
	}
	undo := snapshot(targets)
	for _, t := range targets {
		*t = slices.DeleteFunc(append([]tag{}, (*t)...), func(x tag) bool { return len(keys) == 0 || slices.Contains(keys, x.Key) })
	}
	if ae := e.commit(undo); ae != nil {
		return nil, ae
	}
	return map[string]any{}, nil
}

// listTagResources has one row per resource and tag, ordered by resource id then as tagged,
// for the resources named (all of the kind when none is) that carry every tag of the filter.
func (e *Emulator) listTagResources(req *request, op *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	kind := req.value(spec.ParamResourceType)
	ids := indexed(req, spec.ParamResourceID)
	if len(ids) == 0 {
		ids = e.taggableIDs(req, kind)
	}
	want := requestTags(req, op)
	var rows []any
	for _, id := range ids {
		t := e.taggable(req, kind, id)
		if t == nil || !hasTags(*t, want) {
			continue
		}
		for _, tg := range *t {
			rows = append(rows, fields(kv{spec.ParamResourceType, kind}, kv{spec.ParamResourceID, id},
				kv{spec.ParamTagKey, tg.Key}, kv{spec.FieldTagValueOut, tg.Value}))
		}
	}
	start := 0
	if tok := req.value(spec.ParamNextToken); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 || n > len(rows) {
			return nil, e.gatewayError(spec.GatewayInvalidParameter, spec.ParamNextToken+" is not a token this emulator issued")
		}
		start = n
	}
	end := min(start+listTagPageSize, len(rows))
	next := ""
	if end < len(rows) {
		next = strconv.Itoa(end)
	}
	page := append([]any{}, rows[start:end]...)
	return fields(kv{spec.FieldTagResources, fields(kv{spec.FieldTagResource, page})}, kv{spec.ParamNextToken, next}), nil
}

// jsonTags reads the Tags parameter of the older tag operations: a JSON list of objects with
// TagKey and TagValue.
func (e *Emulator) jsonTags(req *request, needKey bool) ([]tag, *apiError) {
	text, ok := req.get(spec.ParamTags)
	if !ok || strings.TrimSpace(text) == "" {
		return nil, nil
	}
	var raw []map[string]any
	bad := e.gatewayError(spec.GatewayInvalidParameter, spec.ParamTags+` must be a JSON list such as [{"`+spec.ParamTagKey+`":"k","`+spec.FieldTagValueOut+`":"v"}]`)
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, bad
	}
	out := make([]tag, 0, len(raw))
	for _, m := range raw {
		k, _ := m[spec.ParamTagKey].(string)
		v, _ := m[spec.FieldTagValueOut].(string)
		if needKey && k == "" {
			return nil, bad
		}
		out = append(out, tag{Key: k, Value: v})
	}
	return out, nil
}

func (e *Emulator) addTagsOld(req *request, _ *spec.Operation) (answer, *apiError) {
	add, ae := e.jsonTags(req, true)
	if ae != nil {
		return nil, ae
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, lb, ae := e.loadBalancer(req)
	if ae != nil {
		return nil, ae
	}
	targets := []*[]tag{&lb.Tags}
	undo := snapshot(targets)
	if ae := e.addTags(targets, add); ae != nil {
		return nil, ae
	}
	if ae := e.commit(undo); ae != nil {
		return nil, ae
	}
	return map[string]any{}, nil
}

func (e *Emulator) removeTagsOld(req *request, _ *spec.Operation) (answer, *apiError) {
	drop, ae := e.jsonTags(req, true)
	if ae != nil {
		return nil, ae
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, lb, ae := e.loadBalancer(req)
	if ae != nil {
		return nil, ae
	}
	before := lb.Tags
	lb.Tags = slices.DeleteFunc(append([]tag{}, lb.Tags...), func(x tag) bool {
		return slices.ContainsFunc(drop, func(d tag) bool { return d.Key == x.Key && (d.Value == "" || d.Value == x.Value) })
	})
	if ae := e.commit(func() { lb.Tags = before }); ae != nil {
		return nil, ae
	}
	return map[string]any{}, nil
}

// describeTags counts, for each tag (each key with DistinctKey=true), the instances carrying
// it among those named by LoadBalancerId (all when none) that carry every tag of Tags.
func (e *Emulator) describeTags(req *request, _ *spec.Operation) (answer, *apiError) {
	want, ae := e.jsonTags(req, false)
	if ae != nil {
		return nil, ae
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	distinct := req.value(spec.ParamDistinctKey) == "true"
	var ids []string
	if v := req.value(spec.ParamLoadBalancerID); v != "" {
		ids = splitList(v)
	} else {
		ids = e.taggableIDs(req, resourceInstance)
	}
	type row struct{ key, value string }
	count := map[row]int{}
	var order []row
	for _, id := range ids {
		t := e.taggable(req, resourceInstance, id)
		if t == nil || !hasTags(*t, want) {
			continue
		}
		for _, tg := range *t {
			r := row{tg.Key, tg.Value}
			if distinct {
				r.value = ""
			}
			if count[r] == 0 {
				order = append(order, r)
			}
			count[r]++
		}
	}
	slices.SortFunc(order, func(a, b row) int { return strings.Compare(a.key+"\x00"+a.value, b.key+"\x00"+b.value) })
	number := max(intOr(req.value(spec.ParamPageNumber), 1), 1)
	size := max(intOr(req.value(spec.ParamPageSize), listTagPageSize), 1)
	start := min((number-1)*size, len(order))
	sets := []any{}
	for _, r := range order[start:min(start+size, len(order))] {
		sets = append(sets, fields(kv{spec.ParamTagKey, r.key}, kv{spec.FieldTagValueOut, r.value}, kv{spec.FieldInstanceCount, count[r]}))
	}
	return fields(kv{spec.FieldTagSets, fields(kv{spec.FieldTagSet, sets})}, kv{spec.ParamPageNumber, number},
		kv{spec.ParamPageSize, size}, kv{spec.FieldTotalCount, len(order)}), nil
}
