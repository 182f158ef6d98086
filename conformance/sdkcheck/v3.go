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

	"github.com/clbcheck/clbcheck/resources"
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

// v3Run is one run of the checks with the V3 client: the fixtures it made and the recorder of
// its steps.
type v3Run struct {
	cfg                           Config
	form                          bool
	name                          string
	rec                           *recorder
	v                             *v3
	lb, shared, cert, caID, aclID string
	describeParams                map[string]string
}

const v3Port, v3STSPort, v3FreePort = 443, 9443, 8443

func runV3(cfg Config, form bool) (steps []Step, err error) {
	r := &v3Run{cfg: cfg, form: form, name: ClientV3Query}
	if form {
		r.name = ClientV3Form
	}
	r.rec = &recorder{client: r.name}
	if r.v, err = newV3(&r.cfg, cfg.Primary, form); err != nil {
		return nil, err
	}
	certs, ca, err := certificates("sdk-" + r.name + ".example.test")
	if err != nil {
		return nil, err
	}
	if !r.rec.run("CreateLoadBalancer", r.create(spec.ActionCreateLoadBalancer, map[string]string{spec.ParamLoadBalancerSpec: "slb.s2.small"}, spec.FieldLoadBalancerID, &r.lb)) {
		return r.rec.abort(), nil
	}
	defer func() {
		r.rec.run("DeleteLoadBalancer", deleteLBV3(r.v, r.lb))
		if r.shared != "" {
			r.rec.run("DeleteLoadBalancer (shared spec)", deleteLBV3(r.v, r.shared))
		}
		if err == nil {
			steps = r.rec.steps
		}
	}()
	if !r.provision(certs, ca) {
		r.rec.skip("CreateLoadBalancerHTTPSListener", "an earlier step failed")
		return r.rec.steps, nil
	}
	r.describeParams = map[string]string{spec.ParamLoadBalancerID: r.lb, spec.ParamListenerPort: strconv.Itoa(v3Port)}
	r.createAndReadBack()
	r.expectStateRefusals()
	for _, step := range []func() error{r.expectOtherPrincipals, r.expectGatewayRefusals, r.stsAndStart} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return r.rec.steps, nil
}

// create returns a step that calls action and keeps the id field out of the answer in dst.
func (r *v3Run) create(action string, params map[string]string, out string, dst *string) func() error {
	return func() error {
		res, err := r.v.json(action, params)
		if err != nil {
			return err
		}
		*dst, err = field(res, out)
		return err
	}
}

func deleteLBV3(c *v3, id string) func() error {
	return func() error {
		_, err := c.json(spec.ActionDeleteLoadBalancer, map[string]string{spec.ParamLoadBalancerID: id})
		return err
	}
}

// provision makes the fixtures the listener needs: a shared-spec instance, certificates and an
// ACL with one entry. It reports whether the certificates and the ACL exist.
func (r *v3Run) provision(certs, ca resources.CertPair) bool {
	rec := r.rec
	rec.run("CreateLoadBalancer (shared spec)", r.create(spec.ActionCreateLoadBalancer, map[string]string{}, spec.FieldLoadBalancerID, &r.shared))
	rec.run("UploadServerCertificate", r.create(spec.ActionUploadServerCertificate, map[string]string{
		spec.ParamServerCertificate: certs.CertPEM, spec.ParamPrivateKey: certs.KeyPEM, spec.ParamServerCertificateName: "sdkcheck v3",
	}, spec.FieldServerCertificateID, &r.cert))
	rec.run("UploadCACertificate", r.create(spec.ActionUploadCACertificate, map[string]string{spec.ParamCACertificate: ca.CertPEM}, spec.FieldCACertificateID, &r.caID))
	rec.run("CreateAccessControlList", r.create(spec.ActionCreateACL, map[string]string{spec.ParamACLName: "sdkcheck-" + r.name + "-" + signature.NewNonce()[:8]}, spec.FieldACLID, &r.aclID))
	if r.aclID != "" {
		rec.run("AddAccessControlListEntry", func() error {
			_, err := r.v.json(spec.ActionAddACLEntry, map[string]string{spec.ParamACLID: r.aclID, spec.ParamACLEntries: `[{"entry":"192.0.2.0/24","comment":"sdkcheck v3"}]`})
			return err
		})
	}
	return r.cert != "" && r.caID != "" && r.aclID != ""
}

