package signature_test

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/signature"
)

func TestPercentEncode(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"AZaz09-_.~", "AZaz09-_.~"},
		{"a b", "a%20b"},
		{"*", "%2A"},
		{"+", "%2B"},
		{"/", "%2F"},
		{":", "%3A"},
		{"=&", "%3D%26"},
		{"%", "%25"},
		{"é", "%C3%A9"},
		{"中", "%E4%B8%AD"},
		{"\x00\xff", "%00%FF"},
		{"lb-bp1o94dp5i6earr****", "lb-bp1o94dp5i6earr%2A%2A%2A%2A"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, signature.PercentEncode(c.in), "input %q", c.in)
	}
}

func TestCanonicalQueryV1(t *testing.T) {
	t.Run("drops Signature and keeps empty values", func(t *testing.T) {
		got := signature.CanonicalQueryV1(url.Values{
			"b":         {""},
			"Signature": {"abc"},
			"a":         {"x y"},
		})
		assert.Equal(t, "a=x%20y&b=", got)
	})

	t.Run("sorts by encoded name", func(t *testing.T) {
		// Raw order puts "a~" first (0x7E < 0xC3); encoded, "a%C3%A9" sorts first.
		got := signature.CanonicalQueryV1(url.Values{"a~": {"1"}, "aé": {"2"}})
		assert.Equal(t, "a%C3%A9=2&a~=1", got)
	})

	t.Run("sorting is case-sensitive byte order", func(t *testing.T) {
		got := signature.CanonicalQueryV1(url.Values{"XForwardedFor_proto": {"on"}, "XForwardedFor_SLBIP": {"on"}, "Bandwidth": {"-1"}})
		assert.Equal(t, "Bandwidth=-1&XForwardedFor_SLBIP=on&XForwardedFor_proto=on", got)
	})

	t.Run("repeated name keeps every value in order", func(t *testing.T) {
		got := signature.CanonicalQueryV1(url.Values{"k": {"2", "1", ""}, "a": {"z"}})
		assert.Equal(t, "a=z&k=2&k=1&k=", got)
	})

	t.Run("name without values counts as empty", func(t *testing.T) {
		assert.Equal(t, "k=", signature.CanonicalQueryV1(url.Values{"k": nil}))
	})
}

func TestStringToSignV1_UpperCasesMethod(t *testing.T) {
	p := ecsDescribeRegions()
	assert.Equal(t, signature.StringToSignV1("GET", p), signature.StringToSignV1("get", p))
}

func TestSignV1_IgnoresExistingSignature(t *testing.T) {
	p := clbV1Params()
	before := signature.SignV1("POST", "testsecret", p)
	p.Set("Signature", "stale")
	assert.Equal(t, before, signature.SignV1("POST", "testsecret", p))
}

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestNewNonce(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		n := signature.NewNonce()
		require.Regexp(t, hex32, n)
		require.False(t, seen[n], "nonce repeated")
		seen[n] = true
	}
}

func TestV1Params(t *testing.T) {
	now := time.Date(2016, 2, 23, 20, 46, 24, 999, time.FixedZone("CST", 8*3600))

	p := signature.V1Params(signature.Credentials{AccessKeyID: "id", AccessKeySecret: "secret"}, now)
	assert.Equal(t, "id", p.Get("AccessKeyId"))
	assert.Equal(t, "HMAC-SHA1", p.Get("SignatureMethod"))
	assert.Equal(t, "1.0", p.Get("SignatureVersion"))
	assert.Equal(t, "2016-02-23T12:46:24Z", p.Get("Timestamp"))
	assert.Regexp(t, hex32, p.Get("SignatureNonce"))
	assert.NotContains(t, p, "SecurityToken")
	assert.NotContains(t, p, "Signature")
	assert.NotContains(t, p, "secret", "the secret is never a parameter")

	sts := signature.V1Params(signature.Credentials{AccessKeyID: "id", AccessKeySecret: "s", SecurityToken: "tok"}, now)
	assert.Equal(t, []string{"tok"}, sts["SecurityToken"])
	assert.NotEqual(t, p.Get("SignatureNonce"), sts.Get("SignatureNonce"))

	dst := url.Values{"Action": {"CreateLoadBalancerHTTPSListener"}, "AccessKeyId": {"old"}, "Timestamp": {"a", "b"}}
	signature.AddV1Params(dst, signature.Credentials{AccessKeyID: "new"}, now)
	assert.Equal(t, []string{"new"}, dst["AccessKeyId"])
	assert.Equal(t, []string{"2016-02-23T12:46:24Z"}, dst["Timestamp"])
	assert.Equal(t, "CreateLoadBalancerHTTPSListener", dst.Get("Action"))
}

// signedCLB returns the CLB V1 vector parameters with their POST signature.
func signedCLB() url.Values {
	p := clbV1Params()
	p.Set("Signature", signature.SignV1("POST", "testsecret", p))
	return p
}

