package contracts

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// Check names. They are stable: configuration files and reports refer to them.
const (
	CheckNotServerError   = "not-server-error"
	CheckStatusDocumented = "status-documented"
	CheckCodeDocumented   = "code-documented"
	CheckExpectedOutcome  = "expected-outcome"
	CheckResponseSchema   = "response-schema"
	CheckRequestID        = "request-id"
	CheckContentType      = "content-type"
	CheckErrorEnvelope    = "error-envelope"
	CheckListenerCreated  = "listener-created"
	CheckNoStateChange    = "no-state-change"
	CheckAuthEnforced     = "auth-enforced"
	CheckSingleWinner     = "single-winner"
	CheckLifecycle        = "lifecycle"
)

// CheckInfo describes a registered check.
type CheckInfo struct {
	Name        string
	Description string
}

// Registry lists every check, in the order they run.
var Registry = []CheckInfo{
	{CheckNotServerError, "the answer is not a 5xx unless a 5xx was expected"},
	{CheckStatusDocumented, "an error answer's HTTP status is the one documented for its code"},
	{CheckCodeDocumented, "an error code is one the operation or the gateway documents"},
	{CheckExpectedOutcome, "the answer is the outcome documented (or inferred) for the case"},
	{CheckResponseSchema, "the body matches the response schema of the description"},
	{CheckRequestID, "every answer carries a RequestId, one no earlier answer carried"},
	{CheckContentType, "the content type matches the Format asked for"},
	{CheckErrorEnvelope, "error fields are strings (official SDKs crash otherwise)"},
	{CheckListenerCreated, "a success creates exactly the described listener: stopped, attributes echoed, defaults applied"},
	{CheckNoStateChange, "a refused request leaves no listener behind and changes none"},
	{CheckAuthEnforced, "unsigned, wrongly signed, replayed, stale, unknown-key, denied and cross-account requests are refused"},
	{CheckSingleWinner, "of simultaneous creates on one port exactly one succeeds"},
	{CheckLifecycle, "sequences of create, start, delete and describe behave as a model of the listener lifecycle predicts, every answer passing the answer checks"},
}

// CheckConfig switches a check on or off and sets its severity.
type CheckConfig struct {
	Enabled  bool
	Severity Severity
}

// DefaultChecks returns every check enabled with error severity.
func DefaultChecks() map[string]CheckConfig {
	m := map[string]CheckConfig{}
	for _, c := range Registry {
		m[c.Name] = CheckConfig{Enabled: true, Severity: SeverityError}
	}
	return m
}

// ParseChecks reads a --checks value: "all", or a comma list of names, each optionally
// prefixed with "-" (disable) or suffixed with ":warning" / ":error".
func ParseChecks(spec string) (map[string]CheckConfig, error) {
	m := DefaultChecks()
	spec = strings.TrimSpace(spec)
	if spec == "" || spec == "all" {
		return m, nil
	}
	known := map[string]bool{}
	for _, c := range Registry {
		known[c.Name] = true
	}
	explicit := !strings.HasPrefix(spec, "-") && !strings.Contains(spec, ",-")
	if explicit {
		for k := range m {
			m[k] = CheckConfig{Enabled: false, Severity: SeverityError}
		}
	}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" || part == "all" {
			continue
		}
		disable := strings.HasPrefix(part, "-")
		part = strings.TrimPrefix(part, "-")
		name, sev, _ := strings.Cut(part, ":")
		if !known[name] {
			names := make([]string, 0, len(known))
			for k := range known {
				names = append(names, k)
			}
			sort.Strings(names)
			return nil, fmt.Errorf("unknown check %q; known checks: %s", name, strings.Join(names, ", "))
		}
		cfg := CheckConfig{Enabled: !disable, Severity: SeverityError}
		switch sev {
		case "", "error":
		case "warning", "warn":
			cfg.Severity = SeverityWarning
		default:
			return nil, fmt.Errorf("check %s: severity %q is neither error nor warning", name, sev)
		}
		m[name] = cfg
	}
	return m, nil
}

// judgement is what the checks look at for one case.
type judgement struct {
	s       *spec.Spec
	c       generators.Case
	expect  spec.Outcome
	resp    *target.Response
	profile string
	ids     *recentIDs // the run's memory of RequestIds; nil judges each answer alone
}

