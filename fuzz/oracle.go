package fuzz

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// Answer is an HTTP answer as the oracle sees it.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// panicMarker is the text the emulator's last-resort recover writes into its answer.
const panicMarker = "emulator fault"

// NeighbourCodes are the codes of the neighbouring operations (the description's
// x-neighbour-errors). The oracle accepts them for those operations only: the operation under
// test must answer codes of its own catalogue or the gateway's.
var NeighbourCodes = func() map[string]bool {
	m := map[string]bool{}
	for _, e := range spec.MustDefault().NeighbourErrors {
		m[e.Code] = true
	}
	return m
}()

// Problems lists the ways an answer breaks what must hold for every request, whatever it
// carries: a status that is 2xx or 4xx, never a 5xx or the emulator's panic text; a body
// target.Decode reads without complaint (which rejects envelope fields that are not strings
// and an AccessDeniedDetail that is not an object); a RequestId; no Code in a success; in an
// error, a Code the catalogue has (spec.Error: operation or gateway), with its status, and a
// Message; a content type that matches the body. action is the operation the request named
// ("" when unknown); it only widens the accepted codes to NeighbourCodes for the neighbouring
// operations. It returns nil when the answer is fine.
func Problems(s *spec.Spec, action string, a Answer) []string {
	return responseProblems(s, action, decodeAnswer(a))
}

// decodeAnswer is an answer as target.Decode reads it.
func decodeAnswer(a Answer) *target.Response {
	r := &target.Response{Status: a.Status, Header: a.Header, Body: a.Body}
	if a.Header != nil {
		r.ContentType = a.Header.Get("Content-Type")
	}
	target.Decode(r)
	return r
}

// responseProblems is Problems of an answer already decoded (by decodeAnswer or a target's
// Send), for callers that also need its code and so decode it once.
func responseProblems(s *spec.Spec, action string, r *target.Response) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if bytes.Contains(r.Body, []byte(panicMarker)) {
		add("the handler panicked: %s", clip(r.Body, 400))
	}
	ok2xx := r.Status >= 200 && r.Status < 300
	switch {
	case r.Status >= 500:
		add("server error %d", r.Status)
	case !ok2xx && (r.Status < 400 || r.Status >= 500):
		add("status %d is neither a success nor a client error", r.Status)
	}
	if r.DecodeErr != nil {
		add("the body does not decode safely: %v: %s", r.DecodeErr, clip(r.Body, 200))
		return out
	}
	if r.RequestID == "" {
		add("no RequestId: %s", clip(r.Body, 200))
	}
	body := bytes.TrimSpace(r.Body)
	ct := strings.ToLower(r.ContentType)
	switch {
	case bytes.HasPrefix(body, []byte("{")) && !strings.Contains(ct, "json"):
		add("a JSON body with content type %q", r.ContentType)
	case bytes.HasPrefix(body, []byte("<")) && !strings.Contains(ct, "xml"):
		add("an XML body with content type %q", r.ContentType)
	}
	_, hasCode := r.Fields[spec.FieldCode]
	if ok2xx {
		if hasCode {
			add("a success carries a Code (%q)", r.Code)
		}
		return out
	}
	if r.Code == "" {
		add("an error without a Code: %s", clip(r.Body, 200))
		return out
	}
	if r.Message == "" {
		add("error %s without a Message", r.Code)
	}
	ec, known := s.Error(r.Code)
	if !known {
		if !(NeighbourCodes[r.Code] && action != s.UnderTest.Action) {
			add("code %s (status %d, action %q) is in neither the operation's nor the gateway's catalogue", r.Code, r.Status, action)
		}
		return out
	}
	statusOK := ec.Status == r.Status
	for _, st := range ec.AcceptStatus {
		statusOK = statusOK || st == r.Status
	}
	if !statusOK {
		add("code %s came with status %d; the catalogue gives %d", r.Code, r.Status, ec.Status)
	}
	return out
}

// AnswerCode returns the status and Code of an answer ("" for a success or an unreadable
// body).
func AnswerCode(a Answer) (int, string) { return responseCode(decodeAnswer(a)) }

// responseCode is AnswerCode of an answer already decoded.
func responseCode(r *target.Response) (int, string) {
	if r.Status >= 200 && r.Status < 300 {
		return r.Status, ""
	}
	return r.Status, r.Code
}

func clip(b []byte, n int) string {
	if len(b) > n {
		return fmt.Sprintf("%q…", b[:n])
	}
	return fmt.Sprintf("%q", b)
}
