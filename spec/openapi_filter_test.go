package spec_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
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

// kin-openapi and Parameter.Check agree on ranges, lengths and enums of every scalar
// parameter of the operation under test. (The x- extensions are the model's alone, and
// conditional rules are out of a schema's reach, so those are not compared.)
func TestKinOpenAPIAgreesWithCheckOnBounds(t *testing.T) {
	s, op := underTest(t)
	compared := 0
	for _, p := range op.Parameters {
		if p.Common || p.List != nil {
			continue
		}
		var values []string
		for _, c := range p.Constraints {
			switch c.Kind {
			case spec.KindMinimum, spec.KindMaximum:
				values = append(values, itoa(c.Int-1), itoa(c.Int), itoa(c.Int+1))
			case spec.KindMinLength, spec.KindMaxLength:
				for _, n := range []int64{c.Int - 1, c.Int, c.Int + 1} {
					if n >= 0 {
						values = append(values, repeatRune('a', n))
					}
				}
			case spec.KindEnum:
				values = append(values, c.Values...)
				values = append(values, "not-"+c.Values[0])
			}
		}
		for _, v := range values {
			k, _ := p.Check(v)
			if isExtensionKind(k) {
				continue
			}
			req := with(p.Name, v)
			err := kinValidate(t, req)
			modelRefuses := k != ""
			if !modelRefuses {
				// kin-openapi judges the value alone; make sure the model does too.
				if vi := s.Validate(op, req); vi != nil && vi.Param != p.Name {
					continue
				}
			}
			assert.Equal(t, modelRefuses, err != nil, "%s=%q: model says %q, kin-openapi says %v", p.Name, shorten(v), k, err)
			compared++
		}
	}
	assert.Greater(t, compared, 100)
}

func isExtensionKind(k spec.Kind) bool {
	switch k {
	case spec.KindForbiddenPrefixes, spec.KindForbiddenSubstrings, spec.KindForbiddenValues:
		return true
	}
	return false
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
