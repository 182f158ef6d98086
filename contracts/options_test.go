package contracts_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

func embeddedTarget(t *testing.T) target.Target {
	t.Helper()
	tg, err := embedded.New(emulator.DefaultConfig())
	require.NoError(t, err)
	return tg
}

// --max-cases N runs N results in all: the lifecycle sequences, which report as one result,
// count against it and run only when the catalogue leaves room.
func TestMaxCasesRunsExactlyThatMany(t *testing.T) {
	for _, n := range []int{1, 5} {
		sum, _, err := contracts.Execute(context.Background(), embeddedTarget(t), contracts.Options{Seed: 1, MaxCases: n, Workers: 1})
		require.NoError(t, err)
		assert.Equal(t, n, sum.Cases, "--max-cases %d", n)
	}
}

// The progress total is the number of results the summary counts, sequences included.
func TestProgressTotalIsTheSummaryTotal(t *testing.T) {
	var last contracts.Progress
	var named []string
	filter := contracts.CaseFilter{Include: []string{"positive/Bandwidth", contracts.SequencesID}}
	sum, _, err := contracts.Execute(context.Background(), embeddedTarget(t), contracts.Options{Seed: 1, Sequences: 1, Random: -1,
		Filter: filter.Func(spec.MustDefault()), Progress: func(p contracts.Progress) { last, named = p, append(named, p.Last) }})
	require.NoError(t, err)
	require.Greater(t, sum.Cases, 2)
	assert.Equal(t, sum.Cases, last.Done)
	assert.Equal(t, sum.Cases, last.Total, "the progress promised as many cases as the summary counts")
	assert.Contains(t, named, contracts.SequencesID, "the sequences were counted in the progress too")
}

// --max-failures stops starting cases once that many failed, and says why.
func TestMaxFailuresStopsEarly(t *testing.T) {
	o, err := contracts.ParseOverrides([]byte("expectations:\n  - match: {kind: pattern}\n    expect: {success: true}\n    reason: fail many cases\n"), "e.yaml")
	require.NoError(t, err)
	sum, _, err := contracts.Execute(context.Background(), embeddedTarget(t), contracts.Options{Seed: 1, Workers: 1, MaxFailures: 2, Overrides: o, Random: -1, Sequences: -1})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, sum.Failed, 2)
	assert.LessOrEqual(t, sum.Failed, 3, "one worker: at most one case was already under way")
	assert.Contains(t, sum.AbortCause, "max failures 2")
	assert.False(t, sum.Aborted, "stopping at the failures asked for is not an abort")
}

