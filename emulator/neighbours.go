package emulator

import (
	"maps"
	"slices"
	"strconv"

	"github.com/clbcheck/clbcheck/spec"
)

// The operations a tool that manages HTTPS listeners calls around the create: changing a
// listener, reading and deleting certificates, reading an ACL.

// notOnChange names the rows of the create's state table that concern the creation itself
// (the instance's zone and region, the port, how many listeners an instance, a policy or an ACL
// already serves, of which the listener being changed is already one); every other row holds
// for a change of attributes as it does for a create.
var notOnChange = []string{
	string(spec.StateLoadBalancerNotFound), string(spec.StateZoneOutOfResources), string(spec.StateLayer4OnlyInstance),
	string(spec.StateTCPSSLOnlyInstance), string(spec.StateSpecProtocolMismatch), string(spec.StateRegionLacksParameter),
	string(spec.StateListenerPending), string(spec.StatePortInUse), string(spec.QuotaListenersPerLoadBalancer),
	string(spec.QuotaListenersPerTLSPolicy), string(spec.QuotaListenersPerACL),
}

// setListener is SetLoadBalancerHTTPSListenerAttribute: the attributes sent replace the stored
// ones, after the same state checks as a create (certificates, server group, TLS policy, ACLs).
// VServerGroup=off detaches the server group. A listener still starting is busy.
func (e *Emulator) setListener(req *request, op *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	lb, l, ae := e.listener(req)
	if ae != nil {
		return nil, ae
	}
	if e.status(l) == spec.StatusStarting {
		return nil, e.busy()
	}
	c := &createCtx{e: e, req: req, lb: lb, port: l.Port}
	c.region = e.state.region(req.caller.accountID, req.region, false)
	if id, ok := req.get(spec.ParamServerCertificateID); ok {
		c.certs = append(c.certs, id)
	}
	if v, ok := req.get(spec.ParamACLID); ok {
		for _, id := range splitList(v) {
			if id != "" && !slices.Contains(c.acls, id) {
				c.acls = append(c.acls, id)
			}
		}
	}
	for _, row := range createChecks {
		if slices.Contains(notOnChange, row.name()) {
			continue
		}
		if h := row.check(c); h != nil {
			return nil, e.checkError(row, h)
		}
	}
	before := *l
	before.Attributes = maps.Clone(l.Attributes)
	e.applyChange(c, op, l)
	if ae := e.commit(func() { *l = before }); ae != nil {
		return nil, ae
	}
	return map[string]any{}, nil
}

// applyChange writes the attributes a change sends into a listener.
func (e *Emulator) applyChange(c *createCtx, op *spec.Operation, l *listener) {
	req := c.req
	for _, p := range op.Parameters {
		v, ok := req.get(p.Name)
		if !ok || p.Common || p.Name == spec.ParamRegionID || p.Name == spec.ParamLoadBalancerID || p.Name == spec.ParamListenerPort {
			continue
		}
		if slices.ContainsFunc(e.attributeFields, func(f attributeField) bool { return f.name == p.Name }) {
			l.Attributes[p.Name] = v
		}
	}
	if req.value(spec.ParamVServerGroup) == switchOff {
		delete(l.Attributes, spec.ParamVServerGroupID)
	}
	if _, ok := req.get(spec.ParamACLID); ok {
		l.ACLIDs = c.acls
	}
	if id, ok := req.get(spec.ParamServerCertificateID); ok {
		ref := certRef{CertificateID: id}
		if cert := c.region.Certificates[id]; cert != nil {
			ref.StandardType = cert.StandardType
		}
		if f := e.spec.UnderTest.Param(spec.ParamServerCertificate).List.Field(spec.FieldBindingType); f != nil && f.Default != nil {
			ref.BindingType = *f.Default
		}
		l.Certificates = []certRef{ref}
	}
	l.view = nil // what Describe shows has changed
}

