package referee

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/clbcheck/clbcheck/spec"
)

// Finding is one thing a request breaks, or one point about it the page leaves open.
type Finding struct {
	Param  string    `json:"param,omitempty"` // parameter path ("IdleTimeout", "Tag.Key"), or the list's name
	Wire   string    `json:"wire,omitempty"`  // the name as sent ("Tag.3.Key")
	Kind   spec.Kind `json:"kind"`
	Rule   string    `json:"rule,omitempty"` // the rule id, for spec.KindRule
	Value  string    `json:"value,omitempty"`
	Detail string    `json:"detail"`
}

func (f Finding) String() string {
	if f.Kind == spec.KindRule {
		return "rule " + f.Rule + ": " + f.Detail
	}
	return string(f.Kind) + " of " + f.Param + ": " + f.Detail
}

// Open reports whether the page leaves the point open: whether it is accepted or refused, both
// answers conform. Empty optional values, integers spelled other than in plain decimal,
// duplicated names, unknown names and irregular list indexes are such points.
func (f Finding) Open() bool {
	switch f.Kind {
	case spec.KindEmpty, spec.KindLenient, spec.KindDuplicate, spec.KindUnknown, spec.KindListIndex:
		return true
	}
	return false
}

// Referee judges requests to the operation under test of one description. It is read-only
// after New and safe for concurrent use.
type Referee struct {
	s      *spec.Spec
	op     *spec.Operation
	route  *routers.Route
	lists  []listReader
	common map[string]bool
	// fields maps a list field's path ("Tag.Key") to its schema in the document.
	fields map[string]*openapi3.Schema
}

// listReader reads the entries of one flattened list parameter with a plain regular
// expression built from its wire format.
type listReader struct {
	p  *spec.Parameter
	re *regexp.Regexp // ^prefix(index)middle(field)suffix$
}

// New builds the referee of a description.
func New(s *spec.Spec) (*Referee, error) {
	op, method, path := s.UnderTest.OpenAPI()
	item := s.Doc().Paths.Value(path)
	if op == nil || item == nil {
		return nil, fmt.Errorf("referee: the description has no OpenAPI operation for %s", s.UnderTest.Action)
	}
	r := &Referee{
		s:      s,
		op:     s.UnderTest,
		route:  &routers.Route{Spec: s.Doc(), Path: path, PathItem: item, Method: method, Operation: op},
		common: map[string]bool{spec.ParamAction: true, spec.ParamVersion: true},
		fields: map[string]*openapi3.Schema{},
	}
	for _, c := range s.Wire.CommonParameters {
		r.common[c] = true
	}
	for _, p := range s.UnderTest.Parameters {
		if p.List == nil {
			continue
		}
		r.lists = append(r.lists, listReader{p: p, re: listPattern(p.List.Format)})
		if err := r.fieldSchemas(p, item.Parameters, op.Parameters); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// MustNew is New for descriptions known to load (the embedded one).
func MustNew(s *spec.Spec) *Referee {
	r, err := New(s)
	if err != nil {
		panic(err)
	}
	return r
}

// fieldSchemas records the document's schema of every field of list parameter p.
func (r *Referee) fieldSchemas(p *spec.Parameter, lists ...openapi3.Parameters) error {
	for _, params := range lists {
		for _, ref := range params {
			if ref.Value == nil || ref.Value.Name != p.Name || ref.Value.Schema == nil {
				continue
			}
			items := ref.Value.Schema.Value.Items
			if items == nil || items.Value == nil {
				return fmt.Errorf("referee: list parameter %s has no item schema", p.Name)
			}
			for name, prop := range items.Value.Properties {
				r.fields[p.Name+"."+name] = prop.Value
			}
			return nil
		}
	}
	return fmt.Errorf("referee: list parameter %s is not in the document", p.Name)
}

// listPattern turns a format such as "Tag.{n}.{field}" into ^Tag\.([^.]*)\.(.*)$.
func listPattern(format string) *regexp.Regexp {
	q := regexp.QuoteMeta(format)
	q = strings.Replace(q, `\{n\}`, `([^.]*)`, 1)
	q = strings.Replace(q, `\{field\}`, `(.*)`, 1)
	return regexp.MustCompile("^" + q + "$")
}

// Findings lists everything values break, and every point the page leaves open, sorted by
// parameter, kind and wire name. values are the parameters as the server decodes them from
// the bytes sent (query and form merged); common parameters of the wire are not judged.
func (r *Referee) Findings(values url.Values) []Finding {
	var out []Finding
	first := map[string]string{}
	for name, vs := range values {
		if len(vs) == 0 {
			continue
		}
		first[name] = vs[0]
		if f, ok := duplicate(name, vs); ok {
			out = append(out, f)
		}
	}
	listed := map[string]bool{}
	for _, l := range r.lists {
		out = append(out, r.listFindings(l, first, listed)...)
	}
	out = append(out, r.scalarFindings(first)...)
	out = append(out, r.unknown(first, listed)...)
	out = append(out, r.ruleFindings(first)...)
	return tidy(out)
}

// unknown reports names the operation does not declare.
func (r *Referee) unknown(first map[string]string, listed map[string]bool) []Finding {
	var out []Finding
	for name := range first {
		if r.common[name] || listed[name] || r.op.Param(name) != nil {
			continue
		}
		out = append(out, Finding{Param: name, Wire: name, Kind: spec.KindUnknown, Detail: name + " is not a parameter of the operation"})
	}
	return out
}

// tidy sorts findings and drops repeats (kin-openapi and the plain checks may both see a
// missing required parameter).
func tidy(fs []Finding) []Finding {
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Param != b.Param {
			return a.Param < b.Param
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Wire < b.Wire
	})
	return slices.CompactFunc(fs, func(a, b Finding) bool {
		return a.Param == b.Param && a.Kind == b.Kind && a.Rule == b.Rule && a.Wire == b.Wire
	})
}

// Breaks reports whether fs hold a finding that is not an open point.
func Breaks(fs []Finding) bool {
	for _, f := range fs {
		if !f.Open() {
			return true
		}
	}
	return false
}
