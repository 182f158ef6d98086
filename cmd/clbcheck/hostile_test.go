package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/target"
)

// hostileTargets implement nothing of the operation: each answers every request the same
// useless way.
var hostileTargets = map[string]http.HandlerFunc{
	"200 RequestId to everything": func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"RequestId":"5F0E6A4C-0000-4000-8000-000000000001"}`)
	},
	"400 InvalidParameter to everything": func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"RequestId":"5F0E6A4C-0000-4000-8000-000000000002","Code":"InvalidParameter","Message":"The specified parameter is not valid."}`)
	},
	"huge bodies": func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(50<<20))
		chunk := []byte(`{"RequestId":"` + strings.Repeat("x", 64<<10))
		for i := 0; i < 8; i++ { // the client hangs up long before 50 MB
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	},
	"endless stream": func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := []byte(strings.Repeat(`{"RequestId":"a",`, 4096))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	},
	"garbage bytes": func(w http.ResponseWriter, _ *http.Request) {
		b := make([]byte, 2048)
		for i := range b {
			b[i] = byte(i*7 + 3)
		}
		_, _ = w.Write(b)
	},
}

// hostileServer serves h on 127.0.0.1 with credentials set for it.
func hostileServer(t *testing.T, h http.Handler) string {
	t.Helper()
	clearCredentials(t)
	t.Setenv(target.EnvKeyID, "LTAIhostile0000000001")
	t.Setenv(target.EnvKeySecret, "hostile-secret")
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// A target that implements nothing is never a pass: under both profiles the run exits 3 and
// its first line says why (the fixture every case needs could not be built).
func TestDoNothingTargetsAreInconclusive(t *testing.T) {
	noRetryPauses(t)
	for name, h := range hostileTargets {
		for _, profile := range []string{contracts.ProfileDocumented, contracts.ProfileStrict} {
			t.Run(name+"/"+profile, func(t *testing.T) {
				url := hostileServer(t, h)
				report := filepath.Join(t.TempDir(), "r.json")
				code, out, errs := cli(t, "run", "--target", url, "--profile", profile, "--quiet", "--random", "-1", "--sequences", "-1",
					"--report-json", report)
				assert.Equal(t, exitUnreachable, code, "stdout:\n%s\nstderr:\n%s", out, errs)
				first, _, _ := strings.Cut(out, "\n")
				assert.True(t, strings.HasPrefix(first, "INCONCLUSIVE: the target was not judged: fixture lb could not be built"), first)
				assert.NotContains(t, out, "PASS")
				assert.Contains(t, errs, "clbcheck run: INCONCLUSIVE: fixture lb could not be built")
				rep := readReportFile(t, report)
				assert.Equal(t, "fail", rep.Summary.Result)
				assert.Equal(t, contracts.StatusInconclusive, rep.Summary.Status)
				assert.NotEmpty(t, rep.Summary.Inconclusive)
			})
		}
	}
}

// A run the budget cuts short never says PASS: it exits 3 and says how many cases did not run;
// with --budget-soft it exits 0 and still says so.
func TestBudgetCutIsIncompleteUnlessSoft(t *testing.T) {
	srv, _ := emulatorServer(t)
	// A request budget cuts the run as a time budget does, without depending on the speed of
	// the machine.
	args := []string{"run", "--target", srv.URL, "--quiet", "--random", "-1", "--sequences", "-1", "--max-cases", "40", "--workers", "1", "--max-requests", "12"}
	report := filepath.Join(t.TempDir(), "r.json")
	code, out, errs := cli(t, append(args, "--report-json", report)...)
	assert.Equal(t, exitUnreachable, code, "stdout:\n%s\nstderr:\n%s", out, errs)
	assert.NotContains(t, out, "PASS")
	first, _, _ := strings.Cut(out, "\n")
	assert.Regexp(t, `^INCOMPLETE: \d+ of 40 planned cases ran, \d+ did not: request budget of 12 used up`, first)
	assert.Contains(t, errs, "clbcheck run: INCOMPLETE:")
	rep := readReportFile(t, report)
	assert.Equal(t, contracts.StatusIncomplete, rep.Summary.Status)
	assert.Equal(t, 40, rep.Summary.Planned)
	assert.Positive(t, rep.Summary.NotRun)
	assert.Equal(t, rep.Summary.Planned, rep.Summary.Cases+rep.Summary.NotRun)

	code, out, errs = cli(t, append(args, "--budget-soft")...)
	assert.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errs)
	assert.Regexp(t, `note: \d+ of 40 planned cases ran, \d+ did not: request budget of 12 used up .*declared soft`, out)
	assert.Regexp(t, `\d+ of 40 planned cases did not run .*the budget is soft`, errs)

	// The time budget too.
	code, out, _ = cli(t, "run", "--target", srv.URL, "--quiet", "--budget", "1ns")
	assert.Equal(t, exitUnreachable, code, out)
	assert.NotContains(t, out, "PASS")
}

