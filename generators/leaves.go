package generators

import (
	"reflect"
	"strings"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"

	"github.com/clbcheck/clbcheck/spec"
)

// The fast path of drawing values. gopter's combinators (SliceOf, Map, SuchThat, CombineGens)
// build every value through reflection and a result, a shrinker and a sieve per value, which
// cost more than the rest of a random case together. The leaves here are gopter generators
// written out by hand: they take the same numbers from the random source in the same order as
// the combinator forms in random.go (rawValueGenReference, validChoiceReference) and give the
// same values, sieve verdicts and shrinks. TestLeavesMatchTheCombinators draws both from the
// same sources and compares them value by value.

// leaf is a value generator written out by hand. draw takes numbers from the random source and
// gives a value; the shrinker and the sieve (nil: every value passes) are the same for every
// value drawn.
type leaf struct {
	draw     func(*gopter.GenParameters) any
	shrinker gopter.Shrinker
	sieve    func(any) bool
	// never marks a slot that is never drawn (a list the description does not have).
	never bool
}

// gen is the leaf as a gopter generator.
func (l leaf) gen() gopter.Gen {
	return func(params *gopter.GenParameters) *gopter.GenResult {
		res := gopter.NewGenResult(l.draw(params), l.shrinker)
		res.Sieve = l.sieve
		return res
	}
}

// valueLeaf is rawValueGen(p) as a leaf, false when p has no generatable value.
func valueLeaf(p *spec.Parameter) (leaf, bool) {
	switch {
	case len(p.Enum()) > 0:
		return enumLeaf(p.Enum()), true
	case len(p.ListValues) > 0:
		return listValuesLeaf(p.ListValues), true
	case p.IsInteger():
		lo, hi := intBounds(p)
		return int64Leaf(lo, hi, func(n int64) bool { return !forbiddenInt(p, n) }), true
	case p.Type == "string":
		return stringLeaf(p)
	}
	return leaf{}, false
}

// enumLeaf is gen.OneConstOf(values...): one of them, no shrinks.
func enumLeaf(values []string) leaf {
	boxed := make([]any, len(values))
	for i, v := range values {
		boxed[i] = v
	}
	return leaf{draw: func(params *gopter.GenParameters) any {
		return boxed[params.Rng.Intn(len(boxed))]
	}, shrinker: gopter.NoShrinker}
}

// listValuesLeaf is gen.SliceOfN(len(values), gen.Bool()).Map(join the picked values, or the
// first when none is picked). SliceOfN draws one element more than it keeps.
func listValuesLeaf(values []string) leaf {
	return leaf{draw: func(params *gopter.GenParameters) any {
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
		return strings.Join(picks, ",")
	}, shrinker: gopter.NoShrinker}
}

// stringLeaf is stringGen(p): a length drawn as gen.SliceOf draws it, then that many runes of
// the class plus the one more that SliceOf draws, cut or padded as stringGen does.
func stringLeaf(p *spec.Parameter) (leaf, bool) {
	sh, ok := stringShapeOf(p)
	if !ok {
		return leaf{}, false
	}
	return leaf{draw: func(params *gopter.GenParameters) any {
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
		return b.String()
	}, shrinker: gopter.NoShrinker}, true
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

// intRangeLeaf is gen.IntRange(lo, hi) with shrinker as its shrinker: one number from the
// source, the range's sieve, no reflection.
func intRangeLeaf(lo, hi int, shrinker gopter.Shrinker) leaf {
	size := uint64(hi - lo + 1)
	return leaf{draw: func(params *gopter.GenParameters) any {
		return int(uint64(lo) + params.NextUint64()%size)
	}, shrinker: shrinker, sieve: func(v any) bool {
		x, ok := v.(int)
		return ok && x >= lo && x <= hi
	}}
}

// int64Leaf is gen.Int64Range(lo, hi).SuchThat(allowed) without reflection: one number from
// the source, gopter's shrinker of int64s, the range's sieve and allowed.
func int64Leaf(lo, hi int64, allowed func(int64) bool) leaf {
	size := uint64(hi - lo + 1) // 0 for the whole range of int64, drawn as it is
	return leaf{draw: func(params *gopter.GenParameters) any {
		if size == 0 {
			return params.NextInt64()
		}
		return int64(uint64(lo) + params.NextUint64()%size)
	}, shrinker: gen.Int64Shrinker, sieve: func(v any) bool {
		x, ok := v.(int64)
		return ok && x >= lo && x <= hi && allowed(x)
	}}
}

// intShrinker is the shrinker of gen.IntRange.
var intShrinker gopter.Shrinker = gen.IntShrinker

// optionalsGen is gopter.CombineGens of optionalGen(l.gen(), oneIn) for each leaf (a slot
// never drawn stays absent without a number taken): one result for the whole choice instead
// of one per value, its shrinker and sieve made once. Like CombineGens it stops at the first
// value its sieve refuses and gives an empty result.
func optionalsGen(leaves []leaf, oneIn int) gopter.Gen {
	shrinkers := make([]gopter.Shrinker, len(leaves))
	for i, l := range leaves {
		shrinkers[i] = optionalShrinker(l.shrinker, l.sieve)
	}
	shrinker := gopter.CombineShrinker(shrinkers...)
	every := func(any) bool { return true } // CombineGens' sieve when no value has one
	return func(params *gopter.GenParameters) *gopter.GenResult {
		values := make([]any, len(leaves))
		for i, l := range leaves {
			if l.never || params.Rng.Intn(oneIn) != 0 {
				values[i] = absent
				continue
			}
			v := l.draw(params)
			if l.sieve != nil && !l.sieve(v) {
				return &gopter.GenResult{Shrinker: gopter.NoShrinker, ResultType: anySliceType}
			}
			values[i] = optional{present: true, value: v}
		}
		return &gopter.GenResult{Result: values, ResultType: anySliceType, Shrinker: shrinker, Sieve: every}
	}
}

var anySliceType = reflect.TypeOf([]any{})
