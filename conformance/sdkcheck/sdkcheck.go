// Package sdkcheck drives a CLB (Slb 2014-05-15) endpoint with the official Alibaba Cloud
// clients, the way a user of the real service would, and reports one named result per step:
// the whole lifecycle (instance, certificates, ACL, HTTPS listener, describe, start, delete),
// documented errors as each client reports them (code, HTTP status, RequestId), the XML format
// where the client reads it, STS credentials, a wrong secret, a replayed nonce and an expired
// timestamp.
//
// One function per client takes the endpoint and credentials: RunClassic (the classic Go SDK,
// signature V1), RunV3 (the V3 Go client, ACS3-HMAC-SHA256, parameters in the query and in a
// form body) and RunNode (the Node client @alicloud/pop-core, through node and check.js). The
// tests of this module run them against the emulator; the clbcheck-sdk command runs them
// against any URL.
package sdkcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// Config says where the endpoint is and whose credentials to use.
type Config struct {
	// Endpoint is the base URL, such as http://127.0.0.1:8080. Only http and https are valid.
	Endpoint string
	// Region is sent as RegionId; empty means cn-hangzhou.
	Region string
	// Primary is required: it owns everything the run creates.
	Primary signature.Credentials
	// STS, when it carries a SecurityToken, is used for the STS step. Empty: the step is skipped.
	STS signature.Credentials
	// Second is a key of another account, for the cross-account certificate case. Optional.
	Second signature.Credentials
	// Restricted is a RAM user denied CreateLoadBalancerHTTPSListener. Optional.
	Restricted signature.Credentials
	// NodeDir is the folder of check.js and its node_modules (RunNode only).
	NodeDir string
}

// EmulatorConfig is the Config of an emulator served at endpoint with the configuration ecfg:
// its region and the credentials of all of its principals.
func EmulatorConfig(endpoint string, ecfg emulator.Config) Config {
	return Config{
		Endpoint:   endpoint,
		Region:     ecfg.Region,
		Primary:    ecfg.MustPrincipal(emulator.PrincipalPrimary).Credentials,
		STS:        ecfg.MustPrincipal(emulator.PrincipalSTS).Credentials,
		Second:     ecfg.MustPrincipal(emulator.PrincipalSecondary).Credentials,
		Restricted: ecfg.MustPrincipal(emulator.PrincipalDenied).Credentials,
	}
}

// DefaultRegion is used when Config.Region is empty.
const DefaultRegion = "cn-hangzhou"

// Outcomes of a step.
const (
	Pass = "pass"
	Fail = "fail"
	Skip = "skip"
)

// Step is the result of one named step.
type Step struct {
	Client    string `json:"client"`
	Name      string `json:"name"`
	Outcome   string `json:"outcome"`
	Code      string `json:"code,omitempty"`      // error code the client reported
	Status    int    `json:"status,omitempty"`    // HTTP status the client reported
	RequestID string `json:"requestId,omitempty"` // RequestId the client reported
	Detail    string `json:"detail,omitempty"`    // why it failed or was skipped, or what was seen
	Transport bool   `json:"transport,omitempty"` // the endpoint could not be reached
	wantCode  string `json:"-"`
}

// ErrUnreachable marks a failure to reach the endpoint at all.
var ErrUnreachable = errors.New("the endpoint could not be reached")

// Check verifies a Config and fills its defaults.
func (c *Config) Check() error {
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	u, err := url.Parse(c.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("the endpoint %q is not an http:// or https:// URL", c.Endpoint)
	}
	if u.Path != "" && u.Path != "/" {
		return fmt.Errorf("the endpoint %q has a path; the service is served at /", c.Endpoint)
	}
	if c.Primary.AccessKeyID == "" || c.Primary.AccessKeySecret == "" {
		return errors.New("the primary credentials (access key id and secret) are required")
	}
	return nil
}

// hostAndScheme splits the endpoint the way the Go clients want it.
func (c *Config) hostAndScheme() (host, scheme string) {
	u, _ := url.Parse(c.Endpoint)
	return u.Host, u.Scheme
}

