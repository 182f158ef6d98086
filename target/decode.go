package target

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/clbcheck/clbcheck/spec"
)

// MaxBody is the largest answer body read; longer bodies are cut and flagged.
const MaxBody = 4 << 20

// Decode fills the decoded fields of r from its body and content type. It never panics: a
// malformed body, an unexpected type or an oversized answer becomes DecodeErr.
func Decode(r *Response) {
	r.Fields = nil
	body := bytes.TrimSpace(r.Body)
	if len(body) == 0 {
		r.DecodeErr = fmt.Errorf("empty body")
		return
	}
	switch {
	case body[0] == '{':
		decodeJSON(r, body)
	case body[0] == '<':
		decodeXML(r, body)
	default:
		r.DecodeErr = fmt.Errorf("body is neither JSON nor XML (starts with %q)", string(body[:min(len(body), 16)]))
	}
}

func decodeJSON(r *Response, body []byte) {
	if m, ok := fastJSON(body); ok {
		r.Fields = m
		readStrings(r)
		return
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		r.DecodeErr = fmt.Errorf("malformed JSON: %w", err)
		return
	}
	r.Fields = m
	readStrings(r)
}

// readStrings copies the envelope fields, insisting that each one is a string.
func readStrings(r *Response) {
	var bad []string
	get := func(name string) string {
		v, ok := r.Fields[name]
		if !ok || v == nil {
			return ""
		}
		s, ok := v.(string)
		if !ok {
			bad = append(bad, fmt.Sprintf("%s is %T, not a string", name, v))
			return fmt.Sprint(v)
		}
		return s
	}
	r.Code = get(spec.FieldCode)
	r.Message = get(spec.FieldMessage)
	r.RequestID = get(spec.FieldRequestID)
	r.HostID = get(spec.FieldHostID)
	r.Recommend = get(spec.FieldRecommend)
	if d, ok := r.Fields[spec.FieldAccessDeniedDetail]; ok && d != nil {
		if _, isObj := d.(map[string]any); !isObj {
			bad = append(bad, fmt.Sprintf("%s is %T, not an object", spec.FieldAccessDeniedDetail, d))
		}
	}
	if len(bad) > 0 && r.DecodeErr == nil {
		r.DecodeErr = fmt.Errorf("envelope fields of the wrong type: %s", strings.Join(bad, "; "))
	}
}

// XMLRootField is the field of an XML answer's Fields that holds the name of its root element.
const XMLRootField = "_root"

// decodeXML reads an XML answer into nested maps: repeated children become lists.
func decodeXML(r *Response, body []byte) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	type frame struct {
		name string
		m    map[string]any
		text strings.Builder
	}
	var stack []*frame
	var root *frame
	for depth := 0; ; {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			r.DecodeErr = fmt.Errorf("malformed XML: %w", err)
			return
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				r.DecodeErr = fmt.Errorf("malformed XML: a second root element <%s> after <%s>", t.Name.Local, root.name)
				return
			}
			depth++
			if depth > 32 {
				r.DecodeErr = fmt.Errorf("XML nested deeper than 32 levels")
				return
			}
			f := &frame{name: t.Name.Local, m: map[string]any{}}
			if root == nil {
				root = f
			}
			stack = append(stack, f)
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		case xml.EndElement:
			depth--
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			var v any = f.m
			if len(f.m) == 0 {
				v = strings.TrimSpace(f.text.String())
			}
			if len(stack) > 0 {
				parent := stack[len(stack)-1].m
				if prev, ok := parent[f.name]; ok {
					if list, isList := prev.([]any); isList {
						parent[f.name] = append(list, v)
					} else {
						parent[f.name] = []any{prev, v}
					}
				} else {
					parent[f.name] = v
				}
			} else {
				root.m = f.m
			}
		}
	}
	if root == nil {
		r.DecodeErr = fmt.Errorf("XML without a root element")
		return
	}
	r.Fields = root.m
	r.Fields[XMLRootField] = root.name
	readStrings(r)
}
