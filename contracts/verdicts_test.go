package contracts_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// A target whose primary key has no security token skips the STS case saying that the token,
// not the key, is missing, and which variable carries it.
func TestSTSCaseSkipNamesTheMissingToken(t *testing.T) {
	tg, err := target.NewHTTP(target.HTTPConfig{BaseURL: "http://127.0.0.1:9",
		Credentials: map[string]signature.Credentials{spec.PrincipalPrimary: {AccessKeyID: "id", AccessKeySecret: "secret"}}})
	require.NoError(t, err)
	no := false
	fixtures := &resources.FixtureFile{Provision: &no, Slots: map[string]string{spec.SlotLB: "lb-given", spec.SlotCert: "cert-given"}}
	rep := &collect{}
	_, _, err = contracts.Execute(context.Background(), tg, contracts.Options{Seed: 1, Reporter: rep, Fixtures: fixtures, Random: -1, Sequences: -1,
		Filter: func(c generators.Case) bool { return c.Auth == spec.AuthSTS }})
	require.NoError(t, err)
	require.Len(t, rep.results, 1)
	assert.Equal(t, contracts.Skip, rep.results[0].Verdict)
	assert.Contains(t, rep.results[0].SkipReason, "STS token (set "+target.EnvToken)
}

// A value that should have been refused and was accepted fails expected-outcome once; what it
// reads back as (ON sent, on stored) is not a second failure of listener-created.
func TestAcceptedInvalidValueFailsOnce(t *testing.T) {
	cfg := emulator.DefaultConfig()
	cfg.Inject = []string{"engine/enum-case-insensitive"}
	emu, err := embedded.New(cfg)
	require.NoError(t, err)
	rep := &collect{}
	_, _, err = contracts.Execute(context.Background(), lowering{emu}, contracts.Options{Seed: 1, Reporter: rep, Random: -1, Sequences: -1,
		Filter: func(c generators.Case) bool { return c.ID == "negative/Gzip/ENUM_WRONG_CASE/ON" }})
	require.NoError(t, err)
	require.Len(t, rep.results, 1)
	res := rep.results[0]
	assert.Equal(t, contracts.Fail, res.Verdict)
	for _, c := range res.Checks {
		if c.Verdict == contracts.Fail {
			assert.Equal(t, contracts.CheckExpectedOutcome, c.Check, "%+v", c)
		}
	}
}

// lowering reads every upper-case value of a listener back in lower case, as a service that
// folds enum values when it stores them does.
type lowering struct{ target.Target }

func (l lowering) Send(ctx context.Context, req target.Request) (*target.Response, error) {
	resp, err := l.Target.Send(ctx, req)
	if err == nil && req.Action == spec.ActionDescribeHTTPSListener {
		for k, v := range resp.Fields {
			if text, ok := v.(string); ok && text == strings.ToUpper(text) {
				resp.Fields[k] = strings.ToLower(text)
			}
		}
	}
	return resp, err
}
