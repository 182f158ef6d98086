package resources_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// recorder answers every create with a fresh id and every other request with success (a
// DeleteAccessControlList of an ACL listed in notFound with not-found), and records what it
// was sent.
type recorder struct {
	mu       sync.Mutex
	sent     []target.Request
	n        int
	notFound map[string]bool
	// refuseListenerDeletes answers DeleteLoadBalancerListener with a refusal.
	refuseListenerDeletes bool
}

func (r *recorder) Name() string             { return "recorder" }
func (r *recorder) Region() string           { return "cn-hangzhou" }
func (r *recorder) HasPrincipal(string) bool { return true }
func (r *recorder) Send(_ context.Context, req target.Request) (*target.Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, req)
	r.n++
	ids := map[string]string{spec.ActionCreateLoadBalancer: spec.FieldLoadBalancerID, spec.ActionUploadServerCertificate: spec.FieldServerCertificateID,
		spec.ActionUploadCACertificate: spec.FieldCACertificateID, spec.ActionCreateACL: spec.FieldACLID, spec.ActionCreateTLSCipherPolicy: spec.FieldTLSCipherPolicyID}
	if field, ok := ids[req.Action]; ok {
		return &target.Response{Status: 200, Fields: map[string]any{field: fmt.Sprintf("id-%d", r.n)}}, nil
	}
	if r.refuseListenerDeletes && req.Action == spec.ActionDeleteListener {
		return &target.Response{Status: 403, Code: "Forbidden", Message: "refused"}, nil
	}
	for _, kv := range req.Params {
		if r.notFound[kv.Value] && req.Action == spec.ActionDeleteACL {
			e, _ := spec.MustDefault().NeighbourError(spec.NeighbourACLAbsent)
			return &target.Response{Status: e.Status, Code: e.Code, Message: e.Message}, nil
		}
	}
	return &target.Response{Status: 200, Fields: map[string]any{}}, nil
}

// deletes lists the deletes sent, as "action principal id".
func (r *recorder) deletes() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, req := range r.sent {
		switch req.Action {
		case spec.ActionDeleteLoadBalancer, spec.ActionDeleteServerCertificate, spec.ActionDeleteCACertificate, spec.ActionDeleteACL, spec.ActionDeleteTLSCipherPolicy:
			out = append(out, req.Action+" "+req.Principal+" "+req.Params[0].Value)
		}
	}
	return out
}

// The final clean-up deletes load balancers first, then the certificates and ACLs their
// listeners used, whatever the order of creation, each as the principal that created it; the
// certificates, ACLs and TLS policies a case's set-up creates through Track are deleted too (as the principal the set-up used, "" for the default one), and
// each deletion is in the ledger, so nothing of the run is pending afterwards.
func TestCleanupDeletesWhatListenersUseLastAsItsCreator(t *testing.T) {
	ctx := context.Background()
	rec := &recorder{}
	ledgerPath := filepath.Join(t.TempDir(), "ledger.jsonl")
	ledger, err := resources.OpenLedger(ledgerPath)
	require.NoError(t, err)
	run := resources.WithRunTag(rec, "r1")
	fx := resources.NewFixtures(run, spec.MustDefault(), &resources.FixtureFile{Ledger: ledger}, "r1")
	setup := func(req target.Request) (*target.Response, error) { return fx.Track(ctx, req, run.Send) }

	cert, err := fx.Resolve(ctx, spec.SlotCertForeign) // id-1, the second account's
	require.NoError(t, err)
	_, err = fx.Resolve(ctx, spec.SlotCertCA) // id-2
	require.NoError(t, err)
	lb, err := fx.Resolve(ctx, spec.SlotLB) // id-3
	require.NoError(t, err)
	// A case's set-up creates an ACL through Track: the fixtures record it too.
	resp, err := setup(target.Request{Action: spec.ActionCreateACL, Principal: spec.PrincipalPrimary,
		Params: []target.KV{{Name: spec.ParamACLName, Value: "clbcheck-setup-acl"}, {Name: spec.ParamAddressIPVersion, Value: "ipv4"}}})
	require.NoError(t, err)
	acl := resp.Fields[spec.FieldACLID].(string)
	resp, err = setup(target.Request{Action: spec.ActionCreateTLSCipherPolicy, Params: []target.KV{{Name: spec.ParamPolicyName, Value: "clbcheck-setup-policy"}}})
	require.NoError(t, err)
	policy := resp.Fields[spec.FieldTLSCipherPolicyID].(string)

	st, err := resources.ReadLedger(ledgerPath, "r1")
	require.NoError(t, err)
	require.Len(t, st.Pending, 5, "each creation is in the ledger once")
	assert.Empty(t, st.Unconfirmed, "every intent was settled")

	require.NoError(t, fx.Cleanup(ctx))
	assert.Equal(t, []string{
		spec.ActionDeleteLoadBalancer + " " + spec.PrincipalPrimary + " " + lb,
		spec.ActionDeleteTLSCipherPolicy + "  " + policy,
		spec.ActionDeleteACL + " " + spec.PrincipalPrimary + " " + acl,
		spec.ActionDeleteCACertificate + " " + spec.PrincipalPrimary + " id-2",
		spec.ActionDeleteServerCertificate + " " + spec.PrincipalSecond + " " + cert,
	}, rec.deletes())
	st, err = resources.ReadLedger(ledgerPath, "r1")
	require.NoError(t, err)
	assert.Empty(t, st.Pending, "the ledger records every deletion")
	require.NoError(t, ledger.Close())
}

