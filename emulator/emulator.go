package emulator

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/clbcheck/clbcheck/spec"
)

// Emulator answers the RPC requests of the service. It is an http.Handler and safe for
// concurrent use.
type Emulator struct {
	cfg    Config
	spec   *spec.Spec
	keys   map[string]keyEntry
	nonces *nonceCache
	limit  *limiter

	faultMu sync.Mutex
	rng     *rand.Rand
	inj     *injector // injected faults; nil when none is on
	engine  *engine   // the validation of the business parameters

	mu    sync.Mutex // guards state; held for the whole check-and-change of a request
	state *persisted
	store *store // keeps state on disk; nil without Config.StateFile

	ops map[string]opFunc

	attributeFields []attributeField // what Describe shows of a listener's attributes, sorted

	readLag time.Duration // how long a new listener stays out of the reads' sight (Choices.ReadLag)
}

type opFunc func(req *request, op *spec.Operation) (answer, *apiError)

// New builds an emulator from a configuration. When cfg.StateFile is set, the state is loaded
// from it (a missing file starts empty; a corrupt one is an error wrapping ErrCorruptState, one
// another emulator holds an error wrapping ErrStateInUse) and the emulator holds the file until
// Close.
func New(cfg Config) (*Emulator, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	cfg = cfg.clone()
	s, err := spec.Default()
	if err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.HostID == "" {
		cfg.HostID = s.Wire.HostID
	}
	e := &Emulator{
		cfg:    cfg,
		spec:   s,
		nonces: newNonceCache(cfg.MaxNonces),
		rng:    rand.New(rand.NewPCG(cfg.Disruptions.Seed, cfg.Disruptions.Seed^0x5851f42d4c957f2d)),
		state:  newState(),
	}
	// indexKeys keeps pointers into e.cfg, so it is built once e.cfg is in place.
	e.keys = indexKeys(&e.cfg)
	if f := cfg.Disruptions; f.RateLimit > 0 {
		burst := f.RateBurst
		if burst < 1 {
			burst = 1
		}
		e.limit = &limiter{rate: f.RateLimit, burst: float64(burst), buckets: map[string]*bucket{}}
	}
	e.ops = e.operations()
	e.attributeFields = attributeFields(s.UnderTest)
	e.inj, _ = newInjector(cfg.Inject) // checked by cfg.Check above
	e.readLag, _ = cfg.Choices.readLag()
	if e.inj.has(swLeaveBehindLate) && e.readLag == 0 {
		e.readLag = lateFaultLag
	}
	if e.engine, err = newEngine(s, cfg.Choices, e.inj.engineFaults()); err != nil {
		return nil, err
	}
	for _, op := range s.Operations {
		if e.ops[op.Action] == nil {
			return nil, fmt.Errorf("emulator: the description lists %s, which the emulator does not serve", op.Action)
		}
	}
	if cfg.StateFile != "" {
		if e.store, e.state, err = openStore(cfg.StateFile); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// Close writes the state file a last time and lets another emulator open it. Requests served
// afterwards may still read the state; a change is answered InternalError. Close does nothing
// without a state file, and nothing the second time.
func (e *Emulator) Close() error {
	if e.store == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.store.close(e.state)
}

// durable makes the changes of a request safe on disk before it is answered: those it made
// and any others since gen, which is when it began (a request that changed nothing, while
// nothing else did either, has nothing to wait for).
func (e *Emulator) durable(req *request, gen uint64) *apiError {
	if e.store == nil || e.store.gen.Load() == gen {
		return nil
	}
	e.mu.Lock()
	n, err := e.store.record(e.state, tokens(req.raw))
	e.mu.Unlock()
	if err == nil {
		err = e.store.await(n)
	}
	if err != nil {
		return e.gatewayError(spec.GatewayInternalError, "the change may not have been saved: "+err.Error())
	}
	return nil
}

// MustNew is New for tests and examples; it panics on error.
func MustNew(cfg Config) *Emulator {
	e, err := New(cfg)
	if err != nil {
		panic(err)
	}
	return e
}

// Config returns a copy of the configuration in force (credentials included).
func (e *Emulator) Config() Config { return e.cfg.clone() }

// Handler returns the emulator as an http.Handler.
func (e *Emulator) Handler() http.Handler { return e }

// Snapshot returns the whole state as the JSON a state file holds. Tests compare snapshots to
// show that a refused request changed nothing.
func (e *Emulator) Snapshot() ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return json.Marshal(e.state)
}

// Held counts, per account, the resources the emulator holds that a client creates and must
// remove again (load balancers, server and CA certificates, ACLs, TLS policies), over every
// region; an account the state knows has an entry even when it holds nothing.
func (e *Emulator) Held() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]int{}
	for id, a := range e.state.Accounts {
		n := 0
		for _, r := range a.Regions {
			n += len(r.LoadBalancers) + len(r.Certificates) + len(r.ACLs) + len(r.TLSPolicies)
		}
		out[id] = n
	}
	return out
}

