package target

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
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
	t     Target
	s     *spec.Spec
	file  *FixtureFile
	runID string

	mu      sync.Mutex
	ids     map[string]string
	errs    map[string]error
	once    map[string]*sync.Mutex
	created []created
	counter atomic.Int64
}

type created struct {
	action string // the delete action
	params []KV
	region string
	seq    int64 // the ledger line that recorded it (0: none)
}

// NewFixtures returns a provisioner for t. file may be nil. runID tags names of what it creates.
func NewFixtures(t Target, s *spec.Spec, file *FixtureFile, runID string) *Fixtures {
	if file == nil {
		file = &FixtureFile{}
	}
	return &Fixtures{t: t, s: s, file: file, runID: runID, ids: map[string]string{}, errs: map[string]error{}, once: map[string]*sync.Mutex{}}
}

// Options returns the provider-side facts cases may rely on: what the fixtures file declares,
// then what the target itself offers (the embedded emulator). Nothing else is assumed: a
// quota or scenario known to neither makes its cases skip.
func (f *Fixtures) Options() generators.Options {
	o := generators.Options{Quotas: map[string]int{}, Scenarios: map[string]string{}}
	if q, sc, ok := OfferedBy(f.t); ok {
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
// error naming the operation.
func (f *Fixtures) Call(ctx context.Context, principal, action string, params []KV, field string) (string, error) {
	resp, err := f.t.Send(ctx, Request{Action: action, Params: params, Principal: principal})
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
	if action == spec.ActionCreateLoadBalancer {
		f.rememberNamed(principal, Value(params, spec.ParamLoadBalancerName), spec.ActionDeleteLoadBalancer, []KV{{Name: spec.ParamLoadBalancerID, Value: v}}, Value(params, spec.ParamRegionID))
	} else if field != "" {
		f.recordManual(principal, action, params, field, v)
	}
	return v, nil
}

func (f *Fixtures) remember(action string, params []KV, region string) {
	f.rememberAs("", action, params, region)
}

// rememberAs records a resource for the final cleanup and, first, in the ledger.
func (f *Fixtures) rememberAs(principal, action string, params []KV, region string) {
	f.rememberNamed(principal, "", action, params, region)
}

// rememberNamed is rememberAs for a resource whose name is known (it links the ledger's
// intent line to the created one).
func (f *Fixtures) rememberNamed(principal, name, action string, params []KV, region string) {
	seq := f.file.Ledger.created(f.runID, principal, name, action, params, cmp.Or(region, f.t.Region()))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.created = append(f.created, created{action: action, params: params, region: region, seq: seq})
}

// Remember records a resource to delete at cleanup (used by the runner for setup calls).
func (f *Fixtures) Remember(action string, params []KV) {
	f.remember(action, params, Value(params, spec.ParamRegionID))
}

// Cleanup deletes what the fixtures created, newest first, and reports every failure.
func (f *Fixtures) Cleanup(ctx context.Context) error {
	f.mu.Lock()
	todo := f.created
	f.created = nil
	f.mu.Unlock()
	var errs []error
	for i := len(todo) - 1; i >= 0; i-- {
		c := todo[i]
		ps := c.params
		if c.region != "" && !hasKV(ps, spec.ParamRegionID) {
			ps = append(ps, KV{Name: spec.ParamRegionID, Value: c.region})
		}
		resp, err := f.cleanupSend(ctx, Request{Action: c.action, Params: ps})
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.action, err))
		} else if !resp.Success() && !Gone(resp) {
			errs = append(errs, fmt.Errorf("%s answered %s", c.action, resp.Code))
		} else {
			_ = f.file.Ledger.MarkDeleted(f.runID, c.seq)
		}
	}
	return errors.Join(errs...)
}