// certificates lists the caller's certificates of the request's region, server or CA ones,
// sorted by id; id, when given, keeps only that one.
func (e *Emulator) certificates(req *request, ca bool, id string) []*certificate {
	r := e.state.region(req.caller.accountID, req.region, false)
	if r == nil {
		return nil
	}
	var out []*certificate
	for _, k := range sortedKeys(r.Certificates) {
		if c := r.Certificates[k]; c.CA == ca && (id == "" || id == k) {
			out = append(out, c)
		}
	}
	return out
}

func (e *Emulator) describeServerCertificates(req *request, op *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	want := requestTags(req, op)
	items := []any{}
	for _, c := range e.certificates(req, false, req.value(spec.ParamServerCertificateID)) {
		if hasTags(c.Tags, want) {
			items = append(items, serverCertItem(req.caller.accountID, req.region, c))
		}
	}
	return fields(kv{spec.FieldServerCertificates, fields(kv{spec.ParamServerCertificate, items})}), nil
}

func (e *Emulator) describeCACertificates(req *request, _ *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	items := []any{}
	for _, c := range e.certificates(req, true, req.value(spec.ParamCACertificateID)) {
		items = append(items, caCertItem(req.caller.accountID, req.region, c))
	}
	return fields(kv{spec.FieldCACertificates, fields(kv{spec.FieldCACertificate, items})}), nil
}

// deleteServerCertificate removes a server certificate that no listener of the region uses.
func (e *Emulator) deleteServerCertificate(req *request, _ *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := req.value(spec.ParamServerCertificateID)
	r := e.state.region(req.caller.accountID, req.region, false)
	if r == nil || r.Certificates[id] == nil || r.Certificates[id].CA {
		return nil, e.neighbourError(spec.NeighbourServerCertificateNotFound, id)
	}
	return removeUnused(e, r, r.Certificates, id, spec.NeighbourCertificateInUse, func(l *listener) bool {
		return l.Attributes[spec.ParamServerCertificateID] == id || slices.ContainsFunc(l.Certificates, func(c certRef) bool { return c.CertificateID == id })
	})
}

// deleteCACertificate removes a CA certificate of the caller that no listener of the region
// uses. Another account's certificate, or a server certificate, is not found.
func (e *Emulator) deleteCACertificate(req *request, _ *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := req.value(spec.ParamCACertificateID)
	r := e.state.region(req.caller.accountID, req.region, false)
	if r == nil || r.Certificates[id] == nil || !r.Certificates[id].CA {
		return nil, e.neighbourError(spec.NeighbourCACertificateAbsent, id)
	}
	return removeUnused(e, r, r.Certificates, id, spec.NeighbourCACertificateInUse, func(l *listener) bool { return l.Attributes[spec.ParamCACertificateID] == id })
}

// deleteACL is DeleteAccessControlList: it removes an ACL of the caller that no listener of
// the region uses. Another account's ACL is not found.
func (e *Emulator) deleteACL(req *request, _ *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := req.value(spec.ParamACLID)
	r := e.state.region(req.caller.accountID, req.region, false)
	if r == nil || r.ACLs[id] == nil {
		return nil, e.neighbourError(spec.NeighbourACLAbsent, id)
	}
	return removeUnused(e, r, r.ACLs, id, spec.NeighbourACLInUse, func(l *listener) bool { return slices.Contains(l.ACLIDs, id) })
}

// deleteTLSPolicy is DeleteTLSCipherPolicy: it removes a custom TLS cipher policy of the
// caller that is configured and that no listener of the region uses. A policy that does not
// exist (another account's, a built-in one) and one still being configured are answered as the
// listener create answers them.
func (e *Emulator) deleteTLSPolicy(req *request, _ *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := req.value(spec.ParamTLSCipherPolicyID)
	r := e.state.region(req.caller.accountID, req.region, false)
	if r == nil || r.TLSPolicies[id] == nil {
		return nil, e.stateError(spec.StateTLSPolicyNotFound, "no custom TLS cipher policy "+id)
	}
	if e.now().Before(r.TLSPolicies[id].Created.Add(e.cfg.scenarioDuration(spec.ScenarioTLSPolicyConfiguringTime))) {
		return nil, e.stateError(spec.StateTLSPolicyConfiguring, "TLS cipher policy "+id+" is still being configured")
	}
	return removeUnused(e, r, r.TLSPolicies, id, spec.NeighbourTLSPolicyInUse, func(l *listener) bool { return l.Attributes[spec.ParamTLSCipherPolicy] == id })
}

