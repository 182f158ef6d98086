package target

import (
	"errors"
	"io"
	"maps"
	"net"
	"net/http"
	"sort"
	"sync"
	"syscall"
)

// Kinds of transient target trouble: answers and failures that say the target (or something in
// front of it) could not serve the request for a moment, not how it implements the operation.
// A run counts each kind, retries it where that is safe, and reports it apart from contract
// failures.
const (
	TroubleThrottled   = "throttled"    // a throttling code (Throttling.User, ...) or status 429
	TroubleUnavailable = "unavailable"  // status 503, whatever the body (JSON, XML, HTML)
	TroubleBadGateway  = "bad-gateway"  // status 502 or 504, from a proxy or gateway in front
	TroubleServerError = "server-error" // another 5xx; retried only for calls no case judges
	TroubleBusy        = "busy"         // busy or still configuring; retried only for unjudged calls
	TroubleRefused     = "refused"      // the connection was refused: nothing was sent
	TroubleReset       = "reset"        // the connection was reset or closed mid-exchange
	TroubleTimeout     = "timeout"      // no (complete) answer within the request timeout
	TroubleConnection  = "connection"   // another transport failure (DNS, TLS, ...)
	// TroubleSettling is a busy answer to a request the harness provoked (Request.Provoking):
	// the service still applying a change the harness just made. It is waited out and shown,
	// but it is the service's documented pace, not trouble: it counts toward no limit.
	TroubleSettling = "settling"
)

// TroubleOf classifies a request's outcome as transient trouble of one kind, or "" when the
// answer is the target's own (a contract answer, right or wrong). A 500 is not transient here:
// an answer the case judges that is a server error stays a finding (not-server-error); only
// calls no case judges retry it (see Retrying).
func TroubleOf(resp *Response, err error) string {
	if err != nil {
		return transportTrouble(err)
	}
	if resp == nil {
		return ""
	}
	switch {
	case resp.Status == http.StatusTooManyRequests || matchAny(answerClassesOf().throttled, resp.Code):
		return TroubleThrottled
	case resp.Status == http.StatusServiceUnavailable:
		return TroubleUnavailable
	case resp.Status == http.StatusBadGateway || resp.Status == http.StatusGatewayTimeout:
		return TroubleBadGateway
	}
	if resp.DecodeErr != nil && errors.Is(resp.DecodeErr, errBodyRead) {
		return transportTrouble(resp.DecodeErr)
	}
	return ""
}

// transportTrouble names the kind of a transport failure.
func transportTrouble(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return TroubleRefused
	case errors.As(err, &ne) && ne.Timeout():
		return TroubleTimeout
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return TroubleReset
	case errors.Is(err, ErrUnreachable), errors.Is(err, errBodyRead):
		return TroubleConnection
	}
	return ""
}

// errBodyRead marks a failure while reading an answer's body (a Response's DecodeErr).
var errBodyRead = errors.New("reading the body failed")

// TroubleTally counts transient trouble of a target by kind: the tries that were repeated
// because of it. It is safe for concurrent use.
type TroubleTally struct {
	mu      sync.Mutex
	retried map[string]int
}

// AddRetry counts one repeated try because of trouble of this kind.
func (t *TroubleTally) AddRetry(kind string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.retried == nil {
		t.retried = map[string]int{}
	}
	t.retried[kind]++
}

// Total is the number of retries counted so far, of every kind.
func (t *TroubleTally) Total() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, k := range t.retried {
		n += k
	}
	return n
}

// Retried returns a copy of the retries counted so far, by kind.
func (t *TroubleTally) Retried() map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return maps.Clone(t.retried)
}

// troubleCounter is a target that counts its retries (Retrying).
type troubleCounter interface {
	Trouble() *TroubleTally
}

// TroubleTallyOf returns the tally of the retrying target t is or wraps, or nil.
func TroubleTallyOf(t Target) *TroubleTally {
	for t != nil {
		if c, ok := t.(troubleCounter); ok {
			return c.Trouble()
		}
		u, ok := t.(Unwrapper)
		if !ok {
			return nil
		}
		t = u.Unwrap()
	}
	return nil
}

// TroubleKinds returns the kinds of m in a fixed order (the order of the constants above, then
// any other by name).
func TroubleKinds(m map[string]int) []string {
	order := []string{TroubleThrottled, TroubleUnavailable, TroubleBadGateway, TroubleServerError, TroubleBusy,
		TroubleRefused, TroubleReset, TroubleTimeout, TroubleConnection, TroubleSettling}
	rank := func(k string) int {
		for i, o := range order {
			if o == k {
				return i
			}
		}
		return len(order)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if ri, rj := rank(keys[i]), rank(keys[j]); ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	return keys
}
