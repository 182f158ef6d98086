package emulator

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/clbcheck/clbcheck/spec"
)

// createCtx carries what the state checks of CreateLoadBalancerHTTPSListener look at.
type createCtx struct {
	e      *Emulator
	req    *request
	region *regionState
	lb     *instance
	port   int
	certs  []string // server certificate ids: ServerCertificateId or the list entries
	items  []item   // the entries of the ServerCertificate list as sent
	acls   []string // AclId split at commas (one id with Choices.SingleACLID)
	seen   uint64   // what the create had seen when it began (concurrency/port-check-race)
}

// stateCheck is one row of the state table: the description names the state (x-states) or
// the quota (x-quotas); check returns nil when the request passes, else the arguments that
// fill the %s of the code's message (possibly none) and a detail for Recommend.
type stateCheck struct {
	state spec.StateName // a state of x-states, or "" for a quota row
	quota spec.QuotaName // a quota of x-quotas
	check func(c *createCtx) *hit
	fault faultSwitch // the hand-written fault that switches the row off, if any
}

// name is the state or quota the row is named after.
func (row stateCheck) name() string {
	if row.state != "" {
		return string(row.state)
	}
	return string(row.quota)
}

type hit struct {
	args   []string
	detail string
	multi  bool // a quota reached through several ACLs (the quota's multi-acl code)
}

func hitf(format string, a ...any) *hit { return &hit{detail: fmt.Sprintf(format, a...)} }

// createChecks is the order in which the state of the service is consulted. Each row is
// named after the description's state or quota; the code, status and message come from the
// catalogue entry whose trigger names it.
var createChecks = []stateCheck{
	{state: spec.StateLoadBalancerNotFound, check: checkLoadBalancer},
	zoneRow(spec.StateZoneOutOfResources),
	zoneRow(spec.StateLayer4OnlyInstance),
	zoneRow(spec.StateTCPSSLOnlyInstance),
	zoneRow(spec.StateSpecProtocolMismatch),
	{state: spec.StateRegionLacksParameter, check: checkRegionParameters},
	{state: spec.StateListenerPending, check: checkPending},
	{state: spec.StatePortInUse, check: checkPortInUse, fault: swPortConflictMissed},
	quotaRow(spec.QuotaListenersPerLoadBalancer, checkListenerQuota, swListenerQuotaIgnored),
	{state: spec.StateSharedTLSPolicy, check: checkSharedTLS},
	{state: spec.StateSharedMutualAuth, check: checkSharedMutual},
	{state: spec.StateIPv6ForwardingHeader, check: checkIPv6Forwarding},
	{state: spec.StateForeignCertificate, check: checkForeignCertificate, fault: swForeignCertificate},
	{state: spec.StateCertificateNotFound, check: checkCertificateExists},
	{state: spec.StateCertificateKindMismatch, check: checkCertificateKinds},
	{state: spec.StateCNCertificate, check: checkCnCertificate},
	{state: spec.StateCACertificateNotFound, check: checkCAExists},
	{state: spec.StateServerGroupNotFound, check: checkGroupExists},
	{state: spec.StateMasterSlaveGroup, check: checkMasterSlave},
	{state: spec.StateTLSPolicyNotFound, check: checkPolicyExists},
	{state: spec.StateTLSPolicyConfiguring, check: checkPolicyConfiguring},
	quotaRow(spec.QuotaListenersPerTLSPolicy, checkPolicyQuota, swNone),
	{state: spec.StateACLNotFound, check: checkACLExists},
	{state: spec.StateACLIPVersionMismatch, check: checkACLVersion},
	quotaRow(spec.QuotaACLsPerListener, checkACLCount, swNone),
	{state: spec.StateACLDuplicateEntry, check: checkACLDuplicates},
	quotaRow(spec.QuotaACLEntriesPerListener, checkACLEntries, swNone),
	quotaRow(spec.QuotaListenersPerACL, checkACLListeners, swNone),
}

// rowImplies lists, for a state, the later rows that hold whenever it does: a fault accepting
// a create while the state holds switches them off too (a listener still starting is also a
// listener on the port).
var rowImplies = map[spec.StateName][]spec.StateName{
	spec.StateListenerPending: {spec.StatePortInUse},
}

// rowNamed returns the row of the create table named after a state or quota.
func rowNamed(name string) stateCheck {
	for _, row := range createChecks {
		if row.name() == name {
			return row
		}
	}
	return stateCheck{}
}

