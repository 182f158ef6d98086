package conformance

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/clbcheck/clbcheck/emulator"
)

// TestNodeClient runs node/pop_core.js, which drives the emulator with the Node client
// @alicloud/pop-core (form bodies with the Signature last, GET queries, %20 for spaces). It is
// skipped when node or the client package is not installed (npm ci --prefix conformance/node).
func TestNodeClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	if _, err := os.Stat(filepath.Join("node", "node_modules", "@alicloud", "pop-core")); err != nil {
		t.Skip("@alicloud/pop-core is not installed; run npm ci --prefix conformance/node")
	}
	h := start(t)
	p := h.cfg.MustPrincipal(emulator.PrincipalPrimary)
	certPEM, keyPEM := selfSigned(t, "node.example.test")
	cmd := exec.Command(node, "pop_core.js")
	cmd.Dir = "node"
	cmd.Env = append(os.Environ(),
		"EMULATOR_ENDPOINT=http://"+h.url,
		"EMULATOR_KEY_ID="+p.Credentials.AccessKeyID,
		"EMULATOR_KEY_SECRET="+p.Credentials.AccessKeySecret,
		"EMULATOR_REGION="+h.cfg.Region,
		"EMULATOR_CERT="+certPEM,
		"EMULATOR_KEY="+keyPEM,
	)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("pop_core.js failed: %v\n%s\n%s", err, out, stderr)
	}
	var res struct {
		OK     bool     `json:"ok"`
		Errors []string `json:"errors"`
	}
	if err := json.Unmarshal(out, &res); err != nil || !res.OK || len(res.Errors) != 4 {
		t.Fatalf("unexpected output %s (%v)", out, err)
	}
}
