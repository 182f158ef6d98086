package resources

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// ErrSlotUnavailable means a fixture cannot be provided by this target; cases needing it skip.
var ErrSlotUnavailable = errors.New("fixture unavailable")

// FixtureFile is the format of --fixtures: ids of existing resources by slot name, and
// overrides of quota and scenario values for targets configured differently from the
// description's defaults.
type FixtureFile struct {
	Slots     map[string]string `json:"slots"`
	Quotas    map[string]int    `json:"quotas"`
	Scenarios map[string]string `json:"scenarios"`
	// Provision false means: never create resources; slots absent from Slots skip.
	Provision *bool `json:"provision"`
	// Ledger, when set, receives a line for every resource the fixtures create, before the
	// run goes on, and one for every deletion (see Ledger). It is set by the program, never
	// read from the file.
	Ledger *Ledger `json:"-"`
}

// ReadFixtureFile reads a fixtures file (JSON).
func ReadFixtureFile(path string) (*FixtureFile, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read fixtures file: %w", err)
	}
	var f FixtureFile
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("fixtures file %s is not valid: %w (expected JSON with slots, quotas, scenarios, provision)", path, err)
	}
	return &f, nil
}

// Fixtures provisions, once per run, the resources cases refer to, and removes what it made.
type Fixtures struct {
	t       target.Target
	cleanup *target.Retrying // f.t, patient, for the deletes of Cleanup
	s       *spec.Spec
	file    *FixtureFile
	runID   string

	mu      sync.Mutex
	ids     map[string]string
	errs    map[string]error
	once    map[string]*sync.Mutex
	created []created
	counter atomic.Int64
}

type created struct {
	action    string // the delete action
	params    []target.KV
	region    string
	principal string // who created it, and so who deletes it ("": the primary principal)
	seq       int64  // the ledger line that recorded it (0: none)
}

// NewFixtures returns a provisioner for t. file may be nil. runID tags names of what it creates.
// What others create through t is recorded only when sent through Track.
func NewFixtures(t target.Target, s *spec.Spec, file *FixtureFile, runID string) *Fixtures {
	if file == nil {
		file = &FixtureFile{}
	}
	return &Fixtures{t: t, cleanup: CleanupTarget(t), s: s, file: file, runID: runID, ids: map[string]string{}, errs: map[string]error{}, once: map[string]*sync.Mutex{}}
}

// Options returns the provider-side facts cases may rely on: what the fixtures file declares,
// then what the target itself offers (the embedded emulator). Nothing else is assumed: a
// quota or scenario known to neither makes its cases skip.
func (f *Fixtures) Options() generators.Options {
	o := generators.Options{Quotas: map[string]int{}, Scenarios: map[string]string{}}
	if q, sc, ok := target.OfferedBy(f.t); ok {
		maps.Copy(o.Quotas, q)
		maps.Copy(o.Scenarios, sc)
	}
	maps.Copy(o.Quotas, f.file.Quotas)
	maps.Copy(o.Scenarios, f.file.Scenarios)
	return o
}

func (f *Fixtures) provisionAllowed() bool { return f.file.Provision == nil || *f.file.Provision }

