package referee

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/clbcheck/clbcheck/spec"
)

// scalarFindings judges the parameters that are not lists: how each value is spelled
// (plain.go), then the OpenAPI keywords with kin-openapi, then the x- constraints.
func (r *Referee) scalarFindings(first map[string]string) []Finding {
	var out []Finding
	var handed []handedValue // what kin-openapi is given: the value each parameter stands for
	for _, p := range r.op.Parameters {
		if p.List != nil {
			continue
		}
		v, ok := first[p.Name]
		if !ok {
			continue
		}
		f, value, judge := spelling(p, v)
		if f != nil {
			out = append(out, *f)
		}
		if judge {
			handed = append(handed, handedValue{p, value})
		}
	}
	out = append(out, r.kinFindingsMemo(handed, first)...)
	for _, h := range handed {
		// Only a parameter with a not has anything to judge here (notFindings says nothing of
		// the others), and only then is the value typed for it.
		if r.nots[h.p.Path] != nil {
			out = append(out, r.notFindingsMemo(h.p.Path, h.p.Name, typed(h.p, h.value), h.value)...)
		}
	}
	return out
}

// handedValue is a parameter and the value kin-openapi is given for it.
type handedValue struct {
	p     *spec.Parameter
	value string
}

// handedValues are handed values as kin-openapi reads them.
func handedValues(handed []handedValue) url.Values {
	v := make(url.Values, len(handed))
	for _, h := range handed {
		v[h.p.Name] = []string{h.value}
	}
	return v
}

// typed is a value as JSON would carry it: an integer parameter's as a number.
func typed(p *spec.Parameter, v string) any {
	if p.IsInteger() {
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			return n
		}
	}
	return v
}

// notFindings applies the not of a parameter or list field (key: its path) with kin-openapi:
// each branch the value matches is a thing the description forbids, named by the branch's
// kind: an enum forbids values, a pattern anchored with ^ a prefix, any other pattern a text
// anywhere.
func (r *Referee) notFindings(path, wire string, value any) []Finding {
	not := r.nots[path]
	if not == nil || not.Value == nil {
		return nil
	}
	branches := []*openapi3.SchemaRef{not}
	if len(not.Value.AnyOf) > 0 {
		branches = not.Value.AnyOf
	}
	var out []Finding
	for _, b := range branches {
		if b.Value == nil || b.Value.VisitJSON(value) != nil {
			continue
		}
		k := spec.KindForbiddenValues
		switch {
		case strings.HasPrefix(b.Value.Pattern, "^"):
			k = spec.KindForbiddenPrefixes
		case b.Value.Pattern != "":
			k = spec.KindForbiddenSubstrings
		}
		out = append(out, Finding{Param: path, Wire: wire, Kind: k, Value: fmt.Sprint(value), Detail: fmt.Sprintf("%s may not be %v (it matches %s)", path, value, branchText(b.Value))})
	}
	return out
}

func branchText(b *openapi3.Schema) string {
	if b.Pattern != "" {
		return "the pattern " + strconv.Quote(b.Pattern)
	}
	return fmt.Sprintf("the forbidden values %v", b.Enum)
}

// kinFindings validates the values with kin-openapi's request validation, every error
// collected, and turns each into a finding.
func (r *Referee) kinFindings(values url.Values, first map[string]string) []Finding {
	input, err := r.kinInput(values)
	if err != nil {
		return []Finding{{Kind: spec.KindType, Detail: "the request cannot be rebuilt for validation: " + err.Error()}}
	}
	return r.kinErrorFindings(openapi3filter.ValidateRequest(context.Background(), input), values, first)
}

// kinParamFindings is kinFindings for the parameters of values alone: kin-openapi validates
// each of them as its request validation does (ValidateParameter, which ValidateRequest calls
// for every parameter of the operation), and says nothing of the parameters not handed over.
// The values are handed to kin-openapi as its query parameters already decoded (what it
// reads from a request it is given), not encoded into a request it would decode again.
func (r *Referee) kinParamFindings(values url.Values, first map[string]string) []Finding {
	input := &openapi3filter.RequestValidationInput{
		Request:     kinPlaceholderRequest,
		QueryParams: values,
		Route:       r.kinRoute,
		Options:     kinOptions,
	}
	var me openapi3.MultiError
	for name := range values {
		if p := r.kinParams[name]; p != nil {
			if err := openapi3filter.ValidateParameter(context.Background(), input, p); err != nil {
				me = append(me, err)
			}
		}
	}
	if len(me) == 0 {
		return nil
	}
	return r.kinErrorFindings(me, values, first)
}

// kinInput is the request kin-openapi validates: values with the operation's Action and
// Version, on the route without list parameters, every error collected.
func (r *Referee) kinInput(values url.Values) (*openapi3filter.RequestValidationInput, error) {
	values.Set(spec.ParamAction, r.op.Action)
	values.Set(spec.ParamVersion, r.s.APIVersion)
	req, err := http.NewRequest(http.MethodGet, "http://referee.invalid/?"+values.Encode(), nil)
	if err != nil {
		return nil, err
	}
	return &openapi3filter.RequestValidationInput{Request: req, Route: r.kinRoute, Options: kinOptions}, nil
}

// kinOptions are the options of every validation: no authentication, every error collected,
// nothing added, no body.
var kinOptions = &openapi3filter.Options{
	AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
	MultiError:          true,
	SkipSettingDefaults: true,
	ExcludeRequestBody:  true,
}

// kinPlaceholderRequest stands for the request of a validation whose query parameters are
// handed over decoded; kin-openapi reads none of it then.
var kinPlaceholderRequest = &http.Request{Method: http.MethodGet, URL: &url.URL{Scheme: "http", Host: "referee.invalid", Path: "/"}, Header: http.Header{}}

