package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/clbcheck/clbcheck/spec"
)

// Injected faults turn the emulator into a deliberately broken implementation, so that the
// harness can be graded on what it catches (clbcheck selftest). They are separate from
// Config.Faults, which are resilience knobs a correct service may also show (latency,
// throttling, drops): every injected fault is a contract violation.
//
// Config.Inject names the faults to switch on. Each fault is checked at one place in the
// request's path; with no fault on, the emulator holds a nil injector and every hook returns
// at once.
//
// The validation faults come from the description: "validation/<Param>/<kind>" ignores the
// violations spec.Validate reports for that parameter (or list field path, such as Tag.Key)
// and constraint kind, and "validation/rule/<id>" ignores a rule. The catalogue lists a
// selection that covers every kind; any other pair the description constrains is accepted by
// name as well.

// Fault categories, as InjectableFaults reports them.
const (
	FaultCategoryValidation   = "validation"
	FaultCategoryErrorCode    = "error-code"
	FaultCategoryHTTPStatus   = "http-status"
	FaultCategoryEnvelope     = "envelope"
	FaultCategoryContentType  = "content-type"
	FaultCategoryState        = "state"
	FaultCategoryCrossAccount = "cross-account"
	FaultCategoryRAM          = "ram"
	FaultCategorySignature    = "signature"
	FaultCategoryConcurrency  = "concurrency"
	FaultCategoryIntermittent = "intermittent"
)

// FaultInfo describes one fault Config.Inject can switch on.
type FaultInfo struct {
	Name        string `json:"name"`
	Category    string `json:"category"`
	Description string `json:"description"`
}

// faultSwitch names the hand-written faults; each is consulted at exactly one hook.
type faultSwitch int

const (
	swNone faultSwitch = iota
	swNoRequestID
	swNoCode
	swCodeInSuccess
	swTextContentType
	swJSONForXML
	swPortConflictMissed
	swListenerQuotaIgnored
	swLeaveBehind
	swCreatedRunning
	swDescribeDefaults
	swDescribeStaleStatus
	swForeignCertificate
	swRAMAllowed
	swBadSignatureV1
	swBadSignatureV3
	swUnsigned
	swReplayedNonce
	swStaleTimestamp
	swPortCheckRace
	swIntermittent5xx
	numSwitches
)

// answerRule rewrites an error answer of the operation under test: a match on code (empty:
// any) and status (0: any) sets the new code and/or status.
type answerRule struct {
	code     string
	status   int
	toCode   string
	toStatus int
}

// faultDef is a catalogue entry: its description plus what it switches.
type faultDef struct {
	FaultInfo
	ignore string // validation: the key of the violations to ignore (see violationKey)
	answer *answerRule
	sw     faultSwitch
}

// Settings of the faults that need a number.
const (
	// raceWindow is how long a create under concurrency/port-check-race leaves the state
	// unlocked between its checks and its change.
	raceWindow = 2 * time.Millisecond
	// intermittentRate is the share of requests to the operation under test answered
	// ServiceUnavailable under intermittent/5xx (draws from the Faults.Seed generator).
	intermittentRate = 0.02
)

// Parameter paths the catalogue names more than once.
const (
	tagValuePath     = spec.ParamTag + "." + spec.FieldTagValue
	paramIdleTimeout = spec.ParamIdleTimeout
)

// validationFaults are the (parameter, kind) pairs of the catalogue; rules follow. Parameters
// spec/names.go does not name (IdleTimeout and the like) are spelled here; the catalogue
// refuses to build when the description lacks one.
var validationFaults = []struct {
	param string
	kind  spec.Kind
}{
	{spec.ParamListenerPort, spec.KindMaximum},
	{spec.ParamListenerPort, spec.KindMinimum},
	{paramIdleTimeout, spec.KindMaximum},
	{spec.ParamRequestTimeout, spec.KindMinimum},
	{spec.ParamHealthCheckInterval, spec.KindMaximum},
	{spec.ParamBandwidth, spec.KindType},
	{spec.ParamBandwidth, spec.KindForbiddenValues},
	{spec.ParamCookie, spec.KindMaxLength},
	{spec.ParamDescription, spec.KindMaxLength},
	{tagValuePath, spec.KindMaxLength},
	{spec.ParamScheduler, spec.KindEnum},
	{spec.ParamHealthCheckVersion, spec.KindEnum},
	{spec.ParamServerCertificate + "." + spec.FieldBindingType, spec.KindEnum},
	{spec.ParamDescription, spec.KindPattern},
	{spec.ParamHealthCheckHTTPCode, spec.KindPattern},
	{spec.ParamTag + "." + spec.FieldTagKey, spec.KindForbiddenPrefixes},
	{tagValuePath, spec.KindForbiddenSubstrings},
	{spec.ParamTag, spec.KindMaxItems},
	{spec.ParamHealthCheck, spec.KindRequired},
}

