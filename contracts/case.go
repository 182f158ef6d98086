package contracts

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/referee"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// runCase runs one case in named steps: begin (the result's header and expectation),
// prepare (skips, fixtures), setup (the calls that build the state the case needs), send
// (the request, once or raced), judge (integrity, answer checks, state checks) and conclude.
// With batch set, a refusal's no-state-change check may be left to a batch (refusals.go).
func (r *runner) runCase(ctx context.Context, c generators.Case, batch bool) (out caseOutcome) {
	start := time.Now()
	cr := &caseRun{r: r, c: c, out: &out, env: &caseEnv{}}
	skip := cr.begin()
	res := &out.CaseResult
	defer func() {
		res.DurationMS = float64(time.Since(start).Microseconds()) / 1000
		if p := recover(); p != nil {
			res.Verdict = Fail
			res.Checks = append(res.Checks, CheckResult{Check: "harness", Verdict: Fail, Message: fmt.Sprintf("the harness itself failed on this case: %v (please report it)", p)})
		}
	}()
	if skip != "" {
		cr.skip("expectations file: " + skip)
		return out
	}
	if !cr.prepare(ctx) {
		return out
	}
	defer func() {
		for _, l := range cr.cleanup {
			r.deleteListener(context.WithoutCancel(ctx), l)
		}
	}()
	if !cr.setup(ctx) || !cr.send(ctx) || !cr.judge(ctx, batch) {
		return out
	}
	r.conclude(&out, c, cr.resp)
	return out
}

// caseRun is one case on its way through runCase's steps. Each step returns false when the
// case ends there (skipped, failed, or waiting for a batched state check); out holds the
// result so far.
type caseRun struct {
	r       *runner
	c       generators.Case
	out     *caseOutcome
	env     *caseEnv
	expect  spec.Outcome
	cleanup []resources.ListenerKey // listeners the case created, deleted when it ends

	kvs        []target.KV
	lref       resources.ListenerKey // the listener the case's request names
	portIsOurs bool                  // the run may read that listener back and remove it
	before     *target.Response      // the listener before the request, for no-state-change
	resp       *target.Response
	race       *CheckResult
}

// skip ends the case as skipped for reason.
func (cr *caseRun) skip(reason string) bool {
	cr.out.Verdict, cr.out.SkipReason = Skip, reason
	return false
}

// begin fills in the result's header and the expected outcome (after the expectations
// file), and returns why the expectations file skips the case ("" when it does not).
func (cr *caseRun) begin() string {
	c, res := cr.c, &cr.out.CaseResult
	res.ID, res.Scenario, res.Category, res.Seed, res.Size = c.ID, c.Scenario, string(c.Category), c.Seed, c.Size()
	if c.Broken != nil {
		res.Broken = &Breach{Param: c.Broken.Param, Kind: string(c.Broken.Kind), Rule: cmp.Or(c.Broken.Rule, c.Broken.State), Original: c.Broken.Original, Sent: c.Broken.Sent, Wire: c.Broken.Wire}
	}
	if c.Edge != nil {
		res.EdgeParam = c.Edge.Param
	}
	expect, skip, overridden := cr.r.opts.Overrides.apply(c)
	cr.expect = expect
	res.Expected, res.Basis = expect.String(), string(expect.Basis)
	res.Direction, res.DirectionBasis = string(expect.Direction()), string(expect.DirectionBasis)
	res.Expect = &expect
	if overridden {
		res.Basis = "override"
	}
	return skip
}

// prepare skips a case the generator or the credentials rule out, allocates its port, and
// resolves the fixtures it needs.
func (cr *caseRun) prepare(ctx context.Context) bool {
	c, r := cr.c, cr.r
	if c.Skip != "" {
		return cr.skip(c.Skip)
	}
	if c.Principal != "" && !r.t.HasPrincipal(c.Principal) {
		return cr.skip(noCredentials(c.Principal))
	}
	cr.env = &caseEnv{binds: map[string]string{}, port: r.nextPort()}
	if c.UsesEarlyCopy() {
		if e := r.early.get(c.ID); e != nil && e.port != "" {
			cr.env.port = e.port // the late replay re-sends its first use, port and all
		}
	}
	for _, slot := range c.Needs() {
		if _, err := r.fx.Resolve(ctx, slot); err != nil {
			if errors.Is(err, target.ErrUnreachable) {
				cr.out.unreachable, cr.out.err = true, err
			}
			cr.out.Fixture = slot
			return cr.skip(fmt.Sprintf("fixture %s is not available: %s", slot, ErrorText(err)))
		}
	}
	return true
}

