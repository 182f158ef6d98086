package fuzz

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"

	"github.com/clbcheck/clbcheck/fuzz/mutation"

	"github.com/clbcheck/clbcheck/spec"
)

// failer is what the bodies of the fuzz targets need of a test: a *testing.T when fuzzing, a
// *testing.B in the benchmarks below. It is not testing.TB because the ClusterFuzzLite build
// (.clusterfuzzlite/build.sh) turns testing.TB into *testing.T of its own testing package in
// the file that defines a target, which a *testing.B would then not be.
type failer interface {
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// The benchmarks of this file run the bodies of the fuzz targets on their seeds, one input
// per iteration, so that `go test -bench Fuzz -cpuprofile` shows where an exec spends its
// time (the fuzzing engine itself cannot be profiled).

func BenchmarkFuzzGatewayV1Body(b *testing.B) {
	seeds := signatureSeeds()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		params, _ := url.ParseQuery(seeds[i%len(seeds)])
		delete(params, spec.ParamSignature)
		m := mutation.Mutation{Op: uint8(i), Index: uint16(i), Pos: uint16(i * 7), Mask: uint8(1 + i), Extra: "Extra"}
		checkV1Emulator(b, params, m, i&1 == 0, i&2 == 0)
	}
}

func BenchmarkFuzzGatewayV3Body(b *testing.B) {
	seeds := signatureSeeds()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		checkV3(b, seeds[i%len(seeds)], nil, "", "v", mutation.Mutation{Op: uint8(i % mutation.V3Kinds), Index: uint16(i), Pos: uint16(i * 7), Mask: uint8(1 + i), Extra: "Extra"})
	}
}

// BenchmarkFuzzWireBody sends the wire seeds and the encoded catalogue cases, signed and not,
// through checkWire on the cached worlds, as FuzzWire does; "rebuild" drops a world after any
// change, as FuzzWire did before it undid the listeners a success creates.
func BenchmarkFuzzWireBody(b *testing.B) {
	s := spec.MustDefault()
	auth := authCodes(s)
	inputs := wireSeeds()
	keys, err := cachedWorld(false)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range corpusCases(s) {
		inputs = append(inputs, EncodeCase(s, c, keys.KeyOf))
	}
	for _, mode := range []string{"undo", "rebuild"} {
		b.Run(mode, func(b *testing.B) {
			undoListenersOn = mode == "undo"
			defer func() { undoListenersOn = true }()
			rebuilds = 0
			for i := 0; i < b.N; i++ {
				x := inputs[i%len(inputs)]
				signed := (i/len(inputs))&1 == 0
				w, err := cachedWorld(signed)
				if err != nil {
					b.Fatal(err)
				}
				msg, after := checkWireFrom(s, w, x, signed, auth, worlds[boolIndex(signed)].pristine)
				releaseWorld(signed, after)
				if msg != "" {
					b.Fatal(msg)
				}
			}
			b.ReportMetric(float64(rebuilds)/float64(b.N), "worlds/op")
		})
	}
}

// rebuilds counts the worlds FuzzWire built (see cachedWorld); undoListenersOn switches off
// the undo of releaseWorld, for BenchmarkFuzzWireBody's comparison.
var (
	rebuilds        int
	undoListenersOn = true
)

// The signature targets' emulator is renewed before its replay cache grows large.
func TestSignatureEmulatorRenewed(t *testing.T) {
	first, _ := sigWorld(t)
	for i := 0; i < sigRenewAfter; i++ {
		nextNonce()
	}
	second, _ := sigWorld(t)
	if first == second {
		t.Fatalf("the emulator was kept after %d nonces", sigRenewAfter)
	}
	if n := second.NonceCacheSize(); n != 0 {
		t.Fatalf("a renewed emulator remembers %d nonces", n)
	}
}

// BenchmarkFuzzGeneratedBody draws and judges cases on FuzzGenerated's light path (the seeds
// whose first byte is not genContracts).
func BenchmarkFuzzGeneratedBody(b *testing.B) {
	var seeds [][]byte
	for _, s := range generatedSeeds() {
		if len(s) > 0 && s[0] != genContracts {
			seeds = append(seeds, s)
		}
	}
	if err := generatedWorld(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		runDrawn(b, seeds[i%len(seeds)])
	}
}

// A world FuzzWire keeps for the next input is in exactly the state of a freshly provisioned
// one, whatever the previous input did (successes included: their listeners are deleted), on
// the seeds and the encoded catalogue cases of the committed corpus.
func TestKeptWorldIsPristine(t *testing.T) {
	s := spec.MustDefault()
	auth := authCodes(s)
	fresh := map[bool][]byte{}
	for _, signed := range []bool{false, true} {
		w, err := NewInProcessWorld(!signed)
		if err != nil {
			t.Fatal(err)
		}
		fresh[signed] = w.Snapshot()
	}
	inputs := wireSeeds()
	keys, _ := cachedWorld(false)
	for _, c := range corpusCases(s) {
		inputs = append(inputs, EncodeCase(s, c, keys.KeyOf))
	}
	kept, undone := 0, 0
	for _, x := range inputs {
		for _, signed := range []bool{false, true} {
			w, err := cachedWorld(signed)
			if err != nil {
				t.Fatal(err)
			}
			msg, after := checkWireFrom(s, w, x, signed, auth, worlds[boolIndex(signed)].pristine)
			if msg != "" {
				t.Fatal(msg)
			}
			changed := !bytes.Equal(after, worlds[boolIndex(signed)].pristine)
			releaseWorld(signed, after)
			if c := worlds[boolIndex(signed)]; c.w != nil {
				kept++
				if changed {
					undone++
				}
				if got := c.w.Snapshot(); !bytes.Equal(got, fresh[signed]) {
					t.Fatalf("a kept world differs from a fresh one after %s:\n%s", describeWire(x), diffAt(fresh[signed], got))
				}
			}
		}
	}
	if kept == 0 || undone == 0 {
		t.Fatalf("%d worlds kept, %d of them after a change was undone", kept, undone)
	}
}

// FuzzCeiling does nothing with its input. It is not a check but a yardstick: its execs/s
// (FUZZ_TARGETS=FuzzCeiling make fuzz) is what go test -fuzz manages in this package when an
// exec costs nothing, the ceiling of every target here. The engine's own work per exec grows
// with the coverage counters of every instrumented package the test binary links (doc.go,
// "Speed"), so the ceiling is this package's, not a small package's.
func FuzzCeiling(f *testing.F) {
	f.Add(http.MethodPost, "Action=x", "", "", false)
	f.Fuzz(func(t *testing.T, method, query, body, contentType string, signed bool) {
		profileWorker()
	})
}
