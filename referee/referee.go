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
	s     *spec.Spec
	op    *spec.Operation
	route *routers.Route
	// kinRoute is route without the list parameters, the one kin-openapi validates with: the
	// referee judges a list's entries field by field and drops what kin-openapi says of the
	// list as a whole, so decoding it there (the dearest part of the validation) was wasted.
	kinRoute *routers.Route
	lists    []listReader
	common   map[string]bool
	// fields maps a list field's path ("Tag.Key") to its schema in the document.
	fields map[string]*openapi3.Schema
	// nots holds the not of each parameter (by name) or list field (by path) that has one.
	nots map[string]*openapi3.SchemaRef
	// kinParams are the OpenAPI parameters of kinRoute by name (the operation's own before
	// its path's), what kin-openapi validates one by one.
	kinParams map[string]*openapi3.Parameter
	// kinRequired names the required parameters of kinParams, sorted.
	kinRequired []string
	// memo keeps the verdicts on values judged before (memo.go); nil judges every value afresh.
	memo *memo
}

// listReader reads the entries of one flattened list parameter with a plain regular
// expression built from its wire format.
type listReader struct {
	p  *spec.Parameter
	re *regexp.Regexp // ^prefix(index)middle(field)suffix$
	// prefix is the literal text before the index: a name without it is not an entry, and
	// saying so costs less than running re.
	prefix string
	// middle and suffix are the literal texts between the index and the field and after the
	// field; plain says split may read names with them instead of re.
	middle, suffix string
	plain          bool
}

// match is re.FindStringSubmatch for names that start with prefix, nil for the others: the
// reference of split.
func (l listReader) match(name string) []string {
	if !strings.HasPrefix(name, l.prefix) {
		return nil
	}
	return l.re.FindStringSubmatch(name)
}

// split reads name as an entry's field of the list: its index and field, as match does. Where
// the format is prefix{n}middle{field}suffix, it reads the name without the regular
// expression (TestListSplitMatchesThePattern compares the two).
func (l listReader) split(name string) (index, field string, ok bool) {
	if !l.plain {
		if m := l.match(name); m != nil {
			return m[1], m[2], true
		}
		return "", "", false
	}
	if !strings.HasPrefix(name, l.prefix) || !strings.HasSuffix(name, l.suffix) || len(name) < len(l.prefix)+len(l.suffix) {
		return "", "", false
	}
	rest := name[len(l.prefix) : len(name)-len(l.suffix)]
	// The index holds no dot and is as long as it can be; the field holds no line break.
	end := strings.IndexByte(rest, '.')
	if end < 0 {
		end = len(rest)
	}
	for i := end; i >= 0; i-- {
		if strings.HasPrefix(rest[i:], l.middle) {
			field = rest[i+len(l.middle):]
			if strings.IndexByte(field, '\n') >= 0 {
				return "", "", false
			}
			return rest[:i], field, true
		}
	}
	return "", "", false
}

// ListEntry reads name as a field of an entry of the list parameter list, as every finding of
// the referee reads it: the entry's index and the field's name, false when name is not one
// (or list is not a list parameter).
func (r *Referee) ListEntry(list, name string) (index, field string, ok bool) {
	for _, l := range r.lists {
		if l.p.Name == list {
			return l.split(name)
		}
	}
	return "", "", false
}

// matches reports whether name is an entry's field of the list.
func (l listReader) matches(name string) bool {
	_, _, ok := l.split(name)
	return ok
}

// newListReader reads the entries of list parameter p.
func newListReader(p *spec.Parameter) listReader {
	f := p.List.Format
	l := listReader{p: p, re: listPattern(f)}
	l.prefix, _, _ = strings.Cut(f, "{")
	n, field := strings.Index(f, "{n}"), strings.Index(f, "{field}")
	if n >= 0 && field >= n+len("{n}") && strings.Count(f, "{") == 2 {
		l.prefix, l.middle, l.suffix = f[:n], f[n+len("{n}"):field], f[field+len("{field}"):]
		l.plain = true
	}
	return l
}

