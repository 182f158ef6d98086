package contracts

import (
	"context"
	"fmt"
	"sync"

	"github.com/clbcheck/clbcheck/target"
)

// race sends n copies of one create at the same moment (each signed on its own) and checks
// that exactly one wins. It returns a refused answer (or the first one when none was refused)
// for the other checks to judge, and the single-winner verdict.
func (r *runner) race(ctx context.Context, req target.Request, n int) (*target.Response, *CheckResult, error) {
	resps := make([]*target.Response, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			resps[i], errs[i] = r.send(ctx, req)
		}(i)
	}
	close(start)
	wg.Wait()
	winners := 0
	var refused *target.Response
	for i := range resps {
		if errs[i] != nil {
			return nil, nil, errs[i]
		}
		if resps[i].Success() {
			winners++
		} else if refused == nil {
			refused = resps[i]
		}
	}
	check := CheckResult{Check: CheckSingleWinner, Verdict: Pass, Expected: "1", Actual: fmt.Sprint(winners)}
	if winners != 1 {
		check.Verdict = Fail
		check.Message = fmt.Sprintf("%d of %d simultaneous creates on one port succeeded; exactly one must", winners, n)
	}
	if refused == nil {
		refused = resps[0]
	}
	return refused, &check, nil
}
