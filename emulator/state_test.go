package emulator_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

func listenerRef(lb string) url.Values {
	return url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamListenerPort: {listenerPort}}
}

// TestListenerLifecycle follows a listener from creation to deletion, moving the clock.
func TestListenerLifecycle(t *testing.T) {
	e := newEnv(t)
	c := e.primary()
	lb, cert := c.createPerfLB(), c.uploadCert("")
	acl := c.createACL("ipv4", "10.0.0.0/8")
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert,
		spec.ParamACLStatus, "on", spec.ParamACLType, "black", spec.ParamACLID, acl,
		"HealthCheck", "on", "HealthyThreshold", "4", "Tag.1.Key", "k", "Tag.1.Value", "v"))

	d := c.must(spec.ActionDescribeHTTPSListener, listenerRef(lb)).Body
	assert.Equal(t, "stopped", d[spec.FieldStatus])
	assert.Equal(t, float64(443), d[spec.ParamListenerPort])
	assert.Equal(t, float64(-1), d[spec.ParamBandwidth], "integers are JSON numbers")
	assert.Equal(t, float64(4), d["HealthyThreshold"])
	assert.Equal(t, float64(15), d["IdleTimeout"], "description default applied")
	assert.Equal(t, "wrr", d["Scheduler"])
	assert.Equal(t, cert, d[spec.ParamServerCertificateID])
	assert.Equal(t, []any{acl}, d["AclIds"].(map[string]any)[spec.ParamACLID])
	assert.Len(t, d["ServerCertificates"].(map[string]any)[spec.ParamServerCertificate], 1)
	assert.NotContains(t, d, spec.FieldCode)

	require.Equal(t, http.StatusOK, c.start(lb, listenerPort).Status)
	assert.Equal(t, "starting", c.must(spec.ActionDescribeHTTPSListener, listenerRef(lb)).Body[spec.FieldStatus])
	assert.Equal(t, "ServiceIsConfiguring", c.call(spec.ActionStopListener, listenerRef(lb)).code())
	e.clock.Advance(2 * time.Second)
	assert.Equal(t, "running", c.must(spec.ActionDescribeHTTPSListener, listenerRef(lb)).Body[spec.FieldStatus])
	// A running listener's port is simply taken.
	assert.Equal(t, "InvalidParameter.ListenerPortConflict", c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert)).code())

	list := c.must(spec.ActionDescribeListeners, url.Values{"LoadBalancerId.1": {lb}}).Body
	ls := list[spec.FieldListeners].([]any)
	require.Len(t, ls, 1)
	assert.Equal(t, "running", ls[0].(map[string]any)[spec.FieldStatus])

	c.must(spec.ActionStopListener, listenerRef(lb))
	c.must(spec.ActionDeleteListener, listenerRef(lb))
	gone := c.call(spec.ActionDescribeHTTPSListener, listenerRef(lb))
	notFound, _ := spec.MustDefault().NeighbourError("listener-not-found")
	assert.Equal(t, notFound.Code, gone.code())
	assert.Equal(t, notFound.Status, gone.Status)
	// The Terraform provider recognises a deleted listener by this text of the message.
	assert.Contains(t, gone.str(spec.FieldMessage), "The specified resource does not exist")
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
	attr := c.must(spec.ActionDescribeLoadBalancer, url.Values{spec.ParamLoadBalancerID: {lb}}).Body
	assert.Equal(t, lb, attr[spec.FieldLoadBalancerID])
	c.must(spec.ActionDeleteLoadBalancer, url.Values{spec.ParamLoadBalancerID: {lb}})
	assert.Equal(t, 0, c.listenerCount())
}

