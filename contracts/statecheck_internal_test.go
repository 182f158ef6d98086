package contracts

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A changed listener is reported by the fields that changed, not as two whole listeners.
func TestChangedFieldsShowsOnlyTheDifference(t *testing.T) {
	before := map[string]any{"RequestId": "a", "Status": "stopped", "Description": "first", "Bandwidth": -1, "Gzip": "on", "Cookie": "c"}
	after := map[string]any{"RequestId": "b", "Status": "running", "Description": "second", "Bandwidth": -1, "Gzip": "on", "AclId": "acl-1"}
	was, now := changedFields(before, after)
	assert.JSONEq(t, `{"Description":"first","Cookie":"c"}`, was)
	assert.JSONEq(t, `{"Description":"second","AclId":"acl-1"}`, now)
}