var validationRuleFaults = []string{"sticky-session-type-required", "client-cert-aliases-distinct"}

// codeFaults are the faults that answer one code of the catalogue with another. Each code is
// named by what reaches it in the description (a state of the operation, a gateway state, or
// a parameter's constraint), so the catalogue, not this file, spells it.
func codeFaults(s *spec.Spec) []faultDef {
	state := func(name string) string {
		ec, ok := s.StateError(name)
		if !ok {
			panic("emulator: fault catalogue: the description has no error for state " + name)
		}
		return ec.Code
	}
	gateway := func(name string) string {
		ec, ok := s.GatewayError(name)
		if !ok {
			panic("emulator: fault catalogue: the description has no gateway error " + name)
		}
		return ec.Code
	}
	portConflict, generic := state("port-in-use"), gateway("invalid-parameter")
	idleTimeout := s.ParamOutcome(s.UnderTest.Lookup(paramIdleTimeout), spec.KindMaximum).Code
	foreignCert, certMissing := state("foreign-certificate"), state("certificate-not-found")
	aclMissing := state("acl-not-found")
	nonceUsed, badSignature := gateway("nonce-replayed"), gateway("bad-signature")
	rule := func(name, format string, from, to string) faultDef {
		return faultDef{
			FaultInfo: FaultInfo{name, FaultCategoryErrorCode, fmt.Sprintf(format, to, from)},
			answer:    &answerRule{code: from, toCode: to},
		}
	}
	return []faultDef{
		rule("error-code/port-conflict-as-InvalidParameter", "a create on a used port is answered with the generic %s instead of %s", portConflict, generic),
		rule("error-code/IdleTimeout-as-InvalidParameter", "an IdleTimeout out of range is answered %s instead of %s", idleTimeout, generic),
		rule("error-code/foreign-certificate-as-CertificateNotExist", "another account's certificate is answered %s instead of %s", foreignCert, certMissing),
		rule("error-code/AclNotExist-as-InvalidParameter", "an ACL that does not exist is answered %s instead of %s", aclMissing, generic),
		rule("error-code/nonce-replay-as-SignatureDoesNotMatch", "a replayed nonce is answered %s instead of %s", nonceUsed, badSignature),
		{FaultInfo: FaultInfo{"http-status/port-conflict-409", FaultCategoryHTTPStatus, portConflict + " is sent with status 409 instead of 400"},
			answer: &answerRule{code: portConflict, toStatus: http.StatusConflict}},
	}
}

