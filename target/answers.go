package target

import (
	"sync"

	"github.com/clbcheck/clbcheck/spec"
)

// Classes of answers the harness reacts to, read from the description's catalogues so that
// no code is spelled here.
type answerClasses struct {
	gone      []string // the resource a delete or read named no longer exists
	throttled []string // the caller is over its rate (patterns with a trailing *)
	transient []string // a passing condition: busy, configuring, a server hiccup
}

var (
	classesOnce sync.Once
	classes     answerClasses
)

func answerClassesOf() answerClasses {
	classesOnce.Do(func() {
		s := spec.MustDefault()
		code := func(e spec.ErrorCode, ok bool) []string {
			if !ok {
				return nil
			}
			return []string{e.Code}
		}
		classes.gone = append(code(s.StateError("load-balancer-not-found")), code(s.NeighbourError("listener-not-found"))...)
		if e, ok := s.GatewayError("throttled"); ok {
			classes.throttled = append([]string{e.Code}, e.Accept...)
		}
		classes.transient = append(classes.transient, classes.throttled...)
		classes.transient = append(classes.transient, code(s.StateError("listener-pending"))...)
		for _, st := range []string{"listener-configuring", "system-busy", "operation-busy"} {
			classes.transient = append(classes.transient, code(s.NeighbourError(st))...)
		}
		for _, st := range []string{"internal-error", "unavailable"} {
			classes.transient = append(classes.transient, code(s.GatewayError(st))...)
		}
	})
	return classes
}

func matchAny(patterns []string, code string) bool {
	for _, p := range patterns {
		if code != "" && spec.MatchCode(p, code) {
			return true
		}
	}
	return false
}

// Gone reports whether an error answer says the named resource does not exist (any more):
// for a delete during cleanup that counts as done.
func Gone(resp *Response) bool {
	return resp != nil && !resp.Success() && matchAny(answerClassesOf().gone, resp.Code)
}

// Transient reports whether an error answer is a passing condition (busy, configuring,
// throttled, a server hiccup): the same request may succeed a moment later.
func Transient(resp *Response) bool {
	return resp != nil && !resp.Success() && matchAny(answerClassesOf().transient, resp.Code)
}