// kinErrorFindings turns what kin-openapi's validation of values said into findings.
func (r *Referee) kinErrorFindings(err error, values url.Values, first map[string]string) []Finding {
	if err == nil {
		return nil
	}
	var out []Finding
	for _, e := range flatten(err) {
		var re *openapi3filter.RequestError
		if !errors.As(e, &re) || re.Parameter == nil {
			continue // not about a parameter (the route, the body): nothing the case claims
		}
		name := re.Parameter.Name
		if p := r.op.Param(name); p != nil && p.List != nil {
			continue // a list's entries are judged field by field (fieldFindings)
		}
		_, sent := first[name]
		_, handed := values[name]
		if sent && !handed {
			continue // sent, but not handed over (spelling judged it already)
		}
		k := kindOf(re, values.Get(name), sent)
		out = append(out, Finding{Param: name, Wire: name, Kind: k, Value: values.Get(name), Detail: firstLine(re.Error())})
	}
	return out
}

// flatten unpacks kin-openapi's MultiError (possibly nested) into single errors. Only an
// error that is itself a MultiError is unpacked: a RequestError wrapping one stays whole, so
// that the parameter it names is kept.
func flatten(err error) []error {
	me, ok := err.(openapi3.MultiError)
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range me {
		out = append(out, flatten(e)...)
	}
	return out
}

// kindOf maps a kin-openapi request error about a parameter to the constraint kind it
// reports, by the error's type and fields, never by its text. The referee hands kin-openapi
// only plain decimals for integers, so an integer that does not decode is out of the range
// its format holds (kin-openapi words that as a parse or anyOf failure): it is judged against
// the schema's bounds. A parameter that was not sent at all is missing, however the failure
// is worded.
func kindOf(re *openapi3filter.RequestError, value string, sent bool) spec.Kind {
	if !sent || errors.Is(re.Err, openapi3filter.ErrInvalidRequired) || errors.Is(re.Err, openapi3filter.ErrInvalidEmptyValue) {
		return spec.KindRequired
	}
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) {
		if se.SchemaField == "anyOf" {
			return boundsKind(se.Schema, value)
		}
		return schemaKind(se.SchemaField)
	}
	if re.Parameter != nil && re.Parameter.Schema != nil && re.Parameter.Schema.Value.Type.Is("integer") {
		return boundsKind(re.Parameter.Schema.Value, value)
	}
	return spec.KindType
}

// boundsKind names what an integer outside a schema's bounds breaks: its minimum or maximum,
// or, for an anyOf of ranges and enums, a forbidden value between two of them.
func boundsKind(sch *openapi3.Schema, value string) spec.Kind {
	if sch != nil && len(sch.AnyOf) == 0 {
		n, err := strconv.ParseFloat(value, 64)
		switch {
		case err != nil:
			return spec.KindType
		case sch.Min != nil && n < *sch.Min:
			return spec.KindMinimum
		case sch.Max != nil && n > *sch.Max:
			return spec.KindMaximum
		case n < 0:
			return spec.KindMinimum
		}
		return spec.KindMaximum
	}
	return rangesKind(sch, value)
}

// rangesKind names what an integer outside every branch of an anyOf of ranges and enums
// breaks: below all of them, the minimum; above all of them, the maximum; between two, a
// forbidden value.
func rangesKind(sch *openapi3.Schema, value string) spec.Kind {
	n, err := strconv.ParseFloat(value, 64)
	if err != nil || sch == nil {
		return spec.KindType
	}
	below, above := true, true
	for _, ref := range sch.AnyOf {
		b := ref.Value
		if b == nil {
			continue
		}
		lows, highs := []float64{}, []float64{}
		for _, e := range b.Enum {
			if f, ok := e.(float64); ok {
				lows, highs = append(lows, f), append(highs, f)
			}
		}
		if b.Min != nil {
			lows = append(lows, *b.Min)
		}
		if b.Max != nil {
			highs = append(highs, *b.Max)
		}
		for _, l := range lows {
			below = below && n < l
		}
		for _, h := range highs {
			above = above && n > h
		}
	}
	switch {
	case below:
		return spec.KindMinimum
	case above:
		return spec.KindMaximum
	}
	return spec.KindForbiddenValues
}

// schemaKind maps a JSON Schema keyword to the constraint kind of the model.
func schemaKind(field string) spec.Kind {
	switch field {
	case "minimum", "exclusiveMinimum":
		return spec.KindMinimum
	case "maximum", "exclusiveMaximum":
		return spec.KindMaximum
	case "minLength":
		return spec.KindMinLength
	case "maxLength":
		return spec.KindMaxLength
	case "enum":
		return spec.KindEnum
	case "pattern":
		return spec.KindPattern
	case "required":
		return spec.KindRequired
	}
	return spec.KindType
}

// fieldFindings validates one list field's value against its schema with kin-openapi.
func (r *Referee) fieldFindings(f *spec.Parameter, wire, value string) []Finding {
	sch := r.fields[f.Path]
	if sch == nil {
		return nil
	}
	out := r.notFindings(f.Path, wire, value)
	err := sch.VisitJSON(value, openapi3.MultiErrors())
	if err == nil {
		return out
	}
	for _, e := range flatten(err) {
		k := spec.KindType
		var se *openapi3.SchemaError
		if errors.As(e, &se) {
			k = schemaKind(se.SchemaField)
		}
		out = append(out, Finding{Param: f.Path, Wire: wire, Kind: k, Value: value, Detail: firstLine(e.Error())})
	}
	return out
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
