package sdkcheck

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// The shape comparison: every key of an answer against the official Go SDK's typed response,
// by reflection on the struct's json and xml tags. It finds what the SDK's lenient decoder
// lets through or drops silently: an object where the struct has a plain array (or the
// reverse), a string where it has a number (or the reverse), a key that differs only in case,
// a key the struct lacks. Every struct path an answer fills is recorded, so that fields the
// struct declares and no answer ever sent can be listed.

// ShapeProblem is one difference between an answer and the struct.
type ShapeProblem struct {
	Path string `json:"path"`
	What string `json:"what"`
}

func (p ShapeProblem) String() string { return p.Path + ": " + p.What }

// shapeWalk compares one answer with a struct type and records the paths it fills.
type shapeWalk struct {
	problems []ShapeProblem
	// extra are the fields the SDK has no place for: it ignores them, so they break nothing,
	// but an emulator that sends one has likely misnamed a field.
	extra []ShapeProblem
	sent  map[string]bool
}

func (w *shapeWalk) bad(path, format string, a ...any) {
	w.problems = append(w.problems, ShapeProblem{Path: path, What: fmt.Sprintf(format, a...)})
}

func (w *shapeWalk) unknown(path, format string, a ...any) {
	w.extra = append(w.extra, ShapeProblem{Path: path, What: fmt.Sprintf(format, a...)})
}

// fieldByTag finds the struct field a key names under a tag (json or xml), and, when none
// does, a field whose name differs only in case.
func fieldByTag(t reflect.Type, tag, key string) (f reflect.StructField, exact, folded bool) {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.Anonymous || !sf.IsExported() {
			continue
		}
		name := tagName(sf, tag)
		if name == key {
			return sf, true, false
		}
		if strings.EqualFold(name, key) {
			f, folded = sf, true
		}
	}
	return f, false, folded
}

func tagName(sf reflect.StructField, tag string) string {
	name, _, _ := strings.Cut(sf.Tag.Get(tag), ",")
	if name == "" {
		name = sf.Name
	}
	return name
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func isNumberKind(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// decodeJSON reads a JSON document keeping numbers as json.Number.
func decodeJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// json compares a decoded JSON value with a type.
func (w *shapeWalk) json(path string, v any, t reflect.Type) {
	w.sent[path] = true
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			w.bad(path, "the SDK reads an object here, the answer has %s", kindOf(v))
			return
		}
		for _, k := range sortedKeys(m) {
			f, exact, folded := fieldByTag(t, "json", k)
			switch {
			case exact:
				w.json(join(path, k), m[k], f.Type)
			case folded:
				w.bad(join(path, k), "the SDK reads %q (the name differs in case)", tagName(f, "json"))
			default:
				w.unknown(join(path, k), "the SDK struct %s has no such field", t.Name())
			}
		}
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			w.bad(path, "the SDK reads a plain array here, the answer has %s", kindOf(v))
			return
		}
		for _, item := range list {
			w.json(path+"[]", item, t.Elem())
		}
	case reflect.Map, reflect.Interface:
		if _, ok := v.(map[string]any); !ok && t.Kind() == reflect.Map {
			w.bad(path, "the SDK reads an object here, the answer has %s", kindOf(v))
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			w.bad(path, "the SDK reads a string here, the answer has %s", kindOf(v))
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			w.bad(path, "the SDK reads a boolean here, the answer has %s", kindOf(v))
		}
	default:
		if !isNumberKind(t.Kind()) {
			return
		}
		n, ok := v.(json.Number)
		if !ok {
			w.bad(path, "the SDK reads a number here, the answer has %s", kindOf(v))
			return
		}
		if _, err := n.Int64(); err != nil && t.Kind() != reflect.Float32 && t.Kind() != reflect.Float64 {
			w.bad(path, "the SDK reads an integer here, the answer has %s", n)
		}
	}
}

