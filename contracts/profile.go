package contracts

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
)

// Profiles decide how strictly inferred expectations are held.
const (
	// ProfileStrict fails a case whose answer misses an inferred expectation too.
	ProfileStrict = "strict"
	// ProfileDocumented asserts only what the seed page documents; a missed inferred
	// expectation is a warning. It is the default for every target but the embedded emulator.
	ProfileDocumented = "documented"
)

// MissVerdict is the verdict of an answer that misses an expectation: a failure, unless the
// expectation is only inferred and the profile is not strict, when it is a warning. Every check
// that softens inferred expectations asks it.
func MissVerdict(inferred bool, profile string) Verdict {
	if inferred && profile != ProfileStrict {
		return Warn
	}
	return Fail
}

// Override replaces the expectation of matching cases. Every non-empty Match field must match.
type Override struct {
	Match struct {
		Param    string `json:"param,omitempty" yaml:"param"`       // parameter path, e.g. IdleTimeout or Tag.Key
		Kind     string `json:"kind,omitempty" yaml:"kind"`         // constraint kind, rule, state, wire, auth
		Rule     string `json:"rule,omitempty" yaml:"rule"`         // rule id, state name or auth mode
		Case     string `json:"case,omitempty" yaml:"case"`         // case id prefix
		Scenario string `json:"scenario,omitempty" yaml:"scenario"` // scenario name
	} `json:"match" yaml:"match"`
	Expect struct {
		Success bool     `json:"success,omitempty" yaml:"success"`
		Code    string   `json:"code,omitempty" yaml:"code"`
		Status  int      `json:"status,omitempty" yaml:"status"`
		Accept  []string `json:"accept,omitempty" yaml:"accept"`
		Skip    string   `json:"skip,omitempty" yaml:"skip"` // skip matching cases with this reason
	} `json:"expect" yaml:"expect"`
	Reason string `json:"reason,omitempty" yaml:"reason"`
}

// Overrides is the content of an --expectations file.
type Overrides struct {
	Expectations []Override `json:"expectations" yaml:"expectations"`
}

// ReadOverrides reads an expectations file (YAML or JSON).
func ReadOverrides(path string) (*Overrides, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read expectations file: %w", err)
	}
	return ParseOverrides(raw, path)
}

// ParseOverrides parses an expectations document and checks every entry.
func ParseOverrides(raw []byte, name string) (*Overrides, error) {
	var o Overrides
	var err error
	if strings.HasPrefix(strings.TrimSpace(string(raw)), "{") {
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		err = dec.Decode(&o)
	} else {
		dec := yaml.NewDecoder(strings.NewReader(string(raw)))
		dec.KnownFields(true)
		err = dec.Decode(&o)
	}
	if err != nil {
		return nil, fmt.Errorf("expectations file %s is not valid: %w", name, err)
	}
	for i, e := range o.Expectations {
		m := e.Match
		if m.Param == "" && m.Kind == "" && m.Rule == "" && m.Case == "" && m.Scenario == "" {
			return nil, fmt.Errorf("expectations file %s: entry %d matches every case; give at least one of param, kind, rule, case, scenario", name, i+1)
		}
		if !e.Expect.Success && e.Expect.Code == "" && e.Expect.Skip == "" {
			return nil, fmt.Errorf("expectations file %s: entry %d expects nothing; give success: true, a code (with status), or skip", name, i+1)
		}
		if e.Expect.Code != "" && (e.Expect.Status < 400 || e.Expect.Status > 599) {
			return nil, fmt.Errorf("expectations file %s: entry %d gives code %s without a 4xx/5xx status", name, i+1, e.Expect.Code)
		}
	}
	s, err := spec.Default()
	if err != nil {
		return nil, err
	}
	if err := o.checkNames(s, name); err != nil {
		return nil, err
	}
	return &o, nil
}

// apply returns the expectation for c after overrides, and a skip reason if an override
// skips it.
func (o *Overrides) apply(c generators.Case) (spec.Outcome, string, bool) {
	if o == nil {
		return c.Expect, "", false
	}
	for _, e := range o.Expectations {
		m := e.Match
		b := c.Broken
		if b == nil {
			b = &generators.Broken{}
		}
		if (m.Param != "" && m.Param != b.Param) || (m.Kind != "" && m.Kind != string(b.Kind)) ||
			(m.Rule != "" && m.Rule != b.Rule && m.Rule != b.State) || (m.Case != "" && !strings.HasPrefix(c.ID, m.Case)) ||
			(m.Scenario != "" && m.Scenario != c.Scenario) {
			continue
		}
		if e.Expect.Skip != "" {
			return c.Expect, e.Expect.Skip, true
		}
		out := spec.Outcome{Success: e.Expect.Success, Code: e.Expect.Code, Status: e.Expect.Status, Basis: spec.Documented, DirectionBasis: spec.Documented, Accept: e.Expect.Accept}
		if len(out.Accept) == 0 && out.Code != "" {
			out.Accept = []string{out.Code}
		}
		return out, "", true
	}
	return c.Expect, "", false
}
