package contracts_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// rewrite wraps the faithful emulator and changes its answers after the fact.
type rewrite struct {
	h  http.Handler
	fn func(action string, params url.Values, rec *httptest.ResponseRecorder) (int, http.Header, []byte)
}

func (rw rewrite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body := new(bytes.Buffer)
	if r.Body != nil {
		_, _ = body.ReadFrom(r.Body)
	}
	params, _ := url.ParseQuery(r.URL.RawQuery)
	if form, err := url.ParseQuery(body.String()); err == nil {
		for k, v := range form {
			params[k] = append(params[k], v...)
		}
	}
	r.Body = httpNopCloser{bytes.NewReader(body.Bytes())}
	rec := httptest.NewRecorder()
	rw.h.ServeHTTP(rec, r)
	status, hdr, out := rw.fn(params.Get(spec.ParamAction), params, rec)
	for k, v := range hdr {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

type httpNopCloser struct{ *bytes.Reader }

func (httpNopCloser) Close() error { return nil }

func runBroken(t *testing.T, fn func(action string, params url.Values, rec *httptest.ResponseRecorder) (int, http.Header, []byte)) (*collect, contracts.Summary) {
	t.Helper()
	return runBrokenOpts(t, fn, contracts.Options{Profile: contracts.ProfileStrict, Seed: 3, Random: -1})
}

func runBrokenOpts(t *testing.T, fn func(action string, params url.Values, rec *httptest.ResponseRecorder) (int, http.Header, []byte), opts contracts.Options) (*collect, contracts.Summary) {
	t.Helper()
	cfg := emulator.DefaultConfig()
	emu, err := emulator.New(embedded.WithTransitions(cfg))
	require.NoError(t, err)
	tg, err := embedded.NewHandler(rewrite{h: emu, fn: fn}, emu.Config(), "broken emulator")
	require.NoError(t, err)
	rep := &collect{}
	opts.Reporter = rep
	sum, _, err := contracts.Execute(context.Background(), tg, opts)
	require.NoError(t, err)
	return rep, sum
}

// failedChecks counts, per check name, the cases where that check failed.
func failedChecks(rep *collect) map[string]int {
	m := map[string]int{}
	for _, r := range rep.results {
		for _, c := range r.Checks {
			if c.Verdict == contracts.Fail {
				m[c.Check]++
			}
		}
	}
	return m
}

func mutateJSON(rec *httptest.ResponseRecorder, f func(m map[string]any)) []byte {
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		return rec.Body.Bytes()
	}
	f(m)
	out, _ := json.Marshal(m)
	return out
}

// Each deliberately broken emulator is caught, and by the check that names the breakage.
func TestBrokenEmulatorsAreCaughtByTheRightCheck(t *testing.T) {
	under := spec.MustDefault().UnderTest.Action
	cases := []struct {
		name  string
		check string
		fn    func(action string, params url.Values, rec *httptest.ResponseRecorder) (int, http.Header, []byte)
	}{
		{"answers lack RequestId", contracts.CheckRequestID, func(a string, _ url.Values, rec *httptest.ResponseRecorder) (int, http.Header, []byte) {
			if a != under {
				return rec.Code, rec.Header(), rec.Body.Bytes()
			}
			return rec.Code, rec.Header(), mutateJSON(rec, func(m map[string]any) { delete(m, spec.FieldRequestID) })
		}},
		{"documented code replaced by a generic one", contracts.CheckExpectedOutcome, func(a string, _ url.Values, rec *httptest.ResponseRecorder) (int, http.Header, []byte) {
			return rec.Code, rec.Header(), mutateJSON(rec, func(m map[string]any) {
				if m[spec.FieldCode] == "InvalidParameter.IdleTimeout" {
					m[spec.FieldCode] = "InvalidParameter"
				}
			})
		}},
		{"client errors answered as 500", contracts.CheckNotServerError, func(a string, _ url.Values, rec *httptest.ResponseRecorder) (int, http.Header, []byte) {
			if a == under && rec.Code == 400 {
				return 500, rec.Header(), rec.Body.Bytes()
			}
			return rec.Code, rec.Header(), rec.Body.Bytes()
		}},
		{"wrong status for a documented code", contracts.CheckStatusDocumented, func(a string, _ url.Values, rec *httptest.ResponseRecorder) (int, http.Header, []byte) {
			if strings.Contains(rec.Body.String(), "Certkey.Forbidden") {
				return 403, rec.Header(), rec.Body.Bytes()
			}
			return rec.Code, rec.Header(), rec.Body.Bytes()
		}},
		{"listeners read back as running", contracts.CheckListenerCreated, func(a string, _ url.Values, rec *httptest.ResponseRecorder) (int, http.Header, []byte) {
			if a != spec.ActionDescribeHTTPSListener {
				return rec.Code, rec.Header(), rec.Body.Bytes()
			}
			return rec.Code, rec.Header(), mutateJSON(rec, func(m map[string]any) {
				if m[spec.FieldStatus] == spec.StatusStopped {
					m[spec.FieldStatus] = spec.StatusRunning
				}
			})
		}},
		{"plain-text content type", contracts.CheckContentType, func(a string, _ url.Values, rec *httptest.ResponseRecorder) (int, http.Header, []byte) {
			h := rec.Header().Clone()
			if a == under {
				h.Set("Content-Type", "text/plain")
			}
			return rec.Code, h, rec.Body.Bytes()
		}},
		{"numeric Code field", contracts.CheckErrorEnvelope, func(a string, _ url.Values, rec *httptest.ResponseRecorder) (int, http.Header, []byte) {
			if a != under || rec.Code < 400 {
				return rec.Code, rec.Header(), rec.Body.Bytes()
			}
			return rec.Code, rec.Header(), mutateJSON(rec, func(m map[string]any) { m[spec.FieldRequestID] = 12345 })
		}},
		{"a port conflict is answered with success", contracts.CheckSingleWinner, func(a string, _ url.Values, rec *httptest.ResponseRecorder) (int, http.Header, []byte) {
			if strings.Contains(rec.Body.String(), "ListenerPortConflict") {
				return 200, http.Header{"Content-Type": []string{"application/json;charset=utf-8"}}, []byte(`{"RequestId":"BOTH-WON"}`)
			}
			return rec.Code, rec.Header(), rec.Body.Bytes()
		}},
		{"a bad signature is accepted", contracts.CheckAuthEnforced, func(a string, p url.Values, rec *httptest.ResponseRecorder) (int, http.Header, []byte) {
			if rec.Body.String() != "" && strings.Contains(rec.Body.String(), "SignatureDoesNotMatch") {
				return 200, http.Header{"Content-Type": []string{"application/json;charset=utf-8"}}, []byte(`{"RequestId":"ACCEPTED-ANYWAY"}`)
			}
			return rec.Code, rec.Header(), rec.Body.Bytes()
		}},
	}
	for _, tc := range cases {
		tc := tc
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rep, sum := runBroken(t, tc.fn)
			require.NotZero(t, sum.Failed, "the breakage went unnoticed")
			assert.NotZero(t, failedChecks(rep)[tc.check], "check %s did not flag it; failed checks: %v", tc.check, failedChecks(rep))
		})
	}
}

