package generators

import (
	"net/url"
	"strings"
	"time"

	"github.com/clbcheck/clbcheck/spec"
)

// Category groups cases in reports.
type Category string

// Case categories.
const (
	Positive Category = "positive" // valid requests, boundary values included
	Negative Category = "negative" // one constraint or rule broken
	Wire     Category = "wire"     // encoding games, duplicates, unknown parameters
	Stateful Category = "state"    // needs resources in a given state
	Security Category = "security" // signatures, replay, keys, RAM, accounts
	Random   Category = "random"   // drawn by gopter from a seed
)

// Param is one name=value pair as it will be sent. When Ref is set, the id of that fixture slot
// replaces Value at send time. Raw values are written to the wire without percent-encoding.
type Param struct {
	Name  string `json:"name"`
	Value string `json:"value,omitempty"`
	Ref   string `json:"ref,omitempty"`
	Raw   bool   `json:"raw,omitempty"`
}

// Call is a request a stateful case makes before its own; it must succeed. Bind stores the
// value of response field Field under the local slot name Bind.
type Call struct {
	Action string  `json:"action"`
	Params []Param `json:"params"`
	Bind   string  `json:"bind,omitempty"`
	Field  string  `json:"field,omitempty"`
	// Principal overrides the case's principal for this call.
	Principal string `json:"principal,omitempty"`
	// After is a pause before the call (to let an asynchronous state settle).
	After time.Duration `json:"after,omitempty"`
}

// Kinds of Broken beyond the constraint kinds of package spec.
const (
	BrokenState spec.Kind = "state" // a state of the service (Broken.State names it)
	BrokenAuth  spec.Kind = "auth"  // who signs and how (Broken.Rule names the mode)
	BrokenWire  spec.Kind = "wire"  // the request's envelope: action, version, method
)

// Broken records the one thing a negative case breaks.
type Broken struct {
	Param    string    `json:"param,omitempty"`
	Wire     string    `json:"wire,omitempty"`
	Kind     spec.Kind `json:"kind"`
	Rule     string    `json:"rule,omitempty"`
	State    string    `json:"state,omitempty"`
	Original string    `json:"original,omitempty"`
	Sent     string    `json:"sent,omitempty"`
	// Also lists what the case may break besides Kind (see Value.Also); the referee accepts
	// those findings and no others.
	Also []string `json:"also,omitempty"`
}

// Edge names the constraint whose valid edge a positive case stands on: Param is a parameter
// path (or "rule/<id>" for a rule's kept side), Kind the constraint kind.
type Edge struct {
	Param string    `json:"param"`
	Kind  spec.Kind `json:"kind"`
}

// Case is one request to the operation under test, with everything needed to send it and the
// outcome the description expects.
type Case struct {
	ID        string    `json:"id"`
	Scenario  string    `json:"scenario"`
	Category  Category  `json:"category"`
	Action    string    `json:"action"`
	Version   string    `json:"version,omitempty"` // overrides the API version sent
	Params    []Param   `json:"params"`
	Method    string    `json:"method"`              // GET or POST
	Placement string    `json:"placement,omitempty"` // query (default), form, split
	Format    string    `json:"format,omitempty"`    // JSON (default) or XML
	Auth      spec.Auth `json:"auth,omitempty"`
	Principal string    `json:"principal,omitempty"`
	// NoRegion: the request carries no RegionId (the target adds its region otherwise).
	NoRegion bool         `json:"noRegion,omitempty"`
	Broken   *Broken      `json:"broken,omitempty"`
	Edge     *Edge        `json:"edge,omitempty"` // positive cases: the valid edge they stand on
	Expect   spec.Outcome `json:"expect"`
	Setup    []Call       `json:"setup,omitempty"`
	// SettleAfterSetup: the request waits, after the set-up, for as long as the target has
	// shown its creations take to show in reads (a listener the set-up deleted may take as
	// long to go).
	SettleAfterSetup bool `json:"settleAfterSetup,omitempty"`
	Static           bool `json:"static,omitempty"` // Confirm can check the violation on the wire
	// Concurrent sends this many identical copies at once; exactly one may win.
	Concurrent int   `json:"concurrent,omitempty"`
	Seed       int64 `json:"seed,omitempty"`
	// Skip, when set, says why the case cannot run against this target (a quota or scenario
	// nobody declared); the runner reports it skipped with this reason.
	Skip string `json:"skip,omitempty"`
	// Shrink, for generated cases, yields smaller cases of the same class one at a time.
	Shrink func() (Case, bool) `json:"-"`
}