// setup sends the calls that build the state the case needs; each must succeed.
func (cr *caseRun) setup(ctx context.Context) bool {
	for i, call := range cr.c.Setup {
		if !cr.setupCall(ctx, i, call) {
			return false
		}
	}
	return true
}

// setupCall sends setup call i, remembers what it created, and binds the field it names.
func (cr *caseRun) setupCall(ctx context.Context, i int, call generators.Call) bool {
	r, res := cr.r, &cr.out.CaseResult
	if call.After > 0 && target.Sleep(ctx, call.After) != nil {
		return cr.skip("interrupted during setup")
	}
	kvs, err := r.kvs(ctx, cr.env, call.Params)
	if err != nil {
		return cr.skip(fmt.Sprintf("setup step %d (%s): %v", i+1, call.Action, err))
	}
	principal := cmp.Or(call.Principal, cr.c.Principal)
	// What the call creates is recorded for the final clean-up (and the ledger, the intent
	// first).
	resp, err := r.fx.Track(ctx, target.Request{Action: call.Action, Params: kvs, Principal: principal}, r.send)
	if err != nil {
		cr.out.unreachable, cr.out.err = errors.Is(err, target.ErrUnreachable), err
		res.Transient = target.TroubleOf(nil, err)
		return cr.skip(fmt.Sprintf("setup step %d (%s) could not be sent: %s", i+1, call.Action, ErrorText(err)))
	}
	if kind := target.TroubleOf(resp, nil); kind != "" {
		// Target trouble, not a contract answer, even when retries could not get past it.
		res.Transient = kind
		return cr.skip(fmt.Sprintf("setup step %d (%s) met transient target trouble (%s): %s", i+1, call.Action, kind, actualOf(resp)))
	}
	if !resp.Success() {
		msg := fmt.Sprintf("setup step %d (%s) was refused with %s: %s", i+1, call.Action, actualOf(resp), resp.Message)
		if r.opts.Profile == ProfileStrict {
			res.Verdict = Fail
			res.Checks = append(res.Checks, CheckResult{Check: "setup", Verdict: Fail, Message: msg})
			return false
		}
		return cr.skip(msg)
	}
	if call.Action == r.s.UnderTest.Action {
		cr.cleanup = append(cr.cleanup, resources.ListenerOf(kvs, principal))
	}
	if call.Bind != "" {
		v, _ := resp.Fields[call.Field].(string)
		if v == "" {
			return cr.skip(fmt.Sprintf("setup step %d (%s) answered without %s", i+1, call.Action, call.Field))
		}
		cr.env.binds[call.Bind] = v
	}
	return true
}

