package spec

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// Basis says where an expectation comes from.
type Basis string

// Bases of an expectation.
const (
	Documented Basis = "documented" // stated by the seed reference page (or the gateway docs)
	Inferred   Basis = "inferred"   // read from other sources or from the code's message
)

// Source says which document introduced a parameter.
type Source string

// Sources of a parameter.
const (
	SourceSeed   Source = "seed"
	SourceBeyond Source = "beyond"
)

// Kind names one constraint, or one wire-level irregularity, that a value can break.
type Kind string

// Constraint kinds. The schema keywords keep their OpenAPI spelling.
const (
	KindRequired            Kind = "required"
	KindType                Kind = "type"
	KindMinimum             Kind = "minimum"
	KindMaximum             Kind = "maximum"
	KindMinLength           Kind = "minLength"
	KindMaxLength           Kind = "maxLength"
	KindEnum                Kind = "enum"
	KindPattern             Kind = "pattern"
	KindForbiddenPrefixes   Kind = "x-forbidden-prefixes"
	KindForbiddenSubstrings Kind = "x-forbidden-substrings"
	KindForbiddenValues     Kind = "x-forbidden-values"
	KindMaxItems            Kind = "maxItems"
	KindListIndex           Kind = "list-index"
	KindDuplicate           Kind = "duplicate"
	KindUnknown             Kind = "unknown"
	KindRule                Kind = "rule"
	// KindEmpty is an optional parameter sent with an empty value, and KindLenient an integer
	// spelled otherwise than in plain decimal ("+1", "01", "1e3", "0x1F", " 1"): the page says
	// neither that such a value is refused nor that it is read, so both answers conform.
	KindEmpty   Kind = "empty"
	KindLenient Kind = "lenient-integer"
)

// Outcome is an expected answer, in two parts that the page may back differently.
//
// The direction: must the request be accepted (Success), refused (not Success), or may it go
// either way (Either: the page says nothing that decides it, such as an empty optional value or
// an integer spelled "+1")? DirectionBasis says how firmly the page backs it: a documented
// direction fails in every profile when the answer goes the other way.
//
// The exact answer: the code and status hoped for when the request is refused. Basis is the
// basis of that code: documented when the page ties this code to this trigger (another code
// fails), inferred otherwise (another code in Accept passes; any other is a warning under the
// documented profile). Accept widens an inferred expectation to a class of codes
// ("InvalidParameter.*" style patterns with a trailing star); for a documented code it lists
// the other codes the references give for the same trigger (NoPermission and Forbidden.RAM
// for a RAM denial), which pass as the code itself does, and AcceptStatus the other statuses.
type Outcome struct {
	Success        bool     `json:"success,omitempty"`
	Code           string   `json:"code,omitempty"`
	Status         int      `json:"status,omitempty"`
	Basis          Basis    `json:"basis"`
	Accept         []string `json:"accept,omitempty"`
	AcceptStatus   []int    `json:"acceptStatus,omitempty"`
	Either         bool     `json:"either,omitempty"`
	DirectionBasis Basis    `json:"directionBasis,omitempty"`
}

// Direction is which way an outcome says the answer must go.
type Direction string

// Directions of an outcome.
const (
	MustAccept Direction = "accept"
	MustRefuse Direction = "refuse"
	MayEither  Direction = "either"
)

// Direction says whether the answer must be a success, a refusal, or may be either.
func (o Outcome) Direction() Direction {
	switch {
	case o.Either:
		return MayEither
	case o.Success:
		return MustAccept
	default:
		return MustRefuse
	}
}

// Firm reports whether the page backs the outcome's direction: going the other way fails in
// every profile.
func (o Outcome) Firm() bool { return o.DirectionBasis == Documented && !o.Either }

// Exact reports whether an answer is exactly the expected one.
func (o Outcome) Exact(status int, code string) bool {
	if o.Success {
		return status >= 200 && status < 300 && code == ""
	}
	return status == o.Status && code == o.Code
}

// Acceptable reports whether an answer falls in the expected class: the exact answer, one of
// the accepted codes with the expected (or an accepted) status, or success where allowed.
func (o Outcome) Acceptable(status int, code string) bool {
	if o.Exact(status, code) {
		return true
	}
	ok2xx := status >= 200 && status < 300
	if ok2xx {
		return code == "" && (o.Success || o.Either)
	}
	if code == "" {
		return false
	}
	statusOK := status == o.Status || (o.Success && status >= 400 && status < 500)
	for _, s := range o.AcceptStatus {
		statusOK = statusOK || s == status
	}
	if !statusOK {
		return false
	}
	for _, a := range o.Accept {
		if MatchCode(a, code) {
			return true
		}
	}
	return false
}