// Needs lists the fixture slots the case refers to (setup and principal included).
func (c Case) Needs() []string {
	seen := map[string]bool{}
	var out []string
	add := func(ps []Param) {
		for _, p := range ps {
			for _, ref := range SplitRef(p.Ref) {
				if ref != spec.SlotPort && !strings.HasPrefix(ref, spec.SlotLocalPrefix) && !seen[ref] {
					seen[ref] = true
					out = append(out, ref)
				}
			}
		}
	}
	add(c.Params)
	for _, s := range c.Setup {
		add(s.Params)
	}
	return out
}

// Size is the number of parameters sent; reports show smaller reproducers first.
func (c Case) Size() int { return len(c.Params) }

// UsesEarlyCopy reports whether the case re-sends a request the run sent when it began (a
// late nonce replay): the runner sends that first copy before any case, and this case last.
func (c Case) UsesEarlyCopy() bool { return c.Auth == spec.AuthReplayedNonceLate }

// Get returns the first value of a parameter in the case.
func (c Case) Get(name string) (Param, bool) { return find(c.Params, name) }

// Values resolves the case's parameters into wire values with resolve for references.
func Values(ps []Param, resolve func(ref string) string) url.Values {
	v := url.Values{}
	for _, p := range ps {
		val := p.Value
		if p.Ref != "" {
			val = resolve(p.Ref)
		}
		v.Add(p.Name, val)
	}
	return v
}

// WireValues is Values as a server decodes them: raw values (written to the wire without
// percent-encoding) are decoded once, the way the server reads them.
func WireValues(ps []Param, resolve func(ref string) string) url.Values {
	v := url.Values{}
	for _, p := range ps {
		val := p.Value
		if p.Ref != "" {
			val = resolve(p.Ref)
		}
		if p.Raw {
			if d, err := url.QueryUnescape(val); err == nil {
				val = d
			}
		}
		v.Add(p.Name, val)
	}
	return v
}

// set returns a copy of ps where p takes the place of the first parameter of its name (later
// ones of that name are dropped), or is added at the end when there is none.
func set(ps []Param, p Param) []Param {
	out := make([]Param, 0, len(ps)+1)
	done := false
	for _, x := range ps {
		if x.Name == p.Name {
			if !done {
				out = append(out, p)
				done = true
			}
			continue
		}
		out = append(out, x)
	}
	if !done {
		out = append(out, p)
	}
	return out
}

// setOwned is set for a slice the caller owns and gives up: p replaces the first parameter of
// its name in place (later ones are dropped), or is appended.
func setOwned(ps []Param, p Param) []Param {
	for i := range ps {
		if ps[i].Name != p.Name {
			continue
		}
		ps[i] = p
		out := ps[:i+1]
		for _, x := range ps[i+1:] {
			if x.Name != p.Name {
				out = append(out, x)
			}
		}
		return out
	}
	return append(ps, p)
}

// with returns a copy of ps where name has value (added if absent).
func with(ps []Param, name, value string) []Param { return set(ps, Param{Name: name, Value: value}) }

// withRef is with for a reference.
func withRef(ps []Param, name, ref string) []Param { return set(ps, Param{Name: name, Ref: ref}) }

// without returns a copy of ps without name.
func without(ps []Param, names ...string) []Param {
	out := make([]Param, 0, len(ps))
	for _, p := range ps {
		drop := false
		for _, n := range names {
			drop = drop || p.Name == n
		}
		if !drop {
			out = append(out, p)
		}
	}
	return out
}

// find returns the first parameter of a name.
func find(ps []Param, name string) (Param, bool) {
	for _, p := range ps {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

func has(ps []Param, name string) bool {
	_, ok := find(ps, name)
	return ok
}

// SplitRef splits a reference naming several slots ("a,b": their ids joined by commas).
func SplitRef(ref string) []string {
	if ref == "" {
		return nil
	}
	return strings.Split(ref, ",")
}

// JoinRefs builds a reference to several slots.
func JoinRefs(refs ...string) string { return strings.Join(refs, ",") }

// Unique in a parameter value is replaced, at send time, by a string unique to the run and the
// call, so that names the service wants unique (ACL names) never collide.
const Unique = "{unique}"
