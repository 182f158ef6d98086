package contracts

import (
	"context"
	"errors"
	"net"
	"reflect"
	"strings"

	"github.com/clbcheck/clbcheck/target"
)

// ErrorText renders an error for a person: an interrupted run or a request that got no answer
// in time says so in words, instead of Go's "context canceled" or "context deadline exceeded";
// anything else is the error's own text.
func ErrorText(err error) string {
	var ne net.Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, target.ErrUnreachable) && !errors.Is(err, context.Canceled):
		// The transport's own words, which name the endpoint and say which timeout ran out.
		return goJargon.Replace(err.Error())
	case errors.Is(err, context.Canceled):
		return "interrupted before an answer came"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return noAnswerInTime
	}
	return goJargon.Replace(err.Error())
}

const noAnswerInTime = "no answer in time (the request timeout or the run's time budget ran out)"

// goJargon rewrites the phrases of Go's standard library that reach an error's text after it
// was formatted with %v, where errors.Is can no longer find them.
var goJargon = strings.NewReplacer(
	"context deadline exceeded (Client.Timeout exceeded while awaiting headers)", "no answer within the request timeout",
	"context deadline exceeded", "no answer in time",
	"context canceled", "interrupted",
)

// interrupted is the error of a run whose context was cancelled: it reads as words, and
// errors.Is still finds context.Canceled in it.
type interrupted struct{ cause error }

func (e interrupted) Error() string { return "the run was interrupted" }
func (e interrupted) Unwrap() error { return e.cause }

// errNoTarget is what a run without a target says, rather than panicking on it.
var errNoTarget = errors.New("no target to run against (a nil target.Target; did the call that built it, such as target.NewHTTP, return an error?)")

// nilTarget reports whether t is nil, or an interface holding a nil pointer (what a
// constructor returns beside its error).
func nilTarget(t target.Target) bool {
	if t == nil {
		return true
	}
	v := reflect.ValueOf(t)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// noCredentialsPrefix starts the skip reason of a case whose principal the target has no
// credentials for; Diff does not count such a case as a difference.
const noCredentialsPrefix = "the target has no credentials for the "

func noCredentials(principal string) string {
	if principal == "" {
		principal = "primary"
	}
	return noCredentialsPrefix + principal + " principal"
}

// SkippedForCredentials reports whether a case was skipped because the target had no
// credentials for its principal.
func SkippedForCredentials(r CaseResult) bool {
	return r.Verdict == Skip && strings.HasPrefix(r.SkipReason, noCredentialsPrefix)
}
