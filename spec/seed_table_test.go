package spec_test

import (
	"sort"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/spec"
)

// This file holds a second, independent copy of the contract: the request parameters and the
// error codes of the seed reference page (shared/reference/seed-CreateLoadBalancerHTTPSListener.txt),
// typed in by hand from that page and NOT derived from openapi.yaml. The tests compare it with
// the loaded model in both directions, so the description cannot drift away from the seed page
// (a changed range, a lost enum value, a renamed code, a seed constraint marked inferred, an
// extra "documented" code) without a test failing here.
//
// Only what the page states is recorded. Where the page says nothing (for example the length of
// LoadBalancerId, or a range for Bandwidth), the model may carry an inferred constraint; it must
// then be marked inferred, which the tests check too.

// ival is an optional integer bound.
type ival struct {
	set bool
	n   int64
}

func i(n int64) ival { return ival{set: true, n: n} }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// seedParam is one row of the seed page's parameter table.
type seedParam struct {
	name     string
	typ      string // string, integer, array (the page's array<object>)
	required bool   // the "Required" column
	min, max ival   // "Valid values: a to b" of integers
	minLen   ival   // "must be a to b characters in length", "cannot be an empty string"
	maxLen   ival
	enum     []string // "Valid values:" of strings
	// charset is true when the page restricts the characters (or the shape) of the value; the
	// model carries that as a pattern. good and bad hold values the page's wording allows and
	// forbids, and are checked against the model's Check.
	charset bool
	good    []string
	bad     []string
	// listValues are the values of a comma-separated list (HealthCheckHttpCode).
	listValues []string
	// forbidden prefixes and substrings the page names for tag keys and values.
	prefixes   []string
	substrings []string
	// def is a default value the page states.
	def string
	// example is the page's "Example" column, verbatim (masked IDs included).
	example string
	// list parameters: how many entries the page allows, and the entry fields.
	maxItems ival
	fields   []seedParam
	// requiredInEntry is for list fields: the page's Required column says "No" for Tag.Key,
	// but its error MissingParam.TagKey says a tag entry without a key is refused, so within
	// an entry the key is required.
	requiredInEntry bool
}

var onOff = []string{"on", "off"}

