package target_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

func TestCredentialsFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	creds, err := target.CredentialsFromEnv(env(map[string]string{
		target.EnvKeyID: " id1 ", target.EnvKeySecret: "s1", target.EnvToken: "tok",
		target.EnvRestrictedKeyID: "id3", target.EnvRestrictedSecret: "s3",
	}))
	require.NoError(t, err)
	assert.Len(t, creds, 2)
	assert.Equal(t, "id1", creds[spec.PrincipalPrimary].AccessKeyID, "the key id is trimmed")
	assert.Equal(t, "tok", creds[spec.PrincipalPrimary].SecurityToken)
	assert.Empty(t, creds[spec.PrincipalRestricted].SecurityToken, "only the primary takes a token")

	_, err = target.CredentialsFromEnv(env(map[string]string{target.EnvSecondKeyID: "id2", target.EnvSecondSecret: ""}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), target.EnvSecondSecret)
	assert.NotContains(t, err.Error(), "id2", "values are never shown")
}