// handWritten are the faults that need no code of the catalogue.
var handWritten = []faultDef{
	{FaultInfo: FaultInfo{"http-status/client-errors-500", FaultCategoryHTTPStatus, "every 400 answer of the operation is sent with status 500"},
		answer: &answerRule{status: http.StatusBadRequest, toStatus: http.StatusInternalServerError}},
	{FaultInfo: FaultInfo{"http-status/not-found-as-400", FaultCategoryHTTPStatus, "404 codes (ResourceNotFound.Certificate, InvalidAccessKeyId.NotFound) are sent with status 400"},
		answer: &answerRule{status: http.StatusNotFound, toStatus: http.StatusBadRequest}},

	{FaultInfo: FaultInfo{"envelope/no-request-id", FaultCategoryEnvelope, "error answers of the operation carry no RequestId (body or header)"}, sw: swNoRequestID},
	{FaultInfo: FaultInfo{"envelope/no-code", FaultCategoryEnvelope, "error answers of the operation carry no Code field"}, sw: swNoCode},
	{FaultInfo: FaultInfo{"envelope/code-in-success", FaultCategoryEnvelope, "success answers of the operation carry Code \"200\""}, sw: swCodeInSuccess},
	{FaultInfo: FaultInfo{"content-type/text-plain", FaultCategoryContentType, "answers of the operation are labelled text/plain"}, sw: swTextContentType},
	{FaultInfo: FaultInfo{"content-type/json-for-xml", FaultCategoryContentType, "Format=XML is ignored: the operation answers in JSON"}, sw: swJSONForXML},

	{FaultInfo: FaultInfo{"state/port-conflict-missed", FaultCategoryState, "a create on a port that already has a listener succeeds and replaces it"}, sw: swPortConflictMissed},
	{FaultInfo: FaultInfo{"state/listener-quota-ignored", FaultCategoryState, "the listeners-per-load-balancer quota is not enforced"}, sw: swListenerQuotaIgnored},
	{FaultInfo: FaultInfo{"state/refused-create-leaves-listener", FaultCategoryState, "a create refused by a state check still stores the listener"}, sw: swLeaveBehind},
	{FaultInfo: FaultInfo{"state/created-running", FaultCategoryState, "a new listener is created running instead of stopped"}, sw: swCreatedRunning},
	{FaultInfo: FaultInfo{"state/describe-defaults", FaultCategoryState, "Describe reports the documented default of every defaulted attribute, not the value stored"}, sw: swDescribeDefaults},
	{FaultInfo: FaultInfo{"state/describe-stale-status", FaultCategoryState, "Describe keeps reporting the status a listener had when created (stopped) after it was started"}, sw: swDescribeStaleStatus},

	{FaultInfo: FaultInfo{"cross-account/foreign-certificate-accepted", FaultCategoryCrossAccount, "a create may use another account's server certificate"}, sw: swForeignCertificate},
	{FaultInfo: FaultInfo{"ram/denied-user-allowed", FaultCategoryRAM, "RAM policies are not enforced: a user denied the operation may call it"}, sw: swRAMAllowed},

	{FaultInfo: FaultInfo{"signature/bad-v1-signature-accepted", FaultCategorySignature, "a wrong V1 (HMAC-SHA1) signature is accepted"}, sw: swBadSignatureV1},
	{FaultInfo: FaultInfo{"signature/bad-v3-signature-accepted", FaultCategorySignature, "a wrong V3 (ACS3-HMAC-SHA256) signature is accepted"}, sw: swBadSignatureV3},
	{FaultInfo: FaultInfo{"signature/unsigned-accepted", FaultCategorySignature, "a V1 request without a Signature is accepted"}, sw: swUnsigned},
	{FaultInfo: FaultInfo{"signature/replayed-nonce-accepted", FaultCategorySignature, "a SignatureNonce used before is accepted again"}, sw: swReplayedNonce},
	{FaultInfo: FaultInfo{"signature/stale-timestamp-accepted", FaultCategorySignature, "a Timestamp outside the window is accepted"}, sw: swStaleTimestamp},

	{FaultInfo: FaultInfo{"concurrency/port-check-race", FaultCategoryConcurrency, "a create releases the state lock between its checks and its change, so two simultaneous creates on one port both succeed"}, sw: swPortCheckRace},
	{FaultInfo: FaultInfo{"intermittent/5xx", FaultCategoryIntermittent, fmt.Sprintf("%.0f%% of the requests to the operation are answered ServiceUnavailable (seeded by Faults.Seed)", intermittentRate*100)}, sw: swIntermittent5xx},
}

// catalogue builds the list once from the description.
var catalogue = sync.OnceValue(func() []faultDef {
	s := spec.MustDefault()
	var out []faultDef
	for _, vf := range validationFaults {
		d, err := validationFault(s, vf.param, vf.kind)
		if err != nil {
			panic("emulator: fault catalogue: " + err.Error())
		}
		out = append(out, d)
	}
	for _, id := range validationRuleFaults {
		d, err := ruleFault(s, id)
		if err != nil {
			panic("emulator: fault catalogue: " + err.Error())
		}
		out = append(out, d)
	}
	out = append(out, codeFaults(s)...)
	out = append(out, gatewayFaults...)
	return append(out, handWritten...)
})

