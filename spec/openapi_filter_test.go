package spec_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/spec"
)

// These tests make sure the description is usable by kin-openapi's request validator as well
// as by the typed model, and that the two agree on the plain schema keywords.

// route builds the kin-openapi route of an operation by hand: the RPC wire form has a single
// path, so a router would not tell the operations apart.
func route(t *testing.T, s *spec.Spec, o *spec.Operation) *routers.Route {
	t.Helper()
	op, method, path := o.OpenAPI()
	require.NotNil(t, op)
	item := s.Doc().Paths.Value(path)
	require.NotNil(t, item, "path %s", path)
	return &routers.Route{Spec: s.Doc(), Path: path, PathItem: item, Method: method, Operation: op}
}

func kinValidate(t *testing.T, values url.Values) error {
	t.Helper()
	s := spec.MustDefault()
	r := route(t, s, s.UnderTest)
	require.Equal(t, http.MethodGet, r.Method, "the operation under test is described as GET")
	q := url.Values{}
	for k, vs := range values {
		q[k] = append([]string(nil), vs...)
	}
	q.Set(spec.ParamAction, spec.ActionCreateHTTPSListener)
	q.Set(spec.ParamVersion, s.APIVersion)
	req := httptest.NewRequest(http.MethodGet, "https://slb.aliyuncs.com"+r.Path+"?"+q.Encode(), nil)
	return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req,
		Route:   r,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	})
}

func TestKinOpenAPIAcceptsTheMinimalRequest(t *testing.T) {
	require.NoError(t, kinValidate(t, minimal()))
}

// kin-openapi refuses a request for the parameter that breaks its schema.
func TestKinOpenAPIRefusesBrokenParameters(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values url.Values
		param  string
	}{
		{"ListenerPort zero", with("ListenerPort", "0"), "ListenerPort"},
		{"HealthCheck missing", with("HealthCheck", del), "HealthCheck"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := kinValidate(t, tc.values)
			require.Error(t, err)
			var re *openapi3filter.RequestError
			require.True(t, errors.As(err, &re), "%T: %v", err, err)
			require.NotNil(t, re.Parameter)
			assert.Equal(t, tc.param, re.Parameter.Name)
		})
	}
}

// kin-openapi, fed the description as any user of it would be, refuses exactly the values the
// model's bounds refuse: one past each end of every range and length, a value outside every
// enum, and accepts the values at the ends. (The expectation follows from how each value is
// built; lengths are tried on parameters without a pattern, which would judge the filler.)
func TestKinOpenAPIAgreesWithTheModelOnBounds(t *testing.T) {
	_, op := underTest(t)
	compared := 0
	for _, p := range op.Parameters {
		if p.Common || p.List != nil {
			continue
		}
		_, patterned := p.Constraint(spec.KindPattern)
		forbidden, _ := p.Constraint(spec.KindForbiddenValues)
		type probe struct {
			v      string
			refuse bool
		}
		var probes []probe
		for _, c := range p.Constraints {
			switch c.Kind {
			case spec.KindMinimum:
				probes = append(probes, probe{itoa(c.Int - 1), true}, probe{itoa(c.Int), false})
			case spec.KindMaximum:
				probes = append(probes, probe{itoa(c.Int), false}, probe{itoa(c.Int + 1), true})
			case spec.KindMinLength, spec.KindMaxLength:
				if patterned {
					continue
				}
				if c.Kind == spec.KindMinLength && c.Int > 1 {
					probes = append(probes, probe{repeatRune('a', c.Int-1), true})
				}
				probes = append(probes, probe{repeatRune('a', c.Int), false})
				if c.Kind == spec.KindMaxLength {
					probes = append(probes, probe{repeatRune('a', c.Int+1), true})
				}
			case spec.KindEnum:
				for _, e := range c.Values {
					probes = append(probes, probe{e, false})
				}
				probes = append(probes, probe{"not-" + c.Values[0], true})
			}
		}
		for _, pr := range probes {
			if slices.Contains(forbidden.Values, pr.v) {
				continue
			}
			err := kinValidate(t, with(p.Name, pr.v))
			assert.Equal(t, pr.refuse, err != nil, "%s=%q: kin-openapi says %v", p.Name, shorten(pr.v), err)
			compared++
		}
	}
	assert.Greater(t, compared, 100)
}

func repeatRune(r rune, n int64) string {
	b := make([]rune, n)
	for i := range b {
		b[i] = r
	}
	return string(b)
}

func shorten(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}
