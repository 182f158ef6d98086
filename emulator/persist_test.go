package emulator_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/spec"
)

func stateAt(path string) func(*emulator.Config) {
	return func(cfg *emulator.Config) { cfg.StateFile = path }
}

func openState(t *testing.T, path string) (*emulator.Emulator, error) {
	cfg := emulator.DefaultConfig()
	cfg.StateFile = path
	em, err := emulator.New(cfg)
	if err == nil {
		t.Cleanup(func() { _ = em.Close() })
	}
	return em, err
}

// Two emulators on one state file each believed they owned it: both acknowledged writes, the
// last to write won, and both handed out the same ids. The second now refuses to start and
// says why; once the first closes, it starts.
func TestSecondEmulatorOnOneStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first, err := openState(t, path)
	require.NoError(t, err)
	_, err = openState(t, path)
	require.Error(t, err)
	assert.True(t, errors.Is(err, emulator.ErrStateInUse), "%v", err)
	assert.Contains(t, err.Error(), path)
	assert.Contains(t, err.Error(), "process "+strconv.Itoa(os.Getpid()))
	require.NoError(t, first.Close())
	require.NoError(t, first.Close(), "a second Close does nothing")
	_, err = openState(t, path)
	assert.NoError(t, err)
}

// A state file in a directory that does not exist was accepted at start; every write then
// failed with a 500 naming the server's path. It is refused at start now.
func TestStateFileInMissingDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "no", "such")
	_, err := openState(t, filepath.Join(dir, "state.json"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), dir+" does not exist")
	_, err = openState(t, t.TempDir())
	assert.ErrorContains(t, err, "is a directory")
}

