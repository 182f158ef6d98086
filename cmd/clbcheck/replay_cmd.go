package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/reports"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

func init() {
	register(command{
		name:    "replay",
		summary: "send a failing case of a JSON report again, freshly signed (FILE#CASE)",
		run:     interruptible(replayWithContext),
	})
}

// signingParams are dropped from a recorded request: the replay signs it anew.
var signingParams = map[string]bool{
	spec.ParamSignature: true, spec.ParamSignatureNonce: true, spec.ParamTimestamp: true,
	spec.ParamAccessKeyID: true, spec.ParamSecurityToken: true, spec.ParamSignatureMethod: true, spec.ParamSignatureVersion: true,
}

// envelopeParams become fields of the request, not parameters.
var envelopeParams = map[string]bool{spec.ParamAction: true, spec.ParamVersion: true, spec.ParamFormat: true}

// replayFlags are the flags of clbcheck replay.
type replayFlags struct {
	tf        targetFlags
	principal *string
	timeout   *time.Duration
}

func replayWithContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, f := newReplayFlags(stderr)
	tf, principal, timeout := &f.tf, f.principal, f.timeout
	pos, err := parseInterspersed(fs, args)
	if code, ok := flagsParsed(err); !ok {
		return code
	}
	return replayCase(ctx, pos, tf, *principal, *timeout, stdout, stderr)
}

// newReplayFlags declares the flags and the usage text of clbcheck replay.
func newReplayFlags(stderr io.Writer) (*flag.FlagSet, *replayFlags) {
	fs := flag.NewFlagSet("clbcheck replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := &replayFlags{}
	f.tf.register(fs)
	f.principal = fs.String("principal", "", "send as this `principal` (primary, second, restricted); default: the one whose key the recording used, else primary")
	f.timeout = fs.Duration("timeout", 30*time.Second, "give up on the answer after this `duration`")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), joinLines(
			"Usage: clbcheck replay FILE#CASE [flags]",
			"",
			"Sends a failing (or warning) case of a JSON report again: the recorded method, URL and",
			"body, with the signature parameters removed and the request signed anew (fresh",
			"timestamp and nonce), parameters in the same places (query, form body or both). It",
			"prints the request, the answer and whether the case still fails as recorded.",
			"",
			"The default target is a fresh embedded emulator, which does not hold the resources of",
			"the original run (load balancers, certificates): ids in the request will not exist",
			"there. To reproduce a failure of a running implementation, give its --target URL.",
			"",
			"Exit status: 0 the answer is now the expected one, 1 it still differs, 2 usage error,",
			"3 the target could not be reached.",
			"",
			"Flags:"))
		fs.PrintDefaults()
	}
	return fs, f
}

// replayCase sends the case pos names again and says whether it still fails.
func replayCase(ctx context.Context, pos []string, tf *targetFlags, principal string, timeout time.Duration, stdout, stderr io.Writer) int {
	usage := usageFailer(stderr, "replay")
	if len(pos) != 1 {
		return usage("give exactly one case reference, FILE#CASE (the report prints one for each failure)")
	}
	c, err := reports.LoadCase(pos[0])
	if err != nil {
		return usage("%v", err)
	}
	if c.Exchange == nil {
		return usage("case %s has no recorded request (it failed before an answer came); run it again with clbcheck run", c.ID)
	}
	tg, err := tf.build()
	if err != nil {
		return usage("%v", err)
	}
	req, recordedKey, err := requestFromExchange(c)
	if err != nil {
		return usage("%v", err)
	}
	req.Principal = principal
	if req.Principal == "" {
		req.Principal = principalByKey(tg.creds, recordedKey)
	}
	if !tg.HasPrincipal(req.Principal) {
		return usage("the target has no credentials for the %s principal", req.Principal)
	}

	fmt.Fprintf(stdout, "case %s (%s)\n", c.ID, c.Scenario)
	fmt.Fprintf(stdout, "recorded: expected %s, got %s\n", c.Expected, c.Actual)
	if tg.kind == kindEmulator {
		fmt.Fprintln(stdout, "note: a fresh embedded emulator lacks the original run's resources; use --target URL to replay against the implementation")
	}
	sctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp, err := tg.Send(sctx, req)
	if err != nil {
		if errors.Is(err, target.ErrNoPrincipal) {
			return usage("%v", err)
		}
		fmt.Fprintf(stderr, "clbcheck replay: no answer from %s: %s\n", tg.Name(), redactSecrets(err.Error()))
		return exitUnreachable
	}
	fmt.Fprintf(stdout, "\nsent to %s as %s:\n", tg.Name(), req.Principal)
	return judgeReplay(stdout, c, resp)
}

