package sdkcheck

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// Names of the V3 client in step results, one per placement of the parameters.
const (
	ClientV3Query = "v3-query"
	ClientV3Form  = "v3-form"
)

// v3 is the V3 client (darabonba-openapi CallApi, ACS3-HMAC-SHA256) for one principal,
// sending the business parameters in the query or in a form body.
type v3 struct {
	cfg    *Config
	client *openapi.Client
	tamper *tamper
	form   bool
}

// daraHTTP lets the V3 client send through a tamper transport.
type daraHTTP struct{ c *http.Client }

func (d daraHTTP) Call(req *http.Request, _ *http.Transport) (*http.Response, error) {
	return d.c.Do(req)
}

func newV3(cfg *Config, creds signature.Credentials, form bool) (*v3, error) {
	host, scheme := cfg.hostAndScheme()
	t := newTamper(creds)
	oc := &openapiutil.Config{
		AccessKeyId:     dara.String(creds.AccessKeyID),
		AccessKeySecret: dara.String(creds.AccessKeySecret),
		Endpoint:        dara.String(host),
		Protocol:        dara.String(strings.ToUpper(scheme)),
		RegionId:        dara.String(cfg.Region),
		HttpClient:      daraHTTP{&http.Client{Transport: t}},
	}
	if creds.SecurityToken != "" {
		oc.SecurityToken = dara.String(creds.SecurityToken)
	}
	c, err := openapi.NewClient(oc)
	if err != nil {
		return nil, err
	}
	return &v3{cfg: cfg, client: c, tamper: t, form: form}, nil
}

// call sends one RPC operation. format, when set, goes in the query as Format; bodyType is
// how the client reads a success ("json" or "string").
func (v *v3) call(action string, params map[string]string, format, bodyType string) (map[string]any, error) {
	_, scheme := v.cfg.hostAndScheme()
	p := &openapiutil.Params{
		Action:      dara.String(action),
		Version:     dara.String(spec.MustDefault().APIVersion),
		Protocol:    dara.String(strings.ToUpper(scheme)),
		Pathname:    dara.String("/"),
		Method:      dara.String(http.MethodPost),
		AuthType:    dara.String("AK"),
		Style:       dara.String("RPC"),
		ReqBodyType: dara.String("formData"),
		BodyType:    dara.String(bodyType),
	}
	all := map[string]string{spec.ParamRegionID: v.cfg.Region}
	for k, val := range params {
		all[k] = val
	}
	req := &openapiutil.OpenApiRequest{Query: map[string]*string{}}
	if v.form {
		body := map[string]any{}
		for k, val := range all {
			body[k] = val
		}
		req.Body = body
	} else {
		for k, val := range all {
			req.Query[k] = dara.String(val)
		}
	}
	if format != "" {
		req.Query[spec.ParamFormat] = dara.String(format)
	}
	return v.client.CallApi(p, req, &dara.RuntimeOptions{})
}

func (v *v3) json(action string, params map[string]string) (map[string]any, error) {
	return v.call(action, params, "", "json")
}

// field reads a string field of a JSON success.
func field(res map[string]any, name string) (string, error) {
	body, ok := res["body"].(map[string]any)
	if !ok {
		return "", fmt.Errorf("the client returned no body: %v", res)
	}
	s := fmt.Sprint(body[name])
	if body[name] == nil || s == "" {
		return "", fmt.Errorf("no %s in the answer %s", name, oneLine(fmt.Sprint(body)))
	}
	return s, nil
}

// item is the wire name of field of the first item of the list parameter list, in the
// description's flattening (Tag.1.Key).
func item(list, field string) string {
	return spec.MustDefault().UnderTest.Param(list).List.WireName(1, field)
}

// readV3 is what the V3 client reports for an error answer.
func readV3(err error) (reported, bool) {
	var se *tea.SDKError
	if !errors.As(err, &se) || se.StatusCode == nil {
		return reported{}, false
	}
	r := reported{code: dara.StringValue(se.Code), message: dara.StringValue(se.Message), status: dara.IntValue(se.StatusCode)}
	var data map[string]any
	if se.Data != nil && json.Unmarshal([]byte(*se.Data), &data) == nil {
		r.requestID, _ = data[spec.FieldRequestID].(string)
	}
	return r, true
}

// RunV3 drives the endpoint with the V3 Go client twice: business parameters in the query,
// then in a form body.
func RunV3(cfg Config) ([]Step, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	var all []Step
	for _, form := range []bool{false, true} {
		steps, err := runV3(cfg, form)
		if err != nil {
			return nil, err
		}
		all = append(all, steps...)
		if Summarize(steps).Unreachable {
			break
		}
	}
	return all, nil
}

