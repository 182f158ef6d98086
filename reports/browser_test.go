//go:build linux

package reports_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/reports"
)

const chromiumPath = "/usr/bin/chromium"

// chromium runs headless Chromium with the given extra arguments on page and returns its
// standard output. It runs in its own process group, so that a timeout ends the helper processes
// it starts as well. It may be called from any goroutine: it reports instead of failing the test.
func chromium(profile, page string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + profile,
	}
	cmd := exec.CommandContext(ctx, chromiumPath, append(append(base, args...), "file://"+page)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("chromium did not finish within 60s; stderr:\n%s", stderr.String())
	}
	if err != nil {
		return nil, fmt.Errorf("chromium failed: %w; stderr:\n%s", err, stderr.String())
	}
	return stdout.Bytes(), nil
}

// TestHTMLRendersInChromium opens the page in headless Chromium, takes a screenshot and reads
// back the rendered DOM. CI installs Debian's chromium and sets CLBCHECK_REQUIRE_BROWSER=1, so
// there the test fails instead of skipping when the browser is missing.
func TestHTMLRendersInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CLBCHECK_REQUIRE_BROWSER") == "1" {
			t.Fatalf("CLBCHECK_REQUIRE_BROWSER=1 but %s is missing (%v); install it with apt-get install -y chromium", chromiumPath, err)
		}
		t.Skipf("%s not found: the HTML report is not rendered in a browser (apt-get install -y chromium to run this test)", chromiumPath)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	out := render(t, func(w *bytes.Buffer) contracts.Reporter { return reports.NewHTML(w) }, fixtureCases())
	require.NoError(t, os.WriteFile(page, out, 0o644))
	shot := filepath.Join(dir, "shot.png")

	// The two runs are independent (each has its own profile), so they run side by side.
	var (
		wg     sync.WaitGroup
		dom    []byte
		domErr error
	)
	domProfile, shotProfile := t.TempDir(), t.TempDir()
	wg.Add(1)
	go func() {
		defer wg.Done()
		dom, domErr = chromium(domProfile, page, "--dump-dom")
	}()
	_, shotErr := chromium(shotProfile, page, "--screenshot="+shot, "--window-size=1280,2000")
	wg.Wait()
	require.NoError(t, shotErr)
	require.NoError(t, domErr)

	info, err := os.Stat(shot)
	require.NoError(t, err, "chromium wrote no screenshot")
	assert.Greater(t, info.Size(), int64(20_000), "the screenshot is suspiciously small: the page may be blank")
	png, err := os.ReadFile(shot)
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")), "the screenshot is not a PNG")
	if dst := os.Getenv("CLBCHECK_SCREENSHOT"); dst != "" {
		require.NoError(t, os.WriteFile(dst, png, 0o644))
	}

	assert.Contains(t, string(dom), `id="coverage-matrix"`, "the coverage matrix is missing from the rendered DOM")
	assert.Contains(t, string(dom), `id="param-matrix"`)
	assert.Contains(t, string(dom), "Forbidden.RAM")
	assert.Contains(t, string(dom), "negative/ListenerPort/maximum/minimal")
}
