package signature_test

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/clbcheck/clbcheck/signature"
)

// A client builds the parameters of a V1 call, adds the common ones and the
// signature; the server merges what it received and checks it.
func ExampleSignV1() {
	creds := signature.Credentials{AccessKeyID: "testid", AccessKeySecret: "testsecret"}

	params := url.Values{
		"Action":         {"CreateLoadBalancerHTTPSListener"},
		"Version":        {"2014-05-15"},
		"Format":         {"JSON"},
		"RegionId":       {"cn-hangzhou"},
		"LoadBalancerId": {"lb-bp1o94dp5i6earr****"},
		"ListenerPort":   {"443"},
	}
	signature.AddV1Params(params, creds, time.Now())
	params.Set("Signature", signature.SignV1(http.MethodPost, creds.AccessKeySecret, params))

	// ... params.Encode() travels in the URL query or form body ...

	ok, _ := signature.VerifyV1(http.MethodPost, params, creds.AccessKeySecret)
	fmt.Println("accepted:", ok)

	params.Set("ListenerPort", "444")
	ok, serverStringToSign := signature.VerifyV1(http.MethodPost, params, creds.AccessKeySecret)
	fmt.Println("accepted after tampering:", ok, len(serverStringToSign) > 0)
	// Output:
	// accepted: true
	// accepted after tampering: false true
}

// The published CLB V3 vector: the business parameters in the query of
// POST /, empty body, fixed date and nonce.
func ExampleSignV3() {
	q := url.Values{
		"BackendServerPort":   {"80"},
		"Bandwidth":           {"-1"},
		"HealthCheck":         {"on"},
		"ListenerPort":        {"443"},
		"LoadBalancerId":      {"lb-bp1o94dp5i6earr****"},
		"RegionId":            {"cn-hangzhou"},
		"ServerCertificateId": {"idkp-123-cn-test-****"},
		"Tag.1.Key":           {"TestKey"},
		"Tag.1.Value":         {"TestValue"},
	}
	req, _ := http.NewRequest(http.MethodPost, "http://slb.aliyuncs.com/?"+q.Encode(), nil)
	req.Header.Set("x-acs-action", "CreateLoadBalancerHTTPSListener")
	req.Header.Set("x-acs-version", "2014-05-15")

	creds := signature.Credentials{AccessKeyID: "testid", AccessKeySecret: "testsecret"}
	now := time.Date(2023, 10, 26, 10, 22, 32, 0, time.UTC)
	if err := signature.SignV3(req, nil, creds, now, "3156853299f313e23d1673dc12e1703d"); err != nil {
		panic(err)
	}
	auth, _ := signature.ParseAuthorizationV3(req.Header.Get("Authorization"))
	fmt.Println(auth.SignedHeaders)
	fmt.Println(auth.Signature)

	ok, _, err := signature.VerifyV3(req, nil, creds.AccessKeySecret)
	fmt.Println(ok, err)
	// Output:
	// [host x-acs-action x-acs-content-sha256 x-acs-date x-acs-signature-nonce x-acs-version]
	// 42d0ca50bb3e3b2b462b7b2c3628ab30717d7ec852cbf793618e118707c48987
	// true <nil>
}
