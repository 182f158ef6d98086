package emulator_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// Wire names the tests need that spec/names.go does not carry.
const (
	pXForwardedFor   = "XForwardedFor"
	pEnableHTTP2     = "EnableHttp2"
	pIdleTimeout     = "IdleTimeout"
	pRequestTimeout  = "RequestTimeout"
	pHCHttpVersion   = "HealthCheckHttpVersion"
	pSubjectDNAlias  = "XForwardedFor_ClientCertSubjectDNAlias"
	pIssuerDNAlias   = "XForwardedFor_ClientCertIssuerDNAlias"
	pStandardType    = "StandardType"
	limitedRegion    = "cn-emulator-limited"
	listenerPort     = "443"
	builtinTLSPolicy = "tls_cipher_policy_1_2"
)

// clock is a settable clock shared by the emulator and the test clients.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one emulator served on loopback with a clock and the default principals.
type env struct {
	t     testing.TB
	em    *emulator.Emulator
	cfg   emulator.Config
	srv   *httptest.Server
	clock *clock
}

func newEnv(t testing.TB, mutate ...func(*emulator.Config)) *env {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	cfg := emulator.DefaultConfig()
	cfg.Now = clk.Now
	// These tests follow the service's transitions with a fake clock; a test of the default
	// turns them off again with a mutation.
	cfg.Delays = true
	for _, m := range mutate {
		m(&cfg)
	}
	em, err := emulator.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(em)
	t.Cleanup(func() {
		srv.Close()
		require.NoError(t, em.Close())
	})
	return &env{t: t, em: em, cfg: em.Config(), srv: srv, clock: clk}
}

// as returns a client signing with a named principal.
func (e *env) as(name string) *client {
	p, ok := e.cfg.Principal(name)
	require.True(e.t, ok, "principal %s", name)
	return &client{env: e, creds: p.Credentials, method: http.MethodPost}
}

func (e *env) primary() *client { return e.as(emulator.PrincipalPrimary) }

// client signs requests with signature V1.
type client struct {
	env    *env
	creds  signature.Credentials
	method string
	format string
	region string
}

// resp is a decoded answer.
type resp struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   map[string]any
}

func (r resp) code() string { s, _ := r.Body[spec.FieldCode].(string); return s }
func (r resp) str(k string) string {
	s, _ := r.Body[k].(string)
	return s
}

// signed builds the full, signed parameter set of a call.
func (c *client) signed(action string, params url.Values) url.Values {
	v := url.Values{}
	for k, vs := range params {
		v[k] = append([]string(nil), vs...)
	}
	v.Set(spec.ParamAction, action)
	v.Set(spec.ParamVersion, spec.MustDefault().APIVersion)
	if c.format != "" {
		v.Set(spec.ParamFormat, c.format)
	} else if v.Get(spec.ParamFormat) == "" {
		v.Set(spec.ParamFormat, "JSON")
	}
	if c.region != "" && v.Get(spec.ParamRegionID) == "" {
		v.Set(spec.ParamRegionID, c.region)
	}
	signature.AddV1Params(v, c.creds, c.env.clock.Now())
	v.Set(spec.ParamSignature, signature.SignV1(c.method, c.creds.AccessKeySecret, v))
	return v
}

func (c *client) call(action string, params url.Values) resp {
	return c.send(c.signed(action, params))
}

