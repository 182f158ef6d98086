package generators

import (
	"math/rand"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"

	"github.com/clbcheck/clbcheck/spec"
)

// ValueGen returns a gopter generator of valid wire values for p, or nil when p has no
// generatable value. Values are valid by construction: enum and listed values, integers of the
// range that are not forbidden, strings of the pattern's prefix and repeated class at a length
// within bounds. Nothing is drawn and then filtered by a validator.
func ValueGen(p *spec.Parameter) gopter.Gen {
	switch {
	case len(p.Enum()) > 0:
		vals := make([]any, len(p.Enum()))
		for i, e := range p.Enum() {
			vals[i] = e
		}
		return gen.OneConstOf(vals...)
	case len(p.ListValues) > 0:
		return gen.SliceOfN(len(p.ListValues), gen.Bool()).Map(func(picks []bool) string {
			var out []string
			for i, ok := range picks {
				if ok {
					out = append(out, p.ListValues[i])
				}
			}
			if len(out) == 0 {
				out = p.ListValues[:1]
			}
			return strings.Join(out, ",")
		})
	case p.IsInteger():
		return rawValueGenReference(p).Map(func(n int64) string { return strconv.FormatInt(n, 10) })
	case p.Type == "string":
		return stringGen(p)
	}
	return nil
}

// stringGen draws strings of p's repeated class after its literal prefix (letters when p has
// no pattern), cut or padded to a length within p's bounds (at most 24 characters, to stay
// readable). It is the reference form of stringLeaf (leaves.go).
func stringGen(p *spec.Parameter) gopter.Gen {
	sh, ok := stringShapeOf(p)
	if !ok {
		return nil
	}
	runes := make([]any, len(sh.runes))
	for i, r := range sh.runes {
		runes[i] = r
	}
	return gen.SliceOf(gen.OneConstOf(runes...)).Map(func(rs []rune) string {
		var b strings.Builder
		b.WriteString(sh.prefix)
		for _, r := range rs {
			if b.Len() >= sh.hi {
				break
			}
			b.WriteRune(r)
		}
		for len([]rune(b.String())) < sh.lo {
			b.WriteRune(sh.padding)
		}
		return b.String()
	})
}

// stringShape is what a drawn string of a parameter is made of: its literal prefix, the runes
// of its repeated class, the rune that pads it to its least length, and its length bounds (lo
// in runes; hi in bytes, at which drawing stops).
type stringShape struct {
	prefix  string
	runes   []rune
	padding rune
	lo, hi  int
}

// stringShapeOf reads p's string shape, false when its pattern has no repeated class to draw.
func stringShapeOf(p *spec.Parameter) (stringShape, bool) {
	sh := stringShape{padding: 'a'}
	if c, ok := p.Constraint(spec.KindPattern); ok {
		pat, ok := readShape(c.Pattern)
		pad, hasPad := pat.pad()
		if !ok || !hasPad {
			return stringShape{}, false
		}
		sh.prefix, sh.padding = pat.prefix, pad
		for i := 0; i+1 < len(pat.class); i += 2 {
			for r := pat.class[i]; r <= pat.class[i+1] && r < 0x80; r++ {
				sh.runes = append(sh.runes, r)
			}
		}
	} else {
		for r := 'a'; r <= 'z'; r++ {
			sh.runes = append(sh.runes, r)
		}
	}
	minL, maxL := lengthBounds(p)
	sh.lo = max(minL, len([]rune(sh.prefix))+1, 1)
	sh.hi = min(max(maxL, sh.lo), 24)
	if maxL == 0 {
		sh.hi = max(sh.lo, 24)
	}
	return sh, len(sh.runes) > 0
}

// rawValueGen is ValueGen without the final conversion to a string, so that gopter keeps its
// shrinker (a Map to another type drops it): integers stay int64 until rendered. Forbidden
// values are left out by the sieve, which travels with the generator. It draws with the
// hand-written leaves (leaves.go); rawValueGenReference is the same with gopter's combinators.
func rawValueGen(p *spec.Parameter) gopter.Gen {
	if l, ok := valueLeaf(p); ok {
		return l.gen()
	}
	return nil
}

