package contracts

import (
	"encoding/json"
	"fmt"
	"testing"
)

// str gives the text fmt.Sprint gives for every kind of value a decoded answer holds; numbers
// (json.Number) take their own shorter way.
func TestStrMatchesSprint(t *testing.T) {
	for _, v := range []any{"x", "", json.Number("5"), json.Number("-0.5e3"), json.Number(""), true, 3.5, []any{"a"}, map[string]any{"k": "v"}} {
		if got, want := str(v), fmt.Sprint(v); got != want {
			t.Errorf("str(%#v) = %q, fmt.Sprint gives %q", v, got, want)
		}
	}
	if str(nil) != "" {
		t.Errorf("str(nil) = %q", str(nil))
	}
}