// AcceptAlso is o with code, and status, accepted too (each once); the slices are copied, never
// shared with o.
func (o Outcome) AcceptAlso(code string, status int) Outcome {
	if !slices.Contains(o.Accept, code) {
		o.Accept = append(slices.Clone(o.Accept), code)
	}
	if status != o.Status && !slices.Contains(o.AcceptStatus, status) {
		o.AcceptStatus = append(slices.Clone(o.AcceptStatus), status)
	}
	return o
}

// AcceptingAlso is o with other's code, the codes other accepts and other's statuses accepted
// too; o's code, direction and bases are kept.
func (o Outcome) AcceptingAlso(other Outcome) Outcome {
	o = o.AcceptAlso(other.Code, other.Status)
	for _, code := range other.Accept {
		o = o.AcceptAlso(code, other.Status)
	}
	for _, status := range other.AcceptStatus {
		o = o.AcceptAlso(other.Code, status)
	}
	return o
}

// String renders an outcome for people: "success" or "400 InvalidParameter".
func (o Outcome) String() string {
	if o.Success {
		return "success"
	}
	var spare [64]byte
	b := append(strconv.AppendInt(spare[:0], int64(o.Status), 10), ' ')
	return string(bytes.TrimSpace(append(b, o.Code...)))
}

// MatchCode matches an error code against a pattern that may end in '*'.
func MatchCode(pattern, code string) bool {
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(code, p)
	}
	return pattern == code
}

// Constraint is one rule a single wire value must follow.
type Constraint struct {
	Kind    Kind     `json:"kind"`
	Int     int64    `json:"int,omitempty"`     // minimum, maximum, minLength, maxLength, maxItems
	Values  []string `json:"values,omitempty"`  // enum and x-forbidden-* lists
	Pattern string   `json:"pattern,omitempty"` // pattern
	Basis   Basis    `json:"basis"`
	Outcome Outcome  `json:"outcome"`
}

// Parameter is one request parameter, or one field of a list item.
type Parameter struct {
	Name           string       `json:"name"`
	Path           string       `json:"path"` // "Tag.Key" for list fields, else Name
	Type           string       `json:"type"` // string, integer or array
	Required       bool         `json:"required"`
	RequiredBasis  Basis        `json:"requiredBasis,omitempty"`
	RequiredResult Outcome      `json:"requiredOutcome"`
	Common         bool         `json:"common,omitempty"`
	Source         Source       `json:"source"`
	Description    string       `json:"description,omitempty"`
	Example        string       `json:"example,omitempty"`
	Default        *string      `json:"default,omitempty"`
	DefaultBasis   Basis        `json:"defaultBasis,omitempty"`
	Constraints    []Constraint `json:"constraints,omitempty"`
	AlsoSeen       []string     `json:"alsoSeen,omitempty"`
	Note           string       `json:"note,omitempty"`
	EnumExtendedBy string       `json:"enumExtendedBy,omitempty"`
	Reference      string       `json:"reference,omitempty"` // kind of resource the value names (x-reference)
	CommaList      bool         `json:"commaList,omitempty"`
	// NotEmpty: the page says the value cannot be empty (x-not-empty), so an empty value is
	// a value too short, not a point the page leaves open.
	NotEmpty bool `json:"notEmpty,omitempty"`
	// ASCIILetters: the page says the letters the value may hold are ASCII ones
	// (x-ascii-letters). Elsewhere "letters" may include é or 中, so a pattern's ASCII
	// letter class does not make refusing them certain.
	ASCIILetters bool     `json:"asciiLetters,omitempty"`
	ListValues   []string `json:"listValues,omitempty"`
	// LeadingForbidden are characters the page names as not allowed at the start of the value
	// (x-leading-forbidden: a Cookie may not start with '$'), beyond what the pattern refuses
	// anywhere: each gets a case of its own there.
	LeadingForbidden []string `json:"leadingForbidden,omitempty"`
	// NearMisses are values outside the parameter's enum that a service could take by mistake
	// (x-near-misses): what another source allows, a common spelling of the same idea. Each is
	// sent and must be refused as the enum's violation.
	NearMisses []string `json:"nearMisses,omitempty"`
	// MissingState is the state a value of this id parameter reaches when it names no
	// resource (x-missing-state): a malformed id names none either, so its refusal may carry
	// that state's codes as well as the broken constraint's.
	MissingState StateName `json:"missingState,omitempty"`
	List         *List     `json:"list,omitempty"`
}

