// Package embedded is the adapter that makes an in-process emulator a target of the harness:
// the emulator of package emulator answers through its HTTP handler, without a socket, with
// the credentials of its configuration under the harness's principal names, and says which
// provider-side facts (quotas, scenarios) it offers. It lives beside the emulator so that the
// harness (target, contracts) never depends on the emulator.
//
//   - [New] starts an emulator and returns its [Target]; [NewHandler] wraps any handler
//     speaking the emulator's protocol (a deliberately broken one in tests).
//   - [PrincipalCredentials] maps a configuration's keys to the harness's principals.
//   - [WithTransitions] turns the emulator's delayed transitions on, as the harness's cases need.
package embedded

import (
	"fmt"
	"net/http"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// PrincipalCredentials maps the harness's principal names to an emulator configuration's
// credentials (the primary key carries the STS token for STS cases).
func PrincipalCredentials(cfg emulator.Config) map[string]signature.Credentials {
	out := map[string]signature.Credentials{}
	pick := func(harness, emu string) {
		if p, ok := cfg.Principal(emu); ok {
			out[harness] = p.Credentials
		}
	}
	pick(spec.PrincipalPrimary, emulator.PrincipalPrimary)
	pick(spec.PrincipalSecond, emulator.PrincipalSecondary)
	pick(spec.PrincipalRestricted, emulator.PrincipalDenied)
	pick(spec.PrincipalDisabled, emulator.PrincipalDisabled)
	if sts, ok := cfg.Principal(emulator.PrincipalSTS); ok {
		c := out[spec.PrincipalPrimary]
		if c.AccessKeyID == sts.Credentials.AccessKeyID {
			c.SecurityToken = sts.Credentials.SecurityToken
			out[spec.PrincipalPrimary] = c
		}
	}
	return out
}

// Target is a target backed by an in-process emulator.
type Target struct {
	*target.HTTP
	Emu *emulator.Emulator
	cfg emulator.Config
}

// Offered implements target.Offerer: the embedded emulator (or a handler built from the same
// configuration) says which quotas and scenarios it offers.
func (e *Target) Offered() (map[string]int, map[string]string) { return e.cfg.Offered() }

// WithTransitions returns cfg with the emulator's delayed transitions on (Config.Delays): the
// harness's cases include states a change passes through (a listener still starting, a custom
// TLS policy still configuring), which the emulator shows only then.
func WithTransitions(cfg emulator.Config) emulator.Config {
	cfg.Delays = true
	return cfg
}

// New starts an in-process emulator with cfg, its delayed transitions on (see
// WithTransitions), and returns a target that talks to it through its HTTP handler, without
// opening a socket.
func New(cfg emulator.Config) (*Target, error) {
	emu, err := emulator.New(WithTransitions(cfg))
	if err != nil {
		return nil, fmt.Errorf("cannot start the embedded emulator: %w", err)
	}
	return NewHandler(emu, emu.Config(), "emulator (embedded)")
}

// NewHandler wraps any handler speaking the emulator's protocol (a broken emulator in tests,
// for instance) with the credentials of cfg.
func NewHandler(h http.Handler, cfg emulator.Config, name string) (*Target, error) {
	ht, err := target.NewHTTP(target.HTTPConfig{
		BaseURL:     "http://127.0.0.1",
		Credentials: PrincipalCredentials(cfg),
		Region:      cfg.Region,
		Handler:     h,
		Name:        name,
		Now:         cfg.Now,
	})
	if err != nil {
		return nil, err
	}
	emu, _ := h.(*emulator.Emulator)
	return &Target{HTTP: ht, Emu: emu, cfg: cfg}, nil
}
