package emulator

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/spec"
)

// faulty compiles the engine with injected faults.
func faulty(t *testing.T, names ...string) *engine {
	t.Helper()
	in, err := newInjector(names)
	require.NoError(t, err)
	return testEngine(t, Choices{}, in.engineFaults())
}

// code is the answer's code, "" for none.
func code(v *violation) string {
	if v == nil {
		return ""
	}
	return v.Outcome.Code
}

// The constraint faults bend one constraint inside the engine, in each direction, and leave
// the others alone.
func TestConstraintFaultsBendOneConstraint(t *testing.T) {
	en := faulty(t, "validation/ListenerPort/maximum", "boundary/BackendServerPort/maximum", "error-code/IdleTimeout/maximum",
		"boundary/Scheduler/enum", "boundary/HealthCheckDomain/pattern", "boundary/Tag.Key/x-forbidden-prefixes",
		"boundary/Tag.Value/x-forbidden-substrings", "boundary/Tag/maxItems", "boundary/Description/maxLength", "validation/Tag.Key/required")
	assert.Nil(t, en.run(with(spec.ParamListenerPort, "65536")), "the maximum is not enforced")
	assert.Equal(t, "InvalidParameter", code(en.run(with(spec.ParamListenerPort, "0"))), "the minimum still is")
	assert.Equal(t, "InvalidParameter", code(en.run(with(spec.ParamBackendServerPort, "65535"))), "the maximum itself is refused")
	assert.Nil(t, en.run(with(spec.ParamBackendServerPort, "65534")))
	assert.Equal(t, "InvalidParameter", code(en.run(with(pIdle, "61"))), "another code than the page's")
	assert.Equal(t, "InvalidParameter.IdleTimeout", code(en.run(with(pIdle, "0"))), "the minimum keeps its code")
	assert.NotNil(t, en.run(with(spec.ParamScheduler, "rr")), "the last enum value is refused")
	assert.Nil(t, en.run(with(spec.ParamScheduler, "wrr")))
	assert.NotNil(t, en.run(with("HealthCheckDomain", "$_ip")), "the special value is refused")
	assert.Nil(t, en.run(with("HealthCheckDomain", "example.com")))
	assert.NotNil(t, en.run(with("Tag.1.Key", "my-aliyun")), "a reserved word after the start is refused")
	assert.Nil(t, en.run(with("Tag.1.Key", "mine")))
	assert.NotNil(t, en.run(with("Tag.1.Key", "k", "Tag.1.Value", "see http:/x")))
	assert.NotNil(t, en.run(tags(20)), "the limit itself is refused")
	assert.Nil(t, en.run(tags(19)))
	assert.NotNil(t, en.run(with(spec.ParamDescription, strings.Repeat("d", 256))))
	assert.Nil(t, en.run(with("Tag.1.Value", "v")), "a tag without its key passes")
}

func TestRuleFaults(t *testing.T) {
	en := faulty(t, "validation/rule/acl-type-required", "boundary/rule/cookie-required/kept", "boundary/rule/backend-port-required/premise-false",
		"error-code/rule/health-check-domain-required", "boundary/rule/health-check-settings-need-health-check/premise-false")
	assert.Nil(t, en.run(with(spec.ParamACLStatus, "on", spec.ParamACLID, "acl-1")), "the rule never refuses")
	assert.NotNil(t, en.run(with(spec.ParamACLStatus, "on", spec.ParamACLType, "white")), "its sibling still does")
	assert.NotNil(t, en.run(with("StickySession", "on", "StickySessionType", "server", spec.ParamCookie, "c")), "kept, refused")
	assert.Nil(t, en.run(with("StickySession", "on", "StickySessionType", "insert", "CookieTimeout", "5")))
	assert.NotNil(t, en.run(with(spec.ParamBackendServerPort, del, spec.ParamVServerGroupID, "rsp-1")), "premise false, refused")
	assert.Nil(t, en.run(with(spec.ParamVServerGroupID, "rsp-1")))
	assert.Equal(t, "InvalidParameter", code(en.run(with(spec.ParamHealthCheckVersion, "http1.1"))), "not MissingParam.HealthCheckDomain")
	assert.NotNil(t, en.run(with(spec.ParamHealthCheck, "off", "HealthyThreshold", "3")), "settings refused while health checks are off")
	assert.Nil(t, en.run(with(spec.ParamHealthCheck, "on", "HealthyThreshold", "3")))
}

