package emulator

import (
	"fmt"
	"slices"
	"time"

	"github.com/clbcheck/clbcheck/spec"
)

// Choices are the decisions the reference page leaves to the implementation. Every setting
// conforms to the page: an emulator with any combination of them is a correct implementation
// of the operation, and the harness must pass it (the precision matrix of clbcheck selftest).
// The zero value is the emulator as it ships. The choices apply to the operation under test;
// the neighbouring operations the harness builds state with answer as described.
//
// Choices never change an answer the page ties to its trigger: a code the page gives for a
// constraint, rule or state stays that code (changing it is a fault, see InjectableFaults).
type Choices struct {
	// EmptyOptional is how an empty value of an optional parameter (not of a list field) is
	// read: EmptyCheck (default) checks it against the parameter's constraints like any value;
	// EmptyAbsent reads it as absent, so the default applies.
	EmptyOptional string `json:"emptyOptional,omitempty"`
	// LenientIntegers accepts integers spelled "+1", "01", "1e3" (when integral), "0x1F",
	// with surrounding spaces or in the decimal digits of another script ("١"); the value
	// they mean is then range-checked, stored and read back as the integer. Off (default):
	// only the canonical decimal spelling is an integer.
	LenientIntegers bool `json:"lenientIntegers,omitempty"`
	// NoQuotas enforces none of the quotas of the description (x-quotas): the provider has
	// none, or none a caller can reach. Config.Quotas sets quotas at other values instead.
	NoQuotas bool `json:"noQuotas,omitempty"`
	// NoScenarios offers none of the provider-side zone and region scenarios (x-scenarios):
	// no zone is out of resources, no region lacks a feature. Duration settings stay.
	NoScenarios bool `json:"noScenarios,omitempty"`
	// AlternativeCodes answers every refusal whose code the page does not tie to its trigger
	// (code basis inferred) with another plausible code: the other generic code of the
	// InvalidParameter/MissingParameter family, or the other of two plausible documented
	// codes (a tag entry without a key answered like an empty key, a listener still starting
	// answered like a used port, an unknown CA certificate like an unknown certificate, an
	// unknown server certificate with the page's other row, 404 ResourceNotFound.Certificate). The
	// gateway's answers take the other code and status their catalogue entry accepts
	// (Forbidden.RAM for a RAM denial, 400 InvalidAccessKeyId for an unknown key).
	AlternativeCodes bool `json:"alternativeCodes,omitempty"`
	// DescribeOmitsUnset stores only the attributes a create sent: Describe omits optional
	// attributes that were never set instead of echoing their defaults.
	DescribeOmitsUnset bool `json:"describeOmitsUnset,omitempty"`
	// SingleACLID reads AclId as one id: a comma-separated list names no ACL and is refused
	// as such. Off (default): AclId may list several ids joined by commas.
	SingleACLID bool `json:"singleAclId,omitempty"`
	// IndexGaps is how list indexes that skip numbers (Tag.1, Tag.3) are read: GapsRefuse
	// (default) or GapsAccept (the entries are taken in index order).
	IndexGaps string `json:"indexGaps,omitempty"`
	// Duplicates is how a name given twice with different values is read: DuplicatesRefuse
	// (default), DuplicatesFirst or DuplicatesLast (that value wins).
	Duplicates string `json:"duplicates,omitempty"`
	// UnknownParameters is how a parameter the operation does not have is read: UnknownIgnore
	// (default) or UnknownRefuse.
	UnknownParameters string `json:"unknownParameters,omitempty"`
	// ReverseOrder checks the values of a request in the reverse of the description's order:
	// of two invalid values, the one described later is reported. The page does not say in
	// which order a service checks. Off (default): description order.
	ReverseOrder bool `json:"reverseOrder,omitempty"`
	// PageOnly implements only what the reference page states: parameters from beyond the page
	// (x-source: beyond) are unknown parameters, unless a rule of the page names them, and
	// inferred constraints, inferred requirements and inferred rules are not enforced.
	PageOnly bool `json:"pageOnly,omitempty"`
	// ReadLag is how long a new listener stays out of sight of the reads (Describe of the
	// listener, the load balancer's listener ports, DescribeLoadBalancerListeners) after it is
	// created, as a Go duration ("250ms"). Writes see it at once: a second create on its port
	// is still refused. The page does not say when a listener becomes visible. Empty
	// (default): at once.
	ReadLag string `json:"readLag,omitempty"`
}

// Values of the Choices settings.
const (
	EmptyCheck       = "check"
	EmptyAbsent      = "absent"
	GapsRefuse       = "refuse"
	GapsAccept       = "accept"
	DuplicatesRefuse = dupRefuse
	DuplicatesFirst  = dupFirst
	DuplicatesLast   = dupLast
	UnknownIgnore    = "ignore"
	UnknownRefuse    = "refuse"
)

// Check reports a setting outside its values.
func (c Choices) Check() error {
	for _, s := range []struct {
		name, value string
		allowed     []string
	}{
		{"emptyOptional", c.EmptyOptional, []string{"", EmptyCheck, EmptyAbsent}},
		{"indexGaps", c.IndexGaps, []string{"", GapsRefuse, GapsAccept}},
		{"duplicates", c.Duplicates, []string{"", DuplicatesRefuse, DuplicatesFirst, DuplicatesLast}},
		{"unknownParameters", c.UnknownParameters, []string{"", UnknownIgnore, UnknownRefuse}},
	} {
		if !slices.Contains(s.allowed, s.value) {
			return fmt.Errorf("emulator: choices.%s must be one of %q, got %q", s.name, s.allowed[1:], s.value)
		}
	}
	if _, err := c.readLag(); err != nil {
		return err
	}
	return nil
}

// readLag is ReadLag read as a duration.
func (c Choices) readLag() (time.Duration, error) {
	if c.ReadLag == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(c.ReadLag)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("emulator: choices.readLag must be a duration such as \"250ms\", got %q", c.ReadLag)
	}
	return d, nil
}

// offered reports whether a scenario of this kind of setting is offered under the choices.
func (c Choices) offered(sc spec.Scenario) bool {
	return !c.NoScenarios || sc.Setting == "duration"
}
