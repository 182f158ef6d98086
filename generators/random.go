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

// optional is a parameter that may or may not be sent.
type optional struct {
	Present bool
	Value   string
}

// randomizable lists the optional parameters a random valid request may carry: not common,
// not references (those need fixtures), not lists.
func randomizable(s *spec.Spec) []*spec.Parameter {
	var out []*spec.Parameter
	for _, p := range s.UnderTest.Parameters {
		if p.Required || p.Common || p.List != nil || refOf(p) != "" || contains(s.Wire.CommonParameters, p.Name) {
			continue
		}
		if ValueGen(p) != nil {
			out = append(out, p)
		}
	}
	return out
}

// ValidRequestGen generates valid requests: the base request plus a random subset of optional
// parameters with random valid values and a few tags, repaired so every rule holds. Shrinking
// drops optional parameters first.
func ValidRequestGen(s *spec.Spec) gopter.Gen {
	params := randomizable(s)
	gens := make([]gopter.Gen, 0, len(params)+1)
	for _, p := range params {
		gens = append(gens, gopter.CombineGens(gen.Weighted([]gen.WeightedGen{{Weight: 3, Gen: gen.Const(false)}, {Weight: 1, Gen: gen.Const(true)}}), ValueGen(p)).
			Map(func(v []any) optional { return optional{Present: v[0].(bool), Value: v[1].(string)} }))
	}
	tag := s.UnderTest.Param(spec.ParamTag)
	maxTags := 0
	if tag != nil && tag.List != nil {
		maxTags = tag.List.MaxItems
	}
	gens = append(gens, gen.IntRange(0, maxTags))
	base := Base(s)
	return gopter.CombineGens(gens...).Map(func(vals []any) []Param {
		ps := append([]Param{}, base...)
		for i, p := range params {
			o := vals[i].(optional)
			if o.Present {
				ps = with(ps, p.Name, o.Value)
			}
		}
		if n := vals[len(vals)-1].(int); n > 0 {
			for i := 0; i < n; i++ {
				ps = append(ps, listItem(tag.List, tag.List.FirstIndex+i)...)
			}
		}
		return Repair(s, ps, "")
	}).SuchThat(func(ps []Param) bool { return s.Validate(s.UnderTest, Values(ps, placeholder)) == nil })
}

// mutation is one boundary violation applied to a valid request.
type mutation struct {
	param *spec.Parameter
	value Value
}

func mutations(s *spec.Spec) []mutation {
	var out []mutation
	for _, p := range s.UnderTest.Parameters {
		if p.Common || p.List != nil || contains(s.Wire.CommonParameters, p.Name) {
			continue
		}
		for _, v := range Violations(p) {
			out = append(out, mutation{param: p, value: v})
		}
	}
	return out
}

// NegativeRequestGen generates requests that break exactly one constraint: a valid request
// with one boundary violation applied. The sieve re-checks the violation after every shrink,
// so a shrunk case is still negative and still breaks the same constraint.
func NegativeRequestGen(s *spec.Spec) gopter.Gen {
	muts := mutations(s)
	return gopter.CombineGens(ValidRequestGen(s), gen.IntRange(0, len(muts)-1)).Map(func(v []any) Case {
		ps := v[0].([]Param)
		m := muts[v[1].(int)]
		kind := m.value.Kind
		if m.param.Required && m.value.Value == "" {
			kind = spec.KindRequired
		}
		ps = with(ps, m.param.Name, m.value.Value)
		return Case{Scenario: m.value.Scenario, Category: Random, Params: ps, Static: true,
			Broken: &Broken{Param: m.param.Path, Wire: m.param.Name, Kind: kind, Sent: m.value.Value}}
	}).SuchThat(func(c Case) bool {
		viol := s.Validate(s.UnderTest, Values(c.Params, placeholder))
		return viol != nil && viol.Kind == c.Broken.Kind && viol.Param == c.Broken.Param
	})
}

// sample draws one value from g with the given random source, retrying a few times when a
// sieve refuses a draw.
func sample(g gopter.Gen, rng *rand.Rand) (any, bool) {
	params := gopter.DefaultGenParameters()
	params.Rng = rng
	for try := 0; try < 50; try++ {
		if v, ok := g(params).Retrieve(); ok {
			return v, true
		}
	}
	return nil, false
}

// RandomCases draws n cases from the gopter generators with a seed: half valid requests, half
// single-violation requests. The same seed always gives the same cases.
func RandomCases(s *spec.Spec, seed int64, n int) []Case {
	rng := rand.New(rand.NewSource(seed))
	valid, negative := ValidRequestGen(s), NegativeRequestGen(s)
	var out []Case
	for i := 0; i < n; i++ {
		var c Case
		if i%2 == 0 {
			v, ok := sample(valid, rng)
			if !ok {
				continue
			}
			c = Case{Scenario: "RANDOM_VALID", Category: Random, Params: v.([]Param), Static: true, Expect: success()}
		} else {
			v, ok := sample(negative, rng)
			if !ok {
				continue
			}
			c = v.(Case)
			p := s.UnderTest.Lookup(c.Broken.Param)
			c.Expect = s.ParamOutcome(p, c.Broken.Kind)
			c.Scenario = "RANDOM_" + c.Scenario
		}
		c.Action, c.Method, c.Seed = s.UnderTest.Action, "POST", seed
		c.ID = fmt.Sprintf("random/%d/%d", seed, i)
		out = append(out, c)
	}
	return out
}