func TestEngineWideFaults(t *testing.T) {
	t.Run("off by one", func(t *testing.T) {
		en := faulty(t, "engine/maximum-off-by-one", "engine/minimum-off-by-one")
		assert.Nil(t, en.run(with(spec.ParamListenerPort, "65536")))
		assert.NotNil(t, en.run(with(spec.ParamListenerPort, "65537")))
		assert.Nil(t, en.run(with(pIdle, "0")))
		assert.NotNil(t, en.run(with(pIdle, "-1")))
	})
	t.Run("enum case", func(t *testing.T) {
		en := faulty(t, "engine/enum-case-insensitive")
		assert.Nil(t, en.run(with(spec.ParamHealthCheck, "ON")))
		assert.NotNil(t, en.run(with(spec.ParamHealthCheck, "maybe")))
	})
	t.Run("pattern spaces", func(t *testing.T) {
		en := faulty(t, "engine/pattern-lets-spaces-through")
		assert.Nil(t, en.run(with(spec.ParamCookie, "ab cd")))
		assert.NotNil(t, en.run(with(spec.ParamCookie, "ab;cd")))
	})
	t.Run("second violation's code", func(t *testing.T) {
		en := faulty(t, "engine/second-violation-code")
		v := en.run(with(pIdle, "61", pRequest, "0"))
		require.NotNil(t, v)
		assert.Equal(t, pIdle, v.Param)
		assert.Equal(t, "InvalidParameter.RequestTimeout", v.Outcome.Code)
		assert.NotEqual(t, "InvalidParameter.IdleTimeout", code(en.run(with(pIdle, "61"))), "one violation gets the code of the check after it")
		assert.Equal(t, "InvalidParameter.IdleTimeout", code(testEngine(t, Choices{}, engineFaults{}).run(with(pIdle, "61"))), "without the fault, its own")
	})
	t.Run("rules gated", func(t *testing.T) {
		gate := ruleGateParam(spec.MustDefault())
		require.NotEmpty(t, gate)
		en := faulty(t, "engine/rules-need-"+gate)
		assert.Nil(t, en.run(with("StickySession", "on")))
		assert.NotNil(t, en.run(with("StickySession", "on", gate, "x")))
	})
}

// Choices reach the engine: empty values, lenient integers, unknown names, duplicates, gaps,
// page-only, alternative codes.
func TestEngineChoices(t *testing.T) {
	op := spec.MustDefault().UnderTest
	run := func(ch Choices, v url.Values) (*violation, url.Values) {
		return testEngine(t, ch, engineFaults{}).validate(op, v, nil)
	}
	v, vals := run(Choices{EmptyOptional: EmptyAbsent}, with(spec.ParamScheduler, ""))
	assert.Nil(t, v)
	assert.NotContains(t, vals, spec.ParamScheduler)
	v, vals = run(Choices{LenientIntegers: true}, with(spec.ParamBackendServerPort, " +80 ", "Tag.1.Key", "k"))
	assert.Nil(t, v)
	assert.Equal(t, "80", vals.Get(spec.ParamBackendServerPort))
	in := with(spec.ParamBackendServerPort, "080")
	_, _ = run(Choices{LenientIntegers: true}, in)
	assert.Equal(t, "080", in.Get(spec.ParamBackendServerPort), "the request's own values are not written to")
	v, _ = run(Choices{UnknownParameters: UnknownRefuse}, with("Nope", "1"))
	require.NotNil(t, v)
	assert.Equal(t, spec.KindUnknown, v.Kind)
	v, _ = run(Choices{UnknownParameters: UnknownRefuse}, with(spec.ParamAction, "x", "Tag.2.Key", "k", "Tag.1.Key", "j"))
	assert.Nil(t, v, "common parameters and list entries are known")
	dup := with()
	dup[spec.ParamScheduler] = []string{"wrr", "rr"}
	v, vals = run(Choices{Duplicates: DuplicatesLast}, dup)
	assert.Nil(t, v)
	assert.Equal(t, []string{"rr"}, vals[spec.ParamScheduler])
	v, _ = run(Choices{IndexGaps: GapsAccept}, with("Tag.1.Key", "a", "Tag.5.Key", "b"))
	assert.Nil(t, v)
	v, vals = run(Choices{PageOnly: true}, with("HealthCheckType", "bogus", spec.ParamBandwidth, "0", spec.ParamServerCertificateID, del))
	assert.Nil(t, v)
	assert.NotContains(t, vals, "HealthCheckType", "a parameter from beyond the page is dropped")
	v, _ = run(Choices{AlternativeCodes: true}, with(spec.ParamListenerPort, "0"))
	assert.Equal(t, "InvalidParameter.ListenerPort", code(v))
	v, _ = run(Choices{AlternativeCodes: true}, with("Tag.1.Value", "v"))
	assert.Equal(t, "MissingParam.TagKey", code(v), "a code the page ties to its trigger stays")
}