// An implementation that says yes to everything (httpmock responder) fails the negative
// cases, the state read-back and the security cases; cases whose fixtures it cannot provide
// are skipped with a reason, never failed.
func TestYesManImplementationIsCaught(t *testing.T) {
	client := &http.Client{}
	httpmock.ActivateNonDefault(client)
	defer httpmock.DeactivateAndReset()
	httpmock.RegisterResponder("POST", "=~^http://yes\\.test/", func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(200, `{"RequestId":"5B3E0A6C-0000-4000-8000-000000000001"}`)
		resp.Header.Set("Content-Type", "application/json;charset=utf-8")
		return resp, nil
	})
	tg, err := target.NewHTTP(target.HTTPConfig{BaseURL: "http://yes.test", Client: client,
		Credentials: map[string]signature.Credentials{spec.PrincipalPrimary: {AccessKeyID: "id", AccessKeySecret: "secret"}}})
	require.NoError(t, err)
	no := false
	fixtures := &resources.FixtureFile{Provision: &no, Slots: map[string]string{spec.SlotLB: "lb-given", spec.SlotCert: "cert-given"}}
	rep := &collect{}
	sum, _, err := contracts.Execute(context.Background(), tg, contracts.Options{Profile: contracts.ProfileStrict, Seed: 1, Reporter: rep, Fixtures: fixtures, Random: -1})
	require.NoError(t, err)
	checks := failedChecks(rep)
	assert.NotZero(t, checks[contracts.CheckExpectedOutcome])
	assert.NotZero(t, checks[contracts.CheckAuthEnforced])
	assert.NotZero(t, checks[contracts.CheckListenerCreated])
	assert.NotZero(t, sum.Skipped)
	for _, r := range rep.results {
		switch r.Verdict {
		case contracts.Skip:
			assert.NotEmpty(t, r.SkipReason, r.ID)
		case contracts.Fail:
			if r.Exchange == nil {
				continue // no answer came back (the yes-man knows POST only): nothing to reproduce
			}
			if !assert.NotNil(t, r.Repro, "a failure that got an answer says how to reproduce it: %s", r.ID) {
				continue
			}
			if r.Repro.Curl == "" {
				// An unsigned line cannot carry a signature a case is about: it says so instead.
				assert.Equal(t, contracts.CurlAboutSigning, r.Repro.CurlNote, r.ID)
				continue
			}
			assert.NotContains(t, []string{"security/unsigned", "security/bad-signature", "security/stale-timestamp", "security/v3-bad-signature"}, r.ID,
				"a case about its signature has no unsigned curl line")
			assert.Contains(t, r.Repro.Curl, "http://yes.test/", r.ID)
			assert.Equal(t, contracts.CurlNeedsNoAuth, r.Repro.CurlNote, r.ID)
		}
	}
}

