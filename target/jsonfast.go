package target

import (
	"encoding/json"
	"strings"
	"sync"
	"unicode/utf8"
)

// fastJSON reads the common shape of an answer: one JSON object of plain strings, numbers,
// literals, arrays and nested objects. It gives exactly what encoding/json's Decoder (with
// UseNumber) gives for such a body: maps, []any, json.Number, string, bool and nil, the first
// value only, anything after it ignored.
//
// It does not try to reproduce encoding/json on anything else. A string with a surrogate
// escape or bytes that are not valid UTF-8, a repeated key, deep nesting or any syntax error
// makes it give up (ok false), and the caller decodes the body the standard way, which also
// words the error. Strings without escapes are slices of one copy of the body, so a decoded
// answer costs one allocation for most of its text.
func fastJSON(body []byte) (m map[string]any, ok bool) {
	d := jsonScans.Get().(*jsonScan)
	d.src, d.pos = string(body), 0
	m, ok = d.object(0)
	clear(d.members[:cap(d.members)])
	d.src, d.members = "", d.members[:0]
	if cap(d.members) <= 1024 {
		jsonScans.Put(d)
	}
	return m, ok
}

// jsonScans keeps readers with their member lists for the next answer.
var jsonScans = sync.Pool{New: func() any { return new(jsonScan) }}

// fastJSONMaxDepth bounds the nesting the fast reader follows; deeper bodies go the slow way.
const fastJSONMaxDepth = 64

type jsonScan struct {
	src string
	pos int
	// members holds the members of the objects being read, innermost last, so that each
	// map is made once at its final size.
	members []member
}

type member struct {
	key string
	val any
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
	d.skipSpace()
	if d.pos < len(d.src) && d.src[d.pos] == '}' {
		d.pos++
		return map[string]any{}, true
	}
	mark := len(d.members)
	for {
		d.skipSpace()
		key, ok := d.str()
		if !ok {
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
		d.members = append(d.members, member{key, v})
		d.skipSpace()
		if d.pos >= len(d.src) {
			return nil, false
		}
		switch d.src[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return d.collect(mark)
		default:
			return nil, false
		}
	}
}

// collect makes the map of the members from mark on and drops them from the list. A repeated
// key (fewer entries than members) is left to encoding/json.
func (d *jsonScan) collect(mark int) (map[string]any, bool) {
	ms := d.members[mark:]
	m := make(map[string]any, len(ms))
	for _, e := range ms {
		m[e.key] = e.val
	}
	clear(ms)
	d.members = d.members[:mark]
	return m, len(m) == len(ms)
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

// str reads a string. One without escapes is a slice of the source; one with the common
// escapes is unquoted into its own string. A surrogate escape (\uD800 to \uDFFF), which
// encoding/json pairs or replaces, is left to it.
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
		case c == '\\':
			return d.unquote(start, i)
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", false
}

// unquote reads the rest of a string that begins at start and has its first escape at i.
func (d *jsonScan) unquote(start, i int) (string, bool) {
	src := d.src
	var b strings.Builder
	b.Grow(len(src[start:i]) + 32)
	b.WriteString(src[start:i])
	if !utf8.ValidString(src[start:i]) {
		return "", false
	}
	for i < len(src) {
		c := src[i]
		switch {
		case c == '"':
			d.pos = i + 1
			return b.String(), true
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(src[i:])
			if r == utf8.RuneError && size == 1 {
				return "", false
			}
			b.WriteString(src[i : i+size])
			i += size
			continue
		case c != '\\':
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(src) {
			return "", false
		}
		switch e := src[i+1]; e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			if i+6 > len(src) {
				return "", false
			}
			r := rune(0)
			for _, h := range []byte(src[i+2 : i+6]) {
				switch {
				case '0' <= h && h <= '9':
					h -= '0'
				case 'a' <= h && h <= 'f':
					h -= 'a' - 10
				case 'A' <= h && h <= 'F':
					h -= 'A' - 10
				default:
					return "", false
				}
				r = r<<4 | rune(h)
			}
			if 0xD800 <= r && r <= 0xDFFF {
				return "", false
			}
			b.WriteRune(r)
			i += 6
			continue
		default:
			return "", false
		}
		i += 2
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
