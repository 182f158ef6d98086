package emulator

import (
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clbcheck/clbcheck/spec"
)

// Injected faults turn the emulator into a deliberately broken implementation, so that the
// harness can be graded on what it catches (clbcheck selftest). They are separate from
// Config.Disruptions, which are resilience knobs a correct service may also show (latency,
// throttling, drops), and from Config.Choices, which are conforming variants: every injected
// fault is a contract violation.
//
// Config.Inject names the faults to switch on. Each fault is checked at one place in the
// request's path; with no fault on, the emulator holds a nil injector and every hook returns
// at once. The validation faults live inside the emulator's own validation engine (validate.go):
// a constraint not enforced, a permitted value refused at its boundary, another code, and
// engine-wide mistakes (an off-by-one, a case-insensitive enum, ...).
//
// The catalogue (faults_catalogue.go) is derived from the description: for every constraint,
// rule, state and quota the page states, a fault breaking it in each direction. Names:
//
//	validation/<Path>/<kind>       what the constraint forbids is accepted (any constrained pair
//	                               of the description is accepted by name, listed or not)
//	boundary/<Path>/<kind>         a value the constraint permits at its boundary is refused
//	error-code/<Path>/<kind>       the refusal carries another code than the page's
//	validation/rule/<id>           the rule never refuses
//	boundary/rule/<id>/kept        the rule refuses a request that keeps it
//	boundary/rule/<id>/premise-false  the rule refuses a request whose premise is false
//	error-code/rule/<id>           the rule's refusal carries another code
//	state/<state>/accepted         a request is accepted while the state holds
//	state/quota/<quota>/ignored    the quota is not enforced
//	error-code/state/<state>, error-code/quota/<quota>   another code for the state or quota
//	cross-account/...              another account's (or instance's) resource is usable
//	read-back/<Attribute>-as-string  Describe renders an integer attribute as a JSON string
//	engine/...                     a mistake of the validation engine as a whole
//	wire/...                       a request as a client encodes it is misread

// Fault categories, as InjectableFaults reports them.
const (
	FaultCategoryValidation   = "validation"
	FaultCategoryBoundary     = "boundary"
	FaultCategoryErrorCode    = "error-code"
	FaultCategoryHTTPStatus   = "http-status"
	FaultCategoryEnvelope     = "envelope"
	FaultCategoryContentType  = "content-type"
	FaultCategoryState        = "state"
	FaultCategoryCrossAccount = "cross-account"
	FaultCategoryReadBack     = "read-back"
	FaultCategoryEngine       = "engine"
	FaultCategoryRAM          = "ram"
	FaultCategorySignature    = "signature"
	FaultCategoryConcurrency  = "concurrency"
	FaultCategoryIntermittent = "intermittent"
	FaultCategoryWire         = "wire"
)

// Directions of a fault: how the broken answer differs from the right one.
const (
	DirAcceptsForbidden = "accepts-forbidden" // a request the page says must be refused is accepted
	DirRefusesPermitted = "refuses-permitted" // a request the page says must be accepted is refused
	DirWrongCode        = "wrong-code"        // refused, but with another code than the page's
	DirWrongStatus      = "wrong-status"      // the HTTP status differs from the code's
	DirWrongReadBack    = "wrong-read-back"   // what Describe reports differs from what was stored
	DirWrongEnvelope    = "wrong-envelope"    // the body or headers break the answer's shape
	DirWrongState       = "wrong-state"       // the state changes in a way the page forbids
	DirServerError      = "server-error"      // the service fails
)

// FaultInfo describes one fault Config.Inject can switch on, and what it breaks.
type FaultInfo struct {
	Name        string `json:"name"`
	Category    string `json:"category"`
	Description string `json:"description"`
	// Subject is what the fault breaks: a parameter or list field path (Tag.Key), a rule id, a
	// state or quota name, an attribute of the read-back, or "" for the answers as a whole.
	Subject string `json:"subject,omitempty"`
	// Breaks is the kind of thing broken: a constraint kind (maximum, enum, required,
	// maxItems...), "rule", "state", "quota", "type" (of a read-back attribute), or the layer
	// of the answer (envelope, signature, ...).
	Breaks string `json:"breaks,omitempty"`
	// Direction is one of the Dir constants.
	Direction string `json:"direction,omitempty"`
	// Basis is documented when the page makes what the fault breaks certain: a run under the
	// documented profile must detect it. An inferred fault breaks only what the description
	// infers, and is graded under the strict profile.
	Basis spec.Basis `json:"basis,omitempty"`
}