// A target that is not listening aborts the run with ErrUnreachable instead of failing every case.
func TestUnreachableTargetAborts(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	tg, err := target.NewHTTP(target.HTTPConfig{BaseURL: url, Credentials: map[string]signature.Credentials{spec.PrincipalPrimary: {AccessKeyID: "a", AccessKeySecret: "b"}}})
	require.NoError(t, err)
	sum, _, err := contracts.Execute(context.Background(), tg, contracts.Options{Random: -1})
	require.ErrorIs(t, err, target.ErrUnreachable)
	assert.True(t, sum.Aborted)
}

// The library entry point makes one subtest per case.
func TestRunMakesSubtests(t *testing.T) {
	tg, err := embedded.New(emulator.DefaultConfig())
	require.NoError(t, err)
	sum := contracts.Run(t, tg, contracts.Options{Filter: func(c generators.Case) bool { return strings.HasPrefix(c.ID, "negative/IdleTimeout/") }, Random: -1})
	require.NotZero(t, sum.Cases)
	require.Zero(t, sum.Failed)
}

// A failing random case is shrunk to the smallest case that fails the same way: here, where
// the only fault is about requests that carry Scheduler, the base request plus Scheduler. No
// candidate is sent twice, and what shrinking cost is reported and bounded.
func TestFailingRandomCasesAreShrunkToTheMinimum(t *testing.T) {
	s := spec.MustDefault()
	rep, _ := runBrokenOpts(t, func(a string, p url.Values, rec *httptest.ResponseRecorder) (int, http.Header, []byte) {
		// This implementation forgets the RequestId of every success whose request carried
		// the Scheduler parameter. (A fault that leaves listeners behind would fill the load
		// balancer's quota, and the shrunk cases would then fail another way.)
		if a == s.UnderTest.Action && p.Get(spec.ParamScheduler) != "" && rec.Code == 200 {
			return rec.Code, rec.Header(), mutateJSON(rec, func(m map[string]any) { delete(m, spec.FieldRequestID) })
		}
		return rec.Code, rec.Header(), rec.Body.Bytes()
	}, contracts.Options{Profile: contracts.ProfileStrict, Seed: 11, Random: 60, Sequences: -1,
		Filter: func(c generators.Case) bool { return c.Category == generators.Random }})
	minimal := len(generators.Base(s)) + 1
	failing := 0
	for _, r := range rep.results {
		if r.Verdict != contracts.Fail {
			continue
		}
		failing++
		require.NotNil(t, r.Shrink, r.ID)
		assert.Equal(t, minimal, r.Size, "%s: shrunk from %d to %d parameters, not to the base request plus Scheduler", r.ID, r.ShrunkFrom, r.Size)
		if r.ShrunkFrom > 0 {
			assert.Greater(t, r.ShrunkFrom, r.Size, r.ID)
		}
		// A create, its read-back and its removal per candidate, each candidate once.
		assert.LessOrEqual(t, r.Shrink.Candidates, 40, r.ID)
		assert.LessOrEqual(t, r.Shrink.Requests, 3*r.Shrink.Candidates, r.ID)
	}
	assert.GreaterOrEqual(t, failing, 3, "too few failing random cases to judge shrinking")
}