// A delete answered "not found" counts as done: the resource is gone.
func TestCleanupCountsNotFoundAsGone(t *testing.T) {
	rec := &recorder{notFound: map[string]bool{"id-1": true}}
	fx := resources.NewFixtures(rec, spec.MustDefault(), nil, "r2")
	_, err := fx.Resolve(context.Background(), spec.SlotACL)
	require.NoError(t, err)
	require.NoError(t, fx.Cleanup(context.Background()))
	assert.Equal(t, []string{spec.ActionDeleteACL + " " + spec.PrincipalPrimary + " id-1"}, rec.deletes())
}

// A ledger of an earlier version listed certificates and ACLs as "manual": they are read as
// resources to delete, with the delete operation of their kind, until a deletion line follows.
func TestLedgerReadsManualLinesAsPending(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.jsonl")
	l, err := resources.OpenLedger(path)
	require.NoError(t, err)
	seq, err := l.Append(resources.LedgerEntry{Op: resources.LedgerManual, Run: "old", Principal: spec.PrincipalSecond, Action: spec.ActionUploadCACertificate, ID: "ca-1", Name: "clbcheck-old-ca-1"})
	require.NoError(t, err)
	st, err := resources.ReadLedger(path, "old")
	require.NoError(t, err)
	assert.Empty(t, st.Manual)
	require.Len(t, st.Pending, 1)
	e := st.Pending[0]
	assert.Equal(t, spec.ActionDeleteCACertificate, e.Action)
	assert.Equal(t, []target.KV{{Name: spec.ParamCACertificateID, Value: "ca-1"}}, e.KVs())
	assert.Equal(t, spec.PrincipalSecond, e.Principal)
	require.NoError(t, l.MarkDeleted("old", seq))
	require.NoError(t, l.Close())
	st, err = resources.ReadLedger(path, "old")
	require.NoError(t, err)
	assert.Empty(t, st.Pending)
}

// A listener whose delete was refused is gone once its load balancer is deleted: the clean-up
// says nothing of it, and the ledger holds nothing of the run.
func TestCleanupCountsListenersOfDeletedLoadBalancersAsGone(t *testing.T) {
	ctx := context.Background()
	rec := &recorder{refuseListenerDeletes: true}
	ledgerPath := filepath.Join(t.TempDir(), "ledger.jsonl")
	ledger, err := resources.OpenLedger(ledgerPath)
	require.NoError(t, err)
	fx := resources.NewFixtures(rec, spec.MustDefault(), &resources.FixtureFile{Ledger: ledger}, "r2")
	lb, err := fx.Resolve(ctx, spec.SlotLB)
	require.NoError(t, err)
	fx.Remember(spec.ActionDeleteListener, []target.KV{{Name: spec.ParamLoadBalancerID, Value: lb}, {Name: spec.ParamListenerPort, Value: "443"}})
	fx.Remember(spec.ActionDeleteListener, []target.KV{{Name: spec.ParamLoadBalancerID, Value: "lb-of-another-run"}, {Name: spec.ParamListenerPort, Value: "443"}})
	err = fx.Cleanup(ctx)
	require.Error(t, err, "the listener of a load balancer the run did not delete is still there")
	assert.Contains(t, err.Error(), "lb-of-another-run")
	assert.NotContains(t, err.Error(), lb)
	st, err := resources.ReadLedger(ledgerPath, "r2")
	require.NoError(t, err)
	require.Len(t, st.Pending, 1)
	assert.Equal(t, "lb-of-another-run", st.Pending[0].Params[0].Value)
	require.NoError(t, ledger.Close())
}