func TestCustomTLSPolicy(t *testing.T) {
	e := newEnv(t)
	c := e.primary()
	lb, cert, p := c.createPerfLB(), c.uploadCert(""), c.createPolicy()
	assert.Equal(t, "TLSPolicyConfiguring", c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamTLSCipherPolicy, p)).code())
	e.clock.Advance(2 * time.Second)
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamTLSCipherPolicy, p))
	// Another account cannot use the policy: for it the id is not a policy at all.
	other := e.as(emulator.PrincipalSecondary)
	lb2, cert2 := other.createPerfLB(), other.uploadCert("")
	assert.Equal(t, "InvalidTLSPolicyId.NotExist", other.call(spec.ActionCreateHTTPSListener, listenerParams(lb2, cert2, spec.ParamTLSCipherPolicy, p)).code())
	// A built-in policy on a guaranteed-performance instance is fine.
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamTLSCipherPolicy, builtinTLSPolicy, spec.ParamListenerPort, "444"))
}

func TestUploadServerCertificateChecks(t *testing.T) {
	e := newEnv(t)
	c := e.primary()
	certPEM, keyPEM := testCert()
	_, otherKey := makeCert()
	r := c.call(spec.ActionUploadServerCertificate, url.Values{spec.ParamServerCertificate: {certPEM}, spec.ParamPrivateKey: {otherKey}})
	assert.Equal(t, "CertificateNotMatchPrivateKey", r.code())
	r = c.call(spec.ActionUploadServerCertificate, url.Values{spec.ParamServerCertificate: {certPEM}, spec.ParamPrivateKey: {"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}})
	assert.Equal(t, "KeyFormatError", r.code())
	r = c.call(spec.ActionUploadServerCertificate, url.Values{spec.ParamServerCertificate: {certPEM}, spec.ParamPrivateKey: {keyPEM}, pStandardType: {"gm"}})
	assert.Equal(t, "InvalidParameter", r.code(), "the upload's own parameters are validated from the description")
	r = c.must(spec.ActionUploadServerCertificate, url.Values{spec.ParamServerCertificate: {certPEM}, spec.ParamPrivateKey: {keyPEM}})
	assert.Equal(t, "emulator.test", r.str("CommonName"))
}

// TestPersistence restarts an emulator on its state file and finds the listener again.
func TestPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	withFile := func(cfg *emulator.Config) { cfg.StateFile = path }
	e := newEnv(t, withFile)
	c := e.primary()
	lb, cert := c.createPerfLB(), c.uploadCert("")
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, "Description", "kept"))
	require.Equal(t, http.StatusOK, c.start(lb, listenerPort).Status)
	e.srv.Close()
	require.NoError(t, e.em.Close())

	e2 := newEnv(t, withFile)
	c2 := e2.primary()
	d := c2.must(spec.ActionDescribeHTTPSListener, listenerRef(lb)).Body
	assert.Equal(t, "kept", d["Description"])
	assert.Equal(t, "starting", d[spec.FieldStatus], "the start time survives the restart")
	assert.Equal(t, "ListenerProcessing", c2.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert)).code())
	e2.clock.Advance(2 * time.Second)
	assert.Equal(t, "InvalidParameter.ListenerPortConflict", c2.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert)).code())
	// New ids do not collide with old ones.
	assert.NotEqual(t, lb, c2.createPerfLB())
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	var names []string
	for _, en := range entries {
		names = append(names, en.Name())
	}
	assert.ElementsMatch(t, []string{"state.json", "state.json.journal", "state.json.lock"}, names, "no temporary files are left behind")
}

func TestCorruptStateFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	e := newEnv(t, func(cfg *emulator.Config) { cfg.StateFile = path })
	e.primary().createPerfLB()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	for name, content := range map[string][]byte{
		"truncated": data[:len(data)/2],
		"garbage":   []byte("\x00\x01not json"),
		"version":   []byte(`{"version":99,"accounts":{}}`),
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name+".json")
			require.NoError(t, os.WriteFile(p, content, 0o600))
			cfg := emulator.DefaultConfig()
			cfg.StateFile = p
			_, err := emulator.New(cfg)
			require.Error(t, err)
			assert.True(t, errors.Is(err, emulator.ErrCorruptState), "%v", err)
			assert.Contains(t, err.Error(), p)
		})
	}
}

