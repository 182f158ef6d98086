package contracts

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A RequestId seen again is reported while it is remembered; the memory keeps the last
// recentIDsKept of them, so it stays flat however long the run.
func TestRecentIDsRemembersTheLastOnes(t *testing.T) {
	var r recentIDs
	assert.False(t, r.seen("a"))
	assert.True(t, r.seen("a"), "the same RequestId twice")
	for i := 0; i < recentIDsKept; i++ {
		assert.False(t, r.seen(strconv.Itoa(i)))
	}
	assert.False(t, r.seen("a"), "forgotten after recentIDsKept others")
	assert.True(t, r.seen(strconv.Itoa(recentIDsKept-1)), "the newest are still remembered")
	assert.Len(t, r.set, recentIDsKept)
	assert.Len(t, r.ring, recentIDsKept)
}
