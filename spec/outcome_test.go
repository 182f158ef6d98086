package spec_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

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

// AcceptAlso and AcceptingAlso widen an outcome by codes and statuses, each once, without
// touching the outcome they were called on.
func TestOutcomeAcceptAlso(t *testing.T) {
	o := spec.Outcome{Code: "A", Status: 400, Accept: []string{"A"}}
	w := o.AcceptAlso("B", 404).AcceptAlso("B", 404).AcceptAlso("A", 400)
	assert.Equal(t, []string{"A", "B"}, w.Accept)
	assert.Equal(t, []int{404}, w.AcceptStatus)
	assert.Equal(t, []string{"A"}, o.Accept, "the original is not changed")
	assert.Empty(t, o.AcceptStatus)
	both := o.AcceptingAlso(spec.Outcome{Code: "C", Status: 409, Accept: []string{"C", "D"}, AcceptStatus: []int{410}})
	assert.Equal(t, []string{"A", "C", "D"}, both.Accept)
	assert.Equal(t, []int{409, 410}, both.AcceptStatus)
	assert.Equal(t, "A", both.Code)
	assert.True(t, both.Acceptable(410, "C"))
	assert.False(t, both.Acceptable(500, "C"))
}
