package contracts_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// listingTarget counts requests and may spoil the answers that list a load balancer's
// listener ports.
type listingTarget struct {
	target.Counted
	listings atomic.Int64
	spoil    func(*target.Response)
}

func (l *listingTarget) Send(ctx context.Context, req target.Request) (*target.Response, error) {
	resp, err := l.Counted.Send(ctx, req)
	if err == nil && req.Action == spec.ActionDescribeLoadBalancer {
		l.listings.Add(1)
		if l.spoil != nil {
			l.spoil(resp)
		}
	}
	return resp, err
}

func runWith(t *testing.T, inject []string, batch int, spoil func(*target.Response)) (*listingTarget, *collect, contracts.Summary) {
	t.Helper()
	cfg := emulator.DefaultConfig()
	cfg.Inject = inject
	tg, err := embedded.New(cfg)
	require.NoError(t, err)
	lt := &listingTarget{Counted: target.Counted{Target: tg}, spoil: spoil}
	rep := &collect{}
	sum, _, err := contracts.Execute(context.Background(), lt, contracts.Options{Profile: contracts.ProfileStrict, Seed: 3,
		Reporter: rep, Workers: 2, RefusalBatch: batch, Random: -1, Sequences: -1})
	require.NoError(t, err)
	return lt, rep, sum
}

// Confirming refusals in batches sends far fewer requests and judges a faithful
// implementation exactly as reading every port back does.
func TestRefusalsConfirmedInBatches(t *testing.T) {
	one, repOne, sumOne := runWith(t, nil, 1, nil)
	many, repMany, sumMany := runWith(t, nil, contracts.DefaultRefusalBatch, nil)
	require.Zero(t, sumOne.Failed, repOne.failures())
	require.Zero(t, sumMany.Failed, repMany.failures())
	assert.Equal(t, sumOne.Cases, sumMany.Cases)
	assert.Equal(t, sumOne.Passed, sumMany.Passed)
	assert.Zero(t, one.listings.Load(), "one by one, no listing is read")
	assert.NotZero(t, many.listings.Load())
	perCaseOne := float64(one.Count()) / float64(sumOne.Cases)
	perCaseMany := float64(many.Count()) / float64(sumMany.Cases)
	t.Logf("requests per case: %.2f one by one, %.2f in batches", perCaseOne, perCaseMany)
	assert.Less(t, perCaseMany, perCaseOne-0.5, "batches should save most read-backs of refused cases")
}

// A refused create that leaves a listener behind is caught whether the listing is honest,
// hides the listener (the first created listener is then missing from it, so listings are
// not trusted), or cannot be read at all.
func TestRefusalLeavingAListenerIsCaughtInEveryListingMode(t *testing.T) {
	const fault = "state/refused-create-leaves-listener"
	hide := func(r *target.Response) {
		if r.Fields != nil {
			r.Fields[spec.FieldListenerPorts] = map[string]any{spec.FieldListenerPort: []any{}}
		}
	}
	refuse := func(r *target.Response) { r.Status, r.Code, r.Fields = 403, "Forbidden", nil }
	modes := map[string]func(*target.Response){"honest": nil, "hidden": hide, "refused": refuse}
	for name, spoil := range modes {
		t.Run(name, func(t *testing.T) {
			lt, rep, sum := runWith(t, []string{fault}, contracts.DefaultRefusalBatch, spoil)
			require.NotZero(t, sum.Failed)
			if spoil != nil {
				assert.EqualValues(t, 1, lt.listings.Load(), "a listing that fails its first test is not read again")
			} else {
				assert.Greater(t, lt.listings.Load(), int64(1))
			}
			caught := 0
			for _, r := range rep.results {
				for _, c := range r.Checks {
					if c.Check == contracts.CheckNoStateChange && c.Verdict == contracts.Fail {
						caught++
						assert.NotNil(t, r.Repro, "a batched failure still says how to reproduce it: %s", r.ID)
					}
				}
			}
			assert.NotZero(t, caught, "no refused case was seen to leave its listener behind")
		})
	}
}

// A listing that names listeners which reading their ports back does not find is reported
// against the refused cases whose ports it names.
func TestListingThatInventsListenersIsReported(t *testing.T) {
	invent := func(r *target.Response) {
		holder, ok := r.Fields[spec.FieldListenerPorts].(map[string]any)
		if !ok {
			return
		}
		ports, _ := holder[spec.FieldListenerPort].([]any)
		for p := 20000; p < 22000; p++ { // the ports the runner hands to its cases
			ports = append(ports, p)
		}
		holder[spec.FieldListenerPort] = ports
	}
	_, rep, sum := runWith(t, nil, contracts.DefaultRefusalBatch, invent)
	require.NotZero(t, sum.Failed)
	reported := 0
	for _, r := range rep.results {
		for _, c := range r.Checks {
			if c.Check == contracts.CheckNoStateChange && c.Verdict == contracts.Fail {
				assert.Contains(t, c.Message, "reading that port back finds none", r.ID)
				reported++
			}
		}
	}
	assert.NotZero(t, reported)
}