// cleanupSend sends a delete of the final cleanup, again after a pause while the resource is
// busy for a moment (a listener still starting, a service configuring): a few tries, then the
// last answer stands.
func (f *Fixtures) cleanupSend(ctx context.Context, req Request) (*Response, error) {
	wait := 200 * time.Millisecond
	for try := 0; ; try++ {
		resp, err := f.t.Send(ctx, req)
		if err != nil || resp.Success() || !Transient(resp) || try == 5 {
			return resp, err
		}
		if Sleep(ctx, wait) != nil {
			return resp, nil
		}
		wait *= 2
	}
}

func (f *Fixtures) provision(ctx context.Context, slot string) (string, error) {
	primary := generators.PrincipalPrimary
	guaranteed := KV{Name: spec.ParamLoadBalancerSpec, Value: "slb.s2.small"}
	switch {
	case slot == generators.SlotLB:
		return f.provisionLB(ctx, guaranteed, KV{Name: spec.ParamAddressIPVersion, Value: "ipv4"})
	case slot == generators.SlotLBShared:
		return f.provisionLB(ctx, KV{Name: spec.ParamAddressIPVersion, Value: "ipv4"})
	case slot == generators.SlotLBIPv6:
		return f.provisionLB(ctx, guaranteed, KV{Name: spec.ParamAddressIPVersion, Value: "ipv6"})
	case strings.HasPrefix(slot, generators.SlotZonePrefix):
		name := strings.TrimPrefix(slot, generators.SlotZonePrefix)
		zone := f.scenario(name)
		if zone == "" {
			return "", fmt.Errorf("%w: scenario %s has no zone", ErrSlotUnavailable, name)
		}
		return f.provisionLB(ctx, guaranteed, KV{Name: spec.ParamMasterZoneID, Value: zone})
	case strings.HasPrefix(slot, generators.SlotRegionPrefix):
		name := strings.TrimPrefix(slot, generators.SlotRegionPrefix)
		region := f.scenario(name)
		if region == "" {
			return "", fmt.Errorf("%w: scenario %s has no region", ErrSlotUnavailable, name)
		}
		return f.provisionLB(ctx, guaranteed, KV{Name: spec.ParamRegionID, Value: region})
	case slot == generators.SlotCert:
		return f.uploadCert(ctx, primary)
	case slot == generators.SlotCertForeign:
		return f.uploadCert(ctx, generators.PrincipalSecond)
	case slot == generators.SlotCertCN:
		return f.uploadCert(ctx, primary, KV{Name: spec.FieldStandardType, Value: "cn"})
	case slot == generators.SlotCertCA:
		return f.uploadCA(ctx, primary)
	case slot == generators.SlotCertCAForeign:
		return f.uploadCA(ctx, generators.PrincipalSecond)
	case slot == generators.SlotACL:
		return f.provisionACL(ctx, primary, "ipv4", "192.0.2.0/24")
	case slot == generators.SlotACLForeign:
		return f.provisionACL(ctx, generators.PrincipalSecond, "ipv4", "192.0.2.0/24")
	case slot == generators.SlotACLIPv6:
		return f.provisionACL(ctx, primary, "ipv6", "2001:db8::/64")
	case slot == generators.SlotACLDupA, slot == generators.SlotACLDupB:
		return f.provisionACL(ctx, primary, "ipv4", "198.51.100.7/32")
	case slot == generators.SlotVGroupOther, slot == generators.SlotVGroup, slot == generators.SlotMSGroup:
		return f.provisionGroup(ctx, slot)
	}
	return "", fmt.Errorf("%w: unknown fixture slot %q", ErrSlotUnavailable, slot)
}

