package bench_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/clbcheck/clbcheck/bench"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/target"
)

var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

// clbcheckBinary builds cmd/clbcheck once for the benchmarks that run it as a user does.
func clbcheckBinary(b *testing.B) string {
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "clbcheck-bench-bin-"); binErr == nil {
			binPath, binErr = bench.Binary(context.Background(), binDir)
		}
	})
	if binErr != nil {
		b.Fatalf("cannot build clbcheck: %v", binErr)
	}
	return binPath
}

// The random cases of one end-to-end run, in-process and over HTTP (the counts of the issue's
// commands): enough that drawing and checking them outweighs the catalogue's stateful cases,
// whose waits for asynchronous states take about two seconds whatever the count.
const (
	e2eRandom     = 30000
	e2eRandomHTTP = 20000
)

// runProcess runs `clbcheck run` with args plus --random n --budget 0 --quiet --sequences -1
// and a JSON report, as a user would, and returns the wall time from the process's start to
// its exit (the report is written before it exits), its CPU time and peak resident size, and
// the report's case count and duration.
func runProcess(b *testing.B, env []string, n int, args ...string) (wall, cpu time.Duration, rssMB float64, cases int, reportS float64) {
	b.Helper()
	dir := b.TempDir()
	report := filepath.Join(dir, "report.json")
	args = append([]string{"run", "--random", strconv.Itoa(n), "--budget", "0", "--quiet", "--sequences", "-1", "--report-json", report}, args...)
	cmd := exec.Command(clbcheckBinary(b), args...)
	cmd.Env = append(os.Environ(), env...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall = time.Since(start)
	if err != nil {
		b.Fatalf("clbcheck %v: %v\n%s", args, err, out)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		rssMB = float64(ru.Maxrss) / 1024
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		b.Fatal(err)
	}
	var rep struct {
		Summary struct {
			Cases    int     `json:"cases"`
			Failed   int     `json:"failed"`
			Duration float64 `json:"durationSeconds"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		b.Fatal(err)
	}
	if rep.Summary.Failed > 0 {
		b.Fatalf("%d failures in %s", rep.Summary.Failed, report)
	}
	return wall, cpu, rssMB, rep.Summary.Cases, rep.Summary.Duration
}

// BenchmarkRunEndToEnd: `clbcheck run --random 30000 --budget 0 --quiet --sequences -1` as a
// user runs it, one op being one process from its start to its report written: random cases
// drawn afresh, every case judged. in-process runs against the embedded emulator; http/workers=8
// (--random 20000) against a `clbcheck emulator` process with 8 workers, alternating, run by run, with the bare
// loopback baseline of BenchmarkCheckedHTTP (in the benchmark's process and in one of its
// own), answering 8 workers as many requests as the run checked cases. cases/bare-req-% is the
// run's case rate over the baseline's request rate; cpu-µs/case counts the harness's and, over
// HTTP, the emulator's CPU; report/wall-% is the report's duration over the process's wall time.
func BenchmarkRunEndToEnd(b *testing.B) {
	b.Run("in-process", func(b *testing.B) {
		var wall, cpu time.Duration
		var rss, reportS float64
		cases := 0
		for i := 0; i < b.N; i++ {
			w, c, r, n, d := runProcess(b, nil, e2eRandom)
			wall, cpu, rss, cases, reportS = wall+w, cpu+c, max(rss, r), cases+n, reportS+d
		}
		b.ReportMetric(float64(cases)/wall.Seconds(), "case/s")
		b.ReportMetric(float64(cpu.Microseconds())/float64(cases), "cpu-µs/case")
		b.ReportMetric(100*reportS/wall.Seconds(), "report/wall-%")
		b.ReportMetric(rss, "maxrss-MB")
	})
	b.Run("http/workers=8", func(b *testing.B) {
		const workers = 8
		url := emulatorURL(b)
		cfg := emulator.DefaultConfig()
		var env []string // the emulator's keys, as its banner prints them
		creds := embedded.PrincipalCredentials(cfg)
		for _, p := range target.PrincipalsEnv {
			if c, ok := creds[p.Principal]; ok {
				env = append(env, p.KeyID+"="+c.AccessKeyID, p.Secret+"="+c.AccessKeySecret)
				if p.Token != "" && c.SecurityToken != "" {
					env = append(env, p.Token+"="+c.SecurityToken)
				}
			}
		}
		bare := bench.BareServer(bareAnswer)
		defer bare.Close()
		bareClient := bench.Client(workers)
		procURL := bareProcessURL(b) + "/"
		procClient := bench.Client(workers)
		var wall, cpu, bareWall, procWall time.Duration
		var rss, reportS float64
		cases := 0
		for i := 0; i < b.N; i++ {
			var emuBefore time.Duration
			if emuProc != nil {
				emuBefore = emuProc.CPU()
			}
			w, c, r, n, d := runProcess(b, env, e2eRandomHTTP, "--target", url, "--workers", strconv.Itoa(workers))
			if emuProc != nil {
				c += emuProc.CPU() - emuBefore
			}
			var m bench.Meter
			m.Start()
			if err := bench.Hammer(bareClient, bare.URL+"/", bareRequest, workers, n); err != nil {
				b.Fatal(err)
			}
			bw, _ := m.Elapsed()
			m.Start()
			if err := bench.Hammer(procClient, procURL, bareRequest, workers, n); err != nil {
				b.Fatal(err)
			}
			pw, _ := m.Elapsed()
			wall, cpu, rss, cases, reportS, bareWall, procWall = wall+w, cpu+c, max(rss, r), cases+n, reportS+d, bareWall+bw, procWall+pw
		}
		rate := float64(cases) / wall.Seconds()
		b.ReportMetric(rate, "case/s")
		b.ReportMetric(float64(cpu.Microseconds())/float64(cases), "cpu-µs/case")
		b.ReportMetric(100*reportS/wall.Seconds(), "report/wall-%")
		b.ReportMetric(rss, "maxrss-MB")
		b.ReportMetric(float64(cases)/bareWall.Seconds(), "bare-req/s")
		b.ReportMetric(100*rate/(float64(cases)/bareWall.Seconds()), "cases/bare-req-%")
		b.ReportMetric(100*rate/(float64(cases)/procWall.Seconds()), "cases/bare-proc-req-%")
	})
}
