package selftest

import (
	"fmt"
	"strings"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/spec"
)

// Dimension is one choice the reference page leaves open, with the settings of the emulator
// that answer it. Values[0] is the emulator as it ships; every value conforms to the page.
type Dimension struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
	// apply sets a value on a configuration.
	apply func(cfg *emulator.Config, value string)
}

// Setting is one value of one dimension.
type Setting struct {
	Dimension string `json:"dimension"`
	Value     string `json:"value"`
}

// Variant is a conforming emulator: the settings that differ from the emulator as it ships.
type Variant struct {
	Name     string    `json:"name"`
	Settings []Setting `json:"settings"`
}

// Config is the emulator configuration of the variant.
func (v Variant) Config() emulator.Config {
	cfg := emulator.DefaultConfig()
	dims := Dimensions()
	for _, s := range v.Settings {
		for _, d := range dims {
			if d.Name == s.Dimension {
				d.apply(&cfg, s.Value)
			}
		}
	}
	return cfg
}

// Dimensions lists the choices of the precision matrix (see emulator.Choices).
func Dimensions() []Dimension {
	s := spec.MustDefault()
	choice := func(name string, values []string, set func(c *emulator.Choices, v string)) Dimension {
		return Dimension{Name: name, Values: values, apply: func(cfg *emulator.Config, v string) { set(&cfg.Choices, v) }}
	}
	flag := func(name, off, on string, set func(c *emulator.Choices, b bool)) Dimension {
		return choice(name, []string{off, on}, func(c *emulator.Choices, v string) { set(c, v == on) })
	}
	return []Dimension{
		choice("empty-optional", []string{emulator.EmptyCheck, emulator.EmptyAbsent}, func(c *emulator.Choices, v string) { c.EmptyOptional = v }),
		flag("integers", "canonical", "lenient", func(c *emulator.Choices, b bool) { c.LenientIntegers = b }),
		{Name: "quotas", Values: []string{"described", "none", "other"}, apply: func(cfg *emulator.Config, v string) {
			switch v {
			case "none":
				cfg.Choices.NoQuotas = true
			case "other":
				for _, q := range s.Quotas {
					cfg.Quotas[q.Name] = otherQuota(q.Default)
				}
			}
		}},
		flag("scenarios", "offered", "none", func(c *emulator.Choices, b bool) { c.NoScenarios = b }),
		flag("codes", "described", "alternative", func(c *emulator.Choices, b bool) { c.AlternativeCodes = b }),
		flag("describe", "defaults", "omit-unset", func(c *emulator.Choices, b bool) { c.DescribeOmitsUnset = b }),
		flag("acl-id", "comma-list", "single", func(c *emulator.Choices, b bool) { c.SingleACLID = b }),
		choice("index-gaps", []string{emulator.GapsRefuse, emulator.GapsAccept}, func(c *emulator.Choices, v string) { c.IndexGaps = v }),
		choice("duplicates", []string{emulator.DuplicatesRefuse, emulator.DuplicatesFirst, emulator.DuplicatesLast}, func(c *emulator.Choices, v string) { c.Duplicates = v }),
		choice("unknown", []string{emulator.UnknownIgnore, emulator.UnknownRefuse}, func(c *emulator.Choices, v string) { c.UnknownParameters = v }),
		flag("scope", "full", "page-only", func(c *emulator.Choices, b bool) { c.PageOnly = b }),
		flag("order", "described", "reverse", func(c *emulator.Choices, b bool) { c.ReverseOrder = b }),
		choice("visibility", []string{"immediate", "lagged"}, func(c *emulator.Choices, v string) {
			if v == "lagged" {
				c.ReadLag = laggedReads
			}
		}),
	}
}

// laggedReads is the read lag of the visibility=lagged variant: a new listener shows in reads
// this long after its create answered.
const laggedReads = "60ms"

// otherQuota is a quota's limit in the "other" setting: half the description's default, at
// least two.
func otherQuota(def int) int { return max(2, def/2) }

// Variants are the conforming variants of the precision matrix: each setting on its own, then
// the rows of a pairwise covering set of all settings (Pairwise) that are not one of those.
func Variants(dims []Dimension) []Variant {
	var out []Variant
	seen := map[string]bool{}
	add := func(v Variant) {
		if len(v.Settings) == 0 || seen[v.Name] {
			return
		}
		seen[v.Name] = true
		out = append(out, v)
	}
	for _, d := range dims {
		for _, val := range d.Values[1:] {
			add(variant("", []Setting{{d.Name, val}}))
		}
	}
	for i, row := range Pairwise(dims) {
		var set []Setting
		for k, vi := range row {
			if vi != 0 {
				set = append(set, Setting{dims[k].Name, dims[k].Values[vi]})
			}
		}
		if len(set) > 1 {
			add(variant(fmt.Sprintf("pairwise-%02d", i+1), set))
		}
	}
	return out
}

func variant(prefix string, set []Setting) Variant {
	parts := make([]string, len(set))
	for i, s := range set {
		parts[i] = s.Dimension + "=" + s.Value
	}
	name := strings.Join(parts, ",")
	if prefix != "" {
		name = prefix
	}
	return Variant{Name: name, Settings: set}
}

// Pairwise returns rows of value indexes, one per dimension, such that every pair of values of
// two dimensions appears together in some row. It builds them greedily and deterministically:
// each row starts from the first pair not yet covered (in dimension, then value order), and
// every other dimension takes the value that covers the most uncovered pairs with the
// dimensions already set (the lowest index on a tie).
func Pairwise(dims []Dimension) [][]int {
	n := len(dims)
	type pair struct{ i, a, j, b int }
	covered := map[pair]bool{}
	var order []pair
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			for a := range dims[i].Values {
				for b := range dims[j].Values {
					order = append(order, pair{i, a, j, b})
				}
			}
		}
	}
	gain := func(row []int, k, v int) int {
		g := 0
		for m := 0; m < n; m++ {
			if m == k || row[m] < 0 {
				continue
			}
			p := pair{m, row[m], k, v}
			if k < m {
				p = pair{k, v, m, row[m]}
			}
			if !covered[p] {
				g++
			}
		}
		return g
	}
	var rows [][]int
	for _, start := range order {
		if covered[start] {
			continue
		}
		row := make([]int, n)
		for k := range row {
			row[k] = -1
		}
		row[start.i], row[start.j] = start.a, start.b
		for k := 0; k < n; k++ {
			if row[k] >= 0 {
				continue
			}
			best, bestGain := 0, -1
			for v := range dims[k].Values {
				if g := gain(row, k, v); g > bestGain {
					best, bestGain = v, g
				}
			}
			row[k] = best
		}
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				covered[pair{i, row[i], j, row[j]}] = true
			}
		}
		rows = append(rows, row)
	}
	return rows
}