// provisionLB creates a load balancer of the primary principal, recording the intent in the
// ledger first (and its abandonment when the create was refused).
func (f *Fixtures) provisionLB(ctx context.Context, extra ...KV) (string, error) {
	primary := generators.PrincipalPrimary
	ps := append([]KV{{Name: spec.ParamLoadBalancerName, Value: f.Name("lb")}}, extra...)
	region := cmp.Or(Value(ps, spec.ParamRegionID), f.t.Region())
	f.file.Ledger.intent(f.runID, primary, spec.ActionCreateLoadBalancer, ps, region)
	id, err := f.Call(ctx, primary, spec.ActionCreateLoadBalancer, ps, spec.FieldLoadBalancerID)
	if err != nil && !errors.Is(err, ErrUnreachable) && ctx.Err() == nil {
		// An answer came, and it was a refusal: nothing was created under this name.
		_, _ = f.file.Ledger.Append(LedgerEntry{Op: LedgerAbandoned, Run: f.runID, Principal: primary, Action: spec.ActionCreateLoadBalancer, Name: Value(ps, spec.ParamLoadBalancerName), Region: region})
	}
	return id, err
}

// uploadCert uploads a fresh server certificate as principal.
func (f *Fixtures) uploadCert(ctx context.Context, principal string, extra ...KV) (string, error) {
	if !f.t.HasPrincipal(principal) {
		return "", fmt.Errorf("%w: no credentials for the %s principal", ErrSlotUnavailable, principal)
	}
	pair, err := NewCertificate(f.Name("cert")+".example.com", false)
	if err != nil {
		return "", err
	}
	ps := append([]KV{{Name: spec.ParamServerCertificate, Value: pair.CertPEM}, {Name: spec.ParamPrivateKey, Value: pair.KeyPEM},
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
	return f.Call(ctx, owner, spec.ActionUploadCACertificate, []KV{{Name: spec.ParamCACertificate, Value: pair.CertPEM}, {Name: spec.ParamCACertificateName, Value: f.Name("ca")}}, spec.FieldCACertificateID)
}

// provisionACL creates an ACL of owner for an IP version, with the given entries.
func (f *Fixtures) provisionACL(ctx context.Context, owner, version string, entries ...string) (string, error) {
	if !f.t.HasPrincipal(owner) {
		return "", fmt.Errorf("%w: no credentials for the %s principal", ErrSlotUnavailable, owner)
	}
	id, err := f.Call(ctx, owner, spec.ActionCreateACL, []KV{{Name: spec.ParamACLName, Value: f.Name("acl")}, {Name: spec.ParamAddressIPVersion, Value: version}}, spec.FieldACLID)
	if err != nil || len(entries) == 0 {
		return id, err
	}
	var list []map[string]string
	for _, e := range entries {
		list = append(list, map[string]string{"entry": e, "comment": "clbcheck"})
	}
	raw, _ := json.Marshal(list)
	_, err = f.Call(ctx, owner, spec.ActionAddACLEntry, []KV{{Name: spec.ParamACLID, Value: id}, {Name: spec.ParamACLEntries, Value: string(raw)}}, "")
	return id, err
}

// provisionGroup creates a VServer group on the main instance, or on the caller's other
// instance (the shared one), or a master-slave group on the main instance.
func (f *Fixtures) provisionGroup(ctx context.Context, slot string) (string, error) {
	primary := generators.PrincipalPrimary
	on := generators.SlotLB
	if slot == generators.SlotVGroupOther {
		on = generators.SlotLBShared
	}
	lbID, err := f.Resolve(ctx, on)
	if err != nil {
		return "", err
	}
	if slot == generators.SlotMSGroup {
		return f.Call(ctx, primary, spec.ActionCreateMasterSlaveGroup, []KV{{Name: spec.ParamLoadBalancerID, Value: lbID}, {Name: spec.ParamMasterSlaveGroupName, Value: f.Name("msg")}}, spec.FieldMasterSlaveServerGroupID)
	}
	return f.Call(ctx, primary, spec.ActionCreateVServerGroup, []KV{{Name: spec.ParamLoadBalancerID, Value: lbID}, {Name: spec.ParamVServerGroupName, Value: f.Name("vsg")}}, spec.FieldVServerGroupID)
}

// scenario is a scenario's setting as declared by the fixtures file or offered by the target,
// or "" when neither knows it.
func (f *Fixtures) scenario(name string) string {
	return f.Options().Scenarios[name]
}
