package contracts

import (
	"errors"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/stretchr/testify/assert"
)

// gopter's verdicts map to ours: EXHAUSTED (too few sequences drawn, none failed) is a skip,
// not a failure; a failure is the lifecycle check's, with the sequence; a setup error skips.
func TestConcludeSequences(t *testing.T) {
	var res CaseResult
	concludeSequences(&res, &gopter.TestResult{Status: gopter.TestExhausted, Succeeded: 3, Discarded: 40}, nil)
	assert.Equal(t, Skip, res.Verdict)
	assert.Contains(t, res.SkipReason, "nothing failed")
	assert.Empty(t, res.Checks)

	res = CaseResult{}
	concludeSequences(&res, &gopter.TestResult{Status: gopter.TestPassed, Succeeded: 5}, nil)
	assert.Equal(t, Pass, res.Verdict)

	res = CaseResult{}
	concludeSequences(&res, &gopter.TestResult{Status: gopter.TestPassed}, errors.New("quota"))
	assert.Equal(t, Skip, res.Verdict)

	res = CaseResult{}
	out := &gopter.TestResult{Status: gopter.TestFailed, Error: errors.New("status differs"),
		Args: gopter.PropArgs{&gopter.PropArg{Arg: "create(7001)"}, &gopter.PropArg{Arg: "start(7001)"}}}
	concludeSequences(&res, out, nil)
	assert.Equal(t, Fail, res.Verdict)
	if assert.Len(t, res.Checks, 1) {
		assert.Equal(t, CheckLifecycle, res.Checks[0].Check)
		assert.Contains(t, res.Checks[0].Message, "create(7001) start(7001)")
	}
	assert.Equal(t, 2, res.Size)
}