// TestConcurrentCreatesOnePort races many clients for one port: exactly one wins, the
// others see the port conflict.
func TestConcurrentCreatesOnePort(t *testing.T) {
	e := newEnv(t)
	c := e.primary()
	lb, cert := c.createPerfLB(), c.uploadCert("")
	const n = 32
	var wins, conflicts atomic.Int32
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.primary().call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
			switch {
			case r.Status == http.StatusOK:
				wins.Add(1)
			case r.code() == "InvalidParameter.ListenerPortConflict":
				conflicts.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), wins.Load())
	assert.Equal(t, int32(n-1), conflicts.Load())
}

// TestManyClients mixes accounts, operations and ports from many goroutines (run with -race).
func TestManyClients(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := emulator.PrincipalPrimary
			if g%2 == 1 {
				name = emulator.PrincipalSecondary
			}
			c := e.as(name)
			lb, cert := c.createPerfLB(), c.uploadCert("")
			for p := range 5 {
				r := c.call(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, fmt.Sprint(1000+p)))
				assert.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
			}
			c.must(spec.ActionDescribeListeners, nil)
		}()
	}
	wg.Wait()
	assert.Equal(t, 40, e.primary().listenerCount())
	assert.Equal(t, 40, e.as(emulator.PrincipalSecondary).listenerCount())
}

// TestNonceCacheBounded sends more requests than the cache may hold and moves past the
// window; the cache never grows beyond its bound and forgets expired nonces.
func TestNonceCacheBounded(t *testing.T) {
	e := newEnv(t, func(cfg *emulator.Config) { cfg.MaxNonces = 50 })
	c := e.primary()
	for range 120 {
		c.call(spec.ActionDescribeListeners, nil)
	}
	assert.LessOrEqual(t, e.em.NonceCacheSize(), 50)
	e.clock.Advance(16 * time.Minute)
	c.call(spec.ActionDescribeListeners, nil)
	assert.Equal(t, 1, e.em.NonceCacheSize())
}

// TestNoPanicOnOddInput throws malformed and random requests at the handler in-process; each
// gets a well-formed JSON answer and none an InternalError from the recovery net.
func TestNoPanicOnOddInput(t *testing.T) {
	e := newEnv(t)
	rng := rand.New(rand.NewPCG(1, 2))
	names := []string{spec.ParamAction, spec.ParamVersion, spec.ParamFormat, spec.ParamAccessKeyID, spec.ParamSignature,
		spec.ParamTimestamp, spec.ParamSignatureNonce, spec.ParamListenerPort, spec.ParamLoadBalancerID, "Tag.1.Key",
		"Tag.x.Key", "ServerCertificate.0.CertificateId", spec.ParamACLID, spec.ParamTLSCipherPolicy}
	vals := []string{"", "%", "%zz", "CreateLoadBalancerHTTPSListener", "2014-05-15", "XML", "-1", "99999999999999999999", "\x00", "a,b,,", strings.Repeat("x", 600)}
	for i := range 2000 {
		var q strings.Builder
		for j := range rng.IntN(8) {
			if j > 0 {
				q.WriteByte('&')
			}
			q.WriteString(names[rng.IntN(len(names))])
			q.WriteByte('=')
			q.WriteString(vals[rng.IntN(len(vals))])
		}
		method := []string{http.MethodGet, http.MethodPost, http.MethodHead, "PATCH"}[i%4]
		req := httptest.NewRequest(method, "/", strings.NewReader(q.String()))
		req.URL.RawQuery = q.String()
		if i%3 == 0 {
			req.Header.Set(signature.HeaderAuthorization, "ACS3-HMAC-SHA256 Credential="+emulator.DefaultPrimaryKeyID+",SignedHeaders=host;x-acs-date,Signature=00")
			req.Header.Set(signature.HeaderAction, spec.ActionCreateHTTPSListener)
			req.Header.Set(signature.HeaderVersion, "2014-05-15")
		}
		rec := httptest.NewRecorder()
		e.em.ServeHTTP(rec, req)
		require.GreaterOrEqual(t, rec.Code, 400, "random input %q", q.String())
		if method != http.MethodHead {
			require.NotContains(t, rec.Body.String(), "emulator fault", "input %q", q.String())
		}
	}
}