// rawValueGenReference is rawValueGen built from gopter's combinators.
func rawValueGenReference(p *spec.Parameter) gopter.Gen {
	if p.IsInteger() && len(p.Enum()) == 0 {
		lo, hi := intBounds(p)
		return gen.Int64Range(lo, hi).SuchThat(func(n int64) bool { return !forbiddenInt(p, n) })
	}
	return ValueGen(p)
}

func render(v any) string {
	if n, ok := v.(int64); ok {
		return strconv.FormatInt(n, 10)
	}
	return v.(string)
}

// randomizable lists the optional parameters a random valid request may carry: not common,
// not references (those need fixtures), not lists.
func randomizable(s *spec.Spec) []*spec.Parameter {
	var out []*spec.Parameter
	for _, p := range s.UnderTest.Parameters {
		if p.Required || p.Common || p.List != nil || refOf(p) != "" || isRouting(s, p) {
			continue
		}
		if ValueGen(p) != nil {
			out = append(out, p)
		}
	}
	return out
}

// RequestGen is a generator of raw choices together with the function that turns a choice into
// request parameters. Choices keep gopter's shrinkers: a shrunk choice drops optional
// parameters and moves values towards their simplest form.
type RequestGen struct {
	Gen   gopter.Gen
	Build func(choice any) []Param
	// raw is Gen without the referee's sieve (validRequestGen).
	raw gopter.Gen
}

// ValidRequestGen generates valid requests: the base request plus a random subset of optional
// parameters with random valid values and a few tags, repaired so every rule holds.
func ValidRequestGen(s *spec.Spec) RequestGen {
	rg, _ := validRequestGen(s)
	return rg
}

// validRequestGen is ValidRequestGen together with its sieve apart: the returned RequestGen's
// Gen is the raw generator with the referee's sieve (the reference); the sieve alone lets a
// draw attach it to a result without running it (drawUnsieved).
func validRequestGen(s *spec.Spec) (RequestGen, func([]any) bool) {
	params := randomizable(s)
	tag, maxTags := tagList(s)
	leaves := make([]leaf, 0, len(params)+1)
	for _, p := range params {
		// Each optional parameter is present one time in four; it shrinks to absent first.
		l, _ := valueLeaf(p)
		leaves = append(leaves, l)
	}
	// The Tag list is an optional parameter like the others: present one time in four, then
	// with 1 to its most entries; it shrinks to absent first, then to fewer entries.
	if maxTags > 0 {
		leaves = append(leaves, intRangeLeaf(1, maxTags, intShrinker))
	} else {
		leaves = append(leaves, leaf{never: true})
	}
	raw := optionalsGen(leaves, 4)
	// The entries are the same in every request: made once.
	tags := make([][]Param, maxTags)
	for i := range tags {
		tags[i] = listItem(tag.List, tag.List.FirstIndex+i)
	}
	perEntry := 0
	if len(tags) > 0 {
		perEntry = len(tags[0])
	}
	base := Base(s)
	inBase := map[string]int{} // where a parameter the base already carries sits in it
	for i, p := range base {
		inBase[p.Name] = i
	}
	build := func(choice any) []Param {
		vals := choice.([]any)
		ps := make([]Param, len(base), len(base)+sentCount(vals, perEntry)+4) // room for repairs and a negative case's broken value
		copy(ps, base)
		for i, p := range params {
			o := vals[i].(optional)
			if !o.present {
				continue
			}
			// with(ps, name, value) without copying ps for every parameter: the optional
			// parameters are distinct, so only the base's own can be replaced.
			if at, ok := inBase[p.Name]; ok {
				ps[at] = Param{Name: p.Name, Value: render(o.value)}
			} else {
				ps = append(ps, Param{Name: p.Name, Value: render(o.value)})
			}
		}
		if o := vals[len(vals)-1].(optional); o.present {
			for _, entry := range tags[:o.value.(int)] {
				ps = append(ps, entry...)
			}
		}
		return repair(s, ps, "", true)
	}
	ref := RefereeFor(s)
	sieve := func(v []any) bool {
		return len(ref.Findings(Values(build(v), placeholder))) == 0
	}
	return RequestGen{Gen: raw.SuchThat(sieve), Build: build, raw: raw}, sieve
}

// tagList is the Tag list parameter of the operation and its most entries (0 without one).
func tagList(s *spec.Spec) (*spec.Parameter, int) {
	tag := s.UnderTest.Param(spec.ParamTag)
	if tag == nil || tag.List == nil {
		return tag, 0
	}
	return tag, tag.List.MaxItems
}

