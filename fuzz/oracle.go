package fuzz

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/clbcheck/clbcheck/contracts"
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

// Problems lists the ways an answer breaks what must hold for every request, whatever it
// carries (contracts.AnswerProblems: a 2xx or 4xx status, a body that decodes with string
// fields, a RequestId, no Code in a success, a catalogue Code with its status and a Message in
// an error, a content type that matches the body), plus the emulator's panic text. action is
// the operation the request named ("" when unknown); a neighbouring operation may answer its
// own codes. It returns nil when the answer is fine.
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
// Send), for callers that also need its code and so decode it once. The checks are the
// harness's own (contracts.AnswerProblems), held strictly; the fuzz targets add only the
// emulator's panic text.
func responseProblems(s *spec.Spec, action string, r *target.Response) []string {
	var out []string
	if bytes.Contains(r.Body, []byte(panicMarker)) {
		out = append(out, "the handler panicked: "+clip(r.Body, 400))
	}
	for _, p := range contracts.AnswerProblems(s, action, "", r) {
		out = append(out, fmt.Sprintf("%s (expected %s, got %s)", p.Message, p.Expected, p.Actual))
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
