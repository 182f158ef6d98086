package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// A run that kept its resources (as a killed run would) leaves them in its ledger; cleanup
// deletes them on the same target, each as the account that created it, and records it, so a
// second cleanup has nothing to do. A listener still using the run's certificates and ACL (the
// run was killed before its case's clean-up) is removed with its load balancer first; after
// cleanup the emulator holds no load balancer, certificate or ACL of either account.
func TestCleanupRemovesWhatTheLedgerLists(t *testing.T) {
	srv, em := emulatorServer(t)
	dir := t.TempDir()
	// The state cases use every fixture: certificates, CA certificates and ACLs of both accounts.
	code, _, errOut := cli(t, "run", "--random", "-1", "--sequences", "-1", "--quiet", "--include", "state/*",
		"--target", srv.URL, "--out", dir, "--run-id", "left", "--keep-resources")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "clbcheck cleanup --run left")
	ledger := filepath.Join(dir, "ledger-left.jsonl")
	st, err := resources.ReadLedger(ledger, "left")
	require.NoError(t, err)
	assert.Empty(t, st.Manual, "nothing is left for removal by hand")
	ids := pendingIDs(st, "")
	for _, action := range []string{spec.ActionDeleteLoadBalancer, spec.ActionDeleteServerCertificate, spec.ActionDeleteCACertificate, spec.ActionDeleteACL} {
		require.NotEmpty(t, ids[action], "the ledger lists what %s removes", action)
	}
	assert.Len(t, ids[spec.ActionDeleteServerCertificate], 3)
	assert.Len(t, ids[spec.ActionDeleteCACertificate], 2)
	require.NotZero(t, emulatorHoldings(t, em), "the kept resources exist")

	tg, err := (&targetFlags{target: srv.URL}).build()
	require.NoError(t, err)
	lb := ids[spec.ActionDeleteLoadBalancer][0]
	describe := func() *target.Response {
		resp, err := tg.Send(context.Background(), target.Request{Action: spec.ActionDescribeLoadBalancer, Params: []target.KV{{Name: spec.ParamLoadBalancerID, Value: lb}}})
		require.NoError(t, err)
		return resp
	}
	require.True(t, describe().Success(), "the kept load balancer exists")
	useCertificatesAndACL(t, tg, pendingIDs(st, spec.PrincipalPrimary))

	code, out, errOut := cli(t, "cleanup", "--run", "left", "--out", dir, "--dry-run", "--target", srv.URL)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "would delete DeleteLoadBalancer LoadBalancerId="+lb)
	assert.NotContains(t, out, lb+" (found by its run tag)", "a load balancer the ledger lists is listed once")
	assert.Less(t, strings.LastIndex(out, "would delete DeleteLoadBalancer"), strings.Index(out, "would delete DeleteServerCertificate"),
		"load balancers go before the certificates their listeners use")
	assert.NotContains(t, out, "by hand")
	require.True(t, describe().Success(), "a dry run sends nothing")

	code, out, errOut = cli(t, "cleanup", "--run", "left", "--out", dir, "--target", srv.URL)
	require.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, out, "deleted DeleteLoadBalancer LoadBalancerId="+lb)
	for _, action := range []string{spec.ActionDeleteServerCertificate, spec.ActionDeleteCACertificate, spec.ActionDeleteACL} {
		assert.Contains(t, out, "deleted "+action)
	}
	assert.Contains(t, out, "0 not removed")
	assert.True(t, target.Gone(describe()), "the deleted load balancer is answered as not found")
	assert.Zero(t, emulatorHoldings(t, em), "nothing of the run remains, in either account")

	st, err = resources.ReadLedger(ledger, "left")
	require.NoError(t, err)
	assert.Empty(t, st.Pending)
	code, out, _ = cli(t, "cleanup", "--run", "left", "--ledger", ledger, "--target", srv.URL)
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "0 to delete")
}