// fail builds a failed check result, softening inferred failures under the documented profile.
func (j *judgement) fail(check, msg, expected, actual string, inferred bool) CheckResult {
	return CheckResult{Check: check, Verdict: MissVerdict(inferred, j.profile), Message: msg, Expected: expected, Actual: actual}
}

func pass(check string) CheckResult { return CheckResult{Check: check, Verdict: Pass} }

func actualOf(r *target.Response) string { return r.Outcome() }

type checkFunc func(j *judgement) *CheckResult

// judge turns what a pure answer check found (oracle.go) into the named check's result,
// softening an inferred problem under the documented profile.
func (j *judgement) judge(check string, p *Problem) *CheckResult {
	r := pass(check)
	if p != nil {
		r = j.fail(check, p.Message, p.Expected, p.Actual, p.Inferred)
	}
	return &r
}

// format is the Format a case asked for (JSON when it sent none).
func format(c generators.Case) string {
	if c.Format == "" {
		return "JSON"
	}
	return c.Format
}

var checkFuncs = map[string]checkFunc{
	CheckNotServerError: func(j *judgement) *CheckResult {
		return j.judge(CheckNotServerError, StatusClass(j.resp, j.expect))
	},
	CheckStatusDocumented: func(j *judgement) *CheckResult {
		return j.judge(CheckStatusDocumented, StatusDocumented(j.s, j.resp))
	},
	CheckCodeDocumented: func(j *judgement) *CheckResult {
		return j.judge(CheckCodeDocumented, CodeDocumented(j.s, j.c.Action, j.resp, &j.expect))
	},
	CheckExpectedOutcome: func(j *judgement) *CheckResult {
		r := JudgeOutcome(j.expect, j.resp.Status, j.resp.Code, j.profile)
		r.Message = strings.ReplaceAll(r.Message, "{case}", whatCaseBreaks(j.c))
		return &r
	},
	CheckResponseSchema: func(j *judgement) *CheckResult {
		if j.c.Action != j.s.UnderTest.Action {
			return nil
		}
		if !strings.Contains(j.resp.ContentType, "json") {
			if _, isXML := j.resp.Fields[target.XMLRootField]; !isXML {
				return nil
			}
			return j.judge(CheckResponseSchema, XMLRootMatches(j.s, j.c.Action, j.resp))
		}
		if err := validateResponse(j.s, j.resp); err != nil {
			r := j.fail(CheckResponseSchema, "the body does not match the described schema: "+firstLine(err.Error()), "a body matching the schema", trim(string(j.resp.Body), 200), false)
			return &r
		}
		r := pass(CheckResponseSchema)
		return &r
	},
	CheckRequestID: func(j *judgement) *CheckResult {
		if p := RequestIDPresent(j.resp); p != nil || j.ids == nil || !j.ids.seen(j.resp.RequestID) {
			return j.judge(CheckRequestID, p)
		}
		r := j.fail(CheckRequestID, "the RequestId was carried by an earlier answer too: a RequestId names one request", "a RequestId of its own", j.resp.RequestID, false)
		return &r
	},
	CheckContentType: func(j *judgement) *CheckResult {
		return j.judge(CheckContentType, ContentTypeMatches(j.s, j.resp, format(j.c)))
	},
	CheckErrorEnvelope: func(j *judgement) *CheckResult {
		return j.judge(CheckErrorEnvelope, EnvelopeSafe(j.resp))
	},
	CheckAuthEnforced: func(j *judgement) *CheckResult {
		if j.c.Category != generators.Security || j.expect.Direction() != spec.MustRefuse {
			return nil
		}
		if j.resp.Success() {
			// As firm as the page makes the refusal, worded as expected-outcome words it: a
			// refusal the references only suggest (a token not issued for the key) warns under
			// the documented profile.
			msg := strings.ReplaceAll(against("accepted", "refused", j.expect.DirectionBasis), "{case}", whatCaseBreaks(j.c))
			r := j.fail(CheckAuthEnforced, msg, j.expect.String(), actualOf(j.resp), !j.expect.Firm())
			return &r
		}
		r := pass(CheckAuthEnforced)
		return &r
	},
}

