package spec

import "fmt"

// LoadErrorCode classifies why a description could not be loaded. The values are stable and
// may be matched by callers.
type LoadErrorCode string

// Stable load error codes.
const (
	ErrCodeParse           LoadErrorCode = "spec.parse"             // not YAML/JSON, or not OpenAPI
	ErrCodeInvalidDocument LoadErrorCode = "spec.invalid-document"  // kin-openapi validation failed
	ErrCodeBadExtension    LoadErrorCode = "spec.bad-extension"     // an x- extension has the wrong shape
	ErrCodeUnknownName     LoadErrorCode = "spec.unknown-reference" // a rule or trigger names something absent
	ErrCodeMissingName     LoadErrorCode = "spec.missing-name"      // a name Go code relies on is absent
	ErrCodeNoOperation     LoadErrorCode = "spec.no-operation"      // the operation under test is absent
)

// LoadError reports why a description was refused. Where says which part of the document
// is at fault, in a form a person can search for.
type LoadError struct {
	Code  LoadErrorCode
	Where string
	Msg   string
	Err   error
}

func (e *LoadError) Error() string {
	s := fmt.Sprintf("%s: %s", e.Code, e.Msg)
	if e.Where != "" {
		s = fmt.Sprintf("%s: at %s: %s", e.Code, e.Where, e.Msg)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *LoadError) Unwrap() error { return e.Err }

func loadErr(code LoadErrorCode, where, format string, args ...any) *LoadError {
	return &LoadError{Code: code, Where: where, Msg: fmt.Sprintf(format, args...)}
}
