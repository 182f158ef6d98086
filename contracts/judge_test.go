package contracts_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// A gateway answer the references give under several codes or statuses (two spellings of a
// RAM denial, 400 or 404 for an unknown key, a missing Signature as a missing parameter)
// passes under each of them in both profiles; a code outside them still fails.
func TestJudgeOutcomeAcceptsEveryCodeTheReferencesGive(t *testing.T) {
	s := spec.MustDefault()
	gw := func(state spec.GatewayState) spec.Outcome {
		e, ok := s.GatewayError(state)
		require.True(t, ok, state)
		o := e.Outcome()
		require.Equal(t, spec.Documented, o.Basis, state)
		return o
	}
	for _, tc := range []struct {
		state  spec.GatewayState
		status int
		code   string
		want   contracts.Verdict
	}{
		{spec.GatewayRAMDenied, 403, "NoPermission", contracts.Pass},
		{spec.GatewayRAMDenied, 403, "Forbidden.RAM", contracts.Pass},
		{spec.GatewayRAMDenied, 400, "Forbidden.RAM", contracts.Pass},
		{spec.GatewayRAMDenied, 403, "InvalidParameter", contracts.Fail},
		{spec.GatewayRAMDenied, 500, "Forbidden.RAM", contracts.Fail},
		{spec.GatewayUnknownAccessKey, 400, "InvalidAccessKeyId.NotFound", contracts.Pass},
		{spec.GatewayUnknownAccessKey, 400, "InvalidAccessKeyId", contracts.Pass},
		{spec.GatewayUnknownAccessKey, 403, "InvalidAccessKeyId.NotFound", contracts.Fail},
		{spec.GatewayUnknownAccessKey, 404, "SignatureDoesNotMatch", contracts.Fail},
		{spec.GatewayMissingSignature, 400, "MissingParameter", contracts.Pass},
		{spec.GatewayMissingSignature, 400, "InvalidParameter", contracts.Fail},
		{spec.GatewayBadSignature, 400, "IncompleteSignature", contracts.Fail},
	} {
		for _, profile := range []string{contracts.ProfileDocumented, contracts.ProfileStrict} {
			got := contracts.JudgeOutcome(gw(tc.state), tc.status, tc.code, profile)
			assert.Equal(t, tc.want, got.Verdict, "%s answered %d %s (%s): %s", tc.state, tc.status, tc.code, profile, got.Message)
		}
	}
}

// An XML answer's root is <ActionName>Response on success and <Error> on an error, as the wire
// reference gives them; JSON answers are not concerned.
func TestXMLRootMatches(t *testing.T) {
	s := spec.MustDefault()
	decode := func(status int, ct, body string) *target.Response {
		r := &target.Response{Status: status, ContentType: ct, Body: []byte(body)}
		target.Decode(r)
		return r
	}
	act := s.UnderTest.Action
	ok := decode(200, "text/xml", "<"+act+"Response><RequestId>r</RequestId></"+act+"Response>")
	assert.Nil(t, contracts.XMLRootMatches(s, act, ok))
	bad := decode(200, "text/xml", "<Response><RequestId>r</RequestId></Response>")
	if p := contracts.XMLRootMatches(s, act, bad); assert.NotNil(t, p) {
		assert.Equal(t, "<"+act+"Response>", p.Expected)
	}
	assert.Nil(t, contracts.XMLRootMatches(s, act, decode(400, "text/xml", "<Error><RequestId>r</RequestId><Code>X</Code></Error>")))
	assert.NotNil(t, contracts.XMLRootMatches(s, act, decode(400, "text/xml", "<Response><RequestId>r</RequestId><Code>X</Code></Response>")))
	assert.Nil(t, contracts.XMLRootMatches(s, act, decode(200, "application/json", `{"RequestId":"r"}`)))
}

