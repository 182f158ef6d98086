package contracts

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"sync"

	"github.com/clbcheck/clbcheck/referee"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// ReadBack compares the attributes of a listener read back (fields of a JSON Describe answer)
// with the parameters that created it, by meaning: an integer sent as "+1" or "01" is 1, and
// must be read back as the JSON number 1; a parameter sent empty and accepted may have been
// read as absent, so its default, nothing or an empty value all conform; an attribute never
// sent may be absent or read back empty (a warning under the documented profile when the page
// states its default, since nothing then shows the default was applied), or must hold its
// default when it shows a value. It returns one result per
// attribute that differs, with Subject naming it, each as firm as the page is about it, or one
// passing result.
func ReadBack(s *spec.Spec, sentKVs []target.KV, fields map[string]any, profile string) []CheckResult {
	get := sentValues(sentKVs)
	ignored := ignoredParams(s, get)
	var out []CheckResult
	for _, p := range readBackParams(s) {
		if ignored[p.Name] {
			continue
		}
		got, present := fields[p.Name]
		var room [2]string // a name is sent once, or not at all, almost always
		sent := appendSent(room[:0], sentKVs, p.Name)
		given := len(sent) > 0
		if !given {
			sent = append(sent, "")
		}
		// A name sent twice with different values may be read either way: any of them
		// read back conforms.
		var first CheckResult
		ok := false
		for i, v := range sent {
			r, good := readBackOne(p, v, given, got, present, profile)
			if good {
				ok = true
				break
			}
			if i == 0 {
				first = r
			}
		}
		if !ok {
			out = append(out, first)
		}
	}
	if len(out) == 0 {
		return []CheckResult{{Check: CheckListenerCreated, Verdict: Pass}}
	}
	return out
}

// readBackParams are the parameters of the operation under test that a listener read back
// shows: scalar, not common, and a field of the Describe answer. Worked out once per description.
func readBackParams(s *spec.Spec) []*spec.Parameter {
	if v, ok := readBackParamsOf.Load(s); ok {
		return v.([]*spec.Parameter)
	}
	desc := s.Operation(spec.ActionDescribeHTTPSListener)
	var ps []*spec.Parameter
	for _, p := range s.UnderTest.Parameters {
		if !p.Common && p.List == nil && !p.CommaList && desc.ResponseField(p.Name) != "" {
			ps = append(ps, p)
		}
	}
	v, _ := readBackParamsOf.LoadOrStore(s, ps)
	return v.([]*spec.Parameter)
}

var readBackParamsOf sync.Map // *spec.Spec -> []*spec.Parameter

// readBackOne judges one attribute; ok is true when it conforms.
func readBackOne(p *spec.Parameter, v string, given bool, got any, present bool, profile string) (CheckResult, bool) {
	firm := p.Source == spec.SourceSeed
	res := func(documented bool, msg, exp, act string) (CheckResult, bool) {
		return CheckResult{Check: CheckListenerCreated, Subject: p.Name, Verdict: MissVerdict(!documented, profile), Message: p.Name + ": " + msg, Expected: exp, Actual: act}, false
	}
	if present && p.IsInteger() && !isNumber(got) && got != nil {
		// The page does not cover the Describe answer; its types come from other references.
		return res(false, "an integer attribute is read back as "+typeName(got)+" (other references give JSON numbers; the page does not cover the read-back)", "a JSON number", typeName(got))
	}
	nothing := !present || isEmpty(got) // an empty value read back says no more than none
	switch {
	case given && v != "":
		want, _ := referee.Meaning(p, v)
		if !present || !sameMeaning(p, got, want) {
			return res(firm, fmt.Sprintf("sent %q, read back %s", v, show(got, present)), "the value sent", show(got, present))
		}
	case p.Default != nil && !nothing && !sameMeaning(p, got, *p.Default):
		return res(p.DefaultBasis == spec.Documented, fmt.Sprintf("default %q expected, read back %s", *p.Default, show(got, present)), "default "+strconv.Quote(*p.Default), show(got, present))
	case p.Default != nil && nothing && !given && profile == ProfileStrict:
		return res(p.DefaultBasis == spec.Documented, fmt.Sprintf("default %q expected, read back nothing", *p.Default), "default "+strconv.Quote(*p.Default), "nothing")
	case p.Default != nil && nothing && !given && p.DefaultBasis == spec.Documented:
		// Leaving an attribute never set out of Describe conforms, but then nothing shows
		// that the default the page states was applied: a warning, never a failure.
		return res(false, fmt.Sprintf("default %q expected, read back nothing (nothing shows the default the page states was applied)", *p.Default), "default "+strconv.Quote(*p.Default), "nothing")
	}
	return CheckResult{}, true
}

// appendSent appends every value sent for a name to out, raw ones decoded as a server reads
// them.
func appendSent(out []string, kvs []target.KV, name string) []string {
	for _, kv := range kvs {
		if kv.Name != name {
			continue
		}
		v := kv.Value
		if kv.Raw {
			if dv, err := url.QueryUnescape(v); err == nil {
				v = dv
			}
		}
		out = append(out, v)
	}
	return out
}

// sentValues returns a lookup of the values sent, raw ones decoded as a server reads them.
func sentValues(kvs []target.KV) func(string) (string, bool) {
	return func(name string) (string, bool) {
		for _, kv := range kvs {
			if kv.Name != name {
				continue
			}
			if kv.Raw {
				if dv, err := url.QueryUnescape(kv.Value); err == nil {
					return dv, true
				}
			}
			return kv.Value, true
		}
		return "", false
	}
}

// ignoredParams are the parameters a rule says take effect only under a premise that does not
// hold: the service may drop them.
func ignoredParams(s *spec.Spec, get func(string) (string, bool)) map[string]bool {
	ignored := map[string]bool{}
	for _, rule := range s.Rules {
		if rule.Kind == spec.RuleEffectiveOnlyWhen && !rule.Premise(get) {
			for _, p := range rule.Params {
				ignored[p] = true
			}
		}
	}
	return ignored
}

// sameMeaning compares a value read back with the value meant, both as the page reads them
// (referee.Meaning: integers as integers, a list of status classes as a set).
func sameMeaning(p *spec.Parameter, got any, want string) bool {
	g := str(got)
	if m, ok := referee.Meaning(p, g); ok {
		g = m
	}
	if m, ok := referee.Meaning(p, want); ok {
		want = m
	}
	return g == want
}

func isNumber(v any) bool {
	switch v.(type) {
	case json.Number, float64, int, int64:
		return true
	}
	return false
}

func isEmpty(v any) bool { return v == nil || str(v) == "" }

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}