func TestCaseFilter(t *testing.T) {
	s := spec.MustDefault()
	c := func(id, param string, cat generators.Category) generators.Case {
		g := generators.Case{ID: id, Category: cat, Expect: spec.Outcome{Status: 400, Code: "X"}}
		if param != "" {
			g.Broken = &generators.Broken{Param: param, Kind: spec.KindMaximum}
		}
		return g
	}
	port := c("negative/ListenerPort/VALUE_ABOVE_MAXIMUM/65536", "ListenerPort", generators.Negative)
	portLonger := c("negative/ListenerPort/VALUE_ABOVE_MAXIMUM/655360", "ListenerPort", generators.Negative)
	tag := c("negative/Tag.Key/LENGTH_ABOVE_MAXIMUM/x", "Tag.Key", generators.Negative)
	valid := generators.Case{ID: "positive/Bandwidth/VALUE_AT_MINIMUM/-1", Category: generators.Positive, Expect: spec.Outcome{Success: true}}
	unsigned := generators.Case{ID: "security/unsigned", Category: generators.Security, Expect: spec.Outcome{Status: 400, Code: "X"}, Auth: spec.AuthUnsigned}
	for _, tc := range []struct {
		name string
		f    contracts.CaseFilter
		in   []generators.Case
		out  []generators.Case
	}{
		{"exact id", contracts.CaseFilter{Include: []string{port.ID}}, []generators.Case{port}, []generators.Case{portLonger, tag}},
		{"prefix at a slash", contracts.CaseFilter{Include: []string{"negative/ListenerPort"}}, []generators.Case{port, portLonger}, []generators.Case{tag, valid}},
		{"glob across slashes", contracts.CaseFilter{Include: []string{"negative/*/LENGTH_*"}}, []generators.Case{tag}, []generators.Case{port}},
		{"exclude", contracts.CaseFilter{Exclude: []string{"negative/ListenerPort/*/655360"}}, []generators.Case{port, tag, valid}, []generators.Case{portLonger}},
		{"param", contracts.CaseFilter{IncludeParams: []string{"Tag.*"}}, []generators.Case{tag}, []generators.Case{port, unsigned}},
		{"param of a valid case, from its id", contracts.CaseFilter{IncludeParams: []string{"Bandwidth"}}, []generators.Case{valid}, []generators.Case{port}},
		{"exclude param", contracts.CaseFilter{ExcludeParams: []string{"ListenerPort"}}, []generators.Case{tag, valid, unsigned}, []generators.Case{port}},
		{"check", contracts.CaseFilter{IncludeChecks: []string{contracts.CheckAuthEnforced}}, []generators.Case{unsigned}, []generators.Case{port, valid}},
		{"exclude check", contracts.CaseFilter{ExcludeChecks: []string{contracts.CheckListenerCreated}}, []generators.Case{port, unsigned}, []generators.Case{valid}},
		{"kinds combine", contracts.CaseFilter{Include: []string{"negative"}, IncludeParams: []string{"Tag.Key"}}, []generators.Case{tag}, []generators.Case{port, valid}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, tc.f.Check(s))
			f := tc.f.Func(s)
			require.NotNil(t, f)
			for _, g := range tc.in {
				assert.True(t, f(g), "%s should run", g.ID)
			}
			for _, g := range tc.out {
				assert.False(t, f(g), "%s should not run", g.ID)
			}
		})
	}
	assert.Nil(t, contracts.CaseFilter{}.Func(s), "an empty filter selects everything")
	err := contracts.CaseFilter{IncludeParams: []string{"ListenerPortt"}}.Check(s)
	assert.ErrorContains(t, err, "did you mean ListenerPort")
	err = contracts.CaseFilter{IncludeChecks: []string{"auth"}}.Check(s)
	assert.ErrorContains(t, err, `unknown check "auth"`)
}

// An expectations entry that names what does not exist would never apply: it is refused, with
// the nearest name.
func TestExpectationsNamingNothingAreRefused(t *testing.T) {
	for _, tc := range []struct{ entry, want string }{
		{"{param: ListenerPortt}", `param "ListenerPortt" is not one the harness knows`},
		{"{param: ListenerPortt}", `did you mean "ListenerPort"`},
		{"{param: ListenerPort, kind: maximumm}", `did you mean "maximum"`},
		{"{rule: cookie-requird}", `did you mean "cookie-required"`},
		{"{scenario: VALUE_ABOVE_MAXIMUMM}", `did you mean "VALUE_ABOVE_MAXIMUM"`},
		{"{case: negative/NoSuchParam}", `no case id starts with "negative/NoSuchParam"`},
	} {
		_, err := contracts.ParseOverrides([]byte("expectations:\n  - match: "+tc.entry+"\n    expect: {success: true}\n"), "e.yaml")
		assert.ErrorContains(t, err, tc.want, tc.entry)
	}
	for _, ok := range []string{"{param: Tag.Key}", "{param: ListenerPort, kind: maximum}", "{rule: ram-denied}", "{kind: auth}", "{case: random/}", "{case: negative/ListenerPort}"} {
		_, err := contracts.ParseOverrides([]byte("expectations:\n  - match: "+ok+"\n    expect: {success: true}\n"), "e.yaml")
		assert.NoError(t, err, ok)
	}
}

func TestShellQuote(t *testing.T) {
	assert.Equal(t, "out/report.json", contracts.ShellQuote("out/report.json"))
	assert.Equal(t, "'a b'", contracts.ShellQuote("a b"))
	assert.Equal(t, `'it'\''s'`, contracts.ShellQuote("it's"))
	assert.Equal(t, "''", contracts.ShellQuote(""))
	assert.Equal(t, "'$HOME'", contracts.ShellQuote("$HOME"))
}

