package reports

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/spec"
)

// SARIFSchema is the JSON schema a SARIF 2.1.0 log names.
const SARIFSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// SARIF writes a SARIF 2.1.0 log for code-scanning tools: one rule per check, one result per
// finding (one cause, see Findings; level "error", "warning" for warnings), each pointing at
// the parameter or rule in spec/openapi.yaml it is about, with the expected and actual outcome,
// the number of cases, and the smallest example with its reproduction in its message. Against
// a baseline, baselineState says whether the finding is new.
type SARIF struct {
	w        io.Writer
	col      collector
	describe func(check string) string
}

// NewSARIF returns a reporter that writes a SARIF log to w.
func NewSARIF(w io.Writer) contracts.Reporter { return &SARIF{w: w} }

// NewSARIFDescribed is NewSARIF with a function that gives each check's one-line description
// for its rule (the check registry knows them); an empty answer falls back to a generic one.
func NewSARIFDescribed(w io.Writer, describe func(check string) string) contracts.Reporter {
	return &SARIF{w: w, describe: describe}
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
	ColumnKind  string            `json:"columnKind"`
	Properties  map[string]any    `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string      `json:"id"`
	Name                 string      `json:"name"`
	ShortDescription     sarifText   `json:"shortDescription"`
	FullDescription      sarifText   `json:"fullDescription"`
	DefaultConfiguration sarifConfig `json:"defaultConfiguration"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool           `json:"executionSuccessful"`
	StartTimeUTC        string         `json:"startTimeUtc,omitempty"`
	Properties          map[string]any `json:"properties,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	BaselineState       string            `json:"baselineState,omitempty"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// Begin records the run's description.
func (s *SARIF) Begin(m contracts.Meta) error { return s.col.begin(m) }

// Case counts a case and keeps it only if it failed or warned.
func (s *SARIF) Case(r contracts.CaseResult) error { return s.col.add(r) }

// End writes the log.
func (s *SARIF) End(sum contracts.Summary, _ contracts.Coverage) error {
	if err := s.col.end(); err != nil {
		return err
	}
	summary := s.col.summary(sum)
	all := s.col.findings()
	// Rules: every configured check, then any other check that produced a finding.
	checks := slices.Clone(s.col.meta.Checks)
	var extra []string
	for _, f := range all {
		if !slices.Contains(checks, f.Check) && !slices.Contains(extra, f.Check) {
			extra = append(extra, f.Check)
		}
	}
	slices.Sort(extra)
	checks = append(checks, extra...)
	index := map[string]int{}
	rules := make([]sarifRule, 0, len(checks))
	for _, c := range checks {
		if _, dup := index[c]; dup {
			continue
		}
		index[c] = len(rules)
		rules = append(rules, s.rule(c))
	}

	results := make([]sarifResult, 0, len(all))
	for _, f := range all {
		results = append(results, sarifResultFor(f, index[f.Check]))
	}

	inv := sarifInvocation{
		ExecutionSuccessful: summary.Status() == contracts.StatusPass || summary.Status() == contracts.StatusFail,
		Properties: map[string]any{
			"target": summary.Target, "profile": summary.Profile, "seed": summary.Seed,
			"cases": summary.Cases, "passed": summary.Passed, "failed": summary.Failed,
			"skipped": summary.Skipped, "warnings": summary.Warnings, "durationSeconds": summary.DurationS,
		},
	}
	if summary.Aborted {
		inv.Properties["abortCause"] = summary.AbortCause
	}
	inv.Properties["status"], inv.Properties["planned"], inv.Properties["notRun"] = summary.Status(), summary.Planned, summary.NotRun
	inv.Properties["requests"], inv.Properties["transient"] = summary.Requests, summary.Trouble
	if summary.Trouble == nil {
		inv.Properties["transient"] = []contracts.Trouble{}
	}
	if notes := statusNotes(summary); len(notes) > 0 {
		inv.Properties["notes"] = notes
	}
	if !summary.Started.IsZero() {
		inv.StartTimeUTC = summary.Started.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	log := sarifLog{
		Schema:  SARIFSchema,
		Version: "2.1.0",
		Runs: []sarifRun{{
			Tool:        sarifTool{Driver: sarifDriver{Name: ToolName, Version: s.col.meta.Version, Rules: rules}},
			Invocations: []sarifInvocation{inv},
			Results:     results,
			ColumnKind:  "unicodeCodePoints",
		}},
	}
	bw := bufio.NewWriter(s.w)
	if err := encodeJSON(bw, log); err != nil {
		return err
	}
	return bw.Flush()
}

func (s *SARIF) rule(check string) sarifRule {
	short := ""
	if s.describe != nil {
		short = s.describe(check)
	}
	if short == "" {
		short = fmt.Sprintf("The answer to a case must satisfy the %s check.", check)
		if check == outcomeCheck {
			short = "The outcome of a case must match the outcome the description documents."
		}
	}
	return sarifRule{
		ID:               check,
		Name:             check,
		ShortDescription: sarifText{Text: short},
		FullDescription: sarifText{Text: short + " Each result names the case, the parameter or rule it broke, " +
			"the expected and actual outcome, and a command that sends it again."},
		DefaultConfiguration: sarifConfig{Level: "error"},
	}
}

func sarifResultFor(f Finding, ruleIndex int) sarifResult {
	r := f.ExampleCase()
	level := "error"
	if f.Verdict == contracts.Warn {
		level = "warning"
	}
	var msg strings.Builder
	fmt.Fprintf(&msg, "Check %s", f.Check)
	if f.Subject != "" {
		fmt.Fprintf(&msg, " on %s", f.Subject)
	}
	fmt.Fprintf(&msg, ": expected %s, got %s", oneLine(f.Expected), oneLine(f.Actual))
	if f.Message != "" {
		fmt.Fprintf(&msg, " (%s)", strings.TrimSuffix(oneLine(f.Message), "."))
	}
	fmt.Fprintf(&msg, ", in %s. Smallest example: %s.", plural(f.Count, "case"), r.ID)
	if b := brokenText(r.Broken); b != "" {
		fmt.Fprintf(&msg, " It changed %s.", b)
	}
	if rp := r.Repro; rp != nil {
		for _, l := range []struct{ label, text string }{{"Rerun", rp.Rerun}, {"Replay", rp.Replay}, {"Curl", rp.Curl}} {
			if l.text != "" {
				fmt.Fprintf(&msg, "\n%s: %s", l.label, l.text)
			}
		}
	}
	name, kind, line := findingLocation(f, r)
	props := map[string]any{
		"cases": f.Count, "caseIds": f.Cases, "example": r.ID, "subject": f.Subject, "category": r.Category, "scenario": r.Scenario,
		"size": r.Size, "seed": r.Seed, "expected": f.Expected, "actual": f.Actual, "cause": Cause(r),
	}
	if r.Repro != nil {
		props["rerun"], props["replay"], props["curl"] = r.Repro.Rerun, r.Repro.Replay, r.Repro.Curl
	}
	res := sarifResult{
		RuleID:    f.Check,
		RuleIndex: ruleIndex,
		Level:     level,
		Message:   sarifText{Text: msg.String()},
		Locations: []sarifLocation{{
			PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: SpecPath, URIBaseID: "%SRCROOT%"},
				Region:           sarifRegion{StartLine: line},
			},
			LogicalLocations: []sarifLogical{{Name: name, FullyQualifiedName: spec.ActionCreateHTTPSListener + "." + name, Kind: kind}},
		}},
		PartialFingerprints: map[string]string{"clbcheckFinding/v1": fingerprintHash(f)},
		Properties:          props,
	}
	switch f.Baseline {
	case "new":
		res.BaselineState = "new"
	case "known":
		res.BaselineState = "unchanged"
	}
	return res
}

