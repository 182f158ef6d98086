package contracts

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// TestResponseSchemaShortcutAgreesWithKin checks that reusing the fields the target decoded
// reaches the same verdict as kin-openapi's own validation, which decodes the body again, on
// good answers and on answers spoiled in ways the schema forbids.
func TestResponseSchemaShortcutAgreesWithKin(t *testing.T) {
	s := spec.MustDefault()
	rr := responseRouteFor(s)
	require.NotEmpty(t, rr.direct, "the documented statuses should have schemas to check directly")
	answers := sampleAnswers(t)
	rebuild := func(base *target.Response, edit func(map[string]any)) *target.Response {
		var m map[string]any
		require.NoError(t, json.Unmarshal(base.Body, &m))
		edit(m)
		body, err := json.Marshal(m)
		require.NoError(t, err)
		r := &target.Response{Status: base.Status, ContentType: base.ContentType, Body: body}
		target.Decode(r)
		return r
	}
	cases := map[string]struct {
		r     *target.Response
		valid bool
	}{
		"success as sent":   {answers[0], true},
		"error as sent":     {answers[1], true},
		"request id number": {rebuild(answers[0], func(m map[string]any) { m[spec.FieldRequestID] = 7 }), false},
		"request id gone":   {rebuild(answers[0], func(m map[string]any) { delete(m, spec.FieldRequestID) }), false},
		"code is a list":    {rebuild(answers[1], func(m map[string]any) { m[spec.FieldCode] = []any{"x"} }), false},
		"success with another 2xx": {func() *target.Response {
			r := *answers[0]
			r.Status = 202
			return &r
		}(), true},
		"error with an undescribed 4xx": {func() *target.Response {
			r := *answers[1]
			r.Status = 409
			return &r
		}(), true},
		"undocumented status": {func() *target.Response {
			r := *answers[0]
			r.Status = 418
			return &r
		}(), false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			kin := validateWithKin(rr, tc.r)
			got := validateResponse(s, tc.r)
			assert.Equal(t, tc.valid, kin == nil, "kin-openapi: %v", kin)
			assert.Equal(t, kin == nil, got == nil, "shortcut %v, kin-openapi %v", got, kin)
			if kin != nil && got != nil {
				assert.Equal(t, kin.Error(), got.Error(), "a refusal is worded by kin-openapi either way")
			}
		})
	}
}
