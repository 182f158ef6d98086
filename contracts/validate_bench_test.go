package contracts

import (
	"context"
	"testing"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// sampleAnswers returns a success and an error answer of the operation under test, as the
// embedded emulator gives them.
func sampleAnswers(tb testing.TB) []*target.Response {
	tb.Helper()
	tg, err := embedded.New(emulator.DefaultConfig())
	if err != nil {
		tb.Fatal(err)
	}
	s := spec.MustDefault()
	fx := resources.NewFixtures(tg, s, nil, "bench")
	ctx := context.Background()
	var kvs []target.KV
	for _, p := range generators.Base(s) {
		v := p.Value
		if p.Ref == spec.SlotPort {
			v = "443"
		} else if p.Ref != "" {
			if v, err = fx.Resolve(ctx, p.Ref); err != nil {
				tb.Fatal(err)
			}
		}
		kvs = append(kvs, target.KV{Name: p.Name, Value: v})
	}
	ok, err := tg.Send(ctx, target.Request{Action: s.UnderTest.Action, Params: kvs})
	if err != nil || !ok.Success() {
		tb.Fatalf("the valid create failed: %v %+v", err, ok)
	}
	bad, err := tg.Send(ctx, target.Request{Action: s.UnderTest.Action, Params: kvs})
	if err != nil || bad.Success() {
		tb.Fatalf("the repeated create did not fail: %v", err)
	}
	return []*target.Response{ok, bad}
}

// BenchmarkResponseValidation measures the response-schema check alone (kin-openapi) on a
// success and an error answer in turn.
func BenchmarkResponseValidation(b *testing.B) {
	s := spec.MustDefault()
	answers := sampleAnswers(b)
	for _, r := range answers {
		if err := validateResponse(s, r); err != nil {
			b.Fatalf("sample answer %d invalid: %v", r.Status, err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := validateResponse(s, answers[i%len(answers)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
}