// Constraint returns the parameter's constraint of a kind.
func (p *Parameter) Constraint(k Kind) (Constraint, bool) {
	return first(p.Constraints, func(c Constraint) bool { return c.Kind == k })
}

// Enum returns the enum values, or nil.
func (p *Parameter) Enum() []string {
	if c, ok := p.Constraint(KindEnum); ok {
		return c.Values
	}
	return nil
}

// IsInteger reports whether the parameter carries a decimal integer on the wire.
func (p *Parameter) IsInteger() bool { return p.Type == "integer" }

// List describes how a list parameter is flattened on the wire.
type List struct {
	Format     string       `json:"format"` // e.g. "Tag.{n}.{field}"
	FirstIndex int          `json:"firstIndex"`
	MaxItems   int          `json:"maxItems"`
	Fields     []*Parameter `json:"fields"`
	re         *regexp.Regexp
	form       listForm
}

// WireName is the flattened name of field of item n.
func (l *List) WireName(n int, field string) string {
	// Two plain replacements: the digits put in for {n} cannot form "{field}", and a
	// replacer built per call cost more than the rest of a list violation.
	return strings.ReplaceAll(strings.ReplaceAll(l.Format, "{n}", itoa(n)), "{field}", field)
}

// Field returns a field by name.
func (l *List) Field(name string) *Parameter {
	f, _ := first(l.Fields, func(f *Parameter) bool { return f.Name == name })
	return f
}

// ParseWireName splits a flattened name into index and field; ok is false when the name does
// not belong to the list. An index that is not a plain decimal gives ok with n = -1.
func (l *List) ParseWireName(name string) (n int, field string, ok bool) {
	index, field, ok := l.split(name)
	if !ok {
		return 0, "", false
	}
	n = -1
	if v, err := atoiStrict(index); err == nil {
		n = v
	}
	return n, field, true
}

// listForm is a list format cut at its placeholders: prefix{n}middle{field}suffix. The loader
// sets it when {n} comes first and the format is ASCII; split then reads names the way the
// regular expression would, without running it.
type listForm struct {
	prefix, middle, suffix string
	ok                     bool
}

func newListForm(format string) listForm {
	i, j := strings.Index(format, "{n}"), strings.Index(format, "{field}")
	if i < 0 || j < i+len("{n}") {
		return listForm{}
	}
	for k := 0; k < len(format); k++ {
		if format[k] >= utf8.RuneSelf {
			return listForm{}
		}
	}
	return listForm{prefix: format[:i], middle: format[i+len("{n}") : j], suffix: format[j+len("{field}"):], ok: true}
}

// split returns the text in the {n} and {field} places of a flattened name, as the list's
// pattern ^prefix([^.]*)middle(.*)suffix$ captures them.
func (l *List) split(name string) (index, field string, ok bool) {
	f := &l.form
	if !f.ok {
		if !l.prefixed(name) {
			return "", "", false
		}
		m := l.re.FindStringSubmatch(name)
		if m == nil {
			return "", "", false
		}
		return m[1], m[2], true
	}
	rest, found := strings.CutPrefix(name, f.prefix)
	if !found {
		return "", "", false
	}
	// ([^.]*) is greedy: the index is the longest run without '.' that lets the rest fit.
	k := strings.IndexByte(rest, '.')
	if k < 0 {
		k = len(rest)
	}
	for ; k >= 0; k-- {
		tail := rest[k:]
		if len(tail) < len(f.middle)+len(f.suffix) || !strings.HasPrefix(tail, f.middle) || !strings.HasSuffix(tail, f.suffix) {
			continue
		}
		field = tail[len(f.middle) : len(tail)-len(f.suffix)]
		if strings.IndexByte(field, '\n') >= 0 {
			// (.*) does not take a newline, and a shorter index would only widen the field.
			return "", "", false
		}
		return rest[:k], field, true
	}
	return "", "", false
}

// prefixed reports whether a name starts with the list's literal prefix. The pattern is
// anchored, so a name without it cannot match: most names of a request are not list entries,
// and this spares them the regular expression.
func (l *List) prefixed(name string) bool {
	prefix, _ := l.re.LiteralPrefix()
	return strings.HasPrefix(name, prefix)
}