// seedParams is the request parameter table of the seed page, in the page's order.
var seedParams = []seedParam{
	{name: "RegionId", typ: "string", example: "cn-hangzhou"},
	{name: "LoadBalancerId", typ: "string", required: true, example: "lb-bp1o94dp5i6earr****"},
	// The page names -1 (unlimited) and nothing below it: a bandwidth under -1 means nothing.
	{name: "Bandwidth", typ: "integer", required: true, example: "-1", good: []string{"-1"}}, // -1 is described, no range is given
	{name: "ListenerPort", typ: "integer", required: true, min: i(1), max: i(65535), example: "80"},
	{name: "BackendServerPort", typ: "integer", min: i(1), max: i(65535), example: "80"},
	{name: "Tag", typ: "array", maxItems: i(20), fields: []seedParam{
		{
			name: "Key", typ: "string", requiredInEntry: true, minLen: i(1), maxLen: i(64),
			prefixes: []string{"aliyun", "acs:"}, substrings: []string{"http://", "https://"},
			example: "TestKey",
		},
		{
			name: "Value", typ: "string", minLen: i(1), maxLen: i(128),
			prefixes: []string{"acs:", "aliyun"}, substrings: []string{"http://", "https://"},
			example: "TestValue",
		},
	}},
	{name: "XForwardedFor", typ: "string", enum: onOff, example: "on"},
	{name: "Scheduler", typ: "string", enum: []string{"wrr", "rr"}, example: "wrr"},
	{name: "StickySession", typ: "string", enum: onOff, example: "on"},
	{name: "StickySessionType", typ: "string", enum: []string{"insert", "server"}, example: "insert"},
	{name: "CookieTimeout", typ: "integer", min: i(1), max: i(86400), example: "500"},
	{
		name: "Cookie", typ: "string", minLen: i(1), maxLen: i(200), charset: true,
		// "can contain only ASCII letters and digits. It cannot contain commas (,), semicolons
		// (;), spaces, or start with a dollar sign ($)."
		good:    []string{"testCookie", "abc123", "Z"},
		bad:     []string{"a,b", "a;b", "a b", "$abc", "caf\u00e9", "a-b"},
		example: "testCookie",
	},
	{name: "HealthCheck", typ: "string", required: true, enum: onOff, example: "on"},
	{name: "HealthCheckMethod", typ: "string", enum: []string{"head", "get"}, example: "get"},
	{
		name: "HealthCheckDomain", typ: "string", minLen: i(1), maxLen: i(80), charset: true,
		// "$_ip", or a domain of letters, digits, periods and hyphens.
		good:    []string{"$_ip", "www.example.com", "a-b.c"},
		bad:     []string{"a_b.com", "a b", "$ip", "x/y"},
		example: "172.XX.XX.16",
	},
	{
		name: "HealthCheckURI", typ: "string", minLen: i(1), maxLen: i(80), charset: true,
		// Letters, digits and -/.%?#&; starts with "/" but is not a lone "/".
		good:    []string{"/test/index.html", "/a?b&c#x", "/%20-x"},
		bad:     []string{"/", "test", "/a b", "/a=b", "/a_b"},
		example: "/test/index.html",
	},
	{name: "HealthyThreshold", typ: "integer", min: i(2), max: i(10), example: "4"},
	{name: "UnhealthyThreshold", typ: "integer", min: i(2), max: i(10), example: "4"},
	{name: "HealthCheckTimeout", typ: "integer", min: i(1), max: i(300), example: "3"},
	{name: "HealthCheckConnectPort", typ: "integer", min: i(1), max: i(65535), example: "8080"},
	{name: "HealthCheckInterval", typ: "integer", min: i(1), max: i(50), example: "5"},
	{
		name: "HealthCheckHttpCode", typ: "string", charset: true,
		listValues: []string{"http_2xx", "http_3xx", "http_4xx", "http_5xx"},
		good:       []string{"http_2xx", "http_2xx,http_3xx", "http_5xx,http_4xx,http_3xx,http_2xx"},
		bad:        []string{"http_1xx", "http_2xx,", "200", "http_2xx;http_3xx", "http_2xx, http_3xx"},
		example:    "http_2xx,http_3xx",
	},
	{name: "ServerCertificateId", typ: "string", example: "idkp-123-cn-test-****"},
	{name: "VServerGroupId", typ: "string", example: "rsp-cige6j5e7p****"},
	{name: "CACertificateId", typ: "string", example: "139a00604ad-cn-east-hangzh****"},
	{name: "XForwardedFor_SLBIP", typ: "string", enum: onOff, example: "on"},
	{name: "XForwardedFor_SLBID", typ: "string", enum: onOff, example: "on"},
	{name: "XForwardedFor_proto", typ: "string", enum: onOff, example: "on"},
	{name: "Gzip", typ: "string", enum: onOff, example: "on"},
	{name: "AclId", typ: "string", example: "acl-a2do9e413e0spzasx****"},
	{name: "AclType", typ: "string", enum: []string{"white", "black"}, example: "white"},
	{name: "AclStatus", typ: "string", enum: onOff, example: "off"},
	{
		name: "Description", typ: "string", minLen: i(1), maxLen: i(256), charset: true,
		// Letters, digits, hyphens, forward slashes, periods and underscores.
		good:    []string{"HTTPS_443", "a-b/c.d_e"},
		bad:     []string{"a b", "a:b", "\u76d1\u542c"},
		example: "HTTPS_443",
	},
	{name: "IdleTimeout", typ: "integer", min: i(1), max: i(60), def: "15", example: "12"},
	{name: "RequestTimeout", typ: "integer", min: i(1), max: i(180), def: "60", example: "23"},
	{name: "EnableHttp2", typ: "string", enum: onOff, example: "off"},
	{
		name: "TLSCipherPolicy", typ: "string",
		enum: []string{
			"tls_cipher_policy_1_0", "tls_cipher_policy_1_1", "tls_cipher_policy_1_2",
			"tls_cipher_policy_1_2_strict", "tls_cipher_policy_1_2_strict_with_1_3",
		},
		example: "tls_cipher_policy_1_1",
	},
	{name: "XForwardedFor_SLBPORT", typ: "string", enum: onOff, example: "off"},
	{name: "XForwardedFor_ClientSrcPort", typ: "string", enum: onOff, example: "off"},
}

