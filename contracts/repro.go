package contracts

import (
	"cmp"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// Notes that go with a reproduction's curl line.
const (
	// CurlNeedsNoAuth says what an unsigned curl line needs to get the recorded answer.
	CurlNeedsNoAuth = "sent unsigned: it reproduces the answer only on a target that accepts unsigned requests, such as `clbcheck emulator --no-auth` (the AccessKeyId variable picks the principal); the replay line signs"
	// CurlAboutSigning is the note of cases whose point is the signature itself.
	CurlAboutSigning = "no curl line: this case is about signing, which only the replay line reproduces"
	// CurlInProcess is the note of runs against a target without a network address.
	// ResourcesRemoved is the note of a case whose request names resources the run removed.
	ResourcesRemoved = "the replay and curl lines send ids of resources the run set up and then removed (it ran without --keep-resources), so their answer may differ from the recorded one; the rerun line sets the resources up again"
	CurlInProcess    = "no curl line: the target has no network address (serve the emulator with `clbcheck emulator --no-auth` and run with --target URL to get one); the rerun line reproduces the case"
)

// inProcess is implemented by targets that have no network address (the embedded emulator, a
// replayed cassette).
type inProcess interface{ InProcess() bool }

func isInProcess(t target.Target) bool {
	ip, ok := t.(inProcess)
	return ok && ip.InProcess()
}

// buildRepro gives the lines that send a case again: a rerun through the harness (with its
// set-up), a signed replay of the recorded request at the run's target, and a curl line with
// what it needs to reproduce the answer.
func buildRepro(opts Options, addressless bool, c generators.Case, resp *target.Response) *Repro {
	rp := &Repro{}
	// The replay line needs the JSON report; without one, a command-line run offers the rerun
	// line, and a library run names the report to give.
	if report := opts.ReportPath; report != "" || opts.RerunCases == "" {
		rp.Replay = "clbcheck replay " + ShellQuote(cmp.Or(report, "REPORT.json")+"#"+c.ID)
		if opts.ReplayArgs != "" {
			rp.Replay += " " + opts.ReplayArgs
		}
	}
	if opts.RerunCases != "" {
		rp.Rerun = opts.RerunCases + " --include " + ShellQuote(c.ID)
	}
	if !opts.KeepResources && !addressless && len(c.Needs()) > 0 {
		rp.ResourcesNote = ResourcesRemoved
	}
	switch {
	case addressless:
		rp.CurlNote = CurlInProcess
	case aboutSigning(c.Auth):
		rp.CurlNote = CurlAboutSigning
	default:
		rp.Curl, rp.CurlNote = curlLine(c.Principal, resp.Sent), CurlNeedsNoAuth
	}
	return rp
}

// aboutSigning reports whether a case's point is its signature, which an unsigned line cannot
// carry.
func aboutSigning(a spec.Auth) bool {
	switch a {
	case spec.AuthV1, spec.AuthV3, spec.AuthSTS:
		return false
	}
	return true
}

// curlLine renders a request as a shell command: signature, nonce, timestamp and token
// removed, the AccessKeyId taken from the variable that carries the principal's key (a key id
// picks the caller on a target that does not check signatures), and every part quoted for a
// POSIX shell.
func curlLine(principal string, s target.Sent) string {
	keyVar := target.EnvKeyID
	for _, p := range target.PrincipalsEnv {
		if p.Principal == principal {
			keyVar = p.KeyID
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "curl -sS -X %s ", s.Method)
	u, err := url.Parse(s.URL)
	if err != nil {
		b.WriteString(ShellQuote(s.URL))
	} else {
		query := u.RawQuery
		u.RawQuery = ""
		b.WriteString(quoteWithKey(u.String(), "?", query, keyVar))
	}
	for _, h := range keptHeaders(s.Headers) {
		b.WriteString(" -H " + ShellQuote(h))
	}
	if s.Body != "" {
		b.WriteString(" --data-raw " + quoteWithKey("", "", s.Body, keyVar))
	}
	return b.String()
}

// unsignedDrop are the pairs a curl line leaves out.
var unsignedDrop = map[string]bool{
	spec.ParamSignature: true, spec.ParamSignatureNonce: true, spec.ParamTimestamp: true, spec.ParamSecurityToken: true,
}

// quoteWithKey quotes prefix+sep+pairs for the shell, without the signing pairs, and with the
// value of AccessKeyId replaced by a reference to keyVar. sep is written only when pairs remain.
func quoteWithKey(prefix, sep, pairs, keyVar string) string {
	var parts []string
	hasKey := false
	for _, pair := range strings.Split(pairs, "&") {
		k, _, _ := strings.Cut(pair, "=")
		switch {
		case pair == "" || unsignedDrop[k]:
			continue
		case k == spec.ParamAccessKeyID:
			hasKey = true
			parts = append(parts, "\x00key")
			continue
		}
		parts = append(parts, pair)
	}
	if len(parts) == 0 {
		return ShellQuote(prefix)
	}
	text := prefix + sep + strings.Join(parts, "&")
	if !hasKey {
		return ShellQuote(text)
	}
	before, after, _ := strings.Cut(text, "\x00key")
	out := ShellQuote(before+spec.ParamAccessKeyID+"=") + `"$` + keyVar + `"`
	if after != "" {
		out += ShellQuote(after)
	}
	return out
}

// keptHeaders are the request headers a curl line needs: the content type and V3's action and
// version, never the signature, date, nonce or token.
func keptHeaders(h map[string]string) []string {
	var out []string
	for k, v := range h {
		switch strings.ToLower(k) {
		case "content-type", strings.ToLower(signature.HeaderAction), strings.ToLower(signature.HeaderVersion):
			out = append(out, k+": "+v)
		}
	}
	sort.Strings(out)
	return out
}

// ShellQuote quotes s for a POSIX shell: in single quotes, each single quote inside closed,
// escaped with a backslash and opened again. Words made only of safe characters stay bare.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,@%+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// pluralize returns "1 case" or "2 cases".
func pluralize(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
