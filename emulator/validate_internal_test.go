package emulator

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

// The engine's tests: what the emulator refuses before looking at its state, in which order
// and with which answer. They moved here from package spec with the engine.

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

const del = "\x00"

// with returns the minimal request changed by pairs of name, value; a value of del deletes.
func with(kv ...string) url.Values {
	v := minimal()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == del {
			v.Del(kv[i])
			continue
		}
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// testEngine compiles the description with choices and engine faults.
func testEngine(t testing.TB, ch Choices, ef engineFaults) *engine {
	t.Helper()
	en, err := newEngine(spec.MustDefault(), ch, ef)
	require.NoError(t, err)
	return en
}

var plainEngine = func() *engine {
	en, err := newEngine(spec.MustDefault(), Choices{}, engineFaults{})
	if err != nil {
		panic(err)
	}
	return en
}()

// model finds the engine's model of a parameter or list field of the operation under test.
func (en *engine) model(t testing.TB, path string) *paramModel {
	t.Helper()
	om := en.ops[spec.MustDefault().UnderTest]
	base, field, isField := strings.Cut(path, ".")
	pm := om.byName[base]
	require.NotNil(t, pm, "parameter %s", path)
	if !isField {
		return pm
	}
	for _, f := range pm.list.fields {
		if f.p.Name == field {
			return f
		}
	}
	t.Fatalf("no list field %s", path)
	return nil
}

// kindOf checks one value and returns the kind it breaks ("" for none) and the detail.
func (en *engine) kindOf(t testing.TB, path, value string) (spec.Kind, string) {
	t.Helper()
	res := en.check(en.model(t, path), value, nil)
	if res.at == nil {
		return "", res.detail
	}
	return res.at.kind, res.detail
}

func (en *engine) run(values url.Values) *violation {
	v, _ := en.validate(spec.MustDefault().UnderTest, values, nil)
	return v
}

func TestCheckIntegerWireForms(t *testing.T) {
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
			k, detail := plainEngine.kindOf(t, spec.ParamListenerPort, v)
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
	s := spec.MustDefault()
	n := 0
	for _, p := range s.UnderTest.Parameters {
		if !p.IsInteger() {
			continue
		}
		lo, hasLo := p.Constraint(spec.KindMinimum)
		hi, hasHi := p.Constraint(spec.KindMaximum)
		require.True(t, hasLo && hasHi, "%s has both bounds", p.Name)
		n++
		t.Run(p.Name, func(t *testing.T) {
			for _, v := range []int64{lo.Int, hi.Int, (lo.Int + hi.Int) / 2} {
				if fv, ok := p.Constraint(spec.KindForbiddenValues); ok && slices.Contains(fv.Values, itoa64(v)) {
					continue
				}
				k, detail := plainEngine.kindOf(t, p.Name, itoa64(v))
				assert.Empty(t, k, "%d: %s", v, detail)
			}
			k, _ := plainEngine.kindOf(t, p.Name, itoa64(lo.Int-1))
			assert.Equal(t, spec.KindMinimum, k, "min-1")
			vi := plainEngine.run(with(p.Name, itoa64(lo.Int-1)))
			if p.Name != spec.ParamBandwidth || lo.Int-1 != 0 {
				require.NotNil(t, vi)
				assert.Equal(t, lo.Outcome, vi.Outcome)
			}
			k, _ = plainEngine.kindOf(t, p.Name, itoa64(hi.Int+1))
			assert.Equal(t, spec.KindMaximum, k, "max+1")
			k, _ = plainEngine.kindOf(t, p.Name, "1e3")
			assert.Equal(t, spec.KindType, k)
		})
	}
	assert.GreaterOrEqual(t, n, 12)
}

// The engine accepts an integer only in its one canonical decimal spelling (unless
// Choices.LenientIntegers), so a value that passes is the same string as the number it stands
// for; a forbidden value (Bandwidth 0) cannot be dodged by spelling it differently.
func TestCheckAcceptsOnlyCanonicalIntegers(t *testing.T) {
	spellings := []string{"0", "-0", "+0", "00", "-00", "1", "+1", "01", "-1", "-01", "10", "010", " 10", "10 ", "1_0", "1,0"}
	for _, p := range spec.MustDefault().UnderTest.Parameters {
		if !p.IsInteger() {
			continue
		}
		for _, v := range spellings {
			if k, _ := plainEngine.kindOf(t, p.Name, v); k != spec.KindType {
				n, err := strconv.ParseInt(v, 10, 64)
				require.NoError(t, err, "%s accepted %q as an integer", p.Name, v)
				assert.Equal(t, strconv.FormatInt(n, 10), v, "%s accepted the non-canonical %q", p.Name, v)
			}
		}
	}
}

func TestCheckDocumentedCodesForBounds(t *testing.T) {
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
		{"Tag.Key", "aliyun-key", spec.KindForbiddenPrefixes, "InvalidParam.TagKey", spec.Inferred},
		{"Tag.Value", strings.Repeat("v", 129), spec.KindMaxLength, "InvalidParam.TagValue", spec.Inferred},
		{"ServerCertificate.StandardType", "cn", spec.KindForbiddenValues, "CnCertificateNotSupport", spec.Inferred},
		{"ServerCertificate.BindingType", "Client", spec.KindEnum, "InvalidParam.CertificateBindingType", spec.Inferred},
	} {
		t.Run(tc.param+"="+tc.value[:min(len(tc.value), 20)], func(t *testing.T) {
			pm := plainEngine.model(t, tc.param)
			res := plainEngine.check(pm, tc.value, nil)
			require.NotNil(t, res.at)
			require.Equal(t, tc.kind, res.at.kind)
			o := plainEngine.checkOutcome(pm, res.at)
			assert.Equal(t, tc.code, o.Code)
			assert.Equal(t, 400, o.Status)
			assert.Equal(t, tc.basis, o.Basis)
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
			k, detail := plainEngine.kindOf(t, tc.param, tc.value)
			assert.Equal(t, tc.want, k, detail)
		})
	}
}

