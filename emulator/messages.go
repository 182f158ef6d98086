package emulator

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/clbcheck/clbcheck/spec"
)

// describe words a broken constraint for the answer's message, as describePlain does with
// fmt, but on a stack buffer: every refused value of a run gets one (a speed trick, held to
// describePlain by a differential test). num is what breaks: a length, the value of an integer,
// or the index of the forbidden prefix or substring found.
func describe(path string, ch *check, value string, num int64) string {
	var spare [128]byte
	m := message(spare[:0]).s(path)
	c := ch.c
	switch ch.kind {
	case spec.KindType:
		m = m.s(" must be a decimal integer of at most 64 bits, got ").q(value)
	case spec.KindForbiddenValues:
		m = m.s(" may not be ").q(value)
	case spec.KindEnum:
		m = m.s(" must be one of ").s(strings.Join(c.Values, ", ")).s(", got ").q(value)
	case spec.KindMinLength:
		m = m.s(" must have at least ").d(c.Int).s(" characters, got ").d(num)
	case spec.KindMaxLength:
		m = m.s(" may have at most ").d(c.Int).s(" characters, got ").d(num)
	case spec.KindPattern:
		m = m.s(" does not match ").s(c.Pattern).s(": ").q(value)
	case spec.KindForbiddenPrefixes:
		m = m.s(" may not start with ").q(c.Values[num])
	case spec.KindForbiddenSubstrings:
		m = m.s(" may not contain ").q(c.Values[num])
	case spec.KindMinimum:
		m = m.s(" must be at least ").d(c.Int).s(", got ").d(num)
	case spec.KindMaximum:
		m = m.s(" may be at most ").d(c.Int).s(", got ").d(num)
	default:
		m = m.s(" breaks its ").s(string(ch.kind)).s(" constraint")
	}
	return m.String()
}

// describePlain is describe written with fmt: the reference.
func describePlain(path string, ch *check, value string, num int64) string {
	c := ch.c
	switch ch.kind {
	case spec.KindType:
		return fmt.Sprintf("%s must be a decimal integer of at most 64 bits, got %q", path, value)
	case spec.KindForbiddenValues:
		return fmt.Sprintf("%s may not be %q", path, value)
	case spec.KindEnum:
		return fmt.Sprintf("%s must be one of %s, got %q", path, strings.Join(c.Values, ", "), value)
	case spec.KindMinLength:
		return fmt.Sprintf("%s must have at least %d characters, got %d", path, c.Int, num)
	case spec.KindMaxLength:
		return fmt.Sprintf("%s may have at most %d characters, got %d", path, c.Int, num)
	case spec.KindPattern:
		return fmt.Sprintf("%s does not match %s: %q", path, c.Pattern, value)
	case spec.KindForbiddenPrefixes:
		return fmt.Sprintf("%s may not start with %q", path, c.Values[num])
	case spec.KindForbiddenSubstrings:
		return fmt.Sprintf("%s may not contain %q", path, c.Values[num])
	case spec.KindMinimum:
		return fmt.Sprintf("%s must be at least %d, got %d", path, c.Int, num)
	case spec.KindMaximum:
		return fmt.Sprintf("%s may be at most %d, got %d", path, c.Int, num)
	}
	return fmt.Sprintf("%s breaks its %s constraint", path, ch.kind)
}

// message builds a text by appending: s a string as it is, q one quoted as %q quotes it, d
// a number as %d writes it.
type message []byte

func (m message) s(text string) message { return append(m, text...) }
func (m message) q(text string) message { return strconv.AppendQuote(m, text) }
func (m message) d(n int64) message     { return strconv.AppendInt(m, n, 10) }
func (m message) String() string        { return string(m) }

func itoa(n int) string                { return strconv.Itoa(n) }
func itoa64(n int64) string            { return strconv.FormatInt(n, 10) }
func parseInt(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }
