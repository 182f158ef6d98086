package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// Config says who may call the emulator, how the provider-side scenarios are set and which
// faults it injects. The zero value is not useful: start from DefaultConfig and change what a
// test needs. Config is plain data (JSON tags) so that a file can seed it; Now is the only
// field that a file cannot set.
type Config struct {
	// Region is the region assumed when a request carries no RegionId.
	Region string `json:"region"`
	// HostID is reported in every error body.
	HostID string `json:"hostId,omitempty"`
	// Accounts are the tenants. Every resource belongs to one account and one region.
	Accounts []Account `json:"accounts"`
	// NoAuth turns signature checking off: a request acts as the owner of the AccessKeyId it
	// names when that key is configured, else as the first account's root.
	NoAuth bool `json:"noAuth,omitempty"`
	// Scenarios maps a scenario name of the description (x-scenarios) to its setting: a zone
	// name, a region name or a Go duration. Missing names take the description's default.
	Scenarios map[string]string `json:"scenarios,omitempty"`
	// Delays switches on the description's duration scenarios (x-scenarios with a duration
	// setting): a started listener reports starting for listener-start-delay, and changing it
	// in that window is answered ServiceIsConfiguring or ListenerProcessing; a new custom TLS
	// policy is configuring for tls-policy-configuring-time. Off (the default, as local cloud
	// emulators usually are), every change is complete when its answer is sent, so a plain
	// create/start/stop/delete script needs no waiting. The harness turns it on for its runs.
	Delays bool `json:"delays,omitempty"`
	// Quotas maps a quota name of the description (x-quotas) to its limit. Missing names take
	// the description's default.
	Quotas map[string]int `json:"quotas,omitempty"`
	// Choices are the decisions the reference page leaves open (see Choices); the zero value
	// is the emulator as it ships.
	Choices Choices `json:"choices,omitempty"`
	// Disruptions are the knobs for client-resilience tests (rate limit, latency, server
	// errors, dropped connections); all off when zero. They are not contract faults: a
	// correct service may show each of them (see Inject for deliberate contract violations).
	Disruptions Disruptions `json:"disruptions,omitempty"`
	// Inject names deliberately broken behaviours to switch on (see InjectableFaults); for
	// grading the harness, never for serving clients.
	Inject []string `json:"inject,omitempty"`
	// StateFile, when set, keeps the state across restarts (see the package documentation,
	// Persistence). Its directory must exist.
	StateFile string `json:"stateFile,omitempty"`
	// MaxNonces bounds the replay cache; 0 means 1<<21 entries, at most 1<<28. A nonce is kept
	// until no request carrying it could pass the timestamp check; when the cache is full, new
	// requests are answered Throttling.User until room frees up. The cache takes 24 bytes a
	// nonce at its bound (48 MiB for the default), less while it holds fewer.
	MaxNonces int `json:"maxNonces,omitempty"`
	// Server bounds the connections of an emulator served over a socket (see ServerLimits).
	Server ServerLimits `json:"server,omitempty"`
	// Now is the clock. nil means time.Now.
	Now func() time.Time `json:"-"`
}

// Disruptions are resilience knobs, each off by default: conditions a correct service may
// also show, for testing how a client copes. (Key "faults" in configuration files before
// the rename; still accepted.)
type Disruptions struct {
	// RateLimit is the number of requests per second allowed per access key (a token bucket
	// of RateBurst tokens); past it the answer is Throttling.User. 0 disables it.
	RateLimit float64 `json:"rateLimit,omitempty"`
	RateBurst int     `json:"rateBurst,omitempty"`
	// Latency is added before every answer.
	Latency time.Duration `json:"latency,omitempty"`
	// ServerErrorRate is the probability (0..1) of answering InternalError or
	// ServiceUnavailable instead of handling the request.
	ServerErrorRate float64 `json:"serverErrorRate,omitempty"`
	// DropRate is the probability (0..1) of closing the connection without an answer.
	DropRate float64 `json:"dropRate,omitempty"`
	// Seed seeds the random draws of the two rates above.
	Seed uint64 `json:"seed,omitempty"`
}

// Account is a tenant with its own access keys and RAM users.
type Account struct {
	// Name is a handle for tests and the command line ("primary", "secondary").
	Name string `json:"name"`
	// ID is the account (owner) id used in resource ARNs.
	ID    string      `json:"id"`
	Keys  []AccessKey `json:"keys"`
	Users []User      `json:"users,omitempty"`
}

// AccessKey is a key pair. Tokens are STS security tokens issued for this key: a request
// that carries a SecurityToken must carry one of them.
type AccessKey struct {
	ID       string   `json:"id"`
	Secret   string   `json:"secret"`
	Tokens   []string `json:"tokens,omitempty"`
	Disabled bool     `json:"disabled,omitempty"`
}

