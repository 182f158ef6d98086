package emulator

import (
	"slices"
	"strconv"
	"strings"

	"github.com/clbcheck/clbcheck/spec"
)

// Paging defaults of DescribeLoadBalancers.
const (
	defaultPageSize = 10
	maxListResults  = 20 // DescribeLoadBalancerListeners' MaxResults when not given
)

// lbFilter is one equality filter of DescribeLoadBalancers: the parameter and what it is
// compared with. A parameter given as a comma-separated list matches any of its values.
type lbFilter struct {
	param string
	value func(lb *instance) string
}

var lbFilters = []lbFilter{
	{spec.ParamLoadBalancerID, func(lb *instance) string { return lb.ID }},
	{spec.ParamLoadBalancerName, func(lb *instance) string { return lb.Name }},
	{spec.ParamAddressType, func(lb *instance) string { return lb.AddressType }},
	{spec.ParamAddressIPVersion, func(lb *instance) string { return lb.IPVersion }},
	{spec.ParamNetworkType, func(lb *instance) string { return lb.networkType() }},
	{spec.ParamVpcID, func(lb *instance) string { return lb.VpcID }},
	{spec.ParamVSwitchID, func(lb *instance) string { return lb.VSwitchID }},
	{spec.ParamAddress, func(lb *instance) string { return lb.Address }},
	{spec.ParamMasterZoneID, func(lb *instance) string { return lb.Zone }},
	{spec.ParamLoadBalancerStatus, func(*instance) string { return lbStatusActive }},
}

// matchesFilters reports whether an instance passes every filter the request gives.
func matchesFilters(req *request, lb *instance) bool {
	for _, f := range lbFilters {
		v, ok := req.get(f.param)
		if !ok || v == "" {
			continue
		}
		if !slices.Contains(splitList(v), f.value(lb)) {
			return false
		}
	}
	return true
}

