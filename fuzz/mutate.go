package fuzz

import (
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/clbcheck/clbcheck/spec"
)

// Mutation is one change a fuzz input applies to the parameters of a signed request.
type Mutation struct {
	Op    uint8  // see the Mut* constants (taken modulo their number)
	Index uint16 // which (name, value) pair, in sorted order
	Pos   uint16 // which byte of the value or name
	Mask  uint8  // what to XOR into that byte (0 counts as 1)
	Extra string // the name (or value) an added parameter gets
}

// Parameter mutations.
const (
	MutFlipValue = iota // XOR one byte of one value (append a byte to an empty value)
	MutAdd              // add the parameter Extra (with the value of Pos)
	MutRemove           // remove one value
	MutRename           // XOR one byte of one name
	MutSwap             // swap the first two values of a repeated name
	mutCount
)

type pairRef struct {
	name string
	i    int
}

// pairs lists the (name, value index) pairs of v in a stable order, skipping names skip
// reports true for.
func pairs(v url.Values, skip func(string) bool) []pairRef {
	names := make([]string, 0, len(v))
	for k := range v {
		if skip == nil || !skip(k) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var out []pairRef
	for _, k := range names {
		for i := range v[k] {
			out = append(out, pairRef{k, i})
		}
	}
	return out
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// removeAt removes the value p names from v, and the name with its last value, and returns
// the value.
func removeAt(v url.Values, p pairRef) string {
	val := v[p.name][p.i]
	if vs := slices.Delete(v[p.name], p.i, p.i+1); len(vs) > 0 {
		v[p.name] = vs
	} else {
		delete(v, p.name)
	}
	return val
}

func flip(s string, pos uint16, mask uint8) string {
	if mask == 0 {
		mask = 1
	}
	if s == "" {
		return string([]byte{mask})
	}
	b := []byte(s)
	b[int(pos)%len(b)] ^= mask
	return string(b)
}

// Apply returns a copy of v with the mutation applied to a pair skip does not exclude. A
// mutation that finds nothing to act on returns an unchanged copy.
func (m Mutation) Apply(v url.Values, skip func(string) bool) url.Values {
	out := cloneValues(v)
	ps := pairs(out, skip)
	var p pairRef
	if len(ps) > 0 {
		p = ps[int(m.Index)%len(ps)]
	}
	switch m.Op % mutCount {
	case MutFlipValue:
		if len(ps) > 0 {
			out[p.name][p.i] = flip(out[p.name][p.i], m.Pos, m.Mask)
		}
	case MutAdd:
		if skip == nil || !skip(m.Extra) {
			out[m.Extra] = append(out[m.Extra], strings.Repeat("x", int(m.Pos%4)))
		}
	case MutRemove:
		if len(ps) > 0 {
			removeAt(out, p)
		}
	case MutRename:
		if len(ps) > 0 {
			name := flip(p.name, m.Pos, m.Mask)
			if skip != nil && skip(name) {
				break
			}
			out[name] = append(out[name], removeAt(out, p))
		}
	case MutSwap:
		for _, q := range ps {
			if vs := out[q.name]; len(vs) > 1 {
				vs[0], vs[1] = vs[1], vs[0]
				break
			}
		}
	}
	return out
}

// SameValues reports whether two parameter sets carry the same names with the same values in
// the same order (what a canonical query depends on).
func SameValues(a, b url.Values) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb, ok := b[k]
		if !ok || !slices.Equal(va, vb) {
			return false
		}
	}
	return true
}

// dedupe keeps one copy of each repeated identical value, as the emulator's merge does.
func dedupe(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		for _, x := range vs {
			if !slices.Contains(out[k], x) {
				out[k] = append(out[k], x)
			}
		}
	}
	return out
}

// preAuth lists the names the emulator reads before it checks a signature, plus the V1
// protocol parameters: a mutation that reaches them may be refused by an earlier layer.
func preAuth(name string) bool {
	switch name {
	case spec.ParamAction, spec.ParamVersion, spec.ParamFormat:
		return true
	}
	return slices.Contains(v1Protocol, name)
}
