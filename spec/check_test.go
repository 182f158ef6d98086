package spec_test

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/spec"
)

// minimal is the smallest request the description accepts: the required parameters, the
// backend port (no VServer group) and a server certificate.
func minimal() url.Values {
	return url.Values{
		spec.ParamLoadBalancerID:      {"lb-bp1o94dp5i6earr0000"},
		spec.ParamBandwidth:           {"-1"},
		spec.ParamListenerPort:        {"443"},
		spec.ParamBackendServerPort:   {"80"},
		spec.ParamHealthCheck:         {"off"},
		spec.ParamServerCertificateID: {"idkp-123-cn-test-0000"},
	}
}

// with returns the minimal request changed by pairs of name, value; a value of "\x00" deletes.
func with(kv ...string) url.Values {
	v := minimal()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "\x00" {
			v.Del(kv[i])
			continue
		}
		v.Set(kv[i], kv[i+1])
	}
	return v
}

const del = "\x00"

func param(t *testing.T, path string) *spec.Parameter {
	t.Helper()
	p := spec.MustDefault().UnderTest.Lookup(path)
	require.NotNil(t, p, "parameter %s", path)
	return p
}

func TestCheckIntegerWireForms(t *testing.T) {
	p := param(t, spec.ParamListenerPort)
	cases := map[string]spec.Kind{
		"1":                    "",
		"443":                  "",
		"65535":                "",
		"0":                    spec.KindMinimum,
		"-1":                   spec.KindMinimum,
		"65536":                spec.KindMaximum,
		"9223372036854775807":  spec.KindMaximum,
		"abc":                  spec.KindType,
		"1.5":                  spec.KindType,
		"1.0":                  spec.KindType,
		" 1":                   spec.KindType,
		"1 ":                   spec.KindType,
		"+1":                   spec.KindType,
		"0x1F":                 spec.KindType,
		"1e3":                  spec.KindType,
		"01":                   spec.KindType,
		"00":                   spec.KindType,
		"-0":                   spec.KindType, // not the canonical form of 0, like "+1" and "01"
		"-00":                  spec.KindType,
		"-":                    spec.KindType,
		"":                     spec.KindType,
		"１":                    spec.KindType, // a full-width digit
		"9223372036854775808":  spec.KindType, // past int64
		"-9223372036854775809": spec.KindType,
		"99999999999999999999": spec.KindType,
	}
	for v, want := range cases {
		t.Run(fmt.Sprintf("%q", v), func(t *testing.T) {
			k, detail := p.Check(v)
			assert.Equal(t, want, k, detail)
			if want == "" {
				assert.Empty(t, detail)
			} else {
				assert.Contains(t, detail, spec.ParamListenerPort, "the detail names the parameter")
			}
		})
	}
}

// Every integer parameter of the operation under test: the bounds pass, one past them fails
// with the bound's kind, and the answer for that is the constraint's outcome.
func TestCheckIntegerBoundsOfEveryParameter(t *testing.T) {
	s, op := underTest(t)
	n := 0
	for _, p := range op.Parameters {
		if !p.IsInteger() {
			continue
		}
		lo, hasLo := p.Constraint(spec.KindMinimum)
		hi, hasHi := p.Constraint(spec.KindMaximum)
		require.True(t, hasLo && hasHi, "%s has both bounds", p.Name)
		n++
		t.Run(p.Name, func(t *testing.T) {
			for _, v := range []int64{lo.Int, hi.Int, (lo.Int + hi.Int) / 2} {
				if fv, ok := p.Constraint(spec.KindForbiddenValues); ok && slices.Contains(fv.Values, itoa(v)) {
					continue
				}
				k, detail := p.Check(itoa(v))
				assert.Empty(t, k, "%d: %s", v, detail)
			}
			k, _ := p.Check(itoa(lo.Int - 1))
			assert.Equal(t, spec.KindMinimum, k, "min-1")
			assert.Equal(t, lo.Outcome, s.ParamOutcome(p, k))
			k, _ = p.Check(itoa(hi.Int + 1))
			assert.Equal(t, spec.KindMaximum, k, "max+1")
			assert.Equal(t, hi.Outcome, s.ParamOutcome(p, k))
			k, _ = p.Check("1e3")
			assert.Equal(t, spec.KindType, k)
			assert.Equal(t, s.ViolationOutcomes[spec.KindType].Code, s.ParamOutcome(p, k).Code, "a malformed integer gets the default answer")
		})
	}
	assert.GreaterOrEqual(t, n, 12)
}

// The model accepts an integer only in its one canonical decimal spelling, so a value that
// passes Check is the same string as the number it stands for; a forbidden value (Bandwidth 0)
// cannot be dodged by spelling it differently.
func TestCheckAcceptsOnlyCanonicalIntegers(t *testing.T) {
	_, op := underTest(t)
	spellings := []string{"0", "-0", "+0", "00", "-00", "1", "+1", "01", "-1", "-01", "10", "010", " 10", "10 ", "1_0", "1,0"}
	for _, p := range op.Parameters {
		if !p.IsInteger() {
			continue
		}
		for _, v := range spellings {
			if k, _ := p.Check(v); k == "" || k != spec.KindType {
				n, err := strconv.ParseInt(v, 10, 64)
				require.NoError(t, err, "%s accepted %q as an integer", p.Name, v)
				assert.Equal(t, strconv.FormatInt(n, 10), v, "%s accepted the non-canonical %q", p.Name, v)
			}
		}
	}
}

