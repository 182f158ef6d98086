package bench_test

import (
	"context"
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
	held := tg.Emu.Held()
	require.Len(t, held, 2, "the run used both accounts")
	for account, n := range held {
		assert.Zero(t, n, "resources left in account %s", account)
	}
	t.Logf("%d cases", sum.Cases)
}
