package target_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// service imitates the real endpoint with httpmock: it answers from an emulator, except where
// fail says otherwise (throttling, 5xx bursts, dropped connections).
func service(t *testing.T, fail func(n int64, r *http.Request) (*http.Response, error)) (*http.Client, *emulator.Emulator, emulator.Config, *atomic.Int64) {
	t.Helper()
	cfg := emulator.DefaultConfig()
	emu, err := emulator.New(cfg)
	require.NoError(t, err)
	mock := httpmock.NewMockTransport()
	var n atomic.Int64
	mock.RegisterRegexpResponder("POST", regexpAny, func(r *http.Request) (*http.Response, error) {
		k := n.Add(1)
		if fail != nil {
			if resp, err := fail(k, r); resp != nil || err != nil {
				return resp, err
			}
		}
		rec := httptest.NewRecorder()
		emu.ServeHTTP(rec, r)
		return rec.Result(), nil
	})
	return &http.Client{Transport: mock}, emu, cfg, &n
}

func errorAnswer(status int, code string) *http.Response {
	resp := httpmock.NewStringResponse(status, `{"RequestId":"X","Code":"`+code+`","Message":"imitated","HostId":"slb.aliyuncs.com"}`)
	resp.Header.Set("Content-Type", "application/json;charset=utf-8")
	return resp
}

func noSleep(context.Context, time.Duration) error { return nil }

// Throttling and 5xx bursts are retried with backoff, every try freshly signed, and each retry
// is counted by kind; a judged request is retried on throttling and 503 only (turned away
// before the operation ran), never after a reset (the first try may have acted).
func TestRetryingRetriesTransientAnswersWithFreshSignatures(t *testing.T) {
	var mu sync.Mutex
	var nonces []string
	client, _, cfg, calls := service(t, func(n int64, r *http.Request) (*http.Response, error) {
		q, _ := url.ParseQuery(r.URL.RawQuery)
		mu.Lock()
		nonces = append(nonces, q.Get(spec.ParamSignatureNonce))
		mu.Unlock()
		switch n {
		case 1:
			return errorAnswer(400, "Throttling.User"), nil
		case 2:
			return errorAnswer(503, "ServiceUnavailable"), nil
		case 3:
			return nil, errors.New("connection reset by peer")
		}
		return nil, nil
	})
	base, err := target.NewHTTP(target.HTTPConfig{BaseURL: "https://slb.aliyuncs.com", Client: client, Credentials: embedded.PrincipalCredentials(cfg)})
	require.NoError(t, err)
	var retries []string
	rt := target.NewRetrying(base, target.RetryPolicy{Sleep: noSleep})
	rt.OnRetry = func(_ target.Request, _ int, reason string) { retries = append(retries, reason) }
	resp, err := rt.Send(context.Background(), target.Request{Action: spec.ActionCreateLoadBalancer, Params: []target.KV{{Name: spec.ParamLoadBalancerSpec, Value: "slb.s2.small"}}})
	require.NoError(t, err)
	assert.True(t, resp.Success(), resp.Code)
	assert.Equal(t, int64(4), calls.Load())
	assert.Equal(t, []string{target.TroubleThrottled, target.TroubleUnavailable, target.TroubleConnection}, retries)
	assert.Equal(t, map[string]int{target.TroubleThrottled: 1, target.TroubleUnavailable: 1, target.TroubleConnection: 1}, target.TroubleTallyOf(rt).Retried())
	seen := map[string]bool{}
	for _, n := range nonces {
		assert.False(t, seen[n], "a retry reused a nonce")
		seen[n] = true
	}

	// A judged request: a 503 is tried again (and counted); a reset is not.
	calls.Store(1)
	_, err = rt.Send(context.Background(), target.Request{Action: spec.ActionCreateLoadBalancer, Judged: true})
	require.ErrorIs(t, err, target.ErrUnreachable)
	assert.Equal(t, int64(3), calls.Load(), "the judged request was sent again after the 503, and stopped at the reset")
	assert.Equal(t, 2, target.TroubleTallyOf(rt).Retried()[target.TroubleUnavailable])
}