func TestCheckDocumentedCodesForBounds(t *testing.T) {
	s := spec.MustDefault()
	for _, tc := range []struct {
		param, value string
		kind         spec.Kind
		code         string
		basis        spec.Basis
	}{
		{"IdleTimeout", "0", spec.KindMinimum, "InvalidParameter.IdleTimeout", spec.Documented},
		{"IdleTimeout", "61", spec.KindMaximum, "InvalidParameter.IdleTimeout", spec.Documented},
		{"RequestTimeout", "0", spec.KindMinimum, "InvalidParameter.RequestTimeout", spec.Documented},
		{"RequestTimeout", "181", spec.KindMaximum, "InvalidParameter.RequestTimeout", spec.Documented},
		{"ListenerPort", "65536", spec.KindMaximum, "InvalidParameter", spec.Inferred},
		{"Bandwidth", "0", spec.KindForbiddenValues, "InvalidParameter", spec.Inferred},
		{"Bandwidth", "-2", spec.KindMinimum, "InvalidParameter", spec.Inferred},
		{"TLSCipherPolicy", "tls_cipher_policy_9", spec.KindEnum, "InvalidTLSPolicyId.NotExist", spec.Documented},
		{"HealthCheckHttpVersion", "http2", spec.KindEnum, "InvalidParameter.HealthCheckHttpVersion", spec.Inferred},
		{"Tag.Key", "aliyun-key", spec.KindForbiddenPrefixes, "InvalidParam.TagKey", spec.Documented},
		{"Tag.Value", strings.Repeat("v", 129), spec.KindMaxLength, "InvalidParam.TagValue", spec.Documented},
		{"ServerCertificate.StandardType", "cn", spec.KindForbiddenValues, "CnCertificateNotSupport", spec.Inferred},
		{"ServerCertificate.BindingType", "Client", spec.KindEnum, "InvalidParam.CertificateBindingType", spec.Inferred},
	} {
		t.Run(tc.param+"="+tc.value[:min(len(tc.value), 20)], func(t *testing.T) {
			p := param(t, tc.param)
			k, _ := p.Check(tc.value)
			require.Equal(t, tc.kind, k)
			o := s.ParamOutcome(p, k)
			assert.Equal(t, tc.code, o.Code)
			assert.Equal(t, 400, o.Status)
			assert.Equal(t, tc.basis, o.Basis)
			assert.True(t, o.Exact(400, tc.code))
		})
	}
}

func TestCheckStrings(t *testing.T) {
	long := func(n int, r string) string { return strings.Repeat(r, n) }
	cases := []struct {
		param string
		value string
		want  spec.Kind
	}{
		// length bounds, counted in characters
		{"Description", "a", ""},
		{"Description", long(256, "a"), ""},
		{"Description", long(257, "a"), spec.KindMaxLength},
		{"Description", "", spec.KindMinLength},
		{"Tag.Key", long(64, "k"), ""},
		{"Tag.Key", long(65, "k"), spec.KindMaxLength},
		{"Tag.Key", long(64, "\u952e"), ""}, // 64 characters of 3 bytes each
		{"Tag.Key", long(65, "\u952e"), spec.KindMaxLength},
		{"Tag.Key", "", spec.KindMinLength},
		{"Tag.Value", long(128, "v"), ""},
		{"Tag.Value", "", spec.KindMinLength},
		{"Cookie", long(200, "c"), ""},
		{"Cookie", long(201, "c"), spec.KindMaxLength},
		{"HealthCheckDomain", long(80, "d"), ""},
		{"HealthCheckDomain", long(81, "d"), spec.KindMaxLength},
		{"HealthCheckURI", "/" + long(79, "u"), ""},
		{"HealthCheckURI", "/" + long(80, "u"), spec.KindMaxLength},
		// enums are exact and case-sensitive
		{"Scheduler", "wrr", ""},
		{"Scheduler", "rr", ""},
		{"Scheduler", "WRR", spec.KindEnum},
		{"Scheduler", "wlc", spec.KindEnum}, // seen elsewhere, not on the seed page
		{"HealthCheck", "On", spec.KindEnum},
		{"HealthCheck", "", spec.KindEnum},
		{"HealthCheck", "true", spec.KindEnum},
		{"AclType", "black", ""},
		{"TLSCipherPolicy", "tls_cipher_policy_1_2_strict_with_1_3", ""},
		// patterns
		{"Cookie", "a,b", spec.KindPattern},
		{"Cookie", "$abc", spec.KindPattern},
		{"HealthCheckURI", "/", spec.KindPattern},
		{"HealthCheckURI", "index.html", spec.KindPattern},
		{"HealthCheckDomain", "$_ip", ""},
		{"HealthCheckHttpCode", "http_2xx,http_3xx", ""},
		{"HealthCheckHttpCode", "http_6xx", spec.KindPattern},
		{"RegionId", "cn-hangzhou", ""},
		{"RegionId", "CN-Hangzhou", spec.KindPattern},
		// forbidden prefixes (read without regard to case) and substrings
		{"Tag.Key", "aliyun", spec.KindForbiddenPrefixes},
		{"Tag.Key", "acs:team", spec.KindForbiddenPrefixes},
		{"Tag.Key", "ACS:team", spec.KindForbiddenPrefixes},
		{"Tag.Key", "Aliyun-team", spec.KindForbiddenPrefixes},
		{"Tag.Key", "my-aliyun", ""},
		{"Tag.Key", "team:acs:", ""},
		{"Tag.Key", "see http://x", spec.KindForbiddenSubstrings},
		{"Tag.Key", "https://x", spec.KindForbiddenSubstrings},
		{"Tag.Key", "HTTPS://X", spec.KindForbiddenSubstrings},
		{"Tag.Key", "http:/x", ""},
		{"Tag.Value", "acs:v", spec.KindForbiddenPrefixes},
		{"Tag.Value", "x http://y", spec.KindForbiddenSubstrings},
		// forbidden values, checked before the bounds and the enum
		{"Bandwidth", "0", spec.KindForbiddenValues},
		{"Bandwidth", "-0", spec.KindType}, // must not slip past the forbidden 0
		{"Bandwidth", "-1", ""},
		{"Bandwidth", "1", ""},
		{"ServerCertificate.StandardType", "cn", spec.KindForbiddenValues},
		{"ServerCertificate.StandardType", "International", ""},
		// a parameter without constraints of its own takes anything but the inferred lengths
		{"ServerCertificateId", "any id at all", ""},
		{"ServerCertificateId", "", spec.KindMinLength},
	}
	for _, tc := range cases {
		name := tc.value
		if len(name) > 24 {
			name = name[:24] + "..."
		}
		t.Run(tc.param+"/"+name, func(t *testing.T) {
			k, detail := param(t, tc.param).Check(tc.value)
			assert.Equal(t, tc.want, k, detail)
		})
	}
}