// send transmits an already built parameter set: POST in a form body, GET in the query.
func (c *client) send(v url.Values) resp {
	c.env.t.Helper()
	var req *http.Request
	var err error
	if c.method == http.MethodGet {
		req, err = http.NewRequest(http.MethodGet, c.env.srv.URL+"/?"+v.Encode(), nil)
	} else {
		req, err = http.NewRequest(c.method, c.env.srv.URL+"/", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	require.NoError(c.env.t, err)
	return do(c.env.t, req)
}

func do(t testing.TB, req *http.Request) resp {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	r := resp{Status: res.StatusCode, Header: res.Header, Raw: raw}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		require.NoError(t, json.Unmarshal(raw, &r.Body), "body %s", raw)
	}
	return r
}

// must calls and requires success.
func (c *client) must(action string, params url.Values) resp {
	c.env.t.Helper()
	r := c.call(action, params)
	require.Equal(c.env.t, http.StatusOK, r.Status, "%s failed: %s", action, r.Raw)
	require.Empty(c.env.t, r.code())
	return r
}

// Builders of state, each through the API.

func (c *client) createLB(extra ...string) string {
	v := url.Values{spec.ParamRegionID: {c.regionOr()}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return c.must(spec.ActionCreateLoadBalancer, v).str(spec.FieldLoadBalancerID)
}

// createPerfLB creates a guaranteed-performance instance.
func (c *client) createPerfLB(extra ...string) string {
	return c.createLB(append([]string{spec.ParamLoadBalancerSpec, "slb.s2.small"}, extra...)...)
}

func (c *client) regionOr() string {
	if c.region != "" {
		return c.region
	}
	return emulator.DefaultRegion
}

func (c *client) uploadCert(standard string) string {
	certPEM, keyPEM := testCert()
	v := url.Values{spec.ParamServerCertificate: {certPEM}, spec.ParamPrivateKey: {keyPEM}}
	if standard != "" {
		v.Set(pStandardType, standard)
	}
	return c.must(spec.ActionUploadServerCertificate, v).str(spec.FieldServerCertificateID)
}

func (c *client) uploadCA() string {
	certPEM, _ := testCert()
	return c.must(spec.ActionUploadCACertificate, url.Values{spec.ParamCACertificate: {certPEM}}).str(spec.FieldCACertificateID)
}

var aclNames sync.Map

func (c *client) createACL(ipVersion string, entries ...string) string {
	n, _ := aclNames.LoadOrStore(c.env, new(int))
	p := n.(*int)
	*p++
	id := c.must(spec.ActionCreateACL, url.Values{spec.ParamACLName: {"acl" + strconv.Itoa(*p)}, spec.ParamAddressIPVersion: {ipVersion}}).str(spec.FieldACLID)
	if len(entries) > 0 {
		var list []map[string]string
		for _, e := range entries {
			list = append(list, map[string]string{"entry": e, "comment": "t"})
		}
		b, _ := json.Marshal(list)
		c.must(spec.ActionAddACLEntry, url.Values{spec.ParamACLID: {id}, spec.ParamACLEntries: {string(b)}})
	}
	return id
}

func (c *client) createPolicy() string {
	return c.must(spec.ActionCreateTLSCipherPolicy, url.Values{spec.ParamPolicyName: {"p"}, "TLSVersions.1": {"TLSv1.2"}, "Ciphers.1": {"ECDHE-RSA-AES128-GCM-SHA256"}}).str(spec.FieldTLSCipherPolicyID)
}

func (c *client) start(lb, port string) resp {
	return c.call(spec.ActionStartListener, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamListenerPort: {port}})
}

// listenerParams is a valid create request on port 443.
func listenerParams(lb, cert string, extra ...string) url.Values {
	v := url.Values{
		spec.ParamLoadBalancerID:    {lb},
		spec.ParamListenerPort:      {listenerPort},
		spec.ParamBandwidth:         {"-1"},
		spec.ParamBackendServerPort: {"80"},
		spec.ParamHealthCheck:       {"off"},
	}
	if cert != "" {
		v.Set(spec.ParamServerCertificateID, cert)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

func (c *client) listenerCount() int {
	r := c.must(spec.ActionDescribeListeners, url.Values{spec.ParamMaxResults: {"100"}})
	n, _ := r.Body["TotalCount"].(float64)
	return int(n)
}

var (
	certOnce        sync.Once
	certPEM, keyPEM string
)

// testCert returns a self-signed ECDSA certificate and its key, made once per test binary.
func testCert() (string, string) {
	certOnce.Do(func() {
		certPEM, keyPEM = makeCert()
	})
	return certPEM, keyPEM
}

func makeCert() (string, string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "emulator.test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IsCA:         true, BasicConstraintsValid: true,
		DNSNames: []string{"emulator.test"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}))
}
