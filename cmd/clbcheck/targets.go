package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"maps"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/clbcheck/clbcheck/cassette"
	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// Kinds of target.
const (
	kindEmulator = "emulator" // the embedded emulator, in-process
	kindURL      = "url"      // any HTTP endpoint
	kindAliyun   = "aliyun"   // the real cloud
	kindReplay   = "replay"   // answers from a recorded cassette, offline
)

const defaultRegion = "cn-hangzhou"

// usageError is a problem with the command line or the environment: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// targetFlags are the flags every command that talks to a target shares.
type targetFlags struct {
	target         string
	region         string
	record         string
	replay         string
	requestTimeout time.Duration
}

// retrySleep is the pause between retries of live targets (nil: a real timer); tests replace
// it so that a target that never answers costs no wall-clock time.
var retrySleep func(ctx context.Context, d time.Duration) error

// defaultRequestTimeout is how long a request to a live target may take unless
// --request-timeout says otherwise.
const defaultRequestTimeout = 30 * time.Second

func (tf *targetFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&tf.target, "target", kindEmulator, "where requests go: `emulator` (embedded, in-process), a URL (http://host:port), or aliyun (the real cloud)")
	fs.StringVar(&tf.region, "region", "", "region sent as RegionId, and of the aliyun endpoint (default "+defaultRegion+")")
	fs.StringVar(&tf.record, "record", "", "record every exchange into `DIR` as a cassette (credentials and signatures left out, ids and times normalised)")
	fs.StringVar(&tf.replay, "replay", "", "answer every request from the cassette in `DIR`, offline, with the settings of its recording (seed, --random, --sequences, filters)")
	fs.DurationVar(&tf.requestTimeout, "request-timeout", defaultRequestTimeout, "give up on an answer after this `duration`")
}

// chosenTarget is a target ready to use, with how it was chosen.
type chosenTarget struct {
	target.Target
	kind    string
	baseURL string
	creds   map[string]signature.Credentials
}

// Unwrap returns the target the choice stands for.
func (c *chosenTarget) Unwrap() target.Target { return c.Target }

// offering is a target in front of an in-process emulator (recorded runs) that still says
// what the emulator offers.
type offering struct {
	target.Target
	emu *emulator.Emulator
}

// Offered implements target.Offerer.
func (o offering) Offered() (map[string]int, map[string]string) { return o.emu.Offered() }

// Unwrap returns the target requests go through.
func (o offering) Unwrap() target.Target { return o.Target }

var regionPattern = regexp.MustCompile(`^[a-z]{2,}(-[a-z0-9]+)+$`)

// build turns the flags into a target. Errors are usageErrors. With --record, the cassette's
// description is written by writeCassetteMeta once the run's settings are known.
func (tf *targetFlags) build() (*chosenTarget, error) {
	switch {
	case tf.record != "" && tf.replay != "":
		return nil, usagef("--record and --replay cannot be combined: record against a live target, then replay the folder")
	case tf.requestTimeout < 0:
		return nil, usagef("--request-timeout cannot be negative; give a duration such as 30s")
	case tf.requestTimeout == 0:
		tf.requestTimeout = defaultRequestTimeout
	}
	switch {
	case tf.replay != "":
		return tf.fromCassette()
	}
	return tf.buildLive()
}

// writeCassetteMeta describes the recording: the target, its principals and the settings that
// decide which requests the run sends (run, by flag name).
func (tf *targetFlags) writeCassetteMeta(ct *chosenTarget, run map[string][]string) error {
	names := strings.Split(principalNames(ct.creds), ", ")
	quotas, scenarios, _ := target.OfferedBy(ct)
	if err := cassette.WriteMeta(tf.record, cassette.Meta{Target: ct.Name(), Region: ct.Region(), Principals: names,
		STS: ct.creds[spec.PrincipalPrimary].SecurityToken != "", Quotas: quotas, Scenarios: scenarios, Run: run}); err != nil {
		return usagef("%v", err)
	}
	return nil
}

// InProcess reports whether the target has no network address a curl line could reach.
func (c *chosenTarget) InProcess() bool { return c.kind == kindEmulator || c.kind == kindReplay }

// replayArgs name the target on a `clbcheck replay` line; empty for the embedded emulator,
// replay's default.
func (tf *targetFlags) replayArgs(kind string) string {
	var args []string
	switch kind {
	case kindReplay:
		args = append(args, "--replay", contracts.ShellQuote(tf.replay))
	case kindURL, kindAliyun:
		args = append(args, "--target", contracts.ShellQuote(strings.TrimSpace(tf.target)))
	}
	if tf.region != "" && kind != kindReplay {
		args = append(args, "--region", tf.region)
	}
	return strings.Join(args, " ")
}