// seedError is one row of the seed page's error code table.
type seedError struct {
	status  int
	code    string
	message string
}

// seedErrors is the error code table of the seed page, in the page's order.
var seedErrors = []seedError{
	{400, "ParamDuplicateError", "The specified parameter value of XForwardedFor_ClientCertSubjectDNAlias is duplicate. Please change to a different one."},
	{400, "IpVersionConflict", "The ip version of this LoadBalancer and the Acl is conflict."},
	{400, "InvalidParameter.IdleTimeout", "The specified IdleTimeout exceeds the limit."},
	{400, "InvalidParameter.RequestTimeout", "The specified RequestTimeout exceeds the limit."},
	{400, "ListenerForwardNotSupport", "X-Forward-For is not supported to a ipv6 instance."},
	{400, "InvalidParameter.RegionNotSupport", "The region does not support the parameter: %s."},
	{400, "InvalidParameter.SpecNotSupport", "The loadBalancer of shared spec does not support the parameter: %s."},
	{400, "ListenerProcessing", "A previous configuration of the listener is pending,please try again later."},
	{400, "Certkey.Forbidden", "The specified certkey is not owned by the current user."},
	{400, "InvalidParameter.ListenerPortConflict", "There is conflict listener port exists."},
	{400, "ResourceNotAvailible.HttpsListener", "The specified Zone did not have enough resource."},
	{400, "AclNotExist", "Acl does not exist."},
	{400, "OperationUnsupported.CreateLoadBalancerLayer7Listener", "The slb instance does not support create HTTP or HTTPS listener."},
	{400, "InvalidParameter.VServerGroupId", "The MasterSlaveServerGroup can not be attached to HTTP or HTTPS listener."},
	{400, "MissingParam.HealthCheckDomain", "The HealthCheckDomain is required when HealthCheckHttpVersion is http1.1."},
	{400, "InvalidParameter.HealthCheckHttpVersion", "The param HealthCheckHttpVersion is invalid."},
	{400, "Duplicated.AclEntry", "%s. %s"},
	{400, "CertificateNotExist", "The specified CertificateId does not exist."},
	{400, "OperationFailed.InsufficientResources", "The loadbalancer does not support this operation because of insufficient resources."},
	{400, "InvalidTLSPolicyId.NotExist", "The specified TLS cipher policy does not exist."},
	{400, "TLSPolicyConfiguring", "The specified TLS cipher policy is configuring."},
	{400, "TLSCipherPolicyVipRelationOverLimit", "The number of listeners associated with a policy has exceeded."},
	{400, "CertificateTypeMismatched", "The certificate type does not match."},
	{400, "MissingParam.ServerCertificates", "Server certificates are required."},
	{400, "TooManyCertificates", "The number of certificates must not be greater than one."},
	{400, "CnCertificateNotSupport", "The cn certificate is not support."},
	{400, "InvalidParam.CertificateBindingType", "The param CertificateBindingType is invalid."},
	{400, "InvalidParamSize.ServerCertificates", "The size of param ServerCertificates is invalid."},
	{400, "TooManyCertificates.ServerCertificates", "The number of certificates must not be greater than one."},
	{400, "SPEC_NOT_SUPPORT_PARAMETER", "Share spec does not support the feature."},
	{400, "LbNotSupportTcpssl", "You cannot create a TCP SSL type listener for the specified load balancer."},
	{400, "LbSupportTcpsslOnly", "The specified load balancer supports TCP SSL type listener only."},
	{400, "ListenerNotSupportRule", "You cannot create a rule for the specified listener. You cannot create a rule for the specified listener."},
	{400, "Mismatch.SlbSpecTypeAndListenerProtocol", "The SlbSpecType and ListenerProtocol are mismatched."},
	{400, "InvalidParam.TagValue", "%s."},
	{400, "InvalidParam.TagKey", "%s."},
	{400, "SizeLimitExceeded.Tag", "%s."},
	{400, "MissingParam.TagKey", "The param MissingParam.TagKey is missing."},
	{400, "AclListenerOverLimit", "This acl has reached the limit of binding to listeners."},
	{400, "QuotaLimitExceeds.AclAttachedToListener", "The number of Acl bound listeners has reached the quota limit"},
	{400, "QuotaLimitExceeds.TotalAclEntry", "The number of Acl entries has reached the quota limit."},
	{400, "QuotaLimitExceeds.AclListenerOverLimit", "This acl has reached the limit of binding to listeners."},
	{404, "ResourceNotFound.Certificate", "The specified resource is not found."},
}

