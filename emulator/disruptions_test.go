package emulator_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
)

// The resilience knobs are read under "disruptions" and, from older files, under "faults";
// both at once is refused.
func TestDisruptionsConfigKey(t *testing.T) {
	for _, key := range []string{"disruptions", "faults"} {
		cfg, err := emulator.ParseConfig([]byte(`{"` + key + `":{"latency":"150ms","rateLimit":20,"seed":7}}`))
		require.NoError(t, err, key)
		assert.Equal(t, 150*time.Millisecond, cfg.Disruptions.Latency, key)
		assert.Equal(t, 20.0, cfg.Disruptions.RateLimit, key)
		assert.Equal(t, uint64(7), cfg.Disruptions.Seed, key)
	}
	_, err := emulator.ParseConfig([]byte(`{"faults":{"seed":1},"disruptions":{"seed":2}}`))
	assert.ErrorContains(t, err, "former name")
}
