package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/target"
)

// Environment variables that carry credentials. Their values are never printed.
const (
	envKeyID            = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	envKeySecret        = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
	envToken            = "ALIBABA_CLOUD_SECURITY_TOKEN"
	envSecondKeyID      = "CLBCHECK_SECOND_ACCESS_KEY_ID"
	envSecondSecret     = "CLBCHECK_SECOND_ACCESS_KEY_SECRET"
	envRestrictedKeyID  = "CLBCHECK_RESTRICTED_ACCESS_KEY_ID"
	envRestrictedSecret = "CLBCHECK_RESTRICTED_ACCESS_KEY_SECRET"
)

// Kinds of target.
const (
	kindEmulator = "emulator" // the embedded emulator, in-process
	kindURL      = "url"      // any HTTP endpoint
	kindAliyun   = "aliyun"   // the real cloud
)

const defaultRegion = "cn-hangzhou"

// usageError is a problem with the command line or the environment: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// targetFlags are the flags every command that talks to a target shares.
type targetFlags struct {
	target string
	region string
}

func (tf *targetFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&tf.target, "target", kindEmulator, "where requests go: `emulator` (embedded, in-process), a URL (http://host:port), or aliyun (the real cloud)")
	fs.StringVar(&tf.region, "region", "", "region sent as RegionId, and of the aliyun endpoint (default "+defaultRegion+")")
}

// chosenTarget is a target ready to use, with how it was chosen.
type chosenTarget struct {
	target.Target
	kind    string
	baseURL string
	creds   map[string]signature.Credentials
}

var regionPattern = regexp.MustCompile(`^[a-z]{2,}(-[a-z0-9]+)+$`)

// build turns the flags into a target. Errors are usageErrors.
func (tf *targetFlags) build() (*chosenTarget, error) {
	region := tf.region
	if region != "" && !regionPattern.MatchString(region) {
		return nil, usagef("--region %q does not look like a region id (e.g. cn-hangzhou, ap-southeast-1)", region)
	}
	switch name := strings.TrimSpace(tf.target); {
	case name == kindEmulator || name == "":
		cfg := emulator.DefaultConfig()
		if region != "" {
			cfg.Region = region
		}
		t, err := target.NewEmulator(cfg)
		if err != nil {
			return nil, usagef("%v", err)
		}
		return &chosenTarget{Target: t, kind: kindEmulator, creds: target.PrincipalCredentials(cfg)}, nil
	case name == kindAliyun:
		if region == "" {
			region = defaultRegion
		}
		return tf.http(kindAliyun, "https://slb."+region+".aliyuncs.com", region)
	case strings.HasPrefix(name, "http://") || strings.HasPrefix(name, "https://"):
		if region == "" {
			region = defaultRegion
		}
		return tf.http(kindURL, strings.TrimRight(name, "/"), region)
	default:
		return nil, usagef("--target %q is neither emulator, aliyun nor an http:// or https:// URL", name)
	}
}

func (tf *targetFlags) http(kind, base, region string) (*chosenTarget, error) {
	creds, err := credentialsFromEnv()
	if err != nil {
		return nil, err
	}
	if _, ok := creds[generators.PrincipalPrimary]; !ok {
		return nil, usagef(joinLines(
			"the target %s needs credentials, and none are set.",
			"  Set %s and %s (and %s for STS credentials).",
			"  Optional: %s / %s for a second account (cross-account cases),",
			"            %s / %s for a RAM user denied the operation.",
			"  For `clbcheck emulator`, its banner lists the keys it accepts."),
			base, envKeyID, envKeySecret, envToken, envSecondKeyID, envSecondSecret, envRestrictedKeyID, envRestrictedSecret)
	}
	h, err := target.NewHTTP(target.HTTPConfig{BaseURL: base, Credentials: creds, Region: region})
	if err != nil {
		return nil, usageError{err.Error()}
	}
	return &chosenTarget{Target: h, kind: kind, baseURL: base, creds: creds}, nil
}

// credentialsFromEnv reads the three principals. A key id without its secret (or the reverse)
// is an error; the message names the variables, never their values.
func credentialsFromEnv() (map[string]signature.Credentials, error) {
	out := map[string]signature.Credentials{}
	pairs := []struct{ principal, id, secret, token string }{
		{generators.PrincipalPrimary, envKeyID, envKeySecret, envToken},
		{generators.PrincipalSecond, envSecondKeyID, envSecondSecret, ""},
		{generators.PrincipalRestricted, envRestrictedKeyID, envRestrictedSecret, ""},
	}
	for _, p := range pairs {
		id, secret := strings.TrimSpace(os.Getenv(p.id)), os.Getenv(p.secret)
		switch {
		case id == "" && secret == "":
			continue
		case id == "":
			return nil, usagef("%s is set but %s is not; set both or neither", p.secret, p.id)
		case secret == "":
			return nil, usagef("%s is set but %s is not; set both or neither", p.id, p.secret)
		}
		c := signature.Credentials{AccessKeyID: id, AccessKeySecret: secret}
		if p.token != "" {
			c.SecurityToken = os.Getenv(p.token)
		}
		out[p.principal] = c
	}
	return out, nil
}

// principalNames lists, for a message, which principals a target has credentials for.
func principalNames(creds map[string]signature.Credentials) string {
	var names []string
	for _, p := range []string{generators.PrincipalPrimary, generators.PrincipalSecond, generators.PrincipalRestricted} {
		if _, ok := creds[p]; ok {
			names = append(names, p)
		}
	}
	return strings.Join(names, ", ")
}

var runIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

func newRunID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// defaultLedgerPath is where a run's ledger goes when --ledger is not given: the --out
// directory, else the user's cache directory.
func defaultLedgerPath(outDir, runID string) (string, error) {
	name := "ledger-" + runID + ".jsonl"
	if outDir != "" {
		return outDir + string(os.PathSeparator) + name, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", usagef("no --out directory and no cache directory (%v); give --ledger FILE", err)
	}
	return dir + string(os.PathSeparator) + "clbcheck" + string(os.PathSeparator) + name, nil
}

// parseInterspersed parses flags that may come before or after positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

var tokenPattern = regexp.MustCompile(`(SecurityToken=)[^&"\s]*`)

// redactSecrets hides security tokens in text that may quote a request URL (transport errors
// do). Key secrets never appear on the wire, and a key id is not a secret.
func redactSecrets(s string) string { return tokenPattern.ReplaceAllString(s, "${1}(hidden)") }
