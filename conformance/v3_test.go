package conformance

import (
	"errors"
	"fmt"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/spec"
)

// v3Call sends one RPC operation with the V3 client (signature ACS3-HMAC-SHA256, action in
// the x-acs-action header, business parameters in the query).
func v3Call(t *testing.T, addr string, p emulator.Principal, action string, query map[string]string) (map[string]any, error) {
	t.Helper()
	cfg := &openapiutil.Config{
		AccessKeyId:     dara.String(p.Credentials.AccessKeyID),
		AccessKeySecret: dara.String(p.Credentials.AccessKeySecret),
		Endpoint:        dara.String(addr),
		Protocol:        dara.String("HTTP"),
		RegionId:        dara.String(emulator.DefaultRegion),
	}
	if p.Credentials.SecurityToken != "" {
		cfg.SecurityToken = dara.String(p.Credentials.SecurityToken)
	}
	client, err := openapi.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	params := &openapiutil.Params{
		Action:      dara.String(action),
		Version:     dara.String(spec.MustDefault().APIVersion),
		Protocol:    dara.String("HTTP"),
		Pathname:    dara.String("/"),
		Method:      dara.String("POST"),
		AuthType:    dara.String("AK"),
		Style:       dara.String("RPC"),
		ReqBodyType: dara.String("formData"),
		BodyType:    dara.String("json"),
	}
	q := map[string]*string{}
	for k, v := range query {
		q[k] = dara.String(v)
	}
	return client.CallApi(params, &openapiutil.OpenApiRequest{Query: q}, &dara.RuntimeOptions{})
}

func bodyField(t *testing.T, res map[string]any, field string) string {
	t.Helper()
	body, ok := res["body"].(map[string]any)
	if !ok {
		t.Fatalf("no body in %v", res)
	}
	s, _ := body[field].(string)
	if s == "" {
		t.Fatalf("no %s in %v", field, body)
	}
	return s
}

// wantV3Error checks the V3 client's parsed error: code and HTTP status.
func wantV3Error(t *testing.T, err error, code string) {
	t.Helper()
	var se *tea.SDKError
	if !errors.As(err, &se) {
		t.Fatalf("want %s, got %T %v", code, err, err)
	}
	if dara.StringValue(se.Code) != code {
		t.Fatalf("want code %s, got %s (%s)", code, dara.StringValue(se.Code), dara.StringValue(se.Message))
	}
	if ec, ok := spec.MustDefault().Error(code); ok && dara.IntValue(se.StatusCode) != ec.Status {
		t.Fatalf("%s: want status %d, got %d", code, ec.Status, dara.IntValue(se.StatusCode))
	}
}

func TestV3ClientEndToEnd(t *testing.T) {
	h := start(t)
	primary := h.cfg.MustPrincipal(emulator.PrincipalPrimary)

	res, err := v3Call(t, h.url, primary, spec.ActionCreateLoadBalancer, map[string]string{
		spec.ParamRegionID: emulator.DefaultRegion, spec.ParamLoadBalancerSpec: "slb.s2.small"})
	if err != nil {
		t.Fatalf("CreateLoadBalancer: %v", err)
	}
	lb := bodyField(t, res, spec.FieldLoadBalancerID)

	server := newCert(t, "v3.example.test", false)
	res, err = v3Call(t, h.url, primary, spec.ActionUploadServerCertificate, map[string]string{
		spec.ParamServerCertificate: server.CertPEM, spec.ParamPrivateKey: server.KeyPEM})
	if err != nil {
		t.Fatalf("UploadServerCertificate: %v", err)
	}
	cert := bodyField(t, res, spec.FieldServerCertificateID)

	tags := spec.MustDefault().UnderTest.Param(spec.ParamTag).List
	listener := func(port int) map[string]string {
		return map[string]string{
			spec.ParamLoadBalancerID: lb, spec.ParamListenerPort: fmt.Sprint(port), spec.ParamBandwidth: "-1",
			spec.ParamBackendServerPort: "80", spec.ParamHealthCheck: "off", spec.ParamServerCertificateID: cert,
			tags.WireName(1, spec.FieldTagKey): "team", tags.WireName(1, spec.FieldTagValue): "edge",
		}
	}
	if _, err := v3Call(t, h.url, primary, spec.ActionCreateHTTPSListener, listener(443)); err != nil {
		t.Fatalf("CreateLoadBalancerHTTPSListener: %v", err)
	}
	_, err = v3Call(t, h.url, primary, spec.ActionCreateHTTPSListener, listener(443))
	wantV3Error(t, err, "InvalidParameter.ListenerPortConflict")

	bad := listener(444)
	bad[spec.ParamServerCertificateID] = "missing"
	_, err = v3Call(t, h.url, primary, spec.ActionCreateHTTPSListener, bad)
	wantV3Error(t, err, "CertificateNotExist")

	_, err = v3Call(t, h.url, h.cfg.MustPrincipal(emulator.PrincipalDenied), spec.ActionCreateHTTPSListener, listener(445))
	wantV3Error(t, err, "NoPermission")
	var denied *tea.SDKError
	if errors.As(err, &denied) && denied.AccessDeniedDetail["NoPermissionType"] != "ExplicitDeny" {
		t.Fatalf("AccessDeniedDetail not read by the client: %v", denied.AccessDeniedDetail)
	}

	if _, err := v3Call(t, h.url, h.cfg.MustPrincipal(emulator.PrincipalSTS), spec.ActionCreateHTTPSListener, listener(446)); err != nil {
		t.Fatalf("with an STS token: %v", err)
	}
}
