package emulator

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// caller is the authenticated principal of a request.
type caller struct {
	accountID string
	user      *User // nil for the account's root
	keyID     string
}

// setCaller records the principal of req; the request holds it, so it costs no allocation.
func (r *request) setCaller(c caller) {
	r.principal = c
	r.caller = &r.principal
}

type keyEntry struct {
	account *Account
	user    *User
	key     AccessKey
}

// indexKeys maps access key ids to their owners.
func indexKeys(cfg *Config) map[string]keyEntry {
	m := map[string]keyEntry{}
	for i := range cfg.Accounts {
		a := &cfg.Accounts[i]
		for _, k := range a.Keys {
			m[k.ID] = keyEntry{account: a, key: k}
		}
		for j := range a.Users {
			u := &a.Users[j]
			for _, k := range u.Keys {
				m[k.ID] = keyEntry{account: a, user: u, key: k}
			}
		}
	}
	return m
}

// authenticate checks the request's signature, timestamp, nonce and security token and sets
// req.caller. V3 is recognised by its Authorization header; everything else is V1.
//
// Missing pieces are answered as follows: no AccessKeyId (and no Authorization header) is
// MissingParameter, as are a missing Timestamp or SignatureNonce; a key id with an absent or
// empty Signature, an unknown SignatureMethod/SignatureVersion, or an Authorization header
// that cannot be parsed is IncompleteSignature.
func (e *Emulator) authenticate(req *request) *apiError {
	if e.cfg.NoAuth {
		if len(e.cfg.Accounts) == 0 {
			return e.gatewayError(spec.GatewayUnknownAccessKey, "no account is configured")
		}
		req.setCaller(caller{accountID: e.cfg.Accounts[0].ID})
		// A known key still selects its owner, so cross-account tests work without signing.
		id := req.value(spec.ParamAccessKeyID)
		if id == "" {
			if a, err := signature.ParseAuthorizationV3(req.http.Header.Get(signature.HeaderAuthorization)); err == nil {
				id = a.AccessKeyID
			}
		}
		if ent, ok := e.keys[id]; ok {
			req.setCaller(caller{accountID: ent.account.ID, user: ent.user, keyID: id})
		}
		return nil
	}
	hr := req.http
	if auth := hr.Header.Get(signature.HeaderAuthorization); auth != "" && req.value(spec.ParamSignature) == "" {
		return e.authV3(req, auth)
	}
	return e.authV1(req)
}

func (e *Emulator) authV1(req *request) *apiError {
	keyID, ok := req.get(spec.ParamAccessKeyID)
	if !ok || keyID == "" {
		return e.gatewayError(spec.GatewayMissingParameter, spec.ParamAccessKeyID+" is required")
	}
	ent, aerr := e.lookupKey(keyID)
	if aerr != nil {
		return aerr
	}
	if sig := req.value(spec.ParamSignature); sig == "" && !e.inj.has(swUnsigned) {
		return e.incomplete(spec.ParamSignature+" is missing", signature.StringToSignV1(req.http.Method, req.raw))
	}
	if m, ok := req.get(spec.ParamSignatureMethod); ok && m != signature.SignatureMethodV1 {
		return e.incomplete(spec.ParamSignatureMethod+" must be "+signature.SignatureMethodV1, signature.StringToSignV1(req.http.Method, req.raw))
	}
	if v, ok := req.get(spec.ParamSignatureVersion); ok && v != signature.SignatureVersionV1 {
		return e.incomplete(spec.ParamSignatureVersion+" must be "+signature.SignatureVersionV1, signature.StringToSignV1(req.http.Method, req.raw))
	}
	ts, ok := req.get(spec.ParamTimestamp)
	if !ok || ts == "" {
		return e.gatewayError(spec.GatewayMissingParameter, spec.ParamTimestamp+" is required")
	}
	nonce, ok := req.get(spec.ParamSignatureNonce)
	if !ok || nonce == "" {
		return e.gatewayError(spec.GatewayMissingParameter, spec.ParamSignatureNonce+" is required")
	}
	signedAt, aerr := e.checkTime(ts)
	if aerr != nil {
		return aerr
	}
	// The signature covers every value as sent; a client that signed a repeated identical
	// value only once is accepted too, since both readings come from the same bytes. Without
	// a repeated name the two readings are one.
	good := signature.ValidV1(req.http.Method, req.raw, ent.key.Secret)
	if !good && req.repeats {
		good = signature.ValidV1(req.http.Method, req.values, ent.key.Secret) || e.inj.gatewayFault(gfRepeatedUnverified)
	}
	if !good && !e.inj.acceptsSignature(req) {
		return e.mismatch(signature.StringToSignV1(req.http.Method, req.raw))
	}
	if aerr := e.checkToken(ent, req.value(spec.ParamSecurityToken)); aerr != nil {
		return aerr
	}
	if aerr := e.useNonce(keyID, nonce, signedAt); aerr != nil {
		return aerr
	}
	req.setCaller(caller{accountID: ent.account.ID, user: ent.user, keyID: keyID})
	return nil
}