// Attempts are bounded, and a cancelled context stops the waiting.
func TestRetryingGivesUp(t *testing.T) {
	client, _, cfg, calls := service(t, func(int64, *http.Request) (*http.Response, error) { return errorAnswer(400, "Throttling.User"), nil })
	base, err := target.NewHTTP(target.HTTPConfig{BaseURL: "https://slb.aliyuncs.com", Client: client, Credentials: embedded.PrincipalCredentials(cfg)})
	require.NoError(t, err)
	rt := target.NewRetrying(base, target.RetryPolicy{MaxAttempts: 3, Sleep: noSleep})
	resp, err := rt.Send(context.Background(), target.Request{Action: spec.ActionCreateLoadBalancer})
	require.NoError(t, err)
	assert.Equal(t, "Throttling.User", resp.Code)
	assert.Equal(t, int64(3), calls.Load())

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	slow := target.NewRetrying(base, target.RetryPolicy{MaxAttempts: 50, Base: time.Hour})
	start := time.Now()
	_, _ = slow.Send(ctx, target.Request{Action: spec.ActionCreateLoadBalancer})
	assert.Less(t, time.Since(start), 5*time.Second)
}

// A run against an imitated service that throttles now and then and then fails in the middle
// still removes every instance it created.
func TestCleanupHappensWhenTheServiceFailsMidRun(t *testing.T) {
	var broken atomic.Bool
	var instances atomic.Int64
	client, emu, cfg, _ := service(t, func(n int64, r *http.Request) (*http.Response, error) {
		q, _ := url.ParseQuery(r.URL.RawQuery)
		if q.Get(spec.ParamAction) == spec.ActionCreateLoadBalancer {
			instances.Add(1)
		}
		if n%17 == 0 {
			return errorAnswer(400, "Throttling.User"), nil
		}
		if instances.Load() >= 4 && q.Get(spec.ParamAction) == spec.ActionCreateHTTPSListener {
			broken.Store(true)
			return nil, errors.New("connection refused")
		}
		return nil, nil
	})
	base, err := target.NewHTTP(target.HTTPConfig{BaseURL: "https://slb.aliyuncs.com", Client: client, Credentials: embedded.PrincipalCredentials(cfg)})
	require.NoError(t, err)
	rt := target.NewRetrying(base, target.RetryPolicy{MaxAttempts: 2, Sleep: noSleep})
	// The fixtures declare the emulator's zones and quotas, so the run builds instances for
	// them as it would against a real service whose quotas are known.
	q, sc := cfg.Offered()
	fx := &resources.FixtureFile{Quotas: q, Scenarios: sc}
	sum, _, err := contracts.Execute(context.Background(), rt, contracts.Options{Workers: 2, Random: -1, Sequences: -1, Fixtures: fx})
	require.True(t, broken.Load(), "the imitated outage never happened")
	require.GreaterOrEqual(t, instances.Load(), int64(4), "the run created no instance, so cleanup proves nothing")
	require.ErrorIs(t, err, target.ErrUnreachable)
	assert.True(t, sum.Aborted)
	snap, err := emu.Snapshot()
	require.NoError(t, err)
	assert.NotContains(t, string(snap), `"lb-`, "an instance the run created is still there")
}

var regexpAny = regexp.MustCompile(`.*`)