// A value breaking several constraints reports the first in the engine's order.
func TestCheckOrder(t *testing.T) {
	// Too long and of the wrong characters: the length is reported first.
	k, _ := plainEngine.kindOf(t, "Cookie", strings.Repeat("$", 201))
	assert.Equal(t, spec.KindMaxLength, k)
	// Not an integer and out of range cannot both be; type comes before the range.
	k, _ = plainEngine.kindOf(t, "ListenerPort", "-01")
	assert.Equal(t, spec.KindType, k)
	// Forbidden and outside the enum: the forbidden value wins.
	k, _ = plainEngine.kindOf(t, "ServerCertificate.StandardType", "cn")
	assert.Equal(t, spec.KindForbiddenValues, k)
}

// A Parameter built by hand, not by the loader, is checked in the engine's order whatever the
// order of its constraints.
func TestCheckHandBuiltParameter(t *testing.T) {
	p := &spec.Parameter{Name: "X", Path: "X", Type: "string", Constraints: []spec.Constraint{
		{Kind: spec.KindMaxLength, Int: 3}, {Kind: spec.KindEnum, Values: []string{"a", "abcd"}},
	}}
	pm, err := compileParam(p, &engineSettings{}, engineFaults{}, false)
	require.NoError(t, err)
	kind := func(v string) spec.Kind {
		if res := plainEngine.check(pm, v, nil); res.at != nil {
			return res.at.kind
		}
		return ""
	}
	assert.Equal(t, spec.KindMaxLength, kind("abcd"))
	assert.Equal(t, spec.KindEnum, kind("b"), "the enum is checked before the length")
	assert.Empty(t, kind("a"))
}

func TestValidateMinimalRequest(t *testing.T) {
	assert.Nil(t, plainEngine.run(minimal()))
	// Common parameters and unknown parameters are not judged here.
	v := minimal()
	v.Set("Action", spec.ActionCreateHTTPSListener)
	v.Set("Version", "2014-05-15")
	v.Set("SignatureNonce", "n-1")
	v.Set("NoSuchParameter", "whatever")
	assert.Nil(t, plainEngine.run(v))
	// An empty value slice is read as absent and must not upset the duplicate check.
	v = minimal()
	v["Gzip"] = nil
	v["Scheduler"] = []string{}
	assert.Nil(t, plainEngine.run(v))
	// Every example of the description together, on top of the minimal request, is valid.
	v = minimal()
	for _, p := range spec.MustDefault().UnderTest.Parameters {
		if p.Example != "" && p.List == nil && p.Source == spec.SourceSeed && !p.Common {
			v.Set(p.Name, strings.ReplaceAll(p.Example, "*", "0"))
		}
	}
	v.Set("Tag.1.Key", "TestKey")
	v.Set("Tag.1.Value", "TestValue")
	assert.Nil(t, plainEngine.run(v), "the description's examples, all in one request")
}

