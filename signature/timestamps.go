package signature

import (
	"fmt"
	"sync/atomic"
	"time"
)

// This file is the fast path of the Timestamp text. A run signs and checks thousands of
// requests a second, and the text of a timestamp changes once a second: formatTimestamp and
// ParseTimestamp keep the last text with its instant and answer from it when it matches.
// formatTimestampPlain and parseTimestampPlain are the plain versions they fall back to, and
// TestTimestampCachesMatchThePlainVersions compares the two forms.

// stamp is one timestamp in both forms: its second (Unix time) and its text.
type stamp struct {
	sec  int64
	at   time.Time
	text string
}

// lastFormatted and lastParsed hold the last timestamp formatted and the last one parsed.
var lastFormatted, lastParsed atomic.Pointer[stamp]

// formatTimestamp returns t in TimestampLayout (UTC), as formatTimestampPlain does. The text
// depends on t's second alone (the layout has no fraction and names no zone but UTC).
func formatTimestamp(t time.Time) string {
	sec := t.Unix()
	if s := lastFormatted.Load(); s != nil && s.sec == sec {
		return s.text
	}
	text := formatTimestampPlain(t)
	lastFormatted.Store(&stamp{sec: sec, text: text})
	return text
}

// formatTimestampPlain is the reference of formatTimestamp.
func formatTimestampPlain(t time.Time) string { return t.UTC().Format(TimestampLayout) }

// ParseTimestamp parses a Timestamp / x-acs-date value. Only the exact
// layout TimestampLayout is accepted: no fractional seconds, no offset other
// than the literal Z. The text parsed last is remembered with its instant.
func ParseTimestamp(value string) (time.Time, error) {
	if s := lastParsed.Load(); s != nil && s.text == value {
		return s.at, nil
	}
	t, err := parseTimestampPlain(value)
	if err == nil {
		lastParsed.Store(&stamp{at: t, text: value})
	}
	return t, err
}

// parseTimestampPlain is ParseTimestamp without the remembered value: its reference.
func parseTimestampPlain(value string) (time.Time, error) {
	t, err := time.Parse(TimestampLayout, value)
	// time.Parse tolerates fractional seconds the layout does not mention;
	// formatting back (on the stack) and comparing rejects them.
	var back [len(TimestampLayout) + 8]byte
	if err != nil || string(t.AppendFormat(back[:0], TimestampLayout)) != value {
		return time.Time{}, fmt.Errorf("%w: %q does not match %s", ErrMalformedTimestamp, value, TimestampLayout)
	}
	return t, nil
}