// Condition is one clause of a rule's premise.
type Condition struct {
	Param   string `json:"param"`
	Equals  string `json:"equals,omitempty"`
	Absent  bool   `json:"absent,omitempty"`
	Present bool   `json:"present,omitempty"`
}

// Holds evaluates the clause against a parameter lookup.
func (c Condition) Holds(get func(string) (string, bool)) bool {
	v, ok := get(c.Param)
	switch {
	case c.Absent:
		return !ok
	case c.Present:
		return ok
	default:
		return ok && v == c.Equals
	}
}

// Rule kinds.
const (
	RuleRequires          = "requires"            // when all When hold, every Require must be present
	RuleOneOf             = "one-of"              // at least one of Params must be present
	RuleExclusive         = "exclusive"           // at most one of Params may be present
	RuleUniqueValue       = "unique-value"        // at most one item of List may have Field set (or defaulted)
	RuleDistinct          = "distinct"            // present Params must have pairwise different values
	RuleEffectiveOnlyWhen = "effective-only-when" // Params are accepted but only matter when When holds
)

// Rule is a conditional or cross-parameter rule.
type Rule struct {
	ID          string      `json:"id"`
	Kind        string      `json:"kind"`
	Description string      `json:"description"`
	Basis       Basis       `json:"basis"`
	When        []Condition `json:"when,omitempty"`
	Require     []string    `json:"require,omitempty"`
	Params      []string    `json:"params,omitempty"`
	List        string      `json:"list,omitempty"`
	Field       string      `json:"field,omitempty"`
	Code        string      `json:"code,omitempty"`
	Outcome     Outcome     `json:"outcome"`
}

// Premise reports whether all When clauses hold.
func (r Rule) Premise(get func(string) (string, bool)) bool {
	for _, c := range r.When {
		if !c.Holds(get) {
			return false
		}
	}
	return true
}

