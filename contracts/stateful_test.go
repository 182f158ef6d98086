package contracts_test

import (
	"bytes"
	"context"
	"maps"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// sequences runs only the lifecycle sequences against the embedded emulator with the given
// faults switched on, and returns their one result.
func sequences(t *testing.T, inject ...string) contracts.CaseResult {
	t.Helper()
	cfg := emulator.DefaultConfig()
	cfg.Inject = inject
	tg, err := embedded.New(cfg)
	require.NoError(t, err)
	filter := contracts.CaseFilter{Include: []string{contracts.SequencesID}}
	rep := &collect{}
	_, _, err = contracts.Execute(context.Background(), tg, contracts.Options{Seed: 3, Sequences: 20, Random: -1,
		Filter: filter.Func(spec.MustDefault()), Reporter: rep})
	require.NoError(t, err)
	for _, r := range rep.results {
		if r.ID == contracts.SequencesID {
			return r
		}
	}
	t.Fatal("no result for the lifecycle sequences")
	return contracts.CaseResult{}
}

// The sequences pass against the faithful emulator, and a lifecycle the model does not
// predict fails them under their own check, with the shortest failing sequence.
func TestSequencesJudgeTheLifecycle(t *testing.T) {
	ok := sequences(t)
	require.Equal(t, contracts.Pass, ok.Verdict, "%s %s", ok.Actual, ok.SkipReason)

	bad := sequences(t, "state/port-conflict-missed")
	require.Equal(t, contracts.Fail, bad.Verdict, "%s %s", bad.Actual, bad.SkipReason)
	require.Len(t, bad.Checks, 1)
	assert.Equal(t, contracts.CheckLifecycle, bad.Checks[0].Check, "a failed sequence is reported under the lifecycle check")
	assert.Equal(t, contracts.Fail, bad.Checks[0].Verdict)
	assert.NotEmpty(t, bad.Actual, "the shortest failing sequence is shown")
	assert.Contains(t, bad.Checks[0].Message, "a create on a used port answered", "and what went wrong in it")
	assert.Positive(t, bad.Size)
}

// A started listener that still reads back stopped fails the default sequences whatever the
// seed: every successful start is read back at once, starts go to stopped listeners when there
// are some, and no sequence is shorter than four steps. (With ten sequences ramping up from
// empty ones and starts aimed at any port, three seeds in four missed it.) The emulator here
// completes every change at once (Config.Delays off), as local emulators usually do.
func TestSequencesSeeAStaleStatusOnEverySeed(t *testing.T) {
	cfg := emulator.DefaultConfig()
	cfg.Inject = []string{"state/describe-stale-status"}
	filter := contracts.CaseFilter{Include: []string{contracts.SequencesID}}
	for seed := int64(1); seed <= 30; seed++ {
		emu, err := emulator.New(cfg)
		require.NoError(t, err)
		tg, err := embedded.NewHandler(emu, emu.Config(), "emulator without delays")
		require.NoError(t, err)
		rep := &collect{}
		_, _, err = contracts.Execute(context.Background(), tg, contracts.Options{Seed: seed, Random: -1, Workers: 1,
			Filter: filter.Func(spec.MustDefault()), Reporter: rep})
		require.NoError(t, err)
		require.Len(t, rep.results, 1)
		res := rep.results[0]
		require.Equal(t, contracts.Fail, res.Verdict, "seed %d: %s %s", seed, res.Actual, res.SkipReason)
		assert.Equal(t, contracts.CheckLifecycle, res.Checks[0].Check, "seed %d", seed)
	}
}

// otherCodes answers every refusal of an operation other than the one under test with a code
// no source documents, as an implementation may for a listener that does not exist.
type otherCodes struct{ target.Target }

func (o otherCodes) Send(ctx context.Context, req target.Request) (*target.Response, error) {
	resp, err := o.Target.Send(ctx, req)
	if err != nil || resp.Success() || req.Action == spec.MustDefault().UnderTest.Action {
		return resp, err
	}
	out := *resp
	out.Code = "ListenerNotExist"
	out.Fields = maps.Clone(resp.Fields)
	out.Fields[spec.FieldCode] = out.Code
	out.Body = bytes.Replace(resp.Body, []byte(`"`+resp.Code+`"`), []byte(`"`+out.Code+`"`), 1)
	return &out, nil
}

// The page documents no code for starting, deleting or reading a listener that does not
// exist: under the documented profile any refusal will do there, and only the strict profile
// holds the sequences to the codes the description knows.
func TestSequencesTakeAnyCodeWhereThePageGivesNone(t *testing.T) {
	for profile, want := range map[string]contracts.Verdict{contracts.ProfileDocumented: contracts.Pass, contracts.ProfileStrict: contracts.Fail} {
		tg, err := embedded.New(emulator.DefaultConfig())
		require.NoError(t, err)
		filter := contracts.CaseFilter{Include: []string{contracts.SequencesID}}
		rep := &collect{}
		_, _, err = contracts.Execute(context.Background(), otherCodes{tg}, contracts.Options{Seed: 3, Sequences: 20, Random: -1,
			Profile: profile, Filter: filter.Func(spec.MustDefault()), Reporter: rep})
		require.NoError(t, err)
		require.Len(t, rep.results, 1)
		res := rep.results[0]
		require.Equal(t, want, res.Verdict, "%s: %s %s %v", profile, res.Actual, res.SkipReason, res.Checks)
		if want == contracts.Fail {
			assert.Contains(t, res.Checks[0].Message, "ListenerNotExist is in neither the page")
		}
	}
}