func TestValidateRequiredParameters(t *testing.T) {
	var required []string
	for _, p := range spec.MustDefault().UnderTest.Parameters {
		if p.Required && !p.Common {
			required = append(required, p.Name)
		}
	}
	assert.ElementsMatch(t, []string{"LoadBalancerId", "Bandwidth", "ListenerPort", "HealthCheck"}, required)
	for _, name := range required {
		for _, value := range []string{del, ""} {
			t.Run(fmt.Sprintf("%s=%q", name, value), func(t *testing.T) {
				vi := plainEngine.run(with(name, value))
				require.NotNil(t, vi)
				assert.Equal(t, spec.KindRequired, vi.Kind)
				assert.Equal(t, name, vi.Param)
				assert.Equal(t, "MissingParameter", vi.Outcome.Code)
				assert.Equal(t, spec.Inferred, vi.Outcome.Basis)
				assert.Equal(t, vi.Detail, vi.Error())
			})
		}
	}
}

func TestValidateValueViolations(t *testing.T) {
	vi := plainEngine.run(with("ListenerPort", "0"))
	require.NotNil(t, vi)
	assert.Equal(t, spec.KindMinimum, vi.Kind)
	assert.Equal(t, "ListenerPort", vi.Param)
	assert.Equal(t, "ListenerPort", vi.Wire)
	assert.Equal(t, "0", vi.Value)

	vi = plainEngine.run(with("IdleTimeout", "61"))
	require.NotNil(t, vi)
	assert.Equal(t, "InvalidParameter.IdleTimeout", vi.Outcome.Code)
	assert.Equal(t, spec.Documented, vi.Outcome.Basis)

	// An empty optional value is checked like any other value.
	vi = plainEngine.run(with("Scheduler", ""))
	require.NotNil(t, vi)
	assert.Equal(t, spec.KindEnum, vi.Kind)

	// Missing parameters are reported before bad values.
	vi = plainEngine.run(with("LoadBalancerId", del, "ListenerPort", "0"))
	require.NotNil(t, vi)
	assert.Equal(t, spec.KindRequired, vi.Kind)
}

func TestValidateDuplicatedParameter(t *testing.T) {
	s := spec.MustDefault()
	v := minimal()
	v["ListenerPort"] = []string{"443", "443"}
	assert.Nil(t, plainEngine.run(v), "the same value twice is read once")

	v["ListenerPort"] = []string{"443", "444"}
	vi := plainEngine.run(v)
	require.NotNil(t, vi)
	assert.Equal(t, spec.KindDuplicate, vi.Kind)
	assert.Equal(t, "ListenerPort", vi.Param)
	assert.Equal(t, "444", vi.Value)
	assert.Equal(t, s.WireOutcome(spec.KindDuplicate), vi.Outcome)

	// Duplicates are found before anything else, even in unknown parameters.
	v = with("LoadBalancerId", del)
	v["Whatever"] = []string{"a", "b"}
	vi = plainEngine.run(v)
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
	s := spec.MustDefault()
	for n := 1; n <= 20; n++ {
		assert.Nil(t, plainEngine.run(tags(n)), "%d tags", n)
	}
	vi := plainEngine.run(tags(21))
	require.NotNil(t, vi, "21 tags")
	assert.Equal(t, spec.KindMaxItems, vi.Kind)
	assert.Equal(t, "SizeLimitExceeded.Tag", vi.Outcome.Code)
	assert.Equal(t, 400, vi.Outcome.Status)
	assert.Equal(t, spec.Inferred, vi.Outcome.Basis)

	listIndex := func(t *testing.T, v url.Values) {
		t.Helper()
		vi := plainEngine.run(v)
		require.NotNil(t, vi)
		assert.Equal(t, spec.KindListIndex, vi.Kind, vi.Detail)
		assert.Equal(t, "Tag", vi.Param)
		assert.Equal(t, s.WireOutcome(spec.KindListIndex), vi.Outcome)
	}
	t.Run("gap", func(t *testing.T) { listIndex(t, with("Tag.1.Key", "a", "Tag.3.Key", "c")) })
	t.Run("zero", func(t *testing.T) { listIndex(t, with("Tag.0.Key", "a")) })
	t.Run("starts at 2", func(t *testing.T) { listIndex(t, with("Tag.2.Key", "a")) })
	t.Run("not a number", func(t *testing.T) { listIndex(t, with("Tag.1.Key", "a", "Tag.x.Key", "b")) })
	t.Run("leading zero", func(t *testing.T) { listIndex(t, with("Tag.01.Key", "a")) })

	t.Run("value without key", func(t *testing.T) {
		vi := plainEngine.run(with("Tag.1.Value", "v"))
		require.NotNil(t, vi)
		assert.Equal(t, spec.KindRequired, vi.Kind)
		assert.Equal(t, "Tag.Key", vi.Param)
		assert.Equal(t, "Tag.1.Key", vi.Wire)
		assert.Equal(t, "MissingParam.TagKey", vi.Outcome.Code)
	})
	t.Run("second entry without key", func(t *testing.T) {
		vi := plainEngine.run(with("Tag.1.Key", "a", "Tag.2.Value", "v"))
		require.NotNil(t, vi)
		assert.Equal(t, "Tag.2.Key", vi.Wire)
		assert.Equal(t, "MissingParam.TagKey", vi.Outcome.Code)
	})
	t.Run("key without value", func(t *testing.T) { assert.Nil(t, plainEngine.run(with("Tag.1.Key", "a"))) })
	t.Run("bad key", func(t *testing.T) {
		vi := plainEngine.run(with("Tag.1.Key", "acs:x"))
		require.NotNil(t, vi)
		assert.Equal(t, "InvalidParam.TagKey", vi.Outcome.Code)
		assert.Equal(t, "Tag.1.Key", vi.Wire)
	})
	t.Run("bad value", func(t *testing.T) {
		vi := plainEngine.run(with("Tag.1.Key", "a", "Tag.1.Value", "http://x"))
		require.NotNil(t, vi)
		assert.Equal(t, "InvalidParam.TagValue", vi.Outcome.Code)
		assert.Equal(t, "Tag.1.Value", vi.Wire)
	})
	t.Run("unknown field is ignored", func(t *testing.T) {
		assert.Nil(t, plainEngine.run(with("Tag.1.Key", "a", "Tag.1.Colour", "red")))
	})
}