// Trigger says what reaches an error code.
type Trigger struct {
	Kind       string `json:"kind"` // parameter, rule, state, scenario, quota, gateway, unreachable
	Parameter  string `json:"parameter,omitempty"`
	Violations []Kind `json:"violations,omitempty"`
	Rule       string `json:"rule,omitempty"`
	State      string `json:"state,omitempty"`
	Scenario   string `json:"scenario,omitempty"`
	Quota      string `json:"quota,omitempty"`
	MultiACL   bool   `json:"multiAcl,omitempty"`
	Basis      Basis  `json:"basis,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// Trigger kinds.
const (
	TriggerParameter   = "parameter"
	TriggerRule        = "rule"
	TriggerState       = "state"
	TriggerScenario    = "scenario"
	TriggerQuota       = "quota"
	TriggerGateway     = "gateway"
	TriggerUnreachable = "unreachable"
	TriggerNeighbour   = "neighbour" // an answer of a neighbouring operation (x-neighbour-errors)
)

// ErrorCode is one error answer of the operation or of the gateway.
type ErrorCode struct {
	Code         string   `json:"code"`
	Status       int      `json:"status"`
	Message      string   `json:"message"`
	Documented   bool     `json:"documented"`
	Gateway      bool     `json:"gateway,omitempty"`
	Accept       []string `json:"accept,omitempty"`
	AcceptStatus []int    `json:"acceptStatus,omitempty"`
	Trigger      Trigger  `json:"trigger"`
}

// AcceptsStatus reports whether the code may come with an HTTP status: its documented one or
// one of those accepted beside it.
func (e ErrorCode) AcceptsStatus(status int) bool {
	return status == e.Status || slices.Contains(e.AcceptStatus, status)
}

// Outcome is the expectation this error code stands for. The code is documented when the page
// lists it and states what triggers it; the direction is left to the caller, who knows what
// the case breaks.
func (e ErrorCode) Outcome() Outcome {
	o := Outcome{Code: e.Code, Status: e.Status, Basis: Documented, Accept: e.Accept, AcceptStatus: e.AcceptStatus}
	if !e.Documented || e.Trigger.Basis == Inferred {
		o.Basis = Inferred
	}
	if len(o.Accept) == 0 {
		o.Accept = []string{e.Code}
	}
	return o
}

// Accepting is the outcome of an error code with each code it accepts beside it allowed with
// that code's own documented status (a certificate not found may be answered 404
// ResourceNotFound.Certificate as well as 400 CertificateNotExist).
func (s *Spec) Accepting(e ErrorCode) Outcome {
	o := e.Outcome()
	for _, alt := range o.Accept {
		if ae, ok := s.Error(alt); ok {
			o = o.AcceptAlso(ae.Code, ae.Status)
		}
	}
	return o
}

// State is a named condition of the service's state that some error needs.
type State struct {
	Name string `json:"name"`
	// Basis says whether the page makes refusing a request certain while the state holds.
	Basis       Basis    `json:"basis"`
	Description string   `json:"description"`
	Params      []string `json:"params,omitempty"`
	Equals      string   `json:"equals,omitempty"`
}

// Scenario is a provider-side condition an emulator offers as a setting.
type Scenario struct {
	Name       string   `json:"name"`
	Setting    string   `json:"setting"` // zone, region or duration
	Default    string   `json:"default"`
	State      string   `json:"state"`
	Parameters []string `json:"parameters,omitempty"`
}

// Duration parses Default of a duration scenario.
func (s Scenario) Duration() time.Duration {
	d, _ := time.ParseDuration(s.Default)
	return d
}

// Quota is a limit of the service with its default value and the code answered past it.
type Quota struct {
	Name string `json:"name"`
	// Basis says whether, once the limit is known, the page makes refusing past it certain.
	Basis        Basis  `json:"basis"`
	Default      int    `json:"default"`
	Code         string `json:"code"`
	MultiACLCode string `json:"multiAclCode,omitempty"`
}

// Wire holds the conventions of the RPC wire form.
type Wire struct {
	Path            string            `json:"path"`
	Methods         []string          `json:"methods"`
	BodyContentType string            `json:"bodyContentType"`
	ActionHeader    string            `json:"actionHeader"`
	VersionHeader   string            `json:"versionHeader"`
	IntegerPattern  string            `json:"integerPattern"`
	Formats         []string          `json:"formats"`
	ContentTypes    map[string]string `json:"contentTypes"`
	// XMLErrorRoot is the root element of an XML error answer; a success answer's root is
	// the action's name followed by XMLSuccessSuffix.
	XMLErrorRoot     string        `json:"xmlErrorRoot"`
	XMLSuccessSuffix string        `json:"xmlSuccessSuffix"`
	HostID           string        `json:"hostId"`
	TimestampWindow  time.Duration `json:"timestampWindow"`
	NonceWindow      time.Duration `json:"nonceWindow"`
	CommonParameters []string      `json:"commonParameters"`
	EmptyValue       string        `json:"emptyValue"`
	Duplicate        string        `json:"duplicateParameter"`
	Unknown          string        `json:"unknownParameter"`
}

// RAMResource is one resource type the RAM action applies to.
type RAMResource struct {
	Type      string `json:"type"`
	ARN       string `json:"arn"`
	Parameter string `json:"parameter"`
}

// RAM is the authorization an operation needs.
type RAM struct {
	Action        string        `json:"action"`
	AccessLevel   string        `json:"accessLevel"`
	Resources     []RAMResource `json:"resources"`
	ConditionKeys []string      `json:"conditionKeys"`
	Note          string        `json:"note,omitempty"`
}

// Field is one property of a response body.
type Field struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Operation is one RPC action.
type Operation struct {
	Action     string       `json:"action"`
	Tag        string       `json:"tag"`
	Summary    string       `json:"summary"`
	UnderTest  bool         `json:"underTest,omitempty"`
	Parameters []*Parameter `json:"parameters"`
	Response   []Field      `json:"response"`
	RAM        *RAM         `json:"ram,omitempty"`
	byName     map[string]*Parameter
	openapi    *openapi3.Operation
	method     string
	path       string
}

// Param returns a parameter by wire name (list parameters by their base name), or nil.
func (o *Operation) Param(name string) *Parameter { return o.byName[name] }

// OpenAPI returns the kin-openapi operation, its method and path, for request and response
// validation. Callers must not modify it.
func (o *Operation) OpenAPI() (*openapi3.Operation, string, string) {
	return o.openapi, o.method, o.path
}

// Lists returns the list parameters.
func (o *Operation) Lists() []*Parameter {
	var out []*Parameter
	for _, p := range o.Parameters {
		if p.List != nil {
			out = append(out, p)
		}
	}
	return out
}

// ResponseField returns the type of a response field, or "".
func (o *Operation) ResponseField(name string) string {
	f, _ := first(o.Response, func(f Field) bool { return f.Name == name })
	return f.Type
}