// judgeReplay prints what was sent and answered, and whether the case still fails as
// recorded.
func judgeReplay(stdout io.Writer, c contracts.CaseResult, resp *target.Response) int {
	printSent(stdout, resp.Sent)
	fmt.Fprintf(stdout, "\nanswer: HTTP %d", resp.Status)
	if resp.ContentType != "" {
		fmt.Fprintf(stdout, " (%s)", resp.ContentType)
	}
	fmt.Fprintf(stdout, " in %s\n%s\n\n", resp.Duration.Round(time.Microsecond), clip(string(resp.Body), 4000))

	now := resp.Outcome()
	switch {
	case now == c.Actual:
		fmt.Fprintf(stdout, "STILL FAILS as recorded: got %s again, expected %s\n", now, c.Expected)
		return exitFailures
	case meetsExpectation(c, resp):
		fmt.Fprintf(stdout, "NO LONGER FAILS: got %s, the expected %s (recorded: %s)\n", now, c.Expected, c.Actual)
		return exitOK
	default:
		fmt.Fprintf(stdout, "FAILS DIFFERENTLY: got %s, expected %s (recorded: %s)\n", now, c.Expected, c.Actual)
		return exitFailures
	}
}

// meetsExpectation judges an answer against a recorded case's expected outcome the way the
// run judged it (the strict profile: the exact code or an accepted variant of an inferred
// one). Reports from before outcomes were recorded whole carry only the text "STATUS CODE".
func meetsExpectation(c contracts.CaseResult, r *target.Response) bool {
	code := r.Code
	if r.Success() {
		code = ""
	}
	if c.Expect != nil {
		return contracts.JudgeOutcome(*c.Expect, r.Status, code, contracts.ProfileStrict).Verdict == contracts.Pass
	}
	if c.Expected == "success" {
		return r.Success()
	}
	status, want, _ := strings.Cut(c.Expected, " ")
	return fmt.Sprint(r.Status) == status && (want == "" || spec.MatchCode(want, r.Code))
}

type wirePair struct {
	name, value string // name decoded; value as on the wire
}

func splitPairs(raw string) []wirePair {
	var out []wirePair
	for _, p := range strings.Split(raw, "&") {
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		out = append(out, wirePair{k, v})
	}
	return out
}

// kv keeps a wire value byte for byte: re-encoded when encoding reproduces it, raw otherwise.
func (p wirePair) kv() target.KV {
	if d, err := url.QueryUnescape(p.value); err == nil && url.QueryEscape(d) == p.value {
		return target.KV{Name: p.name, Value: d}
	}
	return target.KV{Name: p.name, Value: p.value, Raw: true}
}

