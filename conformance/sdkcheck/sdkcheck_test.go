package sdkcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
	"github.com/clbcheck/clbcheck/spec"
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

// rewritingProxy serves, in front of cfg's endpoint, a proxy that hands every error answer's
// JSON body to edit (which may change the status too), and returns cfg pointed at it.
func rewritingProxy(t *testing.T, cfg Config, edit func(r *http.Response, body map[string]any)) Config {
	t.Helper()
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
			edit(r, m)
			body, _ = json.Marshal(m)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	proxy := httptest.NewServer(em)
	t.Cleanup(proxy.Close)
	cfg.Endpoint = proxy.URL
	return cfg
}

// codeOf is the code the description gives a state of the operation under test.
func codeOf(t *testing.T, state spec.StateName) spec.ErrorCode {
	t.Helper()
	e, ok := spec.MustDefault().StateError(state)
	if !ok {
		t.Fatalf("no error for state %s", state)
	}
	return e
}

// An implementation that drops RequestId from its error answers fails every error step, and
// one that answers a status the description accepts for no row of the error fails too.
func TestDefectsAreReported(t *testing.T) {
	missing := codeOf(t, spec.StateCertificateNotFound)
	cfg := rewritingProxy(t, emulatorConfig(t), func(r *http.Response, m map[string]any) {
		delete(m, spec.FieldRequestID)
		if m[spec.FieldCode] == missing.Code {
			r.StatusCode = http.StatusConflict // neither its 400 nor the 404 of the page's other row
		}
	})
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
	want := fmt.Sprintf("want %s, got 409 %q", acceptedText(wantOutcome(missing.Code)), missing.Code)
	if d := failed["unknown server certificate"]; !strings.Contains(d, want) {
		t.Errorf("status defect not reported: %q, want %q", d, want)
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
	s := spec.MustDefault()
	cert, instance := codeOf(t, spec.StateCertificateNotFound), codeOf(t, spec.StateLoadBalancerNotFound)
	key, _ := s.GatewayError(spec.GatewayUnknownAccessKey)
	var otherRow spec.ErrorCode // the row of the page the certificate's code accepts beside it
	for _, alt := range cert.Accept {
		if e, ok := s.Error(alt); ok && e.Code != cert.Code && e.Status != cert.Status {
			otherRow = e
		}
	}
	if otherRow.Code == "" || len(key.AcceptStatus) == 0 {
		t.Fatal("the description no longer gives the other answers this test sends")
	}
	cfg := rewritingProxy(t, emulatorConfig(t), func(r *http.Response, m map[string]any) {
		switch m[spec.FieldCode] {
		case cert.Code:
			m[spec.FieldCode], r.StatusCode = otherRow.Code, otherRow.Status
		case key.Code:
			r.StatusCode = key.AcceptStatus[0]
			if r.StatusCode == key.Status {
				r.StatusCode = key.AcceptStatus[len(key.AcceptStatus)-1]
			}
		case instance.Code:
			m[spec.FieldCode], r.StatusCode = "LoadBalancerNotFound", http.StatusNotFound // a code of its own
		}
	})
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