// fromCassette builds a target answered from a recording, with stand-in credentials for the
// principals the recording run had.
func (tf *targetFlags) fromCassette() (*chosenTarget, error) {
	meta, err := cassette.ReadMeta(tf.replay)
	if err != nil {
		return nil, usagef("%v", err)
	}
	client, err := cassette.NewReplayClient(tf.replay)
	if err != nil {
		return nil, usagef("%v", err)
	}
	creds := map[string]signature.Credentials{}
	for _, p := range meta.Principals {
		if p != "" {
			creds[p] = signature.Credentials{AccessKeyID: "replay-" + p, AccessKeySecret: "replay"}
		}
	}
	if c, ok := creds[spec.PrincipalPrimary]; ok && meta.STS {
		c.SecurityToken = "replay"
		creds[spec.PrincipalPrimary] = c
	}
	h, err := target.NewHTTP(target.HTTPConfig{BaseURL: "http://cassette.invalid", Credentials: creds, Region: meta.Region, Client: client,
		Name: "replay of " + meta.Target + " (" + tf.replay + ")"})
	if err != nil {
		return nil, usagef("%v", err)
	}
	// The recording's retries are replayed as they happened, without the pauses between them.
	noPause := func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	var t target.Target = target.NewRetrying(h, target.RetryPolicy{Sleep: noPause})
	if meta.Quotas != nil || meta.Scenarios != nil {
		t = recordedOffer{Target: t, meta: meta}
	}
	return &chosenTarget{Target: t, kind: kindReplay, baseURL: h.Name(), creds: creds}, nil
}

// recordedOffer is a replay that offers what the recorded target offered.
type recordedOffer struct {
	target.Target
	meta cassette.Meta
}

// Offered implements target.Offerer.
func (r recordedOffer) Offered() (map[string]int, map[string]string) {
	return maps.Clone(r.meta.Quotas), maps.Clone(r.meta.Scenarios)
}

// Unwrap returns the replaying target.
func (r recordedOffer) Unwrap() target.Target { return r.Target }

// transport is the HTTP transport of live targets: recording when --record is set.
func (tf *targetFlags) transport(next http.RoundTripper) (http.RoundTripper, error) {
	if tf.record == "" {
		return next, nil
	}
	rec, err := cassette.NewRecorder(tf.record, next)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return rec, nil
}

func (tf *targetFlags) buildLive() (*chosenTarget, error) {
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
		if tf.record == "" {
			t, err := embedded.New(cfg)
			if err != nil {
				return nil, usagef("%v", err)
			}
			return &chosenTarget{Target: t, kind: kindEmulator, creds: embedded.PrincipalCredentials(cfg)}, nil
		}
		emu, err := emulator.New(embedded.WithTransitions(cfg))
		if err != nil {
			return nil, usagef("%v", err)
		}
		tr, err := tf.transport(target.HandlerTransport(emu))
		if err != nil {
			return nil, err
		}
		creds := embedded.PrincipalCredentials(cfg)
		h, err := target.NewHTTP(target.HTTPConfig{BaseURL: "http://127.0.0.1", Credentials: creds, Region: cfg.Region, Client: &http.Client{Transport: tr}, Name: "emulator (embedded)"})
		if err != nil {
			return nil, usagef("%v", err)
		}
		return &chosenTarget{Target: offering{Target: h, emu: emu}, kind: kindEmulator, creds: creds}, nil
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
	if _, ok := creds[spec.PrincipalPrimary]; !ok {
		return nil, usagef(joinLines(
			"the target %s needs credentials, and none are set.",
			"  Set %s and %s (and %s for STS credentials).",
			"  Optional: %s / %s for a second account (cross-account cases),",
			"            %s / %s for a RAM user denied the operation.",
			"  For `clbcheck emulator`, its banner lists the keys it accepts."),
			base, target.EnvKeyID, target.EnvKeySecret, target.EnvToken, target.EnvSecondKeyID, target.EnvSecondSecret, target.EnvRestrictedKeyID, target.EnvRestrictedSecret)
	}
	tr, err := tf.transport(target.NewTransport())
	if err != nil {
		return nil, err
	}
	h, err := target.NewHTTP(target.HTTPConfig{BaseURL: base, Credentials: creds, Region: region, Client: &http.Client{Transport: tr, Timeout: tf.requestTimeout}})
	if err != nil {
		return nil, usageError{err.Error()}
	}
	// Remote targets throttle and hiccup: set-up and clean-up calls are retried with backoff
	// (freshly signed each time); judged requests only on throttling.
	return &chosenTarget{Target: target.NewRetrying(h, target.RetryPolicy{Sleep: retrySleep}), kind: kind, baseURL: base, creds: creds}, nil
}

// credentialsFromEnv reads the principals' credentials; a half-set pair is a usage error.
func credentialsFromEnv() (map[string]signature.Credentials, error) {
	creds, err := target.CredentialsFromEnv(os.Getenv)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	return creds, nil
}

// principalNames lists, for a message, which principals a target has credentials for.
func principalNames(creds map[string]signature.Credentials) string {
	var names []string
	for _, p := range target.PrincipalsEnv {
		if _, ok := creds[p.Principal]; ok {
			names = append(names, p.Principal)
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
	err := quietParse(fs, func() error {
		var err error
		pos, err = interspersed(fs, args)
		return err
	})
	return pos, err
}

func interspersed(fs *flag.FlagSet, args []string) ([]string, error) {
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