// NeitherSuccessNorRefusal starts the message of an expected-outcome failure whose answer is
// malformed (a 2xx with a Code, a 5xx, an error without a Code): a fault of the answer's
// shape, whatever the case asked.
const NeitherSuccessNorRefusal = "the answer is neither a success nor a refusal with an error code"

// JudgeOutcome judges an answer (status and code; code empty for a success) against an
// expectation in two parts. The direction first: a request the page says must be refused (or
// accepted) that went the other way fails in every profile when the page backs the direction
// (Outcome.Firm), and is a warning under the documented profile otherwise; a request the page
// leaves open passes either way. Then the code of a refusal: when the page ties codes to this
// trigger (the expected one and the others its references give, such as two spellings of a
// RAM denial), any of them passes and any other fails; otherwise a code among the accepted
// variants of the inferred one passes and any other is a warning under the documented profile. An
// answer that is neither a success nor a refusal (a 5xx, an error without a code) never
// conforms. "{case}" in the message stands for what the case breaks.
func JudgeOutcome(o spec.Outcome, status int, code, profile string) CheckResult {
	accepted := status >= 200 && status < 300 && code == ""
	refused := status >= 400 && status < 500 && code != ""
	actual := fmt.Sprintf("%d %s", status, code)
	if accepted {
		actual = "success"
	}
	res := func(v Verdict, msg string) CheckResult {
		return CheckResult{Check: CheckExpectedOutcome, Verdict: v, Message: msg, Expected: o.String(), Actual: strings.TrimSpace(actual)}
	}
	soft := MissVerdict(true, profile)
	firm := func(ok bool) Verdict {
		if ok {
			return Fail
		}
		return soft
	}
	switch {
	case !accepted && !refused:
		return res(Fail, NeitherSuccessNorRefusal+", for {case}")
	case o.Direction() == spec.MayEither && accepted:
		return res(Pass, "accepted; the page leaves open whether {case} is accepted")
	case o.Direction() == spec.MustAccept && accepted:
		return res(Pass, "")
	case o.Direction() == spec.MustAccept:
		return res(firm(o.Firm()), against("refused", "accepted", o.DirectionBasis))
	case o.Direction() == spec.MustRefuse && accepted:
		return res(firm(o.Firm()), against("accepted", "refused", o.DirectionBasis))
	case o.Exact(status, code):
		return res(Pass, "")
	case o.Basis == spec.Documented && o.Acceptable(status, code):
		return res(Pass, "refused with one of the codes the references give for {case}")
	case o.Basis == spec.Documented:
		return res(Fail, "refused with another code than the ones documented for {case}")
	case o.Acceptable(status, code):
		return res(Pass, "refused with an accepted variant of the inferred code for {case}")
	default:
		return res(soft, "refused, but with another code than the one inferred for {case}")
	}
}

// against words an answer that went the other way than expected, as firmly as the page backs
// the expected direction.
func against(got, want string, b spec.Basis) string {
	if b == spec.Documented {
		return got + ", but the page says that {case} is " + want
	}
	return got + "; the page does not say that {case} is " + want + ", but other sources suggest it"
}

func whatCaseBreaks(c generators.Case) string {
	if c.Broken == nil {
		return "a valid request"
	}
	b := c.Broken
	switch {
	case b.Rule != "" && b.Kind == spec.KindRule:
		return "rule " + b.Rule
	case b.State != "":
		return "state " + b.State
	case b.Kind == generators.BrokenAuth || b.Kind == generators.BrokenWire:
		return string(b.Kind) + " " + b.Rule
	}
	return fmt.Sprintf("%s of %s", b.Kind, b.Param)
}

func trim(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return trim(line, 300)
}

// responseRoute is what response validation needs from the description, resolved once per
// description: kin-openapi only reads the route, the request's method and the options, so one
// copy serves every case and every worker.
type responseRoute struct {
	route   *routers.Route
	req     *http.Request
	reqOpts *openapi3filter.Options
	opts    *openapi3filter.Options
	header  http.Header
	// direct maps a status to the JSON schema of its answer when nothing but that schema
	// would be checked (no described headers): the body the target already decoded can be
	// checked against it without kin-openapi reading and decoding the body a second time.
	direct     map[int]*openapi3.Schema
	schemaOpts []openapi3.SchemaValidationOption
	// described are the statuses the operation's responses list.
	described map[int]bool
}

