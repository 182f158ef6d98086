package spec_test

import (
	"errors"
	"maps"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/spec"
)

// The description defines exactly the names of spec/names.go: a rule, quota or gateway state
// added on the description's side only is a load error naming it, as is a name Go code relies
// on that the description drops.
func TestVocabularyMatchesTheDescription(t *testing.T) {
	cases := []struct {
		name, where string
		code        spec.LoadErrorCode
		edit        func(t *testing.T, d map[string]any)
	}{
		{"a rule Go code does not know", "x-rules", spec.ErrCodeUnknownName, func(t *testing.T, d map[string]any) {
			r := maps.Clone(findEntry(t, d, "x-rules", "id", string(spec.RuleCookieRequired)))
			r["id"] = "cookie-required-twice"
			d["x-rules"] = append(d["x-rules"].([]any), r)
		}},
		{"a quota Go code does not know", "x-quotas", spec.ErrCodeUnknownName, func(t *testing.T, d map[string]any) {
			quotas := d["x-quotas"].(map[string]any)
			quotas["listeners-per-universe"] = maps.Clone(quotas[string(spec.QuotaListenersPerACL)].(map[string]any))
		}},
		{"a gateway state Go code does not know", "x-gateway-errors", spec.ErrCodeUnknownName, func(t *testing.T, d map[string]any) {
			d["x-gateway-errors"] = append(d["x-gateway-errors"].([]any), map[string]any{"code": "Busy.Gateway", "status": 503, "documented": false,
				"message": "busy", "trigger": map[string]any{"kind": "gateway", "state": "gateway-busy"}})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := spec.Parse(mutated(t, func(d map[string]any) { tc.edit(t, d) }))
			var le *spec.LoadError
			require.True(t, errors.As(err, &le), "a *spec.LoadError, got %T: %v", err, err)
			assert.Equal(t, tc.code, le.Code, "%v", err)
			assert.Contains(t, le.Where, tc.where, "%v", err)
			assert.Contains(t, err.Error(), "spec/names.go")
		})
	}
}