// Resolve returns the id of a slot, provisioning it on first use.
func (f *Fixtures) Resolve(ctx context.Context, slot string) (string, error) {
	f.mu.Lock()
	if id, ok := f.file.Slots[slot]; ok {
		f.mu.Unlock()
		return id, nil
	}
	if id, done, err := f.settled(slot); done {
		f.mu.Unlock()
		return id, err
	}
	lock := f.once[slot]
	if lock == nil {
		lock = &sync.Mutex{}
		f.once[slot] = lock
	}
	f.mu.Unlock()
	lock.Lock()
	defer lock.Unlock()
	// Another caller may have provisioned the slot (or failed to) while this one waited.
	f.mu.Lock()
	id, done, err := f.settled(slot)
	f.mu.Unlock()
	if done {
		return id, err
	}
	if !f.provisionAllowed() {
		err = fmt.Errorf("%w: %s is not in the fixtures file and provisioning is off", ErrSlotUnavailable, slot)
	} else {
		id, err = f.provision(ctx, slot)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err != nil {
		if ctx.Err() == nil {
			f.errs[slot] = err
		}
		return "", err
	}
	f.ids[slot] = id
	return id, nil
}

// settled returns what provisioning slot gave, when it has been tried: its id or its error.
// The caller holds f.mu.
func (f *Fixtures) settled(slot string) (id string, done bool, err error) {
	if id, ok := f.ids[slot]; ok {
		return id, true, nil
	}
	if err, ok := f.errs[slot]; ok {
		return "", true, err
	}
	return "", false, nil
}

// Name returns a unique resource name tagged with the run id.
func (f *Fixtures) Name(kind string) string {
	return fmt.Sprintf("clbcheck-%s-%s-%d", f.runID, kind, f.counter.Add(1))
}

// Call sends a neighbouring operation and returns a response field; any error answer is an
// error naming the operation. A load balancer, certificate or ACL it creates is recorded for
// the final clean-up (and in the ledger, the intent first).
func (f *Fixtures) Call(ctx context.Context, principal, action string, params []target.KV, field string) (string, error) {
	resp, err := f.Track(ctx, target.Request{Action: action, Params: params, Principal: principal}, f.t.Send)
	if err != nil {
		return "", fmt.Errorf("%s failed: %w", action, err)
	}
	if !resp.Success() {
		return "", fmt.Errorf("%s answered %d %s: %s", action, resp.Status, resp.Code, resp.Message)
	}
	if field == "" {
		return "", nil
	}
	v, ok := resp.Fields[field].(string)
	if !ok || v == "" {
		if resp.DecodeErr != nil {
			return "", fmt.Errorf("%s answered %d without %s: %v", action, resp.Status, field, resp.DecodeErr)
		}
		return "", fmt.Errorf("%s answered without %s", action, field)
	}
	return v, nil
}

// kvText renders parameters as name=value, separated by spaces.
func kvText(kvs []target.KV) string {
	parts := make([]string, len(kvs))
	for i, kv := range kvs {
		parts[i] = kv.Name + "=" + kv.Value
	}
	return strings.Join(parts, " ")
}

// trackedCreate says how the resource of a create the fixtures record is deleted: load
// balancers, certificates, ACLs.
func trackedCreate(action string) (deletion, bool) {
	if action == spec.ActionCreateLoadBalancer {
		return deletion{spec.ActionDeleteLoadBalancer, spec.ParamLoadBalancerID, spec.ParamLoadBalancerName}, true
	}
	d, ok := usedResources[action]
	return d, ok
}

// Track sends req with send; when it creates a resource the run must remove (a load balancer,
// certificate, ACL or TLS policy), it records it as track does. The runner sends a case's
// set-up calls through it.
func (f *Fixtures) Track(ctx context.Context, req target.Request, send func(context.Context, target.Request) (*target.Response, error)) (*target.Response, error) {
	if d, ok := trackedCreate(req.Action); ok {
		return f.track(ctx, req, d, send)
	}
	return send(ctx, req)
}

// track sends a create with send and records it: its intent in the ledger before the request,
// then the resource for the final clean-up (and the ledger) once the answer gives its id, or
// the abandonment of the intent when the create was refused (nothing was made). An answer
// that never came, or target trouble, leaves the intent unconfirmed.
func (f *Fixtures) track(ctx context.Context, req target.Request, d deletion, send func(context.Context, target.Request) (*target.Response, error)) (*target.Response, error) {
	name := createdName(req.Action, req.Params)
	region := cmp.Or(target.Value(req.Params, spec.ParamRegionID), f.t.Region())
	f.file.Ledger.intent(f.runID, req.Principal, req.Action, name, region)
	resp, err := send(ctx, req)
	switch {
	case err != nil || ctx.Err() != nil:
	case resp.Success():
		if id, _ := resp.Fields[d.idParam].(string); id != "" {
			f.rememberNamed(req.Principal, name, d.action, []target.KV{{Name: d.idParam, Value: id}}, target.Value(req.Params, spec.ParamRegionID))
		}
	case target.TroubleOf(resp, nil) == "":
		_, _ = f.file.Ledger.Append(LedgerEntry{Op: LedgerAbandoned, Run: f.runID, Principal: req.Principal, Action: req.Action, Name: name, Region: region})
	}
	return resp, err
}

// rememberNamed records a resource for the final cleanup and, first, in the ledger; name, when
// known, links the ledger's intent line to the created one.
func (f *Fixtures) rememberNamed(principal, name, action string, params []target.KV, region string) {
	seq := f.file.Ledger.created(f.runID, principal, name, action, params, cmp.Or(region, f.t.Region()))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.created = append(f.created, created{action: action, params: params, region: region, principal: principal, seq: seq})
}

// Remember records a resource to delete at cleanup with action and params, as the primary
// principal (the runner's listeners that a case could not delete).
func (f *Fixtures) Remember(action string, params []target.KV) {
	f.rememberNamed("", "", action, params, target.Value(params, spec.ParamRegionID))
}

// Cleanup deletes what the run created, each resource as the principal that created it:
// first load balancers and listeners, newest first, then the certificates, ACLs and TLS
// policies they used, newest first. A delete answered "not found" counts as done. It reports every failure.
func (f *Fixtures) Cleanup(ctx context.Context) error {
	f.mu.Lock()
	todo := f.created
	f.created = nil
	f.mu.Unlock()
	var failed []created
	var errs []error
	gone := map[string]bool{} // load balancers deleted, and with them their listeners
	for _, last := range []bool{false, true} {
		for _, c := range slices.Backward(todo) {
			if deletedLast(c.action) != last {
				continue
			}
			err := f.remove(ctx, c)
			switch {
			case err != nil:
				failed, errs = append(failed, c), append(errs, err)
			case c.action == spec.ActionDeleteLoadBalancer:
				gone[target.Value(c.params, spec.ParamLoadBalancerID)] = true
			}
		}
	}
	return errors.Join(f.settle(failed, errs, gone)...)
}

// settle drops the failed deletes of listeners whose load balancer was deleted afterwards
// (deleting it removed them), recording them as gone; the other errors stand.
func (f *Fixtures) settle(failed []created, errs []error, gone map[string]bool) []error {
	var out []error
	for i, c := range failed {
		if c.action == spec.ActionDeleteListener && gone[target.Value(c.params, spec.ParamLoadBalancerID)] {
			_ = f.file.Ledger.MarkDeleted(f.runID, c.seq)
			continue
		}
		out = append(out, errs[i])
	}
	return out
}

// remove deletes one created resource and records it in the ledger.
func (f *Fixtures) remove(ctx context.Context, c created) error {
	ps := c.params
	if c.region != "" && !target.HasParam(ps, spec.ParamRegionID) {
		ps = append(ps, target.KV{Name: spec.ParamRegionID, Value: c.region})
	}
	resp, err := f.cleanupSend(ctx, target.Request{Action: c.action, Params: ps, Principal: c.principal, Provoking: true})
	switch {
	case err != nil:
		return fmt.Errorf("%s: %w", c.action, err)
	case !resp.Success() && !target.Gone(resp):
		return fmt.Errorf("%s %s answered %s: %s", c.action, kvText(c.params), resp.Code, resp.Message)
	}
	_ = f.file.Ledger.MarkDeleted(f.runID, c.seq)
	return nil
}

// CleanupTarget is the target deletes of a clean-up (a run's, clbcheck cleanup's) go through:
// t with the patience of target.CleanupRetryPolicy (a resource busy for some seconds is still
// removed). Its retries are counted in the tally of the retrying target t wraps, if any, whose
// pauses it takes (a replayed cassette has none); else in a tally of its own.
func CleanupTarget(t target.Target) *target.Retrying {
	p := target.CleanupRetryPolicy()
	var tally *target.TroubleTally
	if inner := target.RetryingOf(t); inner != nil {
		p.Sleep, tally = inner.Policy.Sleep, inner.Trouble()
	}
	r := target.NewRetrying(t, p)
	r.Tally = tally
	return r
}

// Trouble is the tally the clean-up counts its retries in: the one of the retrying target the
// fixtures' target wraps, or the clean-up's own when it wraps none. A run reports it.
func (f *Fixtures) Trouble() *target.TroubleTally { return f.cleanup.Trouble() }

// cleanupSend sends a delete of the final cleanup, retried (and counted) while the resource is
// busy or the target has trouble; after the last try the last answer stands.
func (f *Fixtures) cleanupSend(ctx context.Context, req target.Request) (*target.Response, error) {
	return f.cleanup.Send(ctx, req)
}

func (f *Fixtures) provision(ctx context.Context, slot string) (string, error) {
	primary := spec.PrincipalPrimary
	guaranteed := target.KV{Name: spec.ParamLoadBalancerSpec, Value: "slb.s2.small"}
	switch {
	case slot == spec.SlotLB:
		return f.provisionLB(ctx, guaranteed, target.KV{Name: spec.ParamAddressIPVersion, Value: "ipv4"})
	case slot == spec.SlotLBShared:
		return f.provisionLB(ctx, target.KV{Name: spec.ParamAddressIPVersion, Value: "ipv4"})
	case slot == spec.SlotLBIPv6:
		return f.provisionLB(ctx, guaranteed, target.KV{Name: spec.ParamAddressIPVersion, Value: "ipv6"})
	case strings.HasPrefix(slot, spec.SlotZonePrefix):
		return f.provisionScenarioLB(ctx, strings.TrimPrefix(slot, spec.SlotZonePrefix), "zone", spec.ParamMasterZoneID, guaranteed)
	case strings.HasPrefix(slot, spec.SlotRegionPrefix):
		return f.provisionScenarioLB(ctx, strings.TrimPrefix(slot, spec.SlotRegionPrefix), "region", spec.ParamRegionID, guaranteed)
	case slot == spec.SlotCert:
		return f.uploadCert(ctx, primary)
	case slot == spec.SlotCertForeign:
		return f.uploadCert(ctx, spec.PrincipalSecond)
	case slot == spec.SlotCertCN:
		return f.uploadCert(ctx, primary, target.KV{Name: spec.FieldStandardType, Value: "cn"})
	case slot == spec.SlotCertCA:
		return f.uploadCA(ctx, primary)
	case slot == spec.SlotCertCAForeign:
		return f.uploadCA(ctx, spec.PrincipalSecond)
	case slot == spec.SlotACL:
		return f.provisionACL(ctx, primary, "ipv4", "192.0.2.0/24")
	case slot == spec.SlotACLForeign:
		return f.provisionACL(ctx, spec.PrincipalSecond, "ipv4", "192.0.2.0/24")
	case slot == spec.SlotACLIPv6:
		return f.provisionACL(ctx, primary, "ipv6", "2001:db8::/64")
	case slot == spec.SlotACLDupA, slot == spec.SlotACLDupB:
		return f.provisionACL(ctx, primary, "ipv4", "198.51.100.7/32")
	case slot == spec.SlotVGroupOther, slot == spec.SlotVGroup, slot == spec.SlotMSGroup:
		return f.provisionGroup(ctx, slot)
	}
	return "", fmt.Errorf("%w: unknown fixture slot %q", ErrSlotUnavailable, slot)
}

// provisionScenarioLB creates an instance whose param is the value the target declared for
// scenario name (a zone, a region); without one the slot is unavailable.
func (f *Fixtures) provisionScenarioLB(ctx context.Context, name, what, param string, extra ...target.KV) (string, error) {
	v := f.scenario(name)
	if v == "" {
		return "", fmt.Errorf("%w: scenario %s has no %s", ErrSlotUnavailable, name, what)
	}
	return f.provisionLB(ctx, append(extra, target.KV{Name: param, Value: v})...)
}

// provisionLB creates a load balancer of the primary principal (Call records its intent in
// the ledger first, and its abandonment when the create was refused).
func (f *Fixtures) provisionLB(ctx context.Context, extra ...target.KV) (string, error) {
	ps := append([]target.KV{{Name: spec.ParamLoadBalancerName, Value: f.Name("lb")}}, extra...)
	return f.Call(ctx, spec.PrincipalPrimary, spec.ActionCreateLoadBalancer, ps, spec.FieldLoadBalancerID)
}

// uploadCert uploads a fresh server certificate as principal.
func (f *Fixtures) uploadCert(ctx context.Context, principal string, extra ...target.KV) (string, error) {
	if !f.t.HasPrincipal(principal) {
		return "", fmt.Errorf("%w: no credentials for the %s principal", ErrSlotUnavailable, principal)
	}
	pair, err := NewCertificate(f.Name("cert")+".example.com", false)
	if err != nil {
		return "", err
	}
	ps := append([]target.KV{{Name: spec.ParamServerCertificate, Value: pair.CertPEM}, {Name: spec.ParamPrivateKey, Value: pair.KeyPEM},
		{Name: spec.ParamServerCertificateName, Value: f.Name("cert")}}, extra...)
	return f.Call(ctx, principal, spec.ActionUploadServerCertificate, ps, spec.FieldServerCertificateID)
}

// uploadCA uploads a fresh CA certificate as owner.
func (f *Fixtures) uploadCA(ctx context.Context, owner string) (string, error) {
	if !f.t.HasPrincipal(owner) {
		return "", fmt.Errorf("%w: no credentials for the %s principal", ErrSlotUnavailable, owner)
	}
	pair, err := NewCertificate(f.Name("ca"), true)
	if err != nil {
		return "", err
	}
	return f.Call(ctx, owner, spec.ActionUploadCACertificate, []target.KV{{Name: spec.ParamCACertificate, Value: pair.CertPEM}, {Name: spec.ParamCACertificateName, Value: f.Name("ca")}}, spec.FieldCACertificateID)
}

// provisionACL creates an ACL of owner for an IP version, with the given entries.
func (f *Fixtures) provisionACL(ctx context.Context, owner, version string, entries ...string) (string, error) {
	if !f.t.HasPrincipal(owner) {
		return "", fmt.Errorf("%w: no credentials for the %s principal", ErrSlotUnavailable, owner)
	}
	id, err := f.Call(ctx, owner, spec.ActionCreateACL, []target.KV{{Name: spec.ParamACLName, Value: f.Name("acl")}, {Name: spec.ParamAddressIPVersion, Value: version}}, spec.FieldACLID)
	if err != nil || len(entries) == 0 {
		return id, err
	}
	var list []map[string]string
	for _, e := range entries {
		list = append(list, map[string]string{"entry": e, "comment": "clbcheck"})
	}
	raw, _ := json.Marshal(list)
	_, err = f.Call(ctx, owner, spec.ActionAddACLEntry, []target.KV{{Name: spec.ParamACLID, Value: id}, {Name: spec.ParamACLEntries, Value: string(raw)}}, "")
	return id, err
}

// provisionGroup creates a VServer group on the main instance, or on the caller's other
// instance (the shared one), or a master-slave group on the main instance.
func (f *Fixtures) provisionGroup(ctx context.Context, slot string) (string, error) {
	primary := spec.PrincipalPrimary
	on := spec.SlotLB
	if slot == spec.SlotVGroupOther {
		on = spec.SlotLBShared
	}
	lbID, err := f.Resolve(ctx, on)
	if err != nil {
		return "", err
	}
	if slot == spec.SlotMSGroup {
		return f.Call(ctx, primary, spec.ActionCreateMasterSlaveGroup, []target.KV{{Name: spec.ParamLoadBalancerID, Value: lbID}, {Name: spec.ParamMasterSlaveGroupName, Value: f.Name("msg")}}, spec.FieldMasterSlaveServerGroupID)
	}
	return f.Call(ctx, primary, spec.ActionCreateVServerGroup, []target.KV{{Name: spec.ParamLoadBalancerID, Value: lbID}, {Name: spec.ParamVServerGroupName, Value: f.Name("vsg")}}, spec.FieldVServerGroupID)
}

// scenario is a scenario's setting as declared by the fixtures file or offered by the target,
// or "" when neither knows it.
func (f *Fixtures) scenario(name string) string {
	return f.Options().Scenarios[name]
}
