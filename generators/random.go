package generators

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"

	"github.com/clbcheck/clbcheck/spec"
)

// ValueGen returns a gopter generator of valid wire values for p, or nil when p has no
// generatable value. Every value it yields passes p.Check; the sieve travels with the
// generator, so shrinking never leaves the valid class.
func ValueGen(p *spec.Parameter) gopter.Gen {
	valid := func(v any) bool {
		k, _ := p.Check(v.(string))
		return k == ""
	}
	var g gopter.Gen
	switch {
	case len(p.Enum()) > 0:
		vals := make([]any, len(p.Enum()))
		for i, e := range p.Enum() {
			vals[i] = e
		}
		g = gen.OneConstOf(vals...)
	case len(p.ListValues) > 0:
		g = gen.SliceOfN(len(p.ListValues), gen.Bool()).Map(func(picks []bool) string {
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
		lo, hi := intBounds(p)
		g = gen.Int64Range(lo, hi).Map(func(n int64) string { return strconv.FormatInt(n, 10) })
	case p.Type == "string":
		minL, maxL := 1, 64
		if c, ok := p.Constraint(spec.KindMinLength); ok {
			minL = int(c.Int)
		}
		if c, ok := p.Constraint(spec.KindMaxLength); ok {
			maxL = int(c.Int)
		}
		fit := func(s string) string {
			r := []rune(s)
			if len(r) > maxL {
				r = r[:maxL]
			}
			for len(r) < minL {
				r = append(r, 'a')
			}
			return string(r)
		}
		if c, ok := p.Constraint(spec.KindPattern); ok {
			g = gen.RegexMatch(c.Pattern).Map(fit)
		} else {
			g = gen.AlphaString().Map(fit)
		}
	default:
		return nil
	}
	return g.SuchThat(valid)
}

// rawValueGen is ValueGen without the final conversion to a string, so that gopter keeps its
// shrinker (a Map to another type drops it): integers stay int64 until rendered.
func rawValueGen(p *spec.Parameter) gopter.Gen {
	if p.IsInteger() && len(p.Enum()) == 0 {
		lo, hi := intBounds(p)
		return gen.Int64Range(lo, hi).SuchThat(func(n int64) bool {
			k, _ := p.Check(strconv.FormatInt(n, 10))
			return k == ""
		})
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
}

// ValidRequestGen generates valid requests: the base request plus a random subset of optional
// parameters with random valid values and a few tags, repaired so every rule holds.
func ValidRequestGen(s *spec.Spec) RequestGen {
	params := randomizable(s)
	gens := make([]gopter.Gen, 0, len(params)+1)
	for _, p := range params {
		// Each optional parameter is a pair (present?, value); false shrinks first.
		gens = append(gens, gopter.CombineGens(gen.Weighted([]gen.WeightedGen{{Weight: 3, Gen: gen.Const(false)}, {Weight: 1, Gen: gen.Const(true)}}).WithShrinker(boolShrinker), rawValueGen(p)))
	}
	tag := s.UnderTest.Param(spec.ParamTag)
	maxTags := 0
	if tag != nil && tag.List != nil {
		maxTags = tag.List.MaxItems
	}
	gens = append(gens, gen.IntRange(0, maxTags))
	base := Base(s)
	build := func(choice any) []Param {
		vals := choice.([]any)
		ps := append([]Param{}, base...)
		for i, p := range params {
			pair := vals[i].([]any)
			if pair[0].(bool) {
				ps = with(ps, p.Name, render(pair[1]))
			}
		}
		if n := vals[len(vals)-1].(int); n > 0 {
			for i := 0; i < n; i++ {
				ps = append(ps, listItem(tag.List, tag.List.FirstIndex+i)...)
			}
		}
		return Repair(s, ps, "")
	}
	g := gopter.CombineGens(gens...).SuchThat(func(v []any) bool {
		return s.Validate(s.UnderTest, Values(build(v), placeholder)) == nil
	})
	return RequestGen{Gen: g, Build: build}
}

// boolShrinker shrinks true to false (a parameter present to absent).
func boolShrinker(v any) gopter.Shrink {
	if v.(bool) {
		return gopter.ConcatShrinks(gopter.Shrink(func() (any, bool) { return false, true }).Filter(func(any) bool { return true }))
	}
	return gopter.NoShrink
}

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

// NegativeRequestGen generates requests that break exactly one constraint: a valid request
// with one boundary violation applied. Build returns a Case. The sieve re-checks the
// violation after every shrink, so a shrunk case is still negative and breaks the same
// constraint.
func NegativeRequestGen(s *spec.Spec) (gopter.Gen, func(any) Case) {
	muts := mutations(s)
	valid := ValidRequestGen(s)
	build := func(choice any) Case {
		v := choice.([]any)
		ps := valid.Build(v[0])
		m := muts[v[1].(int)]
		kind := m.value.Kind
		if m.param.Required && m.value.Value == "" {
			kind = spec.KindRequired
		}
		ps = with(ps, m.param.Name, m.value.Value)
		return Case{Scenario: m.value.Scenario, Category: Random, Params: ps, Static: true,
			Broken: &Broken{Param: m.param.Path, Wire: m.param.Name, Kind: kind, Sent: m.value.Value}}
	}
	// The mutation index never shrinks: shrinking must not change which rule is broken.
	g := gopter.CombineGens(valid.Gen, gen.IntRange(0, len(muts)-1).WithShrinker(gopter.NoShrinker)).SuchThat(func(v []any) bool {
		c := build(v)
		viol := s.Validate(s.UnderTest, Values(c.Params, placeholder))
		return viol != nil && viol.Kind == c.Broken.Kind && viol.Param == c.Broken.Param
	})
	return g, build
}

// draw samples one result from g with the given random source, retrying a few times when a
// sieve refuses a draw.
func draw(g gopter.Gen, rng *rand.Rand) (*gopter.GenResult, any, bool) {
	params := gopter.DefaultGenParameters()
	params.Rng = rng
	params.MaxSize = 24 // keeps regex-drawn strings short: cheaper to draw, easier to read
	for try := 0; try < 50; try++ {
		res := g(params)
		if v, ok := res.Retrieve(); ok {
			return res, v, true
		}
	}
	return nil, nil, false
}

// RandomCases draws n cases from the gopter generators with a seed: half valid requests, half
// single-violation requests. The same seed always gives the same cases. Each case carries a
// shrinker (Case.Shrink) that yields smaller cases of the same class: a shrunk negative case
// still breaks the same constraint of the same parameter.
func RandomCases(s *spec.Spec, seed int64, n int) []Case {
	out, makers := randomCatalogue(s, seed, n)
	for i := range out {
		out[i].Shrink = makers[i]()
	}
	return out
}

// randomCatalogue draws the cases of RandomCases and returns, next to each case (without its
// Shrink), the maker of its shrink iterators.
func randomCatalogue(s *spec.Spec, seed int64, n int) ([]Case, []func() func() (Case, bool)) {
	rng := rand.New(rand.NewSource(seed))
	valid := ValidRequestGen(s)
	negGen, negBuild := NegativeRequestGen(s)
	var out []Case
	var makers []func() func() (Case, bool)
	for i := 0; i < n; i++ {
		g, build := valid.Gen, func(v any) any { return valid.Build(v) }
		if i%2 == 1 {
			g, build = negGen, func(v any) any { return negBuild(v) }
		}
		res, v, ok := draw(g, rng)
		if !ok {
			continue
		}
		id := fmt.Sprintf("random/%d/%d", seed, i)
		c, mk := randomCaseLazy(s, res, v, build, id, seed)
		out = append(out, c)
		makers = append(makers, mk)
	}
	return out, makers
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
	case Case:
		c = x
		p := s.UnderTest.Lookup(c.Broken.Param)
		c.Expect = s.ParamOutcome(p, c.Broken.Kind)
		c.Scenario = "RANDOM_" + c.Scenario
	}
	c.Action, c.Method, c.Seed, c.ID = s.UnderTest.Action, "POST", seed, id
	return c, shrinkerOf(s, res, choice, build, id, seed)
}
