package contracts

import (
	"bytes"
	"fmt"
	"mime"
	"strconv"
	"strings"

	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// The answer checks every answer must pass, whatever the case, as pure functions of the answer
// (and, where a check needs it, of the description and what was asked). The runner's named
// checks, the fuzz targets and the lifecycle sequences all judge with these, so a rule is
// written once.

// Problem is what one answer check found wrong. An inferred problem is about something the
// page does not state: under the documented profile it is a warning.
type Problem struct {
	Message  string
	Expected string
	Actual   string
	Inferred bool
}

// StatusClass: an answer is a success (2xx) or a client error (4xx); a server error (5xx) only
// when the expected outcome is one.
func StatusClass(r *target.Response, expect spec.Outcome) *Problem {
	switch {
	case r.Status >= 500 && (expect.Success || expect.Either || expect.Status < 500):
		return &Problem{Message: "the implementation failed with a server error", Expected: expect.String(), Actual: r.Outcome()}
	case r.Status < 200 || (r.Status >= 300 && r.Status < 400) || r.Status >= 600:
		return &Problem{Message: "the status is neither a success nor an error", Expected: "2xx or 4xx", Actual: strconv.Itoa(r.Status)}
	}
	return nil
}

// RequestIDPresent: every answer carries a RequestId.
func RequestIDPresent(r *target.Response) *Problem {
	if r.RequestID == "" {
		return &Problem{Message: "the answer carries no RequestId", Expected: "a RequestId", Actual: trim(string(r.Body), 120)}
	}
	return nil
}

// XMLRootMatches: an XML answer's root element is the action's name followed by the
// description's success suffix (CreateLoadBalancerHTTPSListenerResponse), or its error root
// (Error) for an error. Answers that are not XML pass.
func XMLRootMatches(s *spec.Spec, action string, r *target.Response) *Problem {
	root, ok := r.Fields[target.XMLRootField].(string)
	if !ok {
		return nil
	}
	want := action + s.Wire.XMLSuccessSuffix
	if !r.Success() {
		want = s.Wire.XMLErrorRoot
	}
	if root != want {
		return &Problem{Message: fmt.Sprintf("the XML answer's root element is <%s>, not <%s>", root, want), Expected: "<" + want + ">", Actual: "<" + root + ">"}
	}
	return nil
}

// ContentTypeMatches: the body is in the format asked for ("XML" or "JSON"; any other value,
// JSON; "" when the format is not known), and the content type names the body's kind (an XML
// error's, the very media type clients read: XMLErrorLabelled). A body in another format than
// the one asked for is a failure; a label that does not name the body's kind is a warning
// (Inferred), since the page names no content type.
func ContentTypeMatches(s *spec.Spec, r *target.Response, format string) *Problem {
	ct := strings.ToLower(r.ContentType)
	body := bytes.TrimSpace(r.Body)
	kind := ""
	switch {
	case bytes.HasPrefix(body, []byte("{")):
		kind = "json"
	case bytes.HasPrefix(body, []byte("<")):
		kind = "xml"
	}
	want := kind
	if format != "" {
		want = "json"
		if strings.EqualFold(format, spec.FormatXML) {
			want = "xml"
		}
	}
	switch {
	case kind != "" && kind != want:
		return &Problem{Message: "the body is not in the Format asked for", Expected: want, Actual: trim(string(body), 60)}
	case want != "" && !strings.Contains(ct, want):
		return &Problem{Message: "the content type does not name the answer's format (the page names no content type; clients go by it)", Expected: want, Actual: r.ContentType, Inferred: true}
	}
	return XMLErrorLabelled(s, r)
}

// XMLErrorLabelled: an XML error answer carries the media type of the description's XML
// content type (text/xml). The page names none; the V3 Go client reads an XML error only under
// that label, so any other is a warning (Inferred).
func XMLErrorLabelled(s *spec.Spec, r *target.Response) *Problem {
	if r.Success() || !bytes.HasPrefix(bytes.TrimSpace(r.Body), []byte("<")) {
		return nil
	}
	want := s.Wire.ContentTypes[spec.FormatXML]
	if mediaType(r.ContentType) == mediaType(want) {
		return nil
	}
	return &Problem{Message: "an XML error under another media type than the one the V3 Go client reads errors from", Expected: want, Actual: r.ContentType, Inferred: true}
}

// mediaType is the media type of a Content-Type value as mime.ParseMediaType reads it
// (lower-cased, without parameters; "" when it has none).
func mediaType(ct string) string {
	t, _, _ := mime.ParseMediaType(ct)
	return t
}

// EnvelopeSafe: the body decodes with every error field a string (official SDKs crash
// otherwise), an error has a Message, and a success has no Code.
func EnvelopeSafe(r *target.Response) *Problem {
	switch {
	case r.DecodeErr != nil:
		return &Problem{Message: "the body cannot be read safely: " + r.DecodeErr.Error(), Expected: "a well-formed body with string fields", Actual: trim(string(r.Body), 120)}
	case r.Status >= 200 && r.Status < 300 && hasCode(r):
		return &Problem{Message: "a success body carries a Code field, which some clients treat as an error", Expected: "no Code", Actual: strconv.Quote(r.Code)}
	case !r.Success() && r.Code != "" && r.Message == "":
		return &Problem{Message: "an error answer without a Message", Expected: "Code and Message", Actual: trim(string(r.Body), 120), Inferred: true}
	}
	return nil
}

// hasCode reports whether an answer's body has a Code field at all, even an empty one.
func hasCode(r *target.Response) bool {
	_, ok := r.Fields[spec.FieldCode]
	return ok || r.Code != ""
}

// CodeDocumented: an error carries a Code the description knows: the operation's or the
// gateway's (or, for a neighbouring operation, one of its own). With an expected outcome, a
// code known only from other sources is an inferred problem unless the case expected it.
func CodeDocumented(s *spec.Spec, action string, r *target.Response, expect *spec.Outcome) *Problem {
	if r.Status >= 200 && r.Status < 300 {
		return nil
	}
	if r.Code == "" {
		return &Problem{Message: "an error answer without a Code", Expected: "a documented code", Actual: r.Outcome()}
	}
	e, ok := s.Error(r.Code)
	if !ok {
		if _, neighbour := s.NeighbourCode(r.Code); neighbour && action != s.UnderTest.Action {
			return nil
		}
		if expect != nil && expect.Acceptable(r.Status, r.Code) {
			return nil // a code of the family the case expects ("InvalidParameter.Cookie")
		}
		return &Problem{Message: fmt.Sprintf("code %s is in neither the page's error table nor the gateway's, nor of a family the case accepts", r.Code), Expected: "a documented code", Actual: r.Code, Inferred: true}
	}
	if expect != nil && !e.Documented && !expect.Acceptable(r.Status, r.Code) {
		return &Problem{Message: fmt.Sprintf("code %s is known from other sources, not from the seed page", r.Code), Expected: "a documented code", Actual: r.Code, Inferred: true}
	}
	return nil
}

// StatusDocumented: an error code of the catalogue comes with its documented status, and a
// success with the status the description lists (SuccessStatusDescribed).
func StatusDocumented(s *spec.Spec, r *target.Response) *Problem {
	if r.Status >= 200 && r.Status < 300 {
		return SuccessStatusDescribed(s, r)
	}
	if r.Code == "" {
		return nil
	}
	e, ok := s.Error(r.Code)
	if !ok || e.AcceptsStatus(r.Status) {
		return nil
	}
	msg := fmt.Sprintf("code %s is documented with status %d", e.Code, e.Status)
	if !e.Documented {
		msg = fmt.Sprintf("code %s is not on the page; other references give it status %d", e.Code, e.Status)
	}
	return &Problem{Message: msg, Expected: strconv.Itoa(e.Status), Actual: strconv.Itoa(r.Status), Inferred: !e.Documented}
}

// SuccessStatusDescribed: a success comes with a status the description lists (200). The page
// names none, so another 2xx is a warning (Inferred).
func SuccessStatusDescribed(s *spec.Spec, r *target.Response) *Problem {
	if r.Status < 200 || r.Status >= 300 {
		return nil
	}
	if want := responseRouteFor(s).schemaStatus(r.Status); want != r.Status {
		return &Problem{Message: fmt.Sprintf("a success answered with status %d; the references show %d", r.Status, want), Expected: strconv.Itoa(want), Actual: strconv.Itoa(r.Status), Inferred: true}
	}
	return nil
}

// AnswerProblems runs every answer check that needs no expected outcome (a request of action
// in format), strictly: inferred problems count too. The fuzz targets and the lifecycle
// sequences judge answers with it.
func AnswerProblems(s *spec.Spec, action, format string, r *target.Response) []*Problem {
	var out []*Problem
	any := spec.Outcome{Either: true}
	for _, p := range []*Problem{StatusClass(r, any), EnvelopeSafe(r)} {
		if p != nil {
			out = append(out, p)
		}
	}
	if r.DecodeErr != nil {
		return out
	}
	for _, p := range []*Problem{RequestIDPresent(r), ContentTypeMatches(s, r, format), XMLRootMatches(s, action, r), CodeDocumented(s, action, r, nil), StatusDocumented(s, r)} {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}