// User is a RAM user of an account, with its own keys and policies.
type User struct {
	Name     string      `json:"name"`
	Keys     []AccessKey `json:"keys"`
	Policies []Policy    `json:"policies,omitempty"`
}

// Policy is a RAM policy document.
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a policy. Action and Resource accept a string or a list.
type Statement struct {
	Effect   string     `json:"Effect"`
	Action   StringList `json:"Action"`
	Resource StringList `json:"Resource"`
}

// StringList decodes from a JSON string or a list of strings.
type StringList []string

// UnmarshalJSON accepts "x" as well as ["x","y"].
func (l *StringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = StringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("expected a string or a list of strings: %w", err)
	}
	*l = many
	return nil
}

// Principal is a set of credentials the emulator accepts, with who they stand for.
type Principal struct {
	Name        string                `json:"name"`
	AccountID   string                `json:"accountId"`
	UserName    string                `json:"userName,omitempty"` // empty for the account's root
	Credentials signature.Credentials `json:"credentials"`
}

// Well-known principal names of DefaultConfig.
const (
	PrincipalPrimary   = "primary"    // root key of the primary account
	PrincipalSecondary = "secondary"  // root key of the second account
	PrincipalDenied    = "ram-denied" // RAM user of the primary account denied the operation under test
	PrincipalSTS       = "primary-sts"
	PrincipalDisabled  = "key-disabled" // RAM user of the primary account whose only key is disabled
)

// The fixed keys of DefaultConfig. They are made up for local use with the emulator and are
// not, and never were, credentials of any real account.
const (
	DefaultPrimaryAccountID  = "1000000000000001"
	DefaultPrimaryKeyID      = "LTAIemulatorPrimary0001"
	DefaultPrimarySecret     = "emulator-primary-secret-for-local-use-only"
	DefaultSecondaryAcctID   = "1000000000000002"
	DefaultSecondaryKeyID    = "LTAIemulatorSecondary02"
	DefaultSecondarySecret   = "emulator-secondary-secret-for-local-use-only"
	DefaultDeniedUserName    = PrincipalDenied
	DefaultDeniedKeyID       = "LTAIemulatorRamDenied03"
	DefaultDeniedSecret      = "emulator-ram-user-secret-for-local-use-only"
	DefaultSTSToken          = "emulator-sts-token-for-local-use-only"
	DefaultDisabledKeyID     = "LTAIemulatorDisabled04"
	DefaultDisabledSecret    = "emulator-disabled-key-secret-for-local-use-only"
	DefaultRegion            = "cn-hangzhou"
	defaultMaxNonces         = 1 << 21
	maxMaxNonces             = 1 << 28
	ramActionPrefix          = "slb:"
	ramPolicyVersion         = "1"
	effectAllow, effectDeny  = "Allow", "Deny"
	noPermissionTypeImplicit = "ImplicitDeny"
	noPermissionTypeExplicit = "ExplicitDeny"
)

// DefaultConfig returns the configuration the harness and the command use by default: region
// cn-hangzhou, a primary and a secondary account with one key pair each, a RAM user of the
// primary account whose policy explicitly denies the operation under test and allows the
// rest, an STS token for the primary key, and the description's scenario and quota defaults.
func DefaultConfig() Config {
	s := spec.MustDefault()
	cfg := Config{
		Region: DefaultRegion,
		HostID: s.Wire.HostID,
		Accounts: []Account{
			{
				Name: PrincipalPrimary, ID: DefaultPrimaryAccountID,
				Keys: []AccessKey{{ID: DefaultPrimaryKeyID, Secret: DefaultPrimarySecret, Tokens: []string{DefaultSTSToken}}},
				Users: []User{{
					Name: DefaultDeniedUserName,
					Keys: []AccessKey{{ID: DefaultDeniedKeyID, Secret: DefaultDeniedSecret}},
					Policies: []Policy{{Version: ramPolicyVersion, Statement: []Statement{
						{Effect: effectDeny, Action: StringList{s.UnderTest.RAM.Action}, Resource: StringList{"*"}},
						{Effect: effectAllow, Action: StringList{ramActionPrefix + "*"}, Resource: StringList{"*"}},
					}}},
				}, {
					Name: PrincipalDisabled,
					Keys: []AccessKey{{ID: DefaultDisabledKeyID, Secret: DefaultDisabledSecret, Disabled: true}},
				}},
			},
			{
				Name: PrincipalSecondary, ID: DefaultSecondaryAcctID,
				Keys: []AccessKey{{ID: DefaultSecondaryKeyID, Secret: DefaultSecondarySecret}},
			},
		},
		Scenarios: map[string]string{},
		Quotas:    map[string]int{},
	}
	for _, sc := range s.Scenarios {
		cfg.Scenarios[sc.Name] = sc.Default
	}
	for _, q := range s.Quotas {
		cfg.Quotas[q.Name] = q.Default
	}
	return cfg
}