// removeUnused deletes id from m, a collection of region r, unless a listener of r uses it
// (answered with inUse, naming the listener); a change that cannot be written is undone.
// Callers hold e.mu.
func removeUnused[V any](e *Emulator, r *regionState, m map[string]V, id string, inUse spec.NeighbourState, uses func(*listener) bool) (answer, *apiError) {
	if where := usedBy(r, uses); where != "" {
		return nil, e.neighbourError(inUse, where)
	}
	v := m[id]
	delete(m, id)
	if ae := e.commit(func() { m[id] = v }); ae != nil {
		return nil, ae
	}
	return map[string]any{}, nil
}

// usedBy names the first listener of the region (in the order of instance ids and ports) for
// which uses holds, or "" when none does. Callers hold e.mu.
func usedBy(r *regionState, uses func(*listener) bool) string {
	for _, lbID := range sortedKeys(r.LoadBalancers) {
		lb := r.LoadBalancers[lbID]
		for _, p := range sortedPorts(lb) {
			if uses(lb.Listeners[p]) {
				return "listener " + lbID + ":" + strconv.Itoa(p)
			}
		}
	}
	return ""
}

// Paging of DescribeAccessControlListAttribute's entries.
const defaultACLPageSize = 50

// describeACL is DescribeAccessControlListAttribute: the ACL, its entries (those with the
// comment AclEntryComment when given, paged by Page and PageSize) and the listeners using it.
func (e *Emulator) describeACL(req *request, _ *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := req.value(spec.ParamACLID)
	r := e.state.region(req.caller.accountID, req.region, false)
	if r == nil || r.ACLs[id] == nil {
		return nil, e.stateError(spec.StateACLNotFound, "no ACL "+id)
	}
	a := r.ACLs[id]
	comment, byComment := req.get(spec.ParamAclEntryComment)
	var entries []any
	for _, ent := range a.Entries {
		if !byComment || ent.Comment == comment {
			entries = append(entries, fields(kv{spec.FieldAclEntryIP, ent.Entry}, kv{spec.ParamAclEntryComment, ent.Comment}))
		}
	}
	page, size := max(intOr(req.value(spec.ParamPage), 1), 1), max(intOr(req.value(spec.ParamPageSize), defaultACLPageSize), 1)
	start := min((page-1)*size, len(entries))
	shown := append([]any{}, entries[start:min(start+size, len(entries))]...)
	related := []any{}
	for _, lbID := range sortedKeys(r.LoadBalancers) {
		lb := r.LoadBalancers[lbID]
		for _, p := range sortedPorts(lb) {
			if l := lb.Listeners[p]; slices.Contains(l.ACLIDs, id) {
				related = append(related, fields(kv{spec.FieldLoadBalancerID, lbID}, kv{spec.FieldListenerPort, p},
					kv{spec.FieldProtocol, l.Protocol}, kv{spec.ParamACLType, l.Attributes[spec.ParamACLType]}))
			}
		}
	}
	created := a.Created
	if created.IsZero() {
		created = e.now() // an ACL of an older state file, which did not record it
	}
	return fields(
		kv{spec.FieldACLID, a.ID}, kv{spec.ParamACLName, a.Name}, kv{spec.ParamAddressIPVersion, a.IPVersion},
		kv{spec.FieldCreateTime, created.UTC().Format(timeLayout)},
		kv{spec.FieldResourceGroupID, resourceGroup(req.caller.accountID)},
		kv{spec.FieldServiceManagedMode, unmanaged},
		kv{spec.FieldTotalAclEntry, len(entries)},
		kv{spec.FieldAclEntrys, fields(kv{spec.FieldAclEntry, shown})},
		kv{spec.FieldRelatedListeners, fields(kv{spec.FieldRelatedListener, related})},
		kv{spec.FieldTags, wrapTags(a.Tags)},
	), nil
}
