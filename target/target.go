package target

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/clbcheck/clbcheck/spec"
)

// KV is one parameter as sent. Raw values go on the wire without percent-encoding.
type KV struct {
	Name  string
	Value string
	Raw   bool
}

// Request is one call of an RPC operation.
type Request struct {
	Action    string
	Version   string // empty: the description's API version
	Params    []KV
	Method    string // GET, POST (default), or anything else for gateway cases
	Placement string // query (default), form, split
	Format    string // empty: not sent (JSON)
	Principal string // empty: primary
	Auth      spec.Auth
	Nonce     string // fixed nonce (replay cases); empty: fresh
	// NoRegion sends no RegionId when Params has none, instead of the target's region (a
	// case about leaving the optional RegionId out).
	NoRegion bool
	Time     time.Time // signing time; zero: now
	// Judged marks the request whose answer a case judges: a retrying target retries it only
	// on throttling, never on the answers the case is about.
	Judged bool
	// Provoking marks a request sent right after the harness changed the same resource (a
	// lifecycle sequence's next step, a clean-up delete): a busy answer to it is the service
	// still applying that change, which a retrying target waits out and counts as
	// TroubleSettling, not as trouble.
	Provoking bool
}

// Response is a decoded answer. Fields are read defensively: a field of the wrong type is
// reported in DecodeErr, never trusted.
type Response struct {
	Status      int
	Header      http.Header
	Body        []byte
	ContentType string
	Code        string
	Message     string
	RequestID   string
	HostID      string
	Recommend   string
	Fields      map[string]any
	DecodeErr   error
	Duration    time.Duration
	Sent        Sent
}

// Outcome renders an answer for people and reports: "200 success", "400 Code", "400 (no
// Code)", or "no answer" for a nil response.
func (r *Response) Outcome() string {
	switch {
	case r == nil:
		return "no answer"
	case r.Success():
		return fmt.Sprintf("%d success", r.Status)
	case r.Code == "":
		return fmt.Sprintf("%d (no Code)", r.Status)
	}
	return fmt.Sprintf("%d %s", r.Status, r.Code)
}

// Success reports a 2xx answer without an error code.
func (r *Response) Success() bool { return r.Status >= 200 && r.Status < 300 && r.Code == "" }

// Sent is what went on the wire, for reproduction and for checking the bytes.
type Sent struct {
	Method  string
	URL     string
	Body    string
	Headers map[string]string
}

// Target is an implementation under test.
type Target interface {
	// Name describes the target for reports.
	Name() string
	// Send performs one request. The error is for transport failures only; any HTTP answer,
	// an error answer included, is a Response.
	Send(ctx context.Context, req Request) (*Response, error)
	// HasPrincipal reports whether the target has credentials for a principal.
	HasPrincipal(name string) bool
	// Region is the region requests go to unless a case says otherwise.
	Region() string
}

// Offerer is a target that knows the provider-side facts it offers: quotas in force and
// scenario settings (zones, regions, durations) of the description. The embedded emulator is
// one; any other target declares them in a fixtures file.
type Offerer interface {
	Offered() (quotas map[string]int, scenarios map[string]string)
}

// Unwrapper is a target that passes requests on to another (rate limits, counting, tagging).
type Unwrapper interface {
	Unwrap() Target
}

// OfferedBy returns the facts t (or a target it wraps) offers; ok is false when none knows.
func OfferedBy(t Target) (quotas map[string]int, scenarios map[string]string, ok bool) {
	for t != nil {
		if o, is := t.(Offerer); is {
			q, sc := o.Offered()
			return q, sc, true
		}
		u, is := t.(Unwrapper)
		if !is {
			break
		}
		t = u.Unwrap()
	}
	return nil, nil, false
}

// ErrUnreachable wraps transport failures (connection refused, DNS, TLS, timeouts).
var ErrUnreachable = errors.New("target unreachable")

// ErrNoPrincipal is returned when a request needs credentials the target does not have.
var ErrNoPrincipal = errors.New("no credentials for this principal")

// Value returns the first value of name among kvs, or "".
func Value(kvs []KV, name string) string {
	for _, kv := range kvs {
		if kv.Name == name {
			return kv.Value
		}
	}
	return ""
}
