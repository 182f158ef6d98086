package referee_test

import (
	"net/url"
	"testing"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
)

// BenchmarkFindings: the referee judging random requests as a run does (each request once, the
// memo warm with what earlier requests sent), with the memo and without it.
func BenchmarkFindings(b *testing.B) {
	s := spec.MustDefault()
	ref := generators.RefereeFor(s)
	var inputs []url.Values
	for i := 0; i < 20000; i++ {
		if c, ok := generators.RandomCase(s, 99, i); ok {
			inputs = append(inputs, generators.Values(c.Params, generators.Placeholder))
		}
	}
	run := func(b *testing.B, findings func(url.Values) int) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			findings(cloneValues(inputs[i%len(inputs)]))
		}
	}
	b.Run("memo", func(b *testing.B) {
		r := ref.WithMemo(1 << 14)
		run(b, func(v url.Values) int { return len(r.Findings(v)) })
	})
	b.Run("reference", func(b *testing.B) {
		r := ref.WithoutMemo()
		run(b, func(v url.Values) int { return len(r.Findings(v)) })
	})
}
