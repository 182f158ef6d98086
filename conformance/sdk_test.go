// Package conformance drives the emulator with the official Alibaba Cloud Go SDK, as a user of
// the real service would, and checks that the SDK understands every answer. It lives in its
// own module so that the SDK's dependencies stay out of the main module.
package conformance

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"

	"github.com/clbcheck/clbcheck/conformance/sdkcheck"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// newCert makes a self-signed certificate and its key at run time, a CA when isCA.
func newCert(t *testing.T, cn string, isCA bool) resources.CertPair {
	t.Helper()
	c, err := resources.NewCertificate(cn, isCA)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type harness struct {
	t   *testing.T
	cfg emulator.Config
	url string
}

func start(t *testing.T) *harness {
	cfg := emulator.DefaultConfig()
	// These tests also meet the service's delayed transitions (ListenerProcessing); the
	// lifecycle tests run the command with its instant defaults.
	cfg.Delays = true
	em, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	return &harness{t: t, cfg: cfg, url: strings.TrimPrefix(srv.URL, "http://")}
}

// client returns an SDK client of a principal of the emulator's configuration.
func (h *harness) client(name string) *slb.Client {
	h.t.Helper()
	p, ok := h.cfg.Principal(name)
	if !ok {
		h.t.Fatalf("no principal %s", name)
	}
	c, err := sdkcheck.ClassicClient(h.cfg.Region, h.url, p.Credentials)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// listenerRequest is sdkcheck's listener request, sent over plain HTTP to the test server.
func listenerRequest(lb, cert string, port int) *slb.CreateLoadBalancerHTTPSListenerRequest {
	req := sdkcheck.ListenerRequest(lb, cert, port)
	req.Scheme = "http"
	return req
}

// wantServerError checks that err is the SDK's parsed form of a documented answer.
func wantServerError(t *testing.T, err error, code string) {
	t.Helper()
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		t.Fatalf("want a server error %s, got %T %v", code, err, err)
	}
	if se.ErrorCode() != code {
		t.Fatalf("want code %s, got %s (%s)", code, se.ErrorCode(), se.Message())
	}
	if ec, ok := spec.MustDefault().Error(code); ok && se.HttpStatus() != ec.Status {
		t.Fatalf("%s: want status %d, got %d", code, ec.Status, se.HttpStatus())
	}
	if se.RequestId() == "" || se.HostId() == "" {
		t.Fatalf("%s: RequestId %q and HostId %q must be set", code, se.RequestId(), se.HostId())
	}
}

func TestOfficialSDKEndToEnd(t *testing.T) {
	h := start(t)
	c := h.client(emulator.PrincipalPrimary)

	mk := func(specName string) string {
		req := slb.CreateCreateLoadBalancerRequest()
		req.Scheme = "http"
		req.LoadBalancerSpec = specName
		res, err := c.CreateLoadBalancer(req)
		if err != nil {
			t.Fatalf("CreateLoadBalancer: %v", err)
		}
		if res.LoadBalancerId == "" {
			t.Fatal("no LoadBalancerId")
		}
		return res.LoadBalancerId
	}
	lb := mk("slb.s2.small")
	shared := mk("")

	server := newCert(t, "www.example.test", false)
	up := slb.CreateUploadServerCertificateRequest()
	up.Scheme = "http"
	up.ServerCertificate, up.PrivateKey, up.ServerCertificateName = server.CertPEM, server.KeyPEM, "conformance"
	upRes, err := c.UploadServerCertificate(up)
	if err != nil {
		t.Fatalf("UploadServerCertificate: %v", err)
	}
	cert := upRes.ServerCertificateId

	ca := slb.CreateUploadCACertificateRequest()
	ca.Scheme = "http"
	ca.CACertificate = newCert(t, "ca.example.test", true).CertPEM
	caRes, err := c.UploadCACertificate(ca)
	if err != nil {
		t.Fatalf("UploadCACertificate: %v", err)
	}

	req := listenerRequest(lb, cert, 443)
	req.CACertificateId = caRes.CACertificateId
	req.TLSCipherPolicy = "tls_cipher_policy_1_2"
	if _, err := c.CreateLoadBalancerHTTPSListener(req); err != nil {
		t.Fatalf("CreateLoadBalancerHTTPSListener: %v", err)
	}

	d := slb.CreateDescribeLoadBalancerHTTPSListenerAttributeRequest()
	d.Scheme = "http"
	d.LoadBalancerId = lb
	d.ListenerPort = requests.NewInteger(443)
	got, err := c.DescribeLoadBalancerHTTPSListenerAttribute(d)
	if err != nil {
		t.Fatalf("Describe: %v", err)
	}
	if got.Status != spec.StatusStopped || got.ListenerPort != 443 || got.Bandwidth != -1 || got.HealthyThreshold != 3 ||
		got.ServerCertificateId != cert || got.CACertificateId != caRes.CACertificateId || got.IdleTimeout != 15 ||
		got.TLSCipherPolicy != "tls_cipher_policy_1_2" || len(got.Tags.Tag) != 1 || got.Tags.Tag[0].TagKey != "team" {
		t.Fatalf("listener read back differs: %+v", got)
	}

	s := slb.CreateStartLoadBalancerListenerRequest()
	s.Scheme = "http"
	s.LoadBalancerId, s.ListenerPort = lb, requests.NewInteger(443)
	if _, err := c.StartLoadBalancerListener(s); err != nil {
		t.Fatalf("Start: %v", err)
	}

	// Documented errors, each parsed by the SDK.
	_, err = c.CreateLoadBalancerHTTPSListener(listenerRequest(lb, cert, 443))
	wantServerError(t, err, "ListenerProcessing")

	_, err = c.CreateLoadBalancerHTTPSListener(listenerRequest(lb, "no-such-cert", 8443))
	wantServerError(t, err, "CertificateNotExist")

	r := listenerRequest(shared, cert, 443)
	r.TLSCipherPolicy = "tls_cipher_policy_1_2"
	_, err = c.CreateLoadBalancerHTTPSListener(r)
	wantServerError(t, err, "InvalidParameter.SpecNotSupport")

	r = listenerRequest(lb, cert, 8443)
	r.IdleTimeout = requests.NewInteger(61)
	_, err = c.CreateLoadBalancerHTTPSListener(r)
	wantServerError(t, err, "InvalidParameter.IdleTimeout")

	_, err = c.CreateLoadBalancerHTTPSListener(listenerRequest("lb-none", cert, 443))
	wantServerError(t, err, "InvalidLoadBalancerId.NotFound")

	r = listenerRequest(lb, "", 8443)
	r.ServerCertificate = &[]slb.CreateLoadBalancerHTTPSListenerServerCertificate{{CertificateId: cert, StandardType: "cn"}}
	_, err = c.CreateLoadBalancerHTTPSListener(r)
	wantServerError(t, err, "CnCertificateNotSupport")

	r = listenerRequest(lb, cert, 8443)
	r.Tag = &[]slb.CreateLoadBalancerHTTPSListenerTag{{Key: "aliyun-reserved", Value: "x"}}
	_, err = c.CreateLoadBalancerHTTPSListener(r)
	wantServerError(t, err, "InvalidParam.TagKey")

	// Another account's certificate.
	other := h.client(emulator.PrincipalSecondary)
	lb2req := slb.CreateCreateLoadBalancerRequest()
	lb2req.Scheme = "http"
	lb2req.LoadBalancerSpec = "slb.s2.small"
	lb2, err := other.CreateLoadBalancer(lb2req)
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.CreateLoadBalancerHTTPSListener(listenerRequest(lb2.LoadBalancerId, cert, 443))
	wantServerError(t, err, "Certkey.Forbidden")

	// A RAM denial carries an AccessDeniedDetail object the SDK must not choke on.
	_, err = h.client(emulator.PrincipalDenied).CreateLoadBalancerHTTPSListener(listenerRequest(lb, cert, 9443))
	wantServerError(t, err, "NoPermission")

	// A wrong secret: the SDK reads the server's string to sign from the message.
	bad, err := sdkcheck.ClassicClient(h.cfg.Region, h.url, signature.Credentials{AccessKeyID: emulator.DefaultPrimaryKeyID, AccessKeySecret: "wrong-secret"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.CreateLoadBalancerHTTPSListener(listenerRequest(lb, cert, 9443))
	wantServerError(t, err, "SignatureDoesNotMatch")

	// STS credentials work end to end.
	sts := h.client(emulator.PrincipalSTS)
	if _, err := sts.CreateLoadBalancerHTTPSListener(listenerRequest(lb, cert, 9443)); err != nil {
		t.Fatalf("with an STS token: %v", err)
	}
}
