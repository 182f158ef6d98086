package sdkcheck

import (
	"errors"
	"fmt"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"

	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// ClientClassic names the classic Go SDK in step results.
const ClientClassic = "go-sdk"

// classic wraps the classic SDK's slb client for one principal.
type classic struct {
	cfg    *Config
	scheme string
	client *slb.Client
	tamper *tamper
}

// ClassicClient is the classic SDK's slb client for creds (with their STS token when they
// carry one), sending to host.
func ClassicClient(region, host string, creds signature.Credentials) (*slb.Client, error) {
	var c *slb.Client
	var err error
	if creds.SecurityToken != "" {
		c, err = slb.NewClientWithStsToken(region, creds.AccessKeyID, creds.AccessKeySecret, creds.SecurityToken)
	} else {
		c, err = slb.NewClientWithAccessKey(region, creds.AccessKeyID, creds.AccessKeySecret)
	}
	if err != nil {
		return nil, err
	}
	c.Domain = host
	return c, nil
}

func newClassic(cfg *Config, creds signature.Credentials) (*classic, error) {
	host, scheme := cfg.hostAndScheme()
	c, err := ClassicClient(cfg.Region, host, creds)
	if err != nil {
		return nil, err
	}
	t := newTamper(creds)
	c.SetTransport(t)
	return &classic{cfg: cfg, scheme: scheme, client: c, tamper: t}, nil
}

// prep points a request at the endpoint's scheme.
func (k *classic) prep(r requests.AcsRequest) { r.SetScheme(k.scheme) }

// readClassic is what the classic SDK reports for an error answer.
func readClassic(err error) (reported, bool) {
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		return reported{}, false
	}
	r := reported{code: se.ErrorCode(), message: se.Message(), requestID: se.RequestId(), status: se.HttpStatus()}
	if se.HostId() == "" {
		r.extra = append(r.extra, "the SDK read no HostId")
	}
	return r, true
}

func (k *classic) createLB(loadBalancerSpec string) (string, error) {
	req := slb.CreateCreateLoadBalancerRequest()
	k.prep(req)
	req.LoadBalancerSpec = loadBalancerSpec
	res, err := k.client.CreateLoadBalancer(req)
	if err != nil {
		return "", err
	}
	if res.LoadBalancerId == "" || res.RequestId == "" {
		return "", fmt.Errorf("the answer has no LoadBalancerId or RequestId: %s", oneLine(res.GetHttpContentString()))
	}
	return res.LoadBalancerId, nil
}

func (k *classic) deleteLB(id string) error {
	req := slb.CreateDeleteLoadBalancerRequest()
	k.prep(req)
	req.LoadBalancerId = id
	_, err := k.client.DeleteLoadBalancer(req)
	return err
}

func (k *classic) listener(lb, cert string, port int) *slb.CreateLoadBalancerHTTPSListenerRequest {
	req := ListenerRequest(lb, cert, port)
	k.prep(req)
	return req
}

// ListenerRequest is the classic SDK's CreateLoadBalancerHTTPSListener request the steps start
// from: instance lb, server certificate cert, a health check and one tag (team=edge).
func ListenerRequest(lb, cert string, port int) *slb.CreateLoadBalancerHTTPSListenerRequest {
	req := slb.CreateCreateLoadBalancerHTTPSListenerRequest()
	req.LoadBalancerId = lb
	req.ListenerPort = requests.NewInteger(port)
	req.BackendServerPort = requests.NewInteger(80)
	req.Bandwidth = requests.NewInteger(-1)
	req.HealthCheck = "on"
	req.HealthCheckURI = "/health"
	req.HealthyThreshold = requests.NewInteger(3)
	req.ServerCertificateId = cert
	req.Tag = &[]slb.CreateLoadBalancerHTTPSListenerTag{{Key: "team", Value: "edge"}}
	return req
}

