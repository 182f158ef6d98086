package contracts_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/generators"
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
