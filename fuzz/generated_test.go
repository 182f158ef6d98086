package fuzz

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leanovate/gopter"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// generated is the per-process state of FuzzGenerated's light path: one in-process emulator
// target with its fixtures, the gopter generators, and a port counter. Every input deletes
// the listener it created, so the state stays that of the fixtures.
var generated struct {
	once     sync.Once
	err      error
	tg       *embedded.Target
	fx       *resources.Fixtures
	valid    generators.RequestGen
	negative gopter.Gen
	negBuild func(any) generators.Case
	port     int
}

func generatedWorld() error {
	g := &generated
	g.once.Do(func() {
		s := spec.MustDefault()
		cfg := emulator.DefaultConfig()
		cfg.Now = func() time.Time { return FixedTime }
		g.tg, g.err = embedded.New(cfg)
		if g.err != nil {
			return
		}
		g.fx = resources.NewFixtures(g.tg, s, nil, "fuzz")
		g.valid = generators.ValidRequestGen(s)
		g.negative, g.negBuild = generators.NegativeRequestGen(s)
		g.port = 20000
	})
	return g.err
}

// genContracts is the first byte that sends an input down the contracts.Execute path. That
// path costs some ten milliseconds (Execute enumerates the catalogue and provisions its
// fixtures every time), so one byte value out of 256 keeps the fuzzer's rate up.
const genContracts = 0x00

// FuzzGenerated lets the input drive the gopter generators of package generators. The first
// byte picks the path: when it is 0, the next eight bytes seed
// contracts.Execute over a few RandomCases against a fresh emulator (the project's own
// oracle, every check on, strict profile), and any failure, warning or skip fails the input;
// otherwise the rest of the input is the random source from which one ValidRequestGen or
// NegativeRequestGen request is drawn (bit 4), sent with the placement, method, format and
// signature version the remaining bits pick, and judged with the same pieces contracts uses:
// the expected outcome of the case, generators.Confirm on the bytes sent, the envelope checks
// of Problems, and the listener read back (created and stopped after a success, absent after
// a refusal).
func FuzzGenerated(f *testing.F) {
	for _, seed := range generatedSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		profileWorker()
		if len(data) == 0 {
			return
		}
		if data[0] == genContracts {
			runContracts(t, data[1:])
			return
		}
		if err := generatedWorld(); err != nil {
			t.Fatal(err)
		}
		runDrawn(t, data)
	})
}

func runContracts(t *testing.T, data []byte) {
	var b [8]byte
	copy(b[:], data)
	seed := int64(binary.LittleEndian.Uint64(b[:]) & (1<<62 - 1))
	if seed == 0 {
		seed = 1
	}
	n := 2
	if len(data) > 8 {
		n = 1 + int(data[8]%4)
	}
	cfg := emulator.DefaultConfig()
	tg, err := embedded.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var failures []string
	rep := &reporter{onCase: func(r contracts.CaseResult) {
		if r.Verdict == contracts.Pass {
			return
		}
		msg := fmt.Sprintf("%s %s: expected %s, got %s %s", r.Verdict, r.ID, r.Expected, r.Actual, r.SkipReason)
		for _, c := range r.Checks {
			if c.Verdict != contracts.Pass {
				msg += fmt.Sprintf("\n  %s: %s (expected %s, got %s)", c.Check, c.Message, c.Expected, c.Actual)
			}
		}
		if r.Exchange != nil {
			msg += fmt.Sprintf("\n  %s %s %s", r.Exchange.Method, r.Exchange.URL, r.Exchange.Body)
		}
		failures = append(failures, msg)
	}}
	sum, _, err := contracts.Execute(context.Background(), tg, contracts.Options{
		Profile: contracts.ProfileStrict, Seed: seed, Random: n, Sequences: -1, Workers: 1, Reporter: rep,
		Filter: func(c generators.Case) bool { return c.Category == generators.Random },
	})
	if err != nil {
		t.Fatalf("contracts.Execute (seed %d): %v", seed, err)
	}
	if len(failures) > 0 || sum.Failed+sum.Skipped+sum.Warnings > 0 {
		t.Fatalf("contracts.Execute with seed %d, %d random cases: %d failed, %d skipped, %d warnings\n%s",
			seed, n, sum.Failed, sum.Skipped, sum.Warnings, strings.Join(failures, "\n"))
	}
}

type reporter struct{ onCase func(contracts.CaseResult) }

func (r *reporter) Begin(contracts.Meta) error                      { return nil }
func (r *reporter) Case(c contracts.CaseResult) error               { r.onCase(c); return nil }
func (r *reporter) End(contracts.Summary, contracts.Coverage) error { return nil }

