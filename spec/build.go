package spec

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

type builder struct {
	doc *openapi3.T
	s   *Spec
}

func (b *builder) build() error {
	s := b.s
	s.Title = b.doc.Info.Title
	s.APIVersion = b.doc.Info.Version
	steps := []func() error{b.wire, b.outcomes, b.operations, b.rules, b.catalogue, b.misc, b.resolveOutcomes, b.crossCheck, b.checkNames, b.checkVocabulary}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) wire() error {
	var w struct {
		Wire
		TimestampWindow string `json:"timestampWindow"`
		NonceWindow     string `json:"nonceWindow"`
	}
	if err := b.need("x-wire", &w); err != nil {
		return err
	}
	b.s.Wire = w.Wire
	var err error
	if b.s.Wire.TimestampWindow, err = time.ParseDuration(w.TimestampWindow); err != nil {
		return &LoadError{Code: ErrCodeBadExtension, Where: "x-wire.timestampWindow", Msg: "not a duration", Err: err}
	}
	if b.s.Wire.NonceWindow, err = time.ParseDuration(w.NonceWindow); err != nil {
		return &LoadError{Code: ErrCodeBadExtension, Where: "x-wire.nonceWindow", Msg: "not a duration", Err: err}
	}
	for _, f := range []string{FormatJSON, FormatXML} {
		if !slices.Contains(w.Formats, f) || w.ContentTypes[f] == "" {
			return &LoadError{Code: ErrCodeBadExtension, Where: "x-wire.formats", Msg: "Go code relies on format " + f + " and its content type, which the description lacks"}
		}
	}
	if _, err = regexp.Compile(w.IntegerPattern); err != nil || w.IntegerPattern == "" {
		return &LoadError{Code: ErrCodeBadExtension, Where: "x-wire.integerPattern", Msg: "not a Go regular expression", Err: err}
	}
	return nil
}

func (b *builder) outcomes() error {
	m := map[Kind]Outcome{}
	if err := b.need("x-violation-outcomes", &m); err != nil {
		return err
	}
	for _, k := range []Kind{KindRequired, KindType, KindRule, KindDuplicate, KindUnknown, KindListIndex} {
		if _, ok := m[k]; !ok {
			return loadErr(ErrCodeBadExtension, "x-violation-outcomes", "no default outcome for %q", k)
		}
	}
	for k, o := range m {
		o.Basis = Inferred
		m[k] = o
	}
	b.s.ViolationOutcomes = m
	return nil
}

func (b *builder) operations() error {
	under, _ := b.doc.Extensions["x-operation-under-test"].(string)
	for _, path := range b.doc.Paths.InMatchingOrder() {
		item := b.doc.Paths.Value(path)
		for _, method := range []string{"GET", "POST"} {
			op := item.GetOperation(method)
			if op == nil {
				continue
			}
			action, _ := op.Extensions["x-rpc-action"].(string)
			if action == "" {
				return loadErr(ErrCodeBadExtension, path+" "+method, "operation has no x-rpc-action")
			}
			if _, dup := op.Extensions["x-rpc-same-as"]; dup || b.s.byAction[action] != nil {
				continue
			}
			o, err := b.operation(action, path, method, item, op)
			if err != nil {
				return err
			}
			o.UnderTest = action == under
			if o.UnderTest {
				b.s.UnderTest = o
			}
			b.s.Operations = append(b.s.Operations, o)
			b.s.byAction[action] = o
		}
	}
	if b.s.UnderTest == nil {
		return loadErr(ErrCodeNoOperation, "x-operation-under-test", "no operation has Action %q", under)
	}
	return nil
}

func (b *builder) operation(action, path, method string, item *openapi3.PathItem, op *openapi3.Operation) (*Operation, error) {
	o := &Operation{Action: action, Summary: op.Summary, byName: map[string]*Parameter{}, openapi: op, method: method, path: path}
	if len(op.Tags) > 0 {
		o.Tag = op.Tags[0]
	}
	params := append(openapi3.Parameters{}, item.Parameters...)
	params = append(params, op.Parameters...)
	for _, ref := range params {
		p, err := b.parameter(ref.Value, action)
		if err != nil {
			return nil, err
		}
		if p.Name == ParamAction || p.Name == ParamVersion {
			continue
		}
		o.Parameters = append(o.Parameters, p)
		o.byName[p.Name] = p
	}
	if r, ok := op.Extensions["x-ram"]; ok {
		var ram RAM
		if _, err := ext(map[string]any{"r": r}, "r", &ram); err != nil {
			return nil, &LoadError{Code: ErrCodeBadExtension, Where: action + ".x-ram", Msg: "malformed", Err: err}
		}
		o.RAM = &ram
	}
	if resp := op.Responses.Value("200"); resp != nil && resp.Value != nil {
		if mt := resp.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
			for _, name := range sortedKeys(mt.Schema.Value.Properties) {
				t := ""
				if v := mt.Schema.Value.Properties[name].Value; v != nil && v.Type != nil && len(*v.Type) > 0 {
					t = (*v.Type)[0]
				}
				o.Response = append(o.Response, Field{Name: name, Type: t})
			}
		}
	}
	return o, nil
}

