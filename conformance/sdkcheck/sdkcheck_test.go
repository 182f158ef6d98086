package sdkcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/signature"
)

// emulatorConfig serves a fresh emulator on loopback and returns a Config with all of its
// principals.
func emulatorConfig(t *testing.T) Config {
	t.Helper()
	ecfg := emulator.DefaultConfig()
	em, err := emulator.New(ecfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	return EmulatorConfig(srv.URL, ecfg)
}

// wantAllPass fails the test for every step that did not pass, and checks the breadth of the
// documented errors covered.
func wantAllPass(t *testing.T, steps []Step, minCodes int) {
	t.Helper()
	var table strings.Builder
	_ = WriteTable(&table, steps)
	for _, st := range steps {
		if st.Outcome != Pass {
			t.Errorf("%s / %s: %s: %s", st.Client, st.Name, st.Outcome, st.Detail)
		}
	}
	if codes := Codes(steps); len(codes) < minCodes {
		t.Errorf("only %d documented errors seen (%v), want at least %d", len(codes), codes, minCodes)
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("\n%s", table.String())
	}
}

func TestClassicAgainstEmulator(t *testing.T) {
	steps, err := RunClassic(emulatorConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	wantAllPass(t, steps, 10)
}

func TestV3AgainstEmulator(t *testing.T) {
	steps, err := RunV3(emulatorConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	wantAllPass(t, steps, 10)
	clients := map[string]bool{}
	for _, st := range steps {
		clients[st.Client] = true
	}
	if !clients[ClientV3Query] || !clients[ClientV3Form] {
		t.Fatalf("want both placements, got %v", clients)
	}
}

// TestNodeAgainstEmulator runs `node ../node/check.js URL`. Without node or the npm packages
// it is skipped, unless CLBCHECK_REQUIRE_NODE=1 (CI), where it fails.
func TestNodeAgainstEmulator(t *testing.T) {
	cfg := emulatorConfig(t)
	cfg.NodeDir = filepath.Join("..", "node")
	if _, err := NodeReady(cfg.NodeDir); err != nil {
		if os.Getenv("CLBCHECK_REQUIRE_NODE") == "1" {
			t.Fatalf("CLBCHECK_REQUIRE_NODE=1 but %v", err)
		}
		t.Skipf("%v (set CLBCHECK_REQUIRE_NODE=1 to make this a failure)", err)
	}
	steps, err := RunNode(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var skipped []string
	for _, st := range steps {
		if st.Outcome == Skip {
			skipped = append(skipped, st.Name)
		}
	}
	// pop-core has no XML mode: the one step allowed to be skipped.
	if len(skipped) != 1 || !strings.Contains(skipped[0], "XML") {
		t.Errorf("skipped steps: %v", skipped)
	}
	var rest []Step
	for _, st := range steps {
		if st.Outcome != Skip {
			rest = append(rest, st)
		}
	}
	wantAllPass(t, rest, 10)
}

// A server whose error bodies carry numbers where strings belong makes the classic SDK panic;
// the run reports it as a failed step instead of crashing.
func TestClassicSDKPanicIsAFailedStep(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"RequestId":1,"Code":2,"Message":3}`))
	}))
	defer srv.Close()
	steps, err := RunClassic(Config{Endpoint: srv.URL, Primary: signature.Credentials{AccessKeyID: "id", AccessKeySecret: "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	if steps[0].Outcome != Fail || !strings.Contains(steps[0].Detail, "panicked") {
		t.Fatalf("first step: %+v", steps[0])
	}
	if s := Summarize(steps); s.Unreachable || s.Pass != 0 {
		t.Fatalf("summary %+v", s)
	}
}

// An implementation that drops RequestId from its error answers fails every error step, and
// one that answers a status the description accepts for no row of the error fails too.
func TestDefectsAreReported(t *testing.T) {
	cfg := emulatorConfig(t)
	em := httputil.NewSingleHostReverseProxy(mustURL(t, cfg.Endpoint))
	em.ModifyResponse = func(r *http.Response) error {
		if r.StatusCode < 400 {
			return nil
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			delete(m, "RequestId")
			body, _ = json.Marshal(m)
		}
		if m["Code"] == "CertificateNotExist" {
			r.StatusCode = http.StatusConflict // neither its 400 nor the 404 of the page's other row
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	proxy := httptest.NewServer(em)
	defer proxy.Close()
	cfg.Endpoint = proxy.URL
	steps, err := RunClassic(cfg)
	if err != nil {
		t.Fatal(err)
	}
	failed := map[string]string{}
	for _, st := range steps {
		if st.Outcome == Fail {
			failed[st.Name] = st.Detail
		}
	}
	if d := failed["unknown server certificate"]; !strings.Contains(d, `want 400 CertificateNotExist (also accepted: codes CertificateNotExist, ResourceNotFound.Certificate; statuses [400 404]), got 409 "CertificateNotExist"`) {
		t.Errorf("status defect not reported: %q", d)
	}
	if d := failed["wrong secret"]; !strings.Contains(d, "no RequestId") {
		t.Errorf("missing RequestId not reported: %q", d)
	}
	if Summarize(steps).Fail < 15 {
		t.Errorf("only %d failures", Summarize(steps).Fail)
	}
}

// Where the description accepts other answers for an error, so does sdk-check: the page's
// other row for an unknown certificate (404 ResourceNotFound.Certificate), 400 for an unknown
// access key, and any code with a 4xx for an unknown instance, whose code the page does not
// give.
func TestOtherAcceptedAnswersPass(t *testing.T) {
	cfg := emulatorConfig(t)
	em := httputil.NewSingleHostReverseProxy(mustURL(t, cfg.Endpoint))
	em.ModifyResponse = func(r *http.Response) error {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		var m map[string]any
		if r.StatusCode >= 400 && json.Unmarshal(body, &m) == nil {
			switch m["Code"] {
			case "CertificateNotExist":
				m["Code"], r.StatusCode = "ResourceNotFound.Certificate", http.StatusNotFound
			case "InvalidAccessKeyId.NotFound":
				r.StatusCode = http.StatusBadRequest
			case "InvalidLoadBalancerId.NotFound":
				m["Code"], r.StatusCode = "LoadBalancerNotFound", http.StatusNotFound
			}
			body, _ = json.Marshal(m)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	proxy := httptest.NewServer(em)
	defer proxy.Close()
	cfg.Endpoint = proxy.URL
	steps, err := RunClassic(cfg)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, st := range steps {
		switch st.Name {
		case "unknown server certificate", "unknown access key", "unknown instance":
			seen++
			if st.Outcome != Pass {
				t.Errorf("%s: %s %s", st.Name, st.Outcome, st.Detail)
			}
		}
	}
	if seen != 3 {
		t.Errorf("saw %d of the 3 steps", seen)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