// NonceCacheSize is the number of nonces currently remembered (for memory tests).
func (e *Emulator) NonceCacheSize() int { return e.nonces.size() }

func (e *Emulator) now() time.Time { return e.cfg.Now() }

// ServeHTTP runs a request through the layers: faults, wire decoding, routing, authentication,
// throttling, RAM, static validation, then the operation (state checks and changes).
func (e *Emulator) ServeHTTP(w http.ResponseWriter, hr *http.Request) {
	req := &request{http: hr, id: newRequestID(), format: formatJSON}
	defer func() {
		if v := recover(); v != nil {
			// A last resort: no input should get here, and tests look for this text.
			_ = debug.Stack()
			e.writeError(w, req, e.gatewayError(spec.GatewayInternalError, fmt.Sprintf("emulator fault: %v", v)))
		}
	}()
	if d := e.cfg.Disruptions.Latency; d > 0 {
		select {
		case <-time.After(d):
		case <-hr.Context().Done():
			return
		}
	}
	if e.drop(w) {
		return
	}
	if ae := e.serve(w, hr, req); ae != nil {
		e.writeError(w, req, ae)
	}
	if req.params != nil {
		req.params.release()
	}
}

// drop closes the connection without an answer, with the configured probability.
func (e *Emulator) drop(w http.ResponseWriter) bool {
	if e.cfg.Disruptions.DropRate <= 0 || !e.draw(e.cfg.Disruptions.DropRate) {
		return false
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		// In-process recorders cannot be hijacked; a bare 502 without body is the closest.
		w.WriteHeader(http.StatusBadGateway)
		return true
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		_ = conn.Close()
	}
	return true
}

func (e *Emulator) draw(p float64) bool {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	return e.rng.Float64() < p
}