// New builds the referee of a description. It judges with its own copy of the OpenAPI
// document: kin-openapi's request validation cannot decode a parameter whose schema has the
// keyword not, so in the copy each such schema loses its not, which the referee applies on
// its own with kin-openapi's schema validation (nots).
func New(s *spec.Spec) (*Referee, error) {
	raw, err := s.Doc().MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("referee: the description cannot be copied: %w", err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("referee: the description's copy does not load: %w", err)
	}
	_, method, path := s.UnderTest.OpenAPI()
	item := doc.Paths.Value(path)
	var op *openapi3.Operation
	if item != nil {
		op = item.GetOperation(method)
	}
	if op == nil {
		return nil, fmt.Errorf("referee: the description has no OpenAPI operation for %s", s.UnderTest.Action)
	}
	r := &Referee{
		s:      s,
		op:     s.UnderTest,
		route:  &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op},
		common: map[string]bool{spec.ParamAction: true, spec.ParamVersion: true},
		fields: map[string]*openapi3.Schema{},
		nots:   map[string]*openapi3.SchemaRef{},
		memo:   newMemo(memoLimit),
	}
	for _, c := range s.Wire.CommonParameters {
		r.common[c] = true
	}
	r.kinRoute = withoutLists(r.route, s.UnderTest)
	r.kinParams = map[string]*openapi3.Parameter{}
	for _, params := range []openapi3.Parameters{r.kinRoute.PathItem.Parameters, r.kinRoute.Operation.Parameters} {
		for _, ref := range params {
			if ref.Value != nil {
				r.kinParams[ref.Value.Name] = ref.Value
			}
		}
	}
	for name, p := range r.kinParams {
		if p.Required {
			r.kinRequired = append(r.kinRequired, name)
		}
	}
	sort.Strings(r.kinRequired)
	for _, params := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, ref := range params {
			if ref.Value != nil && ref.Value.Schema != nil && ref.Value.Schema.Value != nil {
				r.takeNot(ref.Value.Name, ref.Value.Schema.Value)
			}
		}
	}
	for _, p := range s.UnderTest.Parameters {
		if p.List == nil {
			continue
		}
		r.lists = append(r.lists, newListReader(p))
		if err := r.fieldSchemas(p, item.Parameters, op.Parameters); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// withoutLists copies a route without the parameters that are lists of op.
func withoutLists(route *routers.Route, op *spec.Operation) *routers.Route {
	keep := func(ps openapi3.Parameters) openapi3.Parameters {
		var out openapi3.Parameters
		for _, ref := range ps {
			if ref.Value != nil {
				if p := op.Param(ref.Value.Name); p != nil && p.List != nil {
					continue
				}
			}
			out = append(out, ref)
		}
		return out
	}
	item, o := *route.PathItem, *route.Operation
	item.Parameters, o.Parameters = keep(item.Parameters), keep(o.Parameters)
	cp := *route
	cp.PathItem, cp.Operation = &item, &o
	return &cp
}

// takeNot moves a schema's not into r.nots under key.
func (r *Referee) takeNot(key string, sch *openapi3.Schema) {
	if sch.Not != nil {
		r.nots[key] = sch.Not
		sch.Not = nil
	}
}

// MustNew is New for descriptions known to load (the embedded one).
func MustNew(s *spec.Spec) *Referee {
	r, err := New(s)
	if err != nil {
		panic(err)
	}
	return r
}

// fieldSchemas records the document's schema of every field of list parameter p (its not
// taken apart, as for parameters): the item schema of an array, or, for a list described by its
// flattened names, the schema of the first entry's name of each field.
func (r *Referee) fieldSchemas(p *spec.Parameter, lists ...openapi3.Parameters) error {
	for _, params := range lists {
		for _, ref := range params {
			if ref.Value == nil || ref.Value.Name != p.Name || ref.Value.Schema == nil {
				continue
			}
			sch := ref.Value.Schema.Value
			for _, f := range p.List.Fields {
				var fs *openapi3.SchemaRef
				switch {
				case sch.Items != nil && sch.Items.Value != nil:
					fs = sch.Items.Value.Properties[f.Name]
				default:
					fs = sch.Properties[p.List.WireName(p.List.FirstIndex, f.Name)]
				}
				if fs == nil || fs.Value == nil {
					return fmt.Errorf("referee: list parameter %s has no schema for its field %s", p.Name, f.Name)
				}
				r.fields[f.Path] = fs.Value
				r.takeNot(f.Path, fs.Value)
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
	first := make(map[string]string, len(values))
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

// RuleFindings lists the rules of the description that values break: the findings of kind
// spec.KindRule that Findings gives, without judging anything else. Generators repairing a
// request ask only this.
func (r *Referee) RuleFindings(values url.Values) []Finding {
	first := make(map[string]string, len(values))
	for name, vs := range values {
		if len(vs) > 0 {
			first[name] = vs[0]
		}
	}
	return r.RuleFindingsOf(first)
}

// RuleFindingsOf is RuleFindings for a request given as the first value of each name (what
// the referee judges of a name sent more than once), for a caller that holds it so.
func (r *Referee) RuleFindingsOf(first map[string]string) []Finding {
	return tidy(r.ruleFindings(first))
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