// The boundary of every constraint kind a fault can refuse is a value the constraint permits.
func TestBoundariesArePermitted(t *testing.T) {
	for _, om := range plainEngine.ops {
		if !om.op.UnderTest {
			continue
		}
		for _, pm := range om.params {
			models := []*paramModel{pm}
			if pm.list != nil {
				models = append(models, pm.list.fields...)
			}
			for _, m := range models {
				for _, ch := range m.checks {
					b, ok := boundaryOf(ch.c)
					if !ok {
						continue
					}
					t.Run(fmt.Sprintf("%s/%s", m.p.Path, ch.kind), func(t *testing.T) {
						assert.NotEmpty(t, b.what)
						if v, ok := boundaryExample(ch.c); ok {
							assert.True(t, b.at(v, ch.c.Int), "%q is at the boundary", v)
							bad, _ := breaks(&engineSettings{}, &ch, v, ch.c.Int, true, nil)
							assert.False(t, bad, "%q is permitted", v)
						}
					})
				}
			}
		}
	}
}

// boundaryExample is a value at a constraint's boundary, for the kinds that have a simple one.
func boundaryExample(c *spec.Constraint) (string, bool) {
	switch c.Kind {
	case spec.KindMinimum, spec.KindMaximum:
		return itoa64(c.Int), true
	case spec.KindMinLength, spec.KindMaxLength:
		return strings.Repeat("a", int(c.Int)), true
	case spec.KindEnum:
		return c.Values[len(c.Values)-1], true
	case spec.KindForbiddenPrefixes:
		return "x" + c.Values[0], true
	}
	return "", false
}

func TestPatternBoundaries(t *testing.T) {
	for expr, want := range map[string][2]string{
		`^(\$_ip|[A-Za-z0-9.-]+)$`:       {"$_ip", "example.com"},
		`^/[A-Za-z0-9/.%?#&-]+$`:         {"/a#b", "/ab"},
		`^[A-Za-z0-9/._-]+$`:             {"a_b", "a-b"},
		`^http_[2-5]xx(,http_[2-5]xx)*$`: {"http_2xx,http_3xx", "http_2xx"},
		`^[A-Za-z0-9]+$`:                 {"a1", "ab"},
		`^(0|-?[1-9][0-9]*)$`:            {"0", "5"},
		`^[a-z]+$`:                       {"", ""},
	} {
		b, ok := patternBoundary(expr)
		if want[0] == "" {
			assert.False(t, ok, expr)
			continue
		}
		require.True(t, ok, expr)
		assert.True(t, b.at(want[0], 0), "%s: %q", expr, want[0])
		assert.False(t, b.at(want[1], 0), "%s: %q", expr, want[1])
	}
	n, ok := patternMinLength(`^/[A-Za-z0-9/.%?#&-]+$`)
	assert.True(t, ok)
	assert.Equal(t, 2, n)
	n, _ = patternMinLength(`^(\$_ip|[A-Za-z0-9.-]+)$`)
	assert.Equal(t, 1, n)
	n, _ = patternMinLength(`^a{3}b?$`)
	assert.Equal(t, 3, n)
}

const (
	pIdle    = spec.ParamIdleTimeout
	pRequest = spec.ParamRequestTimeout
)
