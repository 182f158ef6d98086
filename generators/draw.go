package generators

import (
	"math/rand"

	"github.com/leanovate/gopter"
)

// The fast path of random-case generation. Drawing a random case through the reference
// (drawSieved) runs the referee on every value drawn, which costs far more than drawing it:
// the generators make valid values by construction, and the sieve is there to keep shrunk
// values in their class. drawUnsieved draws the same value without running the sieve, and
// attaches the sieve to the result, so that shrinking (Case.Shrink) still filters every
// candidate through it. TestUnsievedDrawMatchesTheReference compares the two drawers case by
// case; the run's own integrity check (Confirm on the bytes sent) still judges every case.

// drawUnsieved draws one value of g as drawSieved does, without running g's sieve. The
// generator's inner sieves (forbidden integers) are cheap and still run.
func drawUnsieved(g sievedGen, rng *rand.Rand) (*gopter.GenResult, any, bool) {
	params := drawParams(rng)
	for try := 0; try < 50; try++ {
		res := g.raw(params)
		v, ok := res.Retrieve()
		if !ok {
			continue
		}
		inner := res.Sieve
		res.Sieve = func(x any) bool {
			vs, ok := x.([]any)
			return ok && (inner == nil || inner(x)) && g.sieve(vs)
		}
		return res, v, true
	}
	return nil, nil, false
}

// caseRand is the random source of one random case: splitmix64 started from the seed and the
// case's index, so that each case is drawn on its own and the same pair always gives the same
// case. (math/rand's own source costs microseconds to seed, more than a case should.)
func caseRand(seed int64, i int) *rand.Rand {
	return rand.New(&splitmix{x: uint64(seed)<<32 ^ uint64(uint32(i))})
}

// splitmix is the splitmix64 generator, a rand.Source64.
type splitmix struct{ x uint64 }

func (s *splitmix) Uint64() uint64 {
	s.x += 0x9e3779b97f4a7c15
	z := s.x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (s *splitmix) Int63() int64    { return int64(s.Uint64() >> 1) }
func (s *splitmix) Seed(seed int64) { s.x = uint64(seed) }