// schemaStatus is the described status whose schema an answer with status is checked
// against: its own, or the first described one of its class (200 for any 2xx, 400 for any
// 4xx, 500 for any 5xx). The page fixes no status beyond its error table, so a body is judged
// by its schema whatever the status; the status itself is judged elsewhere.
func (rr *responseRoute) schemaStatus(status int) int {
	if rr.described[status] {
		return status
	}
	for st := status / 100 * 100; st < status/100*100+100; st++ {
		if rr.described[st] {
			return st
		}
	}
	return status
}

var responseRoutes sync.Map // *spec.Spec -> *responseRoute

func responseRouteFor(s *spec.Spec) *responseRoute {
	if v, ok := responseRoutes.Load(s); ok {
		return v.(*responseRoute)
	}
	op, method, path := s.UnderTest.OpenAPI()
	req, _ := http.NewRequest(method, "http://localhost"+path, nil)
	rr := &responseRoute{
		route:     &routers.Route{Spec: s.Doc(), Path: path, PathItem: s.Doc().Paths.Value(path), Method: method, Operation: op},
		req:       req,
		reqOpts:   &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true},
		opts:      &openapi3filter.Options{IncludeResponseStatus: true},
		header:    http.Header{"Content-Type": []string{"application/json"}},
		direct:    map[int]*openapi3.Schema{},
		described: map[int]bool{},
	}
	rr.schemaOpts = []openapi3.SchemaValidationOption{openapi3.VisitAsResponse()}
	if s.Doc().IsOpenAPI31OrLater() {
		rr.schemaOpts = append(rr.schemaOpts, openapi3.EnableJSONSchema2020())
	}
	if op != nil && op.Responses != nil {
		for key, ref := range op.Responses.Map() {
			status, err := strconv.Atoi(key)
			if err == nil {
				rr.described[status] = true
			}
			if err != nil || ref == nil || ref.Value == nil || len(ref.Value.Headers) > 0 {
				continue
			}
			if ct := ref.Value.Content.Get("application/json"); ct != nil && ct.Schema != nil && ct.Schema.Value != nil {
				rr.direct[status] = ct.Schema.Value
			}
		}
	}
	v, _ := responseRoutes.LoadOrStore(s, rr)
	return v.(*responseRoute)
}

// decodedAsJSON tells whether target.Decode read body as a JSON object (it picks JSON by the
// first byte that is not white space), so that Fields hold what a JSON decoder produced.
func decodedAsJSON(body []byte) bool {
	t := bytes.TrimLeft(body, " \t\r\n")
	return len(t) > 0 && t[0] == '{'
}

// validateResponse checks a JSON answer of the operation under test against its schema with
// kin-openapi. When the target decoded the body as JSON and the status has a described schema
// and nothing else to check, the decoded fields (the same generic values kin-openapi would
// decode, numbers kept as json.Number) are checked directly; anything else takes kin-openapi's
// whole response validation.
func validateResponse(s *spec.Spec, r *target.Response) error {
	rr := responseRouteFor(s)
	if schema := rr.direct[rr.schemaStatus(r.Status)]; schema != nil && r.DecodeErr == nil && r.Fields != nil && decodedAsJSON(r.Body) {
		err := schema.VisitJSON(map[string]any(r.Fields), rr.schemaOpts...)
		if err == nil {
			return nil
		}
		// Fall through: kin-openapi words the error the way the report has always shown it.
	}
	return validateWithKin(rr, r)
}

// validateWithKin runs kin-openapi's whole response validation: status, content type, body.
func validateWithKin(rr *responseRoute, r *target.Response) error {
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: rr.req, Route: rr.route, Options: rr.reqOpts},
		Status:                 rr.schemaStatus(r.Status),
		Header:                 rr.header,
		Body:                   io.NopCloser(bytes.NewReader(r.Body)),
		Options:                rr.opts,
	}
	return openapi3filter.ValidateResponse(context.Background(), in)
}