// CheckedStates lists the states and quotas the emulator checks for the operation under test,
// in order (for tests and documentation).
func CheckedStates() []string {
	out := make([]string, 0, len(createChecks))
	for _, c := range createChecks {
		out = append(out, c.name())
	}
	return out
}

func (e *Emulator) createListener(req *request, op *spec.Operation) (answer, *apiError) {
	seen := e.inj.raceSeen()
	e.mu.Lock()
	defer e.mu.Unlock()
	port, _ := strconv.Atoi(req.value(spec.ParamListenerPort))
	c := &createCtx{e: e, req: req, port: port, seen: seen}
	c.region, c.lb = e.createTarget(req)
	c.region = e.inj.certificateView(e.state, c.region, req.caller.accountID)
	if id, ok := req.get(spec.ParamServerCertificateID); ok {
		c.certs = append(c.certs, id)
	}
	c.items = e.engine.items(op, spec.ParamServerCertificate, req.values)
	for _, it := range c.items {
		c.certs = append(c.certs, it.Fields[spec.FieldCertificateID])
	}
	if v, ok := req.get(spec.ParamACLID); ok {
		ids := []string{v}
		if !e.cfg.Choices.SingleACLID {
			ids = strings.Split(v, ",")
		}
		for _, id := range ids {
			if id = strings.TrimSpace(id); id != "" && !slices.Contains(c.acls, id) {
				c.acls = append(c.acls, id)
			}
		}
	}
	for _, row := range createChecks {
		h := row.check(c)
		if h == nil || e.inj.skipsCheck(row) {
			continue
		}
		e.inj.leaveBehind(e, c, op)
		e.inj.overwrite(e, c, op)
		return nil, e.checkError(row, h)
	}
	e.inj.raceWindow(&e.mu)
	l := e.newListener(c, op)
	e.inj.created(l)
	c.lb.Listeners[port] = l
	if err := e.persist(); err != nil {
		delete(c.lb.Listeners, port)
		return nil, e.gatewayError(spec.GatewayInternalError, err.Error())
	}
	return map[string]any{}, nil
}

// createTarget finds the instance a create names. When no instance of the caller has the id,
// a fault may find another account's, or (with the load-balancer-not-found row switched off)
// stand a throwaway instance in, so that the create goes through. Callers hold e.mu.
func (e *Emulator) createTarget(req *request) (*regionState, *instance) {
	id := req.value(spec.ParamLoadBalancerID)
	r, lb := e.findLB(req, id)
	if lb != nil {
		return r, lb
	}
	// The caller's own resources (certificates, ACLs, policies) are looked up in its region.
	own := e.state.region(req.caller.accountID, req.region, false)
	if own == nil {
		own = &regionState{LoadBalancers: map[string]*instance{}, Certificates: map[string]*certificate{}, ACLs: map[string]*acl{}, TLSPolicies: map[string]*tlsPolicy{}}
	}
	if lb := e.inj.foreignLoadBalancer(e.state, req.caller.accountID, id); lb != nil {
		return own, lb
	}
	if !e.inj.skipsCheck(rowNamed(string(spec.StateLoadBalancerNotFound))) {
		return r, nil
	}
	return own, &instance{ID: id, IPVersion: ipv4, Spec: "phantom", Listeners: map[int]*listener{}, Groups: map[string]*serverGroup{}}
}