// faultSwitch names the hand-written faults; each is consulted at exactly one hook.
type faultSwitch int

const (
	swNone faultSwitch = iota
	swNoRequestID
	swConstantRequestID
	swKeepDeletedPort
	swNoCode
	swCodeInSuccess
	swTextContentType
	swJSONForXML
	swPortConflictMissed
	swListenerQuotaIgnored
	swLeaveBehind
	swLeaveBehindLate
	swNonceMemoryShort
	swOverwriteOnConflict
	swCreatedRunning
	swDescribeDefaults
	swDescribeStaleStatus
	swForeignCertificate
	swForeignCACertificate
	swForeignACL
	swForeignLoadBalancer
	swOtherInstanceGroup
	swRAMAllowed
	swBadSignatureV1
	swBadSignatureV3
	swUnsigned
	swReplayedNonce
	swStaleTimestamp
	swPortCheckRace
	swIntermittent5xx
	swRegionRequired
	swFormPlusLiteral
	swXMLErrorAppXML
	swSuccess202
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
	checks  []string  // engine: checkKey(path, kind) bent by mode
	rule    string    // engine: a rule bent by mode
	mode    faultMode // how checks and rule are bent
	engine  func(*engineFaults)
	rows    []string // rows of the create table (states or quotas) switched off
	codeRow string   // a row of the create table answered with another code
	read    string   // an integer attribute Describe renders as a string
	answer  *answerRule
	sw      faultSwitch
	gateway string // a gateway fault by name (faults_gateway.go)
}

// Settings of the faults that need a number.
const (
	// raceWindow is how long a create under concurrency/port-check-race leaves the state
	// unlocked between its checks and its change.
	raceWindow = 2 * time.Millisecond
	// intermittentRate is the share of requests to the operation under test answered
	// ServiceUnavailable under intermittent/5xx (draws from the Disruptions.Seed generator).
	intermittentRate = 0.02
)

// catalogue builds the list once from the description. Further families of faults append
// their entries at the end.
var catalogue = sync.OnceValue(func() []faultDef {
	s := spec.MustDefault()
	var out []faultDef
	out = append(out, constraintFaults(s)...)
	out = append(out, ruleFaults(s)...)
	out = append(out, stateFaults(s)...)
	out = append(out, codeFaults(s)...)
	out = append(out, handWritten(s)...)
	out = append(out, gatewayFaults...)
	out = append(out, readBackFaults(s)...)
	out = append(out, engineWideFaults(s)...)
	return complete(unique(out))
})

// unique keeps the first entry of each name: the families overlap where the description
// makes two of them break the same thing.
func unique(defs []faultDef) []faultDef {
	seen := map[string]bool{}
	out := defs[:0:0]
	for _, d := range defs {
		if !seen[d.Name] {
			seen[d.Name] = true
			out = append(out, d)
		}
	}
	return out
}

// complete fills in what an entry left out of its FaultInfo: the basis (documented unless
// said otherwise) and the direction of its category.
func complete(defs []faultDef) []faultDef {
	byCategory := map[string]string{
		FaultCategoryValidation: DirAcceptsForbidden, FaultCategoryBoundary: DirRefusesPermitted,
		FaultCategoryErrorCode: DirWrongCode, FaultCategoryHTTPStatus: DirWrongStatus,
		FaultCategoryEnvelope: DirWrongEnvelope, FaultCategoryContentType: DirWrongEnvelope,
		FaultCategoryCrossAccount: DirAcceptsForbidden, FaultCategoryReadBack: DirWrongReadBack,
		FaultCategoryRAM: DirAcceptsForbidden, FaultCategorySignature: DirAcceptsForbidden,
		FaultCategoryConcurrency: DirWrongState, FaultCategoryIntermittent: DirServerError,
		FaultCategoryState: DirWrongState, FaultCategoryWire: DirRefusesPermitted,
	}
	for i := range defs {
		d := &defs[i]
		if d.Basis == "" {
			d.Basis = spec.Documented
		}
		if d.Direction == "" {
			d.Direction = byCategory[d.Category]
		}
		if d.Breaks == "" {
			d.Breaks = d.Category
		}
	}
	return defs
}

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