// send resolves the case's parameters and sends its request: after a first copy for a
// replayed nonce, raced when the case is concurrent. An error ends the case as skipped
// (interrupt, missing credentials, transient trouble) or failed (no answer).
func (cr *caseRun) send(ctx context.Context) bool {
	c, r, res := cr.c, cr.r, &cr.out.CaseResult
	kvs, err := r.kvs(ctx, cr.env, c.Params)
	if err != nil {
		return cr.skip(fmt.Sprintf("cannot resolve the case's parameters: %v", err))
	}
	cr.kvs = kvs
	req := cr.request()
	cr.locateListener()
	if c.SettleAfterSetup && r.awaitSettled(ctx, time.Now()) != nil {
		return cr.skip("interrupted while waiting for the set-up to settle")
	}
	if c.UsesEarlyCopy() && !cr.awaitEarlyCopy(ctx, &req) {
		return false
	}
	if cr.portIsOurs && len(cr.cleanup) > 0 && r.enabled(CheckNoStateChange) {
		cr.before, _ = r.describe(ctx, cr.lref)
	}
	if c.Auth == spec.AuthReplayedNonce || c.Auth == spec.AuthV3ReplayedNonce {
		req.Nonce = signature.NewNonce()
		req.Time = r.opts.Now()
		first, err := r.send(ctx, req)
		if err == nil && first.Success() && cr.portIsOurs {
			cr.cleanup = append(cr.cleanup, cr.lref)
		}
	}
	if c.Concurrent > 1 {
		cr.resp, cr.race, err = r.race(ctx, req, c.Concurrent)
		if cr.resp != nil && cr.race != nil && cr.race.Actual != "0" {
			cr.cleanup = append(cr.cleanup, cr.lref)
		}
	} else {
		cr.resp, err = r.send(ctx, req)
	}
	if err != nil {
		if errors.Is(err, target.ErrNoPrincipal) {
			if c.Auth == spec.AuthSTS {
				// The key is there; what is missing is the token that makes it STS credentials.
				return cr.skip(noCredentials(c.Principal) + "'s STS token (set " + target.EnvToken + " beside the key)")
			}
			return cr.skip(noCredentials(c.Principal))
		}
		cr.out.unreachable, cr.out.err = errors.Is(err, target.ErrUnreachable), err
		if ctx.Err() != nil {
			return cr.skip("interrupted")
		}
		if kind := target.TroubleOf(nil, err); kind != "" {
			res.Transient = kind
			return cr.skip(fmt.Sprintf("not judged: transient target trouble (%s): %s", kind, ErrorText(err)))
		}
		res.Verdict = Fail
		res.Checks = append(res.Checks, CheckResult{Check: CheckNotServerError, Verdict: Fail, Message: "no answer: " + ErrorText(err)})
		return false
	}
	return true
}

// request is the case's request, its parameters resolved.
func (cr *caseRun) request() target.Request {
	c := cr.c
	return target.Request{Action: c.Action, Version: c.Version, Params: cr.kvs, Method: c.Method, Placement: c.Placement, Format: c.Format, Principal: c.Principal, Auth: c.Auth, NoRegion: c.NoRegion, Judged: true}
}

// locateListener finds the listener the request names, and whether it is the run's to read
// back and remove: its port is allocated, or written out by the case (a boundary such as
// port 1), on an instance the run provides.
func (cr *caseRun) locateListener() {
	c := cr.c
	cr.lref = resources.ListenerOf(cr.kvs, c.Principal)
	// A port spelled otherwise than in plain decimal ("+1000") names the port it means when
	// the service reads it: the listener is read back and removed under that port.
	if m, ok := referee.Meaning(cr.r.s.UnderTest.Param(spec.ParamListenerPort), cr.lref.Port); ok {
		cr.lref.Port = m
	}
	if p, ok := c.Get(spec.ParamListenerPort); ok && (p.Ref == spec.SlotPort || p.Ref == "") {
		if lb, ok := c.Get(spec.ParamLoadBalancerID); ok && lb.Ref != "" {
			cr.portIsOurs = true
		}
	}
}

// judge judges the answer: transient trouble is not judged; the bytes sent must break
// exactly what the case claims; then the answer checks, and the state checks (a success
// created exactly the listener asked for, a refusal changed nothing).
func (cr *caseRun) judge(ctx context.Context, batch bool) bool {
	c, r, res, resp := cr.c, cr.r, &cr.out.CaseResult, cr.resp
	res.Actual = actualOf(resp)
	res.Exchange = exchangeOf(resp)
	if kind := target.TroubleOf(resp, nil); kind != "" && (resp.Code == "" || resp.Code != cr.expect.Code) {
		// Throttling, a 503 burst, a proxy's 502: the target could not serve the request for
		// a moment. Counted by kind and reported, never judged as the operation's answer.
		res.Transient = kind
		return cr.skip(fmt.Sprintf("not judged: transient target trouble (%s): the answer was %s", kind, res.Actual))
	}
	// The bytes sent must break exactly what the case claims.
	sent := target.SentValues(resp.Sent, r.s.Wire.CommonParameters)
	if err := generators.Confirm(r.s, c, sent); err != nil {
		res.Checks = append(res.Checks, CheckResult{Check: "case-integrity", Verdict: Fail, Message: "the harness generated a case that does not break what it claims: " + err.Error()})
	}
	j := &judgement{s: r.s, c: c, expect: cr.expect, resp: resp, profile: r.opts.Profile, ids: &r.ids}
	// Room for every check at once: the list would otherwise be copied as it grows.
	res.Checks = slices.Grow(res.Checks, len(r.judges)+2)
	for _, jd := range r.judges {
		if chk := jd.f(j); chk != nil {
			res.Checks = append(res.Checks, r.severity(*chk, jd.cfg))
		}
	}
	if cr.race != nil && r.enabled(CheckSingleWinner) {
		res.Checks = append(res.Checks, r.severity(*cr.race, r.opts.Checks[CheckSingleWinner]))
	}
	// Judged: the body (up to target.MaxBody) is not held while the case waits for its state
	// checks; the exchange keeps its beginning.
	resp.Body, resp.Fields = nil, nil
	return cr.checkState(ctx, batch)
}