// pendingIDs lists the ids of a ledger's pending resources by delete action, oldest first:
// those principal created, or all when principal is "".
func pendingIDs(st *resources.LedgerState, principal string) map[string][]string {
	out := map[string][]string{}
	for _, e := range st.Pending {
		if len(e.Params) > 0 && (principal == "" || e.Principal == principal) {
			out[e.Action] = append(out[e.Action], e.Params[0].Value)
		}
	}
	return out
}

// useCertificatesAndACL gives one of the load balancers in ids a listener that uses a server
// certificate, a CA certificate and an ACL of ids (all of the primary account), as a run killed in the middle of a case
// leaves it. Not every instance takes every ACL (IP versions, shared instances), so it tries
// them in turn.
func useCertificatesAndACL(t *testing.T, tg target.Target, ids map[string][]string) {
	t.Helper()
	for _, lb := range ids[spec.ActionDeleteLoadBalancer] {
		for _, acl := range ids[spec.ActionDeleteACL] {
			resp, err := tg.Send(context.Background(), target.Request{Action: spec.ActionCreateHTTPSListener, Params: []target.KV{
				{Name: spec.ParamLoadBalancerID, Value: lb}, {Name: spec.ParamListenerPort, Value: "7443"}, {Name: spec.ParamBandwidth, Value: "-1"},
				{Name: spec.ParamBackendServerPort, Value: "80"}, {Name: spec.ParamHealthCheck, Value: "off"},
				{Name: spec.ParamServerCertificateID, Value: ids[spec.ActionDeleteServerCertificate][0]},
				{Name: spec.ParamCACertificateID, Value: ids[spec.ActionDeleteCACertificate][0]},
				{Name: spec.ParamACLStatus, Value: "on"}, {Name: spec.ParamACLType, Value: "white"}, {Name: spec.ParamACLID, Value: acl},
			}})
			require.NoError(t, err)
			if resp.Success() {
				return
			}
		}
	}
	t.Fatal("no load balancer of the run takes a listener with its certificates and an ACL")
}

// emulatorHoldings counts the load balancers, server and CA certificates, ACLs and TLS policies
// the emulator holds, in every account and region.
func emulatorHoldings(t *testing.T, em *emulator.Emulator) int {
	t.Helper()
	n := 0
	for _, k := range em.Held() {
		n += k
	}
	return n
}

func TestCleanupReportsUnconfirmedAndTornLines(t *testing.T) {
	clearCredentials(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "ledger-crash.jsonl")
	l, err := resources.OpenLedger(path)
	require.NoError(t, err)
	_, err = l.Append(resources.LedgerEntry{Op: resources.LedgerIntent, Run: "crash", Action: spec.ActionCreateLoadBalancer, Name: "clbcheck-crash-lb-1", Region: "cn-hangzhou"})
	require.NoError(t, err)
	seq, err := l.Append(resources.LedgerEntry{Op: resources.LedgerCreated, Run: "crash", Action: spec.ActionDeleteLoadBalancer, Name: "clbcheck-crash-lb-2",
		Params: []resources.LedgerParam{{Name: spec.ParamLoadBalancerID, Value: "lb-gone"}}, Region: "cn-hangzhou"})
	require.NoError(t, err)
	require.NoError(t, l.Close())
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, _ = f.WriteString(`{"op":"created","seq":3,"ru`)
	require.NoError(t, f.Close())

	code, out, errOut := cli(t, "cleanup", "--run", "crash", "--ledger", path)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "1 unreadable lines")
	assert.Contains(t, out, `unconfirmed: CreateLoadBalancer "clbcheck-crash-lb-1"`)
	assert.Contains(t, out, "gone    DeleteLoadBalancer LoadBalancerId=lb-gone")
	st, err := resources.ReadLedger(path, "crash")
	require.NoError(t, err)
	assert.Empty(t, st.Pending)
	l2, err := resources.OpenLedger(path)
	require.NoError(t, err)
	next, err := l2.Append(resources.LedgerEntry{Op: resources.LedgerDeleted, Run: "crash", Of: 99})
	require.NoError(t, err)
	assert.Greater(t, next, seq+1, "numbering continues after the lines already there")
	require.NoError(t, l2.Close())
}

