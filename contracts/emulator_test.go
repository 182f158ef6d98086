package contracts_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
)

// collect is a Reporter that keeps every result, for tests.
type collect struct {
	results []contracts.CaseResult
	sum     contracts.Summary
	cov     contracts.Coverage
}

func (c *collect) Begin(contracts.Meta) error { return nil }
func (c *collect) Case(r contracts.CaseResult) error {
	c.results = append(c.results, r)
	return nil
}
func (c *collect) End(s contracts.Summary, cov contracts.Coverage) error {
	c.sum, c.cov = s, cov
	return nil
}

func (c *collect) failures() []string {
	var out []string
	for _, r := range c.results {
		if r.Verdict == contracts.Fail || r.Verdict == contracts.Warn || r.Verdict == contracts.Skip {
			var msgs []string
			for _, ch := range r.Checks {
				if ch.Verdict != contracts.Pass {
					msgs = append(msgs, fmt.Sprintf("%s: %s (expected %s, got %s)", ch.Check, ch.Message, ch.Expected, ch.Actual))
				}
			}
			out = append(out, fmt.Sprintf("%s %s [%s -> %s] %s %s", r.Verdict, r.ID, r.Expected, r.Actual, r.SkipReason, strings.Join(msgs, " | ")))
		}
	}
	sort.Strings(out)
	return out
}

// A default strict run against the faithful embedded emulator has no failure, no warning and
// no skip, and reaches every documented error code the emulator can reach.
func TestEmbeddedEmulatorPassesEveryContract(t *testing.T) {
	tg, err := embedded.New(emulator.DefaultConfig())
	require.NoError(t, err)
	rep := &collect{}
	sum, cov, err := contracts.Execute(context.Background(), tg, contracts.Options{Profile: contracts.ProfileStrict, Seed: 7, Reporter: rep, Workers: 4})
	require.NoError(t, err)
	for _, f := range rep.failures() {
		t.Log(f)
	}
	require.Zero(t, sum.Failed, "failures")
	require.Zero(t, sum.Skipped, "skips")
	require.Zero(t, sum.Warnings, "warnings")
	for _, r := range rep.results {
		assert.Nil(t, r.Repro, "a passing case needs no reproduction: %s", r.ID)
		if r.ID != contracts.SequencesID {
			assert.NotNil(t, r.Exchange, "every judged case keeps its exchange: %s", r.ID)
		}
	}
	for _, c := range cov.Codes {
		if c.Documented && !c.Gateway && c.Reason == "" {
			require.True(t, c.Asserted, "documented code %s never asserted", c.Code)
		}
	}
	t.Logf("%d cases, %.1fs", sum.Cases, sum.DurationS)
}