// The retried and the "already gone" answers come from the catalogues: throttling is the only
// class retried for a judged request, and a missing instance or listener counts as gone.
func TestAnswerClassesComeFromTheCatalogue(t *testing.T) {
	p := target.DefaultRetryPolicy()
	assert.Contains(t, p.JudgedCodes, "Throttling.User")
	for _, c := range []string{"Throttling.User", "ListenerProcessing", "ServiceIsConfiguring", "SystemBusy", "OperationBusy", "InternalError", "ServiceUnavailable"} {
		assert.Contains(t, p.Codes, c)
	}
	assert.NotContains(t, p.JudgedCodes, "ListenerProcessing")
	assert.True(t, target.Gone(&target.Response{Status: 400, Code: "InvalidLoadBalancerId.NotFound"}))
	notFound, _ := spec.MustDefault().NeighbourError("listener-not-found")
	assert.True(t, target.Gone(&target.Response{Status: notFound.Status, Code: notFound.Code}))
	assert.False(t, target.Gone(&target.Response{Status: 400, Code: "InvalidParameter"}))
	assert.False(t, target.Gone(&target.Response{Status: 200}))
}

// The deletes of the final clean-up count "not found" as gone for every kind of resource a
// run creates, with the codes the catalogue accepts for it; and only the clean-up waits for a
// TLS policy still being configured (a case expects that answer from the create).
func TestCleanupAnswerClassesCoverEveryDeletedKind(t *testing.T) {
	s := spec.MustDefault()
	for _, st := range []spec.NeighbourState{spec.NeighbourServerCertificateNotFound, spec.NeighbourCACertificateAbsent, spec.NeighbourACLAbsent} {
		e, ok := s.NeighbourError(st)
		require.True(t, ok, st)
		for _, code := range append([]string{e.Code}, e.Accept...) {
			assert.True(t, target.Gone(&target.Response{Status: e.Status, Code: code}), "%s: %s", st, code)
		}
	}
	policyGone, _ := s.StateError(spec.StateTLSPolicyNotFound)
	assert.True(t, target.Gone(&target.Response{Status: policyGone.Status, Code: policyGone.Code}))
	inUse, _ := s.NeighbourError(spec.NeighbourACLInUse)
	assert.False(t, target.Gone(&target.Response{Status: inUse.Status, Code: inUse.Code}), "in use is not gone")
	configuring, _ := s.StateError(spec.StateTLSPolicyConfiguring)
	assert.Contains(t, target.CleanupRetryPolicy().Codes, configuring.Code)
	assert.NotContains(t, target.DefaultRetryPolicy().Codes, configuring.Code)
}

// A busy answer to a request the harness provoked (a lifecycle step right after the last
// one) is waited out like any other and counted as settling, not as trouble; throttling still
// is trouble.
func TestProvokedBusyAnswersAreNotTrouble(t *testing.T) {
	for _, tc := range []struct {
		code      string
		provoking bool
		counted   int
	}{
		{"ServiceIsConfiguring", false, 1},
		{"ServiceIsConfiguring", true, 0},
		{"Throttling.User", true, 1},
	} {
		client, _, cfg, calls := service(t, func(n int64, _ *http.Request) (*http.Response, error) {
			if n == 1 {
				return errorAnswer(400, tc.code), nil
			}
			return nil, nil
		})
		base, err := target.NewHTTP(target.HTTPConfig{BaseURL: "https://slb.aliyuncs.com", Client: client, Credentials: embedded.PrincipalCredentials(cfg)})
		require.NoError(t, err)
		rt := target.NewRetrying(base, target.RetryPolicy{MaxAttempts: 3, Sleep: noSleep})
		_, err = rt.Send(context.Background(), target.Request{Action: spec.ActionDescribeLoadBalancers, Provoking: tc.provoking})
		require.NoError(t, err)
		assert.Equal(t, int64(2), calls.Load(), "%s retried once", tc.code)
		assert.Equal(t, tc.counted, rt.Trouble().Total()-rt.Trouble().Retried()[target.TroubleSettling], "%s provoking=%v", tc.code, tc.provoking)
		if tc.provoking && tc.code == "ServiceIsConfiguring" {
			assert.Equal(t, 1, rt.Trouble().Retried()[target.TroubleSettling], "shown as settling")
		}
	}
}