// The page has 39 top-level parameters (two of them, Tag.Key and Tag.Value, are fields of the
// Tag list) and 43 rows of error codes. Guard the hand-made tables against a lost or doubled row.
func TestSeedTableIsComplete(t *testing.T) {
	assert.Len(t, seedParams, 39, "top-level parameters on the seed page")
	assert.Len(t, seedErrors, 43, "error rows on the seed page")
	names := map[string]bool{}
	for _, p := range seedParams {
		assert.False(t, names[p.name], "parameter %s listed twice", p.name)
		names[p.name] = true
	}
	codes := map[string]bool{}
	n404 := 0
	for _, e := range seedErrors {
		assert.False(t, codes[e.code], "code %s listed twice", e.code)
		codes[e.code] = true
		if e.status == 404 {
			n404++
			assert.Equal(t, "ResourceNotFound.Certificate", e.code, "the only 404 on the page")
		}
	}
	assert.Equal(t, 1, n404)
}

// documentedKinds is the set of constraint kinds the page states for a row.
func (sp seedParam) documentedKinds() []spec.Kind {
	var ks []spec.Kind
	add := func(ok bool, k spec.Kind) {
		if ok {
			ks = append(ks, k)
		}
	}
	add(sp.typ == "integer", spec.KindType)
	add(sp.min.set, spec.KindMinimum)
	add(sp.max.set, spec.KindMaximum)
	add(sp.minLen.set, spec.KindMinLength)
	add(sp.maxLen.set, spec.KindMaxLength)
	add(len(sp.enum) > 0, spec.KindEnum)
	add(sp.charset, spec.KindPattern)
	add(len(sp.prefixes) > 0, spec.KindForbiddenPrefixes)
	add(len(sp.substrings) > 0, spec.KindForbiddenSubstrings)
	add(sp.maxItems.set, spec.KindMaxItems)
	return sortedKinds(ks)
}

func sortedKinds(ks []spec.Kind) []spec.Kind {
	out := append([]spec.Kind{}, ks...)
	sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
	return out
}

func sortedStrings(ss []string) []string {
	out := append([]string{}, ss...)
	sort.Strings(out)
	return out
}

// modelDocumentedKinds lists the constraint kinds of a model parameter that are not marked
// inferred.
func modelDocumentedKinds(p *spec.Parameter) []spec.Kind {
	var ks []spec.Kind
	for _, c := range p.Constraints {
		if c.Basis == spec.Documented {
			ks = append(ks, c.Kind)
		}
	}
	return sortedKinds(ks)
}

func underTest(t *testing.T) (*spec.Spec, *spec.Operation) {
	t.Helper()
	s, err := spec.Default()
	require.NoError(t, err, "the embedded description must load")
	require.NotNil(t, s.UnderTest)
	require.Equal(t, spec.ActionCreateHTTPSListener, s.UnderTest.Action)
	return s, s.UnderTest
}

