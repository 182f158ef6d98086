package bench_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
)

// A run removes what it created: after a default in-process run against the emulator, which
// builds certificates, CA certificates and ACLs of both accounts and custom TLS policies
// (fixtures and the set-up of state and quota cases), the emulator holds no load balancer,
// server certificate, CA certificate, ACL or TLS policy in any account or region.
func TestRunLeavesNothingBehind(t *testing.T) {
	tg, err := embedded.New(emulator.DefaultConfig())
	require.NoError(t, err)
	defer tg.Emu.Close()
	sum, _, err := contracts.Execute(context.Background(), tg, contracts.Options{Profile: contracts.ProfileStrict, Seed: 1})
	require.NoError(t, err)
	require.Zero(t, sum.Failed)
	require.Empty(t, sum.AbortCause, "the clean-up says nothing went wrong")
	raw, err := tg.Emu.Snapshot()
	require.NoError(t, err)
	var st struct {
		Accounts map[string]struct {
			Regions map[string]map[string]map[string]json.RawMessage `json:"regions"`
		} `json:"accounts"`
	}
	require.NoError(t, json.Unmarshal(raw, &st))
	require.Len(t, st.Accounts, 2, "the run used both accounts")
	for account, a := range st.Accounts {
		for region, r := range a.Regions {
			for _, kind := range []string{"loadBalancers", "certificates", "acls", "tlsPolicies"} {
				assert.Empty(t, r[kind], "%s left in account %s, region %s", kind, account, region)
			}
		}
	}
	t.Logf("%d cases", sum.Cases)
}