func TestDroppedConnections(t *testing.T) {
	e := newEnv(t, func(cfg *emulator.Config) { cfg.Disruptions.DropRate, cfg.Disruptions.Seed = 1, 3 })
	v := e.primary().signed(spec.ActionDescribeListeners, nil)
	_, err := http.PostForm(e.srv.URL+"/", v)
	require.Error(t, err, "the connection is closed without an answer")
}

func TestLatency(t *testing.T) {
	e := newEnv(t, func(cfg *emulator.Config) { cfg.Disruptions.Latency = 30 * time.Millisecond })
	start := time.Now()
	e.primary().call(spec.ActionDescribeListeners, nil)
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)
}

func TestConfigFile(t *testing.T) {
	cfg, err := emulator.ParseConfig([]byte(`{"quotas":{"acls-per-listener":5},"scenarios":{"listener-start-delay":"10s"},"noAuth":true}`))
	require.NoError(t, err)
	assert.Equal(t, 5, cfg.Quotas["acls-per-listener"])
	assert.Equal(t, "10s", cfg.Scenarios["listener-start-delay"])
	assert.True(t, cfg.NoAuth)
	assert.Len(t, cfg.Accounts, 2, "accounts keep their defaults")
	for _, bad := range []string{`{"quotas":{"nope":1}}`, `{"scenarios":{"listener-start-delay":"soon"}}`, `{"unknown":1}`, `{"accounts":[{"name":"a","id":"1","keys":[{"id":"k"}]}]}`} {
		_, err := emulator.ParseConfig([]byte(bad))
		assert.Error(t, err, bad)
	}
	p, ok := emulator.DefaultConfig().Principal(emulator.PrincipalDenied)
	require.True(t, ok)
	assert.Equal(t, emulator.DefaultPrimaryAccountID, p.AccountID)
	assert.NotEmpty(t, p.UserName)
}

// BenchmarkHandler measures the in-process handler on a signed describe and a refused create.
func BenchmarkHandler(b *testing.B) {
	clk := &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	cfg := emulator.DefaultConfig()
	cfg.Now = clk.Now
	cfg.MaxNonces = 1 << 16
	em := emulator.MustNew(cfg)
	creds := cfg.MustPrincipal(emulator.PrincipalPrimary).Credentials
	params := listenerParams("lb-missing", "cert-missing")
	params.Set(spec.ParamAction, spec.ActionCreateHTTPSListener)
	params.Set(spec.ParamVersion, "2014-05-15")
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		v := url.Values{}
		for k, vs := range params {
			v[k] = vs
		}
		signature.AddV1Params(v, creds, clk.Now())
		v.Set(spec.ParamSignature, signature.SignV1(http.MethodPost, creds.AccessKeySecret, v))
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		em.ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest {
			b.Fatalf("unexpected answer %d %s", rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "requests/s")
}

// TestConfigIsCopied: changing a configuration after New, or the copy Config returns, does
// not change what the emulator accepts.
func TestConfigIsCopied(t *testing.T) {
	cfg := emulator.DefaultConfig()
	em := emulator.MustNew(cfg)
	cfg.Accounts[0].Keys[0].Secret = "changed"
	got := em.Config()
	got.Accounts[0].Keys[0].Disabled = true
	assert.Equal(t, emulator.DefaultPrimarySecret, em.Config().Accounts[0].Keys[0].Secret)
	assert.False(t, em.Config().Accounts[0].Keys[0].Disabled)
}