// ParseConfig reads a JSON configuration on top of DefaultConfig: top-level fields present in
// the document replace the defaults (accounts as a whole list), while scenarios and quotas
// are merged name by name.
func ParseConfig(data []byte) (Config, error) {
	data, err := renameLegacyKeys(data)
	if err != nil {
		return Config{}, err
	}
	var over Config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&over); err != nil {
		return Config{}, fmt.Errorf("emulator: configuration is not valid: %w", err)
	}
	var present map[string]json.RawMessage
	if err := json.Unmarshal(data, &present); err != nil {
		return Config{}, fmt.Errorf("emulator: configuration is not valid: %w", err)
	}
	cfg := DefaultConfig()
	for key := range present {
		switch key {
		case "region":
			cfg.Region = over.Region
		case "hostId":
			cfg.HostID = over.HostID
		case "accounts":
			cfg.Accounts = over.Accounts
		case "noAuth":
			cfg.NoAuth = over.NoAuth
		case "delays":
			cfg.Delays = over.Delays
		case "scenarios":
			for k, v := range over.Scenarios {
				cfg.Scenarios[k] = v
			}
		case "quotas":
			for k, v := range over.Quotas {
				cfg.Quotas[k] = v
			}
		case "choices":
			cfg.Choices = over.Choices
		case "disruptions":
			cfg.Disruptions = over.Disruptions
		case "inject":
			cfg.Inject = over.Inject
		case "stateFile":
			cfg.StateFile = over.StateFile
		case "maxNonces":
			cfg.MaxNonces = over.MaxNonces
		case "server":
			cfg.Server = over.Server
		}
	}
	if err := cfg.Check(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// Check reports configuration mistakes: duplicate key ids, empty secrets, unknown scenario
// or quota names, unparsable durations.
func (c Config) Check() error {
	s := spec.MustDefault()
	seen := map[string]bool{}
	addKey := func(owner string, k AccessKey) error {
		if k.ID == "" || k.Secret == "" {
			return fmt.Errorf("emulator: %s has a key without id or secret", owner)
		}
		if seen[k.ID] {
			return fmt.Errorf("emulator: access key id %q is configured twice", k.ID)
		}
		seen[k.ID] = true
		return nil
	}
	ids := map[string]bool{}
	for _, a := range c.Accounts {
		if a.ID == "" || ids[a.ID] {
			return fmt.Errorf("emulator: account %q needs a unique id", a.Name)
		}
		ids[a.ID] = true
		for _, k := range a.Keys {
			if err := addKey("account "+a.Name, k); err != nil {
				return err
			}
		}
		for _, u := range a.Users {
			for _, k := range u.Keys {
				if err := addKey("user "+u.Name, k); err != nil {
					return err
				}
			}
			for _, p := range u.Policies {
				for _, st := range p.Statement {
					if st.Effect != effectAllow && st.Effect != effectDeny {
						return fmt.Errorf("emulator: user %s: policy effect must be Allow or Deny, got %q", u.Name, st.Effect)
					}
				}
			}
		}
	}
	for name, v := range c.Scenarios {
		sc, ok := s.Scenario(spec.ScenarioName(name))
		if !ok {
			return fmt.Errorf("emulator: unknown scenario %q", name)
		}
		if sc.Setting == "duration" {
			if _, err := time.ParseDuration(v); err != nil {
				return fmt.Errorf("emulator: scenario %s: %w", name, err)
			}
		}
	}
	for name, v := range c.Quotas {
		if _, ok := s.Quota(spec.QuotaName(name)); !ok {
			return fmt.Errorf("emulator: unknown quota %q", name)
		}
		if v < 0 {
			return fmt.Errorf("emulator: quota %s may not be negative", name)
		}
	}
	if _, err := newInjector(c.Inject); err != nil {
		return fmt.Errorf("emulator: inject: %w", err)
	}
	if c.MaxNonces < 0 || c.MaxNonces > maxMaxNonces {
		return fmt.Errorf("emulator: maxNonces %d is out of range: give 0 (the default, %d) up to %d (24 bytes a nonce at the bound)", c.MaxNonces, defaultMaxNonces, maxMaxNonces)
	}
	if err := c.Server.check(); err != nil {
		return err
	}
	return c.Choices.Check()
}

// Principals lists every credential set the configuration accepts: each account key (named
// after the account, with "-2", "-3"... for further keys), each RAM user key (named after the
// user), and for each STS token the key with that token (the account name plus "-sts").
func (c Config) Principals() []Principal {
	var out []Principal
	for _, a := range c.Accounts {
		for i, k := range a.Keys {
			name := a.Name
			if i > 0 {
				name = fmt.Sprintf("%s-%d", a.Name, i+1)
			}
			out = append(out, Principal{Name: name, AccountID: a.ID, Credentials: signature.Credentials{AccessKeyID: k.ID, AccessKeySecret: k.Secret}})
			for j, t := range k.Tokens {
				tn := name + "-sts"
				if j > 0 {
					tn = fmt.Sprintf("%s-sts-%d", name, j+1)
				}
				out = append(out, Principal{Name: tn, AccountID: a.ID, Credentials: signature.Credentials{AccessKeyID: k.ID, AccessKeySecret: k.Secret, SecurityToken: t}})
			}
		}
		for _, u := range a.Users {
			for i, k := range u.Keys {
				name := u.Name
				if i > 0 {
					name = fmt.Sprintf("%s-%d", u.Name, i+1)
				}
				out = append(out, Principal{Name: name, AccountID: a.ID, UserName: u.Name, Credentials: signature.Credentials{AccessKeyID: k.ID, AccessKeySecret: k.Secret}})
			}
		}
	}
	return out
}

// Principal returns the credentials of a named principal (see Principals). DefaultConfig
// offers PrincipalPrimary, PrincipalSecondary, PrincipalDenied and PrincipalSTS.
func (c Config) Principal(name string) (Principal, bool) {
	for _, p := range c.Principals() {
		if p.Name == name {
			return p, true
		}
	}
	return Principal{}, false
}

// MustPrincipal is Principal for tests: it panics when the name is unknown.
func (c Config) MustPrincipal(name string) Principal {
	p, ok := c.Principal(name)
	if !ok {
		panic("emulator: no principal named " + name)
	}
	return p
}

// scenario is the setting of a scenario in force: "" when it is not offered.
func (c Config) scenario(name spec.ScenarioName) string {
	sc, ok := spec.MustDefault().Scenario(name)
	if !ok || !c.Choices.offered(sc) {
		return ""
	}
	if v, ok := c.Scenarios[string(name)]; ok {
		return v
	}
	return sc.Default
}

// scenarioDuration is the setting of a duration scenario in force: zero unless Delays is on.
func (c Config) scenarioDuration(name spec.ScenarioName) time.Duration {
	if !c.Delays {
		return 0
	}
	d, _ := time.ParseDuration(c.scenario(name))
	return d
}

// quotaLimit is the limit of a quota in force, or false when the quota is not enforced.
func (c Config) quotaLimit(name spec.QuotaName) (int, bool) {
	if c.Choices.NoQuotas {
		return 0, false
	}
	if v, ok := c.Quotas[string(name)]; ok {
		return v, true
	}
	if q, ok := spec.MustDefault().Quota(name); ok {
		return q.Default, true
	}
	return 0, false
}

// UnmarshalJSON reads Disruptions, accepting the latency as a Go duration string ("150ms") as
// well as a number of nanoseconds.
func (f *Disruptions) UnmarshalJSON(b []byte) error {
	type plain Disruptions
	var aux struct {
		plain
		Latency json.RawMessage `json:"latency,omitempty"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&aux); err != nil {
		return err
	}
	*f = Disruptions(aux.plain)
	if len(aux.Latency) == 0 {
		return nil
	}
	var s string
	if err := json.Unmarshal(aux.Latency, &s); err == nil {
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("faults.latency: %w", err)
		}
		f.Latency = d
		return nil
	}
	var n int64
	if err := json.Unmarshal(aux.Latency, &n); err != nil {
		return fmt.Errorf("faults.latency: expected a duration such as \"150ms\": %w", err)
	}
	f.Latency = time.Duration(n)
	return nil
}

// clone returns a deep copy, so that an emulator never shares slices or maps with its caller.
func (c Config) clone() Config {
	now := c.Now
	c.Now = nil
	data, err := json.Marshal(c)
	if err != nil {
		panic("emulator: configuration cannot be copied: " + err.Error())
	}
	var out Config
	if err := json.Unmarshal(data, &out); err != nil {
		panic("emulator: configuration cannot be copied: " + err.Error())
	}
	out.Now = now
	return out
}

// renameLegacyKeys accepts the configuration key "faults", the name of "disruptions" before
// the rename, so that older files keep working; giving both is an error.
func renameLegacyKeys(data []byte) ([]byte, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("emulator: configuration is not valid: %w", err)
	}
	legacy, ok := top["faults"]
	if !ok {
		return data, nil
	}
	if _, both := top["disruptions"]; both {
		return nil, fmt.Errorf("emulator: configuration is not valid: give \"disruptions\" only (\"faults\" is its former name)")
	}
	delete(top, "faults")
	top["disruptions"] = legacy
	return json.Marshal(top)
}