func TestListWireNames(t *testing.T) {
	r := readerOf(spec.MustDefault().UnderTest.Param(spec.ParamTag))
	assert.Equal(t, "Tag.7.Key", r.wireName(7, "Key"))
	n, f, ok := r.parse("Tag.12.Value")
	assert.True(t, ok)
	assert.Equal(t, 12, n)
	assert.Equal(t, "Value", f)
	n, _, ok = r.parse("Tag.x.Key")
	assert.True(t, ok)
	assert.Equal(t, -1, n)
	_, _, ok = r.parse("Tags")
	assert.False(t, ok)
	_, _, ok = r.parse("ServerCertificate.1.CertificateId")
	assert.False(t, ok)

	items := r.items(url.Values{"Tag.2.Key": {"b"}, "Tag.1.Key": {"a"}, "Tag.1.Value": {"x"}, "Other": {"o"}})
	require.Len(t, items, 2)
	assert.Equal(t, 1, items[0].Index)
	assert.Equal(t, map[string]string{"Key": "a", "Value": "x"}, items[0].Fields)
	assert.Equal(t, 2, items[1].Index)
}

// present agrees with items on whether a list parameter is in a request.
func TestPresentAgreesWithItems(t *testing.T) {
	r := readerOf(spec.MustDefault().UnderTest.Param(spec.ParamTag))
	for _, v := range []url.Values{
		{"Tag.1.Key": {"a"}},
		{"Tag.x.Key": {"a"}},
		{"Tag.1.Key": {}},
		{"Tag.1.Key": nil, "Tags": {"a"}, "Other": {"o"}},
		{"ServerCertificate.1.CertificateId": {"c"}},
		{},
	} {
		assert.Equal(t, len(r.items(v)) > 0, r.present(v), "%v", v)
	}
	assert.True(t, r.present(url.Values{"Tag.3.Value": {""}}), "an empty value is an entry")
	assert.False(t, r.present(url.Values{"Tag.1.Key": {}}), "a name without values is not")
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
			kept:   []url.Values{with("StickySession", "off"), with("StickySession", "on", "StickySessionType", "server", "Cookie", "c1")},
		},
		"cookie-timeout-required": {
			broken: with("StickySession", "on", "StickySessionType", "insert"),
			kept: []url.Values{with("StickySession", "off", "StickySessionType", "insert"),
				with("StickySession", "on", "StickySessionType", "insert", "CookieTimeout", "500")},
		},
		"cookie-required": {
			broken: with("StickySession", "on", "StickySessionType", "server"),
			kept: []url.Values{with("StickySession", "off", "StickySessionType", "server"),
				with("StickySession", "on", "StickySessionType", "server", "Cookie", "testCookie")},
		},
		"acl-id-required": {
			broken: with("AclStatus", "on", "AclType", "white"),
			kept:   []url.Values{with("AclStatus", "off", "AclType", "white"), with("AclStatus", "on", "AclType", "white", "AclId", "acl-1")},
		},
		"acl-type-required": {
			broken: with("AclStatus", "on", "AclId", "acl-1"),
			kept:   []url.Values{with("AclStatus", "off", "AclId", "acl-1"), with("AclStatus", "on", "AclId", "acl-1", "AclType", "black")},
		},
		"backend-port-required": {
			broken: with("BackendServerPort", del),
			kept:   []url.Values{with("BackendServerPort", del, "VServerGroupId", "rsp-1"), with("VServerGroupId", "rsp-1")},
		},
		"health-check-domain-required": {
			broken: with("HealthCheckHttpVersion", "http1.1"),
			kept:   []url.Values{with("HealthCheckHttpVersion", "http1.0"), with("HealthCheckHttpVersion", "http1.1", "HealthCheckDomain", "$_ip")},
		},
		"server-certificate-required": {
			broken: with("ServerCertificateId", del),
			kept:   []url.Values{with("ServerCertificateId", del, "ServerCertificate.1.CertificateId", "cert-1")},
		},
		"single-server-certificate-form": {
			broken: with("ServerCertificate.1.CertificateId", "cert-1"),
			kept:   []url.Values{with("ServerCertificateId", del, "ServerCertificate.1.CertificateId", "cert-1")},
		},
		"one-server-binding": {
			broken: with("ServerCertificateId", del, "ServerCertificate.1.CertificateId", "cert-1",
				"ServerCertificate.2.CertificateId", "cert-2", "ServerCertificate.2.BindingType", "Server"),
			kept: []url.Values{with("ServerCertificateId", del, "ServerCertificate.1.CertificateId", "cert-1", "ServerCertificate.1.BindingType", "Server")},
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
	s := spec.MustDefault()
	cases := ruleCases()
	for _, r := range s.Rules {
		t.Run(r.ID, func(t *testing.T) {
			tc, ok := cases[r.ID]
			require.True(t, ok, "rule %s has no test case; add one to ruleCases", r.ID)
			if r.Kind == spec.RuleEffectiveOnlyWhen {
				assert.Nil(t, tc.broken, "an effective-only-when rule cannot be broken")
			} else {
				require.NotNil(t, tc.broken)
				vi := plainEngine.run(tc.broken)
				require.NotNil(t, vi, "breaking %s", r.ID)
				assert.Equal(t, spec.KindRule, vi.Kind, vi.Detail)
				assert.Equal(t, r.ID, vi.Rule, vi.Detail)
				assert.Equal(t, r.Outcome, vi.Outcome)
				if r.Code != "" {
					assert.Equal(t, r.Code, vi.Outcome.Code, "the rule's own code")
				} else {
					assert.Equal(t, s.ViolationOutcomes[spec.KindRule].Code, vi.Outcome.Code, "the default rule outcome")
				}
				assert.NotEmpty(t, vi.Detail)
				if r.Kind == spec.RuleRequires {
					assert.Contains(t, r.Require, vi.Param, "the missing parameter is named")
				}
			}
			for i, v := range tc.kept {
				assert.Nil(t, plainEngine.run(v), "case %d keeps %s", i, r.ID)
			}
		})
	}
	for id := range cases {
		_, ok := s.Rule(id)
		assert.True(t, ok, "test case for a rule %s the description does not have", id)
	}
}