func (b *builder) parameter(pv *openapi3.Parameter, action string) (*Parameter, error) {
	where := action + "." + pv.Name
	p := &Parameter{Name: pv.Name, Path: pv.Name, Required: pv.Required, Description: strings.TrimSpace(pv.Description), Source: SourceSeed}
	if src, ok := pv.Extensions["x-source"].(string); ok {
		p.Source = Source(src)
	}
	p.Common, _ = pv.Extensions["x-common"].(bool)
	p.CommaList, _ = pv.Extensions["x-comma-list"].(bool)
	p.EnumExtendedBy, _ = pv.Extensions["x-enum-extended-by"].(string)
	p.Note, _ = pv.Extensions["x-note"].(string)
	p.Reference, _ = pv.Extensions["x-reference"].(string)
	if pv.Example != nil {
		p.Example = fmt.Sprint(pv.Example)
	}
	if err := optional(pv.Extensions, "x-also-seen", where, &p.AlsoSeen); err != nil {
		return nil, err
	}
	if err := optional(pv.Extensions, "x-list-values", where, &p.ListValues); err != nil {
		return nil, err
	}
	if err := optional(pv.Extensions, "x-leading-forbidden", where, &p.LeadingForbidden); err != nil {
		return nil, err
	}
	if err := optional(pv.Extensions, "x-near-misses", where, &p.NearMisses); err != nil {
		return nil, err
	}
	var missing string
	if err := optional(pv.Extensions, "x-missing-state", where, &missing); err != nil {
		return nil, err
	}
	p.MissingState = StateName(missing)
	var inferred []string
	if err := optional(pv.Extensions, "x-inferred", where, &inferred); err != nil {
		return nil, err
	}
	if pv.Schema == nil || pv.Schema.Value == nil {
		return nil, loadErr(ErrCodeBadExtension, where, "parameter has no schema")
	}
	sch := pv.Schema.Value
	codes := map[string]string{}
	if err := optional(pv.Extensions, "x-violation-codes", where, &codes); err != nil {
		return nil, err
	}
	if err := b.fill(p, sch, pv.Extensions, inferred, codes, where); err != nil {
		return nil, err
	}
	if err := checkNearMisses(p, where); err != nil {
		return nil, err
	}
	p.RequiredBasis = Documented
	if p.Source != SourceSeed || slices.Contains(inferred, "required") {
		p.RequiredBasis = Inferred
	}
	switch {
	case sch.Type.Is("array"):
		if err := b.list(p, sch, pv.Extensions, inferred, codes, where); err != nil {
			return nil, err
		}
	case sch.Type.Is("object"):
		if pv.Extensions["x-rpc-list"] == nil {
			return nil, loadErr(ErrCodeBadExtension, where+".x-rpc-list", "an object parameter is a flattened list and needs x-rpc-list")
		}
		if err := b.flatList(p, sch, pv.Extensions, inferred, codes, where); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// checkNearMisses refuses near misses on a parameter without an enum, and near misses the
// enum allows.
func checkNearMisses(p *Parameter, where string) error {
	if len(p.NearMisses) == 0 {
		return nil
	}
	for _, c := range p.Constraints {
		if c.Kind != KindEnum {
			continue
		}
		for _, v := range p.NearMisses {
			if slices.Contains(c.Values, v) {
				return loadErr(ErrCodeBadExtension, where+".x-near-misses", "%q is a value of the enum, not a near miss", v)
			}
		}
		return nil
	}
	return loadErr(ErrCodeBadExtension, where+".x-near-misses", "near misses need an enum to miss")
}

// fillPlain reads what is not a constraint into p: its type, default and the flags of its
// extensions.
func fillPlain(p *Parameter, sch *openapi3.Schema, exts map[string]any, inferred []string) {
	if sch.Type != nil && len(*sch.Type) > 0 {
		p.Type = (*sch.Type)[0]
	}
	if ne, ok := sch.Extensions["x-not-empty"].(bool); ok {
		p.NotEmpty = ne
	}
	if a, ok := exts["x-ascii-letters"].(bool); ok {
		p.ASCIILetters = a
	}
	if sch.Default != nil {
		d := fmt.Sprint(sch.Default)
		p.Default = &d
		p.DefaultBasis = Documented
		if p.Source != SourceSeed || slices.Contains(inferred, "default") {
			p.DefaultBasis = Inferred
		}
	}
}

// fill reads a schema's constraints into p. exts holds the extensions that carry extra rules
// (on the parameter for top-level parameters, on the property schema for list fields).
func (b *builder) fill(p *Parameter, sch *openapi3.Schema, exts map[string]any, inferred []string, codes map[string]string, where string) error {
	fillPlain(p, sch, exts, inferred)
	// A keyword is documented when the seed page states it: the parameter comes from the page
	// and the keyword is not listed in x-inferred.
	basis := func(k string) Basis {
		if p.Source != SourceSeed || slices.Contains(inferred, k) {
			return Inferred
		}
		return Documented
	}
	add := func(k Kind, c Constraint) {
		c.Kind = k
		c.Basis = basis(string(k))
		c.Outcome = Outcome{Code: codes[string(k)]} // resolved later
		p.Constraints = append(p.Constraints, c)
	}
	if p.Type == "integer" {
		add(KindType, Constraint{Pattern: b.s.Wire.IntegerPattern})
		if p.Source == SourceSeed {
			p.Constraints[len(p.Constraints)-1].Basis = Documented // the page's Type column
		}
	}
	lo, hi, gaps, err := integerRanges(sch, where)
	if err != nil {
		return err
	}
	if lo != nil {
		add(KindMinimum, Constraint{Int: *lo})
	}
	if hi != nil {
		add(KindMaximum, Constraint{Int: *hi})
	}
	if sch.MinLength > 0 {
		add(KindMinLength, Constraint{Int: int64(sch.MinLength)})
	}
	if sch.MaxLength != nil {
		add(KindMaxLength, Constraint{Int: int64(*sch.MaxLength)})
	}
	if len(sch.Enum) > 0 {
		vals := make([]string, len(sch.Enum))
		for i, v := range sch.Enum {
			vals[i] = fmt.Sprint(v)
		}
		add(KindEnum, Constraint{Values: vals})
	}
	if sch.Pattern != "" {
		if _, err := regexp.Compile(sch.Pattern); err != nil {
			return &LoadError{Code: ErrCodeBadExtension, Where: where + ".pattern", Msg: "Go cannot compile the pattern", Err: err}
		}
		add(KindPattern, Constraint{Pattern: sch.Pattern})
	}
	forbidden, err := forbiddenBy(sch.Not, where)
	if err != nil {
		return err
	}
	forbidden[KindForbiddenValues] = append(forbidden[KindForbiddenValues], gaps...)
	for _, k := range []Kind{KindForbiddenValues, KindForbiddenPrefixes, KindForbiddenSubstrings} {
		if _, legacy := exts[string(k)]; legacy {
			return loadErr(ErrCodeBadExtension, where+"."+string(k), "state forbidden values, prefixes and substrings with the standard keyword not (a branch of not.anyOf each)")
		}
		if vals := forbidden[k]; len(vals) > 0 {
			add(k, Constraint{Values: vals})
		}
	}
	return violationCodes(p, codes, where)
}

// violationCodes checks that every code of x-violation-codes belongs to a constraint p has,
// and keeps the code of a missing required parameter.
func violationCodes(p *Parameter, codes map[string]string, where string) error {
	for k := range codes {
		if k == "required" || k == string(KindMaxItems) {
			continue
		}
		if _, ok := p.Constraint(Kind(k)); !ok {
			return loadErr(ErrCodeUnknownName, where+".x-violation-codes", "a code is given for %q but the parameter has no such constraint", k)
		}
	}
	if c := codes["required"]; c != "" {
		p.RequiredResult = Outcome{Code: c}
	}
	return nil
}

// integerRanges reads an integer's bounds: minimum and maximum, or, for an integer allowed on
// separate ranges (anyOf of branches with an enum or a minimum and maximum), the lowest and
// highest values of the union and the values between branches it leaves out (gaps). A gap of
// more than 16 values cannot be listed and is refused.
func integerRanges(sch *openapi3.Schema, where string) (lo, hi *int64, gaps []string, err error) {
	if len(sch.AnyOf) == 0 {
		if sch.Min != nil {
			v := int64(*sch.Min)
			lo = &v
		}
		if sch.Max != nil {
			v := int64(math.Min(*sch.Max, math.MaxInt64))
			hi = &v
		}
		return lo, hi, nil, nil
	}
	type span struct{ lo, hi int64 }
	var spans []span
	for _, ref := range sch.AnyOf {
		b := ref.Value
		switch {
		case b == nil:
		case len(b.Enum) > 0:
			for _, e := range b.Enum {
				n, ok := e.(float64)
				if !ok {
					return nil, nil, nil, loadErr(ErrCodeBadExtension, where+".anyOf", "an enum branch of an integer holds %v, not a number", e)
				}
				spans = append(spans, span{int64(n), int64(n)})
			}
		case b.Min != nil && b.Max != nil:
			spans = append(spans, span{int64(*b.Min), int64(*b.Max)})
		default:
			return nil, nil, nil, loadErr(ErrCodeBadExtension, where+".anyOf", "each branch must be an enum or a minimum with a maximum")
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.lo, b.lo) })
	for i := 1; i < len(spans); i++ {
		if spans[i].lo-spans[i-1].hi > 17 {
			return nil, nil, nil, loadErr(ErrCodeBadExtension, where+".anyOf", "the gap between %d and %d is too wide to list", spans[i-1].hi, spans[i].lo)
		}
		for v := spans[i-1].hi + 1; v < spans[i].lo; v++ {
			gaps = append(gaps, strconv.FormatInt(v, 10))
		}
	}
	if len(spans) > 0 {
		lo, hi = &spans[0].lo, &spans[len(spans)-1].hi
		for _, sp := range spans {
			if sp.hi > *hi {
				hi = &sp.hi
			}
		}
	}
	return lo, hi, gaps, nil
}

// forbiddenBy reads what a schema's `not` forbids: enum values (KindForbiddenValues), and
// patterns that are one literal text, a prefix when anchored with ^ (KindForbiddenPrefixes),
// else anywhere in the value (KindForbiddenSubstrings). `not` holds one such schema, or an
// anyOf of them.
func forbiddenBy(not *openapi3.SchemaRef, where string) (map[Kind][]string, error) {
	out := map[Kind][]string{}
	if not == nil || not.Value == nil {
		return out, nil
	}
	branches := []*openapi3.Schema{not.Value}
	if len(not.Value.AnyOf) > 0 {
		branches = branches[:0]
		for _, b := range not.Value.AnyOf {
			branches = append(branches, b.Value)
		}
	}
	for _, b := range branches {
		switch {
		case b == nil:
		case len(b.Enum) > 0:
			for _, v := range b.Enum {
				out[KindForbiddenValues] = append(out[KindForbiddenValues], fmt.Sprint(v))
			}
		case b.Pattern != "":
			lit, anchored, ok := literalPattern(b.Pattern)
			if !ok {
				return nil, loadErr(ErrCodeBadExtension, where+".not", "pattern %q is not one literal text (optionally anchored with ^)", b.Pattern)
			}
			k := KindForbiddenSubstrings
			if anchored {
				k = KindForbiddenPrefixes
			}
			out[k] = append(out[k], lit)
		default:
			return nil, loadErr(ErrCodeBadExtension, where+".not", "a branch of not must be an enum or a pattern")
		}
	}
	return out, nil
}

// literalPattern reads a pattern that is one literal text, optionally preceded by ^.
func literalPattern(pattern string) (lit string, anchored bool, ok bool) {
	rest, anchored := strings.CutPrefix(pattern, "^")
	re, err := syntax.Parse(rest, syntax.Perl)
	if err != nil || re.Op != syntax.OpLiteral || re.Flags&syntax.FoldCase != 0 {
		return "", false, false
	}
	return string(re.Rune), anchored, true
}

// flatList reads a list parameter described by its flattened names: an object whose
// properties are the wire names of every entry (Tag.1.Key, Tag.1.Value, ..., Tag.20.Value),
// with x-rpc-list giving the format, the first index, the number of entries and the entry
// schema by name (components/schemas). The properties must be exactly the flattened names of
// the entries, each the entry's field schema: what a generic tool sends and what the model
// reads cannot drift.
func (b *builder) flatList(p *Parameter, sch *openapi3.Schema, exts map[string]any, inferred []string, codes map[string]string, where string) error {
	var lx struct {
		Item     string `json:"item"`
		MaxItems int    `json:"maxItems"`
	}
	if _, err := ext(exts, "x-rpc-list", &lx); err != nil || lx.Item == "" || lx.MaxItems <= 0 {
		return &LoadError{Code: ErrCodeBadExtension, Where: where + ".x-rpc-list", Msg: "a list described by its flattened names needs item (an entry schema's name) and maxItems", Err: err}
	}
	entry := b.doc.Components.Schemas[lx.Item]
	if entry == nil || entry.Value == nil {
		return loadErr(ErrCodeUnknownName, where+".x-rpc-list.item", "components/schemas has no %q", lx.Item)
	}
	max := float64(lx.MaxItems)
	array := &openapi3.Schema{Type: &openapi3.Types{"array"}, MaxItems: openapi3.Ptr(uint64(max)), Items: entry}
	if err := b.list(p, array, exts, inferred, codes, where); err != nil {
		return err
	}
	p.Type = "array" // the model's view: a list, as the page has it
	want := map[string]string{}
	for n := p.List.FirstIndex; n < p.List.FirstIndex+lx.MaxItems; n++ {
		for name, ref := range entry.Value.Properties {
			want[p.List.WireName(n, name)] = ref.Ref
		}
	}
	for name, ref := range sch.Properties {
		r, ok := want[name]
		if !ok {
			return loadErr(ErrCodeBadExtension, where+".schema.properties", "%q is not the flattened name of an entry field", name)
		}
		if r != ref.Ref {
			return loadErr(ErrCodeBadExtension, where+".schema.properties."+name, "refers to %q, not to the entry field's schema %q", ref.Ref, r)
		}
		delete(want, name)
	}
	for name := range want {
		return loadErr(ErrCodeBadExtension, where+".schema.properties", "the flattened name %q is missing", name)
	}
	return nil
}

func (b *builder) list(p *Parameter, sch *openapi3.Schema, exts map[string]any, inferred []string, codes map[string]string, where string) error {
	var lx struct {
		Format     string `json:"format"`
		FirstIndex int    `json:"firstIndex"`
	}
	if ok, err := ext(exts, "x-rpc-list", &lx); !ok || err != nil || !strings.Contains(lx.Format, "{n}") || !strings.Contains(lx.Format, "{field}") {
		return &LoadError{Code: ErrCodeBadExtension, Where: where + ".x-rpc-list", Msg: "an array parameter needs x-rpc-list with {n} and {field} in its format", Err: err}
	}
	l := &List{Format: lx.Format, FirstIndex: lx.FirstIndex}
	quoted := regexp.QuoteMeta(lx.Format)
	quoted = strings.Replace(quoted, `\{n\}`, `([^.]*)`, 1)
	quoted = strings.Replace(quoted, `\{field\}`, `(.*)`, 1)
	l.re = regexp.MustCompile("^" + quoted + "$")
	l.form = newListForm(lx.Format)
	if sch.MaxItems != nil {
		l.MaxItems = int(*sch.MaxItems)
		c := Constraint{Kind: KindMaxItems, Int: int64(*sch.MaxItems), Basis: Documented, Outcome: Outcome{Code: codes[string(KindMaxItems)]}}
		if p.Source != SourceSeed || slices.Contains(inferred, string(KindMaxItems)) {
			c.Basis = Inferred
		}
		p.Constraints = append(p.Constraints, c)
	}
	if sch.Items == nil || sch.Items.Value == nil {
		return loadErr(ErrCodeBadExtension, where, "list parameter without item schema")
	}
	item := sch.Items.Value
	for _, name := range sortedKeys(item.Properties) {
		prop := item.Properties[name].Value
		f := &Parameter{Name: name, Path: p.Name + "." + name, Required: slices.Contains(item.Required, name), Source: p.Source}
		f.Reference, _ = prop.Extensions["x-reference"].(string)
		missing, _ := prop.Extensions["x-missing-state"].(string)
		f.MissingState = StateName(missing)
		fcodes := map[string]string{}
		if err := optional(prop.Extensions, "x-violation-codes", where+"."+name, &fcodes); err != nil {
			return err
		}
		if err := b.fill(f, prop, prop.Extensions, inferred, fcodes, where+"."+name); err != nil {
			return err
		}
		f.RequiredBasis = p.RequiredBasis
		l.Fields = append(l.Fields, f)
	}
	// Keep the fields in the order the description's item schema lists them in required first.
	p.List = l
	return nil
}

func (b *builder) rules() error {
	if err := b.need("x-rules", &b.s.Rules); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, r := range b.s.Rules {
		if r.ID == "" || seen[r.ID] {
			return loadErr(ErrCodeBadExtension, "x-rules", "rule id %q is empty or repeated", r.ID)
		}
		seen[r.ID] = true
		switch r.Kind {
		case RuleRequires, RuleOneOf, RuleExclusive, RuleUniqueValue, RuleDistinct, RuleEffectiveOnlyWhen:
		default:
			return loadErr(ErrCodeBadExtension, "x-rules."+r.ID, "unknown rule kind %q", r.Kind)
		}
		// A rule without the names its kind reads would never fire, silently.
		switch {
		case r.Kind == RuleRequires && (len(r.When) == 0 || len(r.Require) == 0),
			r.Kind == RuleEffectiveOnlyWhen && (len(r.When) == 0 || len(r.Params) == 0),
			(r.Kind == RuleOneOf || r.Kind == RuleExclusive || r.Kind == RuleDistinct) && len(r.Params) < 2:
			return loadErr(ErrCodeBadExtension, "x-rules."+r.ID, "a %s rule lacks the parameters it needs", r.Kind)
		}
	}
	return nil
}

func (b *builder) catalogue() error {
	if err := b.need("x-errors", &b.s.Errors); err != nil {
		return err
	}
	if err := b.need("x-gateway-errors", &b.s.GatewayErrors); err != nil {
		return err
	}
	for i := range b.s.GatewayErrors {
		b.s.GatewayErrors[i].Gateway = true
	}
	if _, err := ext(b.doc.Extensions, "x-neighbour-errors", &b.s.NeighbourErrors); err != nil {
		return &LoadError{Code: ErrCodeBadExtension, Where: "x-neighbour-errors", Msg: "malformed", Err: err}
	}
	for _, e := range b.s.NeighbourErrors {
		if e.Trigger.Kind != TriggerNeighbour || e.Trigger.State == "" {
			return loadErr(ErrCodeBadExtension, "x-neighbour-errors."+e.Code, "a neighbour error needs a trigger of kind %q with a state", TriggerNeighbour)
		}
	}
	for _, list := range [][]ErrorCode{b.s.Errors, b.s.GatewayErrors, b.s.NeighbourErrors} {
		for _, e := range list {
			if e.Code == "" || e.Status < 400 || e.Status > 599 {
				return loadErr(ErrCodeBadExtension, "x-errors", "entry %q needs a code and a 4xx/5xx status", e.Code)
			}
			if _, dup := b.s.errors[e.Code]; dup {
				return loadErr(ErrCodeBadExtension, "x-errors", "code %q is listed twice", e.Code)
			}
			b.s.errors[e.Code] = e
		}
	}
	return nil
}

func (b *builder) misc() error {
	var err error
	if b.s.States, err = named(b, "x-states", func(st *State, name string) { st.Name = name }); err != nil {
		return err
	}
	if b.s.Scenarios, err = named(b, "x-scenarios", func(sc *Scenario, name string) { sc.Name = name }); err != nil {
		return err
	}
	for _, sc := range b.s.Scenarios {
		if sc.Setting == "duration" {
			if _, err := time.ParseDuration(sc.Default); err != nil {
				return &LoadError{Code: ErrCodeBadExtension, Where: "x-scenarios." + sc.Name, Msg: "default is not a duration", Err: err}
			}
		}
	}
	if b.s.Quotas, err = named(b, "x-quotas", func(q *Quota, name string) { q.Name = name }); err != nil {
		return err
	}
	for _, st := range b.s.States {
		if !validBasis(st.Basis) {
			return loadErr(ErrCodeBadExtension, "x-states."+st.Name, "basis must be documented or inferred, got %q", st.Basis)
		}
	}
	for _, q := range b.s.Quotas {
		if !validBasis(q.Basis) {
			return loadErr(ErrCodeBadExtension, "x-quotas."+q.Name, "basis must be documented or inferred, got %q", q.Basis)
		}
	}
	return nil
}

func validBasis(b Basis) bool { return b == Documented || b == Inferred }

// need decodes a top-level extension the description must have.
func (b *builder) need(key string, out any) error {
	if ok, err := ext(b.doc.Extensions, key, out); !ok || err != nil {
		return &LoadError{Code: ErrCodeBadExtension, Where: key, Msg: "missing or malformed", Err: err}
	}
	return nil
}

// optional decodes an extension that the place where may carry.
func optional(exts map[string]any, key, where string, out any) error {
	if _, err := ext(exts, key, out); err != nil {
		return &LoadError{Code: ErrCodeBadExtension, Where: where + "." + key, Msg: "malformed", Err: err}
	}
	return nil
}

// named decodes a top-level extension that maps names to entries and returns the entries in
// name order, each told its name.
func named[T any](b *builder, key string, setName func(*T, string)) ([]T, error) {
	m := map[string]T{}
	if err := b.need(key, &m); err != nil {
		return nil, err
	}
	var out []T
	for _, name := range sortedKeys(m) {
		v := m[name]
		setName(&v, name)
		out = append(out, v)
	}
	return out, nil
}

// outcomeFor builds the expectation when constraint kind k, whose own basis is basis, is broken
// and the description names code (or no code: the kind's default). The direction (the request
// must be refused) has the constraint's basis; the code is documented only when the constraint
// is, the page lists the code and its trigger is stated by the page.
func (b *builder) outcomeFor(code string, k Kind, basis Basis, where string) (Outcome, error) {
	if code == "" {
		o := b.s.defaultOutcome(k)
		if !o.Either {
			o.DirectionBasis = basis
		}
		return o, nil
	}
	e, ok := b.s.errors[code]
	if !ok {
		return Outcome{}, loadErr(ErrCodeUnknownName, where, "code %q is not in x-errors or x-gateway-errors", code)
	}
	o := e.Outcome()
	if basis == Inferred {
		o.Basis = Inferred
	}
	o.DirectionBasis = basis
	return o, nil
}

func (b *builder) resolveOutcomes() error {
	resolve := func(p *Parameter, where string) error {
		for i := range p.Constraints {
			c := &p.Constraints[i]
			o, err := b.outcomeFor(c.Outcome.Code, c.Kind, c.Basis, where+"."+string(c.Kind))
			if err != nil {
				return err
			}
			c.Outcome = o
		}
		o, err := b.outcomeFor(p.RequiredResult.Code, KindRequired, p.RequiredBasis, where+".required")
		if err != nil {
			return err
		}
		p.RequiredResult = o
		return nil
	}
	for _, op := range b.s.Operations {
		for _, p := range op.Parameters {
			if err := resolve(p, op.Action+"."+p.Name); err != nil {
				return err
			}
			if p.List != nil {
				for _, f := range p.List.Fields {
					if err := resolve(f, op.Action+"."+f.Path); err != nil {
						return err
					}
				}
			}
		}
	}
	for i := range b.s.Rules {
		r := &b.s.Rules[i]
		o, err := b.outcomeFor(r.Code, KindRule, r.Basis, "x-rules."+r.ID)
		if err != nil {
			return err
		}
		r.Outcome = o
	}
	return nil
}

// crossCheck makes sure every name a rule, trigger or scenario uses exists.
func (b *builder) crossCheck() error {
	if err := b.crossCheckRules(); err != nil {
		return err
	}
	states, err := b.crossCheckStates()
	if err != nil {
		return err
	}
	for _, e := range b.s.Errors {
		if err := b.crossCheckTrigger(e, states); err != nil {
			return err
		}
	}
	return b.crossCheckQuotas()
}

// crossCheckRules checks that every rule names parameters and list fields the operation has.
func (b *builder) crossCheckRules() error {
	op := b.s.UnderTest
	known := func(name string) bool { return op.Lookup(name) != nil }
	for _, r := range b.s.Rules {
		names := append(append(append([]string{}, r.Require...), r.Params...), r.List)
		for _, c := range r.When {
			names = append(names, c.Param)
		}
		for _, n := range names {
			if n != "" && !known(n) {
				return loadErr(ErrCodeUnknownName, "x-rules."+r.ID, "names parameter %q, which the operation does not have", n)
			}
		}
		if r.Kind == RuleUniqueValue || r.List != "" || r.Field != "" {
			// Validate reads the field of every entry; a missing list or field must fail here.
			if p := op.Param(r.List); p == nil || p.List == nil || p.List.Field(r.Field) == nil {
				return loadErr(ErrCodeUnknownName, "x-rules."+r.ID, "names list field %q of %q, which the operation does not have", r.Field, r.List)
			}
		}
	}
	return nil
}

// crossCheckStates checks the parameters that states and scenarios name, and returns the
// set of state names.
func (b *builder) crossCheckStates() (map[string]bool, error) {
	known := func(name string) bool { return b.s.UnderTest.Lookup(name) != nil }
	states := map[string]bool{}
	for _, st := range b.s.States {
		states[st.Name] = true
		for _, p := range st.Params {
			if !known(p) {
				return nil, loadErr(ErrCodeUnknownName, "x-states."+st.Name, "names parameter %q, which the operation does not have", p)
			}
		}
	}
	for _, p := range b.s.UnderTest.Parameters {
		ps := []*Parameter{p}
		if p.List != nil {
			ps = append(ps, p.List.Fields...)
		}
		for _, q := range ps {
			if q.MissingState != "" && !states[string(q.MissingState)] {
				return nil, loadErr(ErrCodeUnknownName, q.Path+".x-missing-state", "names state %q, which x-states does not have", q.MissingState)
			}
		}
	}
	for _, sc := range b.s.Scenarios {
		if !states[sc.State] {
			return nil, loadErr(ErrCodeUnknownName, "x-scenarios."+sc.Name, "names state %q, which x-states does not have", sc.State)
		}
		for _, p := range sc.Parameters {
			if !known(p) {
				return nil, loadErr(ErrCodeUnknownName, "x-scenarios."+sc.Name, "names parameter %q, which the operation does not have", p)
			}
		}
	}
	return states, nil
}

// crossCheckTrigger checks that an error's trigger names a parameter and constraint, rule,
// state, scenario or quota the description has.
func (b *builder) crossCheckTrigger(e ErrorCode, states map[string]bool) error {
	t := e.Trigger
	where := "x-errors." + e.Code
	switch t.Kind {
	case TriggerParameter:
		p := b.s.UnderTest.Lookup(t.Parameter)
		if p == nil {
			return loadErr(ErrCodeUnknownName, where, "trigger names parameter %q, which the operation does not have", t.Parameter)
		}
		for _, k := range t.Violations {
			if k == KindRequired || k == KindMaxItems {
				continue
			}
			if _, ok := p.Constraint(k); !ok {
				return loadErr(ErrCodeUnknownName, where, "trigger names constraint %q, which %s does not have", k, t.Parameter)
			}
		}
	case TriggerRule:
		if _, ok := b.s.Rule(t.Rule); !ok {
			return loadErr(ErrCodeUnknownName, where, "trigger names rule %q, which x-rules does not have", t.Rule)
		}
	case TriggerState, TriggerScenario:
		if !states[t.State] {
			return loadErr(ErrCodeUnknownName, where, "trigger names state %q, which x-states does not have", t.State)
		}
		if t.Kind == TriggerScenario {
			if _, ok := b.s.Scenario(ScenarioName(t.Scenario)); !ok {
				return loadErr(ErrCodeUnknownName, where, "trigger names scenario %q, which x-scenarios does not have", t.Scenario)
			}
		}
	case TriggerQuota:
		if _, ok := b.s.Quota(QuotaName(t.Quota)); !ok {
			return loadErr(ErrCodeUnknownName, where, "trigger names quota %q, which x-quotas does not have", t.Quota)
		}
	case TriggerUnreachable:
		if strings.TrimSpace(t.Reason) == "" {
			return loadErr(ErrCodeBadExtension, where, "an unreachable code needs a written reason")
		}
	default:
		return loadErr(ErrCodeBadExtension, where, "unknown trigger kind %q", t.Kind)
	}
	if t.State != "" && !states[t.State] {
		return loadErr(ErrCodeUnknownName, where, "trigger names state %q, which x-states does not have", t.State)
	}
	return nil
}

// crossCheckQuotas checks that the codes of every quota are in the catalogue.
func (b *builder) crossCheckQuotas() error {
	for _, q := range b.s.Quotas {
		for _, c := range []string{q.Code, q.MultiACLCode} {
			if _, ok := b.s.errors[c]; c != "" && !ok {
				return loadErr(ErrCodeUnknownName, "x-quotas."+q.Name, "code %q is not in x-errors", c)
			}
		}
	}
	return nil
}

// Lookup finds a parameter by path: a wire name, or "List.Field" for a list field.
func (o *Operation) Lookup(path string) *Parameter {
	if p := o.Param(path); p != nil {
		return p
	}
	base, field, ok := strings.Cut(path, ".")
	if !ok || o.Param(base) == nil || o.Param(base).List == nil {
		return nil
	}
	return o.Param(base).List.Field(field)
}

func (b *builder) checkNames() error {
	for _, a := range requiredActions {
		if b.s.byAction[a] == nil {
			return loadErr(ErrCodeMissingName, "paths", "Go code relies on operation %q, which the description lacks", a)
		}
	}
	params := map[string]bool{}
	fields := map[string]bool{}
	for _, op := range b.s.Operations {
		for _, p := range op.Parameters {
			params[p.Name] = true
		}
		for _, f := range op.Response {
			fields[f.Name] = true
		}
	}
	params[ParamAction], params[ParamVersion] = true, true
	for _, p := range requiredParams {
		if !params[p] {
			return loadErr(ErrCodeMissingName, "parameters", "Go code relies on parameter %q, which the description lacks", p)
		}
	}
	for _, name := range sortedKeys(b.doc.Components.Schemas) {
		collectFields(b.doc.Components.Schemas[name].Value, fields, 0)
	}
	for _, op := range b.s.Operations {
		if resp := op.openapi.Responses.Value("200"); resp != nil && resp.Value != nil {
			if mt := resp.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
				collectFields(mt.Schema.Value, fields, 0)
			}
		}
	}
	for _, f := range requiredFields {
		if !fields[f] {
			return loadErr(ErrCodeMissingName, "responses", "Go code relies on response field %q, which the description lacks", f)
		}
	}
	for list, fs := range requiredListFields {
		p := b.s.UnderTest.Param(list)
		for _, f := range fs {
			if p == nil || p.List == nil || p.List.Field(f) == nil {
				return loadErr(ErrCodeMissingName, "parameters."+list, "Go code relies on list field %q, which the description lacks", f)
			}
		}
	}
	for _, c := range requiredCommon {
		if !slices.Contains(b.s.Wire.CommonParameters, c) {
			return loadErr(ErrCodeMissingName, "x-wire.commonParameters", "Go code relies on common parameter %q, which the description lacks", c)
		}
	}
	return nil
}

// collectFields records every property name of a schema, nested objects and array items too.
func collectFields(sch *openapi3.Schema, into map[string]bool, depth int) {
	if sch == nil || depth > 8 {
		return
	}
	for name, ref := range sch.Properties {
		into[name] = true
		collectFields(ref.Value, into, depth+1)
	}
	if sch.Items != nil {
		collectFields(sch.Items.Value, into, depth+1)
	}
}
