package referee

import (
	"context"
	"errors"
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
	kin := url.Values{}
	meant := map[string]string{} // the value each parameter stands for, as kin-openapi sees it
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
			kin.Set(p.Name, value)
			meant[p.Name] = value
		}
	}
	out = append(out, r.kinFindings(kin, first)...)
	for _, p := range r.op.Parameters {
		if v, ok := meant[p.Name]; ok {
			out = append(out, extensionFindings(p, p.Name, v)...)
		}
	}
	return out
}

// kinFindings validates the values with kin-openapi's request validation, every error
// collected, and turns each into a finding.
func (r *Referee) kinFindings(values url.Values, first map[string]string) []Finding {
	values.Set(spec.ParamAction, r.op.Action)
	values.Set(spec.ParamVersion, r.s.APIVersion)
	req, err := http.NewRequest(http.MethodGet, "http://referee.invalid/?"+values.Encode(), nil)
	if err != nil {
		return []Finding{{Kind: spec.KindType, Detail: "the request cannot be rebuilt for validation: " + err.Error()}}
	}
	err = openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req,
		Route:   r.route,
		Options: &openapi3filter.Options{
			AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
			MultiError:          true,
			SkipSettingDefaults: true,
			ExcludeRequestBody:  true,
		},
	})
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
		k := kindOf(re, values.Get(name))
		if _, sent := first[name]; sent && k == spec.KindRequired {
			continue // sent, but not handed over (spelling judged it): not missing
		}
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

// kindOf maps a kin-openapi request error to the constraint kind it reports, by the error's
// type and fields, never by its text.
func kindOf(re *openapi3filter.RequestError, value string) spec.Kind {
	if errors.Is(re.Err, openapi3filter.ErrInvalidRequired) || errors.Is(re.Err, openapi3filter.ErrInvalidEmptyValue) {
		return spec.KindRequired
	}
	var pe *openapi3filter.ParseError
	if errors.As(re.Err, &pe) {
		var cause *strconv.NumError
		if errors.Is(pe, strconv.ErrRange) || (errors.As(pe.Cause, &cause) && errors.Is(cause.Err, strconv.ErrRange)) || errors.Is(pe.Cause, strconv.ErrRange) {
			if strings.HasPrefix(value, "-") {
				return spec.KindMinimum
			}
			return spec.KindMaximum
		}
		return spec.KindType
	}
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) {
		return schemaKind(se.SchemaField)
	}
	return spec.KindType
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
	err := sch.VisitJSON(value, openapi3.MultiErrors())
	if err == nil {
		return nil
	}
	var out []Finding
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