// lookupFault finds a fault by name: the catalogue first, then any validation pair the
// description constrains.
func lookupFault(name string) (faultDef, error) {
	for _, d := range catalogue() {
		if d.Name == name {
			return d, nil
		}
	}
	rest, ok := strings.CutPrefix(name, FaultCategoryValidation+"/")
	if ok {
		s := spec.MustDefault()
		if id, isRule := strings.CutPrefix(rest, "rule/"); isRule {
			d, err := ruleOffFault(s, id)
			return completeOne(d), err
		}
		if i := strings.LastIndex(rest, "/"); i > 0 {
			d, err := acceptFault(s, rest[:i], spec.Kind(rest[i+1:]))
			return completeOne(d), err
		}
	}
	return faultDef{}, fmt.Errorf("no injectable fault named %q (see emulator.InjectableFaults)", name)
}

func completeOne(d faultDef) faultDef { return complete([]faultDef{d})[0] }

// injector holds the faults switched on. A nil *injector has every fault off; all its
// methods may be called on nil.
type injector struct {
	engine   engineFaults
	skipRows map[string]bool // rows of the create table switched off
	codeRows map[string]bool // rows answered with another code
	read     map[string]bool // integer attributes rendered as strings
	answers  []answerRule
	on       [numSwitches]bool
	gateway  map[string]bool // gateway faults on, by name
	// concurrency/port-check-race: how many creates were stored, and when each listener was
	// (storedAt is guarded by the emulator's state lock).
	stored   atomic.Uint64
	storedAt map[*listener]uint64
	// state/deleted-listener-keeps-port: the ports whose listener was deleted, by instance
	// (guarded by the emulator's state lock).
	kept map[string]map[int]bool
}

// newInjector builds the injector for a list of fault names (already checked by Config.Check);
// it returns nil when the list is empty.
func newInjector(names []string) (*injector, error) {
	if len(names) == 0 {
		return nil, nil
	}
	in := &injector{engine: engineFaults{checks: map[string]faultMode{}, rules: map[string]faultMode{}},
		skipRows: map[string]bool{}, codeRows: map[string]bool{}, read: map[string]bool{}, gateway: map[string]bool{}, storedAt: map[*listener]uint64{}}
	for _, n := range names {
		d, err := lookupFault(n)
		if err != nil {
			return nil, err
		}
		for _, k := range d.checks {
			in.engine.checks[k] |= d.mode
		}
		if d.rule != "" {
			in.engine.rules[d.rule] |= d.mode
		}
		if d.engine != nil {
			d.engine(&in.engine)
		}
		for _, r := range d.rows {
			in.skipRows[r] = true
		}
		if d.codeRow != "" {
			in.codeRows[d.codeRow] = true
		}
		if d.read != "" {
			in.read[d.read] = true
		}
		if d.answer != nil {
			in.answers = append(in.answers, *d.answer)
		}
		if d.gateway != "" {
			in.gateway[d.gateway] = true
		}
		in.on[d.sw] = true
	}
	in.on[swNone] = false
	return in, nil
}

// has reports whether a hand-written fault is on.
func (in *injector) has(sw faultSwitch) bool { return in != nil && in.on[sw] }

// engineFaults are the faults the validation engine compiles in.
func (in *injector) engineFaults() engineFaults {
	if in == nil {
		return engineFaults{}
	}
	return in.engine
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
		if in.on[swConstantRequestID] && f.k == spec.FieldRequestID {
			f.v = constantRequestID
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
		h.Set(headerContentType, "text/plain;charset=utf-8")
	}
	if in.on[swXMLErrorAppXML] && status >= 400 && req.format == formatXML {
		h.Set(headerContentType, "application/xml;charset=utf-8")
	}
	if in.on[swNoRequestID] && status >= 400 {
		h.Del(headerRequestID)
	}
	if in.on[swConstantRequestID] && h.Get(headerRequestID) != "" {
		h.Set(headerRequestID, constantRequestID)
	}
}

// keepPort remembers the port of a deleted listener under state/deleted-listener-keeps-port.
// Callers hold e.mu.
func (in *injector) keepPort(lb string, port int) {
	if !in.has(swKeepDeletedPort) {
		return
	}
	if in.kept == nil {
		in.kept = map[string]map[int]bool{}
	}
	if in.kept[lb] == nil {
		in.kept[lb] = map[int]bool{}
	}
	in.kept[lb][port] = true
}

