package generators_test

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
)

// Prism (@stoplight/prism-cli, pinned in .ci/package.json), a standard OpenAPI tool that knows
// nothing of clbcheck, validates requests against spec/openapi.yaml as its mock server does:
// every valid case of the catalogue must pass it. The description is then usable as it is by
// other tools, and what they call valid is what the harness calls valid. The test needs Node.js
// and `npm ci --prefix .ci`; it is skipped without them unless CLBCHECK_REQUIRE_NODE=1 (CI).
func TestPrismAcceptsTheCatalogueValidCases(t *testing.T) {
	prism := prismBinary(t)
	addr := freeAddr(t)
	host, port, _ := net.SplitHostPort(addr)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, prism, "mock", "--errors", "-h", host, "-p", port, filepath.Join("..", "spec", "openapi.yaml"))
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = cmd.Stdout
	require.NoError(t, cmd.Start())
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	waitListening(t, out)

	s := spec.MustDefault()
	client := &http.Client{Timeout: 10 * time.Second}
	sent := 0
	for _, c := range generators.Enumerate(s, generators.Options{}) {
		// Wire cases test the RPC wire's own conventions (a name repeated with one value, a
		// percent-encoded value), which an OpenAPI tool cannot know.
		if !c.Static || c.Broken != nil || !c.Expect.Success || c.Category == generators.Wire || c.Action != s.UnderTest.Action || c.Version != "" || hasRaw(c) {
			continue
		}
		q := generators.WireValues(c.Params, generators.Placeholder)
		q.Set(spec.ParamAction, s.UnderTest.Action)
		q.Set(spec.ParamVersion, s.APIVersion)
		q.Set(spec.ParamSignature, "unchecked") // Prism asks for the security scheme's name only
		resp, err := client.Get("http://" + addr + "/?" + q.Encode())
		require.NoError(t, err, c.ID)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, "Prism refuses the valid case %s: %s", c.ID, resp.Header.Get("sl-violations"))
		sent++
	}
	assert.Greater(t, sent, 150)
}

func hasRaw(c generators.Case) bool {
	for _, p := range c.Params {
		if p.Raw {
			return true
		}
	}
	return false
}

func prismBinary(t *testing.T) string {
	t.Helper()
	p, _ := filepath.Abs(filepath.Join("..", ".ci", "node_modules", ".bin", "prism"))
	if _, err := os.Stat(p); err == nil {
		if _, err := exec.LookPath("node"); err == nil {
			return p
		}
	}
	if os.Getenv("CLBCHECK_REQUIRE_NODE") == "1" {
		t.Fatalf("Prism is missing (%s): run npm ci --prefix .ci", p)
	}
	t.Skip("Prism not installed: run npm ci --prefix .ci (needs Node.js) to compare the description with a standard tool")
	return ""
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// waitListening reads Prism's output until it says it listens (or gives up after a minute,
// with what it printed).
func waitListening(t *testing.T, out interface{ Read([]byte) (int, error) }) {
	t.Helper()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var seen []string
	deadline := time.After(time.Minute)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("Prism stopped before listening:\n%s", strings.Join(seen, "\n"))
			}
			seen = append(seen, l)
			if strings.Contains(l, "Prism is listening") {
				go func() {
					for range lines {
					}
				}()
				return
			}
		case <-deadline:
			t.Fatalf("Prism did not start within a minute:\n%s", strings.Join(seen, "\n"))
		}
	}
}
