package spec

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed openapi.yaml
var embedded []byte

// Document returns the embedded description as written (YAML).
func Document() []byte { return append([]byte(nil), embedded...) }

// Spec is the loaded, validated model. It is read-only: share it freely between goroutines
// and never modify what its methods return.
type Spec struct {
	Title             string           `json:"title"`
	APIVersion        string           `json:"apiVersion"`
	UnderTest         *Operation       `json:"underTest"`
	Operations        []*Operation     `json:"operations"`
	Rules             []Rule           `json:"rules"`
	Errors            []ErrorCode      `json:"errors"`
	GatewayErrors     []ErrorCode      `json:"gatewayErrors"`
	NeighbourErrors   []ErrorCode      `json:"neighbourErrors,omitempty"`
	ViolationOutcomes map[Kind]Outcome `json:"violationOutcomes"`
	States            []State          `json:"states"`
	Scenarios         []Scenario       `json:"scenarios"`
	Quotas            []Quota          `json:"quotas"`
	Wire              Wire             `json:"wire"`

	doc      *openapi3.T
	byAction map[string]*Operation
	errors   map[string]ErrorCode
}

var (
	defaultOnce sync.Once
	defaultSpec *Spec
	defaultErr  error
)

// Default loads the embedded description once and returns the cached model.
func Default() (*Spec, error) {
	defaultOnce.Do(func() { defaultSpec, defaultErr = Parse(embedded) })
	return defaultSpec, defaultErr
}

// MustDefault is Default for program start-up and tests: the embedded description is checked by
// the package's tests, so a failure here is a build defect, reported by panic.
func MustDefault() *Spec {
	s, err := Default()
	if err != nil {
		panic(fmt.Sprintf("clbcheck: embedded description does not load (a build defect): %v", err))
	}
	return s
}

// Doc returns the kin-openapi document for request and response validation. Callers must not
// modify it.
func (s *Spec) Doc() *openapi3.T { return s.doc }

// Operation returns an operation by Action name, or nil.
func (s *Spec) Operation(action string) *Operation { return s.byAction[action] }

// Error returns an operation or gateway error by code.
func (s *Spec) Error(code string) (ErrorCode, bool) {
	e, ok := s.errors[code]
	return e, ok
}

// DocumentedCodes lists the documented error codes of the operation under test (not the
// gateway's), in description order.
func (s *Spec) DocumentedCodes() []string {
	var out []string
	for _, e := range s.Errors {
		if e.Documented {
			out = append(out, e.Code)
		}
	}
	return out
}

// GatewayError returns the gateway error whose trigger state is name.
func (s *Spec) GatewayError(state GatewayState) (ErrorCode, bool) {
	return first(s.GatewayErrors, func(e ErrorCode) bool { return e.Trigger.State == string(state) })
}

// NeighbourError returns the error of a neighbouring operation whose trigger state is name.
func (s *Spec) NeighbourError(state NeighbourState) (ErrorCode, bool) {
	return first(s.NeighbourErrors, func(e ErrorCode) bool { return e.Trigger.State == string(state) })
}

// NeighbourCode returns the error of a neighbouring operation with a code.
func (s *Spec) NeighbourCode(code string) (ErrorCode, bool) {
	return first(s.NeighbourErrors, func(e ErrorCode) bool { return e.Code == code })
}

// ErrorsForState lists the operation's error codes reached through a named state.
func (s *Spec) ErrorsForState(state string) []ErrorCode {
	var out []ErrorCode
	for _, e := range s.Errors {
		if e.Trigger.State == state {
			out = append(out, e)
		}
	}
	return out
}

// StateError returns the (first) error code of a state.
func (s *Spec) StateError(state StateName) (ErrorCode, bool) {
	return first(s.Errors, func(e ErrorCode) bool { return e.Trigger.State == string(state) && !e.Trigger.MultiACL })
}

// State returns a named state.
func (s *Spec) State(name StateName) (State, bool) {
	return first(s.States, func(st State) bool { return st.Name == string(name) })
}

// Scenario returns a named scenario.
func (s *Spec) Scenario(name ScenarioName) (Scenario, bool) {
	return first(s.Scenarios, func(sc Scenario) bool { return sc.Name == string(name) })
}

// Quota returns a named quota.
func (s *Spec) Quota(name QuotaName) (Quota, bool) {
	return first(s.Quotas, func(q Quota) bool { return q.Name == string(name) })
}

// Rule returns a rule by id.
func (s *Spec) Rule(id string) (Rule, bool) {
	return first(s.Rules, func(r Rule) bool { return r.ID == id })
}

// first returns the first element of list that match accepts: the one shape of every lookup
// by name or state above.
func first[T any](list []T, match func(T) bool) (T, bool) {
	for _, x := range list {
		if match(x) {
			return x, true
		}
	}
	var zero T
	return zero, false
}

// ParamOutcome is the expected answer when parameter (or list field) p breaks constraint k.
func (s *Spec) ParamOutcome(p *Parameter, k Kind) Outcome {
	if k == KindRequired {
		return p.RequiredResult
	}
	for i := range p.Constraints {
		if p.Constraints[i].Kind == k {
			return p.Constraints[i].Outcome
		}
	}
	return s.defaultOutcome(k)
}

// RuleOutcome is the expected answer when a rule is broken.
func (s *Spec) RuleOutcome(id string) Outcome {
	if r, ok := s.Rule(id); ok {
		return r.Outcome
	}
	return s.defaultOutcome(KindRule)
}

// WireOutcome is the expected answer for a wire irregularity (duplicate, unknown, list-index).
func (s *Spec) WireOutcome(k Kind) Outcome { return s.defaultOutcome(k) }

func (s *Spec) defaultOutcome(k Kind) Outcome {
	o, ok := s.ViolationOutcomes[k]
	if !ok {
		o = s.ViolationOutcomes[KindType]
	}
	o.Basis = Inferred
	o.DirectionBasis = Inferred
	return o
}

// Parse loads a description from YAML or JSON bytes, validates it with kin-openapi and builds
// the model. Errors are *LoadError.
func Parse(data []byte) (*Spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, &LoadError{Code: ErrCodeParse, Msg: "the description is not a readable OpenAPI document", Err: err}
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, &LoadError{Code: ErrCodeInvalidDocument, Msg: "the description breaks the OpenAPI 3.0 rules", Err: err}
	}
	b := &builder{doc: doc, s: &Spec{doc: doc, byAction: map[string]*Operation{}, errors: map[string]ErrorCode{}}}
	if err := b.build(); err != nil {
		return nil, err
	}
	return b.s, nil
}

// ext decodes an extension value into out through JSON.
func ext(exts map[string]any, key string, out any) (bool, error) {
	v, ok := exts[key]
	if !ok {
		return false, nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return true, err
	}
	return true, json.Unmarshal(raw, out)
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func itoa(n int) string { return strconv.Itoa(n) }

// atoiStrict parses a plain non-negative decimal without sign, spaces or leading zeros.
func atoiStrict(s string) (int, error) {
	if s == "" || len(s) > 9 || (len(s) > 1 && s[0] == '0') {
		return 0, fmt.Errorf("not a plain index: %q", s)
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("not a plain index: %q", s)
		}
		n = n*10 + int(r-'0')
	}
	return n, nil
}
