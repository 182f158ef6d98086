package generators

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/clbcheck/clbcheck/referee"
	"github.com/clbcheck/clbcheck/spec"
)

// Confirm checks, on the parameters as the server decodes them from the bytes sent, that a
// static case breaks exactly what it claims, whatever order a service checks in: a positive
// case breaks nothing; any other case breaks its claim (Broken) and nothing it does not
// declare (Broken.Also). The referee (package referee) judges, not the emulator's engine. It
// returns nil for cases that are not static (their outcome depends on state).
func Confirm(s *spec.Spec, c Case, sent url.Values) error {
	if !c.Static || c.Action != s.UnderTest.Action {
		return nil
	}
	return ConfirmFindings(c, RefereeFor(s).Findings(sent))
}

// ConfirmFindings is Confirm on findings already made.
func ConfirmFindings(c Case, fs []referee.Finding) error {
	if c.Broken == nil {
		if len(fs) > 0 {
			return fmt.Errorf("case %s should break nothing, but the bytes sent break %s", c.ID, list(fs))
		}
		return nil
	}
	found := false
	var extra []referee.Finding
	for _, f := range fs {
		switch {
		case claims(c.Broken, f):
			found = true
		case declares(c.Broken, f):
		default:
			extra = append(extra, f)
		}
	}
	if !found {
		return fmt.Errorf("case %s claims to break %s, but the bytes sent do not (they break: %s)", c.ID, claim(c.Broken), list(fs))
	}
	if len(extra) > 0 {
		return fmt.Errorf("case %s claims to break %s only, but the bytes sent also break %s", c.ID, claim(c.Broken), list(extra))
	}
	return nil
}

// claims reports whether a finding is what a case says it breaks.
func claims(b *Broken, f referee.Finding) bool {
	if b.Kind == spec.KindRule {
		return f.Kind == spec.KindRule && f.Rule == b.Rule
	}
	return f.Kind == b.Kind && f.Param == b.Param
}

// declares reports whether a finding is one the case declares it may also break: an entry of
// Also, or the lenient spelling of the very value it breaks by meaning.
func declares(b *Broken, f referee.Finding) bool {
	for _, a := range b.Also {
		if id, ok := strings.CutPrefix(a, "rule/"); ok {
			if f.Kind == spec.KindRule && f.Rule == id {
				return true
			}
			continue
		}
		kind, param, _ := strings.Cut(a, ":")
		if param == "" {
			param = b.Param
		}
		if string(f.Kind) == kind && f.Param == param {
			return true
		}
	}
	return false
}

func claim(b *Broken) string {
	if b.Kind == spec.KindRule {
		return "rule " + b.Rule
	}
	return fmt.Sprintf("%s of %s", b.Kind, b.Param)
}

func list(fs []referee.Finding) string {
	if len(fs) == 0 {
		return "nothing"
	}
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.String()
	}
	return strings.Join(parts, "; ")
}

// Placeholder resolves a reference to a stand-in value that passes static checks; tests use it
// to confirm cases without a target.
func Placeholder(ref string) string { return placeholder(ref) }