// findingLocation is where in the description a finding points: the parameter or rule it is
// about, else the operation.
func findingLocation(f Finding, r contracts.CaseResult) (name, kind string, line int) {
	name, kind, line = spec.ActionCreateHTTPSListener, "function", 1
	b := r.Broken
	switch {
	case b != nil && b.Param != "" && b.Kind != "rule":
		return b.Param, "parameter", specLine(paramLines, b.Param)
	case b != nil && b.Rule != "":
		return b.Rule, "object", specLine(ruleLines, b.Rule)
	case f.Subject != "":
		if n := specLine(paramLines, f.Subject); n > 1 {
			return f.Subject, "parameter", n
		}
	}
	return name, kind, line
}

// fingerprintHash is a short stable hash of a finding's identity.
func fingerprintHash(f Finding) string {
	sum := sha256.Sum256([]byte(f.Fingerprint()))
	return hex.EncodeToString(sum[:8])
}

// Line numbers of parameters and rules in the embedded description, found once.
var (
	specLinesOnce sync.Once
	paramLine     map[string]int
	ruleLine      map[string]int
)

var (
	reParamKey = regexp.MustCompile(`^    ([A-Za-z0-9_.]+):\s*$`)
	reRuleID   = regexp.MustCompile(`^  - id:\s*['"]?([^'"\s]+)`)
)

// specLine returns the line of name in the description (for a dotted parameter path, of its
// first element), or 1 when it is not found.
func specLine(index func() map[string]int, name string) int {
	m := index()
	if n, ok := m[name]; ok {
		return n
	}
	if head, _, ok := strings.Cut(name, "."); ok {
		if n, ok := m[head]; ok {
			return n
		}
	}
	return 1
}

func loadSpecLines() {
	paramLine, ruleLine = map[string]int{}, map[string]int{}
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(spec.Document()))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "  parameters:") && section == "components":
			section = "components.parameters"
			continue
		case line != "" && line[0] != ' ' && line[0] != '#':
			section = strings.TrimSuffix(strings.Fields(line)[0], ":")
			continue
		case strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") && section == "components.parameters":
			section = "components"
		}
		switch section {
		case "components.parameters":
			if m := reParamKey.FindStringSubmatch(line); m != nil {
				if _, dup := paramLine[m[1]]; !dup {
					paramLine[m[1]] = n
				}
			}
		case "x-rules":
			if m := reRuleID.FindStringSubmatch(line); m != nil {
				ruleLine[m[1]] = n
			}
		}
	}
}

func paramLines() map[string]int { specLinesOnce.Do(loadSpecLines); return paramLine }
func ruleLines() map[string]int  { specLinesOnce.Do(loadSpecLines); return ruleLine }
