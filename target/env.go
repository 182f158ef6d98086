package target

import (
	"fmt"
	"strings"

	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// Environment variables that carry credentials for a live target. The first three are the
// standard Alibaba Cloud ones; the others give the harness's extra principals. Their values
// are never printed.
const (
	EnvKeyID            = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	EnvKeySecret        = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
	EnvToken            = "ALIBABA_CLOUD_SECURITY_TOKEN"
	EnvSecondKeyID      = "CLBCHECK_SECOND_ACCESS_KEY_ID"
	EnvSecondSecret     = "CLBCHECK_SECOND_ACCESS_KEY_SECRET"
	EnvRestrictedKeyID  = "CLBCHECK_RESTRICTED_ACCESS_KEY_ID"
	EnvRestrictedSecret = "CLBCHECK_RESTRICTED_ACCESS_KEY_SECRET"
	EnvDisabledKeyID    = "CLBCHECK_DISABLED_ACCESS_KEY_ID"
	EnvDisabledSecret   = "CLBCHECK_DISABLED_ACCESS_KEY_SECRET"
)

// PrincipalEnv names the variables of one principal's credentials.
type PrincipalEnv struct {
	Principal string // spec.Principal*
	KeyID     string
	Secret    string
	Token     string // "" when the principal takes no STS token
}

// PrincipalsEnv lists every principal's variables, in the order messages name principals.
var PrincipalsEnv = []PrincipalEnv{
	{spec.PrincipalPrimary, EnvKeyID, EnvKeySecret, EnvToken},
	{spec.PrincipalSecond, EnvSecondKeyID, EnvSecondSecret, ""},
	{spec.PrincipalRestricted, EnvRestrictedKeyID, EnvRestrictedSecret, ""},
	{spec.PrincipalDisabled, EnvDisabledKeyID, EnvDisabledSecret, ""},
}

// CredentialsFromEnv reads every principal whose key id and secret are set, through getenv
// (os.Getenv, or a stand-in in tests). One without the other is an error that names the
// variables, never their values.
func CredentialsFromEnv(getenv func(string) string) (map[string]signature.Credentials, error) {
	out := map[string]signature.Credentials{}
	for _, p := range PrincipalsEnv {
		id, secret := strings.TrimSpace(getenv(p.KeyID)), getenv(p.Secret)
		switch {
		case id == "" && secret == "":
			continue
		case id == "":
			return nil, fmt.Errorf("%s is set but %s is not; set both or neither", p.Secret, p.KeyID)
		case secret == "":
			return nil, fmt.Errorf("%s is set but %s is not; set both or neither", p.KeyID, p.Secret)
		}
		c := signature.Credentials{AccessKeyID: id, AccessKeySecret: secret}
		if p.Token != "" {
			c.SecurityToken = getenv(p.Token)
		}
		out[p.Principal] = c
	}
	return out, nil
}