// newListener builds the listener a create asks for, once every check has passed.
func (e *Emulator) newListener(c *createCtx, op *spec.Operation) *listener {
	req, port := c.req, c.port
	list := op.Param(spec.ParamServerCertificate).List
	omit := e.cfg.Choices.DescribeOmitsUnset
	l := &listener{Port: port, Protocol: protocolHTTPS, Attributes: make(map[string]string, len(op.Parameters)), ACLIDs: c.acls, Created: e.now()}
	for _, p := range op.Parameters {
		if p.List != nil || p.Common || !e.engine.knows(op, p.Name) {
			continue
		}
		if v, ok := req.get(p.Name); ok {
			l.Attributes[p.Name] = v
		} else if p.Default != nil && !omit {
			l.Attributes[p.Name] = *p.Default
		}
	}
	// An IPv6 instance cannot carry X-Forwarded-For (checkIPv6Forwarding); its default is off.
	if c.lb.IPVersion == ipv6 && !omit {
		if _, sent := req.get(spec.ParamXForwardedFor); !sent {
			l.Attributes[spec.ParamXForwardedFor] = "off"
		}
	}
	delete(l.Attributes, spec.ParamRegionID)
	for _, it := range c.items {
		ref := certRef{CertificateID: it.Fields[spec.FieldCertificateID], BindingType: it.Fields[spec.FieldBindingType], StandardType: it.Fields[spec.FieldStandardType]}
		if f := list.Field(spec.FieldBindingType); ref.BindingType == "" && f.Default != nil {
			ref.BindingType = *f.Default
		}
		if f := list.Field(spec.FieldStandardType); ref.StandardType == "" && f.Default != nil {
			ref.StandardType = *f.Default
		}
		l.Certificates = append(l.Certificates, ref)
		if _, ok := l.Attributes[spec.ParamServerCertificateID]; !ok {
			l.Attributes[spec.ParamServerCertificateID] = ref.CertificateID
		}
	}
	if id, ok := req.get(spec.ParamServerCertificateID); ok {
		st := ""
		if cert := c.region.Certificates[id]; cert != nil {
			st = cert.StandardType
		}
		ref := certRef{CertificateID: id, StandardType: st}
		if f := list.Field(spec.FieldBindingType); f.Default != nil {
			ref.BindingType = *f.Default
		}
		l.Certificates = append(l.Certificates, ref)
	}
	l.Tags = requestTags(req, op)
	return l
}

// checkError finds the catalogue entry of a row and fills its message. A row whose code the
// page does not tie to it answers another plausible code under Choices.AlternativeCodes
// (the first other code its catalogue entry accepts); a fault may answer another code on any
// row.
func (e *Emulator) checkError(row stateCheck, h *hit) *apiError {
	code := ""
	if row.quota == "" {
		ec, ok := e.spec.StateError(row.state)
		if !ok {
			return e.stateError(row.state, h.detail, h.args...)
		}
		code = e.rowCode(row, ec)
	} else {
		q, _ := e.spec.Quota(row.quota)
		code = q.Code
		if h.multi && q.MultiACLCode != "" {
			code = q.MultiACLCode
		}
		if ec, ok := e.spec.Error(code); ok {
			code = e.rowCode(row, ec)
		}
	}
	if code == "" {
		return e.gatewayError(spec.GatewayInternalError, "no catalogue entry for "+row.name())
	}
	return e.codeError(code, h.detail, h.args...)
}

// rowCode is the code a row answers: the catalogue's, another under a fault, or under
// Choices.AlternativeCodes another code its entry accepts (documented entries only have one
// when the page gives two rows for the trigger) or a plausible alternative of an inferred one.
func (e *Emulator) rowCode(row stateCheck, ec spec.ErrorCode) string {
	if e.inj.wrongCode(row) {
		return e.engine.wrongCode(ec.Outcome()).Code
	}
	if !e.cfg.Choices.AlternativeCodes {
		return ec.Code
	}
	for _, alt := range ec.Accept {
		if _, known := e.spec.Error(alt); known && alt != ec.Code {
			return alt // the description's other plausible code for the trigger
		}
	}
	if ec.Outcome().Basis == spec.Documented {
		return ec.Code
	}
	if ec.Trigger.MultiACL {
		// The multi-ACL spelling of a quota's code: the single-ACL code is as plausible.
		if q, ok := e.spec.Quota(spec.QuotaName(row.name())); ok {
			return q.Code
		}
	}
	return e.engine.invalid.Code
}

func checkLoadBalancer(c *createCtx) *hit {
	if c.lb == nil {
		return hitf("no load balancer %s in region %s of this account", c.req.value(spec.ParamLoadBalancerID), c.req.region)
	}
	return nil
}

// zoneRow is the row of a zone scenario, whose state has the scenario's name: instances
// created in the scenario's zone (MasterZoneId) have its limitation.
func zoneRow(name spec.StateName) stateCheck {
	return stateCheck{state: name, check: func(c *createCtx) *hit {
		if zone := c.e.cfg.scenario(spec.ScenarioName(name)); zone != "" && c.lb.Zone == zone {
			return hitf("instance %s is in zone %s (scenario %s)", c.lb.ID, zone, name)
		}
		return nil
	}}
}

// quotaRow is the row of a quota: check is given the quota's limit in force.
func quotaRow(name spec.QuotaName, check func(c *createCtx, limit int) *hit, fault faultSwitch) stateCheck {
	return stateCheck{quota: name, fault: fault, check: func(c *createCtx) *hit {
		limit, ok := c.e.cfg.quotaLimit(name)
		if !ok {
			return nil
		}
		return check(c, limit)
	}}
}

