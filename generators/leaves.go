package generators

import (
	"strings"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"

	"github.com/clbcheck/clbcheck/spec"
)

// The fast path of drawing values. gopter's combinators (SliceOf, Map) build every value
// through reflection, which cost more than the rest of a random case together. The leaves here
// are gopter generators written out by hand: they take the same numbers from the random source
// in the same order as the combinator forms in random.go (ValueGen, the references) and give
// the same values, results, sieves and shrinkers. TestLeavesMatchTheCombinators draws both
// from the same sources and compares them value by value.

// leafGen is the hand-written form of ValueGen(p) for the parameters whose values are not
// integers of a range (those keep gopter's own Int64Range, which needs no reflection).
func leafGen(p *spec.Parameter) gopter.Gen {
	switch {
	case len(p.Enum()) > 0:
		return ValueGen(p) // gen.OneConstOf: one draw, no reflection
	case len(p.ListValues) > 0:
		return listValuesLeaf(p.ListValues)
	case p.IsInteger():
		return nil
	case p.Type == "string":
		return stringLeaf(p)
	}
	return nil
}

// listValuesLeaf is gen.SliceOfN(len(values), gen.Bool()).Map(join the picked values, or the
// first when none is picked). SliceOfN draws one element more than it keeps.
func listValuesLeaf(values []string) gopter.Gen {
	return func(params *gopter.GenParameters) *gopter.GenResult {
		picks := make([]string, 0, len(values))
		for i := range values {
			if params.NextBool() {
				picks = append(picks, values[i])
			}
		}
		params.NextBool()
		if len(picks) == 0 {
			picks = values[:1]
		}
		return gopter.NewGenResult(strings.Join(picks, ","), gopter.NoShrinker)
	}
}

// stringLeaf is stringGen(p): a length drawn as gen.SliceOf draws it, then that many runes of
// the class plus the one more that SliceOf draws, cut or padded as stringGen does.
func stringLeaf(p *spec.Parameter) gopter.Gen {
	sh, ok := stringShapeOf(p)
	if !ok {
		return nil
	}
	return func(params *gopter.GenParameters) *gopter.GenResult {
		n := sliceLen(params)
		var b strings.Builder
		b.Grow(sh.hi + 4)
		b.WriteString(sh.prefix)
		for i := 0; i <= n; i++ {
			r := sh.runes[params.Rng.Intn(len(sh.runes))]
			if i < n && b.Len() < sh.hi {
				b.WriteRune(r)
			}
		}
		for runeCount(b.String()) < sh.lo {
			b.WriteRune(sh.padding)
		}
		return gopter.NewGenResult(b.String(), gopter.NoShrinker)
	}
}

// sliceLen is the length gen.SliceOf draws.
func sliceLen(params *gopter.GenParameters) int {
	switch {
	case params.MaxSize <= 0 && params.MinSize <= 0:
		return 0
	case params.MaxSize == params.MinSize:
		return params.MaxSize
	}
	return params.Rng.Intn(params.MaxSize-params.MinSize) + params.MinSize
}

func runeCount(s string) int { return len([]rune(s)) }

// intRangeLeaf is gen.IntRange(lo, hi) (with shrinker as its shrinker): one number from the
// source, the range's sieve, no reflection.
func intRangeLeaf(lo, hi int, shrinker gopter.Shrinker) gopter.Gen {
	size := uint64(hi - lo + 1)
	return func(params *gopter.GenParameters) *gopter.GenResult {
		n := int(uint64(lo) + params.NextUint64()%size)
		res := gopter.NewGenResult(n, shrinker)
		res.Sieve = func(v any) bool {
			x, ok := v.(int)
			return ok && x >= lo && x <= hi
		}
		return res
	}
}

// int64Leaf is gen.Int64Range(lo, hi).SuchThat(allowed) without reflection: one number from
// the source, gopter's shrinker of int64s, the range's sieve and allowed.
func int64Leaf(lo, hi int64, allowed func(int64) bool) gopter.Gen {
	size := uint64(hi - lo + 1) // 0 for the whole range of int64, drawn as it is
	return func(params *gopter.GenParameters) *gopter.GenResult {
		var n int64
		if size == 0 {
			n = params.NextInt64()
		} else {
			n = int64(uint64(lo) + params.NextUint64()%size)
		}
		res := gopter.NewGenResult(n, gen.Int64Shrinker)
		res.Sieve = func(v any) bool {
			x, ok := v.(int64)
			return ok && x >= lo && x <= hi && allowed(x)
		}
		return res
	}
}

// intShrinker is the shrinker of gen.IntRange.
var intShrinker gopter.Shrinker = gen.IntShrinker