func kindOf(v any) string {
	switch t := v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return fmt.Sprintf("a string (%q)", truncate(t))
	case json.Number:
		return "a number (" + t.String() + ")"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// xmlNode is an element of an XML answer.
type xmlNode struct {
	name     string
	text     string
	children []*xmlNode
}

// parseXML reads an XML document into its root element.
func parseXML(body []byte) (*xmlNode, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{name: t.Name.Local}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.children = append(top.children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	return root, nil
}

// xml compares the children of an element with a struct type.
func (w *shapeWalk) xml(path string, n *xmlNode, t reflect.Type) {
	w.sent[path] = true
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		counts := map[string]int{}
		for _, c := range n.children {
			counts[c.name]++
		}
		for _, c := range n.children {
			f, exact, folded := fieldByTag(t, "xml", c.name)
			switch {
			case exact && f.Type.Kind() == reflect.Slice:
				w.xmlItem(join(path, c.name)+"[]", c, f.Type.Elem())
			case exact:
				if counts[c.name] > 1 {
					w.bad(join(path, c.name), "repeated %d times, the SDK reads one value", counts[c.name])
				}
				w.xml(join(path, c.name), c, f.Type)
			case folded:
				w.bad(join(path, c.name), "the SDK reads <%s> (the name differs in case)", tagName(f, "xml"))
			default:
				w.unknown(join(path, c.name), "the SDK struct %s has no such element", t.Name())
			}
		}
	case reflect.Slice:
		w.bad(path, "an array reached without a field")
	case reflect.Map, reflect.Interface:
	default:
		w.xmlLeaf(path, n, t)
	}
}

// xmlItem is one element of a plain array: a struct item, or a leaf for a list of scalars.
func (w *shapeWalk) xmlItem(path string, n *xmlNode, t reflect.Type) {
	if t.Kind() == reflect.Struct {
		w.xml(path, n, t)
		return
	}
	w.sent[path] = true
	w.xmlLeaf(path, n, t)
}

func (w *shapeWalk) xmlLeaf(path string, n *xmlNode, t reflect.Type) {
	if len(n.children) > 0 {
		w.bad(path, "the SDK reads a %s here, the answer has nested elements", t.Kind())
		return
	}
	text := strings.TrimSpace(n.text)
	switch {
	case t.Kind() == reflect.Bool:
		if _, err := strconv.ParseBool(text); err != nil {
			w.bad(path, "the SDK reads a boolean here, the answer has %q", truncate(text))
		}
	case isNumberKind(t.Kind()):
		if _, err := strconv.ParseFloat(text, 64); err != nil {
			w.bad(path, "the SDK reads a number here, the answer has %q", truncate(text))
		}
	}
}

// declaredPaths lists the paths of every field a type declares, nested structs and array
// items included ("Listeners[].HTTPSListenerConfig.Gzip").
func declaredPaths(t reflect.Type, tag string) []string {
	var out []string
	var walk func(path string, t reflect.Type, depth int)
	walk = func(path string, t reflect.Type, depth int) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if depth > 8 {
			return
		}
		switch t.Kind() {
		case reflect.Struct:
			for i := 0; i < t.NumField(); i++ {
				sf := t.Field(i)
				if sf.Anonymous || !sf.IsExported() {
					continue
				}
				p := join(path, tagName(sf, tag))
				out = append(out, p)
				walk(p, sf.Type, depth+1)
			}
		case reflect.Slice:
			if t.Elem().Kind() == reflect.Struct {
				walk(path+"[]", t.Elem(), depth+1)
			}
		}
	}
	walk(path0, t, 0)
	sort.Strings(out)
	return out
}

const path0 = ""

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ShapeDescriptors describes the classic SDK's typed response of every operation it models,
// by action, for clients that read answers as plain JSON (the Node lifecycle compares with
// them): {"kind":"object","fields":{...}}, {"kind":"array","item":...}, "string", "number",
// "boolean" or "map".
func ShapeDescriptors() map[string]any {
	out := map[string]any{}
	for action, m := range sdkModels {
		out[action] = describeType(reflect.TypeOf(m.response()).Elem(), 0)
	}
	return out
}

func describeType(t reflect.Type, depth int) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case depth > 10:
		return map[string]any{"kind": "map"}
	case t.Kind() == reflect.Struct:
		fields := map[string]any{}
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if sf.Anonymous || !sf.IsExported() {
				continue
			}
			fields[tagName(sf, "json")] = describeType(sf.Type, depth+1)
		}
		return map[string]any{"kind": "object", "fields": fields}
	case t.Kind() == reflect.Slice:
		return map[string]any{"kind": "array", "item": describeType(t.Elem(), depth+1)}
	case t.Kind() == reflect.Map || t.Kind() == reflect.Interface:
		return map[string]any{"kind": "map"}
	case t.Kind() == reflect.String:
		return map[string]any{"kind": "string"}
	case t.Kind() == reflect.Bool:
		return map[string]any{"kind": "boolean"}
	default:
		return map[string]any{"kind": "number"}
	}
}
