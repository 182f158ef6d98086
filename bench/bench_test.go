package bench_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"github.com/clbcheck/clbcheck/bench"
	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// stateless keeps the cases that need no setup and no waiting: the part of the suite whose
// speed is the harness's own, not the pauses an asynchronous state imposes.
func stateless(c generators.Case) bool { return c.Static && len(c.Setup) == 0 }

func options(workers int) contracts.Options {
	return contracts.Options{Profile: contracts.ProfileStrict, Seed: 1, Filter: stateless, Sequences: -1, Workers: workers}
}

// runUntil executes whole runs until at least n cases were checked; it fails on any failure.
func runUntil(b *testing.B, tg target.Target, opts contracts.Options, n int) int {
	b.Helper()
	cases := 0
	for cases < n {
		sum, _, err := contracts.Execute(context.Background(), tg, opts)
		if err != nil {
			b.Fatal(err)
		}
		if sum.Failed > 0 {
			b.Fatalf("%d failures", sum.Failed)
		}
		cases += sum.Cases
	}
	return cases
}

// BenchmarkCheckedInProcess: checked cases (generate, sign, send, judge, read back) per second
// against the embedded emulator, with two workers.
func BenchmarkCheckedInProcess(b *testing.B) {
	tg, err := embedded.New(emulator.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	runUntil(b, tg, options(2), 1) // warm the catalogue and the fixtures' code paths
	b.ReportAllocs()
	var m bench.Meter
	b.ResetTimer()
	m.Start()
	cases := runUntil(b, tg, options(2), b.N)
	m.Report(b, cases, "case")
}

var (
	bareOnce sync.Once
	bareProc *bench.Process
	bareErr  error
)

// bareProcessURL starts the bare baseline in a process of its own, once for all benchmarks.
func bareProcessURL(b *testing.B) string {
	bareOnce.Do(func() { bareProc, bareErr = bench.StartBareProcess() })
	if bareErr != nil {
		b.Fatalf("cannot start the bare baseline process: %v", bareErr)
	}
	return bareProc.URL
}

var (
	emuOnce sync.Once
	emuProc *bench.Process
	emuDir  string
	emuURL  string
	emuErr  error
)

// emulatorURL starts one `clbcheck emulator` process for all HTTP benchmarks. With
// CLBCHECK_BENCH_URL set, that already running emulator (default credentials) is used instead.
func emulatorURL(b *testing.B) string {
	emuOnce.Do(func() {
		if u := os.Getenv("CLBCHECK_BENCH_URL"); u != "" {
			emuURL = u
			return
		}
		emuDir, emuErr = os.MkdirTemp("", "clbcheck-bench-")
		if emuErr != nil {
			return
		}
		emuProc, emuErr = bench.StartEmulator(context.Background(), emuDir)
		if emuErr == nil {
			emuURL = emuProc.URL
		}
	})
	if emuErr != nil {
		b.Skipf("cannot start clbcheck emulator: %v", emuErr)
	}
	return emuURL
}

func TestMain(m *testing.M) {
	if os.Getenv(bench.BareProcessEnv) == "1" {
		bench.ServeBare(bareAnswer)
		return
	}
	code := m.Run()
	if emuProc != nil {
		emuProc.Stop()
	}
	if bareProc != nil {
		bareProc.Stop()
	}
	if emuDir != "" {
		os.RemoveAll(emuDir)
	}
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// BenchmarkCheckedHTTP: the same suite over HTTP on loopback against a running `clbcheck
// emulator`, N workers, followed in the same iteration by the bare baseline: a trivial handler
// answering a fixed body of the emulator's typical size to a client configured the same way,
// with as many requests as the harness sent. "http/bare-%" is the harness's request rate as a
// percentage of the bare rate; "cases/bare-req-%" the checked-case rate against it. The bare
// server runs in the benchmark's own process, where a request costs no trip to another
// process; "http/bare-proc-%" compares with the same server run as a process of its own, as
// the emulator is.
func BenchmarkCheckedHTTP(b *testing.B) {
	for _, workers := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			url := emulatorURL(b)
			counting := &bench.Counting{Next: bench.Client(workers).Transport}
			tg, err := target.NewHTTP(target.HTTPConfig{BaseURL: url, Credentials: embedded.PrincipalCredentials(emulator.DefaultConfig()),
				Client: &http.Client{Transport: counting}, Name: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			runUntil(b, tg, options(workers), 1)
			bare := bench.BareServer(bareAnswer)
			defer bare.Close()
			bareClient := bench.Client(workers)
			if err := bench.Hammer(bareClient, bare.URL+"/", bareRequest, workers, 50); err != nil {
				b.Fatal(err)
			}
			procURL := bareProcessURL(b) + "/"
			procClient := bench.Client(workers)
			if err := bench.Hammer(procClient, procURL, bareRequest, workers, 50); err != nil {
				b.Fatal(err)
			}
			// Harness and baseline alternate run by run, so both see the same load from
			// whatever else the machine is doing.
			b.ResetTimer()
			var wall, cpu, bareWall, procWall time.Duration
			cases, reqs := 0, 0
			for cases < b.N {
				var m bench.Meter
				m.Start()
				before := counting.Count()
				n := runUntil(b, tg, options(workers), 1)
				w, c := m.Elapsed()
				r := int(counting.Count() - before)
				m.Start()
				if err := bench.Hammer(bareClient, bare.URL+"/", bareRequest, workers, r); err != nil {
					b.Fatal(err)
				}
				bw, _ := m.Elapsed()
				m.Start()
				if err := bench.Hammer(procClient, procURL, bareRequest, workers, r); err != nil {
					b.Fatal(err)
				}
				pw, _ := m.Elapsed()
				cases, reqs, wall, cpu, bareWall, procWall = cases+n, reqs+r, wall+w, cpu+c, bareWall+bw, procWall+pw
			}
			b.StopTimer()
			b.ReportMetric(float64(cases)/wall.Seconds(), "case/s")
			b.ReportMetric(float64(cpu.Microseconds())/float64(cases), "cpu-µs/case")
			b.ReportMetric(float64(reqs)/wall.Seconds(), "req/s")
			b.ReportMetric(float64(reqs)/bareWall.Seconds(), "bare-req/s")
			b.ReportMetric(100*bareWall.Seconds()/wall.Seconds(), "http/bare-%")
			b.ReportMetric(100*(float64(cases)/wall.Seconds())/(float64(reqs)/bareWall.Seconds()), "cases/bare-req-%")
			b.ReportMetric(float64(reqs)/procWall.Seconds(), "bare-proc-req/s")
			b.ReportMetric(100*procWall.Seconds()/wall.Seconds(), "http/bare-proc-%")
		})
	}
}

// A signed create of the size the harness sends and an answer of the size the emulator gives.
var (
	bareRequest = []byte("Action=CreateLoadBalancerHTTPSListener&Version=2014-05-15&AccessKeyId=LTAIemulatorPrimary0001&SignatureMethod=HMAC-SHA1&SignatureNonce=0123456789abcdef0123456789abcdef&SignatureVersion=1.0&Timestamp=2026-01-01T00%3A00%3A00Z&LoadBalancerId=lb-0123456789abcdef&ListenerPort=20001&Bandwidth=-1&ServerCertificateId=1234567890123456_abcdef0123_1234567890_-1234567890&RegionId=cn-hangzhou&Signature=abcdefghijklmnopqrstuvwxyz0%3D")
	bareAnswer  = []byte(`{"RequestId":"5BF8C7E7-0D6B-4E3B-9F0F-8E0E4C6F3A21","Code":"InvalidParameter","Message":"The specified parameter ListenerPort is not valid.","HostId":"slb.aliyuncs.com","Recommend":"https://api.aliyun.com/troubleshoot?q=InvalidParameter"}`)
)

// BenchmarkEmulator: the emulator alone, its handler called directly with requests signed
// beforehand: a valid create, a read-back, a refused create (the same port again) and the
// delete, in turn. One op is one request.
func BenchmarkEmulator(b *testing.B) {
	cfg := emulator.DefaultConfig()
	emu, err := emulator.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	s := spec.MustDefault()
	// Fixtures come from the emulator under test: a second target on the same handler.
	ht, err := embedded.NewHandler(emu, cfg, "bench")
	if err != nil {
		b.Fatal(err)
	}
	fx := resources.NewFixtures(ht, s, nil, "bench")
	ctx := context.Background()
	base := map[string]string{}
	var order []string
	for _, p := range generators.Base(s) {
		v := p.Value
		if p.Ref != "" && p.Ref != spec.SlotPort {
			if v, err = fx.Resolve(ctx, p.Ref); err != nil {
				b.Fatal(err)
			}
		}
		base[p.Name] = v
		order = append(order, p.Name)
	}
	const batch = 512
	port := 20000
	build := func() []*http.Request {
		out := make([]*http.Request, 0, batch)
		for len(out) < batch {
			port++
			if port > 65000 {
				port = 20001
			}
			var create []target.KV
			for _, n := range order {
				v := base[n]
				if n == spec.ParamListenerPort {
					v = fmt.Sprint(port)
				}
				create = append(create, target.KV{Name: n, Value: v})
			}
			key := []target.KV{{Name: spec.ParamLoadBalancerID, Value: base[spec.ParamLoadBalancerID]}, {Name: spec.ParamListenerPort, Value: fmt.Sprint(port)}}
			for _, r := range []target.Request{
				{Action: s.UnderTest.Action, Params: create},
				{Action: spec.ActionDescribeHTTPSListener, Params: key},
				{Action: s.UnderTest.Action, Params: create},
				{Action: spec.ActionDeleteListener, Params: key},
			} {
				hr, _, err := ht.Build(r)
				if err != nil {
					b.Fatal(err)
				}
				hr.RequestURI = hr.URL.RequestURI()
				hr.RemoteAddr = "127.0.0.1:1"
				out = append(out, hr)
			}
		}
		return out
	}
	b.ReportAllocs()
	b.ResetTimer()
	var m bench.Meter
	var cpu time.Duration
	var reqs []*http.Request
	failures := 0
	for i := 0; i < b.N; i++ {
		if len(reqs) == 0 {
			if i > 0 {
				_, c := m.Elapsed()
				cpu += c
			}
			b.StopTimer()
			reqs = build()
			b.StartTimer()
			m.Start()
		}
		rec := httptest.NewRecorder()
		emu.ServeHTTP(rec, reqs[0])
		if want := i%4 != 2; (rec.Code == http.StatusOK) != want {
			failures++
		}
		reqs = reqs[1:]
	}
	b.StopTimer()
	_, c := m.Elapsed()
	cpu += c
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/req")
	if failures > 0 {
		b.Fatalf("%d answers other than expected", failures)
	}
}

// BenchmarkGeneration: the catalogue a run starts from (enumerated cases plus 64 random ones),
// drawn afresh and taken from the cache; and one random case drawn as a run draws it.
func BenchmarkGeneration(b *testing.B) {
	s := spec.MustDefault()
	b.Run("fresh", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		var m bench.Meter
		m.Start()
		for i := 0; i < b.N; i++ {
			n += len(generators.Enumerate(s, generators.Options{}))
			n += len(generators.RandomCases(s, int64(i+1), 64))
		}
		m.Report(b, n, "case")
	})
	// One random case as a run draws it: on its own, from the seed and its index; with the
	// default collector, and with the percent clbcheck run sets (cpu-µs counts the collector's
	// work on the other core too).
	random := func(b *testing.B) {
		generators.RandomCase(s, 1, 0) // builds the generators, once per process
		b.ReportAllocs()
		n := 0
		var m bench.Meter
		m.Start()
		for i := 0; i < b.N; i++ {
			if _, ok := generators.RandomCase(s, 1, i); ok {
				n++
			}
		}
		m.Report(b, n, "case")
	}
	b.Run("random", random)
	b.Run("random/gc=400", func(b *testing.B) {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
		random(b)
	})
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		var m bench.Meter
		m.Start()
		for i := 0; i < b.N; i++ {
			n += len(generators.EnumerateCached(s, generators.Options{}))
			n += len(generators.RandomCasesCached(s, 1, 64))
		}
		m.Report(b, n, "case")
	})
}