func splitList(v string) []string {
	parts := strings.Split(v, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// describeLoadBalancers lists the caller's instances of the request's region that pass every
// filter (the equality filters above, and every tag the request names, a tag given without a
// value matching any value), ordered by id and paged by PageNumber and PageSize.
func (e *Emulator) describeLoadBalancers(req *request, op *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	want := requestTags(req, op)
	var all []any
	if r := e.state.region(req.caller.accountID, req.region, false); r != nil {
		for _, id := range sortedKeys(r.LoadBalancers) {
			lb := r.LoadBalancers[id]
			if matchesFilters(req, lb) && hasTags(lb.Tags, want) {
				all = append(all, e.lbItem(req.caller.accountID, req.region, lb))
			}
		}
	}
	number := max(intOr(req.value(spec.ParamPageNumber), 1), 1)
	size := max(intOr(req.value(spec.ParamPageSize), defaultPageSize), 1)
	start := min((number-1)*size, len(all))
	end := min(start+size, len(all))
	page := append([]any{}, all[start:end]...)
	return fields(
		kv{spec.FieldTotalCount, len(all)},
		kv{spec.ParamPageNumber, number},
		kv{spec.ParamPageSize, size},
		kv{spec.FieldLoadBalancers, fields(kv{spec.FieldLoadBalancer, page})},
	), nil
}

// requestTags reads the Tag list of a request (none when the operation takes no tags).
func requestTags(req *request, op *spec.Operation) []tag {
	tp := op.Param(spec.ParamTag)
	if tp == nil || tp.List == nil {
		return nil
	}
	var out []tag
	for _, it := range readerOf(tp).items(req.values) {
		out = append(out, tag{Key: it.Fields[spec.FieldTagKey], Value: it.Fields[spec.FieldTagValue]})
	}
	return out
}

// tagItems renders tags as the Describe operations list them.
func tagItems(tags []tag) []any {
	out := make([]any, 0, len(tags))
	for _, t := range tags {
		out = append(out, fields(kv{spec.ParamTagKey, t.Key}, kv{spec.FieldTagValueOut, t.Value}))
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

// listenerItemFields are the attributes DescribeLoadBalancerListeners shows on a listener's item;
// the others go into its HTTPSListenerConfig. VpcIds is shown by neither: the listing leaves the
// VPC list to the attribute answer.
var listenerItemFields = []string{
	spec.ParamLoadBalancerID, spec.ParamListenerPort, spec.ParamBandwidth, spec.ParamScheduler,
	spec.ParamACLID, spec.ParamACLStatus, spec.ParamACLType, spec.ParamDescription,
	spec.ParamBackendServerPort, spec.ParamBackendProtocol, spec.ParamVServerGroupID,
}

// listenerItem renders a listener as DescribeLoadBalancerListeners lists it.
func (e *Emulator) listenerItem(lb *instance, l *listener) orderedMap {
	attrs := e.storedAttributes(l, 4)
	item := make(orderedMap, 0, len(listenerItemFields)+8)
	config := make(orderedMap, 0, len(attrs)+1)
	for _, f := range attrs {
		switch {
		case slices.Contains(listenerItemFields, f.k):
			item = append(item, f)
		case f.k != spec.ParamVpcIDs:
			config = append(config, f)
		}
	}
	certs := make([]any, 0, len(l.Certificates))
	for _, c := range l.Certificates {
		certs = append(certs, fields(kv{spec.FieldCertificateID, c.CertificateID}, kv{spec.FieldBindingType, c.BindingType}, kv{spec.FieldStandardType, c.StandardType}))
	}
	config = config.set(spec.FieldServerCertificates, certs)
	for _, f := range []kv{
		{spec.FieldLoadBalancerID, lb.ID},
		{spec.FieldListenerPort, l.Port},
		{spec.FieldListenerProtocol, l.Protocol},
		{spec.FieldStatus, e.status(l)},
		{spec.FieldAclIDs, append([]string{}, l.ACLIDs...)},
		{spec.FieldTags, tagItems(l.Tags)},
		{spec.FieldServiceManagedMode, unmanaged},
		{spec.ParamBackendProtocol, backendProtocol(l)},
		{spec.FieldHTTPSListenerConfig, config},
	} {
		item = item.set(f.k, f.v)
	}
	sortByName(item)
	return item
}

// describeListeners lists the listeners of the caller's instances in the request's region
// (those named by LoadBalancerId.N, else all), filtered by port, protocol, description and
// tags, and paged with MaxResults and NextToken (an offset this emulator issues).
func (e *Emulator) describeListeners(req *request, op *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.state.region(req.caller.accountID, req.region, false)
	ids := indexed(req, spec.ParamLoadBalancerID)
	port := req.value(spec.ParamListenerPort)
	proto := req.value(spec.ParamListenerProtocol)
	desc, byDesc := req.get(spec.ParamDescription)
	want := requestTags(req, op)
	var all []any
	if r != nil {
		if len(ids) == 0 {
			ids = sortedKeys(r.LoadBalancers)
		}
		for _, id := range ids {
			lb := r.LoadBalancers[id]
			if lb == nil {
				continue
			}
			for _, p := range sortedPorts(lb) {
				l := lb.Listeners[p]
				if !e.visible(l) || (port != "" && port != strconv.Itoa(p)) || (proto != "" && proto != l.Protocol) ||
					(byDesc && l.Attributes[spec.ParamDescription] != desc) || !hasTags(l.Tags, want) {
					continue
				}
				all = append(all, e.listenerItem(lb, l))
			}
		}
	}
	size := maxListResults
	if v, err := strconv.Atoi(req.value(spec.ParamMaxResults)); err == nil && v > 0 {
		size = v
	}
	start := 0
	if tok := req.value(spec.ParamNextToken); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 || n > len(all) {
			return nil, e.gatewayError(spec.GatewayInvalidParameter, spec.ParamNextToken+" is not a token this emulator issued")
		}
		start = n
	}
	end := min(start+size, len(all))
	page := append([]any{}, all[start:end]...)
	next := ""
	if end < len(all) {
		next = strconv.Itoa(end)
	}
	return fields(kv{spec.FieldListeners, page}, kv{spec.ParamNextToken, next}, kv{spec.ParamMaxResults, size}, kv{spec.FieldTotalCount, len(all)}), nil
}