func TestErrorTextHasNoGoJargon(t *testing.T) {
	wrapped := fmt.Errorf("Get \"http://x\": %w", context.Canceled)
	assert.Equal(t, "interrupted before an answer came", contracts.ErrorText(wrapped))
	assert.NotContains(t, contracts.ErrorText(fmt.Errorf("x: %w", context.DeadlineExceeded)), "deadline exceeded")
	var timeout net.Error = &net.DNSError{IsTimeout: true}
	assert.Contains(t, contracts.ErrorText(timeout), "no answer in time")
	assert.Equal(t, "boom", contracts.ErrorText(errors.New("boom")))
}

// An interrupted run says so in words; errors.Is still finds the cancellation.
func TestInterruptedRunErrorReadsAsWords(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := contracts.Execute(ctx, embeddedTarget(t), contracts.Options{MaxCases: 3})
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled))
	assert.False(t, strings.Contains(err.Error(), "context canceled"), err.Error())
}

// Shrinking a failing case starts new requests: the time budget bounds it like the cases
// themselves. Before, every failing random case was shrunk for up to 60 tries after the
// budget had run out. The bound is counted in requests, not read off the wall clock: with one
// worker and a target that takes at least 50 ms per answer, no more than budget/50ms creates
// fit in the budget whatever the machine's load, plus the one in flight when it ends.
func TestShrinkingHonoursTheBudget(t *testing.T) {
	const delay, budget = 50 * time.Millisecond, 1500 * time.Millisecond
	cfg := emulator.DefaultConfig()
	emu, err := emulator.New(cfg)
	require.NoError(t, err)
	var creates atomic.Int64
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue(spec.ParamAction) == spec.ActionCreateHTTPSListener {
			creates.Add(1)
		}
		time.Sleep(delay) // a target slower than in-process, as a real one is
		emu.ServeHTTP(w, r)
	})
	tg, err := embedded.NewHandler(slow, cfg, "slow emulator")
	require.NoError(t, err)
	o, err := contracts.ParseOverrides([]byte("expectations:\n  - match: {case: random/}\n    expect: {success: true}\n    reason: make every random case fail\n"), "e.yaml")
	require.NoError(t, err)
	filter := contracts.CaseFilter{Include: []string{"random"}}
	sum, _, err := contracts.Execute(context.Background(), tg, contracts.Options{Seed: 5, Random: 64, Sequences: -1, Workers: 1, Overrides: o,
		Filter: filter.Func(spec.MustDefault()), Budget: budget})
	require.NoError(t, err)
	require.NotZero(t, sum.Failed)
	assert.LessOrEqual(t, creates.Load(), int64(budget/delay)+1, "creates sent: shrinking went on after the budget ran out")
}

// With one worker the lifecycle sequences run as a job of the plan, right after the cases of
// the catalogue's first round and before the rest, so that a run stopped at its first finding
// meets them early; a plan that ends within the first round runs them after its cases.
func TestOneWorkerRunsTheSequencesAfterTheFirstRound(t *testing.T) {
	s := spec.MustDefault()
	all := contracts.Prepare(s, resources.NewFixtures(nil, s, nil, "x"), contracts.Options{Seed: 1, Random: -1})
	first := map[string]bool{}
	for _, c := range all[:generators.FirstRound(all)] {
		first[c.ID] = true
	}
	for _, include := range [][]string{{"negative/Bandwidth", "positive/Bandwidth"}, {"negative/Bandwidth/MISSING_REQUIRED"}} {
		filter := contracts.CaseFilter{Include: append(include, contracts.SequencesID)}
		rep := &collect{}
		_, _, err := contracts.Execute(context.Background(), embeddedTarget(t), contracts.Options{Seed: 1, Sequences: 1, Random: -1, Workers: 1,
			Filter: filter.Func(s), Reporter: rep})
		require.NoError(t, err)
		at := slices.IndexFunc(rep.results, func(r contracts.CaseResult) bool { return r.ID == contracts.SequencesID })
		require.Positive(t, at, "%v: the sequences ran after some cases", include)
		for i, r := range rep.results {
			switch {
			case i < at:
				assert.True(t, first[r.ID], "%v: %s ran before the sequences but is not of the first round", include, r.ID)
			case i > at:
				assert.False(t, first[r.ID], "%v: %s of the first round ran after the sequences", include, r.ID)
			}
		}
		if len(include) == 2 {
			assert.Less(t, at, len(rep.results)-1, "cases after the first round follow the sequences")
		} else {
			assert.Equal(t, len(rep.results)-1, at, "a plan within the first round runs them last")
		}
	}
}