// An entity that is null or labelled with another key decoded and was served, and the first
// read of it answered 500. Loading refuses it and says where it is.
func TestStateFileSemanticErrors(t *testing.T) {
	lbJSON := func(listeners string) string {
		return `{"version":1,"seq":3,"accounts":{"` + emulator.DefaultPrimaryAccountID + `":{"regions":{"cn-hangzhou":{` +
			`"loadBalancers":{"lb-1":{"id":"lb-1","listeners":` + listeners + `,"groups":{}}}}}}}}`
	}
	for name, c := range map[string]struct{ content, want string }{
		"null listener":     {lbJSON(`{"443":null}`), "listener 443 of load balancer lb-1 is null"},
		"mislabelled":       {lbJSON(`{"443":{"port":80}}`), "listener 443 of load balancer lb-1 has the port 80"},
		"port out of range": {lbJSON(`{"70000":{"port":70000}}`), "port 70000"},
		"null instance":     {`{"version":1,"accounts":{"a":{"regions":{"r":{"loadBalancers":{"lb-1":null}}}}}}`, "load balancer lb-1 is null"},
		"null certificate":  {`{"version":1,"accounts":{"a":{"regions":{"r":{"certificates":{"c-1":null}}}}}}`, "c-1 is null"},
		"null region":       {`{"version":1,"accounts":{"a":{"regions":{"r":null}}}}`, "region r is null"},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			require.NoError(t, os.WriteFile(path, []byte(c.content), 0o600))
			_, err := openState(t, path)
			require.Error(t, err)
			assert.True(t, errors.Is(err, emulator.ErrCorruptState), "%v", err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// A listener whose attributes are missing is served, not a 500; an id counter behind the
// ids in use moves past them, so no id is handed out twice.
func TestStateFileRepairs(t *testing.T) {
	e := newEnv(t)
	lb := e.primary().createPerfLB()
	path := filepath.Join(t.TempDir(), "state.json")
	content := `{"version":1,"seq":0,"accounts":{"` + emulator.DefaultPrimaryAccountID + `":{"regions":{"cn-hangzhou":{` +
		`"loadBalancers":{"` + lb + `":{"id":"` + lb + `","spec":"slb.s2.small","listeners":{"443":{"port":443,"protocol":"https"}}}}}}}}}`
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	e2 := newEnv(t, stateAt(path))
	c := e2.primary()
	r := c.call(spec.ActionDescribeHTTPSListener, listenerRef(lb))
	assert.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	assert.NotEqual(t, lb, c.createPerfLB())
}

// Temporary files a killed emulator left next to the state file are removed at start.
func TestOrphanTemporaryFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	orphan := filepath.Join(dir, ".state.json.tmp-12345")
	other := filepath.Join(dir, ".other.json.tmp-1")
	require.NoError(t, os.WriteFile(orphan, []byte("{"), 0o600))
	require.NoError(t, os.WriteFile(other, []byte("{"), 0o600))
	_, err := openState(t, path)
	require.NoError(t, err)
	assert.NoFileExists(t, orphan)
	assert.FileExists(t, other, "only the state file's own temporary files")
}

// workload changes the state through every kind of entity the journal knows, including
// changes in place (start, stop, ACL entries) and deletions.
func workload(t *testing.T, e *env) {
	c := e.primary()
	lb, lb2, cert := c.createPerfLB(), c.createPerfLB(), c.uploadCert("")
	ca, acl, policy := c.uploadCA(), c.createACL("ipv4", "10.0.0.0/8"), c.createPolicy()
	c.must(spec.ActionAddACLEntry, url.Values{spec.ParamACLID: {acl}, spec.ParamACLEntries: {`[{"entry":"192.168.0.0/16","comment":"x"}]`}})
	e.clock.Advance(time.Minute) // the new TLS policy is configured
	group := c.must(spec.ActionCreateVServerGroup, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamVServerGroupName: {"g"}}).str(spec.FieldVServerGroupID)
	for p := 1000; p < 1010; p++ {
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, strconv.Itoa(p),
			spec.ParamACLStatus, "on", spec.ParamACLType, "white", spec.ParamACLID, acl, spec.ParamCACertificateID, ca))
	}
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamVServerGroupID, group, spec.ParamTLSCipherPolicy, policy))
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb2, cert))
	require.Equal(t, http.StatusOK, c.start(lb, "1001").Status)
	e.clock.Advance(3 * time.Second)
	c.must(spec.ActionStopListener, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamListenerPort: {"1001"}})
	require.Equal(t, http.StatusOK, c.start(lb, "1002").Status)
	c.must(spec.ActionDeleteListener, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamListenerPort: {"1003"}})
	c.must(spec.ActionDeleteLoadBalancer, url.Values{spec.ParamLoadBalancerID: {lb2}})
	// Changes in place by the operations tools call around a listener.
	c.must(spec.ActionSetHTTPSListener, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamListenerPort: {"1004"}, spec.ParamDescription: {"changed"}})
	for _, kind := range [][2]string{{"instance", lb}, {"certificate", cert}, {"acl", acl}} {
		c.must(spec.ActionTagResources, url.Values{spec.ParamResourceType: {kind[0]}, spec.ParamResourceID + ".1": {kind[1]},
			"Tag.1.Key": {"k"}, "Tag.1.Value": {"v"}, "Tag.2.Key": {"k2"}, "Tag.2.Value": {"v2"}})
	}
	c.must(spec.ActionUntagResources, url.Values{spec.ParamResourceType: {"instance"}, spec.ParamResourceID + ".1": {lb}, spec.ParamTagKey + ".1": {"k2"}})
	spare := c.uploadCert("")
	c.must(spec.ActionDeleteServerCertificate, url.Values{spec.ParamServerCertificateID: {spare}})
	c.must(spec.ActionDeleteCACertificate, url.Values{spec.ParamRegionID: {c.regionOr()}, spec.ParamCACertificateID: {c.uploadCA()}})
	c.must(spec.ActionDeleteACL, url.Values{spec.ParamRegionID: {c.regionOr()}, spec.ParamACLID: {c.createACL("ipv4", "10.1.0.0/16")}})
	spent := c.createPolicy()
	e.clock.Advance(time.Minute)
	c.must(spec.ActionDeleteTLSCipherPolicy, url.Values{spec.ParamRegionID: {c.regionOr()}, spec.ParamTLSCipherPolicyID: {spent}})
	o := e.as(emulator.PrincipalSecondary)
	o.region = "cn-shanghai"
	o.createPerfLB()
}

// A delete whose change cannot be written to the state file is answered with an internal
// error and undone: the certificate, the CA certificate, the ACL and the TLS policy are still
// there, as a later read shows.
func TestDeleteThatCannotBeWrittenIsUndone(t *testing.T) {
	e := newEnv(t, stateAt(filepath.Join(t.TempDir(), "state.json")))
	c := e.primary()
	region := []string{c.regionOr()}
	cert, ca, acl, policy := c.uploadCert(""), c.uploadCA(), c.createACL("ipv4", "10.0.0.0/8"), c.createPolicy()
	e.clock.Advance(time.Minute) // the TLS policy is configured
	before, err := e.em.Snapshot()
	require.NoError(t, err)
	emulator.Abandon(e.em) // the state file can no longer be written
	internal, _ := spec.MustDefault().GatewayError(spec.GatewayInternalError)
	for action, params := range map[string]url.Values{
		spec.ActionDeleteServerCertificate: {spec.ParamRegionID: region, spec.ParamServerCertificateID: {cert}},
		spec.ActionDeleteCACertificate:     {spec.ParamRegionID: region, spec.ParamCACertificateID: {ca}},
		spec.ActionDeleteACL:               {spec.ParamRegionID: region, spec.ParamACLID: {acl}},
		spec.ActionDeleteTLSCipherPolicy:   {spec.ParamRegionID: region, spec.ParamTLSCipherPolicyID: {policy}},
	} {
		assert.Equal(t, internal.Code, c.call(action, params).code(), action)
	}
	after, err := e.em.Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after))
}