// recorder collects the steps of one client.
type recorder struct {
	client string
	steps  []Step
}

func (r *recorder) add(s Step) *Step {
	s.Client = r.client
	r.steps = append(r.steps, s)
	return &r.steps[len(r.steps)-1]
}

// run runs one step; f returns nil when it held. A panic inside a client (the classic SDK
// panics on some malformed answers) is a failure of the step, not of the run.
func (r *recorder) run(name string, f func() error) (ok bool) {
	defer func() {
		if v := recover(); v != nil {
			r.add(Step{Name: name, Outcome: Fail, Detail: fmt.Sprintf("the client panicked: %v", v)})
			ok = false
		}
	}()
	err := f()
	if err == nil {
		r.add(Step{Name: name, Outcome: Pass})
		return true
	}
	r.add(Step{Name: name, Outcome: Fail, Detail: oneLine(err.Error()), Transport: isTransport(err)})
	return false
}

// skip records a step that was not run.
func (r *recorder) skip(name, why string) {
	r.add(Step{Name: name, Outcome: Skip, Detail: why})
}

// expect runs a step that must fail with a documented code. call returns the client's error;
// read turns it into what the client reported.
func (r *recorder) expect(name, code string, call func() error, read func(error) (reported, bool)) {
	defer func() {
		if v := recover(); v != nil {
			r.add(Step{Name: name, Outcome: Fail, Detail: fmt.Sprintf("the client panicked: %v", v), wantCode: code})
		}
	}()
	err := call()
	st := Step{Name: name, wantCode: code}
	if err == nil {
		st.Outcome, st.Detail = Fail, "want "+code+", the call succeeded"
		r.add(st)
		return
	}
	got, ok := read(err)
	if !ok {
		st.Outcome, st.Detail, st.Transport = Fail, "want "+code+", got "+oneLine(err.Error()), isTransport(err)
		r.add(st)
		return
	}
	st.Code, st.Status, st.RequestID = got.code, got.status, got.requestID
	problems := answerProblems(code, got.code, got.status, got.requestID)
	if len(problems) > 0 && got.message != "" {
		problems[0] += " (" + oneLine(got.message) + ")"
	}
	problems = append(problems, got.extra...)
	if len(problems) > 0 {
		st.Outcome, st.Detail = Fail, strings.Join(problems, "; ")
	} else {
		st.Outcome = Pass
	}
	r.add(st)
}

// reported is an error answer as a client surfaced it.
type reported struct {
	code, message, requestID string
	status                   int
	extra                    []string // further problems the reader noticed
}

// answerProblems checks what a client reported for an answer that should carry the error
// code want: a code and HTTP status the description accepts for that error (its documented
// pair, or another it lists beside it; for an error the page does not document, any error
// code with a 4xx or 5xx), and a RequestId.
func answerProblems(want, code string, status int, requestID string) []string {
	var problems []string
	o := wantOutcome(want)
	switch {
	case o.Acceptable(status, code):
	case o.Basis == spec.Inferred && code != "" && status >= 400 && status <= 599:
		// The page does not tie a code to this error: how the client reports it is what counts.
	default:
		problems = append(problems, fmt.Sprintf("want %s, got %d %q", acceptedText(o), status, code))
	}
	if requestID == "" {
		problems = append(problems, "the client reported no RequestId")
	}
	return problems
}

// wantOutcome is what the description accepts for the error code want: its outcome with the
// other codes it accepts, each with its own documented status (spec.Spec.Accepting). A code
// the description does not list is expected as it is, with any error status.
func wantOutcome(want string) spec.Outcome {
	s := spec.MustDefault()
	if ec, ok := s.Error(want); ok {
		return s.Accepting(ec)
	}
	return spec.Outcome{Code: want, Basis: spec.Inferred, Accept: []string{want}}
}