// A value breaking several constraints reports the first in the documented order.
func TestCheckOrder(t *testing.T) {
	// Too long and of the wrong characters: the length is reported first.
	k, _ := param(t, "Cookie").Check(strings.Repeat("$", 201))
	assert.Equal(t, spec.KindMaxLength, k)
	// Not an integer and out of range cannot both be; type comes before the range.
	k, _ = param(t, "ListenerPort").Check("-01")
	assert.Equal(t, spec.KindType, k)
	// Forbidden and outside the enum: the forbidden value wins.
	k, _ = param(t, "ServerCertificate.StandardType").Check("cn")
	assert.Equal(t, spec.KindForbiddenValues, k)
}

// A Parameter built by hand, not by the loader, is checked in the same order as a loaded one,
// whatever the order of its constraints.
func TestCheckHandBuiltParameter(t *testing.T) {
	p := &spec.Parameter{Name: "X", Path: "X", Type: "string", Constraints: []spec.Constraint{
		{Kind: spec.KindMaxLength, Int: 3}, {Kind: spec.KindEnum, Values: []string{"a", "abcd"}},
	}}
	k, _ := p.Check("abcd")
	assert.Equal(t, spec.KindMaxLength, k)
	k, _ = p.Check("b")
	assert.Equal(t, spec.KindEnum, k, "the enum is checked before the length")
	k, _ = p.Check("a")
	assert.Empty(t, k)
}

func TestValidateMinimalRequest(t *testing.T) {
	s, op := underTest(t)
	assert.Nil(t, s.Validate(op, minimal()))
	// Common parameters and unknown parameters are not judged here.
	v := minimal()
	v.Set("Action", spec.ActionCreateHTTPSListener)
	v.Set("Version", "2014-05-15")
	v.Set("SignatureNonce", "n-1")
	v.Set("NoSuchParameter", "whatever")
	assert.Nil(t, s.Validate(op, v))
	// An empty value slice is read as absent and must not upset the duplicate check.
	v = minimal()
	v["Gzip"] = nil
	v["Scheduler"] = []string{}
	assert.Nil(t, s.Validate(op, v))
	// Every example of the seed page together is a valid request.
	v = url.Values{}
	for _, sp := range seedParams {
		if sp.example != "" && len(sp.fields) == 0 {
			v.Set(sp.name, sp.example)
		}
	}
	v.Set("Tag.1.Key", "TestKey")
	v.Set("Tag.1.Value", "TestValue")
	assert.Nil(t, s.Validate(op, v), "the seed page's examples, all in one request")
}

func TestValidateRequiredParameters(t *testing.T) {
	s, op := underTest(t)
	var required []string
	for _, p := range op.Parameters {
		if p.Required && !p.Common {
			required = append(required, p.Name)
		}
	}
	assert.ElementsMatch(t, []string{"LoadBalancerId", "Bandwidth", "ListenerPort", "HealthCheck"}, required)
	for _, name := range required {
		for _, value := range []string{del, ""} {
			t.Run(fmt.Sprintf("%s=%q", name, value), func(t *testing.T) {
				vi := s.Validate(op, with(name, value))
				require.NotNil(t, vi)
				assert.Equal(t, spec.KindRequired, vi.Kind)
				assert.Equal(t, name, vi.Param)
				assert.Equal(t, "MissingParameter", vi.Outcome.Code)
				assert.Equal(t, spec.Inferred, vi.Outcome.Basis)
				assert.True(t, vi.Outcome.Acceptable(400, "MissingParameter"))
				assert.Equal(t, vi.Detail, vi.Error())
			})
		}
	}
}

func TestValidateValueViolations(t *testing.T) {
	s, op := underTest(t)
	vi := s.Validate(op, with("ListenerPort", "0"))
	require.NotNil(t, vi)
	assert.Equal(t, spec.KindMinimum, vi.Kind)
	assert.Equal(t, "ListenerPort", vi.Param)
	assert.Equal(t, "ListenerPort", vi.Wire)
	assert.Equal(t, "0", vi.Value)

	vi = s.Validate(op, with("IdleTimeout", "61"))
	require.NotNil(t, vi)
	assert.Equal(t, "InvalidParameter.IdleTimeout", vi.Outcome.Code)
	assert.Equal(t, spec.Documented, vi.Outcome.Basis)

	// An empty optional value is checked like any other value.
	vi = s.Validate(op, with("Scheduler", ""))
	require.NotNil(t, vi)
	assert.Equal(t, spec.KindEnum, vi.Kind)

	// Missing parameters are reported before bad values.
	vi = s.Validate(op, with("LoadBalancerId", del, "ListenerPort", "0"))
	require.NotNil(t, vi)
	assert.Equal(t, spec.KindRequired, vi.Kind)
}

