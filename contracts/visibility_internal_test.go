package contracts

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A refusal's port is read back after the lag the target has shown for its creations, and
// half as much again: a listener a refused create wrongly stored shows no sooner.
func TestSettleDelayFollowsTheLagSeen(t *testing.T) {
	var v visibility
	assert.Zero(t, v.settleDelay(), "no lag seen yet")
	v.record(40*time.Millisecond, true, true)
	assert.Zero(t, v.settleDelay(), "a listener that showed at the first read shows no lag, however slow the read")
	v.record(200*time.Millisecond, true, false)
	assert.Equal(t, 300*time.Millisecond, v.settleDelay())
	v.record(100*time.Millisecond, true, false)
	assert.Equal(t, 300*time.Millisecond, v.settleDelay(), "the longest lag counts")
	v.record(10*time.Second, false, false)
	assert.Equal(t, 300*time.Millisecond, v.settleDelay(), "a wait that ran out measured no lag")
	v.record(5*time.Second, true, false)
	assert.Equal(t, visibleWithin, v.settleDelay(), "never longer than a creation may take to show")
}
