package spec_test

import (
	"math/rand"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/stretchr/testify/assert"

	"github.com/clbcheck/clbcheck/spec"
)

// A generic OpenAPI tool sees only the standard keywords of the description. Values drawn from
// them alone, and kept when kin-openapi's schema validation accepts them (as such a tool keeps
// its "valid" values), must be values the page allows, as the hand-typed copy of the page's
// table (seedParams) says: every constraint of the page is stated with standard keywords
// (Bandwidth's -1 or more with anyOf, forbidden prefixes and texts with not), so no tool is led
// to send as valid what the page forbids.
func TestStandardKeywordsAloneKeepValuesWithinThePage(t *testing.T) {
	s := spec.MustDefault()
	op, _, _ := s.UnderTest.OpenAPI()
	item := s.Doc().Paths.Value("/")
	schemas := map[string]*openapi3.Schema{}
	for _, params := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, ref := range params {
			p := ref.Value
			if p == nil || p.Schema == nil {
				continue
			}
			if m := s.UnderTest.Param(p.Name); m != nil && m.List != nil {
				for name, prop := range p.Schema.Value.Properties {
					schemas[name] = prop.Value
				}
				continue
			}
			schemas[p.Name] = p.Schema.Value
		}
	}
	rng := rand.New(rand.NewSource(5))
	checked := 0
	for name, sch := range schemas {
		m := modelParam(s, name)
		if m == nil || m.Common {
			continue
		}
		row, ok := seedRow(m.Path)
		if !ok {
			continue // a parameter from beyond the page: the page forbids nothing of it
		}
		for _, v := range standardCandidates(sch, rng) {
			if sch.VisitJSON(typedFor(sch, v)) != nil {
				continue // a standard tool refuses it too
			}
			assert.Empty(t, seedForbids(row, v), "%s=%q passes the standard keywords but the page forbids it", name, v)
			checked++
		}
	}
	assert.Greater(t, checked, 300)
}

// modelParam finds the model's parameter for a wire name (a list field by its flattened name).
func modelParam(s *spec.Spec, name string) *spec.Parameter {
	if p := s.UnderTest.Param(name); p != nil {
		return p
	}
	for _, lp := range s.UnderTest.Lists() {
		if _, field, ok := lp.List.ParseWireName(name); ok {
			return lp.List.Field(field)
		}
	}
	return nil
}

// standardCandidates draws values from a schema's standard keywords only.
func standardCandidates(sch *openapi3.Schema, rng *rand.Rand) []string {
	var out []string
	for _, e := range sch.Enum {
		out = append(out, toString(e))
	}
	if sch.Type.Is("integer") {
		var ends []float64
		for _, b := range append([]*openapi3.Schema{sch}, branches(sch)...) {
			for _, e := range b.Enum {
				if f, ok := e.(float64); ok {
					ends = append(ends, f)
				}
			}
			if b.Min != nil {
				ends = append(ends, *b.Min)
			}
			if b.Max != nil {
				ends = append(ends, *b.Max)
			}
		}
		for _, e := range append(ends, 0) {
			for _, d := range []float64{-2, -1, 0, 1, 2} {
				out = append(out, strconv.FormatFloat(e+d, 'f', 0, 64))
			}
		}
		return out
	}
	if sch.Pattern != "" {
		params := gopter.DefaultGenParameters()
		params.Rng = rng
		params.MaxSize = 30
		g := gen.RegexMatch(sch.Pattern)
		for range 40 {
			if v, ok := g(params).Retrieve(); ok {
				out = append(out, v.(string))
			}
		}
	}
	maxL := 90
	if sch.MaxLength != nil {
		maxL = int(*sch.MaxLength) + 1
	}
	for _, n := range []int{0, 1, int(sch.MinLength), maxL - 1, maxL} {
		if n >= 0 {
			out = append(out, strings.Repeat("a", n))
		}
	}
	for _, word := range []string{"aliyun", "acs:", "http://", "https://", "cn", "0"} {
		out = append(out, word, word+"x", "x"+word)
	}
	return out
}

func branches(sch *openapi3.Schema) []*openapi3.Schema {
	var out []*openapi3.Schema
	for _, r := range sch.AnyOf {
		out = append(out, r.Value)
	}
	return out
}

func typedFor(sch *openapi3.Schema, v string) any {
	if sch.Type.Is("integer") {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	}
	return v
}

func toString(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s, _ := v.(string)
	return s
}

// seedRow finds the page's row of a parameter (or list field, "Tag.Key").
func seedRow(path string) (seedParam, bool) {
	base, field, isField := cut(path)
	for _, sp := range seedParams {
		if !isField && sp.name == path {
			return sp, true
		}
		if isField && sp.name == base {
			for _, f := range sp.fields {
				if f.name == field {
					return f, true
				}
			}
		}
	}
	return seedParam{}, false
}

// seedForbids says what of a page row a value breaks ("" for nothing): a bound, a length, an
// enum, a forbidden prefix or text, or one of the values the page's wording forbids.
func seedForbids(sp seedParam, v string) string {
	n, nerr := strconv.ParseInt(v, 10, 64)
	runes := int64(utf8.RuneCountInString(v))
	switch {
	case sp.typ == "integer" && nerr != nil:
		return "type"
	case sp.min.set && nerr == nil && n < sp.min.n:
		return "minimum"
	case sp.max.set && nerr == nil && n > sp.max.n:
		return "maximum"
	case sp.minLen.set && runes < sp.minLen.n:
		return "minLength"
	case sp.maxLen.set && runes > sp.maxLen.n:
		return "maxLength"
	case len(sp.enum) > 0 && !slices.Contains(sp.enum, v):
		return "enum"
	case slices.ContainsFunc(sp.prefixes, func(x string) bool { return strings.HasPrefix(v, x) }):
		return "prefix"
	case slices.ContainsFunc(sp.substrings, func(x string) bool { return strings.Contains(v, x) }):
		return "substring"
	case slices.Contains(sp.bad, v):
		return "a value the page forbids"
	}
	return ""
}

// The comparison above can fail: a schema that states the tag key's length but not its
// forbidden prefixes lets a standard tool keep "aliyunkey", which the page's row forbids.
func TestStandardKeywordsCheckCanFail(t *testing.T) {
	row, ok := seedRow("Tag.Key")
	assert.True(t, ok)
	max := uint64(64)
	bare := &openapi3.Schema{Type: &openapi3.Types{"string"}, MinLength: 1, MaxLength: &max}
	found := false
	for _, v := range standardCandidates(bare, rand.New(rand.NewSource(1))) {
		if bare.VisitJSON(v) == nil && seedForbids(row, v) != "" {
			found = true
		}
	}
	assert.True(t, found, "without not, some standard value breaks the page")
}