// Differential mode finds nothing between two faithful emulators, and names the cases where a
// broken one answers differently.
func TestDiff(t *testing.T) {
	cfg := emulator.DefaultConfig()
	a, err := embedded.New(cfg)
	require.NoError(t, err)
	b, err := embedded.New(cfg)
	require.NoError(t, err)
	// The cases of two parameters and a few others keep it quick; the broken side differs on
	// RequestTimeout only.
	filter := contracts.CaseFilter{Include: []string{"negative/RequestTimeout", "negative/IdleTimeout", "positive/base", "security", "random"}}
	opts := contracts.Options{Seed: 4, Random: 4, Sequences: -1, Filter: filter.Func(spec.MustDefault())}
	diffs, err := contracts.Diff(context.Background(), a, b, opts)
	require.NoError(t, err)
	assert.Empty(t, diffs)

	emu, err := emulator.New(embedded.WithTransitions(cfg))
	require.NoError(t, err)
	broken, err := embedded.NewHandler(rewrite{h: emu, fn: func(a string, _ url.Values, rec *httptest.ResponseRecorder) (int, http.Header, []byte) {
		return rec.Code, rec.Header(), mutateJSON(rec, func(m map[string]any) {
			if m[spec.FieldCode] == "InvalidParameter.RequestTimeout" {
				m[spec.FieldCode] = "InvalidParameter"
			}
		})
	}}, emu.Config(), "broken")
	require.NoError(t, err)
	diffs, err = contracts.Diff(context.Background(), a, broken, opts)
	require.NoError(t, err)
	require.NotEmpty(t, diffs)
	for _, d := range diffs {
		// A named case of RequestTimeout, or a random case whose answer was that code.
		assert.True(t, strings.Contains(d.Case, "RequestTimeout") || strings.Contains(d.A, "InvalidParameter.RequestTimeout"), "%+v", d)
		assert.Equal(t, "outcome", d.Field)
	}
}

// auth-enforced is as firm as the page makes a refusal: a security token not issued for the
// key is refused only by what other sources suggest, so accepting it warns under the
// documented profile and fails under strict, as expected-outcome does.
func TestAuthEnforcedFollowsTheDirectionBasis(t *testing.T) {
	s := spec.MustDefault()
	mismatch, ok := s.GatewayError(spec.GatewayTokenMismatch)
	require.True(t, ok)
	accept := func(a string, p url.Values, rec *httptest.ResponseRecorder) (int, http.Header, []byte) {
		if strings.Contains(rec.Body.String(), mismatch.Code) {
			return 200, http.Header{"Content-Type": []string{"application/json;charset=utf-8"}}, []byte(`{"RequestId":"5B3E0A6C-0000-4000-8000-000000000002"}`)
		}
		return rec.Code, rec.Header(), rec.Body.Bytes()
	}
	only := func(c generators.Case) bool { return c.Auth == spec.AuthSTSWrongToken }
	for profile, want := range map[string]contracts.Verdict{contracts.ProfileDocumented: contracts.Warn, contracts.ProfileStrict: contracts.Fail} {
		rep, _ := runBrokenOpts(t, accept, contracts.Options{Profile: profile, Seed: 3, Random: -1, Sequences: -1, Filter: only})
		require.Len(t, rep.results, 1)
		verdicts := map[string]contracts.Verdict{}
		for _, c := range rep.results[0].Checks {
			verdicts[c.Check] = c.Verdict
		}
		assert.Equal(t, want, verdicts[contracts.CheckAuthEnforced], profile)
		assert.Equal(t, want, verdicts[contracts.CheckExpectedOutcome], profile)
	}
}