// An XML error under another media type than text/xml is a warning (the page names no type;
// the V3 Go client reads XML errors under text/xml only); successes and JSON are not concerned.
func TestXMLErrorLabelled(t *testing.T) {
	s := spec.MustDefault()
	answer := func(status int, ct, body string) *target.Response {
		return &target.Response{Status: status, ContentType: ct, Body: []byte(body)}
	}
	const xmlErr = "<?xml version=\"1.0\"?><Error><Code>X</Code></Error>"
	for _, ct := range []string{"text/xml;charset=utf-8", "text/xml", "Text/XML; charset=UTF-8"} {
		assert.Nil(t, contracts.XMLErrorLabelled(s, answer(400, ct, xmlErr)), ct)
	}
	p := contracts.XMLErrorLabelled(s, answer(400, "application/xml;charset=utf-8", xmlErr))
	if assert.NotNil(t, p) {
		assert.True(t, p.Inferred, "the page names no media type: a warning, not a failure")
		assert.Equal(t, s.Wire.ContentTypes[spec.FormatXML], p.Expected)
	}
	assert.Nil(t, contracts.XMLErrorLabelled(s, answer(200, "application/xml", "<R/>")))
	assert.Nil(t, contracts.XMLErrorLabelled(s, answer(400, "application/json", `{"Code":"X"}`)))
}

// A success with another 2xx than the described 200 is a warning; its body is still checked
// against the success schema, and an error with an undescribed status against the error
// schema (its status is status-documented's business).
func TestSuccessStatusDescribed(t *testing.T) {
	s := spec.MustDefault()
	ok := func(status int) *target.Response {
		r := &target.Response{Status: status, ContentType: "application/json", Body: []byte(`{"RequestId":"r"}`)}
		target.Decode(r)
		return r
	}
	assert.Nil(t, contracts.SuccessStatusDescribed(s, ok(200)))
	if p := contracts.SuccessStatusDescribed(s, ok(202)); assert.NotNil(t, p) {
		assert.True(t, p.Inferred, "the page names no success status")
		assert.Equal(t, "200", p.Expected)
	}
	errAnswer := &target.Response{Status: 409, ContentType: "application/json", Body: []byte(`{"RequestId":"r","Code":"X","Message":"m"}`)}
	target.Decode(errAnswer)
	assert.Nil(t, contracts.SuccessStatusDescribed(s, errAnswer))
	ps := contracts.AnswerProblems(s, s.UnderTest.Action, "JSON", ok(202))
	if assert.Len(t, ps, 1, "only the status is wrong") {
		assert.True(t, ps[0].Inferred)
	}
	assert.Equal(t, contracts.SuccessStatusDescribed(s, ok(202)), contracts.StatusDocumented(s, ok(202)), "the status check judges successes too")
}

// A body in another format than the one asked for fails; a label that does not name the
// body's format only warns, since the page names no content type.
func TestContentTypeMatches(t *testing.T) {
	s := spec.MustDefault()
	answer := func(ct, body string) *target.Response {
		return &target.Response{Status: 200, ContentType: ct, Body: []byte(body)}
	}
	assert.Nil(t, contracts.ContentTypeMatches(s, answer("application/json;charset=utf-8", `{"RequestId":"r"}`), "JSON"))
	assert.Nil(t, contracts.ContentTypeMatches(s, answer("text/xml", `<R/>`), "XML"))
	if p := contracts.ContentTypeMatches(s, answer("text/plain", `{"RequestId":"r"}`), "JSON"); assert.NotNil(t, p) {
		assert.True(t, p.Inferred, "a JSON body labelled text/plain: a warning")
	}
	if p := contracts.ContentTypeMatches(s, answer("application/json", `{"RequestId":"r"}`), "XML"); assert.NotNil(t, p) {
		assert.False(t, p.Inferred, "Format=XML answered in JSON: a failure")
	}
	if p := contracts.ContentTypeMatches(s, answer("text/xml", `{"RequestId":"r"}`), ""); assert.NotNil(t, p) {
		assert.True(t, p.Inferred, "a JSON body labelled XML, format unknown: a warning")
	}
}

// Only an inferred expectation missed outside the strict profile is softened to a warning.
func TestMissVerdict(t *testing.T) {
	assert.Equal(t, contracts.Fail, contracts.MissVerdict(false, contracts.ProfileDocumented))
	assert.Equal(t, contracts.Warn, contracts.MissVerdict(true, contracts.ProfileDocumented))
	assert.Equal(t, contracts.Fail, contracts.MissVerdict(true, contracts.ProfileStrict))
	assert.Equal(t, contracts.Fail, contracts.MissVerdict(false, contracts.ProfileStrict))
}
