package spec_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/clbcheck/clbcheck/spec"
)

// Outcome.String reads as the status and code joined by a space, trimmed.
func TestOutcomeString(t *testing.T) {
	for _, o := range []spec.Outcome{
		{Success: true}, {Status: 400, Code: "InvalidParameter"}, {}, {Status: 404}, {Code: "X"},
		{Status: -1, Code: " padded\t"}, {Status: 1 << 30, Code: "\u00e9 \u2003"},
	} {
		want := "success"
		if !o.Success {
			want = strings.TrimSpace(strconv.Itoa(o.Status) + " " + o.Code)
		}
		if got := o.String(); got != want {
			t.Errorf("%+v: %q, want %q", o, got, want)
		}
	}
}
