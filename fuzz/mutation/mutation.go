package mutation

import (
	"net/url"
	"slices"
	"sort"
	"strings"
)

// Mutation is one change a fuzz input applies to the parameters of a signed request.
type Mutation struct {
	Op    uint8  // the kind (FlipValue...; taken modulo Kinds, or V3Kinds for ApplyV3)
	Index uint16 // which (name, value) pair, in sorted order
	Pos   uint16 // which byte of the value or name
	Mask  uint8  // what to XOR into that byte (0 counts as 1)
	Extra string // the name an added parameter gets
}

// The kinds of parameter change.
const (
	FlipValue = iota // XOR one byte of one value (an empty value gets one byte)
	Add              // add the parameter Extra with Pos%4 letters as its value
	Remove           // remove one value
	Rename           // XOR one byte of one name
	Swap             // swap the first two values of a repeated name
	Kinds            // how many kinds there are
)

// SeedQueries are parameter sets, as queries, to start a signature fuzz target from: the
// parameters of the operation's published V1 signing example, an empty set, and values that
// need escaping.
var SeedQueries = []string{
	"BackendServerPort=80&Bandwidth=-1&HealthCheck=on&ListenerPort=443&LoadBalancerId=lb-bp1o94dp5i6earr%2A%2A%2A%2A&RegionId=cn-hangzhou&ServerCertificateId=idkp-123-cn-test-%2A%2A%2A%2A&Tag.1.Key=TestKey&Tag.1.Value=TestValue",
	"",
	"a=&b=%20&c=%2A&d=~&e=%E4%B8%AD",
}

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

// Clone returns a deep copy of v.
func Clone(v url.Values) url.Values {
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

// Flip XORs mask (1 when 0) into the byte of s at pos modulo its length; an empty s becomes
// the one byte mask.
func Flip(s string, pos uint16, mask uint8) string {
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
	out := Clone(v)
	ps := pairs(out, skip)
	var p pairRef
	if len(ps) > 0 {
		p = ps[int(m.Index)%len(ps)]
	}
	switch m.Op % Kinds {
	case FlipValue:
		if len(ps) > 0 {
			out[p.name][p.i] = Flip(out[p.name][p.i], m.Pos, m.Mask)
		}
	case Add:
		if skip == nil || !skip(m.Extra) {
			out[m.Extra] = append(out[m.Extra], strings.Repeat("x", int(m.Pos%4)))
		}
	case Remove:
		if len(ps) > 0 {
			removeAt(out, p)
		}
	case Rename:
		if len(ps) > 0 {
			name := Flip(p.name, m.Pos, m.Mask)
			if skip != nil && skip(name) {
				break
			}
			out[name] = append(out[name], removeAt(out, p))
		}
	case Swap:
		for _, q := range ps {
			if vs := out[q.name]; len(vs) > 1 {
				vs[0], vs[1] = vs[1], vs[0]
				break
			}
		}
	}
	return out
}

// Same reports whether two parameter sets carry the same names with the same values in the
// same order (what a canonical query depends on).
func Same(a, b url.Values) bool {
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

// Dedupe keeps one copy of each repeated identical value, as the emulator's merge does.
func Dedupe(v url.Values) url.Values {
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