// compareParam checks one model parameter against one seed row. entry is true for list fields.
func compareParam(t *testing.T, p *spec.Parameter, sp seedParam, entry bool) {
	t.Helper()
	assert.Equal(t, sp.typ, p.Type, "type")
	assert.Equal(t, spec.SourceSeed, p.Source, "a seed parameter must say x-source: seed")
	if entry {
		assert.Equal(t, sp.requiredInEntry, p.Required, "required within a list entry")
	} else {
		assert.Equal(t, sp.required, p.Required, "required flag")
	}
	assert.Equal(t, spec.Documented, p.RequiredBasis, "the seed states the required flag")

	assert.Equal(t, sp.documentedKinds(), modelDocumentedKinds(p),
		"the constraints not marked inferred must be exactly those the seed page states")

	bound := func(k spec.Kind, want ival) {
		c, ok := p.Constraint(k)
		if !want.set {
			return // the model may infer one; it is then marked inferred (checked above)
		}
		if assert.True(t, ok, "missing %s", k) {
			assert.Equal(t, want.n, c.Int, "%s", k)
			assert.Equal(t, spec.Documented, c.Basis, "%s is stated by the seed page", k)
		}
	}
	bound(spec.KindMinimum, sp.min)
	bound(spec.KindMaximum, sp.max)
	bound(spec.KindMinLength, sp.minLen)
	bound(spec.KindMaxLength, sp.maxLen)
	bound(spec.KindMaxItems, sp.maxItems)

	if len(sp.enum) > 0 {
		assert.Equal(t, sortedStrings(sp.enum), sortedStrings(p.Enum()), "enum")
	}
	if len(sp.prefixes) > 0 {
		c, _ := p.Constraint(spec.KindForbiddenPrefixes)
		assert.Equal(t, sortedStrings(sp.prefixes), sortedStrings(c.Values), "forbidden prefixes")
	}
	if len(sp.substrings) > 0 {
		c, _ := p.Constraint(spec.KindForbiddenSubstrings)
		assert.Equal(t, sortedStrings(sp.substrings), sortedStrings(c.Values), "forbidden substrings")
	}
	if len(sp.listValues) > 0 {
		assert.Equal(t, sortedStrings(sp.listValues), sortedStrings(p.ListValues), "values of the comma list")
	}
	if sp.def != "" {
		if assert.NotNil(t, p.Default, "the seed states a default") {
			assert.Equal(t, sp.def, *p.Default, "default")
		}
	}

	// Values the page allows must pass; values the page forbids must be refused by a
	// constraint the page states.
	if p.List == nil {
		for _, v := range append([]string{sp.example}, sp.good...) {
			if v == "" {
				continue
			}
			assert.Empty(t, breaks(t, p, v), "the seed allows %q", v)
		}
		for _, v := range sp.bad {
			k := breaks(t, p, v)
			if assert.NotEmpty(t, k, "the seed forbids %q", v) {
				c, _ := p.Constraint(k)
				assert.Equal(t, spec.Documented, c.Basis, "%q is refused by %s, which must be documented", v, k)
			}
		}
		for _, v := range sp.enum {
			assert.Empty(t, breaks(t, p, v), "enum value %q", v)
		}
		if sp.min.set {
			assert.Empty(t, breaks(t, p, itoa(sp.min.n)), "the seed's minimum is allowed")
			assert.Equal(t, spec.KindMinimum, breaks(t, p, itoa(sp.min.n-1)), "one below the seed's minimum")
		}
		if sp.max.set {
			assert.Empty(t, breaks(t, p, itoa(sp.max.n)), "the seed's maximum is allowed")
			assert.Equal(t, spec.KindMaximum, breaks(t, p, itoa(sp.max.n+1)), "one above the seed's maximum")
		}
	}
}