func (e *Emulator) authV3(req *request, header string) *apiError {
	a, err := signature.ParseAuthorizationV3(header)
	if err != nil {
		return e.incomplete("the Authorization header is malformed: "+err.Error(), "")
	}
	ent, aerr := e.lookupKey(a.AccessKeyID)
	if aerr != nil {
		return aerr
	}
	hr := req.http
	date := hr.Header.Get(signature.HeaderDate)
	if date == "" {
		return e.gatewayError(spec.GatewayMissingParameter, signature.HeaderDate+" is required")
	}
	nonce := hr.Header.Get(signature.HeaderNonce)
	if nonce == "" {
		return e.gatewayError(spec.GatewayMissingParameter, signature.HeaderNonce+" is required")
	}
	signedAt, aerr := e.checkTime(date)
	if aerr != nil {
		return aerr
	}
	if h := hr.Header.Get(signature.HeaderContentSHA256); h != "" && h != signature.HexSHA256(req.body) {
		return e.mismatch("the x-acs-content-sha256 header does not match the body")
	}
	if missing := e.inj.unsignedHeaders(signature.UnsignedHeadersV3(hr, a.SignedHeaders)); len(missing) > 0 {
		return e.incomplete("SignedHeaders must list host and every x-acs-* header sent; it leaves out "+strings.Join(missing, ", "), "")
	}
	good, sts, verr := signature.VerifyV3(hr, req.body, ent.key.Secret)
	if verr != nil {
		return e.incomplete(verr.Error(), "")
	}
	if !good && !e.inj.has(swBadSignatureV3) {
		return e.mismatch(sts)
	}
	if aerr := e.checkToken(ent, hr.Header.Get(signature.HeaderSecurityToken)); aerr != nil {
		return aerr
	}
	if aerr := e.useNonce(a.AccessKeyID, nonce, signedAt); aerr != nil {
		return aerr
	}
	req.setCaller(caller{accountID: ent.account.ID, user: ent.user, keyID: a.AccessKeyID})
	return nil
}

func (e *Emulator) lookupKey(id string) (keyEntry, *apiError) {
	ent, ok := e.keys[id]
	if !ok {
		return keyEntry{}, e.gatewayError(spec.GatewayUnknownAccessKey, "")
	}
	if ent.key.Disabled {
		return keyEntry{}, e.gatewayError(spec.GatewayDisabledKey, "")
	}
	return ent, nil
}

// incomplete is IncompleteSignature, with the server's string to sign appended when known.
func (e *Emulator) incomplete(detail, sts string) *apiError {
	ae := e.gatewayError(spec.GatewayMissingSignature, "")
	ae.Recommend = detail
	if sts != "" {
		ae.Message += " server string to sign is:" + sts
	}
	return ae
}

// mismatch is SignatureDoesNotMatch; like the real gateway, the message ends with the string
// the server signed so that clients can compare it with theirs.
func (e *Emulator) mismatch(sts string) *apiError {
	ae := e.gatewayError(spec.GatewayBadSignature, "")
	ae.Message += " server string to sign is:" + sts
	return ae
}

// checkTime checks a Timestamp or x-acs-date against the window and returns the instant it
// names.
func (e *Emulator) checkTime(ts string) (time.Time, *apiError) {
	now := e.now()
	err := signature.CheckTimestamp(ts, now, e.spec.Wire.TimestampWindow)
	switch {
	case err == nil:
	case errors.Is(err, signature.ErrTimestampExpired) && e.acceptsExpired(ts, now):
	case errors.Is(err, signature.ErrTimestampExpired):
		return time.Time{}, e.gatewayError(spec.GatewayStaleTimestamp, "")
	default:
		return time.Time{}, e.gatewayError(spec.GatewayInvalidParameter, "the timestamp must look like "+signature.TimestampLayout)
	}
	t, _ := signature.ParseTimestamp(ts) // well-formed: CheckTimestamp parsed it
	return t, nil
}

// acceptsExpired reports whether an injected fault lets a timestamp outside the window through.
func (e *Emulator) acceptsExpired(ts string, now time.Time) bool {
	if e.inj.has(swStaleTimestamp) {
		return true
	}
	t, err := signature.ParseTimestamp(ts)
	return err == nil && (e.inj.futureAccepted(t, now) || e.inj.wideWindow(t, now, e.spec.Wire.TimestampWindow))
}