// InjectableFaults lists the catalogue of faults Config.Inject can name, in a stable order.
func InjectableFaults() []FaultInfo {
	defs := catalogue()
	out := make([]FaultInfo, len(defs))
	for i, d := range defs {
		out[i] = d.FaultInfo
	}
	return out
}

// LookupFault describes a fault Config.Inject accepts: a catalogue entry, or a validation
// pair of the description outside the catalogue.
func LookupFault(name string) (FaultInfo, error) {
	d, err := lookupFault(name)
	return d.FaultInfo, err
}

func violationKey(param string, kind spec.Kind) string { return param + "\x00" + string(kind) }

func validationFault(s *spec.Spec, param string, kind spec.Kind) (faultDef, error) {
	p := s.UnderTest.Lookup(param)
	if p == nil {
		return faultDef{}, fmt.Errorf("the description has no parameter %s", param)
	}
	var what string
	c, has := p.Constraint(kind)
	switch kind {
	case spec.KindRequired:
		if !p.Required {
			return faultDef{}, fmt.Errorf("%s is not required", param)
		}
		what = "a request without the required " + param
	case spec.KindMaxItems:
		if p.List == nil || p.List.MaxItems == 0 {
			return faultDef{}, fmt.Errorf("%s is not a bounded list", param)
		}
		what = fmt.Sprintf("more than %d %s entries", p.List.MaxItems, param)
	default:
		if !has {
			return faultDef{}, fmt.Errorf("%s has no %s constraint", param, kind)
		}
		switch kind {
		case spec.KindMinimum:
			what = fmt.Sprintf("%s below its minimum (%d)", param, c.Int)
		case spec.KindMaximum:
			what = fmt.Sprintf("%s above its maximum (%d)", param, c.Int)
		case spec.KindMinLength:
			what = fmt.Sprintf("%s shorter than %d characters", param, c.Int)
		case spec.KindMaxLength:
			what = fmt.Sprintf("%s longer than %d characters", param, c.Int)
		case spec.KindEnum:
			what = fmt.Sprintf("%s outside its enum (%s)", param, strings.Join(c.Values, ", "))
		case spec.KindPattern:
			what = fmt.Sprintf("%s breaking its pattern %s", param, c.Pattern)
		case spec.KindType:
			what = param + " that is not a decimal integer"
		case spec.KindForbiddenValues:
			what = fmt.Sprintf("%s set to a forbidden value (%s)", param, strings.Join(c.Values, ", "))
		case spec.KindForbiddenPrefixes:
			what = fmt.Sprintf("%s starting with a reserved prefix (%s)", param, strings.Join(c.Values, ", "))
		case spec.KindForbiddenSubstrings:
			what = fmt.Sprintf("%s containing a forbidden text (%s)", param, strings.Join(c.Values, ", "))
		default:
			return faultDef{}, fmt.Errorf("constraint kind %s cannot be injected", kind)
		}
	}
	return faultDef{
		FaultInfo: FaultInfo{Name: "validation/" + param + "/" + string(kind), Category: FaultCategoryValidation, Description: "accept " + what},
		ignore:    violationKey(param, kind),
	}, nil
}

func ruleFault(s *spec.Spec, id string) (faultDef, error) {
	r, ok := s.Rule(id)
	if !ok {
		return faultDef{}, fmt.Errorf("the description has no rule %s", id)
	}
	if r.Kind == spec.RuleEffectiveOnlyWhen {
		return faultDef{}, fmt.Errorf("rule %s never refuses a request", id)
	}
	return faultDef{
		FaultInfo: FaultInfo{Name: "validation/rule/" + id, Category: FaultCategoryValidation, Description: "ignore rule " + id + ": " + r.Description},
		ignore:    violationKey("rule", spec.Kind(id)),
	}, nil
}

// lookupFault finds a fault by name: the catalogue first, then any validation pair the
// description constrains.
func lookupFault(name string) (faultDef, error) {
	for _, d := range catalogue() {
		if d.Name == name {
			return d, nil
		}
	}
	rest, ok := strings.CutPrefix(name, "validation/")
	if ok {
		s := spec.MustDefault()
		if id, isRule := strings.CutPrefix(rest, "rule/"); isRule {
			return ruleFault(s, id)
		}
		if i := strings.LastIndex(rest, "/"); i > 0 {
			return validationFault(s, rest[:i], spec.Kind(rest[i+1:]))
		}
	}
	return faultDef{}, fmt.Errorf("no injectable fault named %q (see emulator.InjectableFaults)", name)
}