func checkRegionParameters(c *createCtx) *hit {
	const name = spec.ScenarioRegionLacksParameter
	sc, _ := c.e.spec.Scenario(name)
	if region := c.e.cfg.scenario(name); region == "" || c.req.region != region {
		return nil
	}
	for _, p := range sc.Parameters {
		if _, ok := c.req.get(p); ok {
			return &hit{args: []string{p}, detail: fmt.Sprintf("region %s does not offer %s (scenario %s)", c.req.region, p, name)}
		}
	}
	return nil
}

func checkPending(c *createCtx) *hit {
	if l := c.lb.Listeners[c.port]; l != nil && c.e.status(l) == spec.StatusStarting {
		return hitf("the listener on port %d is still starting", c.port)
	}
	return nil
}

func checkPortInUse(c *createCtx) *hit {
	if l := c.lb.Listeners[c.port]; l != nil && !c.e.inj.raceUnseen(l, c.seen) {
		return hitf("instance %s already has a %s listener on port %d", c.lb.ID, l.Protocol, c.port)
	}
	if c.e.inj.portKept(c.lb.ID, c.port) {
		return hitf("instance %s had a listener on port %d, deleted", c.lb.ID, c.port)
	}
	return nil
}

func checkListenerQuota(c *createCtx, limit int) *hit {
	if len(c.lb.Listeners) >= limit {
		return hitf("instance %s already has %d listeners (quota %d)", c.lb.ID, len(c.lb.Listeners), limit)
	}
	return nil
}

func checkSharedTLS(c *createCtx) *hit {
	if _, ok := c.req.get(spec.ParamTLSCipherPolicy); ok && c.lb.shared() {
		return &hit{args: []string{spec.ParamTLSCipherPolicy}, detail: "a shared-performance instance takes no TLS cipher policy"}
	}
	return nil
}

func checkSharedMutual(c *createCtx) *hit {
	if _, ok := c.req.get(spec.ParamCACertificateID); ok && c.lb.shared() {
		return hitf("a shared-performance instance cannot authenticate clients")
	}
	return nil
}

func checkIPv6Forwarding(c *createCtx) *hit {
	if c.lb.IPVersion == ipv6 && c.req.value(spec.ParamXForwardedFor) == "on" {
		return hitf("instance %s has an IPv6 address", c.lb.ID)
	}
	return nil
}

func checkForeignCertificate(c *createCtx) *hit {
	for _, id := range c.certs {
		if c.region.Certificates[id] != nil {
			continue
		}
		if owner, _, cert := c.e.state.certificateOwner(id); cert != nil && owner != c.req.caller.accountID {
			return hitf("certificate %s belongs to another account", id)
		}
	}
	return nil
}

func checkCertificateExists(c *createCtx) *hit {
	for _, id := range c.certs {
		if c.region.Certificates[id] == nil {
			return hitf("no certificate %s in region %s", id, c.req.region)
		}
	}
	return nil
}

func checkCertificateKinds(c *createCtx) *hit {
	for _, id := range c.certs {
		if cert := c.region.Certificates[id]; cert != nil && cert.CA {
			return hitf("%s is a CA certificate, not a server certificate", id)
		}
	}
	if id, ok := c.req.get(spec.ParamCACertificateID); ok {
		if cert := c.region.Certificates[id]; cert != nil && !cert.CA {
			return hitf("%s is a server certificate, not a CA certificate", id)
		}
	}
	return nil
}

func checkCnCertificate(c *createCtx) *hit {
	for _, id := range c.certs {
		if cert := c.region.Certificates[id]; cert != nil && cert.StandardType == standardCN {
			return hitf("certificate %s was uploaded with StandardType %s", id, standardCN)
		}
	}
	return nil
}

func checkCAExists(c *createCtx) *hit {
	if id, ok := c.req.get(spec.ParamCACertificateID); ok && c.region.Certificates[id] == nil {
		return hitf("no CA certificate %s in region %s", id, c.req.region)
	}
	return nil
}

func checkGroupExists(c *createCtx) *hit {
	if id, ok := c.req.get(spec.ParamVServerGroupID); ok && c.group(id) == nil {
		return hitf("instance %s has no server group %s", c.lb.ID, id)
	}
	return nil
}

// group finds a server group of the instance (or, under a fault, of another instance).
func (c *createCtx) group(id string) *serverGroup {
	if g := c.lb.Groups[id]; g != nil {
		return g
	}
	return c.e.inj.otherInstanceGroup(c.region, id)
}