// validChoiceReference is the choice validRequestGen draws, built from gopter's combinators:
// CombineGens of optionalGen of each parameter's reference generator, and of the Tag count.
func validChoiceReference(s *spec.Spec) gopter.Gen {
	var gens []gopter.Gen
	for _, p := range randomizable(s) {
		gens = append(gens, optionalGen(rawValueGenReference(p), 4))
	}
	if _, maxTags := tagList(s); maxTags > 0 {
		gens = append(gens, optionalGen(gen.IntRange(1, maxTags), 4))
	} else {
		gens = append(gens, func(*gopter.GenParameters) *gopter.GenResult {
			return gopter.NewGenResult(optional{}, gopter.NoShrinker)
		})
	}
	return gopter.CombineGens(gens...)
}

// sentCount is how many parameters a choice of validRequestGen adds to the base at most: one
// per optional parameter present, perEntry per Tag entry.
func sentCount(vals []any, perEntry int) int {
	n := 0
	for _, v := range vals[:len(vals)-1] {
		if v.(optional).present {
			n++
		}
	}
	if o := vals[len(vals)-1].(optional); o.present {
		n += perEntry * o.value.(int)
	}
	return n
}

// optional is an optional parameter's draw: present or not, and its value.
type optional struct {
	present bool
	value   any
}

// optionalGen draws a value of g that is present one time in oneIn. Its shrink stream is
// finite and only about what is sent: a present value shrinks to absent first, then through
// g's own shrinks of the value; an absent value does not shrink at all (shrinking a value that
// is not sent would only yield the same request again).
func optionalGen(g gopter.Gen, oneIn int) gopter.Gen {
	return func(params *gopter.GenParameters) *gopter.GenResult {
		present := params.Rng.Intn(oneIn) == 0
		if !present {
			// An absent value is never sent and never shrinks: nothing to draw.
			return absentResult()
		}
		vr := g(params)
		v, ok := vr.Retrieve()
		if !ok {
			return gopter.NewEmptyResult(optionalType)
		}
		shrinker := optionalShrinker(vr.Shrinker, vr.Sieve)
		return gopter.NewGenResult(optional{present: present, value: v}, shrinker)
	}
}

// optionalShrinker is the shrinker of an optional value whose value shrinks with shrinker
// and must pass sieve (nil: every value): a present value shrinks to absent first, then
// through its value's shrinks; an absent value does not shrink.
func optionalShrinker(shrinker gopter.Shrinker, sieve func(any) bool) gopter.Shrinker {
	return func(x any) gopter.Shrink {
		o := x.(optional)
		if !o.present {
			return gopter.NoShrink
		}
		absent := false
		first := gopter.Shrink(func() (any, bool) {
			if absent {
				return nil, false
			}
			absent = true
			return optional{value: o.value}, true
		})
		values := shrinker(o.value).Filter(sieve).Map(func(nv any) optional { return optional{present: true, value: nv} })
		return first.Interleave(values)
	}
}

// absent is the value of an optional parameter not drawn, boxed once.
var absent any = optional{}

// absentResult is the result of a draw of an absent optional parameter: one for every draw,
// as nothing changes a generator's result once made (gopter's combinators read it only).
func absentResult() *gopter.GenResult { return absentShared }

var absentShared = &gopter.GenResult{Result: absent, ResultType: optionalType, Shrinker: gopter.NoShrinker}

var optionalType = reflect.TypeOf(optional{})

// mutation is one boundary violation applied to a valid request.
type mutation struct {
	param *spec.Parameter
	value Value
}

func mutations(s *spec.Spec) []mutation {
	var out []mutation
	for _, p := range s.UnderTest.Parameters {
		if p.Common || p.List != nil || isRouting(s, p) {
			continue
		}
		for _, v := range Violations(p) {
			out = append(out, mutation{param: p, value: v})
		}
	}
	return out
}

// NegativeRequestGen generates requests that break exactly one constraint (or leave one point
// open): a valid request with one boundary value applied. Build returns a Case with its
// expectation. The sieve confirms the claim with the referee after every shrink, so a shrunk
// case still breaks the same constraint and nothing else.
func NegativeRequestGen(s *spec.Spec) (gopter.Gen, func(any) Case) {
	g := negativeRequestGen(s)
	return g.raw.SuchThat(g.sieve), func(v any) Case { return g.build(v).(Case) }
}