// requestFromExchange rebuilds the request of a recorded case without its signature. It
// returns the AccessKeyId the recording used, to pick the same principal.
func requestFromExchange(c contracts.CaseResult) (target.Request, string, error) {
	ex := c.Exchange
	u, err := url.Parse(ex.URL)
	if err != nil {
		return target.Request{}, "", fmt.Errorf("the recorded URL does not parse: %w", err)
	}
	rd := &recordedWire{req: target.Request{Method: ex.Method}}
	rd.add(splitPairs(u.RawQuery), false)
	rd.add(splitPairs(ex.Body), true)
	req, key, signed, sts, inQuery, inBody := rd.req, rd.key, rd.signed, rd.sts, rd.inQuery, rd.inBody
	headers := map[string]string{}
	for k, v := range ex.Headers {
		headers[strings.ToLower(k)] = v
	}
	v3 := strings.HasPrefix(headers["authorization"], "ACS3")
	if v3 {
		req.Auth = spec.AuthV3
		req.Action = cmp.Or(req.Action, headers[strings.ToLower(signature.HeaderAction)])
		req.Version = cmp.Or(req.Version, headers[strings.ToLower(signature.HeaderVersion)])
		if a, err := signature.ParseAuthorizationV3(headers["authorization"]); err == nil {
			key = a.AccessKeyID
		}
		if headers[signature.HeaderSecurityToken] != "" {
			sts = true
		}
	}
	switch {
	case inBody == 0:
		req.Placement = "query"
	case inQuery == 0:
		req.Placement = "form"
	default:
		req.Placement = "split"
	}
	if req.Action == "" {
		return target.Request{}, "", fmt.Errorf("the recorded request of %s names no Action", c.ID)
	}
	switch {
	case !signed && !v3:
		req.Auth = spec.AuthUnsigned
	case sts && !v3:
		req.Auth = spec.AuthSTS
	}
	req.Auth = brokenAuth(c, req.Auth)
	return req, key, nil
}

// brokenAuth is the auth mode a security case broke on purpose, to break it the same way
// again; other cases keep auth.
func brokenAuth(c contracts.CaseResult, auth spec.Auth) spec.Auth {
	// Security cases broke the signing on purpose: break it the same way again.
	if b := c.Broken; b != nil && b.Kind == string(generators.BrokenAuth) {
		switch spec.Auth(b.Rule) {
		case spec.AuthBadSignature, spec.AuthV3BadSignature, spec.AuthStaleTimestamp, spec.AuthUnknownKey, spec.AuthUnsigned,
			spec.AuthV3MinimalHeaders, spec.AuthV3HostUnsigned, spec.AuthV3AddedHeader, spec.AuthSTSWrongToken, spec.AuthFarFutureTimestamp, spec.AuthV3FarFutureDate, spec.AuthV3BodyHashMismatch:
			return spec.Auth(b.Rule)
		}
	}
	return auth
}

// recordedWire collects the parameters of a recorded request, without the signature, and
// what they tell of how it was signed and where its parameters were.
type recordedWire struct {
	req             target.Request
	key             string // the AccessKeyId of a V1 signature
	signed, sts     bool
	inQuery, inBody int
}

func (rd *recordedWire) add(pairs []wirePair, body bool) {
	for _, p := range pairs {
		switch p.name {
		case spec.ParamAccessKeyID:
			rd.key = p.kv().Value
		case spec.ParamSecurityToken:
			rd.sts = true
		case spec.ParamSignature:
			rd.signed = true
		}
		if signingParams[p.name] {
			continue
		}
		if envelopeParams[p.name] {
			v := p.kv().Value
			switch p.name {
			case spec.ParamAction:
				rd.req.Action = v
			case spec.ParamVersion:
				rd.req.Version = v
			case spec.ParamFormat:
				rd.req.Format = v
			}
		} else {
			rd.req.Params = append(rd.req.Params, p.kv())
		}
		if body {
			rd.inBody++
		} else {
			rd.inQuery++
		}
	}
}

// principalByKey finds the principal whose key id the recording used.
func principalByKey(creds map[string]signature.Credentials, key string) string {
	if key != "" {
		names := make([]string, 0, len(creds))
		for n := range creds {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if creds[n].AccessKeyID == key {
				return n
			}
		}
	}
	return spec.PrincipalPrimary
}

// printSent shows a request as sent, with the security token hidden.
func printSent(w io.Writer, s target.Sent) {
	fmt.Fprintf(w, "  %s %s\n", s.Method, redactSecrets(s.URL))
	keys := make([]string, 0, len(s.Headers))
	for k := range s.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := s.Headers[k]
		if strings.EqualFold(k, signature.HeaderSecurityToken) {
			v = "(hidden)"
		}
		fmt.Fprintf(w, "  %s: %s\n", k, v)
	}
	if s.Body != "" {
		fmt.Fprintf(w, "\n  %s\n", clip(redactSecrets(s.Body), 4000))
	}
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("... (%d more bytes)", len(s)-n)
}