// listener is a create request on lbID:p with the run's certificate and a tag; over replaces
// parameters (an empty value removes one).
func (r *v3Run) listener(lbID string, p int, over map[string]string) map[string]string {
	m := map[string]string{
		spec.ParamLoadBalancerID: lbID, spec.ParamListenerPort: strconv.Itoa(p), spec.ParamBandwidth: "-1",
		spec.ParamBackendServerPort: "80", spec.ParamHealthCheck: "off", spec.ParamServerCertificateID: r.cert,
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

func createListenerV3(c *v3, params map[string]string) func() error {
	return func() error {
		res, err := c.json(spec.ActionCreateHTTPSListener, params)
		if err == nil {
			_, err = field(res, spec.FieldRequestID)
		}
		return err
	}
}

func (r *v3Run) expect(label, code string, call func() error) {
	r.rec.expect(label, code, call, readV3)
}

// createAndReadBack creates the full listener and reads it back as JSON and as XML.
func (r *v3Run) createAndReadBack() {
	r.rec.run("CreateLoadBalancerHTTPSListener", createListenerV3(r.v, r.listener(r.lb, v3Port, map[string]string{
		spec.ParamCACertificateID: r.caID, spec.ParamTLSCipherPolicy: "tls_cipher_policy_1_2",
		spec.ParamACLStatus: "on", spec.ParamACLType: "white", spec.ParamACLID: r.aclID,
	})))
	r.rec.run("DescribeLoadBalancerHTTPSListenerAttribute", func() error {
		var res map[string]any
		err := untilVisible(func() (err error) {
			res, err = r.v.json(spec.ActionDescribeHTTPSListener, r.describeParams)
			return err
		})
		if err != nil {
			return err
		}
		body, _ := res["body"].(map[string]any)
		want := map[string]string{
			spec.FieldListenerPort: strconv.Itoa(v3Port), spec.FieldStatus: spec.StatusStopped, spec.ParamBandwidth: "-1",
			spec.ParamServerCertificateID: r.cert, spec.ParamCACertificateID: r.caID, spec.ParamTLSCipherPolicy: "tls_cipher_policy_1_2",
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
	r.rec.run("DescribeLoadBalancerHTTPSListenerAttribute (XML)", func() error {
		res, err := r.v.call(spec.ActionDescribeHTTPSListener, r.describeParams, "XML", "string")
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
		if doc.XMLName.Local != spec.ActionDescribeHTTPSListener+"Response" || doc.RequestID == "" || doc.ListenerPort != v3Port || doc.Status != spec.StatusStopped {
			return fmt.Errorf("XML answer differs: <%s> RequestId=%q ListenerPort=%d Status=%q", doc.XMLName.Local, doc.RequestID, doc.ListenerPort, doc.Status)
		}
		return nil
	})
}

// expectStateRefusals sends creates the state or a constraint refuses, and checks the client
// reads the code.
func (r *v3Run) expectStateRefusals() {
	v, lb, l := r.v, r.lb, r.listener
	r.expect("error answer in XML", stateCode(spec.StateCertificateNotFound), func() error {
		_, err := v.call(spec.ActionCreateHTTPSListener, l(lb, v3FreePort, map[string]string{spec.ParamServerCertificateID: "sdkcheck-missing-cert"}), "XML", "json")
		return err
	})
	r.expect("listener on a port in use", stateCode(spec.StatePortInUse), createListenerV3(v, l(lb, v3Port, nil)))
	r.expect("unknown server certificate", stateCode(spec.StateCertificateNotFound), createListenerV3(v, l(lb, v3FreePort, map[string]string{spec.ParamServerCertificateID: "sdkcheck-missing-cert"})))
	r.expect("CA certificate as server certificate", stateCode(spec.StateCertificateKindMismatch), createListenerV3(v, l(lb, v3FreePort, map[string]string{spec.ParamServerCertificateID: r.caID})))
	r.expect("unknown instance", stateCode(spec.StateLoadBalancerNotFound), createListenerV3(v, l("lb-sdkcheck-missing", v3FreePort, nil)))
	if r.shared != "" {
		r.expect("TLS policy on a shared-spec instance", stateCode(spec.StateSharedTLSPolicy), createListenerV3(v, l(r.shared, v3Port, map[string]string{spec.ParamTLSCipherPolicy: "tls_cipher_policy_1_2"})))
	}
	r.expect("IdleTimeout above 60", constraintCode(spec.ParamIdleTimeout, spec.KindMaximum), createListenerV3(v, l(lb, v3FreePort, map[string]string{spec.ParamIdleTimeout: "61"})))
	r.expect("RequestTimeout above 180", constraintCode(spec.ParamRequestTimeout, spec.KindMaximum), createListenerV3(v, l(lb, v3FreePort, map[string]string{spec.ParamRequestTimeout: "181"})))
	r.expect("cn certificate", stateCode(spec.StateCNCertificate), createListenerV3(v, l(lb, v3FreePort, map[string]string{
		spec.ParamServerCertificateID: "", item(spec.ParamServerCertificate, spec.FieldCertificateID): r.cert,
		item(spec.ParamServerCertificate, spec.FieldStandardType): "cn",
	})))
	r.expect("reserved tag key", constraintCode(spec.ParamTag+"."+spec.FieldTagKey, spec.KindForbiddenPrefixes), createListenerV3(v, l(lb, v3FreePort, map[string]string{item(spec.ParamTag, spec.FieldTagKey): "aliyun-reserved"})))
	r.expect("unknown ACL", stateCode(spec.StateACLNotFound), createListenerV3(v, l(lb, v3FreePort, map[string]string{
		spec.ParamACLStatus: "on", spec.ParamACLType: "white", spec.ParamACLID: "acl-sdkcheck-missing",
	})))
	r.expect("unknown TLS policy", stateCode(spec.StateTLSPolicyNotFound), createListenerV3(v, l(lb, v3FreePort, map[string]string{spec.ParamTLSCipherPolicy: "tls-sdkcheck-missing"})))
}

// expectOtherPrincipals checks the refusals for another account's certificate and for a RAM
// user denied the operation, when those principals are configured.
func (r *v3Run) expectOtherPrincipals() error {
	cfg, rec := &r.cfg, r.rec
	if cfg.Second.AccessKeyID != "" {
		other, err := newV3(cfg, cfg.Second, r.form)
		if err != nil {
			return err
		}
		var otherLB string
		if rec.run("CreateLoadBalancer (second account)", func() error {
			res, err := other.json(spec.ActionCreateLoadBalancer, map[string]string{spec.ParamLoadBalancerSpec: "slb.s2.small"})
			if err == nil {
				otherLB, err = field(res, spec.FieldLoadBalancerID)
			}
			return err
		}) {
			r.expect("another account's certificate", stateCode(spec.StateForeignCertificate), createListenerV3(other, r.listener(otherLB, v3Port, nil)))
			rec.run("DeleteLoadBalancer (second account)", deleteLBV3(other, otherLB))
		}
	} else {
		rec.skip("another account's certificate", "no second account (CLBCHECK_SECOND_ACCESS_KEY_ID)")
	}
	if cfg.Restricted.AccessKeyID == "" {
		rec.skip("RAM user denied the operation", "no restricted RAM user (CLBCHECK_RESTRICTED_ACCESS_KEY_ID)")
		return nil
	}
	denied, err := newV3(cfg, cfg.Restricted, r.form)
	if err != nil {
		return err
	}
	rec.expect("RAM user denied the operation", gatewayCode(spec.GatewayRAMDenied), createListenerV3(denied, r.listener(r.lb, v3FreePort, nil)), func(err error) (reported, bool) {
		rp, ok := readV3(err)
		var se *tea.SDKError
		if ok && errors.As(err, &se) && len(se.AccessDeniedDetail) == 0 {
			rp.extra = append(rp.extra, "the client read no AccessDeniedDetail")
		}
		return rp, ok
	})
	return nil
}

// expectGatewayRefusals checks the gateway's answers to a wrong secret, an unknown key, a
// replayed nonce and an expired timestamp.
func (r *v3Run) expectGatewayRefusals() error {
	wrong := r.cfg.Primary
	wrong.AccessKeySecret += "-wrong"
	bad, err := newV3(&r.cfg, wrong, r.form)
	if err != nil {
		return err
	}
	r.expect("wrong secret", gatewayCode(spec.GatewayBadSignature), createListenerV3(bad, r.listener(r.lb, v3FreePort, nil)))
	unknown, err := newV3(&r.cfg, signature.Credentials{AccessKeyID: "LTAIsdkcheckUnknownKey0", AccessKeySecret: "unknown"}, r.form)
	if err != nil {
		return err
	}
	r.expect("unknown access key", gatewayCode(spec.GatewayUnknownAccessKey), createListenerV3(unknown, r.listener(r.lb, v3FreePort, nil)))
	r.expect("replayed nonce", gatewayCode(spec.GatewayNonceReplayed), func() error {
		r.v.tamper.arm(replayNext)
		_, err := r.v.json(spec.ActionDescribeHTTPSListener, r.describeParams)
		return err
	})
	r.expect("expired timestamp", gatewayCode(spec.GatewayStaleTimestamp), func() error {
		r.v.tamper.arm(backdateNext)
		_, err := r.v.json(spec.ActionDescribeHTTPSListener, r.describeParams)
		return err
	})
	return nil
}

// stsAndStart creates a listener with an STS token when one is configured, then starts the
// first listener and reads its status.
func (r *v3Run) stsAndStart() error {
	rec, v := r.rec, r.v
	if r.cfg.STS.SecurityToken != "" {
		sts, err := newV3(&r.cfg, r.cfg.STS, r.form)
		if err != nil {
			return err
		}
		if rec.run("CreateLoadBalancerHTTPSListener (STS token)", createListenerV3(sts, r.listener(r.lb, v3STSPort, nil))) {
			rec.run("DeleteLoadBalancerListener", func() error {
				_, err := v.json(spec.ActionDeleteListener, map[string]string{
					spec.ParamLoadBalancerID: r.lb, spec.ParamListenerPort: strconv.Itoa(v3STSPort), spec.ParamListenerProtocol: "https",
				})
				return err
			})
		}
	} else {
		rec.skip("CreateLoadBalancerHTTPSListener (STS token)", "no security token (ALIBABA_CLOUD_SECURITY_TOKEN)")
	}
	rec.run("StartLoadBalancerListener", func() error {
		_, err := v.json(spec.ActionStartListener, r.describeParams)
		return err
	})
	rec.run("DescribeLoadBalancerHTTPSListenerAttribute (started)", func() error {
		res, err := v.json(spec.ActionDescribeHTTPSListener, r.describeParams)
		if err != nil {
			return err
		}
		st, err := field(res, spec.FieldStatus)
		if err == nil && st != spec.StatusStarting && st != spec.StatusRunning {
			err = fmt.Errorf("status %q after start, want %s or %s", st, spec.StatusStarting, spec.StatusRunning)
		}
		return err
	})
	return nil
}
