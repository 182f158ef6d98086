package conformance

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"

	"github.com/clbcheck/clbcheck/conformance/sdkcheck"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/spec"
)

// buildCommand builds the clbcheck command of the main module.
func buildCommand(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "clbcheck")
	out, err := exec.Command("go", "build", "-C", "..", "-o", bin, "./cmd/clbcheck").CombinedOutput()
	if err != nil {
		t.Fatalf("building clbcheck: %v\n%s", err, out)
	}
	return bin
}

type served struct {
	cmd    *exec.Cmd
	addr   string
	stderr *bytes.Buffer
}

// serve starts `clbcheck emulator` on a free loopback port and reads its address.
func serve(t *testing.T, bin string, args ...string) *served {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"emulator", "--listen", "127.0.0.1:0"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(out)
	if !lines.Scan() {
		t.Fatalf("no banner; stderr: %s", stderr.String())
	}
	first := lines.Text()
	_, addr, ok := strings.Cut(first, "http://")
	if !ok {
		t.Fatalf("unexpected banner %q", first)
	}
	go func() {
		for lines.Scan() {
		}
	}()
	return &served{cmd: cmd, addr: addr, stderr: &stderr}
}

// stop sends a signal and expects a clean exit.
func (s *served) stop(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after %v: %v; stderr: %s", sig, err, s.stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no exit after %v", sig)
	}
}

func sdkClient(t *testing.T, addr string) *slb.Client {
	t.Helper()
	cfg := emulator.DefaultConfig()
	p := cfg.MustPrincipal(emulator.PrincipalPrimary)
	c, err := sdkcheck.ClassicClient(cfg.Region, addr, p.Credentials)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCommandStatePersists runs the command twice on one state file, stopping it with SIGTERM
// then SIGINT, and finds the listener again after the restart.
func TestCommandStatePersists(t *testing.T) {
	bin := buildCommand(t)
	state := filepath.Join(t.TempDir(), "emulator-state.json")

	first := serve(t, bin, "--state", state)
	c := sdkClient(t, first.addr)
	lbReq := slb.CreateCreateLoadBalancerRequest()
	lbReq.LoadBalancerSpec = "slb.s2.small"
	lb, err := c.CreateLoadBalancer(lbReq)
	if err != nil {
		t.Fatal(err)
	}
	server := newCert(t, "persist.example.test", false)
	up := slb.CreateUploadServerCertificateRequest()
	up.ServerCertificate, up.PrivateKey = server.CertPEM, server.KeyPEM
	cert, err := c.UploadServerCertificate(up)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateLoadBalancerHTTPSListener(listenerRequest(lb.LoadBalancerId, cert.ServerCertificateId, 443)); err != nil {
		t.Fatal(err)
	}
	first.stop(t, syscall.SIGTERM)

	second := serve(t, bin, "--state", state)
	c = sdkClient(t, second.addr)
	d := slb.CreateDescribeLoadBalancerHTTPSListenerAttributeRequest()
	d.LoadBalancerId, d.ListenerPort = lb.LoadBalancerId, requests.NewInteger(443)
	got, err := c.DescribeLoadBalancerHTTPSListenerAttribute(d)
	if err != nil {
		t.Fatalf("the listener did not survive the restart: %v", err)
	}
	if got.ServerCertificateId != cert.ServerCertificateId || got.Status != spec.StatusStopped {
		t.Fatalf("listener after restart: %+v", got)
	}
	_, err = c.CreateLoadBalancerHTTPSListener(listenerRequest(lb.LoadBalancerId, cert.ServerCertificateId, 443))
	wantServerError(t, err, "InvalidParameter.ListenerPortConflict")
	second.stop(t, syscall.SIGINT)
}

func TestCommandRefusesCorruptState(t *testing.T) {
	bin := buildCommand(t)
	state := filepath.Join(t.TempDir(), "broken.json")
	if err := os.WriteFile(state, []byte(`{"version":1,"accounts":{"1":`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "emulator", "--listen", "127.0.0.1:0", "--state", state).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("want exit status 2, got %v\n%s", err, out)
	}
	if !strings.Contains(string(out), state) || !strings.Contains(string(out), "corrupt") {
		t.Fatalf("the error should name the file and say what is wrong:\n%s", out)
	}
}
