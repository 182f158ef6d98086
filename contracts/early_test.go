package contracts_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// nonceLog records when each SignatureNonce of the operation under test was sent.
type nonceLog struct {
	target.Target
	mu   sync.Mutex
	sent map[string][]time.Time
	// refuseFirst answers the first create 400 InvalidParameter instead of the target.
	refuseFirst bool
}

func (n *nonceLog) Send(ctx context.Context, req target.Request) (*target.Response, error) {
	resp, err := n.Target.Send(ctx, req)
	if err == nil && req.Action == spec.ActionCreateHTTPSListener && n.refuseFirst {
		n.refuseFirst = false
		resp.Status, resp.Code = 400, "InvalidParameter"
	}
	if err == nil && req.Action == spec.ActionCreateHTTPSListener {
		if nonce := target.SentValues(resp.Sent, nil).Get(spec.ParamSignatureNonce); nonce != "" {
			n.mu.Lock()
			n.sent[nonce] = append(n.sent[nonce], time.Now())
			n.mu.Unlock()
		}
	}
	return resp, err
}

func lateReplayRun(t *testing.T, inject ...string) (contracts.CaseResult, *nonceLog) {
	t.Helper()
	cfg := emulator.DefaultConfig()
	refuse := len(inject) == 1 && inject[0] == refuseFirstCreate
	if !refuse {
		cfg.Inject = inject
	}
	tg, err := embedded.New(cfg)
	require.NoError(t, err)
	log := &nonceLog{Target: tg, sent: map[string][]time.Time{}, refuseFirst: refuse}
	rep := &collect{}
	_, _, err = contracts.Execute(context.Background(), log, contracts.Options{Profile: contracts.ProfileDocumented, Seed: 3, Reporter: rep,
		Random: -1, Sequences: -1, Filter: func(c generators.Case) bool { return c.UsesEarlyCopy() }})
	require.NoError(t, err)
	require.Len(t, rep.results, 1)
	return rep.results[0], log
}

// The late replay re-sends, byte for byte but for nothing, a request whose nonce the run
// used when it began, no sooner than a second later: a service that forgets nonces within
// a moment lets it through and fails; one that remembers them passes.
func TestLateReplayCatchesAShortNonceMemory(t *testing.T) {
	res, log := lateReplayRun(t)
	assert.Equal(t, contracts.Pass, res.Verdict, "%+v", res)
	require.Len(t, log.sent, 1, "one nonce, sent twice")
	for _, at := range log.sent {
		require.Len(t, at, 2)
		assert.GreaterOrEqual(t, at[1].Sub(at[0]), time.Second, "the replay comes at least a second after the first use")
	}
	res, _ = lateReplayRun(t, "signature/nonce-memory-short")
	assert.Equal(t, contracts.Fail, res.Verdict, "a nonce forgotten after half a second is caught: %+v", res)
	res, _ = lateReplayRun(t, "signature/replayed-nonce-accepted")
	assert.Equal(t, contracts.Fail, res.Verdict)
}

// When the first use is refused, a replay of it tells nothing: the case is skipped and says why.
func TestLateReplaySkipsWhenTheFirstUseWasRefused(t *testing.T) {
	res, log := lateReplayRun(t, refuseFirstCreate)
	assert.Equal(t, contracts.Skip, res.Verdict)
	assert.Contains(t, res.SkipReason, "the first use of its nonce, sent when the run began: it was refused (400 InvalidParameter)")
	assert.Len(t, log.sent, 1, "the replay is not sent")
}

// refuseFirstCreate marks a run whose first create is answered 400 InvalidParameter.
const refuseFirstCreate = "test/refuse-first-create"

// A target whose primary key has no security token skips the STS case saying that the token,
// not the key, is missing, and which variable carries it.
func TestSTSCaseSkipNamesTheMissingToken(t *testing.T) {
	tg, err := target.NewHTTP(target.HTTPConfig{BaseURL: "http://127.0.0.1:9",
		Credentials: map[string]signature.Credentials{spec.PrincipalPrimary: {AccessKeyID: "id", AccessKeySecret: "secret"}}})
	require.NoError(t, err)
	no := false
	fixtures := &resources.FixtureFile{Provision: &no, Slots: map[string]string{spec.SlotLB: "lb-given", spec.SlotCert: "cert-given"}}
	rep := &collect{}
	_, _, err = contracts.Execute(context.Background(), tg, contracts.Options{Seed: 1, Reporter: rep, Fixtures: fixtures, Random: -1, Sequences: -1,
		Filter: func(c generators.Case) bool { return c.Auth == spec.AuthSTS }})
	require.NoError(t, err)
	require.Len(t, rep.results, 1)
	assert.Equal(t, contracts.Skip, rep.results[0].Verdict)
	assert.Contains(t, rep.results[0].SkipReason, "STS token (set "+target.EnvToken)
}

// A value that should have been refused and was accepted fails expected-outcome once; what it
// reads back as (ON sent, on stored) is not a second failure of listener-created.
func TestAcceptedInvalidValueFailsOnce(t *testing.T) {
	cfg := emulator.DefaultConfig()
	cfg.Inject = []string{"engine/enum-case-insensitive"}
	emu, err := embedded.New(cfg)
	require.NoError(t, err)
	rep := &collect{}
	_, _, err = contracts.Execute(context.Background(), lowering{emu}, contracts.Options{Seed: 1, Reporter: rep, Random: -1, Sequences: -1,
		Filter: func(c generators.Case) bool { return c.ID == "negative/Gzip/ENUM_WRONG_CASE/ON" }})
	require.NoError(t, err)
	require.Len(t, rep.results, 1)
	res := rep.results[0]
	assert.Equal(t, contracts.Fail, res.Verdict)
	for _, c := range res.Checks {
		if c.Verdict == contracts.Fail {
			assert.Equal(t, contracts.CheckExpectedOutcome, c.Check, "%+v", c)
		}
	}
}

// lowering reads every upper-case value of a listener back in lower case, as a service that
// folds enum values when it stores them does.
type lowering struct{ target.Target }

func (l lowering) Send(ctx context.Context, req target.Request) (*target.Response, error) {
	resp, err := l.Target.Send(ctx, req)
	if err == nil && req.Action == spec.ActionDescribeHTTPSListener {
		for k, v := range resp.Fields {
			if text, ok := v.(string); ok && text == strings.ToUpper(text) {
				resp.Fields[k] = strings.ToLower(text)
			}
		}
	}
	return resp, err
}