// acceptedText renders what an outcome accepts: "400 CertificateNotExist (or 404
// ResourceNotFound.Certificate)".
func acceptedText(o spec.Outcome) string {
	text := fmt.Sprintf("%d %s", o.Status, o.Code)
	var others []string
	for _, a := range o.Accept {
		if a != o.Code {
			others = append(others, a)
		}
	}
	if len(others) > 0 || len(o.AcceptStatus) > 0 {
		text += fmt.Sprintf(" (also accepted: codes %s; statuses %v)", strings.Join(append([]string{o.Code}, others...), ", "), append([]int{o.Status}, o.AcceptStatus...))
	}
	return text
}

// untilVisible runs a read-back of a listener just created until it succeeds or
// resources.VisibleWithin has passed (the page says nothing of when a new listener shows, and
// clbcheck run allows as long), and returns its last error.
func untilVisible(read func() error) error {
	deadline := time.Now().Add(resources.VisibleWithin)
	for {
		err := read()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stateCode is the code the description gives the operation under test in a named state
// (spec.Spec.StateError), so that the steps expect what the description says.
func stateCode(state spec.StateName) string {
	if ec, ok := spec.MustDefault().StateError(state); ok {
		return ec.Code
	}
	return "(no error for the state " + string(state) + ")"
}

// gatewayCode is the gateway's code for a named state (spec.Spec.GatewayError).
func gatewayCode(state spec.GatewayState) string {
	if ec, ok := spec.MustDefault().GatewayError(state); ok {
		return ec.Code
	}
	return "(no gateway error for the state " + string(state) + ")"
}

// constraintCode is the code for breaking the constraint of kind k of the parameter at path
// ("Tag.Key" for a list field).
func constraintCode(path string, k spec.Kind) string {
	if p := spec.MustDefault().UnderTest.Lookup(path); p != nil {
		if c, ok := p.Constraint(k); ok {
			return c.Outcome.Code
		}
	}
	return "(no " + string(k) + " constraint on " + path + ")"
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

// isTransport reports whether err says the endpoint could not be reached at all.
func isTransport(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, ErrUnreachable) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	s := err.Error()
	for _, frag := range []string{"connection refused", "no such host", "connection reset", "i/o timeout", "EOF"} {
		if strings.Contains(s, frag) {
			return true
		}
	}
	return false
}

// certificates makes the run's certificates: a server certificate with its key and a CA.
func certificates(cn string) (server, ca resources.CertPair, err error) {
	if server, err = resources.NewCertificate(cn, false); err != nil {
		return
	}
	ca, err = resources.NewCertificate("ca."+cn, true)
	return
}

// Summary counts the outcomes of steps.
type Summary struct {
	Pass, Fail, Skip int
	// Unreachable is true when every failure is a transport failure and nothing passed: the
	// endpoint was not there at all.
	Unreachable bool
}

// Summarize counts the steps.
func Summarize(steps []Step) Summary {
	var s Summary
	transport := 0
	for _, st := range steps {
		switch st.Outcome {
		case Pass:
			s.Pass++
		case Fail:
			s.Fail++
			if st.Transport {
				transport++
			}
		default:
			s.Skip++
		}
	}
	s.Unreachable = s.Pass == 0 && s.Fail > 0 && transport == s.Fail
	return s
}

// Codes lists the distinct error codes that steps expected and saw, in order of first use.
func Codes(steps []Step) []string {
	var out []string
	seen := map[string]bool{}
	for _, st := range steps {
		if st.wantCode != "" && st.Outcome == Pass && !seen[st.wantCode] {
			seen[st.wantCode] = true
			out = append(out, st.wantCode)
		}
	}
	return out
}

// WriteTable prints steps as an aligned table followed by a count line.
func WriteTable(w io.Writer, steps []Step) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CLIENT\tSTEP\tRESULT\tCODE\tHTTP\tREQUEST ID\tDETAIL")
	for _, st := range steps {
		status := ""
		if st.Status != 0 {
			status = fmt.Sprint(st.Status)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", st.Client, st.Name, strings.ToUpper(st.Outcome), dash(st.Code), dash(status), dash(st.RequestID), st.Detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	s := Summarize(steps)
	_, err := fmt.Fprintf(w, "\n%d passed, %d failed, %d skipped\n", s.Pass, s.Fail, s.Skip)
	return err
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