func checkMasterSlave(c *createCtx) *hit {
	if id, ok := c.req.get(spec.ParamVServerGroupID); ok && c.group(id) != nil && c.group(id).MasterSlave {
		return hitf("%s is a master-slave server group", id)
	}
	return nil
}

// checkPolicyExists is a safety net: validate already refused unknown policy names (the
// enum check, whose code is this state's). It only fires if a custom policy vanished
// between the two steps.
func checkPolicyExists(c *createCtx) *hit {
	v, ok := c.req.get(spec.ParamTLSCipherPolicy)
	if !ok || c.e.builtinPolicy(v) || c.region.TLSPolicies[v] != nil {
		return nil
	}
	return hitf("no TLS cipher policy %s", v)
}

func checkPolicyConfiguring(c *createCtx) *hit {
	v, _ := c.req.get(spec.ParamTLSCipherPolicy)
	if p := c.region.TLSPolicies[v]; p != nil && c.e.now().Before(p.Created.Add(c.e.cfg.scenarioDuration(spec.ScenarioTLSPolicyConfiguringTime))) {
		return hitf("TLS cipher policy %s is still being configured", v)
	}
	return nil
}

func checkPolicyQuota(c *createCtx, limit int) *hit {
	v, ok := c.req.get(spec.ParamTLSCipherPolicy)
	if !ok || c.region.TLSPolicies[v] == nil {
		return nil
	}
	n := 0
	c.eachListener(func(_ *instance, l *listener) {
		if l.Attributes[spec.ParamTLSCipherPolicy] == v {
			n++
		}
	})
	if n >= limit {
		return hitf("TLS cipher policy %s already serves %d listeners (quota %d)", v, n, limit)
	}
	return nil
}

func checkACLExists(c *createCtx) *hit {
	for _, id := range c.acls {
		if c.region.ACLs[id] == nil {
			return hitf("no ACL %s in region %s", id, c.req.region)
		}
	}
	return nil
}

func checkACLVersion(c *createCtx) *hit {
	for _, id := range c.acls {
		if a := c.region.ACLs[id]; a != nil && a.IPVersion != c.lb.IPVersion {
			return hitf("ACL %s is %s, instance %s is %s", id, a.IPVersion, c.lb.ID, c.lb.IPVersion)
		}
	}
	return nil
}

func checkACLCount(c *createCtx, limit int) *hit {
	if len(c.acls) > limit {
		return hitf("%d ACLs given, at most %d may be attached to a listener", len(c.acls), limit)
	}
	return nil
}

func checkACLDuplicates(c *createCtx) *hit {
	holder := map[string]string{}
	for _, id := range c.acls {
		if c.region.ACLs[id] == nil {
			continue
		}
		for _, ent := range c.region.ACLs[id].Entries {
			if other, dup := holder[ent.Entry]; dup && other != id {
				return &hit{
					args:   []string{fmt.Sprintf("The entry %s is in both %s and %s", ent.Entry, other, id), "An entry may appear in only one of the ACLs of a listener"},
					detail: fmt.Sprintf("ACLs %s and %s share entry %s", other, id, ent.Entry),
				}
			}
			holder[ent.Entry] = id
		}
	}
	return nil
}

func checkACLEntries(c *createCtx, limit int) *hit {
	n := 0
	for _, id := range c.acls {
		if a := c.region.ACLs[id]; a != nil {
			n += len(a.Entries)
		}
	}
	if n > limit {
		return hitf("the ACLs given hold %d entries together, at most %d are allowed", n, limit)
	}
	return nil
}

func checkACLListeners(c *createCtx, limit int) *hit {
	for _, id := range c.acls {
		n := 0
		c.eachListener(func(_ *instance, l *listener) {
			if slices.Contains(l.ACLIDs, id) {
				n++
			}
		})
		if n >= limit {
			return &hit{multi: len(c.acls) > 1, detail: fmt.Sprintf("ACL %s is already attached to %d listeners (quota %d)", id, n, limit)}
		}
	}
	return nil
}

func (c *createCtx) eachListener(f func(*instance, *listener)) {
	for _, lbID := range sortedKeys(c.region.LoadBalancers) {
		lb := c.region.LoadBalancers[lbID]
		for _, p := range sortedPorts(lb) {
			f(lb, lb.Listeners[p])
		}
	}
}

func (e *Emulator) builtinPolicy(name string) bool {
	return slices.Contains(e.spec.UnderTest.Param(spec.ParamTLSCipherPolicy).Enum(), name)
}