// sievedGen is a generator whose sieve is kept apart from it: raw draws, sieve is what every
// value must pass (the referee's confirmation), build turns a value into a case.
type sievedGen struct {
	raw   gopter.Gen
	sieve func([]any) bool
	build func(any) any
}

// negativeRequestGen is NegativeRequestGen with its sieve apart. The sieve also holds the valid
// request's own sieve, which the reference generator applies as part of its combination.
func negativeRequestGen(s *spec.Spec) sievedGen {
	muts := mutations(s)
	valid, validSieve := validRequestGen(s)
	build := func(choice any) Case {
		v := choice.([]any)
		ps := valid.Build(v[0])
		m := muts[v[1].(int)]
		val := m.value
		ps = setOwned(ps, Param{Name: m.param.Name, Value: val.Value})
		if val.Kind == spec.KindEmpty {
			val.Also = append(append([]string{}, val.Also...), rulesNeeding(s, ps, m.param.Name)...)
		}
		e := expect(s, m.param, val)
		if e.Basis == spec.Documented && acceptanceBasis(s, ps) == spec.Inferred {
			// A parameter the page does not name rides along: a service that knows only the
			// page's parameters may refuse that one first, with a code of its own.
			e.Basis = spec.Inferred
		}
		return Case{Scenario: val.Scenario, Category: Random, Params: ps, Static: true, Expect: e,
			Broken: &Broken{Param: m.param.Path, Wire: m.param.Name, Kind: val.Kind, Sent: val.Value, Also: val.Also}}
	}
	ref := RefereeFor(s)
	// The mutation index never shrinks: shrinking must not change which rule is broken.
	raw := gopter.CombineGens(valid.raw, intRangeLeaf(0, len(muts)-1, gopter.NoShrinker).gen())
	sieve := func(v []any) bool {
		if !validSieve(v[0].([]any)) {
			return false
		}
		c := build(v)
		return ConfirmFindings(c, ref.Findings(Values(c.Params, placeholder))) == nil
	}
	return sievedGen{raw: raw, sieve: sieve, build: func(v any) any { return build(v) }}
}

// draw samples one result from g with the given random source, retrying a few times when a
// sieve refuses a draw.
func draw(g gopter.Gen, rng *rand.Rand) (*gopter.GenResult, any, bool) {
	params := drawParams(rng)
	for try := 0; try < 50; try++ {
		res := g(params)
		if v, ok := res.Retrieve(); ok {
			return res, v, true
		}
	}
	return nil, nil, false
}

func drawParams(rng *rand.Rand) *gopter.GenParameters {
	// gopter.DefaultGenParameters' values, without the random source it seeds and drops.
	// MaxSize 24 keeps drawn strings short: cheaper to draw, easier to read.
	return &gopter.GenParameters{MinSize: 0, MaxSize: 24, MaxShrinkCount: 1000, Rng: rng}
}

// RandomCases draws n cases from the gopter generators with a seed: half valid requests, half
// single-violation requests; case i is RandomCase(s, seed, i), so the same seed always gives
// the same cases. Each case carries a shrinker (Case.Shrink) that yields smaller cases of the
// same class: a shrunk negative case still breaks the same constraint of the same parameter.
func RandomCases(s *spec.Spec, seed int64, n int) []Case {
	out, makers := randomCatalogue(s, seed, n)
	for i := range out {
		out[i].Shrink = makers[i]()
	}
	return out
}

// RandomCase draws random case i of a seed on its own: a valid request for even i, a
// single-violation request for odd i, from a random source seeded by the seed and i alone. A
// run draws its random cases one by one as it consumes them, so memory does not grow with
// their number, and any case can be drawn again from its id (random/SEED/I). It reports false
// when the generator gave nothing (the case is then left out, and its index with it). The
// case's shrink iterator is made on first use.
func RandomCase(s *spec.Spec, seed int64, i int) (Case, bool) {
	c, mk, ok := randomCaseAt(s, seed, i, drawUnsieved)
	if !ok {
		return Case{}, false
	}
	c.Shrink = lazyShrink(mk)
	return c, true
}

// RandomCaseID is the id of random case i of a seed: random/SEED/I.
func RandomCaseID(seed int64, i int) string {
	return "random/" + strconv.FormatInt(seed, 10) + "/" + strconv.Itoa(i)
}

