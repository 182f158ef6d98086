package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/clbcheck/clbcheck/spec"
)

func init() {
	register(command{
		name:    "spec",
		summary: "show the contract under test: parameters, rules, error codes (--format text|json|yaml)",
		run:     runSpec,
	})
}

func runSpec(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("clbcheck spec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output `format`: text (a summary), json (the model) or yaml (the embedded description)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), joinLines(
			"Usage: clbcheck spec [--format text|json|yaml]",
			"",
			"Shows the contract clbcheck tests against, as loaded from the embedded OpenAPI description:",
			"  text  a summary: the operation, its parameters (seed page vs beyond), the rules, the",
			"        error codes (documented vs inferred, gateway), what reaches them, and the codes",
			"        no request can reach, with the reasons;",
			"  json  the whole typed model, as other tools read it;",
			"  yaml  the embedded description itself, byte for byte.",
			"",
			"Flags:",
		))
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "clbcheck spec: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}

	switch *format {
	case "yaml":
		if _, err := stdout.Write(spec.Document()); err != nil {
			fmt.Fprintf(stderr, "clbcheck spec: %v\n", err)
			return exitUsage
		}
		return exitOK
	case "json", "text":
	default:
		fmt.Fprintf(stderr, "clbcheck spec: unknown format %q (want text, json or yaml)\n", *format)
		return exitUsage
	}

	s, err := spec.Default()
	if err != nil {
		fmt.Fprintf(stderr, "clbcheck spec: the embedded description does not load: %v\n", err)
		return exitUsage
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(s); err != nil {
			fmt.Fprintf(stderr, "clbcheck spec: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	writeSpecSummary(stdout, s)
	return exitOK
}

// writeSpecSummary prints the model for people. The order is the description's, so the output
// is stable from run to run.
func writeSpecSummary(w io.Writer, s *spec.Spec) {
	op := s.UnderTest
	fmt.Fprintf(w, "%s\n", s.Title)
	fmt.Fprintf(w, "\nOperation under test: %s (API version %s), %s %s\n",
		op.Action, s.APIVersion, strings.Join(s.Wire.Methods, "|"), s.Wire.Path)
	if op.RAM != nil {
		fmt.Fprintf(w, "  RAM action %s, access level %s\n", op.RAM.Action, op.RAM.AccessLevel)
	}
	var others []string
	for _, o := range s.Operations {
		if !o.UnderTest {
			others = append(others, o.Action)
		}
	}
	sort.Strings(others)
	fmt.Fprintf(w, "  neighbouring operations (%d): %s\n", len(others), strings.Join(others, ", "))
	writeParamSummary(w, op)
	writeRuleSummary(w, s)
	writeCodeSummary(w, s)
}

// writeParamSummary lists the parameters of the operation under test, those of the seed page
// first, with the fields of list parameters.
func writeParamSummary(w io.Writer, op *spec.Operation) {
	var seed, beyond []*spec.Parameter
	for _, p := range op.Parameters {
		if p.Common {
			continue
		}
		if p.Source == spec.SourceBeyond {
			beyond = append(beyond, p)
		} else {
			seed = append(seed, p)
		}
	}
	fmt.Fprintf(w, "\nParameters: %d (%d from the seed page, %d beyond it)\n", len(seed)+len(beyond), len(seed), len(beyond))
	for _, group := range []struct {
		title string
		ps    []*spec.Parameter
	}{{"seed page", seed}, {"beyond the seed page", beyond}} {
		fmt.Fprintf(w, "  %s:\n", group.title)
		for _, p := range group.ps {
			fmt.Fprintf(w, "    %-42s %s\n", p.Name, paramSummary(p))
			if p.List != nil {
				for _, f := range p.List.Fields {
					fmt.Fprintf(w, "      %-40s %s\n", "."+f.Name, paramSummary(f))
				}
			}
		}
	}
}

// writeRuleSummary lists the rules with their kind, basis and expected answer.
func writeRuleSummary(w io.Writer, s *spec.Spec) {
	fmt.Fprintf(w, "\nRules: %d\n", len(s.Rules))
	for _, r := range s.Rules {
		answer := r.Outcome.String()
		if r.Kind == spec.RuleEffectiveOnlyWhen {
			answer = "never refused"
		}
		fmt.Fprintf(w, "  %-40s %-19s %-10s -> %s\n", r.ID, r.Kind, r.Basis, answer)
		fmt.Fprintf(w, "      %s\n", r.Description)
		if clause := ruleClause(r); clause != "" {
			fmt.Fprintf(w, "      %s\n", clause)
		}
	}
}

// writeCodeSummary lists the error codes, what reaches them, and those nothing reaches.
func writeCodeSummary(w io.Writer, s *spec.Spec) {
	documented, inferred := 0, 0
	for _, e := range s.Errors {
		if e.Documented {
			documented++
		} else {
			inferred++
		}
	}
	fmt.Fprintf(w, "\nError codes of the operation: %d (%d documented by the seed page, %d inferred); gateway codes: %d\n",
		len(s.Errors), documented, inferred, len(s.GatewayErrors))
	for _, e := range s.Errors {
		fmt.Fprintf(w, "  %d %-55s %-10s %s\n", e.Status, e.Code, codeBasis(e), triggerSummary(e.Trigger))
	}
	fmt.Fprintf(w, "  answered by the API gateway in front of every operation:\n")
	for _, e := range s.GatewayErrors {
		fmt.Fprintf(w, "  %d %-55s %-10s gateway state %s\n", e.Status, e.Code, codeBasis(e), e.Trigger.State)
	}

	// What reaches the codes.
	byKind := map[string]int{}
	for _, e := range s.Errors {
		byKind[e.Trigger.Kind]++
	}
	byKind[spec.TriggerGateway] += len(s.GatewayErrors)
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Fprintf(w, "\nCodes reached by each kind of trigger:\n")
	for _, k := range kinds {
		fmt.Fprintf(w, "  %-12s %d\n", k, byKind[k])
	}

	// Unreachable codes.
	var unreachable []spec.ErrorCode
	for _, e := range s.Errors {
		if e.Trigger.Kind == spec.TriggerUnreachable {
			unreachable = append(unreachable, e)
		}
	}
	fmt.Fprintf(w, "\nUnreachable codes: %d\n", len(unreachable))
	for _, e := range unreachable {
		fmt.Fprintf(w, "  %s: %s\n", e.Code, e.Trigger.Reason)
	}
}

// codeBasis says whether the seed page documents an error code or it was inferred.
func codeBasis(e spec.ErrorCode) spec.Basis {
	if e.Documented {
		return spec.Documented
	}
	return spec.Inferred
}

// paramSummary renders a parameter's type, required flag and constraints on one line.
func paramSummary(p *spec.Parameter) string {
	parts := []string{p.Type}
	if p.Required {
		parts = append(parts, "required")
	}
	for _, c := range p.Constraints {
		var s string
		switch c.Kind {
		case spec.KindType:
			continue
		case spec.KindMinimum:
			s = fmt.Sprintf(">=%d", c.Int)
		case spec.KindMaximum:
			s = fmt.Sprintf("<=%d", c.Int)
		case spec.KindMinLength:
			s = fmt.Sprintf("len>=%d", c.Int)
		case spec.KindMaxLength:
			s = fmt.Sprintf("len<=%d", c.Int)
		case spec.KindMaxItems:
			s = fmt.Sprintf("items<=%d", c.Int)
		case spec.KindEnum:
			s = "{" + strings.Join(c.Values, ",") + "}"
		case spec.KindPattern:
			s = "pattern " + c.Pattern
		case spec.KindForbiddenPrefixes:
			s = "not starting " + strings.Join(c.Values, "|")
		case spec.KindForbiddenSubstrings:
			s = "not containing " + strings.Join(c.Values, "|")
		case spec.KindForbiddenValues:
			s = "not " + strings.Join(c.Values, "|")
		default:
			s = string(c.Kind)
		}
		if c.Basis == spec.Inferred {
			s += "(inferred)"
		}
		parts = append(parts, s)
	}
	if p.Default != nil {
		parts = append(parts, "default "+*p.Default)
	}
	return strings.Join(parts, " ")
}

// ruleClause renders what a rule asks for.
func ruleClause(r spec.Rule) string {
	var when []string
	for _, c := range r.When {
		switch {
		case c.Absent:
			when = append(when, c.Param+" absent")
		case c.Present:
			when = append(when, c.Param+" present")
		default:
			when = append(when, c.Param+"="+c.Equals)
		}
	}
	prefix := ""
	if len(when) > 0 {
		prefix = "when " + strings.Join(when, " and ") + ": "
	}
	switch r.Kind {
	case spec.RuleRequires:
		return prefix + "require " + strings.Join(r.Require, ", ")
	case spec.RuleOneOf:
		return prefix + "one of " + strings.Join(r.Params, ", ")
	case spec.RuleExclusive:
		return prefix + "at most one of " + strings.Join(r.Params, ", ")
	case spec.RuleUniqueValue:
		return prefix + fmt.Sprintf("at most one %s entry per %s value", r.List, r.Field)
	case spec.RuleDistinct:
		return prefix + "pairwise different: " + strings.Join(r.Params, ", ")
	case spec.RuleEffectiveOnlyWhen:
		return prefix + "only then effective: " + strings.Join(r.Params, ", ")
	}
	return prefix
}

// triggerSummary renders what reaches an error code.
func triggerSummary(t spec.Trigger) string {
	var s string
	switch t.Kind {
	case spec.TriggerParameter:
		ks := make([]string, len(t.Violations))
		for i, k := range t.Violations {
			ks[i] = string(k)
		}
		s = fmt.Sprintf("parameter %s breaks %s", t.Parameter, strings.Join(ks, "/"))
	case spec.TriggerRule:
		s = "rule " + t.Rule
	case spec.TriggerState:
		s = "state " + t.State
	case spec.TriggerScenario:
		s = fmt.Sprintf("scenario %s (state %s)", t.Scenario, t.State)
	case spec.TriggerQuota:
		s = "quota " + t.Quota
		if t.MultiACL {
			s += " (several ACLs)"
		}
	case spec.TriggerUnreachable:
		return "unreachable"
	default:
		s = t.Kind
	}
	if t.Kind == spec.TriggerParameter && t.State != "" {
		s += ", state " + t.State
	}
	if t.Basis == spec.Inferred {
		s += " [trigger inferred]"
	}
	return s
}