func (k *classic) create(req *slb.CreateLoadBalancerHTTPSListenerRequest) error {
	res, err := k.client.CreateLoadBalancerHTTPSListener(req)
	if err == nil && res.RequestId == "" {
		return errors.New("the answer has no RequestId")
	}
	return err
}

func (k *classic) describe(lb string, port int, format string) (*slb.DescribeLoadBalancerHTTPSListenerAttributeResponse, error) {
	req := slb.CreateDescribeLoadBalancerHTTPSListenerAttributeRequest()
	k.prep(req)
	req.LoadBalancerId = lb
	req.ListenerPort = requests.NewInteger(port)
	if format != "" {
		req.AcceptFormat = format
	}
	return k.client.DescribeLoadBalancerHTTPSListenerAttribute(req)
}

// classicRun is one run of the checks with the classic Go SDK: the fixtures it made and the
// recorder of its steps.
type classicRun struct {
	cfg                           Config
	rec                           *recorder
	k                             *classic
	lb, shared, cert, caID, aclID string
}

const classicPort, classicSTSPort, classicFreePort = 443, 9443, 8443

// RunClassic drives the endpoint with the classic Go SDK (services/slb, signature V1).
func RunClassic(cfg Config) (steps []Step, err error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	r := &classicRun{cfg: cfg, rec: &recorder{client: ClientClassic}}
	if r.k, err = newClassic(&r.cfg, cfg.Primary); err != nil {
		return nil, err
	}
	certs, ca, err := certificates("sdk-classic.example.test")
	if err != nil {
		return nil, err
	}
	k, rec := r.k, r.rec
	if !rec.run("CreateLoadBalancer", func() (err error) { r.lb, err = k.createLB("slb.s2.small"); return }) {
		return rec.abort(), nil
	}
	defer func() {
		rec.run("DeleteLoadBalancer", func() error { return k.deleteLB(r.lb) })
		if r.shared != "" {
			rec.run("DeleteLoadBalancer (shared spec)", func() error { return k.deleteLB(r.shared) })
		}
		if err == nil {
			steps = rec.steps
		}
	}()
	if !r.provision(certs, ca) {
		rec.skip("CreateLoadBalancerHTTPSListener", "an earlier step failed")
		return rec.steps, nil
	}
	r.createAndReadBack()
	r.expectStateRefusals()
	for _, step := range []func() error{r.expectOtherPrincipals, r.expectGatewayRefusals, r.stsAndStart} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return rec.steps, nil
}

func (r *classicRun) expect(name, code string, call func() error) {
	r.rec.expect(name, code, call, readClassic)
}

// provision makes the fixtures the listener needs: a shared-spec instance, certificates and an
// ACL with one entry. It reports whether the certificates and the ACL exist.
func (r *classicRun) provision(certs, ca resources.CertPair) bool {
	k, rec := r.k, r.rec
	rec.run("CreateLoadBalancer (shared spec)", func() (err error) { r.shared, err = k.createLB(""); return })
	rec.run("UploadServerCertificate", func() error {
		req := slb.CreateUploadServerCertificateRequest()
		k.prep(req)
		req.ServerCertificate, req.PrivateKey, req.ServerCertificateName = certs.CertPEM, certs.KeyPEM, "sdkcheck"
		res, err := k.client.UploadServerCertificate(req)
		if err == nil {
			r.cert = res.ServerCertificateId
			if r.cert == "" {
				err = errors.New("no ServerCertificateId in the answer")
			}
		}
		return err
	})
	rec.run("UploadCACertificate", func() error {
		req := slb.CreateUploadCACertificateRequest()
		k.prep(req)
		req.CACertificate = ca.CertPEM
		res, err := k.client.UploadCACertificate(req)
		if err == nil {
			r.caID = res.CACertificateId
			if r.caID == "" {
				err = errors.New("no CACertificateId in the answer")
			}
		}
		return err
	})
	r.createACL()
	return r.cert != "" && r.caID != "" && r.aclID != ""
}