// flaky wraps the emulator so that every twentieth request meets trouble: a 503 (JSON and
// HTML in turn) or a reset connection.
func flaky(t *testing.T, reset bool) (string, *atomic.Int64) {
	t.Helper()
	srv, _ := emulatorServer(t) // sets the credentials
	var n, hits atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k := n.Add(1)
		if k%20 != 0 {
			proxyTo(srv.URL, w, r)
			return
		}
		hits.Add(1)
		switch {
		case reset:
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.(*net.TCPConn).SetLinger(0)
				_ = conn.Close()
			}
		case k%40 == 0:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>")
		default:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"RequestId":"X","Code":"ServiceUnavailable","Message":"The request has failed due to a temporary failure of the server."}`)
		}
	})
	front := httptest.NewServer(h)
	t.Cleanup(front.Close)
	return front.URL, &hits
}

// proxyTo passes a request on to the emulator.
func proxyTo(base string, w http.ResponseWriter, r *http.Request) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, base+r.URL.RequestURI(), r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// 5% of answers 503: no contract failure, the trouble counted by kind in the summary and the
// reports, and the transient exit status.
func TestServiceUnavailableBurstsAreTransientNotFailures(t *testing.T) {
	noRetryPauses(t)
	url, hits := flaky(t, false)
	report := filepath.Join(t.TempDir(), "r.json")
	var mu sync.Mutex
	var last contracts.Progress
	testProgressHook = func(p contracts.Progress) { mu.Lock(); last = p; mu.Unlock() }
	code, out, errs := cli(t, "run", "--target", url, "--quiet", "--random", "-1", "--sequences", "-1", "--max-cases", "60", "--report-json", report)
	testProgressHook = nil
	assert.Equal(t, exitTransient, code, "stdout:\n%s\nstderr:\n%s", out, errs)
	require.Positive(t, hits.Load())
	assert.NotContains(t, out, "PASS")
	assert.Contains(t, out, "TRANSIENT TROUBLE: transient target trouble on")
	assert.Regexp(t, `unavailable \d+ retried`, out)
	assert.Contains(t, errs, "clbcheck run: TRANSIENT TROUBLE:")
	rep := readReportFile(t, report)
	assert.Zero(t, rep.Summary.Failed, "503 answers were judged as contract failures")
	assert.Equal(t, contracts.StatusTransient, rep.Summary.Status)
	require.NotEmpty(t, rep.Summary.Trouble)
	var counted int
	for _, tr := range rep.Summary.Trouble {
		assert.Equal(t, target.TroubleUnavailable, tr.Kind)
		counted += tr.Retried + tr.Unjudged
	}
	assert.Equal(t, int(hits.Load()), counted, "every 503 is counted once, as a retry or an unjudged case")
	retried := 0
	for _, tr := range rep.Summary.Trouble {
		retried += tr.Retried
	}
	mu.Lock()
	assert.Positive(t, last.Retries, "the progress shows no retry")
	assert.LessOrEqual(t, last.Retries, retried, "the progress counts retries the summary does not")
	mu.Unlock()

	// Within a generous limit the run passes, and still shows the counts.
	code, out, _ = cli(t, "run", "--target", url, "--quiet", "--random", "-1", "--sequences", "-1", "--max-cases", "60", "--max-transient", "50")
	assert.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "transient target trouble by kind (within the limit): unavailable")

	for _, bad := range []string{"150", "-3"} {
		code, _, errs = cli(t, "run", "--target", url, "--max-transient", bad)
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, errs, "--max-transient "+bad+" is not a percentage")
	}
}

// 5% of connections reset: never silent, never a contract failure.
func TestResetsAreCountedAndShown(t *testing.T) {
	noRetryPauses(t)
	url, hits := flaky(t, true)
	report := filepath.Join(t.TempDir(), "r.json")
	code, out, errs := cli(t, "run", "--target", url, "--quiet", "--random", "-1", "--sequences", "-1", "--max-cases", "60", "--report-json", report)
	assert.Equal(t, exitTransient, code, "stdout:\n%s\nstderr:\n%s", out, errs)
	require.Positive(t, hits.Load())
	rep := readReportFile(t, report)
	assert.Zero(t, rep.Summary.Failed, "resets were judged as contract failures")
	var counted int
	for _, tr := range rep.Summary.Trouble {
		counted += tr.Retried + tr.Unjudged
		assert.Contains(t, out, tr.Kind+" ")
	}
	assert.Equal(t, int(hits.Load()), counted, "every reset is counted once: %+v", rep.Summary.Trouble)
}