func runV3(cfg Config, form bool) (steps []Step, err error) {
	name := ClientV3Query
	if form {
		name = ClientV3Form
	}
	rec := &recorder{client: name}
	v, err := newV3(&cfg, cfg.Primary, form)
	if err != nil {
		return nil, err
	}
	const port, stsPort, freePort = 443, 9443, 8443
	certs, ca, err := certificates("sdk-" + name + ".example.test")
	if err != nil {
		return nil, err
	}
	var lb, shared, cert, caID, aclID string
	create := func(action string, params map[string]string, out string, dst *string) func() error {
		return func() error {
			res, err := v.json(action, params)
			if err != nil {
				return err
			}
			*dst, err = field(res, out)
			return err
		}
	}
	if !rec.run("CreateLoadBalancer", create(spec.ActionCreateLoadBalancer, map[string]string{spec.ParamLoadBalancerSpec: "slb.s2.small"}, spec.FieldLoadBalancerID, &lb)) {
		return rec.abort(), nil
	}
	deleteLB := func(c *v3, id string) func() error {
		return func() error {
			_, err := c.json(spec.ActionDeleteLoadBalancer, map[string]string{spec.ParamLoadBalancerID: id})
			return err
		}
	}
	defer func() {
		rec.run("DeleteLoadBalancer", deleteLB(v, lb))
		if shared != "" {
			rec.run("DeleteLoadBalancer (shared spec)", deleteLB(v, shared))
		}
		if err == nil {
			steps = rec.steps
		}
	}()
	rec.run("CreateLoadBalancer (shared spec)", create(spec.ActionCreateLoadBalancer, map[string]string{}, spec.FieldLoadBalancerID, &shared))
	rec.run("UploadServerCertificate", create(spec.ActionUploadServerCertificate, map[string]string{
		spec.ParamServerCertificate: certs.CertPEM, spec.ParamPrivateKey: certs.KeyPEM, spec.ParamServerCertificateName: "sdkcheck v3",
	}, spec.FieldServerCertificateID, &cert))
	rec.run("UploadCACertificate", create(spec.ActionUploadCACertificate, map[string]string{spec.ParamCACertificate: ca.CertPEM}, spec.FieldCACertificateID, &caID))
	rec.run("CreateAccessControlList", create(spec.ActionCreateACL, map[string]string{spec.ParamACLName: "sdkcheck-" + name + "-" + signature.NewNonce()[:8]}, spec.FieldACLID, &aclID))
	if aclID != "" {
		rec.run("AddAccessControlListEntry", func() error {
			_, err := v.json(spec.ActionAddACLEntry, map[string]string{spec.ParamACLID: aclID, spec.ParamACLEntries: `[{"entry":"192.0.2.0/24","comment":"sdkcheck v3"}]`})
			return err
		})
	}
	if cert == "" || caID == "" || aclID == "" {
		rec.skip("CreateLoadBalancerHTTPSListener", "an earlier step failed")
		return rec.steps, nil
	}

	listener := func(lbID string, p int, over map[string]string) map[string]string {
		m := map[string]string{
			spec.ParamLoadBalancerID: lbID, spec.ParamListenerPort: strconv.Itoa(p), spec.ParamBandwidth: "-1",
			spec.ParamBackendServerPort: "80", spec.ParamHealthCheck: "off", spec.ParamServerCertificateID: cert,
			item(spec.ParamTag, spec.FieldTagKey): "team", item(spec.ParamTag, spec.FieldTagValue): "edge team",
		}
		for k, val := range over {
			if val == "" {
				delete(m, k)
			} else {
				m[k] = val
			}
		}
		return m
	}
	createListener := func(c *v3, params map[string]string) func() error {
		return func() error {
			res, err := c.json(spec.ActionCreateHTTPSListener, params)
			if err == nil {
				_, err = field(res, spec.FieldRequestID)
			}
			return err
		}
	}
	describeParams := map[string]string{spec.ParamLoadBalancerID: lb, spec.ParamListenerPort: strconv.Itoa(port)}

	rec.run("CreateLoadBalancerHTTPSListener", createListener(v, listener(lb, port, map[string]string{
		spec.ParamCACertificateID: caID, spec.ParamTLSCipherPolicy: "tls_cipher_policy_1_2",
		spec.ParamACLStatus: "on", spec.ParamACLType: "white", spec.ParamACLID: aclID,
	})))
	rec.run("DescribeLoadBalancerHTTPSListenerAttribute", func() error {
		res, err := v.json(spec.ActionDescribeHTTPSListener, describeParams)
		if err != nil {
			return err
		}
		body, _ := res["body"].(map[string]any)
		want := map[string]string{
			spec.FieldListenerPort: strconv.Itoa(port), spec.FieldStatus: spec.StatusStopped, spec.ParamBandwidth: "-1",
			spec.ParamServerCertificateID: cert, spec.ParamCACertificateID: caID, spec.ParamTLSCipherPolicy: "tls_cipher_policy_1_2",
		}
		var diffs []string
		for k, w := range want {
			if got := fmt.Sprint(body[k]); got != w {
				diffs = append(diffs, fmt.Sprintf("%s=%s, want %s", k, got, w))
			}
		}
		if len(diffs) > 0 {
			return fmt.Errorf("read back differs: %s", strings.Join(diffs, "; "))
		}
		return nil
	})
	rec.run("DescribeLoadBalancerHTTPSListenerAttribute (XML)", func() error {
		res, err := v.call(spec.ActionDescribeHTTPSListener, describeParams, "XML", "string")
		if err != nil {
			return err
		}
		text, _ := res["body"].(string)
		var doc struct {
			XMLName      xml.Name
			RequestID    string `xml:"RequestId"`
			ListenerPort int    `xml:"ListenerPort"`
			Status       string `xml:"Status"`
		}
		if err := xml.Unmarshal([]byte(text), &doc); err != nil {
			return fmt.Errorf("the XML answer does not parse: %v", err)
		}
		if doc.XMLName.Local != spec.ActionDescribeHTTPSListener+"Response" || doc.RequestID == "" || doc.ListenerPort != port || doc.Status != spec.StatusStopped {
			return fmt.Errorf("XML answer differs: <%s> RequestId=%q ListenerPort=%d Status=%q", doc.XMLName.Local, doc.RequestID, doc.ListenerPort, doc.Status)
		}
		return nil
	})

	expect := func(label, code string, call func() error) { rec.expect(label, code, call, readV3) }
	expect("error answer in XML", stateCode(spec.StateCertificateNotFound), func() error {
		_, err := v.call(spec.ActionCreateHTTPSListener, listener(lb, freePort, map[string]string{spec.ParamServerCertificateID: "sdkcheck-missing-cert"}), "XML", "json")
		return err
	})
	expect("listener on a port in use", stateCode(spec.StatePortInUse), createListener(v, listener(lb, port, nil)))
	expect("unknown server certificate", stateCode(spec.StateCertificateNotFound), createListener(v, listener(lb, freePort, map[string]string{spec.ParamServerCertificateID: "sdkcheck-missing-cert"})))
	expect("CA certificate as server certificate", stateCode(spec.StateCertificateKindMismatch), createListener(v, listener(lb, freePort, map[string]string{spec.ParamServerCertificateID: caID})))
	expect("unknown instance", stateCode(spec.StateLoadBalancerNotFound), createListener(v, listener("lb-sdkcheck-missing", freePort, nil)))
	if shared != "" {
		expect("TLS policy on a shared-spec instance", stateCode(spec.StateSharedTLSPolicy), createListener(v, listener(shared, port, map[string]string{spec.ParamTLSCipherPolicy: "tls_cipher_policy_1_2"})))
	}
	expect("IdleTimeout above 60", constraintCode(spec.ParamIdleTimeout, spec.KindMaximum), createListener(v, listener(lb, freePort, map[string]string{spec.ParamIdleTimeout: "61"})))
	expect("RequestTimeout above 180", constraintCode(spec.ParamRequestTimeout, spec.KindMaximum), createListener(v, listener(lb, freePort, map[string]string{spec.ParamRequestTimeout: "181"})))
	expect("cn certificate", stateCode(spec.StateCNCertificate), createListener(v, listener(lb, freePort, map[string]string{
		spec.ParamServerCertificateID: "", item(spec.ParamServerCertificate, spec.FieldCertificateID): cert,
		item(spec.ParamServerCertificate, spec.FieldStandardType): "cn",
	})))
	expect("reserved tag key", constraintCode(spec.ParamTag+"."+spec.FieldTagKey, spec.KindForbiddenPrefixes), createListener(v, listener(lb, freePort, map[string]string{item(spec.ParamTag, spec.FieldTagKey): "aliyun-reserved"})))
	expect("unknown ACL", stateCode(spec.StateACLNotFound), createListener(v, listener(lb, freePort, map[string]string{
		spec.ParamACLStatus: "on", spec.ParamACLType: "white", spec.ParamACLID: "acl-sdkcheck-missing",
	})))
	expect("unknown TLS policy", stateCode(spec.StateTLSPolicyNotFound), createListener(v, listener(lb, freePort, map[string]string{spec.ParamTLSCipherPolicy: "tls-sdkcheck-missing"})))
	if cfg.Second.AccessKeyID != "" {
		other, err := newV3(&cfg, cfg.Second, form)
		if err != nil {
			return nil, err
		}
		var otherLB string
		if rec.run("CreateLoadBalancer (second account)", func() error {
			res, err := other.json(spec.ActionCreateLoadBalancer, map[string]string{spec.ParamLoadBalancerSpec: "slb.s2.small"})
			if err == nil {
				otherLB, err = field(res, spec.FieldLoadBalancerID)
			}
			return err
		}) {
			expect("another account's certificate", stateCode(spec.StateForeignCertificate), createListener(other, listener(otherLB, port, nil)))
			rec.run("DeleteLoadBalancer (second account)", deleteLB(other, otherLB))
		}
	} else {
		rec.skip("another account's certificate", "no second account (CLBCHECK_SECOND_ACCESS_KEY_ID)")
	}
	if cfg.Restricted.AccessKeyID != "" {
		denied, err := newV3(&cfg, cfg.Restricted, form)
		if err != nil {
			return nil, err
		}
		rec.expect("RAM user denied the operation", gatewayCode(spec.GatewayRAMDenied), createListener(denied, listener(lb, freePort, nil)), func(err error) (reported, bool) {
			r, ok := readV3(err)
			var se *tea.SDKError
			if ok && errors.As(err, &se) && len(se.AccessDeniedDetail) == 0 {
				r.extra = append(r.extra, "the client read no AccessDeniedDetail")
			}
			return r, ok
		})
	} else {
		rec.skip("RAM user denied the operation", "no restricted RAM user (CLBCHECK_RESTRICTED_ACCESS_KEY_ID)")
	}
	wrong := cfg.Primary
	wrong.AccessKeySecret += "-wrong"
	bad, err := newV3(&cfg, wrong, form)
	if err != nil {
		return nil, err
	}
	expect("wrong secret", gatewayCode(spec.GatewayBadSignature), createListener(bad, listener(lb, freePort, nil)))
	unknown, err := newV3(&cfg, signature.Credentials{AccessKeyID: "LTAIsdkcheckUnknownKey0", AccessKeySecret: "unknown"}, form)
	if err != nil {
		return nil, err
	}
	expect("unknown access key", gatewayCode(spec.GatewayUnknownAccessKey), createListener(unknown, listener(lb, freePort, nil)))
	expect("replayed nonce", gatewayCode(spec.GatewayNonceReplayed), func() error {
		v.tamper.arm(replayNext)
		_, err := v.json(spec.ActionDescribeHTTPSListener, describeParams)
		return err
	})
	expect("expired timestamp", gatewayCode(spec.GatewayStaleTimestamp), func() error {
		v.tamper.arm(backdateNext)
		_, err := v.json(spec.ActionDescribeHTTPSListener, describeParams)
		return err
	})

	if cfg.STS.SecurityToken != "" {
		sts, err := newV3(&cfg, cfg.STS, form)
		if err != nil {
			return nil, err
		}
		if rec.run("CreateLoadBalancerHTTPSListener (STS token)", createListener(sts, listener(lb, stsPort, nil))) {
			rec.run("DeleteLoadBalancerListener", func() error {
				_, err := v.json(spec.ActionDeleteListener, map[string]string{
					spec.ParamLoadBalancerID: lb, spec.ParamListenerPort: strconv.Itoa(stsPort), spec.ParamListenerProtocol: "https",
				})
				return err
			})
		}
	} else {
		rec.skip("CreateLoadBalancerHTTPSListener (STS token)", "no security token (ALIBABA_CLOUD_SECURITY_TOKEN)")
	}
	rec.run("StartLoadBalancerListener", func() error {
		_, err := v.json(spec.ActionStartListener, describeParams)
		return err
	})
	rec.run("DescribeLoadBalancerHTTPSListenerAttribute (started)", func() error {
		res, err := v.json(spec.ActionDescribeHTTPSListener, describeParams)
		if err != nil {
			return err
		}
		st, err := field(res, spec.FieldStatus)
		if err == nil && st != spec.StatusStarting && st != spec.StatusRunning {
			err = fmt.Errorf("status %q after start, want %s or %s", st, spec.StatusStarting, spec.StatusRunning)
		}
		return err
	})
	return rec.steps, nil
}
