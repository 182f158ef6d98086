package signature_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/signature"
)

// ecsDescribeRegions is the V1 example from Alibaba's ECS signing document.
func ecsDescribeRegions() url.Values {
	return url.Values{
		"AccessKeyId":      {"testid"},
		"Action":           {"DescribeRegions"},
		"Format":           {"XML"},
		"SignatureMethod":  {"HMAC-SHA1"},
		"SignatureNonce":   {"3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
		"SignatureVersion": {"1.0"},
		"Timestamp":        {"2016-02-23T12:46:24Z"},
		"Version":          {"2014-05-26"},
	}
}

func TestV1_ECSDescribeRegionsVector(t *testing.T) {
	params := ecsDescribeRegions()

	const wantSTS = "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML" +
		"%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf" +
		"%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
	assert.Equal(t, wantSTS, signature.StringToSignV1("GET", params))
	assert.Equal(t, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=", signature.SignV1("GET", "testsecret", params))
	assert.Equal(t, "MxbnVAM4w6sft9xjVpe/GCKueuk=", signature.SignV1("POST", "testsecret", params))
}

// goSDKParams mirrors the parameter set of the classic Go SDK's own RPC
// signing test: Action, Version and SignatureType are present but empty, and
// the Timestamp is the literal text "mock date".
func goSDKParams() url.Values {
	return url.Values{
		"AccessKeyId":      {"accessKeyId"},
		"Action":           {""},
		"Format":           {"JSON"},
		"RegionId":         {"regionId"},
		"SignatureMethod":  {"HMAC-SHA1"},
		"SignatureNonce":   {"MOCK_UUID"},
		"SignatureType":    {""},
		"SignatureVersion": {"1.0"},
		"Timestamp":        {"mock date"},
		"Version":          {""},
	}
}

func TestV1_GoSDKVectors(t *testing.T) {
	params := goSDKParams()
	assert.Equal(t, "7loPmFjvDnzOVnQeQNj85S6nFGY=", signature.SignV1("GET", "accessKeySecret", params))

	params.Set("SecurityToken", "accessKeyStsToken")
	assert.Equal(t, "5Nxdcler+ihqWqv0Hr2On4PsBf4=", signature.SignV1("GET", "accessKeySecret", params))
}

// clbBusinessParams are the business parameters of the
// CreateLoadBalancerHTTPSListener vectors (V1 and V3).
func clbBusinessParams() url.Values {
	return url.Values{
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
}

func clbV1Params() url.Values {
	p := clbBusinessParams()
	p.Set("AccessKeyId", "testid")
	p.Set("Action", "CreateLoadBalancerHTTPSListener")
	p.Set("Format", "JSON")
	p.Set("SignatureMethod", "HMAC-SHA1")
	p.Set("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf")
	p.Set("SignatureVersion", "1.0")
	p.Set("Timestamp", "2016-02-23T12:46:24Z")
	p.Set("Version", "2014-05-15")
	return p
}

func TestV1_CreateLoadBalancerHTTPSListenerVector(t *testing.T) {
	params := clbV1Params()
	assert.Equal(t, "t9PCz231LDmDvLWiAUnRBwgaQ/I=", signature.SignV1("POST", "testsecret", params))
	assert.Equal(t, "t6gzD+pFlHHau7laW99T5yxyQ98=", signature.SignV1("GET", "testsecret", params))
}

// v3Request builds an unsigned-looking request carrying the given query and
// headers exactly, as a server would see it after parsing.
func v3Request(t testing.TB, host, rawQuery string, headers map[string]string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, "http://"+host+"/?"+rawQuery, nil)
	require.NoError(t, err)
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	return r
}

func TestV3_RunInstancesVector(t *testing.T) {
	r := v3Request(t, "ecs.cn-shanghai.aliyuncs.com",
		"ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai",
		map[string]string{
			"x-acs-action":          "RunInstances",
			"x-acs-content-sha256":  signature.EmptyBodySHA256,
			"x-acs-date":            "2023-10-26T10:22:32Z",
			"x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
			"x-acs-version":         "2014-05-26",
		})

	signed := signature.SignedHeadersV3(r)
	assert.Equal(t, []string{"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date",
		"x-acs-signature-nonce", "x-acs-version"}, signed)

	canonical, err := signature.CanonicalRequestV3(r, signed, signature.HexSHA256(nil))
	require.NoError(t, err)
	wantCanonical := strings.Join([]string{
		"POST",
		"/",
		"ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai",
		"host:ecs.cn-shanghai.aliyuncs.com",
		"x-acs-action:RunInstances",
		"x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"x-acs-date:2023-10-26T10:22:32Z",
		"x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d",
		"x-acs-version:2014-05-26",
		"",
		"host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version",
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	}, "\n")
	assert.Equal(t, wantCanonical, canonical)

	sts := signature.StringToSignV3(canonical)
	assert.Equal(t, "ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259", sts)
	assert.Equal(t, "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0",
		signature.SignatureV3("YourAccessKeySecret", sts))
}

func clbV3Request(t testing.TB) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, "http://slb.aliyuncs.com/?"+clbBusinessParams().Encode(), nil)
	require.NoError(t, err)
	r.Header.Set("x-acs-action", "CreateLoadBalancerHTTPSListener")
	r.Header.Set("x-acs-version", "2014-05-15")
	return r
}