// randomCatalogue draws the cases of RandomCases and returns, next to each case (without its
// Shrink), the maker of its shrink iterators.
func randomCatalogue(s *spec.Spec, seed int64, n int) ([]Case, []func() func() (Case, bool)) {
	var out []Case
	var makers []func() func() (Case, bool)
	for i := 0; i < n; i++ {
		c, mk, ok := randomCaseAt(s, seed, i, drawUnsieved)
		if !ok {
			continue
		}
		out = append(out, c)
		makers = append(makers, mk)
	}
	return out, makers
}

// randomGens are the generators of a description's random cases, built once: building them
// enumerates every boundary value of every parameter.
type randomGens struct{ valid, negative sievedGen }

var randomGenerators sync.Map // *spec.Spec -> *randomGens

func gensFor(s *spec.Spec) *randomGens {
	if g, ok := randomGenerators.Load(s); ok {
		return g.(*randomGens)
	}
	valid, sieve := validRequestGen(s)
	g := &randomGens{
		valid:    sievedGen{raw: valid.raw, sieve: sieve, build: func(v any) any { return valid.Build(v) }},
		negative: negativeRequestGen(s),
	}
	actual, _ := randomGenerators.LoadOrStore(s, g)
	return actual.(*randomGens)
}

// WarmUp builds, once per description, what drawing random cases and judging cases need (the
// random generators and the referee), which the first case would build otherwise: a run calls
// it before its cases start, so that this burst of allocation is over when they do.
func WarmUp(s *spec.Spec) {
	RefereeFor(s)
	gensFor(s)
}

// drawer draws one value of a generator whose sieve is kept apart (drawSieved, drawUnsieved).
type drawer func(g sievedGen, rng *rand.Rand) (*gopter.GenResult, any, bool)

// randomCaseAt draws random case i of a seed with the given drawer.
func randomCaseAt(s *spec.Spec, seed int64, i int, d drawer) (Case, func() func() (Case, bool), bool) {
	gs := gensFor(s)
	g := gs.valid
	if i%2 == 1 {
		g = gs.negative
	}
	res, v, ok := d(g, caseRand(seed, i))
	if !ok {
		return Case{}, nil, false
	}
	c, mk := randomCaseLazy(s, res, v, g.build, RandomCaseID(seed, i), seed)
	return c, mk, true
}

// drawSieved is the reference drawer: gopter runs the sieve on every value it draws, and
// draws again when the sieve refuses one.
func drawSieved(g sievedGen, rng *rand.Rand) (*gopter.GenResult, any, bool) {
	return draw(g.raw.SuchThat(g.sieve), rng)
}

// shrinkerOf returns a function that makes a fresh shrink iterator for a drawn value: the
// iterator holds state, so every consumer of a cached case needs its own.
func shrinkerOf(s *spec.Spec, res *gopter.GenResult, choice any, build func(any) any, id string, seed int64) func() func() (Case, bool) {
	return func() func() (Case, bool) {
		shrink := res.Shrinker(choice).Filter(res.Sieve)
		return func() (Case, bool) {
			next, ok := shrink()
			if !ok {
				return Case{}, false
			}
			return randomCase(s, res, next, build, id, seed), true
		}
	}
}

// randomCase turns a generated value into a case with its expectation and shrinker.
func randomCase(s *spec.Spec, res *gopter.GenResult, choice any, build func(any) any, id string, seed int64) Case {
	c, fresh := randomCaseLazy(s, res, choice, build, id, seed)
	c.Shrink = fresh()
	return c
}

// randomCaseLazy is randomCase without the shrink iterator: it returns the maker instead.
func randomCaseLazy(s *spec.Spec, res *gopter.GenResult, choice any, build func(any) any, id string, seed int64) (Case, func() func() (Case, bool)) {
	var c Case
	switch x := build(choice).(type) {
	case []Param:
		c = Case{Scenario: "RANDOM_VALID", Category: Random, Params: x, Static: true, Expect: success()}
		c.Expect.DirectionBasis = acceptanceBasis(s, x)
	case Case:
		c = x
		c.Scenario = "RANDOM_" + c.Scenario
	}
	c.Action, c.Method, c.Seed, c.ID = s.UnderTest.Action, "POST", seed, id
	return c, shrinkerOf(s, res, choice, build, id, seed)
}