// createACL creates the run's ACL with one entry.
func (r *classicRun) createACL() {
	k := r.k
	r.rec.run("CreateAccessControlList", func() error {
		req := slb.CreateCreateAccessControlListRequest()
		k.prep(req)
		req.AclName = "sdkcheck-classic-" + signature.NewNonce()[:8]
		res, err := k.client.CreateAccessControlList(req)
		if err == nil {
			r.aclID = res.AclId
			if r.aclID == "" {
				err = errors.New("no AclId in the answer")
			}
		}
		return err
	})
	if r.aclID != "" {
		r.rec.run("AddAccessControlListEntry", func() error {
			req := slb.CreateAddAccessControlListEntryRequest()
			k.prep(req)
			req.AclId = r.aclID
			req.AclEntrys = `[{"entry":"192.0.2.0/24","comment":"sdkcheck"}]`
			_, err := k.client.AddAccessControlListEntry(req)
			return err
		})
	}
}

// createAndReadBack creates the full listener and reads it back as JSON and as XML.
func (r *classicRun) createAndReadBack() {
	k, lb, cert, caID, aclID, port := r.k, r.lb, r.cert, r.caID, r.aclID, classicPort
	r.rec.run("CreateLoadBalancerHTTPSListener", func() error {
		req := k.listener(lb, cert, port)
		req.CACertificateId = caID
		req.TLSCipherPolicy = "tls_cipher_policy_1_2"
		req.AclStatus, req.AclType, req.AclId = "on", "white", aclID
		return k.create(req)
	})
	for _, format := range []string{"", "XML"} {
		name := "DescribeLoadBalancerHTTPSListenerAttribute"
		if format != "" {
			name += " (" + format + ")"
		}
		r.rec.run(name, func() error {
			return untilVisible(func() error {
				got, err := k.describe(lb, port, format)
				if err != nil {
					return err
				}
				return checkDescribed(got, port, cert, caID, aclID, spec.StatusStopped)
			})
		})
	}
}

// expectStateRefusals sends creates the state or a constraint refuses, each as the SDK
// parses the documented error.
func (r *classicRun) expectStateRefusals() {
	k, lb, cert, caID, port, freePort, expect := r.k, r.lb, r.cert, r.caID, classicPort, classicFreePort, r.expect
	expect("listener on a port in use", stateCode(spec.StatePortInUse), func() error {
		return k.create(k.listener(lb, cert, port))
	})
	expect("unknown server certificate", stateCode(spec.StateCertificateNotFound), func() error {
		return k.create(k.listener(lb, "sdkcheck-missing-cert", freePort))
	})
	expect("CA certificate as server certificate", stateCode(spec.StateCertificateKindMismatch), func() error {
		return k.create(k.listener(lb, caID, freePort))
	})
	expect("unknown instance", stateCode(spec.StateLoadBalancerNotFound), func() error {
		return k.create(k.listener("lb-sdkcheck-missing", cert, freePort))
	})
	if r.shared != "" {
		expect("TLS policy on a shared-spec instance", stateCode(spec.StateSharedTLSPolicy), func() error {
			req := k.listener(r.shared, cert, port)
			req.TLSCipherPolicy = "tls_cipher_policy_1_2"
			return k.create(req)
		})
	}
	expect("IdleTimeout above 60", constraintCode(spec.ParamIdleTimeout, spec.KindMaximum), func() error {
		req := k.listener(lb, cert, freePort)
		req.IdleTimeout = requests.NewInteger(61)
		return k.create(req)
	})
	expect("RequestTimeout above 180", constraintCode(spec.ParamRequestTimeout, spec.KindMaximum), func() error {
		req := k.listener(lb, cert, freePort)
		req.RequestTimeout = requests.NewInteger(181)
		return k.create(req)
	})
	expect("cn certificate", stateCode(spec.StateCNCertificate), func() error {
		req := k.listener(lb, "", freePort)
		req.ServerCertificate = &[]slb.CreateLoadBalancerHTTPSListenerServerCertificate{{CertificateId: cert, StandardType: "cn"}}
		return k.create(req)
	})
	expect("reserved tag key", constraintCode(spec.ParamTag+"."+spec.FieldTagKey, spec.KindForbiddenPrefixes), func() error {
		req := k.listener(lb, cert, freePort)
		req.Tag = &[]slb.CreateLoadBalancerHTTPSListenerTag{{Key: "aliyun-reserved", Value: "x"}}
		return k.create(req)
	})
	expect("unknown ACL", stateCode(spec.StateACLNotFound), func() error {
		req := k.listener(lb, cert, freePort)
		req.AclStatus, req.AclType, req.AclId = "on", "white", "acl-sdkcheck-missing"
		return k.create(req)
	})
	expect("unknown TLS policy", stateCode(spec.StateTLSPolicyNotFound), func() error {
		req := k.listener(lb, cert, freePort)
		req.TLSCipherPolicy = "tls-sdkcheck-missing"
		return k.create(req)
	})
}