// portKept reports whether a deleted listener still holds the port (keepPort). Callers hold
// e.mu.
func (in *injector) portKept(lb string, port int) bool {
	return in.has(swKeepDeletedPort) && in.kept[lb][port]
}

// constantRequestID is the RequestId of every answer of the operation under test under
// envelope/constant-request-id.
const constantRequestID = "0C0C0C0C-0000-4000-8000-00000000C0C0"

// successStatus is the status a success of the operation under test is sent with: 202 under
// http-status/success-202, else status.
func (in *injector) successStatus(s *spec.Spec, req *request, status int) int {
	if in == nil || status != http.StatusOK || req.action != s.UnderTest.Action || !in.on[swSuccess202] {
		return status
	}
	return http.StatusAccepted
}

// intermittent draws whether this request of the operation under test fails with a 5xx.
func (in *injector) intermittent(e *Emulator, req *request) *apiError {
	if !in.has(swIntermittent5xx) || req.action != e.spec.UnderTest.Action || !e.draw(intermittentRate) {
		return nil
	}
	return e.gatewayError(spec.GatewayUnavailable, "injected intermittent fault")
}

// regionRequired refuses a request to the operation under test that names no region, as if
// the optional RegionId were required (validation/region-required).
func (in *injector) regionRequired(e *Emulator, req *request) *apiError {
	if r, ok := req.get(spec.ParamRegionID); !in.has(swRegionRequired) || req.action != e.spec.UnderTest.Action || (ok && r != "") {
		return nil
	}
	return e.gatewayError(spec.GatewayMissingParameter, spec.ParamRegionID+" is required")
}

// formText is the text of a form body as the request is decoded: a '+' there stays a plus
// sign under wire/form-plus-literal, where it should be a space.
func (in *injector) formText(text string) string {
	if !in.has(swFormPlusLiteral) {
		return text
	}
	return strings.ReplaceAll(text, "+", "%2B")
}

// skipsCheck reports whether a row of the create table is switched off (by a fault named in
// the row, or by a state or quota fault).
func (in *injector) skipsCheck(row stateCheck) bool {
	if in == nil {
		return false
	}
	return (row.fault != swNone && in.on[row.fault]) || in.skipRows[row.name()]
}

// wrongCode reports whether a row of the create table answers with another code.
func (in *injector) wrongCode(row stateCheck) bool { return in != nil && in.codeRows[row.name()] }

// certificateView widens what a create sees as the caller's certificates to every account's
// (cross-account/foreign-certificate-accepted), or their CA certificates only
// (cross-account/foreign-ca-certificate-accepted), and its ACLs likewise
// (cross-account/foreign-acl-accepted). The region is a shallow copy, so changes to its
// instances still land in the real state.
func (in *injector) certificateView(st *persisted, r *regionState, account string) *regionState {
	all, ca, acls := in.has(swForeignCertificate), in.has(swForeignCACertificate), in.has(swForeignACL)
	if (!all && !ca && !acls) || r == nil {
		return r
	}
	view := *r
	view.Certificates = make(map[string]*certificate, len(r.Certificates))
	for id, c := range r.Certificates {
		view.Certificates[id] = c
	}
	view.ACLs = make(map[string]*acl, len(r.ACLs))
	for id, a := range r.ACLs {
		view.ACLs[id] = a
	}
	for an, a := range st.Accounts {
		if an == account {
			continue
		}
		for _, other := range a.Regions {
			for id, c := range other.Certificates {
				if all || (ca && c.CA) {
					view.Certificates[id] = c
				}
			}
			for id, x := range other.ACLs {
				if acls {
					view.ACLs[id] = x
				}
			}
		}
	}
	return &view
}

// foreignLoadBalancer finds an instance of another account by id
// (cross-account/foreign-load-balancer-accepted). Callers hold e.mu.
func (in *injector) foreignLoadBalancer(st *persisted, account, id string) *instance {
	if !in.has(swForeignLoadBalancer) {
		return nil
	}
	for an, a := range st.Accounts {
		if an == account {
			continue
		}
		for _, r := range a.Regions {
			if lb := r.LoadBalancers[id]; lb != nil {
				return lb
			}
		}
	}
	return nil
}

