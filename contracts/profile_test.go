package contracts_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/target"
)

func TestParseChecks(t *testing.T) {
	all, err := contracts.ParseChecks("all")
	require.NoError(t, err)
	for _, c := range contracts.Registry {
		assert.True(t, all[c.Name].Enabled, c.Name)
	}
	only, err := contracts.ParseChecks("expected-outcome,request-id:warning")
	require.NoError(t, err)
	assert.True(t, only[contracts.CheckExpectedOutcome].Enabled)
	assert.Equal(t, contracts.SeverityWarning, only[contracts.CheckRequestID].Severity)
	assert.False(t, only[contracts.CheckContentType].Enabled)
	minus, err := contracts.ParseChecks("-content-type")
	require.NoError(t, err)
	assert.False(t, minus[contracts.CheckContentType].Enabled)
	assert.True(t, minus[contracts.CheckExpectedOutcome].Enabled)
	_, err = contracts.ParseChecks("no-such-check")
	assert.ErrorContains(t, err, "known checks")
	_, err = contracts.ParseChecks("request-id:loud")
	assert.Error(t, err)
}

func TestParseOverridesRefusesUselessEntries(t *testing.T) {
	_, err := contracts.ParseOverrides([]byte("expectations:\n  - expect: {code: X, status: 400}\n"), "f.yaml")
	assert.ErrorContains(t, err, "matches every case")
	_, err = contracts.ParseOverrides([]byte("expectations:\n  - match: {param: IdleTimeout}\n"), "f.yaml")
	assert.ErrorContains(t, err, "expects nothing")
	_, err = contracts.ParseOverrides([]byte("expectations:\n  - match: {param: IdleTimeout}\n    expect: {code: X}\n"), "f.yaml")
	assert.ErrorContains(t, err, "status")
	_, err = contracts.ParseOverrides([]byte("expectations:\n  - match: {parm: IdleTimeout}\n"), "f.yaml")
	assert.Error(t, err, "unknown fields are refused")
	o, err := contracts.ParseOverrides([]byte(`{"expectations":[{"match":{"param":"IdleTimeout","kind":"maximum"},"expect":{"code":"InvalidParameter","status":400}}]}`), "f.json")
	require.NoError(t, err)
	require.Len(t, o.Expectations, 1)
}

// An override changes what a case expects: the faithful emulator now fails the overridden
// cases, and a skip override skips them with its reason.
func TestOverridesApply(t *testing.T) {
	tg, err := embedded.New(emulator.DefaultConfig())
	require.NoError(t, err)
	o, err := contracts.ParseOverrides([]byte(`
expectations:
  - match: {param: IdleTimeout, kind: maximum}
    expect: {code: InvalidParameter, status: 400}
  - match: {param: RequestTimeout}
    expect: {skip: not implemented by this target}
`), "o.yaml")
	require.NoError(t, err)
	rep := &collect{}
	_, _, err = contracts.Execute(context.Background(), tg, contracts.Options{Overrides: o, Reporter: rep, Random: -1, Sequences: -1,
		Filter: func(c generators.Case) bool {
			return c.Broken != nil && (c.Broken.Param == "IdleTimeout" || c.Broken.Param == "RequestTimeout")
		}})
	require.NoError(t, err)
	var idleFail, reqSkip int
	for _, r := range rep.results {
		if r.Broken.Param == "IdleTimeout" && r.Broken.Kind == "maximum" {
			assert.Equal(t, "override", r.Basis, r.ID)
			// The emulator answers its documented code to a plain decimal above the
			// maximum, which the override does not expect; values spelled beyond the
			// integers it reads get the generic code, which the override does expect.
			if r.Scenario == "VALUE_ABOVE_MAXIMUM" {
				assert.Equal(t, contracts.Fail, r.Verdict, r.ID)
				idleFail++
			}
		}
		if r.Broken.Param == "RequestTimeout" {
			assert.Equal(t, contracts.Skip, r.Verdict, r.ID)
			assert.Contains(t, r.SkipReason, "not implemented")
			reqSkip++
		}
	}
	assert.NotZero(t, idleFail)
	assert.NotZero(t, reqSkip)
}

// A request budget stops starting cases once it is used up, and says so.
func TestRequestBudget(t *testing.T) {
	tg, err := embedded.New(emulator.DefaultConfig())
	require.NoError(t, err)
	sum, _, err := contracts.Execute(context.Background(), tg, contracts.Options{MaxRequests: 40, Workers: 1, Random: -1, Sequences: -1})
	require.NoError(t, err)
	assert.Less(t, sum.Cases, 40)
	assert.NotZero(t, sum.Cases)
	assert.Contains(t, sum.AbortCause, "request budget of 40")
}

// The rate limit spaces every request of a run, the fixtures' and the clean-up's included.
func TestRateLimitCoversEveryRequest(t *testing.T) {
	tg, err := embedded.New(emulator.DefaultConfig())
	require.NoError(t, err)
	c := &target.Counted{Target: tg}
	const rate = 400.0
	start := time.Now()
	_, _, err = contracts.Execute(context.Background(), c, contracts.Options{RateLimit: rate, Workers: 4, Random: -1, Sequences: -1,
		Filter: func(g generators.Case) bool { return strings.HasPrefix(g.ID, "negative/IdleTimeout/") }})
	require.NoError(t, err)
	n := c.Count()
	require.Greater(t, n, int64(10))
	assert.GreaterOrEqual(t, time.Since(start), time.Duration(float64(n-1)/rate*float64(time.Second)))
}