func TestValidateDuplicatedParameter(t *testing.T) {
	s, op := underTest(t)
	v := minimal()
	v["ListenerPort"] = []string{"443", "443"}
	assert.Nil(t, s.Validate(op, v), "the same value twice is read once")

	v["ListenerPort"] = []string{"443", "444"}
	vi := s.Validate(op, v)
	require.NotNil(t, vi)
	assert.Equal(t, spec.KindDuplicate, vi.Kind)
	assert.Equal(t, "ListenerPort", vi.Param)
	assert.Equal(t, "444", vi.Value)
	assert.Equal(t, s.WireOutcome(spec.KindDuplicate), vi.Outcome)
	assert.True(t, vi.Outcome.Acceptable(400, "InvalidParameter"))
	assert.True(t, vi.Outcome.Acceptable(200, ""), "a service that reads one of the values is tolerated")

	// Duplicates are found before anything else, even in unknown parameters.
	v = with("LoadBalancerId", del)
	v["Whatever"] = []string{"a", "b"}
	vi = s.Validate(op, v)
	require.NotNil(t, vi)
	assert.Equal(t, spec.KindDuplicate, vi.Kind)
}

func tags(n int) url.Values {
	v := minimal()
	for i := 1; i <= n; i++ {
		v.Set(fmt.Sprintf("Tag.%d.Key", i), fmt.Sprintf("k%d", i))
		v.Set(fmt.Sprintf("Tag.%d.Value", i), fmt.Sprintf("v%d", i))
	}
	return v
}

func TestValidateTagList(t *testing.T) {
	s, op := underTest(t)
	for n := 1; n <= 20; n++ {
		assert.Nil(t, s.Validate(op, tags(n)), "%d tags", n)
	}

	vi := s.Validate(op, tags(21))
	require.NotNil(t, vi, "21 tags")
	assert.Equal(t, spec.KindMaxItems, vi.Kind)
	assert.Equal(t, "SizeLimitExceeded.Tag", vi.Outcome.Code)
	assert.Equal(t, 400, vi.Outcome.Status)
	assert.Equal(t, spec.Documented, vi.Outcome.Basis)

	listIndex := func(t *testing.T, v url.Values) {
		t.Helper()
		vi := s.Validate(op, v)
		require.NotNil(t, vi)
		assert.Equal(t, spec.KindListIndex, vi.Kind, vi.Detail)
		assert.Equal(t, "Tag", vi.Param)
		assert.Equal(t, s.WireOutcome(spec.KindListIndex), vi.Outcome)
	}
	t.Run("gap", func(t *testing.T) {
		listIndex(t, with("Tag.1.Key", "a", "Tag.3.Key", "c"))
	})
	t.Run("zero", func(t *testing.T) {
		listIndex(t, with("Tag.0.Key", "a"))
	})
	t.Run("starts at 2", func(t *testing.T) {
		listIndex(t, with("Tag.2.Key", "a"))
	})
	t.Run("not a number", func(t *testing.T) {
		listIndex(t, with("Tag.1.Key", "a", "Tag.x.Key", "b"))
	})
	t.Run("leading zero", func(t *testing.T) {
		listIndex(t, with("Tag.01.Key", "a"))
	})

	t.Run("value without key", func(t *testing.T) {
		vi := s.Validate(op, with("Tag.1.Value", "v"))
		require.NotNil(t, vi)
		assert.Equal(t, spec.KindRequired, vi.Kind)
		assert.Equal(t, "Tag.Key", vi.Param)
		assert.Equal(t, "Tag.1.Key", vi.Wire)
		assert.Equal(t, "MissingParam.TagKey", vi.Outcome.Code)
		assert.Equal(t, spec.Documented, vi.Outcome.Basis)
	})
	t.Run("second entry without key", func(t *testing.T) {
		vi := s.Validate(op, with("Tag.1.Key", "a", "Tag.2.Value", "v"))
		require.NotNil(t, vi)
		assert.Equal(t, "Tag.2.Key", vi.Wire)
		assert.Equal(t, "MissingParam.TagKey", vi.Outcome.Code)
	})
	t.Run("key without value", func(t *testing.T) {
		assert.Nil(t, s.Validate(op, with("Tag.1.Key", "a")))
	})
	t.Run("bad key", func(t *testing.T) {
		vi := s.Validate(op, with("Tag.1.Key", "acs:x"))
		require.NotNil(t, vi)
		assert.Equal(t, "InvalidParam.TagKey", vi.Outcome.Code)
		assert.Equal(t, "Tag.1.Key", vi.Wire)
	})
	t.Run("bad value", func(t *testing.T) {
		vi := s.Validate(op, with("Tag.1.Key", "a", "Tag.1.Value", "http://x"))
		require.NotNil(t, vi)
		assert.Equal(t, "InvalidParam.TagValue", vi.Outcome.Code)
		assert.Equal(t, "Tag.1.Value", vi.Wire)
	})
	t.Run("unknown field is ignored", func(t *testing.T) {
		assert.Nil(t, s.Validate(op, with("Tag.1.Key", "a", "Tag.1.Colour", "red")))
	})
}

func TestListWireNames(t *testing.T) {
	l := param(t, "Tag").List
	assert.Equal(t, "Tag.7.Key", l.WireName(7, "Key"))
	n, f, ok := l.ParseWireName("Tag.12.Value")
	assert.True(t, ok)
	assert.Equal(t, 12, n)
	assert.Equal(t, "Value", f)
	n, _, ok = l.ParseWireName("Tag.x.Key")
	assert.True(t, ok)
	assert.Equal(t, -1, n)
	_, _, ok = l.ParseWireName("Tags")
	assert.False(t, ok)
	_, _, ok = l.ParseWireName("ServerCertificate.1.CertificateId")
	assert.False(t, ok)

	items := l.Items(url.Values{"Tag.2.Key": {"b"}, "Tag.1.Key": {"a"}, "Tag.1.Value": {"x"}, "Other": {"o"}})
	require.Len(t, items, 2)
	assert.Equal(t, 1, items[0].Index)
	assert.Equal(t, map[string]string{"Key": "a", "Value": "x"}, items[0].Fields)
	assert.Equal(t, 2, items[1].Index)
}