func TestV3_CreateLoadBalancerHTTPSListenerVector(t *testing.T) {
	const (
		wantHashed = "337c2e61325990c1c8e7bb23b752f09135870e9d1c1e20834a4b233f34437415"
		wantSig    = "42d0ca50bb3e3b2b462b7b2c3628ab30717d7ec852cbf793618e118707c48987"
	)

	t.Run("step by step", func(t *testing.T) {
		r := clbV3Request(t)
		r.Header.Set("x-acs-content-sha256", signature.EmptyBodySHA256)
		r.Header.Set("x-acs-date", "2023-10-26T10:22:32Z")
		r.Header.Set("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d")

		canonical, err := signature.CanonicalRequestV3(r, signature.SignedHeadersV3(r), signature.HexSHA256(nil))
		require.NoError(t, err)
		// Only the nine business parameters are in the query; '*' is %2A.
		assert.Contains(t, canonical, "\nBackendServerPort=80&Bandwidth=-1&HealthCheck=on&ListenerPort=443"+
			"&LoadBalancerId=lb-bp1o94dp5i6earr%2A%2A%2A%2A&RegionId=cn-hangzhou"+
			"&ServerCertificateId=idkp-123-cn-test-%2A%2A%2A%2A&Tag.1.Key=TestKey&Tag.1.Value=TestValue\n")

		sts := signature.StringToSignV3(canonical)
		assert.Equal(t, "ACS3-HMAC-SHA256\n"+wantHashed, sts)
		assert.Equal(t, wantSig, signature.SignatureV3("testsecret", sts))
	})

	t.Run("SignV3", func(t *testing.T) {
		r := clbV3Request(t)
		now := time.Date(2023, 10, 26, 18, 22, 32, 0, time.FixedZone("CST", 8*3600)) // same instant as the vector
		creds := signature.Credentials{AccessKeyID: "testid", AccessKeySecret: "testsecret"}
		require.NoError(t, signature.SignV3(r, nil, creds, now, "3156853299f313e23d1673dc12e1703d"))

		assert.Equal(t, "2023-10-26T10:22:32Z", r.Header.Get("x-acs-date"))
		assert.Equal(t, "3156853299f313e23d1673dc12e1703d", r.Header.Get("x-acs-signature-nonce"))
		assert.Equal(t, signature.EmptyBodySHA256, r.Header.Get("x-acs-content-sha256"))
		assert.Equal(t, "ACS3-HMAC-SHA256 Credential=testid,"+
			"SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"+
			"Signature="+wantSig, r.Header.Get("Authorization"))

		ok, sts, err := signature.VerifyV3(r, nil, "testsecret")
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, "ACS3-HMAC-SHA256\n"+wantHashed, sts)
	})
}
