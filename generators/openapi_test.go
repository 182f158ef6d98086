package generators_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
)

// kinValidate validates a GET request carrying vals against the operation under test with
// kin-openapi, an implementation of the OpenAPI rules independent of package spec.
func kinValidate(t *testing.T, s *spec.Spec, vals url.Values) error {
	t.Helper()
	op, _, path := s.UnderTest.OpenAPI()
	vals.Set(spec.ParamAction, s.UnderTest.Action)
	vals.Set(spec.ParamVersion, s.APIVersion)
	req, err := http.NewRequest(http.MethodGet, "http://localhost/?"+vals.Encode(), nil)
	require.NoError(t, err)
	route := &routers.Route{Spec: s.Doc(), Path: path, PathItem: s.Doc().Paths.Value(path), Method: http.MethodGet, Operation: op}
	return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req, Route: route, Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}})
}

// Every valid request the generators make, enumerated or random, passes kin-openapi's request
// validation; every value-level negative case of a top-level parameter fails it.
func TestGeneratedRequestsAgreeWithKinOpenAPI(t *testing.T) {
	s := spec.MustDefault()
	cases := append(generators.Enumerate(s, generators.Options{}), generators.RandomCases(s, 5, 60)...)
	positives, negatives := 0, 0
	for _, c := range cases {
		if !c.Static || c.Action != s.UnderTest.Action || c.Version != "" {
			continue
		}
		vals := resolve(c.Params)
		err := kinValidate(t, s, vals)
		switch {
		case c.Expect.Success && c.Broken == nil:
			positives++
			assert.NoError(t, err, c.ID)
		case c.Broken != nil && c.Broken.Param == c.Broken.Wire && s.UnderTest.Param(c.Broken.Param) != nil && kinKnows(c.Broken.Kind):
			negatives++
			assert.Error(t, err, c.ID)
		}
	}
	assert.Greater(t, positives, 100)
	assert.Greater(t, negatives, 100)
}

// kinKnows lists the constraint kinds plain OpenAPI can express (the x- ones are ours).
func kinKnows(k spec.Kind) bool {
	switch k {
	case spec.KindRequired, spec.KindMinimum, spec.KindMaximum, spec.KindMinLength, spec.KindMaxLength, spec.KindEnum, spec.KindPattern:
		return true
	}
	return false
}