// What the journal holds, replayed on the snapshot, is the state the emulator served: nothing
// acknowledged is missing, nothing is different.
func TestJournalReplaysToTheSameState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, stateAt(path))
	workload(t, e)
	want, err := e.em.Snapshot()
	require.NoError(t, err)
	fi, err := os.Stat(path + ".journal")
	require.NoError(t, err)
	require.Positive(t, fi.Size(), "the changes are in the journal, not yet in a snapshot")
	emulator.Abandon(e.em)

	e2 := newEnv(t, stateAt(path))
	got, err := e2.em.Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))
	fi, err = os.Stat(path + ".journal")
	require.NoError(t, err)
	assert.Zero(t, fi.Size(), "loading compacts")
	require.NoError(t, e2.em.Close())
	e3 := newEnv(t, stateAt(path))
	got, err = e3.em.Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got), "from the snapshot alone")
}

// A journal cut short in its last line (a write the process never finished, so never
// acknowledged) loads without it; damage before a good line is corruption.
func TestJournalTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, stateAt(path))
	c := e.primary()
	lb := c.createPerfLB()
	want, err := e.em.Snapshot()
	require.NoError(t, err)
	c.createPerfLB()
	emulator.Abandon(e.em)
	data, err := os.ReadFile(path + ".journal")
	require.NoError(t, err)
	lines := strings.SplitAfter(string(data), "\n")
	require.Len(t, lines, 3) // two lines and the empty rest

	require.NoError(t, os.WriteFile(path+".journal", []byte(lines[0]+lines[1][:len(lines[1])/2]), 0o600))
	e2 := newEnv(t, stateAt(path))
	got, err := e2.em.Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))
	assert.NotEqual(t, lb, e2.primary().createPerfLB())
	emulator.Abandon(e2.em)

	require.NoError(t, os.WriteFile(path+".journal", []byte("00000000 {}\n"+lines[0]), 0o600))
	_, err = openState(t, path)
	assert.True(t, errors.Is(err, emulator.ErrCorruptState), "%v", err)
}

// A change costs the same whatever the size of the state: it appends its own entities to the
// journal and leaves the snapshot alone. Each change used to rewrite (and flush) the whole
// file, so creates slowed down as listeners accumulated.
func TestChangeCostDoesNotGrowWithState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, stateAt(path))
	c := e.primary()
	cert := c.uploadCert("")
	var lbs []string
	for i := range 300 {
		if i%50 == 0 {
			lbs = append(lbs, c.createPerfLB())
		}
		c.must(spec.ActionCreateHTTPSListener, listenerParams(lbs[len(lbs)-1], cert, spec.ParamListenerPort, strconv.Itoa(1000+i%50)))
	}
	before, err := os.Stat(path)
	require.NoError(t, err)
	journal, err := os.Stat(path + ".journal")
	require.NoError(t, err)
	lb := c.createPerfLB()
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
	after, err := os.Stat(path)
	require.NoError(t, err)
	journal2, err := os.Stat(path + ".journal")
	require.NoError(t, err)
	assert.Equal(t, before.ModTime(), after.ModTime(), "the snapshot is not rewritten")
	assert.Less(t, journal2.Size()-journal.Size(), int64(8<<10), "an instance and a listener cost a few KB")
}

func BenchmarkStateCreates(b *testing.B) {
	benchmarkCreates(b, filepath.Join(b.TempDir(), "state.json"))
}

func BenchmarkMemoryCreates(b *testing.B) { benchmarkCreates(b, "") }

// benchmarkCreates measures listener creates per second on an emulator holding 1,000
// listeners (20 instances of 50), from 8 clients at once over loopback HTTP; with a path, the
// emulator keeps its state there.
func benchmarkCreates(b *testing.B, path string) {
	e := newEnv(b, func(cfg *emulator.Config) { cfg.StateFile = path; cfg.Quotas["listeners-per-load-balancer"] = 50 })
	c := e.primary()
	cert := c.uploadCert("")
	for range 20 {
		lb := c.createPerfLB()
		for p := range 50 {
			c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, strconv.Itoa(1000+p)))
		}
	}
	require.Equal(b, 1000, c.listenerCount())
	const clients = 8
	b.ResetTimer()
	start := time.Now()
	errs := make(chan error, clients)
	for w := range clients {
		go func() {
			var lb string
			for i := w; i < b.N; i += clients {
				if (i/clients)%50 == 0 {
					lb = c.createPerfLB()
				}
				r := c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, strconv.Itoa(2000+(i/clients)%50)))
				if r.Status != http.StatusOK {
					errs <- fmt.Errorf("create: %s", r.Raw)
					return
				}
			}
			errs <- nil
		}()
	}
	for range clients {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "creates/s")
}