// checkToken: a security token, when sent, must be one issued for the key (gateway state
// token-mismatch otherwise).
func (e *Emulator) checkToken(ent keyEntry, token string) *apiError {
	if token == "" || slices.Contains(ent.key.Tokens, token) || e.inj.gatewayFault(gfAnyToken) {
		return nil
	}
	return e.gatewayError(spec.GatewayTokenMismatch, "")
}

// useNonce records a nonce of a key. It is remembered for as long as a request carrying it
// could pass the timestamp check: the nonce window from now, and at least until the request's
// own timestamp leaves the window (a request dated ahead of the server clock stays valid that
// much longer). A nonce seen in that time is a replay; a full cache refuses the request with
// the gateway's throttling answer rather than forget a nonce early.
func (e *Emulator) useNonce(keyID, nonce string, signedAt time.Time) *apiError {
	now := e.now()
	until := now.Add(e.spec.Wire.NonceWindow)
	if end := signedAt.Add(e.spec.Wire.TimestampWindow); end.After(until) {
		until = end
	}
	if e.inj.has(swNonceMemoryShort) {
		until = now.Add(shortNonceMemory)
	}
	switch e.nonces.use(keyID, nonce, now, until) {
	case nonceUsed:
		if !e.inj.has(swReplayedNonce) {
			return e.gatewayError(spec.GatewayNonceReplayed, "")
		}
	case nonceFull:
		return e.gatewayError(spec.GatewayThrottled, "the emulator remembers as many nonces as it may (Config.MaxNonces) until their windows end; retry later")
	}
	return nil
}

// limiter is a token bucket per access key.
type limiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func (l *limiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) > 100000 {
			l.buckets = map[string]*bucket{}
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// authorize applies the RAM policies of a RAM user. The root of an account may do anything.
// For the operation under test every resource of its x-ram description (built from the
// request's parameters) must be allowed by some statement and denied by none. For the other
// operations, which the description gives no RAM data for, a RAM user is allowed unless a
// statement explicitly denies the action.
func (e *Emulator) authorize(req *request, op *spec.Operation) *apiError {
	c := req.caller
	if c == nil || c.user == nil {
		return nil
	}
	action := ramActionPrefix + op.Action
	var resources []string
	strict := op.RAM != nil
	if op.RAM != nil {
		action = op.RAM.Action
		for _, r := range op.RAM.Resources {
			v, ok := req.get(r.Parameter)
			if !ok || v == "" {
				continue
			}
			for _, id := range strings.Split(v, ",") {
				resources = append(resources, expandARN(r.ARN, req.region, c.accountID, strings.TrimSpace(id)))
			}
		}
	}
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	allowed := true
	for _, res := range resources {
		allow, deny := false, false
		for _, p := range c.user.Policies {
			for _, st := range p.Statement {
				if !matchAny(st.Action, action, true) || !matchAny(st.Resource, res, false) {
					continue
				}
				if st.Effect == effectDeny {
					deny = true
				} else if st.Effect == effectAllow {
					allow = true
				}
			}
		}
		if deny {
			return e.denied(req, action, noPermissionTypeExplicit)
		}
		if strict && !allow {
			allowed = false
		}
	}
	if !allowed {
		return e.denied(req, action, noPermissionTypeImplicit)
	}
	return nil
}

var placeholder = regexp.MustCompile(`\{[^}]*\}`)

// expandARN fills an ARN template: {regionId} and {accountId} by name, the remaining
// placeholder with the resource id.
func expandARN(tmpl, region, account, id string) string {
	s := strings.ReplaceAll(tmpl, "{regionId}", region)
	s = strings.ReplaceAll(s, "{accountId}", account)
	return placeholder.ReplaceAllLiteralString(s, id)
}

func matchAny(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if fold {
			if wildcard(strings.ToLower(p), strings.ToLower(s)) {
				return true
			}
		} else if wildcard(p, s) {
			return true
		}
	}
	return false
}

// wildcard matches s against a pattern where '*' stands for any run of characters and '?'
// for one character.
func wildcard(p, s string) bool {
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func (e *Emulator) denied(req *request, action, kind string) *apiError {
	ae := e.gatewayError(spec.GatewayRAMDenied, "")
	ae.Recommend = "the RAM policies of user " + req.caller.user.Name + " do not allow " + action
	ae.Denied = map[string]string{
		"AuthAction":               action,
		"AuthPrincipalType":        "SubUser",
		"AuthPrincipalOwnerId":     req.caller.accountID,
		"AuthPrincipalDisplayName": req.caller.user.Name,
		"PolicyType":               "AccountLevelIdentityBasedPolicy",
		"NoPermissionType":         kind,
		"EncodedDiagnosticMessage": "",
	}
	return ae
}
