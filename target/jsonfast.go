package target

import (
	"encoding/json"
	"unicode/utf8"
)

// fastJSON reads the common shape of an answer: one JSON object of plain strings, numbers,
// literals, arrays and nested objects. It gives exactly what encoding/json's Decoder (with
// UseNumber) gives for such a body: maps, []any, json.Number, string, bool and nil, the first
// value only, anything after it ignored.
//
// It does not try to reproduce encoding/json on anything else. A string with an escape
// sequence or bytes that are not valid UTF-8, a repeated key, deep nesting or any syntax
// error makes it give up (ok false), and the caller decodes the body the standard way, which
// also words the error. Every string it returns is a slice of one copy of the body, so a
// decoded answer costs one allocation for all its text.
func fastJSON(body []byte) (m map[string]any, ok bool) {
	d := jsonScan{src: string(body)}
	m, ok = d.object(0)
	return m, ok
}

// fastJSONMaxDepth bounds the nesting the fast reader follows; deeper bodies go the slow way.
const fastJSONMaxDepth = 64

type jsonScan struct {
	src string
	pos int
}

func (d *jsonScan) skipSpace() {
	for d.pos < len(d.src) {
		switch d.src[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// object reads an object starting at '{'.
func (d *jsonScan) object(depth int) (map[string]any, bool) {
	if depth >= fastJSONMaxDepth || d.pos >= len(d.src) || d.src[d.pos] != '{' {
		return nil, false
	}
	d.pos++
	m := make(map[string]any, 8)
	d.skipSpace()
	if d.pos < len(d.src) && d.src[d.pos] == '}' {
		d.pos++
		return m, true
	}
	for {
		d.skipSpace()
		key, ok := d.str()
		if !ok {
			return nil, false
		}
		if _, dup := m[key]; dup {
			return nil, false
		}
		d.skipSpace()
		if d.pos >= len(d.src) || d.src[d.pos] != ':' {
			return nil, false
		}
		d.pos++
		d.skipSpace()
		v, ok := d.value(depth)
		if !ok {
			return nil, false
		}
		m[key] = v
		d.skipSpace()
		if d.pos >= len(d.src) {
			return nil, false
		}
		switch d.src[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return m, true
		default:
			return nil, false
		}
	}
}

func (d *jsonScan) array(depth int) ([]any, bool) {
	if depth >= fastJSONMaxDepth {
		return nil, false
	}
	d.pos++ // '['
	list := make([]any, 0)
	d.skipSpace()
	if d.pos < len(d.src) && d.src[d.pos] == ']' {
		d.pos++
		return list, true
	}
	for {
		d.skipSpace()
		v, ok := d.value(depth)
		if !ok {
			return nil, false
		}
		list = append(list, v)
		d.skipSpace()
		if d.pos >= len(d.src) {
			return nil, false
		}
		switch d.src[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return list, true
		default:
			return nil, false
		}
	}
}

// value reads any value at pos (leading space already skipped).
func (d *jsonScan) value(depth int) (any, bool) {
	if d.pos >= len(d.src) {
		return nil, false
	}
	switch c := d.src[d.pos]; {
	case c == '"':
		s, ok := d.str()
		return s, ok
	case c == '{':
		m, ok := d.object(depth + 1)
		return m, ok
	case c == '[':
		l, ok := d.array(depth + 1)
		return l, ok
	case c == '-' || '0' <= c && c <= '9':
		n, ok := d.number()
		return n, ok
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	}
	return nil, false
}

func (d *jsonScan) literal(word string) bool {
	if len(d.src)-d.pos < len(word) || d.src[d.pos:d.pos+len(word)] != word {
		return false
	}
	d.pos += len(word)
	return true
}

// str reads a string without escapes; anything needing unquoting is left to encoding/json.
func (d *jsonScan) str() (string, bool) {
	if d.pos >= len(d.src) || d.src[d.pos] != '"' {
		return "", false
	}
	start := d.pos + 1
	ascii := true
	for i := start; i < len(d.src); i++ {
		c := d.src[i]
		switch {
		case c == '"':
			s := d.src[start:i]
			if !ascii && !utf8.ValidString(s) {
				return "", false
			}
			d.pos = i + 1
			return s, true
		case c == '\\' || c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", false
}

// number reads a number as JSON's grammar has it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *jsonScan) number() (json.Number, bool) {
	s, i := d.src, d.pos
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i = digits(s, i)
	default:
		return "", false
	}
	if i < len(s) && s[i] == '.' {
		j := digits(s, i+1)
		if j == i+1 {
			return "", false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(s, i)
		if j == i {
			return "", false
		}
		i = j
	}
	n := json.Number(s[d.pos:i])
	d.pos = i
	return n, true
}

func digits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}