// Seed -> model: every row of the page is in the model, with exactly what the page states.
func TestSeedParametersAreInTheModel(t *testing.T) {
	_, op := underTest(t)
	for _, sp := range seedParams {
		t.Run(sp.name, func(t *testing.T) {
			p := op.Param(sp.name)
			require.NotNil(t, p, "seed parameter %s is missing from the description", sp.name)
			assert.False(t, p.Common, "a business parameter of the page is not a common parameter")
			compareParam(t, p, sp, false)
			if len(sp.fields) == 0 {
				assert.Nil(t, p.List, "the seed does not describe %s as a list", sp.name)
				return
			}
			require.NotNil(t, p.List, "the seed describes %s as a list", sp.name)
			assert.Equal(t, sp.name+".{n}.{field}", p.List.Format, "wire form of the list")
			assert.Equal(t, 1, p.List.FirstIndex, "lists are numbered from 1")
			assert.Equal(t, int(sp.maxItems.n), p.List.MaxItems)
			require.Len(t, p.List.Fields, len(sp.fields), "fields of a %s entry", sp.name)
			for _, sf := range sp.fields {
				t.Run(sf.name, func(t *testing.T) {
					f := p.List.Field(sf.name)
					require.NotNil(t, f, "field %s.%s", sp.name, sf.name)
					assert.Equal(t, sp.name+"."+sf.name, f.Path)
					assert.Equal(t, f, op.Lookup(f.Path), "Lookup finds a list field by path")
					compareParam(t, f, sf, true)
					for _, v := range []string{sf.example} {
						assert.Empty(t, breaks(t, f, v), "the seed example %q", v)
					}
				})
			}
		})
	}
}

// Model -> seed: what the model says comes from the seed is on the page, and everything else is
// labelled beyond.
func TestModelParametersBeyondTheSeedAreLabelled(t *testing.T) {
	_, op := underTest(t)
	rows := map[string]seedParam{}
	for _, sp := range seedParams {
		rows[sp.name] = sp
	}
	beyond := 0
	for _, p := range op.Parameters {
		if p.Common {
			continue
		}
		sp, onPage := rows[p.Name]
		if !onPage {
			beyond++
			assert.Equal(t, spec.SourceBeyond, p.Source, "%s is not on the seed page, so it must carry x-source: beyond", p.Name)
			if p.List != nil {
				for _, f := range p.List.Fields {
					assert.Equal(t, spec.SourceBeyond, f.Source, "%s", f.Path)
				}
			}
			continue
		}
		assert.Equal(t, spec.SourceSeed, p.Source, "%s is on the seed page", p.Name)
		if p.List != nil {
			fields := map[string]bool{}
			for _, sf := range sp.fields {
				fields[sf.name] = true
			}
			for _, f := range p.List.Fields {
				assert.True(t, fields[f.Name], "%s is not a field the seed page lists", f.Path)
			}
		}
	}
	assert.Positive(t, beyond, "the description adds the list form of the server certificate and others")
	assert.Len(t, op.Parameters, len(seedParams)+beyond)
}

// Seed -> model and back for the error codes.
func TestSeedErrorCodesAreInTheModel(t *testing.T) {
	s, _ := underTest(t)
	model := map[string]spec.ErrorCode{}
	for _, e := range s.Errors {
		model[e.Code] = e
	}
	page := map[string]seedError{}
	for _, se := range seedErrors {
		page[se.code] = se
		e, ok := model[se.code]
		if !assert.True(t, ok, "seed code %s is missing from x-errors", se.code) {
			continue
		}
		assert.True(t, e.Documented, "%s is on the seed page, so it is documented", se.code)
		assert.False(t, e.Gateway, "%s is the operation's, not the gateway's", se.code)
		assert.Equal(t, se.status, e.Status, "HTTP status of %s", se.code)
		assert.Equal(t, se.message, e.Message, "message of %s", se.code)
		got, ok := s.Error(se.code)
		assert.True(t, ok, "Spec.Error(%s)", se.code)
		assert.Equal(t, se.status, got.Status)
		o := e.Outcome()
		want := spec.Documented
		if e.Trigger.Basis == spec.Inferred {
			want = spec.Inferred // the page lists the code but not what triggers it
		}
		assert.Equal(t, want, o.Basis, "basis of %s", se.code)
		assert.True(t, o.Exact(se.status, se.code))
	}
	for _, e := range s.Errors {
		if e.Documented {
			_, ok := page[e.Code]
			assert.True(t, ok, "%s is marked documented but is not on the seed page", e.Code)
		} else {
			_, ok := page[e.Code]
			assert.False(t, ok, "%s is on the seed page but marked undocumented", e.Code)
		}
	}
	var want []string
	for _, se := range seedErrors {
		want = append(want, se.code)
	}
	assert.Equal(t, want, s.DocumentedCodes(), "documented codes, in the page's order")
}