// Present agrees with Items on whether a list parameter is in a request.
func TestPresentAgreesWithItems(t *testing.T) {
	op := spec.MustDefault().UnderTest
	l := param(t, spec.ParamTag).List
	for _, v := range []url.Values{
		{"Tag.1.Key": {"a"}},
		{"Tag.x.Key": {"a"}},
		{"Tag.1.Key": {}},
		{"Tag.1.Key": nil, "Tags": {"a"}, "Other": {"o"}},
		{"ServerCertificate.1.CertificateId": {"c"}},
		{},
	} {
		assert.Equal(t, len(l.Items(v)) > 0, op.Present(v, spec.ParamTag), "%v", v)
	}
	assert.True(t, op.Present(url.Values{"Tag.3.Value": {""}}, spec.ParamTag), "an empty value is an entry")
	assert.False(t, op.Present(url.Values{"Tag.1.Key": {}}, spec.ParamTag), "a name without values is not")
	assert.True(t, op.Present(url.Values{spec.ParamBandwidth: {"1"}}, spec.ParamBandwidth))
	assert.False(t, op.Present(url.Values{}, spec.ParamBandwidth))
}

// ruleCase breaks one rule (premise true, requirement missing) and keeps it (premise false, or
// premise true and requirement given).
type ruleCase struct {
	broken url.Values
	kept   []url.Values
}

func ruleCases() map[string]ruleCase {
	return map[string]ruleCase{
		"sticky-session-type-required": {
			broken: with("StickySession", "on"),
			kept: []url.Values{
				with("StickySession", "off"),
				with("StickySession", "on", "StickySessionType", "server", "Cookie", "c1"),
			},
		},
		"cookie-timeout-required": {
			broken: with("StickySession", "on", "StickySessionType", "insert"),
			kept: []url.Values{
				with("StickySession", "off", "StickySessionType", "insert"),
				with("StickySession", "on", "StickySessionType", "insert", "CookieTimeout", "500"),
			},
		},
		"cookie-required": {
			broken: with("StickySession", "on", "StickySessionType", "server"),
			kept: []url.Values{
				with("StickySession", "off", "StickySessionType", "server"),
				with("StickySession", "on", "StickySessionType", "server", "Cookie", "testCookie"),
			},
		},
		"acl-id-required": {
			broken: with("AclStatus", "on", "AclType", "white"),
			kept: []url.Values{
				with("AclStatus", "off", "AclType", "white"),
				with("AclStatus", "on", "AclType", "white", "AclId", "acl-1"),
			},
		},
		"acl-type-required": {
			broken: with("AclStatus", "on", "AclId", "acl-1"),
			kept: []url.Values{
				with("AclStatus", "off", "AclId", "acl-1"),
				with("AclStatus", "on", "AclId", "acl-1", "AclType", "black"),
			},
		},
		"backend-port-required": {
			broken: with("BackendServerPort", del),
			kept: []url.Values{
				with("BackendServerPort", del, "VServerGroupId", "rsp-1"),
				with("VServerGroupId", "rsp-1"),
			},
		},
		"health-check-domain-required": {
			broken: with("HealthCheckHttpVersion", "http1.1"),
			kept: []url.Values{
				with("HealthCheckHttpVersion", "http1.0"),
				with("HealthCheckHttpVersion", "http1.1", "HealthCheckDomain", "$_ip"),
			},
		},
		"server-certificate-required": {
			broken: with("ServerCertificateId", del),
			kept: []url.Values{
				with("ServerCertificateId", del, "ServerCertificate.1.CertificateId", "cert-1"),
			},
		},
		"single-server-certificate-form": {
			broken: with("ServerCertificate.1.CertificateId", "cert-1"),
			kept: []url.Values{
				with("ServerCertificateId", del, "ServerCertificate.1.CertificateId", "cert-1"),
			},
		},
		"one-server-binding": {
			broken: with("ServerCertificateId", del,
				"ServerCertificate.1.CertificateId", "cert-1",
				"ServerCertificate.2.CertificateId", "cert-2", "ServerCertificate.2.BindingType", "Server"),
			kept: []url.Values{
				with("ServerCertificateId", del,
					"ServerCertificate.1.CertificateId", "cert-1", "ServerCertificate.1.BindingType", "Server"),
			},
		},
		"client-cert-aliases-distinct": {
			broken: with("XForwardedFor_ClientCertSubjectDNAlias", "X-Client", "XForwardedFor_ClientCertFingerprintAlias", "X-Client"),
			kept: []url.Values{
				with("XForwardedFor_ClientCertSubjectDNAlias", "X-Subject", "XForwardedFor_ClientCertFingerprintAlias", "X-Print"),
				with("XForwardedFor_ClientCertSubjectDNAlias", "X-Client"),
			},
		},
		"health-check-settings-need-health-check": {
			// Accepted and ignored: never a violation of its own.
			kept: []url.Values{
				with("HealthCheck", "off", "HealthCheckURI", "/health", "HealthyThreshold", "3"),
				with("HealthCheck", "on", "HealthCheckURI", "/health", "HealthyThreshold", "3"),
			},
		},
	}
}