// otherInstanceGroup finds a server group of another instance of the region
// (cross-account/other-instance-vserver-group-accepted). Callers hold e.mu.
func (in *injector) otherInstanceGroup(r *regionState, id string) *serverGroup {
	if !in.has(swOtherInstanceGroup) || r == nil {
		return nil
	}
	for _, lbID := range sortedKeys(r.LoadBalancers) {
		if g := r.LoadBalancers[lbID].Groups[id]; g != nil {
			return g
		}
	}
	return nil
}

// leaveBehind stores the listener of a create that a state check refused
// (state/refused-create-leaves-listener, and state/refused-create-lands-late, where every new
// listener shows in reads only after lateFaultLag unless Choices.ReadLag sets another lag).
// Callers hold e.mu.
func (in *injector) leaveBehind(e *Emulator, c *createCtx, op *spec.Operation) {
	if !(in.has(swLeaveBehind) || in.has(swLeaveBehindLate)) || c.lb == nil || c.region == nil || c.lb.Listeners[c.port] != nil {
		return
	}
	c.lb.Listeners[c.port] = e.newListener(c, op)
}

// shortNonceMemory is how long signature/nonce-memory-short remembers a nonce, instead of
// the nonce window: a replay at once is caught, one a second later is not.
const shortNonceMemory = 500 * time.Millisecond

// lateFaultLag is the read lag of state/refused-create-lands-late when the choices set none:
// the listener it leaves behind is not there yet when a hasty check reads the port.
const lateFaultLag = 60 * time.Millisecond

// overwrite gives the listener already on the port of a create that a state check refused
// the create's attributes, keeping its status and age (state/refused-create-overwrites-listener).
// Callers hold e.mu.
func (in *injector) overwrite(e *Emulator, c *createCtx, op *spec.Operation) {
	if !in.has(swOverwriteOnConflict) || c.lb == nil || c.region == nil || c.lb.Listeners[c.port] == nil {
		return
	}
	old := c.lb.Listeners[c.port]
	l := e.newListener(c, op)
	l.Running, l.PendingUntil, l.Created = old.Running, old.PendingUntil, old.Created
	c.lb.Listeners[c.port] = l
}

// raceWindow lets other requests in between a create's checks and its change
// (concurrency/port-check-race). Callers hold mu and still hold it on return.
//
// The race is made to show whatever the machine's load: a create that began before another
// stored its listener does not see that listener (raceSeen, raceUnseen), as if each had
// checked the port before either changed it; the window only gives the simultaneous creates
// the time to begin.
func (in *injector) raceWindow(mu *sync.Mutex) {
	if !in.has(swPortCheckRace) {
		return
	}
	mu.Unlock()
	for range 8 {
		runtime.Gosched()
	}
	time.Sleep(raceWindow)
	mu.Lock()
}

// raceSeen is what a create beginning now has seen of the stored listeners: the number of
// creates stored so far (concurrency/port-check-race).
func (in *injector) raceSeen() uint64 {
	if !in.has(swPortCheckRace) {
		return 0
	}
	return in.stored.Load()
}

// raceUnseen reports whether a listener was stored after a create that has seen seen began,
// so that, under concurrency/port-check-race, the create's checks did not see it. Callers
// hold e.mu.
func (in *injector) raceUnseen(l *listener, seen uint64) bool {
	if !in.has(swPortCheckRace) {
		return false
	}
	n, ok := in.storedAt[l]
	return ok && n > seen
}

// created applies the faults to a listener about to be stored. Callers hold e.mu.
func (in *injector) created(l *listener) {
	if in.has(swCreatedRunning) {
		l.Running, l.PendingUntil = true, time.Time{}
	}
	if in.has(swPortCheckRace) {
		in.storedAt[l] = in.stored.Add(1)
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
	for i := range out {
		if in.read[out[i].k] {
			if text, ok := integerText(out[i].v); ok {
				out[i].v = text
			}
		}
	}
	return out
}

// integerText is an integer attribute value of an answer as a string.
func integerText(v any) (string, bool) {
	switch n := v.(type) {
	case *int64:
		return strconv.FormatInt(*n, 10), true
	case int64:
		return strconv.FormatInt(n, 10), true
	case int:
		return strconv.Itoa(n), true
	}
	return "", false
}

// acceptsSignature reports whether a V1 request passes the signature check anyway.
func (in *injector) acceptsSignature(req *request) bool {
	if in == nil {
		return false
	}
	return in.on[swBadSignatureV1] || (in.on[swUnsigned] && req.value(spec.ParamSignature) == "")
}
