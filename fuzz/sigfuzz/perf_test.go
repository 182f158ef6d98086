package sigfuzz

import (
	"net/url"
	"testing"

	"github.com/clbcheck/clbcheck/fuzz/mutation"
)

// The benchmarks run the targets' bodies on the seed queries, one input per iteration, so
// that go test -bench -cpuprofile shows where an exec's time goes.

func BenchmarkSignatureV1Body(b *testing.B) {
	seeds := mutation.SeedQueries
	for i := 0; b.Loop(); i++ {
		params, _ := url.ParseQuery(seeds[i%len(seeds)])
		checkV1(b, "POST", params, mutation.Mutation{Op: uint8(i), Index: uint16(i), Pos: uint16(i * 7), Mask: uint8(1 + i), Extra: "Extra"})
	}
}

func BenchmarkSignatureV3Body(b *testing.B) {
	seeds := mutation.SeedQueries
	for i := 0; b.Loop(); i++ {
		checkV3(b, seeds[i%len(seeds)], nil, "", "v", mutation.Mutation{Op: uint8(i % mutation.V3Kinds), Index: uint16(i), Pos: uint16(i * 7), Mask: uint8(1 + i), Extra: "Extra"})
	}
}