func TestValidateRules(t *testing.T) {
	s, op := underTest(t)
	cases := ruleCases()
	for _, r := range s.Rules {
		t.Run(r.ID, func(t *testing.T) {
			tc, ok := cases[r.ID]
			require.True(t, ok, "rule %s has no test case; add one to ruleCases", r.ID)
			if r.Kind == spec.RuleEffectiveOnlyWhen {
				assert.Nil(t, tc.broken, "an effective-only-when rule cannot be broken")
			} else {
				require.NotNil(t, tc.broken)
				vi := s.Validate(op, tc.broken)
				require.NotNil(t, vi, "breaking %s", r.ID)
				assert.Equal(t, spec.KindRule, vi.Kind, vi.Detail)
				assert.Equal(t, r.ID, vi.Rule, vi.Detail)
				assert.Equal(t, r.Outcome, vi.Outcome)
				assert.Equal(t, r.Outcome, s.RuleOutcome(r.ID))
				if r.Code != "" {
					assert.Equal(t, r.Code, vi.Outcome.Code, "the rule's own code")
					e, ok := s.Error(r.Code)
					require.True(t, ok)
					assert.Equal(t, e.Status, vi.Outcome.Status)
				} else {
					assert.Equal(t, s.ViolationOutcomes[spec.KindRule].Code, vi.Outcome.Code, "the default rule outcome")
				}
				if r.Basis == spec.Inferred {
					assert.Equal(t, spec.Inferred, vi.Outcome.Basis)
				}
				assert.NotEmpty(t, vi.Detail)
				if r.Kind == spec.RuleRequires {
					assert.Contains(t, r.Require, vi.Param, "the missing parameter is named")
					assert.True(t, r.Premise(spec.Getter(tc.broken)))
				}
			}
			for i, v := range tc.kept {
				assert.Nil(t, s.Validate(op, v), "case %d keeps %s", i, r.ID)
			}
		})
	}
	for id := range cases {
		_, ok := s.Rule(id)
		assert.True(t, ok, "test case for a rule %s the description does not have", id)
	}
	_, ok := s.Rule("no-such-rule")
	assert.False(t, ok)
	assert.Equal(t, s.ViolationOutcomes[spec.KindRule].Code, s.RuleOutcome("no-such-rule").Code)
}

func TestConditionHolds(t *testing.T) {
	get := spec.Getter(url.Values{"A": {"on"}, "E": {""}, "N": nil})
	assert.True(t, spec.Condition{Param: "A", Equals: "on"}.Holds(get))
	assert.False(t, spec.Condition{Param: "A", Equals: "off"}.Holds(get))
	assert.False(t, spec.Condition{Param: "B", Equals: "on"}.Holds(get))
	assert.True(t, spec.Condition{Param: "B", Absent: true}.Holds(get))
	assert.False(t, spec.Condition{Param: "A", Absent: true}.Holds(get))
	assert.True(t, spec.Condition{Param: "A", Present: true}.Holds(get))
	assert.True(t, spec.Condition{Param: "E", Present: true}.Holds(get), "an empty value is present")
	assert.True(t, spec.Condition{Param: "N", Absent: true}.Holds(get), "no value at all is absent")
}

func TestOutcomeExactAndAcceptable(t *testing.T) {
	s := spec.MustDefault()

	t.Run("documented code", func(t *testing.T) {
		e, ok := s.Error("InvalidParameter.IdleTimeout")
		require.True(t, ok)
		o := e.Outcome()
		assert.Equal(t, "400 InvalidParameter.IdleTimeout", o.String())
		assert.True(t, o.Exact(400, "InvalidParameter.IdleTimeout"))
		assert.True(t, o.Acceptable(400, "InvalidParameter.IdleTimeout"))
		assert.False(t, o.Exact(404, "InvalidParameter.IdleTimeout"))
		assert.False(t, o.Acceptable(404, "InvalidParameter.IdleTimeout"), "wrong status")
		assert.False(t, o.Exact(400, "InvalidParameter"))
		assert.False(t, o.Acceptable(400, "InvalidParameter"), "a documented code accepts only itself")
		assert.False(t, o.Acceptable(200, ""))
		assert.False(t, o.Acceptable(400, ""))
	})
	t.Run("404 documented code", func(t *testing.T) {
		e, ok := s.Error("ResourceNotFound.Certificate")
		require.True(t, ok)
		o := e.Outcome()
		assert.True(t, o.Exact(404, "ResourceNotFound.Certificate"))
		assert.False(t, o.Acceptable(400, "ResourceNotFound.Certificate"))
	})
	t.Run("inferred class", func(t *testing.T) {
		o := s.ParamOutcome(param(t, "ListenerPort"), spec.KindMaximum)
		assert.Equal(t, spec.Inferred, o.Basis)
		assert.True(t, o.Exact(400, "InvalidParameter"))
		assert.False(t, o.Exact(400, "InvalidParameter.ListenerPort"))
		assert.True(t, o.Acceptable(400, "InvalidParameter.ListenerPort"))
		assert.True(t, o.Acceptable(400, "InvalidParam.Port"))
		assert.True(t, o.Acceptable(400, "IllegalParameterValue"))
		assert.False(t, o.Acceptable(400, "MissingParameter"))
		assert.False(t, o.Acceptable(500, "InvalidParameter"))
		assert.False(t, o.Acceptable(200, ""), "success is not acceptable for a bad value")
		assert.False(t, o.Acceptable(400, ""), "an error without a code")
	})
	t.Run("success", func(t *testing.T) {
		o := spec.Outcome{Success: true, Basis: spec.Documented, DirectionBasis: spec.Documented}
		assert.Equal(t, "success", o.String())
		assert.Equal(t, spec.MustAccept, o.Direction())
		assert.True(t, o.Firm())
		assert.True(t, o.Exact(200, ""))
		assert.True(t, o.Exact(204, ""))
		assert.False(t, o.Exact(200, "InvalidParameter"))
		assert.False(t, o.Exact(400, "InvalidParameter"))
		assert.False(t, o.Acceptable(500, "InternalError"))
	})
	t.Run("unknown parameter either way", func(t *testing.T) {
		o := s.WireOutcome(spec.KindUnknown)
		assert.Equal(t, spec.MayEither, o.Direction())
		assert.False(t, o.Firm())
		assert.True(t, o.Acceptable(200, ""), "ignoring an unknown parameter conforms")
		assert.True(t, o.Acceptable(400, "InvalidParameter"), "refusing one conforms too")
		assert.False(t, o.Acceptable(500, "InternalError"))
		assert.False(t, o.Acceptable(400, "MissingParameter"))
	})
	t.Run("accept success", func(t *testing.T) {
		o := s.WireOutcome(spec.KindListIndex)
		assert.False(t, o.Success)
		assert.True(t, o.Either)
		assert.False(t, o.Exact(200, ""))
		assert.True(t, o.Acceptable(200, ""))
		assert.False(t, o.Acceptable(200, "InvalidParameter"), "a 2xx with a code is never right")
	})
	t.Run("accepted statuses", func(t *testing.T) {
		e, ok := s.GatewayError("unknown-access-key")
		require.True(t, ok)
		o := e.Outcome()
		assert.True(t, o.Exact(404, "InvalidAccessKeyId.NotFound"))
		assert.True(t, o.Acceptable(400, "InvalidAccessKeyId"))
		assert.True(t, o.Acceptable(400, "InvalidAccessKeyId.NotFound"))
		assert.False(t, o.Acceptable(403, "InvalidAccessKeyId"))
		assert.False(t, o.Acceptable(404, "InvalidAccessKey"))
	})
	t.Run("undocumented error code", func(t *testing.T) {
		e, ok := s.Error("InvalidLoadBalancerId.NotFound")
		require.True(t, ok)
		assert.False(t, e.Documented)
		o := e.Outcome()
		assert.Equal(t, spec.Inferred, o.Basis)
		assert.True(t, o.Acceptable(400, "ResourceNotFound.LoadBalancer"))
		assert.False(t, o.Acceptable(404, "ResourceNotFound.LoadBalancer"))
	})
}