// drawCase draws one case from the generators with the input as the random source.
func drawCase(s *spec.Spec, data []byte) (generators.Case, bool) {
	g := &generated
	rng := rand.New(NewByteSource(data[1:]))
	gen, build := g.valid.Gen, func(v any) any { return g.valid.Build(v) }
	if data[0]&0x10 != 0 {
		gen, build = g.negative, func(v any) any { return g.negBuild(v) }
	}
	// As gopter.DefaultGenParameters, without the time-seeded source it makes and this
	// replaces; MaxSize as RandomCases draws them.
	params := &gopter.GenParameters{MaxSize: 24, MaxShrinkCount: 1000, Rng: rng}
	var v any
	ok := false
	for try := 0; try < 20 && !ok; try++ {
		v, ok = gen(params).Retrieve()
	}
	if !ok {
		return generators.Case{}, false
	}
	var c generators.Case
	switch x := build(v).(type) {
	case []generators.Param:
		c = generators.Case{ID: "drawn/valid", Scenario: "RANDOM_VALID", Category: generators.Random, Params: x, Static: true,
			Expect: spec.Outcome{Success: true, Basis: spec.Documented}}
	case generators.Case:
		c = x
		c.ID = "drawn/negative" // its expectation is the generator's, as a run's would be
	default:
		return generators.Case{}, false
	}
	c.Action = s.UnderTest.Action
	c.Method = http.MethodPost
	if data[0]&0x80 != 0 {
		c.Method = http.MethodGet
	}
	c.Placement = []string{"", "form", "split", ""}[data[0]>>5&3]
	switch rng.Intn(8) {
	case 0:
		c.Format = "XML"
	case 1:
		c.Format = "json"
	}
	if rng.Intn(8) == 0 {
		c.Auth = spec.AuthV3
		c.Placement = "" // V3 clients send every parameter in the query
	}
	return c, true
}

func runDrawn(t failer, data []byte) {
	s := spec.MustDefault()
	g := &generated
	c, ok := drawCase(s, data)
	if !ok {
		return
	}
	ctx := context.Background()
	g.port++
	if g.port > 65000 {
		g.port = 20000
	}
	port := fmt.Sprint(g.port)
	var kvs []target.KV
	for _, p := range c.Params {
		v := p.Value
		if p.Ref != "" {
			var parts []string
			for _, ref := range generators.SplitRef(p.Ref) {
				if ref == spec.SlotPort {
					parts = append(parts, port)
					continue
				}
				id, err := g.fx.Resolve(ctx, ref)
				if err != nil {
					t.Fatalf("fixture %s: %v", ref, err)
				}
				parts = append(parts, id)
			}
			v = strings.Join(parts, ",")
		}
		kvs = append(kvs, target.KV{Name: p.Name, Value: v, Raw: p.Raw})
	}
	req := target.Request{Action: c.Action, Params: kvs, Method: c.Method, Placement: c.Placement, Format: c.Format, Auth: c.Auth}
	resp, err := g.tg.Send(ctx, req)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	var problems []string
	problems = append(problems, responseProblems(s, c.Action, resp)...)
	code := resp.Code
	if resp.Success() {
		code = ""
	}
	// Judged as a run judges it, under the strict profile: against the faithful emulator
	// even a warning is a finding.
	if v := contracts.JudgeOutcome(c.Expect, resp.Status, code, contracts.ProfileStrict); v.Verdict != contracts.Pass {
		problems = append(problems, fmt.Sprintf("expected %s, got %d %s: %s", c.Expect, resp.Status, code, v.Message))
	}
	if strings.EqualFold(c.Format, "XML") != strings.Contains(strings.ToLower(resp.ContentType), "xml") {
		problems = append(problems, fmt.Sprintf("format %q answered with content type %q", c.Format, resp.ContentType))
	}
	if err := generators.Confirm(s, c, target.SentValues(resp.Sent, s.Wire.CommonParameters)); err != nil {
		problems = append(problems, "case integrity: "+err.Error())
	}
	lb := target.Value(kvs, spec.ParamLoadBalancerID)
	if lb != "" && target.Value(kvs, spec.ParamListenerPort) == port {
		ref := []target.KV{{Name: spec.ParamLoadBalancerID, Value: lb}, {Name: spec.ParamListenerPort, Value: port}}
		d, err := g.tg.Send(ctx, target.Request{Action: spec.ActionDescribeHTTPSListener, Params: ref})
		switch {
		case err != nil:
			problems = append(problems, "cannot read the listener back: "+err.Error())
		case resp.Success() && !d.Success():
			problems = append(problems, fmt.Sprintf("a success left no listener to read back (%d %s)", d.Status, d.Code))
		case resp.Success() && fmt.Sprint(d.Fields[spec.FieldStatus]) != spec.StatusStopped:
			problems = append(problems, fmt.Sprintf("a new listener is %v, not %s", d.Fields[spec.FieldStatus], spec.StatusStopped))
		case !resp.Success() && d.Success():
			problems = append(problems, "a refused request left a listener behind")
		}
		if resp.Success() {
			if del, err := g.tg.Send(ctx, target.Request{Action: spec.ActionDeleteListener, Params: ref}); err != nil || !del.Success() {
				problems = append(problems, "cannot delete the listener the case created")
			}
		}
	}
	if len(problems) > 0 {
		t.Fatalf("%s (%s, %s %s placement %q format %q auth %q)\n%s\nsent: %s %s\nbody: %s\nanswer: %s",
			c.ID, c.Scenario, c.Method, c.Action, c.Placement, c.Format, c.Auth, strings.Join(problems, "\n"),
			resp.Sent.Method, resp.Sent.URL, resp.Sent.Body, clip(resp.Body, 500))
	}
}

// generatedSeeds cover both paths and every mode bit.
func generatedSeeds() [][]byte {
	var out [][]byte
	r := rand.New(rand.NewSource(42))
	for mode := 0; mode < 256; mode += 17 {
		b := make([]byte, 1+8*24)
		r.Read(b)
		b[0] = byte(mode)
		out = append(out, b)
	}
	out = append(out, []byte{0x00, 7, 0, 0, 0, 0, 0, 0, 0, 3}, []byte{0x01}, []byte{0x11})
	return out
}