func (e *Emulator) serve(w http.ResponseWriter, hr *http.Request, req *request) *apiError {
	if hr.URL.Path != e.spec.Wire.Path && hr.URL.Path != "" {
		return e.gatewayError(spec.GatewayUnknownAction, "the only path is "+e.spec.Wire.Path)
	}
	if !slices.Contains(e.spec.Wire.Methods, hr.Method) {
		return e.gatewayError(spec.GatewayBadMethod, "")
	}
	if ae := e.decode(w, hr, req); ae != nil {
		return ae
	}
	if f, ok := req.get(spec.ParamFormat); ok {
		switch strings.ToUpper(f) {
		case formatJSON:
		case formatXML:
			req.format = formatXML
		default:
			return e.gatewayError(spec.GatewayInvalidParameter, spec.ParamFormat+" must be JSON or XML")
		}
	}
	req.action, _ = req.get(spec.ParamAction)
	if req.action == "" {
		req.action = hr.Header.Get(e.spec.Wire.ActionHeader)
	}
	req.version, _ = req.get(spec.ParamVersion)
	if req.version == "" {
		req.version = hr.Header.Get(e.spec.Wire.VersionHeader)
	}
	if req.action == "" {
		return e.gatewayError(spec.GatewayMissingParameter, spec.ParamAction+" is required")
	}
	if req.version == "" {
		return e.gatewayError(spec.GatewayMissingParameter, spec.ParamVersion+" is required")
	}
	op := e.spec.Operation(req.action)
	if op == nil {
		return e.gatewayError(spec.GatewayUnknownAction, "")
	}
	if req.version != e.spec.APIVersion {
		return e.gatewayError(spec.GatewayUnknownVersion, "")
	}
	if ae := e.disrupted(req); ae != nil {
		return ae
	}
	req.region = e.cfg.Region
	if r, ok := req.get(spec.ParamRegionID); ok && r != "" {
		req.region = r
	}
	if ae := e.authenticate(req); ae != nil {
		return ae
	}
	if e.limit != nil && !e.limit.allow(req.caller.keyID, e.now()) {
		return e.gatewayError(spec.GatewayThrottled, "")
	}
	if ae := e.authorize(req, op); ae != nil && !e.inj.has(swRAMAllowed) {
		return ae
	}
	if ae := e.validate(req, op); ae != nil {
		return ae
	}
	var gen uint64
	if e.store != nil {
		gen = e.store.gen.Load()
	}
	out, ae := e.ops[op.Action](req, op)
	if dae := e.durable(req, gen); ae == nil {
		ae = dae
	}
	if ae != nil {
		return ae
	}
	e.writeOK(w, req, out)
	return nil
}

// disrupted is the answer a request gets from the disruption settings (server errors) or an
// injected fault before the gateway reads it any further; nil to go on.
func (e *Emulator) disrupted(req *request) *apiError {
	if e.cfg.Disruptions.ServerErrorRate > 0 && e.draw(e.cfg.Disruptions.ServerErrorRate) {
		if e.draw(0.5) {
			return e.gatewayError(spec.GatewayInternalError, "injected fault")
		}
		return e.gatewayError(spec.GatewayUnavailable, "injected fault")
	}
	if ae := e.inj.intermittent(e, req); ae != nil {
		return ae
	}
	return e.inj.regionRequired(e, req)
}

// validate runs the stateless checks of the engine (validate.go). A value outside an enum
// that the description says may be extended (TLSCipherPolicy: the id of a custom policy of the
// caller) is accepted when the extension holds. The request goes on with the values as the
// engine read them (see engine.validate).
func (e *Emulator) validate(req *request, op *spec.Operation) *apiError {
	extends := func(p *spec.Parameter, value string) bool {
		return p.EnumExtendedBy != "" && e.enumExtension(req, value)
	}
	v, values := e.engine.validate(op, req.values, extends)
	req.values = values
	if v != nil {
		return e.violation(v)
	}
	return nil
}

// enumExtension reports whether a value names a custom TLS policy of the caller.
func (e *Emulator) enumExtension(req *request, value string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.state.region(req.caller.accountID, req.region, false)
	return r != nil && r.TLSPolicies[value] != nil
}

// violation turns a broken constraint into its answer: the expected code with the catalogue's
// status and message (each %s filled with what went wrong).
func (e *Emulator) violation(v *violation) *apiError {
	code, status := v.Outcome.Code, v.Outcome.Status
	if code == "" {
		// The gateway's generic answer to a bad parameter.
		if ec, ok := e.spec.GatewayError(spec.GatewayInvalidParameter); ok {
			code, status = ec.Code, ec.Status
		}
	}
	ec, ok := e.spec.Error(code)
	msg := v.Detail
	if ok {
		status = ec.Status
		switch {
		case strings.Contains(ec.Message, "%s"):
			msg = fillMessage(ec.Message, v.Detail)
		case ec.Gateway:
			msg = withDetail(ec.Message, v.Detail)
		default:
			msg = ec.Message
		}
	}
	if status == 0 {
		status = http.StatusBadRequest
	}
	return &apiError{Status: status, Code: code, Message: msg, Recommend: v.Detail}
}
