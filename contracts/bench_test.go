package contracts_test

import (
	"context"
	"testing"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/generators"
)

// BenchmarkCheckedCasesInProcess measures whole checked cases (generate, sign, send, judge,
// read back) per second against the in-process emulator, stateless cases only (no waits).
func BenchmarkCheckedCasesInProcess(b *testing.B) {
	tg, err := embedded.New(emulator.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	static := func(c generators.Case) bool { return c.Static && len(c.Setup) == 0 }
	b.ResetTimer()
	cases := 0
	for cases < b.N {
		sum, _, err := contracts.Execute(context.Background(), tg, contracts.Options{Profile: contracts.ProfileStrict, Seed: 1, Filter: static, Sequences: -1, Workers: 2, KeepResources: true})
		if err != nil {
			b.Fatal(err)
		}
		if sum.Failed > 0 {
			b.Fatalf("%d failures", sum.Failed)
		}
		cases += sum.Cases
	}
	b.ReportMetric(float64(cases)/b.Elapsed().Seconds(), "cases/s")
}