// injector holds the faults switched on. A nil *injector has every fault off; all its
// methods may be called on nil.
type injector struct {
	ignore  map[string]bool
	answers []answerRule
	on      [numSwitches]bool
}

// newInjector builds the injector for a list of fault names (already checked by Config.Check);
// it returns nil when the list is empty.
func newInjector(names []string) (*injector, error) {
	if len(names) == 0 {
		return nil, nil
	}
	in := &injector{ignore: map[string]bool{}}
	for _, n := range names {
		d, err := lookupFault(n)
		if err != nil {
			return nil, err
		}
		switch {
		case d.ignore != "":
			in.ignore[d.ignore] = true
		case d.answer != nil:
			in.answers = append(in.answers, *d.answer)
		default:
			in.on[d.sw] = true
		}
	}
	return in, nil
}

// has reports whether a hand-written fault is on.
func (in *injector) has(sw faultSwitch) bool { return in != nil && in.on[sw] }

// validate is spec.Validate with the ignored violations of the operation under test waved
// through: the offending value is replaced in a copy of the values by a stand-in that passes
// (or taken out when none does), and the rest of the request is checked again; the request
// itself keeps what was sent. An ignored rule ends the checks (only further rules would
// follow it).
func (in *injector) validate(s *spec.Spec, op *spec.Operation, values url.Values) *spec.Violation {
	if in == nil || len(in.ignore) == 0 || !op.UnderTest {
		return s.Validate(op, values)
	}
	var last string
	for range 64 {
		v := s.Validate(op, values)
		if v == nil {
			return nil
		}
		key := violationKey(v.Param, v.Kind)
		if v.Kind == spec.KindRule {
			key = violationKey("rule", spec.Kind(v.Rule))
		}
		if !in.ignore[key] {
			return v
		}
		if v.Kind == spec.KindRule || key+v.Wire == last {
			return nil
		}
		last = key + v.Wire
		values = relax(op, values, v)
	}
	return nil
}

// relax returns a copy of values in which v no longer holds.
func relax(op *spec.Operation, values url.Values, v *spec.Violation) url.Values {
	out := make(url.Values, len(values))
	for k, vs := range values {
		out[k] = vs
	}
	if v.Kind == spec.KindMaxItems {
		if p := op.Param(v.Param); p != nil && p.List != nil {
			for name := range out {
				if n, _, ok := p.List.ParseWireName(name); ok && n >= p.List.FirstIndex+p.List.MaxItems {
					delete(out, name)
				}
			}
		}
		return out
	}
	if p := op.Lookup(v.Param); p != nil {
		if sub, ok := standIn(p); ok {
			out[v.Wire] = []string{sub}
			return out
		}
	}
	delete(out, v.Wire)
	return out
}

// standIn finds a value that passes every constraint of p.
func standIn(p *spec.Parameter) (string, bool) {
	var cands []string
	if p.Default != nil {
		cands = append(cands, *p.Default)
	}
	cands = append(cands, p.Example)
	cands = append(cands, p.Enum()...)
	cands = append(cands, "1", "a", "abcd")
	for _, c := range cands {
		if c != "" {
			if k, _ := p.Check(c); k == "" {
				return c, true
			}
		}
	}
	return "", false
}

// rewriteError applies the answer rules to an error of the operation under test.
func (in *injector) rewriteError(s *spec.Spec, req *request, ae *apiError) *apiError {
	if in == nil || len(in.answers) == 0 || req.action != s.UnderTest.Action {
		return ae
	}
	out := *ae
	for _, r := range in.answers {
		if (r.code != "" && r.code != ae.Code) || (r.status != 0 && r.status != ae.Status) {
			continue
		}
		if r.toCode != "" {
			out.Code = r.toCode
		}
		if r.toStatus != 0 {
			out.Status = r.toStatus
		}
	}
	return &out
}

