// Package bench holds what the benchmarks and the soak test share: CPU and memory meters, a
// loopback client sized for a number of workers, the bare loopback baseline server, and a
// way to start `clbcheck emulator` as a separate process.
//
// The machine the benchmarks run on is often shared, so every throughput figure comes with
// its CPU cost (cpu-µs per unit, from getrusage): wall-clock rates move with the load of
// other processes, CPU per unit much less. The HTTP figures are ratios to a bare loopback
// baseline measured in the same run, for the same reason.
package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// CPUTime returns the user plus system CPU time of the process so far.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// RSS returns the resident set size of the process in bytes (Linux /proc), or the memory
// obtained from the OS by the Go runtime where /proc is not available.
func RSS() uint64 {
	if b, err := os.ReadFile("/proc/self/statm"); err == nil {
		f := strings.Fields(string(b))
		if len(f) > 1 {
			if pages, err := strconv.ParseUint(f[1], 10, 64); err == nil {
				return pages * uint64(os.Getpagesize())
			}
		}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Sys
}

// Meter measures wall time and CPU time between Start and Report.
type Meter struct {
	wall time.Time
	cpu  time.Duration
}

// Start begins (or restarts) a measurement.
func (m *Meter) Start() { m.wall, m.cpu = time.Now(), CPUTime() }

// Elapsed returns the wall and CPU time since Start.
func (m *Meter) Elapsed() (wall, cpu time.Duration) {
	return time.Since(m.wall), CPUTime() - m.cpu
}

// Report adds "<unit>/s" and "cpu-µs/<unit>" to b for n units done since Start.
func (m *Meter) Report(b *testing.B, n int, unit string) {
	wall, cpu := m.Elapsed()
	if n == 0 || wall <= 0 {
		return
	}
	b.ReportMetric(float64(n)/wall.Seconds(), unit+"/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/"+unit)
}

// Client returns an HTTP client whose transport keeps one idle connection per worker, so N
// workers reuse N connections instead of opening new ones (the default keeps two).
func Client(workers int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = max(100, 2*workers)
	tr.MaxIdleConnsPerHost = max(2, 2*workers)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// Counting wraps a transport and counts the requests it carries.
type Counting struct {
	Next http.RoundTripper
	n    atomic.Int64
}

// RoundTrip implements http.RoundTripper.
func (c *Counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.Next.RoundTrip(r)
}

// Count returns the number of requests so far.
func (c *Counting) Count() int64 { return c.n.Load() }

// BareServer serves body with a fixed JSON content type to every request: the cheapest
// answer net/http can give, the baseline of the HTTP benchmarks.
func BareServer(body []byte) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
}

// Hammer sends n POST requests with the given body to url from workers goroutines sharing
// client, reading every answer to the end, and returns the first error.
func Hammer(client *http.Client, url string, body []byte, workers, n int) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := client.Do(req)
				if err != nil {
					once.Do(func() { first = err })
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	return first
}

// ModuleRoot finds the directory of go.mod above the working directory.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// Process is a server the benchmarks started as a separate process.
type Process struct {
	URL string
	cmd *exec.Cmd
	// stdin is held open for the life of the process: a bare baseline process ends when its
	// standard input closes, which would happen if the pipe were collected.
	stdin io.Closer
}

// Stop interrupts the process and waits for it.
func (p *Process) Stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// StartEmulator builds cmd/clbcheck into dir (once per dir) and starts `clbcheck emulator
// --listen 127.0.0.1:0`, returning its URL from the banner.
func StartEmulator(ctx context.Context, dir string) (*Process, error) {
	bin, err := Binary(ctx, dir)
	if err != nil {
		return nil, err
	}
	return start(exec.Command(bin, "emulator", "--listen", "127.0.0.1:0"), "clbcheck emulator listening on ", "clbcheck emulator")
}

// CPU returns the user plus system CPU time the process has used so far (Linux /proc; 0
// where it cannot be read).
func (p *Process) CPU() time.Duration { return ProcessCPU(p.cmd.Process.Pid) }

// ProcessCPU returns the user plus system CPU time of process pid so far, from
// /proc/PID/stat (0 where it cannot be read).
func ProcessCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: count fields after its end.
	rest := string(b)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks
}

// Binary builds cmd/clbcheck into dir (once per dir) and returns its path.
func Binary(ctx context.Context, dir string) (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "clbcheck")
	if _, err := os.Stat(bin); err != nil {
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/clbcheck")
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			return "", fmt.Errorf("go build ./cmd/clbcheck: %v\n%s", err, out)
		}
	}
	return bin, nil
}

// The bare baseline can also run in a process of its own, as the emulator does: the running
// test binary is started again with BareProcessEnv set, and its TestMain calls ServeBare
// instead of running tests. Then both sides of the comparison cross a process boundary.

// BareProcessEnv names the variable that makes a benchmark binary serve the bare answer.
const BareProcessEnv = "CLBCHECK_BENCH_BARE_PROCESS"

const bareBanner = "bare baseline listening on "

// ServeBare serves body as BareServer does, on a free loopback port, prints the address and
// serves until the process is interrupted or its standard input closes.
func ServeBare(body []byte) {
	srv := BareServer(body)
	fmt.Println(bareBanner + srv.URL)
	_, _ = io.Copy(io.Discard, os.Stdin)
	srv.Close()
}

// StartBareProcess starts the running test binary again as a bare baseline server.
func StartBareProcess() (*Process, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), BareProcessEnv+"=1")
	stdin, err := cmd.StdinPipe() // closes when this process ends, and the server with it
	if err != nil {
		return nil, err
	}
	p, err := start(cmd, bareBanner, "the bare baseline process")
	if err != nil {
		return nil, err
	}
	p.stdin = stdin
	return p, nil
}

// start runs cmd, waits for the line of its standard output that begins with banner and
// returns the address that follows, once it accepts connections.
func start(cmd *exec.Cmd, banner, what string) (*Process, error) {
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Process{cmd: cmd}
	lines := bufio.NewScanner(stdout)
	found := make(chan string, 1)
	go func() {
		for lines.Scan() {
			if rest, ok := strings.CutPrefix(lines.Text(), banner); ok {
				found <- strings.TrimSpace(rest)
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-found:
		p.URL = u
	case <-time.After(30 * time.Second):
		p.Stop()
		return nil, fmt.Errorf("%s printed no address within 30s", what)
	}
	host := strings.TrimPrefix(p.URL, "http://")
	for i := 0; i < 50; i++ {
		if c, err := net.Dial("tcp", host); err == nil {
			c.Close()
			return p, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.Stop()
	return nil, fmt.Errorf("%s at %s does not accept connections", what, p.URL)
}
