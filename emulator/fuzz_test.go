package emulator_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// FuzzHandler feeds arbitrary queries, bodies and headers to the handler. Every answer must be
// a well-formed error or success, never the recovery net's InternalError. Authentication is
// off so that the fuzzer reaches validation and the state checks.
func FuzzHandler(f *testing.F) {
	cfg := emulator.DefaultConfig()
	cfg.NoAuth = true
	em := emulator.MustNew(cfg)
	seeds := []string{
		"Action=CreateLoadBalancerHTTPSListener&Version=2014-05-15&LoadBalancerId=lb-1&ListenerPort=443&Bandwidth=-1&HealthCheck=on&BackendServerPort=80&ServerCertificateId=c",
		"Action=CreateLoadBalancer&Version=2014-05-15&RegionId=cn-hangzhou&MasterZoneId=cn-hangzhou-l4only",
		"Action=CreateLoadBalancerHTTPSListener&Version=2014-05-15&Tag.1.Key=a&Tag.3.Key=b&ServerCertificate.0.CertificateId=x",
		"Action=AddAccessControlListEntry&Version=2014-05-15&AclId=acl-1&AclEntrys=[{\"entry\":\"10.0.0.0/8\"}]",
		"Action=DescribeLoadBalancerListeners&Version=2014-05-15&NextToken=-1&MaxResults=0",
		"Format=xml&Action=CreateTLSCipherPolicy&Version=2014-05-15&Name=p&TLSVersions.1=TLSv1.2",
		"%zz=%&&=&Action",
	}
	for _, s := range seeds {
		f.Add(http.MethodPost, s, "", "")
		f.Add(http.MethodGet, s, s, "application/json")
	}
	f.Fuzz(func(t *testing.T, method, query, body, contentType string) {
		if method != http.MethodGet && method != http.MethodPost {
			method = http.MethodPost
		}
		req := httptest.NewRequest(method, "/", strings.NewReader(body))
		req.URL.RawQuery = query
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if strings.Contains(query, "V3") {
			req.Header.Set(signature.HeaderAction, spec.ActionCreateHTTPSListener)
		}
		rec := httptest.NewRecorder()
		em.ServeHTTP(rec, req)
		if strings.Contains(rec.Body.String(), "emulator fault") {
			t.Fatalf("the handler panicked on %s %q body %q: %s", method, query, body, rec.Body)
		}
		if rec.Code == http.StatusOK && strings.Contains(rec.Body.String(), `"Code"`) {
			t.Fatalf("a success body with a Code: %s", rec.Body)
		}
	})
}
