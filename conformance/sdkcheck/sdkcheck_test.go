package sdkcheck

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clbcheck/clbcheck/emulator"
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
	return Config{
		Endpoint:   srv.URL,
		Region:     ecfg.Region,
		Primary:    ecfg.MustPrincipal(emulator.PrincipalPrimary).Credentials,
		STS:        ecfg.MustPrincipal(emulator.PrincipalSTS).Credentials,
		Second:     ecfg.MustPrincipal(emulator.PrincipalSecondary).Credentials,
		Restricted: ecfg.MustPrincipal(emulator.PrincipalDenied).Credentials,
	}
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