// rewriteBody applies the envelope faults to an answer of the operation under test before it
// is rendered; it may also switch the rendering from XML to JSON.
func (in *injector) rewriteBody(s *spec.Spec, req *request, status int, body orderedMap) orderedMap {
	if in == nil || req.action != s.UnderTest.Action {
		return body
	}
	if in.on[swJSONForXML] {
		req.format = formatJSON
	}
	failed := status >= 400
	var out orderedMap
	for _, f := range body {
		if failed && ((in.on[swNoRequestID] && f.k == spec.FieldRequestID) || (in.on[swNoCode] && f.k == spec.FieldCode)) {
			continue
		}
		out = append(out, f)
	}
	if !failed && in.on[swCodeInSuccess] {
		out = append(out, kv{spec.FieldCode, "200"})
	}
	return out
}

// rewriteHeader applies the header faults to an answer of the operation under test.
func (in *injector) rewriteHeader(s *spec.Spec, req *request, status int, h http.Header) {
	if in == nil || req.action != s.UnderTest.Action {
		return
	}
	if in.on[swTextContentType] {
		h.Set("Content-Type", "text/plain;charset=utf-8")
	}
	if in.on[swNoRequestID] && status >= 400 {
		h.Del(headerRequestID)
	}
}

// intermittent draws whether this request of the operation under test fails with a 5xx.
func (in *injector) intermittent(e *Emulator, req *request) *apiError {
	if !in.has(swIntermittent5xx) || req.action != e.spec.UnderTest.Action || !e.draw(intermittentRate) {
		return nil
	}
	return e.gatewayError("unavailable", "injected intermittent fault")
}

// skipsCheck reports whether a state row of the create table is switched off (the row names
// the fault that does it).
func (in *injector) skipsCheck(row stateCheck) bool {
	return row.fault != swNone && in.has(row.fault)
}

// certificateView widens what a create sees as the caller's certificates to every account's
// (cross-account/foreign-certificate-accepted). The region is a shallow copy, so changes to
// its instances still land in the real state.
func (in *injector) certificateView(st *persisted, r *regionState, account string) *regionState {
	if !in.has(swForeignCertificate) || r == nil {
		return r
	}
	view := *r
	view.Certificates = make(map[string]*certificate, len(r.Certificates))
	for id, c := range r.Certificates {
		view.Certificates[id] = c
	}
	for an, a := range st.Accounts {
		if an == account {
			continue
		}
		for _, other := range a.Regions {
			for id, c := range other.Certificates {
				view.Certificates[id] = c
			}
		}
	}
	return &view
}

// leaveBehind stores the listener of a create that a state check refused
// (state/refused-create-leaves-listener). Callers hold e.mu.
func (in *injector) leaveBehind(e *Emulator, c *createCtx, op *spec.Operation) {
	if !in.has(swLeaveBehind) || c.lb == nil || c.region == nil || c.lb.Listeners[c.port] != nil {
		return
	}
	c.lb.Listeners[c.port] = e.newListener(c, op)
}

// raceWindow lets other requests in between a create's checks and its change
// (concurrency/port-check-race). Callers hold mu and still hold it on return.
func (in *injector) raceWindow(mu *sync.Mutex) {
	if !in.has(swPortCheckRace) {
		return
	}
	mu.Unlock()
	time.Sleep(raceWindow)
	mu.Lock()
}

// created applies the faults to a listener about to be stored.
func (in *injector) created(l *listener) {
	if in.has(swCreatedRunning) {
		l.Running, l.PendingUntil = true, time.Time{}
	}
}

// describe applies the faults to a listener's attributes as Describe reports them.
func (in *injector) describe(s *spec.Spec, out orderedMap) orderedMap {
	if in == nil {
		return out
	}
	if in.on[swDescribeStaleStatus] {
		out = out.set(spec.FieldStatus, spec.StatusStopped)
	}
	if in.on[swDescribeDefaults] {
		for _, p := range s.UnderTest.Parameters {
			if p.Default != nil && p.List == nil && !p.Common {
				out = out.set(p.Name, *p.Default)
			}
		}
	}
	return out
}

// acceptsSignature reports whether a V1 request passes the signature check anyway.
func (in *injector) acceptsSignature(req *request) bool {
	if in == nil {
		return false
	}
	return in.on[swBadSignatureV1] || (in.on[swUnsigned] && req.value(spec.ParamSignature) == "")
}
