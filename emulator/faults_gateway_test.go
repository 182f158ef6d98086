package emulator_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// gatewayAttacks are the requests the gateway faults let through, each built on a fresh
// environment; the faithful emulator refuses every one.
var gatewayAttacks = map[string]func(e *env) resp{
	"v3-minimal": func(e *env) resp {
		c := e.primary()
		req := c.v3Request(spec.ActionDescribeListeners, nil, e.clock.Now(), "")
		c.resignV3(req, "host")
		return do(e.t.(*testing.T), req)
	},
	"v3-host-unsigned": func(e *env) resp {
		c := e.primary()
		req := c.v3Request(spec.ActionDescribeListeners, nil, e.clock.Now(), "")
		signed := slices.DeleteFunc(signature.SignedHeadersV3(req), func(h string) bool { return h == "host" })
		c.resignV3(req, signed...)
		return do(e.t.(*testing.T), req)
	},
	"v3-added-header": func(e *env) resp {
		req := e.primary().v3Request(spec.ActionDescribeListeners, nil, e.clock.Now(), "")
		req.Header.Set("x-acs-added-later", "1")
		return do(e.t.(*testing.T), req)
	},
	"far-future": func(e *env) resp {
		return e.primary().sendAt(spec.ActionDescribeListeners, nil, e.clock.Now().AddDate(300, 0, 0))
	},
	"just-stale": func(e *env) resp {
		return e.primary().sendAt(spec.ActionDescribeListeners, nil, e.clock.Now().Add(-16*time.Minute))
	},
	"wrong-token": func(e *env) resp {
		c := e.primary()
		v := url.Values{spec.ParamAction: {spec.ActionDescribeListeners}, spec.ParamVersion: {spec.MustDefault().APIVersion}}
		creds := c.creds
		creds.SecurityToken = "not-issued-for-this-key"
		signature.AddV1Params(v, creds, e.clock.Now())
		v.Set(spec.ParamSignature, signature.SignV1(http.MethodPost, creds.AccessKeySecret, v))
		return c.send(v)
	},
	"future": func(e *env) resp {
		return e.primary().sendAt(spec.ActionDescribeListeners, nil, e.clock.Now().Add(time.Hour))
	},
	"repeated-bad-signature": func(e *env) resp {
		c := e.primary()
		v := c.signed(spec.ActionDescribeListeners, url.Values{spec.ParamMaxResults: {"10"}})
		v[spec.ParamMaxResults] = []string{"10", "10"}
		v.Set(spec.ParamSignature, "AAAA"+v.Get(spec.ParamSignature)[4:])
		return c.send(v)
	},
}

// sendAt sends a V1 request signed with the given clock reading.
func (c *client) sendAt(action string, params url.Values, at time.Time) resp {
	v := url.Values{spec.ParamAction: {action}, spec.ParamVersion: {spec.MustDefault().APIVersion}}
	for k, vs := range params {
		v[k] = vs
	}
	signature.AddV1Params(v, c.creds, at)
	v.Set(spec.ParamSignature, signature.SignV1(http.MethodPost, c.creds.AccessKeySecret, v))
	return c.send(v)
}

// Each gateway fault lets exactly its attacks through.
func TestGatewayFaults(t *testing.T) {
	passes := map[string][]string{
		"signature/v3-unsigned-headers-accepted":  {"v3-minimal", "v3-host-unsigned", "v3-added-header"},
		"signature/v3-host-unsigned-accepted":     {"v3-host-unsigned"},
		"signature/v3-added-header-accepted":      {"v3-added-header"},
		"signature/far-future-timestamp-accepted": {"far-future"},
		"signature/future-timestamp-accepted":     {"far-future", "future"},
		"signature/repeated-parameter-unverified": {"repeated-bad-signature"},
		"signature/timestamp-window-doubled":      {"just-stale"},
		"signature/any-security-token-accepted":   {"wrong-token"},
		"":                                        nil, // the faithful emulator
	}
	for fault, through := range passes {
		for attack, send := range gatewayAttacks {
			var e *env
			if fault == "" {
				e = newEnv(t)
			} else {
				e = newEnv(t, inject(fault))
			}
			r := send(e)
			if contains(through, attack) {
				assert.Equal(t, http.StatusOK, r.Status, "%s lets %s through: %s", fault, attack, r.Raw)
			} else {
				assert.GreaterOrEqual(t, r.Status, 400, "%q refuses %s", fault, attack)
				require.NotEmpty(t, r.code(), "%s", r.Raw)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