func TestCleanupUsageErrors(t *testing.T) {
	clearCredentials(t)
	code, _, errOut := cli(t, "cleanup")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--run ID is required")
	// A missing ledger is not an error: the run tag is searched instead.
	code, _, errOut = cli(t, "cleanup", "--run", "nothere", "--out", t.TempDir())
	assert.Equal(t, exitOK, code)
	assert.Contains(t, errOut, "no ledger")
	code, _, errOut = cli(t, "cleanup", "--run", "BAD ID")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "is not a run id")
}

func TestCleanupUnreachable(t *testing.T) {
	noRetryPauses(t)
	srv, _ := emulatorServer(t)
	url := srv.URL
	srv.Close()
	path := filepath.Join(t.TempDir(), "l.jsonl")
	l, err := resources.OpenLedger(path)
	require.NoError(t, err)
	_, err = l.Append(resources.LedgerEntry{Op: resources.LedgerCreated, Run: "r1", Action: spec.ActionDeleteLoadBalancer, Params: []resources.LedgerParam{{Name: spec.ParamLoadBalancerID, Value: "lb-1"}}})
	require.NoError(t, err)
	require.NoError(t, l.Close())
	code, out, _ := cli(t, "cleanup", "--run", "r1", "--ledger", path, "--target", url)
	assert.Equal(t, exitUnreachable, code)
	assert.Contains(t, out, "FAILED")
	st, err := resources.ReadLedger(path, "r1")
	require.NoError(t, err)
	assert.Len(t, st.Pending, 1, "what could not be deleted stays in the ledger")
}

func TestLedgerAbandonedIntentIsSettled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.jsonl")
	l, err := resources.OpenLedger(path)
	require.NoError(t, err)
	for _, e := range []resources.LedgerEntry{
		{Op: resources.LedgerIntent, Run: "a", Action: spec.ActionCreateLoadBalancer, Name: "clbcheck-a-lb-1"},
		{Op: resources.LedgerAbandoned, Run: "a", Action: spec.ActionCreateLoadBalancer, Name: "clbcheck-a-lb-1"},
		{Op: resources.LedgerIntent, Run: "b", Action: spec.ActionCreateLoadBalancer, Name: "clbcheck-b-lb-1"},
	} {
		_, err := l.Append(e)
		require.NoError(t, err)
	}
	require.NoError(t, l.Close())
	st, err := resources.ReadLedger(path, "a")
	require.NoError(t, err)
	assert.Empty(t, st.Unconfirmed, "a refused create left nothing")
	assert.Equal(t, []string{"a", "b"}, st.Runs)
	st, err = resources.ReadLedger(path, "b")
	require.NoError(t, err)
	assert.Len(t, st.Unconfirmed, 1, "runs are kept apart")
}

// Without any ledger, cleanup still finds a run's instances through their run tag.
func TestCleanupByRunTagWithoutLedger(t *testing.T) {
	srv, _ := emulatorServer(t)
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	code := dispatch([]string{"run", "--target", srv.URL, "--run-id", "tagsweep", "--keep-resources", "--max-cases", "5", "--random", "-1", "--sequences", "-1", "--quiet", "--out", dir, "--ledger", filepath.Join(dir, "elsewhere.jsonl")}, &out, &errOut)
	require.Equal(t, exitOK, code, errOut.String())
	out.Reset()
	errOut.Reset()
	code = dispatch([]string{"cleanup", "--run", "tagsweep", "--target", srv.URL, "--ledger", filepath.Join(dir, "missing.jsonl")}, &out, &errOut)
	require.Equal(t, exitOK, code, out.String()+errOut.String())
	assert.Contains(t, errOut.String(), "no ledger")
	assert.Contains(t, out.String(), "found by its run tag")
	out.Reset()
	code = dispatch([]string{"cleanup", "--run", "tagsweep", "--target", srv.URL, "--ledger", filepath.Join(dir, "missing.jsonl"), "--dry-run"}, &out, &errOut)
	require.Equal(t, exitOK, code)
	assert.NotContains(t, out.String(), "would delete", "nothing tagged remains")
}