// checkState checks the target's state after the answer: a success created exactly the
// listener asked for; a refusal changed nothing (left to a batch when batch allows it).
func (cr *caseRun) checkState(ctx context.Context, batch bool) bool {
	c, r, res := cr.c, cr.r, &cr.out.CaseResult
	if c.Action != r.s.UnderTest.Action || !cr.portIsOurs || c.Concurrent > 1 {
		return true
	}
	if cr.resp.Success() {
		cr.cleanup = append(cr.cleanup, cr.lref)
		if r.enabled(CheckListenerCreated) {
			for _, chk := range r.checkCreated(ctx, cr.kvs, cr.lref) {
				if cr.echoOfRefusedValue(chk) {
					continue
				}
				res.Checks = append(res.Checks, r.severity(chk, r.opts.Checks[CheckListenerCreated]))
			}
		}
	} else if cr.resp.Status >= 200 && cr.resp.Status < 300 {
		// A 2xx carrying a Code is malformed, which the answer checks report; it is no
		// refusal, so what it left behind is cleaned up rather than held against it.
		cr.cleanup = append(cr.cleanup, cr.lref)
	} else if r.enabled(CheckNoStateChange) {
		if batch && len(cr.cleanup) == 0 && r.batching() {
			cr.out.refused, cr.out.resp = &cr.lref, cr.resp
			return false
		}
		_ = r.awaitSettled(ctx, time.Now()) // an interrupt discards the case
		res.Checks = append(res.Checks, r.severity(r.checkUnchanged(ctx, cr.lref, cr.before, len(cr.cleanup) > 0), r.opts.Checks[CheckNoStateChange]))
	}
	return true
}

// echoOfRefusedValue reports whether a read-back result is about the very value a case expected
// to be refused: expected-outcome already judges its acceptance, and what an invalid value
// reads back as says nothing more (ON sent, on read back), so it is not counted twice.
func (cr *caseRun) echoOfRefusedValue(chk CheckResult) bool {
	b := cr.c.Broken
	return b != nil && b.Param != "" && chk.Subject == b.Param && cr.expect.Direction() == spec.MustRefuse
}

// conclude sets the verdict of a case from its checks, and its reproduction lines when it did
// not pass.
func (r *runner) conclude(out *caseOutcome, c generators.Case, resp *target.Response) {
	res := &out.CaseResult
	res.Verdict = Pass
	for _, cr := range res.Checks {
		switch {
		case cr.Verdict == Fail:
			res.Verdict = Fail
		case cr.Verdict == Warn && res.Verdict == Pass:
			res.Verdict = Warn
		}
	}
	if res.Verdict != Pass {
		// Only findings are reproduced, and building the lines costs more than the rest of
		// the bookkeeping of a passing case.
		res.Repro = r.repro(c, resp)
	}
	out.refused, out.resp = nil, nil
}

func exchangeOf(resp *target.Response) *Exchange {
	return &Exchange{Method: resp.Sent.Method, URL: resp.Sent.URL, Body: resp.Sent.Body, Headers: resp.Sent.Headers, Status: resp.Status, Code: resp.Code,
		RequestID: resp.RequestID, ContentType: resp.ContentType, Response: trim(string(resp.Body), 2000), DurationMS: float64(resp.Duration.Microseconds()) / 1000}
}

// repro builds the reproduction lines of a case (repro.go).
func (r *runner) repro(c generators.Case, resp *target.Response) *Repro {
	return buildRepro(r.opts, r.inProcess, c, resp)
}

func failingChecks(r CaseResult) string {
	var names []string
	for _, c := range r.Checks {
		if c.Verdict == Fail {
			names = append(names, c.Check)
		}
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}
