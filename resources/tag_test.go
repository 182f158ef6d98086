package resources_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// Instances created through a run-tagged target carry the run tag and are found by it; other
// instances are not.
func TestRunTagFindsWhatARunCreated(t *testing.T) {
	tg, err := embedded.New(emulator.DefaultConfig())
	require.NoError(t, err)
	ctx := context.Background()
	untagged, err := tg.Send(ctx, target.Request{Action: spec.ActionCreateLoadBalancer})
	require.NoError(t, err)
	require.True(t, untagged.Success())
	tagged := resources.WithRunTag(tg, "run42")
	var made []string
	for i := 0; i < 3; i++ {
		resp, err := tagged.Send(ctx, target.Request{Action: spec.ActionCreateLoadBalancer, Params: []target.KV{{Name: "Tag.1.Key", Value: "team"}, {Name: "Tag.1.Value", Value: "x"}}})
		require.NoError(t, err)
		require.True(t, resp.Success(), resp.Code)
		made = append(made, resp.Fields[spec.FieldLoadBalancerID].(string))
	}
	found, err := resources.TaggedInstances(ctx, tg, spec.PrincipalPrimary, "run42")
	require.NoError(t, err)
	assert.ElementsMatch(t, made, found)
	none, err := resources.TaggedInstances(ctx, tg, spec.PrincipalPrimary, "other-run")
	require.NoError(t, err)
	assert.Empty(t, none)
	other, err := resources.TaggedInstances(ctx, tg, spec.PrincipalSecond, "run42")
	require.NoError(t, err)
	assert.Empty(t, other, "another account does not see them")
}