// The neighbouring operations are validated by the same engine, as described.
func TestValidateNeighbourOperation(t *testing.T) {
	s := spec.MustDefault()
	op := s.Operation(spec.ActionCreateACL)
	v, _ := plainEngine.validate(op, url.Values{}, nil)
	require.NotNil(t, v)
	assert.Equal(t, spec.KindRequired, v.Kind)
	v, _ = plainEngine.validate(op, url.Values{spec.ParamACLName: {"a"}}, nil)
	assert.Nil(t, v)
}

// The enum of a parameter the description says may be extended accepts what the extension
// lookup accepts, and only for that parameter.
func TestValidateEnumExtension(t *testing.T) {
	op := spec.MustDefault().UnderTest
	ext := func(p *spec.Parameter, value string) bool { return p.EnumExtendedBy != "" && value == "tls-custom-1" }
	v, _ := plainEngine.validate(op, with(spec.ParamTLSCipherPolicy, "tls-custom-1"), ext)
	assert.Nil(t, v)
	v, _ = plainEngine.validate(op, with(spec.ParamTLSCipherPolicy, "tls-custom-2"), ext)
	require.NotNil(t, v)
	assert.Equal(t, spec.KindEnum, v.Kind)
	v, _ = plainEngine.validate(op, with(spec.ParamScheduler, "tls-custom-1"), ext)
	require.NotNil(t, v, "another enum is not extended")
}
