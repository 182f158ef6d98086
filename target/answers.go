package target

import (
	"fmt"
	"strings"
	"sync"

	"github.com/clbcheck/clbcheck/spec"
)

// Classes of answers the harness reacts to, read from the description's catalogues so that
// no code is spelled here.
type answerClasses struct {
	gone      []string // the resource a delete or read named no longer exists
	settling  []string // a resource being configured for a while, which the clean-up waits out
	throttled []string // the caller is over its rate (patterns with a trailing *)
	transient []string // a passing condition: busy, configuring, a server hiccup
}

var (
	classesOnce sync.Once
	classes     answerClasses
)

// answerClassesOf returns the classes of the default description. Its names are the typed
// vocabulary of spec/names.go, which the loader checks against the description, so every one
// names a code; answerClassesFrom still refuses to build a class without one (tested).
func answerClassesOf() answerClasses {
	classesOnce.Do(func() {
		c, err := answerClassesFrom(spec.MustDefault())
		if err != nil {
			panic("target: " + err.Error()) // the default description is checked at load
		}
		classes = c
	})
	return classes
}

// answerClassesFrom reads the classes from a description's catalogues. A state the
// description does not define is an error, never an empty class.
func answerClassesFrom(s *spec.Spec) (answerClasses, error) {
	var c answerClasses
	var missing []string
	one := func(name string, e spec.ErrorCode, ok bool) []string {
		if !ok {
			missing = append(missing, name)
			return nil
		}
		return []string{e.Code}
	}
	state := func(n spec.StateName) []string { e, ok := s.StateError(n); return one(string(n), e, ok) }
	neighbour := func(n spec.NeighbourState) []string { e, ok := s.NeighbourError(n); return one(string(n), e, ok) }
	gateway := func(n spec.GatewayState) []string { e, ok := s.GatewayError(n); return one(string(n), e, ok) }
	c.gone = append(state(spec.StateLoadBalancerNotFound), neighbour(spec.NeighbourListenerNotFound)...)
	// The deletes of certificates and ACLs: their code, and the others their entry accepts.
	for _, st := range []spec.NeighbourState{spec.NeighbourServerCertificateNotFound, spec.NeighbourCACertificateAbsent, spec.NeighbourACLAbsent} {
		c.gone = append(c.gone, neighbour(st)...)
		if e, ok := s.NeighbourError(st); ok {
			c.gone = append(c.gone, e.Accept...)
		}
	}
	if e, ok := s.GatewayError(spec.GatewayThrottled); ok {
		c.throttled = append([]string{e.Code}, e.Accept...)
	} else {
		missing = append(missing, string(spec.GatewayThrottled))
	}
	// A custom TLS policy is configured for a few seconds after its creation, and cannot be
	// deleted meanwhile. Not transient for other requests: a case expects that answer.
	c.settling = state(spec.StateTLSPolicyConfiguring)
	c.gone = append(c.gone, state(spec.StateTLSPolicyNotFound)...)
	c.transient = append(c.transient, c.throttled...)
	c.transient = append(c.transient, state(spec.StateListenerPending)...)
	for _, st := range []spec.NeighbourState{spec.NeighbourListenerConfiguring, spec.NeighbourSystemBusy, spec.NeighbourOperationBusy} {
		c.transient = append(c.transient, neighbour(st)...)
	}
	for _, st := range []spec.GatewayState{spec.GatewayInternalError, spec.GatewayUnavailable} {
		c.transient = append(c.transient, gateway(st)...)
	}
	if len(missing) > 0 {
		return answerClasses{}, fmt.Errorf("the description has no error for %s: the answer classes (gone, throttled, transient) would miss them", strings.Join(missing, ", "))
	}
	return c, nil
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