// expectOtherPrincipals checks the refusals for another account's certificate and for a RAM
// user denied the operation, when those principals are configured.
func (r *classicRun) expectOtherPrincipals() error {
	cfg, rec, lb, cert, port, freePort, expect := &r.cfg, r.rec, r.lb, r.cert, classicPort, classicFreePort, r.expect
	if cfg.Second.AccessKeyID != "" {
		other, err := newClassic(cfg, cfg.Second)
		if err != nil {
			return err
		}
		var otherLB string
		if rec.run("CreateLoadBalancer (second account)", func() (err error) { otherLB, err = other.createLB("slb.s2.small"); return }) {
			expect("another account's certificate", stateCode(spec.StateForeignCertificate), func() error {
				return other.create(other.listener(otherLB, cert, port))
			})
			rec.run("DeleteLoadBalancer (second account)", func() error { return other.deleteLB(otherLB) })
		}
	} else {
		rec.skip("another account's certificate", "no second account (CLBCHECK_SECOND_ACCESS_KEY_ID)")
	}
	if cfg.Restricted.AccessKeyID != "" {
		denied, err := newClassic(cfg, cfg.Restricted)
		if err != nil {
			return err
		}
		expect("RAM user denied the operation", gatewayCode(spec.GatewayRAMDenied), func() error {
			return denied.create(denied.listener(lb, cert, freePort))
		})
	} else {
		rec.skip("RAM user denied the operation", "no restricted RAM user (CLBCHECK_RESTRICTED_ACCESS_KEY_ID)")
	}
	return nil
}

// expectGatewayRefusals checks the gateway's answers to a wrong secret, an unknown key, a
// replayed nonce and an expired timestamp.
func (r *classicRun) expectGatewayRefusals() error {
	cfg, k, lb, cert, port, freePort, expect := &r.cfg, r.k, r.lb, r.cert, classicPort, classicFreePort, r.expect
	wrong := cfg.Primary
	wrong.AccessKeySecret += "-wrong"
	bad, err := newClassic(cfg, wrong)
	if err != nil {
		return err
	}
	expect("wrong secret", gatewayCode(spec.GatewayBadSignature), func() error {
		return bad.create(bad.listener(lb, cert, freePort))
	})
	unknown, err := newClassic(cfg, signature.Credentials{AccessKeyID: "LTAIsdkcheckUnknownKey0", AccessKeySecret: "unknown"})
	if err != nil {
		return err
	}
	expect("unknown access key", gatewayCode(spec.GatewayUnknownAccessKey), func() error {
		return unknown.create(unknown.listener(lb, cert, freePort))
	})
	expect("replayed nonce", gatewayCode(spec.GatewayNonceReplayed), func() error {
		k.tamper.arm(replayNext)
		_, err := k.describe(lb, port, "")
		return err
	})
	expect("expired timestamp", gatewayCode(spec.GatewayStaleTimestamp), func() error {
		k.tamper.arm(backdateNext)
		_, err := k.describe(lb, port, "")
		return err
	})
	return nil
}