func TestMatchCode(t *testing.T) {
	assert.True(t, spec.MatchCode("InvalidParameter", "InvalidParameter"))
	assert.False(t, spec.MatchCode("InvalidParameter", "InvalidParameter.X"))
	assert.True(t, spec.MatchCode("InvalidParameter*", "InvalidParameter"))
	assert.True(t, spec.MatchCode("InvalidParameter*", "InvalidParameterValue"))
	assert.True(t, spec.MatchCode("InvalidParameter.*", "InvalidParameter.X"))
	assert.False(t, spec.MatchCode("InvalidParameter.*", "InvalidParameter"))
	assert.False(t, spec.MatchCode("InvalidParam.*", "InvalidParameter.X"))
	assert.True(t, spec.MatchCode("*", "Anything"))
}

func TestDefaultOutcomesAreInferred(t *testing.T) {
	s := spec.MustDefault()
	for _, k := range []spec.Kind{spec.KindRequired, spec.KindType, spec.KindRule, spec.KindDuplicate, spec.KindUnknown, spec.KindListIndex} {
		o, ok := s.ViolationOutcomes[k]
		require.True(t, ok, "default outcome for %s", k)
		assert.Equal(t, spec.Inferred, o.Basis, "%s", k)
		assert.Equal(t, spec.Inferred, s.WireOutcome(k).Basis)
	}
	// A kind without an entry of its own falls back to the type outcome.
	assert.Equal(t, s.ViolationOutcomes[spec.KindType].Code, s.WireOutcome(spec.Kind("no-such-kind")).Code)
}

// At most three of the seed's codes may be declared unreachable, each with a written reason.
func TestUnreachableCodes(t *testing.T) {
	s := spec.MustDefault()
	var unreachable []string
	for _, e := range s.Errors {
		if e.Trigger.Kind != spec.TriggerUnreachable {
			continue
		}
		unreachable = append(unreachable, e.Code)
		assert.GreaterOrEqual(t, len(strings.Fields(e.Trigger.Reason)), 8, "%s needs a real reason, not a word", e.Code)
	}
	assert.NotEmpty(t, unreachable)
	assert.LessOrEqual(t, len(unreachable), 3, "unreachable: %v", unreachable)
}

