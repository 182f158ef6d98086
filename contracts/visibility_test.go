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
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// laggingReads hides a created listener from Describe for lag after its create (a service
// whose reads lag its writes); with hide set, it hides every listener for good (a service
// that answers success and creates nothing).
type laggingReads struct {
	target.Target
	lag     time.Duration
	hide    bool
	writes  bool // Start, Stop and Delete do not see a hidden listener either
	mu      sync.Mutex
	created map[string]time.Time
	reads   map[string]int // Describes of each created listener while it was hidden
}

func (l *laggingReads) Unwrap() target.Target { return l.Target }
func (l *laggingReads) Send(ctx context.Context, req target.Request) (*target.Response, error) {
	key := target.Value(req.Params, spec.ParamLoadBalancerID) + ":" + target.Value(req.Params, spec.ParamListenerPort)
	onListener := req.Action == spec.ActionStartListener || req.Action == spec.ActionStopListener || req.Action == spec.ActionDeleteListener
	if req.Action == spec.ActionDescribeHTTPSListener || (l.writes && onListener) {
		l.mu.Lock()
		at, ok := l.created[key]
		l.mu.Unlock()
		if ok && (l.hide || time.Since(at) < l.lag) {
			l.mu.Lock()
			l.reads[key]++
			l.mu.Unlock()
			missing, _ := spec.MustDefault().NeighbourError(spec.NeighbourListenerNotFound)
			r := &target.Response{Status: missing.Status, ContentType: "application/json;charset=utf-8",
				Body: []byte(`{"RequestId":"lagging","Code":"` + missing.Code + `","Message":"not visible yet"}`)}
			target.Decode(r)
			return r, nil
		}
	}
	resp, err := l.Target.Send(ctx, req)
	if err == nil && resp.Success() && req.Action == spec.ActionCreateHTTPSListener {
		l.mu.Lock()
		l.created[key] = time.Now()
		l.mu.Unlock()
	}
	return resp, err
}

func runPositive(t *testing.T, tg target.Target) contracts.Summary {
	t.Helper()
	sum, _, err := contracts.Execute(context.Background(), tg, contracts.Options{Random: -1, Sequences: -1, Workers: 2,
		Filter: func(c generators.Case) bool {
			return strings.HasPrefix(c.ID, "positive/") && strings.Contains(c.ID, "Timeout/")
		}})
	require.NoError(t, err)
	require.NotZero(t, sum.Cases)
	return sum
}

// The page says nothing of when a new listener shows in Describe: a listener that shows
// after 300 ms passes its read-back.
func TestReadBackWaitsForALaggingListener(t *testing.T) {
	emu, err := embedded.New(emulator.DefaultConfig())
	require.NoError(t, err)
	sum := runPositive(t, &laggingReads{Target: emu, lag: 300 * time.Millisecond, created: map[string]time.Time{}, reads: map[string]int{}})
	assert.Zero(t, sum.Failed, "a read lagging its write conforms")
}

// A listener that never shows fails its read-back, and the wait for it is paid once (by the
// cases in flight then), not once per case.
func TestReadBackOfAMissingListenerWaitsOnce(t *testing.T) {
	emu, err := embedded.New(emulator.DefaultConfig())
	require.NoError(t, err)
	tg := &laggingReads{Target: emu, hide: true, created: map[string]time.Time{}, reads: map[string]int{}}
	sum := runPositive(t, tg)
	assert.Equal(t, sum.Cases, sum.Failed, "every created listener is missing")
	require.Greater(t, sum.Cases, 4)
	require.Len(t, tg.reads, sum.Cases, "each case read its listener back")
	waited := 0
	for key, n := range tg.reads {
		if n > 1 {
			waited++
			assert.Greater(t, n, 5, "%s: a wait reads again and again", key)
		}
	}
	// Two workers: at most the two cases in flight when the first wait began waited; every
	// later case read its listener once.
	assert.GreaterOrEqual(t, waited, 1)
	assert.LessOrEqual(t, waited, 2, "reads per listener: %v", tg.reads)
}

// The lifecycle sequences read a listener back right after starting it; on a service whose
// reads lag its writes they wait for it to show, as a created listener's read-back does.
func TestSequencesWaitForALaggingListener(t *testing.T) {
	emu, err := embedded.New(emulator.DefaultConfig())
	require.NoError(t, err)
	tg := &laggingReads{Target: emu, lag: 300 * time.Millisecond, created: map[string]time.Time{}, reads: map[string]int{}}
	rep := &sequenceVerdict{}
	_, _, err = contracts.Execute(context.Background(), tg, contracts.Options{Random: -1, Sequences: 5, Seed: 777,
		Filter: func(c generators.Case) bool { return c.ID == contracts.SequencesID }, Reporter: rep})
	require.NoError(t, err)
	require.True(t, rep.seen, "the sequences ran")
	assert.Equal(t, contracts.Pass, rep.r.Verdict, "%+v", rep.r.Checks)
}

// A service whose Start, Stop and Delete, like its Describe, see a new listener only after a
// while passes too: a call refused while the listener does not show is sent again once it does.
func TestSequencesWaitForALaggingListenerOnEveryCall(t *testing.T) {
	emu, err := embedded.New(emulator.DefaultConfig())
	require.NoError(t, err)
	tg := &laggingReads{Target: emu, lag: 300 * time.Millisecond, writes: true, created: map[string]time.Time{}, reads: map[string]int{}}
	rep := &sequenceVerdict{}
	_, _, err = contracts.Execute(context.Background(), tg, contracts.Options{Random: -1, Sequences: 5, Seed: 777,
		Filter: func(c generators.Case) bool { return c.ID == contracts.SequencesID }, Reporter: rep})
	require.NoError(t, err)
	require.True(t, rep.seen, "the sequences ran")
	assert.Equal(t, contracts.Pass, rep.r.Verdict, "%+v", rep.r.Checks)
}

// sequenceVerdict keeps the result of the lifecycle sequences.
type sequenceVerdict struct {
	seen bool
	r    contracts.CaseResult
}

func (s *sequenceVerdict) Begin(contracts.Meta) error { return nil }
func (s *sequenceVerdict) Case(r contracts.CaseResult) error {
	if r.ID == contracts.SequencesID {
		s.seen, s.r = true, r
	}
	return nil
}
func (s *sequenceVerdict) End(contracts.Summary, contracts.Coverage) error { return nil }