// stsAndStart creates a listener with an STS token when one is configured, then starts the
// first listener and reads its status.
func (r *classicRun) stsAndStart() error {
	cfg, k, rec, lb, cert, port, stsPort := &r.cfg, r.k, r.rec, r.lb, r.cert, classicPort, classicSTSPort
	if cfg.STS.SecurityToken != "" {
		sts, err := newClassic(cfg, cfg.STS)
		if err != nil {
			return err
		}
		if rec.run("CreateLoadBalancerHTTPSListener (STS token)", func() error { return sts.create(sts.listener(lb, cert, stsPort)) }) {
			rec.run("DeleteLoadBalancerListener", func() error {
				req := slb.CreateDeleteLoadBalancerListenerRequest()
				k.prep(req)
				req.LoadBalancerId, req.ListenerPort, req.ListenerProtocol = lb, requests.NewInteger(stsPort), "https"
				_, err := k.client.DeleteLoadBalancerListener(req)
				return err
			})
		}
	} else {
		rec.skip("CreateLoadBalancerHTTPSListener (STS token)", "no security token (ALIBABA_CLOUD_SECURITY_TOKEN)")
	}

	rec.run("StartLoadBalancerListener", func() error {
		req := slb.CreateStartLoadBalancerListenerRequest()
		k.prep(req)
		req.LoadBalancerId, req.ListenerPort = lb, requests.NewInteger(port)
		_, err := k.client.StartLoadBalancerListener(req)
		return err
	})
	rec.run("DescribeLoadBalancerHTTPSListenerAttribute (started)", func() error {
		got, err := k.describe(lb, port, "")
		if err != nil {
			return err
		}
		if got.Status != spec.StatusStarting && got.Status != spec.StatusRunning {
			return fmt.Errorf("status %q after start, want %s or %s", got.Status, spec.StatusStarting, spec.StatusRunning)
		}
		return nil
	})
	return nil
}

// checkDescribed compares what the SDK read back with what was created.
func checkDescribed(got *slb.DescribeLoadBalancerHTTPSListenerAttributeResponse, port int, cert, ca, acl, status string) error {
	var diffs []string
	check := func(field string, ok bool, v any) {
		if !ok {
			diffs = append(diffs, fmt.Sprintf("%s=%v", field, v))
		}
	}
	check("RequestId", got.RequestId != "", got.RequestId)
	check("ListenerPort", got.ListenerPort == port, got.ListenerPort)
	check("Status", got.Status == status, got.Status)
	check("Bandwidth", got.Bandwidth == -1, got.Bandwidth)
	check("BackendServerPort", got.BackendServerPort == 80, got.BackendServerPort)
	check("HealthyThreshold", got.HealthyThreshold == 3, got.HealthyThreshold)
	check("ServerCertificateId", got.ServerCertificateId == cert, got.ServerCertificateId)
	check("CACertificateId", got.CACertificateId == ca, got.CACertificateId)
	check("TLSCipherPolicy", got.TLSCipherPolicy == "tls_cipher_policy_1_2", got.TLSCipherPolicy)
	check("AclId", got.AclId == acl || (len(got.AclIds.AclId) == 1 && got.AclIds.AclId[0] == acl), got.AclId)
	check("Tags", len(got.Tags.Tag) == 1 && got.Tags.Tag[0].TagKey == "team" && got.Tags.Tag[0].TagValue == "edge", got.Tags.Tag)
	if len(diffs) > 0 {
		return fmt.Errorf("read back differs: %v", diffs)
	}
	return nil
}

// abort ends a run whose first step failed: nothing else can work.
func (r *recorder) abort() []Step {
	r.skip("remaining steps", "the first call failed")
	return r.steps
}
