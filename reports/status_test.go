package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
)

// Every format says why a run is not a plain pass (inconclusive, incomplete, transient
// trouble), shows the trouble counts by kind, and none of them calls such a run a pass.
func TestEveryFormatShowsTheRunStatus(t *testing.T) {
	trouble := []contracts.Trouble{{Kind: "unavailable", Retried: 7, Unjudged: 2}, {Kind: "reset", Retried: 3}}
	for _, tc := range []struct {
		name string
		sum  contracts.Summary
		says string
	}{
		{"inconclusive", contracts.Summary{Cases: 10, Skipped: 10, Planned: 10, Inconclusive: "fixture lb could not be built (CreateLoadBalancer answered without LoadBalancerId)"}, "fixture lb could not be built"},
		{"incomplete", contracts.Summary{Cases: 8, Passed: 8, Planned: 728, NotRun: 720, StoppedBy: contracts.StoppedByBudget, AbortCause: "time budget of 5s used up"}, "8 of 728 planned cases ran, 720 did not"},
		{"transient", contracts.Summary{Cases: 60, Passed: 58, Skipped: 2, Planned: 60, Trouble: trouble, Unstable: "transient target trouble on 5.1% of 240 exchanges"}, "transient target trouble on 5.1%"},
	} {
		for _, format := range Formats() {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				var buf bytes.Buffer
				r, err := New(format, &buf)
				require.NoError(t, err)
				require.NoError(t, r.Begin(contracts.Meta{Tool: "clbcheck", Target: "http://127.0.0.1:1"}))
				require.NoError(t, r.End(tc.sum, contracts.Coverage{}))
				out := buf.String()
				assert.Contains(t, out, tc.says)
				assert.NotContains(t, out, "PASS")
				assert.NotContains(t, out, `"result": "pass"`)
				if tc.sum.Trouble != nil {
					assert.True(t, strings.Contains(out, "unavailable") && strings.Contains(out, "reset"), "trouble kinds missing:\n%s", out)
				}
			})
		}
	}
}
