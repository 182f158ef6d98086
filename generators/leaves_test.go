package generators

import (
	"math"
	"reflect"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"

	"github.com/clbcheck/clbcheck/spec"
)

// drawBoth draws n values of fast and ref from sources started alike, and fails unless every
// value, its presence, its sieve's verdict, its having a shrinker, and the numbers left in
// the source are the same.
func drawBoth(t *testing.T, name string, fast, ref gopter.Gen, n int, sizes ...int) {
	t.Helper()
	for i := 0; i < n; i++ {
		pf, pr := drawParams(caseRand(int64(i), i)), drawParams(caseRand(int64(i), i))
		if len(sizes) == 2 {
			pf.MinSize, pf.MaxSize, pr.MinSize, pr.MaxSize = sizes[0], sizes[1], sizes[0], sizes[1]
		}
		rf, rr := fast(pf), ref(pr)
		vf, okf := rf.Retrieve()
		vr, okr := rr.Retrieve()
		if okf != okr || !reflect.DeepEqual(vf, vr) {
			t.Fatalf("%s draw %d: fast %#v (%v), reference %#v (%v)", name, i, vf, okf, vr, okr)
		}
		// A value the sieve refuses is still compared, with its shrinks: both were drawn.
		vf, vr = rf.Result, rr.Result
		if !reflect.DeepEqual(vf, vr) {
			t.Fatalf("%s draw %d: fast drew %v, reference %v", name, i, vf, vr)
		}
		if (rf.Sieve == nil) != (rr.Sieve == nil) || (rf.Sieve != nil && rf.Sieve(vf) != rr.Sieve(vr)) {
			t.Fatalf("%s draw %d: the sieves differ", name, i)
		}
		nf, nr := shrinks(rf.Shrinker, vf), shrinks(rr.Shrinker, vr)
		if !reflect.DeepEqual(nf, nr) {
			t.Fatalf("%s draw %d: fast shrinks %v, reference %v", name, i, nf, nr)
		}
		for _, x := range nf {
			if rf.Sieve != nil && rf.Sieve(x) != rr.Sieve(x) {
				t.Fatalf("%s draw %d: the sieves differ on the shrink %v", name, i, x)
			}
		}
		if a, b := pf.NextUint64(), pr.NextUint64(); a != b {
			t.Fatalf("%s draw %d: the two took different numbers from the source", name, i)
		}
	}
}

// shrinks lists the first few shrinks of v.
func shrinks(s gopter.Shrinker, v any) []any {
	var out []any
	next := s(v)
	for len(out) < 8 {
		x, ok := next()
		if !ok {
			break
		}
		out = append(out, x)
	}
	return out
}

// The hand-written leaves draw what gopter's combinator forms draw, for every parameter a
// random request can carry, at every size a draw uses, and for the ranges of counts.
func TestLeavesMatchTheCombinators(t *testing.T) {
	s := spec.MustDefault()
	tried := 0
	for _, p := range s.UnderTest.Parameters {
		fast := rawValueGen(p)
		if fast == nil || ValueGen(p) == nil {
			continue
		}
		tried++
		ref := rawValueGenReference(p)
		drawBoth(t, p.Name, fast, ref, 300)
		drawBoth(t, p.Name+" (sizes 3..3)", fast, ref, 20, 3, 3)
		drawBoth(t, p.Name+" (sizes 0..0)", fast, ref, 20, 0, 0)
	}
	// The whole choice of a random valid request: every optional parameter and the Tag count.
	valid, _ := validRequestGen(s)
	drawBoth(t, "valid request choice", valid.raw, validChoiceReference(s), 500)
	if tried < 10 {
		t.Fatalf("only %d parameters have a hand-written leaf: the test compares too little", tried)
	}
	for _, r := range [][2]int64{{math.MinInt64, math.MaxInt64}, {-3, 70000}, {0, 0}} {
		odd := func(n int64) bool { return n%2 != 0 }
		drawBoth(t, "int64 range", int64Leaf(r[0], r[1], odd).gen(), gen.Int64Range(r[0], r[1]).SuchThat(odd), 300)
	}
	for _, r := range [][2]int{{0, 20}, {0, 0}, {5, 1000}} {
		drawBoth(t, "int range", intRangeLeaf(r[0], r[1], intShrinker).gen(), gen.IntRange(r[0], r[1]), 300)
		drawBoth(t, "int range without shrinks", intRangeLeaf(r[0], r[1], gopter.NoShrinker).gen(),
			gen.IntRange(r[0], r[1]).WithShrinker(gopter.NoShrinker), 50)
	}
}
