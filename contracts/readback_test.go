package contracts_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// The read-back is compared by meaning, and each difference is its own finding with the
// attribute as subject, as firm as the page is about it.
func TestReadBackComparesByMeaning(t *testing.T) {
	s := spec.MustDefault()
	base := []target.KV{{Name: "Bandwidth", Value: "-1"}, {Name: "HealthCheck", Value: "on"}}
	num := func(n string) any { return json.Number(n) }
	for _, tc := range []struct {
		name    string
		sent    []target.KV
		fields  map[string]any
		profile string
		want    map[string]contracts.Verdict // subject -> verdict; empty: one pass
	}{
		{"integer spelled +1 read back as 1", []target.KV{{Name: "BackendServerPort", Value: "+1"}}, map[string]any{"BackendServerPort": num("1")}, contracts.ProfileDocumented, nil},
		{"integer spelled 01 read back as 1", []target.KV{{Name: "BackendServerPort", Value: "01"}}, map[string]any{"BackendServerPort": num("1"), "Bandwidth": num("-1")}, contracts.ProfileDocumented, nil},
		{"integer read back as a string: a warning (the page does not cover Describe)", []target.KV{{Name: "IdleTimeout", Value: "5"}}, map[string]any{"IdleTimeout": "5", "Bandwidth": num("-1")}, contracts.ProfileDocumented,
			map[string]contracts.Verdict{"IdleTimeout": contracts.Warn}},
		{"integer read back as a string: strict fails", []target.KV{{Name: "IdleTimeout", Value: "5"}}, map[string]any{"IdleTimeout": "5", "Bandwidth": num("-1")}, contracts.ProfileStrict,
			map[string]contracts.Verdict{"IdleTimeout": contracts.Fail}},
		{"list of codes read back in another order", []target.KV{{Name: "HealthCheckHttpCode", Value: "http_2xx,http_3xx,http_5xx"}}, map[string]any{"HealthCheckHttpCode": "http_5xx,http_2xx,http_3xx"}, contracts.ProfileDocumented, nil},
		{"list of codes read back with spaces and a repeat", []target.KV{{Name: "HealthCheckHttpCode", Value: "http_2xx,http_3xx"}}, map[string]any{"HealthCheckHttpCode": "http_3xx, http_2xx,http_3xx"}, contracts.ProfileDocumented, nil},
		{"list of codes read back short of one", []target.KV{{Name: "HealthCheckHttpCode", Value: "http_2xx,http_3xx"}}, map[string]any{"HealthCheckHttpCode": "http_2xx"}, contracts.ProfileDocumented,
			map[string]contracts.Verdict{"HealthCheckHttpCode": contracts.Fail}},
		{"another value read back", []target.KV{{Name: "Description", Value: "abc"}}, map[string]any{"Description": "abd", "Bandwidth": num("-1")}, contracts.ProfileDocumented,
			map[string]contracts.Verdict{"Description": contracts.Fail}},
		{"empty value read as absent: default", []target.KV{{Name: "AclStatus", Value: ""}}, map[string]any{"AclStatus": "off", "Bandwidth": num("-1")}, contracts.ProfileDocumented, nil},
		{"empty value read as absent: nothing", []target.KV{{Name: "AclStatus", Value: ""}}, map[string]any{"Bandwidth": num("-1")}, contracts.ProfileDocumented, nil},
		{"empty value stored empty", []target.KV{{Name: "Description", Value: ""}}, map[string]any{"Description": "", "Bandwidth": num("-1")}, contracts.ProfileDocumented, nil},
		{"attribute never set and not read back", nil, map[string]any{"Bandwidth": num("-1")}, contracts.ProfileDocumented, nil},
		{"documented default not read back: a warning", nil, map[string]any{"IdleTimeout": nil}, contracts.ProfileDocumented,
			map[string]contracts.Verdict{"IdleTimeout": contracts.Warn}},
		{"inferred default read back empty: nothing to say", nil, map[string]any{"Gzip": ""}, contracts.ProfileDocumented, nil},
		{"inferred default read back empty: strict fails", nil, map[string]any{"Gzip": ""}, contracts.ProfileStrict,
			map[string]contracts.Verdict{"Gzip": contracts.Fail}},
		{"inferred default differs: a warning", nil, map[string]any{"Gzip": "off", "Bandwidth": num("-1")}, contracts.ProfileDocumented,
			map[string]contracts.Verdict{"Gzip": contracts.Warn}},
		{"inferred default differs: strict fails", nil, map[string]any{"Gzip": "off", "Bandwidth": num("-1")}, contracts.ProfileStrict,
			map[string]contracts.Verdict{"Gzip": contracts.Fail}},
		{"default absent: strict fails", nil, map[string]any{"IdleTimeout": nil}, contracts.ProfileStrict,
			map[string]contracts.Verdict{"IdleTimeout": contracts.Fail}},
		{"documented default differs", nil, map[string]any{"IdleTimeout": num("10"), "Bandwidth": num("-1")}, contracts.ProfileDocumented,
			map[string]contracts.Verdict{"IdleTimeout": contracts.Fail}},
		{"attribute of another source differs: a warning", []target.KV{{Name: "HealthCheckHttpVersion", Value: "http1.0"}}, map[string]any{"HealthCheckHttpVersion": "http1.1", "Bandwidth": num("-1")}, contracts.ProfileDocumented,
			map[string]contracts.Verdict{"HealthCheckHttpVersion": contracts.Warn}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sent := append(append([]target.KV{}, base...), tc.sent...)
			// The attributes whose default the page states, read back as the defaults unless a
			// row says otherwise (nil: left out).
			fields := map[string]any{"HealthCheck": "on", "Bandwidth": num("-1"), "IdleTimeout": num("15"), "RequestTimeout": num("60")}
			for k, v := range tc.fields {
				fields[k] = v
				if v == nil {
					delete(fields, k)
				}
			}
			got := contracts.ReadBack(s, sent, fields, tc.profile)
			if len(tc.want) == 0 {
				if assert.Len(t, got, 1) {
					assert.Equal(t, contracts.Pass, got[0].Verdict, got[0].Message)
				}
				return
			}
			seen := map[string]contracts.Verdict{}
			for _, r := range got {
				seen[r.Subject] = r.Verdict
				assert.Equal(t, contracts.CheckListenerCreated, r.Check)
			}
			if tc.profile == contracts.ProfileStrict {
				// strict also holds every default that is not read back: look at the one meant
				for k, v := range tc.want {
					assert.Equal(t, v, seen[k], k)
				}
				return
			}
			assert.Equal(t, tc.want, seen)
		})
	}
}
