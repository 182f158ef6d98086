// Package fuzz holds clbcheck's native Go fuzz targets (go test -fuzz) and what they need:
// raw-wire encoding of cases, signing after decoding, an oracle for any answer, in-process
// and external worlds with fixtures, and the seed corpora.
//
// # Targets
//
//   - FuzzWire (wire_test.go): method, query, body and content type, as raw bytes, into the
//     emulator. signed=false runs it with NoAuth and a fixed clock (business logic);
//     signed=true decodes the input, drops its V1 parameters and signs it correctly with V1
//     (SignWireV1), so that it reaches validation and the state. Every answer must pass
//     Problems (no panic, no 5xx, a RequestId, string error fields, a catalogue code with its
//     status), a correctly signed input must never meet a signature, timestamp, nonce or key
//     error, and a refused request must leave the state as it was (Emulator.Snapshot in
//     process; the listener count of the fixture instance through
//     DescribeLoadBalancerListeners in the external mode).
//   - FuzzGenerated (generated_test.go): the input is the random source of the gopter
//     generators (ByteSource): one ValidRequestGen or NegativeRequestGen request, sent with
//     the placement, method, format and signature version the input picks, is judged with
//     the case's expected outcome, generators.Confirm, Problems and a read-back of the
//     listener. A first byte of 0 instead seeds contracts.Execute over a few RandomCases
//     with every check on, strict profile; any failure, warning or skip fails the input.
//   - FuzzGatewayV1 and FuzzGatewayV3 (signature_test.go): a request signed with V1 or V3
//     must pass the emulator's authentication; after one change (package fuzz/mutation: a
//     flipped byte in a value or name, an added, removed or reordered parameter, a changed or
//     removed signed header, another body, another method, raw bytes appended to the query)
//     it must be refused, with SignatureDoesNotMatch where only signed content changed,
//     unless its canonical form did not change. The same inputs check package signature
//     alone in package fuzz/sigfuzz (FuzzSignatureV1, FuzzSignatureV3), whose test binary
//     links so little that its targets run several times faster (see "Speed").
//   - FuzzDecode (decode_test.go): target.Decode on any body never panics and flags in
//     DecodeErr the envelope fields that are not strings and an AccessDeniedDetail that is
//     not an object (the shapes that crash the official Go SDK), as an independent JSON
//     reading says.
//   - FuzzCeiling (perf_test.go) checks nothing: it is the yardstick of the others (see
//     "Speed"), and run.sh leaves it out unless FUZZ_TARGETS names it.
//
// # Helpers
//
//   - The wire: [Wire], [EncodeCase], [SignWireV1], [ServeWire], [RequestAction],
//     and package fuzz/mutation for the changes the signature targets make.
//   - The oracle: [Problems] (the harness's answer checks plus the emulator's panic text) on an
//     [Answer], the raw HTTP answer; [AnswerCode].
//   - Worlds: [World], [NewInProcessWorld], [NewExternalWorld] (fixtures, [PlaceholderPort],
//     [FixedTime]); [External], [ExternalFromEnv] ([EnvTarget]) and [IsLoopback] for a target
//     outside the process.
//   - [ByteSource], [NewByteSource]: the fuzzer's bytes as gopter's random source.
//   - In the test files: profileWorker and EnvCPUProfile, EnvCPUProfileDelay,
//     EnvCPUProfileFor (profile_test.go), the workers' CPU profile (see "Speed").
//
// # Running
//
// Plain go test ./fuzz/ runs every seed (the f.Add ones and testdata/fuzz/<Target>/*) once,
// as regression tests. To fuzz:
//
//	./fuzz/run.sh 60s       # every target for 60s, one after another (make fuzz FUZZTIME=60s)
//	FUZZ_TARGETS="FuzzWire FuzzDecode" ./fuzz/run.sh 5m
//	go test -run '^$' -fuzz '^FuzzWire$' -fuzztime 30s ./fuzz/
//
// run.sh stops at the first target that fails. It limits the minimisation of new inputs to
// 100 tries (FUZZ_MINIMIZE overrides it, e.g. FUZZ_MINIMIZE=30s for a crasher worth a
// smaller reproducer): FuzzGenerated finds new coverage so often that the default minute
// of minimising each one would leave no time to fuzz.
//
// # Speed
//
// run.sh prints, after each target, its execs per second over the whole run and over the
// fuzzing alone: go test -fuzz first replays the whole corpus (testdata and the cache under
// $(go env GOCACHE)/fuzz) to gather its baseline coverage, and counts none of that as execs.
//
// Most of an exec's time here is the engine's, not the target's. go test -fuzz instruments
// every package linked into the test binary, and for every exec a worker clears, copies
// (rounding each counter) and compares with its coverage mask the whole counter array; it
// also decodes that mask, sent as JSON, with every batch of inputs (every 100 ms) and with
// every corpus entry of the baseline. The array grows with the code the binary links: about
// 5 KB for an empty package, 17 KB with net/http, 46 KB once kin-openapi (and with it YAML,
// JSON Schema and x/text) is in, and about 84 KB for this package's test binary, whose
// emulator, spec, referee and harness link all of them. So even a target that does nothing
// runs at a fraction of what it would in a small package:
//
//	FUZZ_TARGETS=FuzzCeiling make fuzz FUZZTIME=30s   # the ceiling of every target here
//
// Where an exec's time goes: the Benchmark*Body benchmarks (perf_test.go) run a target's body
// on its seeds, for `go test -bench -cpuprofile`; go test -fuzz refuses -cpuprofile, so
// CLBCHECK_FUZZ_CPUPROFILE=<dir> makes each worker profile itself (profile_test.go), engine
// included:
//
//	mkdir -p /tmp/prof
//	CLBCHECK_FUZZ_CPUPROFILE=/tmp/prof CLBCHECK_FUZZ_CPUPROFILE_DELAY=15s FUZZ_TARGETS=FuzzWire make fuzz
//	go tool pprof -top -cum /tmp/prof/cpu-*.prof
//
// # Fuzzing an external server
//
// With CLBCHECK_FUZZ_TARGET=http://127.0.0.1:PORT set, FuzzWire sends its inputs to that
// server instead of the in-process emulator; the other targets are not affected. Before the
// first input it provisions the fixtures there (instances, certificates, ACLs, server
// groups) through the standard operations, signed with CLBCHECK_FUZZ_ACCESS_KEY_ID and
// CLBCHECK_FUZZ_ACCESS_KEY_SECRET (both, or neither for the emulator's default primary
// key), and signs the signed=true inputs with the same key at the current time. Only
// loopback URLs are accepted (127.0.0.0/8, ::1, localhost); CLBCHECK_FUZZ_ALLOW_REMOTE=1
// lifts that on purpose. Raw queries are sent with the bytes a request line cannot carry
// percent-encoded. The state check counts the listeners of the fixture instance before and
// after each refused request. For example, against the emulator command:
//
//	clbcheck emulator --listen 127.0.0.1:8080 &
//	CLBCHECK_FUZZ_TARGET=http://127.0.0.1:8080 go test -run '^$' -fuzz '^FuzzWire$' -fuzztime 1m ./fuzz/
//
// # Seed corpora
//
// testdata/fuzz/<Target>/gen-* are written from generators.Enumerate's cases (encoded on
// the wire by EncodeCase, with placeholders such as {lb} and {port} for fixture ids) and
// from the emulator's answers to them:
//
//	go test ./fuzz -run TestWriteCorpus -update
//
// Without -update, TestWriteCorpus only logs (go test -v) how far the committed files are
// from what the generators give now. It only ever touches gen-* files.
//
// # Adding a crasher
//
// When a target fails, go test writes the input to testdata/fuzz/<Target>/<hash> and prints
// the command that replays it. Keep that file (commit it with the fix, or before it): from
// then on it runs with every go test. If the bug is in another package and not fixed yet,
// also add a small test to regress_test.go that shows it and skips with t.Skip("known bug:
// ...") naming the file to fix, so that go test ./... stays green; remove the skip to check a
// fix. If the crasher itself would fail go test, keep it
// outside testdata (in the report) until the fix lands. A false alarm of an oracle is fixed
// in the oracle, and the input kept as well.
package fuzz