func TestVerifyV1_Accepts(t *testing.T) {
	p := signedCLB()
	require.Equal(t, "t9PCz231LDmDvLWiAUnRBwgaQ/I=", p.Get("Signature"))
	ok, sts := signature.VerifyV1("POST", p, "testsecret")
	assert.True(t, ok)
	assert.Equal(t, signature.StringToSignV1("POST", p), sts)
}

func TestVerifyV1_AcceptsAfterWireRoundTrip(t *testing.T) {
	// A client that encodes a space as '+' (Go) and one that uses %20 (Node)
	// must both verify once the server has decoded the parameters.
	p := clbV1Params()
	p.Set("Description", "my listener * v1")
	p.Set("Signature", signature.SignV1("POST", "testsecret", p))

	goStyle := p.Encode()
	require.Contains(t, goStyle, "my+listener")
	nodeStyle := strings.ReplaceAll(goStyle, "+", "%20")

	for _, raw := range []string{goStyle, nodeStyle} {
		received, err := url.ParseQuery(raw)
		require.NoError(t, err)
		ok, _ := signature.VerifyV1("POST", received, "testsecret")
		assert.True(t, ok, raw)
	}
}

func TestVerifyV1_RejectsChangedValue(t *testing.T) {
	base := signedCLB()
	names := make([]string, 0, len(base))
	for name := range base {
		if name != "Signature" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	require.Len(t, names, 17)

	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			p := cloneValues(base)
			p.Set(name, p.Get(name)+"x")
			ok, sts := signature.VerifyV1("POST", p, "testsecret")
			assert.False(t, ok)
			assert.NotEmpty(t, sts)

			p = cloneValues(base)
			p.Set(name, "")
			ok, _ = signature.VerifyV1("POST", p, "testsecret")
			assert.False(t, ok, "emptied value")

			p = cloneValues(base)
			p.Del(name)
			ok, _ = signature.VerifyV1("POST", p, "testsecret")
			assert.False(t, ok, "removed parameter")
		})
	}
}

func TestVerifyV1_RejectsAddedParameter(t *testing.T) {
	for _, extra := range [][2]string{{"Description", "x"}, {"Empty", ""}, {"Tag.2.Key", "k"}} {
		p := signedCLB()
		p.Set(extra[0], extra[1])
		ok, _ := signature.VerifyV1("POST", p, "testsecret")
		assert.False(t, ok, "added %s", extra[0])
	}

	p := signedCLB()
	p.Add("Bandwidth", "-1") // same name twice
	ok, _ := signature.VerifyV1("POST", p, "testsecret")
	assert.False(t, ok, "repeated parameter")
}

func TestVerifyV1_RejectsWrongSecretMethodOrSignature(t *testing.T) {
	p := signedCLB()

	ok, _ := signature.VerifyV1("POST", p, "testsecreT")
	assert.False(t, ok, "wrong secret")
	ok, _ = signature.VerifyV1("POST", p, "")
	assert.False(t, ok, "empty secret")
	ok, _ = signature.VerifyV1("GET", p, "testsecret")
	assert.False(t, ok, "other method")

	q := cloneValues(p)
	q.Del("Signature")
	ok, sts := signature.VerifyV1("POST", q, "testsecret")
	assert.False(t, ok, "no signature")
	assert.Equal(t, signature.StringToSignV1("POST", p), sts)

	q = cloneValues(p)
	q.Add("Signature", q.Get("Signature"))
	ok, _ = signature.VerifyV1("POST", q, "testsecret")
	assert.False(t, ok, "signature given twice")

	q = cloneValues(p)
	q.Set("Signature", "t9PCz231LDmDvLWiAUnRBwgaQ/I")
	ok, _ = signature.VerifyV1("POST", q, "testsecret")
	assert.False(t, ok, "truncated signature")
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func TestCheckTimestamp(t *testing.T) {
	now := time.Date(2023, 10, 26, 10, 22, 32, 0, time.UTC)

	assert.NoError(t, signature.CheckTimestamp("2023-10-26T10:22:32Z", now, signature.ReplayWindow))
	assert.NoError(t, signature.CheckTimestamp("2023-10-26T10:07:32Z", now, signature.ReplayWindow))
	assert.NoError(t, signature.CheckTimestamp("2023-10-26T10:37:32Z", now, signature.ReplayWindow))
	assert.ErrorIs(t, signature.CheckTimestamp("2023-10-26T10:07:31Z", now, signature.ReplayWindow), signature.ErrTimestampExpired)
	assert.ErrorIs(t, signature.CheckTimestamp("2023-10-26T10:37:33Z", now, signature.ReplayWindow), signature.ErrTimestampExpired)

	for _, bad := range []string{"", "mock date", "2023-10-26 10:22:32", "2023-10-26T10:22:32+08:00", "2023-10-26T10:22:32.5Z"} {
		assert.ErrorIs(t, signature.CheckTimestamp(bad, now, signature.ReplayWindow), signature.ErrMalformedTimestamp, bad)
	}

	ts, err := signature.ParseTimestamp("2016-02-23T12:46:24Z")
	require.NoError(t, err)
	assert.True(t, ts.Equal(time.Date(2016, 2, 23, 12, 46, 24, 0, time.UTC)))
}