// Every trigger names something that exists, and the thing it names answers with that code.
func TestTriggersReferToThingsThatExist(t *testing.T) {
	s, op := underTest(t)
	for _, e := range s.Errors {
		t.Run(e.Code, func(t *testing.T) {
			tr := e.Trigger
			if tr.State != "" {
				_, ok := s.State(tr.State)
				assert.True(t, ok, "state %q", tr.State)
			}
			switch tr.Kind {
			case spec.TriggerParameter:
				p := op.Lookup(tr.Parameter)
				require.NotNil(t, p, "parameter %q", tr.Parameter)
				require.NotEmpty(t, tr.Violations)
				for _, k := range tr.Violations {
					var got spec.Outcome
					switch k {
					case spec.KindRequired:
						got = p.RequiredResult
					default:
						c, ok := p.Constraint(k)
						require.True(t, ok, "%s has no %s constraint", tr.Parameter, k)
						got = c.Outcome
					}
					if tr.State == "" {
						// The code is the answer for breaking that constraint. (With a state,
						// the constraint is only a first filter, as for a custom TLS policy ID.)
						assert.Equal(t, e.Code, got.Code, "%s %s answers this code", tr.Parameter, k)
					}
					assert.Equal(t, e.Status, got.Status)
				}
			case spec.TriggerRule:
				r, ok := s.Rule(tr.Rule)
				require.True(t, ok, "rule %q", tr.Rule)
				assert.Equal(t, e.Code, r.Outcome.Code, "rule %s answers this code", r.ID)
			case spec.TriggerState:
				assert.NotEmpty(t, tr.State)
				st, ok := s.State(tr.State)
				require.True(t, ok)
				assert.NotEmpty(t, st.Description)
			case spec.TriggerScenario:
				sc, ok := s.Scenario(tr.Scenario)
				require.True(t, ok, "scenario %q", tr.Scenario)
				assert.Equal(t, tr.State, sc.State, "the scenario leads to the trigger's state")
				assert.Contains(t, []string{"zone", "region", "duration"}, sc.Setting)
			case spec.TriggerQuota:
				q, ok := s.Quota(tr.Quota)
				require.True(t, ok, "quota %q", tr.Quota)
				assert.Positive(t, q.Default)
				want := q.Code
				if tr.MultiACL {
					want = q.MultiACLCode
				}
				assert.Equal(t, e.Code, want, "quota %s answers this code", q.Name)
			case spec.TriggerUnreachable:
				assert.NotEmpty(t, strings.TrimSpace(tr.Reason))
			default:
				t.Fatalf("unknown trigger kind %q", tr.Kind)
			}
			if tr.Kind != spec.TriggerUnreachable {
				assert.Contains(t, []spec.Basis{spec.Documented, spec.Inferred}, tr.Basis)
			}
		})
	}
	for _, sc := range s.Scenarios {
		_, ok := s.State(sc.State)
		assert.True(t, ok, "scenario %s names state %s", sc.Name, sc.State)
		for _, p := range sc.Parameters {
			assert.NotNil(t, op.Lookup(p), "scenario %s names parameter %s", sc.Name, p)
		}
		if sc.Setting == "duration" {
			assert.Positive(t, sc.Duration(), "scenario %s", sc.Name)
		}
	}
	for _, st := range s.States {
		for _, p := range st.Params {
			assert.NotNil(t, op.Lookup(p), "state %s names parameter %s", st.Name, p)
		}
	}
	for _, r := range s.Rules {
		for _, c := range r.When {
			assert.NotNil(t, op.Lookup(c.Param), "rule %s", r.ID)
		}
		for _, p := range append(append([]string{}, r.Require...), r.Params...) {
			assert.NotNil(t, op.Lookup(p), "rule %s names %s", r.ID, p)
		}
		if r.List != "" {
			p := op.Param(r.List)
			require.NotNil(t, p)
			require.NotNil(t, p.List)
			assert.NotNil(t, p.List.Field(r.Field), "rule %s names field %s", r.ID, r.Field)
		}
	}
	seen := map[string]bool{}
	for _, g := range s.GatewayErrors {
		assert.Equal(t, spec.TriggerGateway, g.Trigger.Kind, g.Code)
		assert.True(t, g.Gateway, g.Code)
		assert.NotEmpty(t, g.Trigger.State, g.Code)
		assert.False(t, seen[g.Trigger.State], "gateway state %s used twice", g.Trigger.State)
		seen[g.Trigger.State] = true
		got, ok := s.GatewayError(g.Trigger.State)
		assert.True(t, ok)
		assert.Equal(t, g.Code, got.Code)
	}
	for _, q := range s.Quotas {
		for _, c := range []string{q.Code, q.MultiACLCode} {
			if c != "" {
				_, ok := s.Error(c)
				assert.True(t, ok, "quota %s names code %s", q.Name, c)
			}
		}
	}
}

// Each documented code is reached by exactly one trigger of the description, and the lookups
// by state agree with the catalogue.
func TestStateLookups(t *testing.T) {
	s := spec.MustDefault()
	for _, st := range s.States {
		for _, e := range s.ErrorsForState(st.Name) {
			assert.Equal(t, st.Name, e.Trigger.State)
		}
	}
	e, ok := s.StateError("port-in-use")
	require.True(t, ok)
	assert.Equal(t, "InvalidParameter.ListenerPortConflict", e.Code)
	_, ok = s.StateError("no-such-state")
	assert.False(t, ok)
	_, ok = s.State("no-such-state")
	assert.False(t, ok)
	_, ok = s.Scenario("no-such-scenario")
	assert.False(t, ok)
	_, ok = s.Quota("no-such-quota")
	assert.False(t, ok)
	_, ok = s.GatewayError("no-such-state")
	assert.False(t, ok)
	_, ok = s.Error("NoSuchCode")
	assert.False(t, ok)
}

func TestOperations(t *testing.T) {
	s := spec.MustDefault()
	assert.Same(t, s.UnderTest, s.Operation(spec.ActionCreateHTTPSListener))
	assert.Nil(t, s.Operation("NoSuchAction"))
	under := 0
	for _, o := range s.Operations {
		if o.UnderTest {
			under++
		}
		assert.Same(t, o, s.Operation(o.Action))
		openapiOp, method, path := o.OpenAPI()
		require.NotNil(t, openapiOp, o.Action)
		assert.Contains(t, []string{"GET", "POST"}, method)
		assert.True(t, strings.HasPrefix(path, "/"), path)
		assert.Equal(t, "string", o.ResponseField("RequestId"), "%s answers a RequestId", o.Action)
	}
	assert.Equal(t, 1, under, "exactly one operation is under test")
	assert.Equal(t, "", s.UnderTest.ResponseField("NoSuchField"))

	var lists []string
	for _, p := range s.UnderTest.Lists() {
		lists = append(lists, p.Name)
	}
	assert.ElementsMatch(t, []string{"Tag", "ServerCertificate"}, lists)

	ram := s.UnderTest.RAM
	require.NotNil(t, ram)
	assert.Equal(t, "slb:CreateLoadBalancerHTTPSListener", ram.Action)
	assert.Equal(t, "create", ram.AccessLevel)
	var types []string
	for _, r := range ram.Resources {
		types = append(types, r.Type)
		assert.NotNil(t, s.UnderTest.Param(r.Parameter), "RAM resource %s names parameter %s", r.Type, r.Parameter)
	}
	assert.ElementsMatch(t, []string{"acl", "certificate", "loadbalancer"}, types, "the seed page's resource types")
	assert.Equal(t, []string{"slb:tag"}, ram.ConditionKeys)
}
