package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// A failure recorded against a running emulator is sent again, re-signed, and still fails
// the same way; the resources it refers to are still there thanks to --keep-resources.
func TestReplayOfAFailureFromARun(t *testing.T) {
	srv, _ := emulatorServer(t)
	dir := t.TempDir()
	code, _, errOut := cli(t, runArgs("--target", srv.URL, "--out", dir, "--expectations", overrideFile(t), "--keep-resources", "--run-id", "rp")...)
	require.Equal(t, exitFailures, code, errOut)
	report := filepath.Join(dir, "report.json")
	rep := readReportFile(t, report)
	require.Len(t, rep.Failures, 1)
	recorded := rep.Failures[0]

	code, out, errOut := cli(t, "replay", report+"#"+failingCase, "--target", srv.URL)
	assert.Equal(t, exitFailures, code, errOut)
	assert.Contains(t, out, "recorded: expected success, got "+recorded.Actual)
	assert.Contains(t, out, "STILL FAILS as recorded")
	assert.Contains(t, out, spec.ParamRegionID+"="+strings.Repeat("a", 65)+"&", "the broken value goes out as recorded")
	assert.Contains(t, out, spec.ParamSignatureNonce+"=", "the request is signed anew")
	assert.NotContains(t, out, recorded.Exchange.URL, "with a fresh signature")

	// Flags may also come first; the embedded emulator is the default and says what it lacks.
	code, out, _ = cli(t, "replay", report+"#"+failingCase)
	assert.Contains(t, []int{exitOK, exitFailures}, code)
	assert.Contains(t, out, "lacks the original run's resources")
}

func TestReplayUsageErrors(t *testing.T) {
	clearCredentials(t)
	code, _, errOut := cli(t, "replay")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "FILE#CASE")
	code, _, errOut = cli(t, "replay", "nofragment.json")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "is not a case reference")
	code, _, errOut = cli(t, "replay", filepath.Join(t.TempDir(), "missing.json")+"#x")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "cannot read report")
}

func TestRequestFromExchangeKeepsPlacementAndBytes(t *testing.T) {
	c := contracts.CaseResult{ID: "x", Exchange: &contracts.Exchange{
		Method: "POST",
		URL:    "http://127.0.0.1/?Action=CreateLoadBalancerHTTPSListener&Version=2014-05-15&AccessKeyId=KEY2&SignatureMethod=HMAC-SHA1&SignatureNonce=n&SignatureVersion=1.0&Timestamp=t&Signature=s",
		Body:   "ListenerPort=443&Description=a%20b&Tag.1.Key=k&RegionId=cn-hangzhou",
	}}
	req, key, err := requestFromExchange(c)
	require.NoError(t, err)
	assert.Equal(t, "KEY2", key)
	assert.Equal(t, spec.ActionCreateHTTPSListener, req.Action)
	assert.Equal(t, "2014-05-15", req.Version)
	assert.Equal(t, "split", req.Placement)
	assert.Equal(t, spec.AuthV1, req.Auth)
	require.Len(t, req.Params, 4)
	assert.Equal(t, target.KV{Name: spec.ParamListenerPort, Value: "443"}, req.Params[0])
	assert.Equal(t, target.KV{Name: spec.ParamDescription, Value: "a%20b", Raw: true}, req.Params[1], "an encoding QueryEscape would not reproduce stays raw")

	c.Exchange.URL = "http://127.0.0.1/?Action=CreateLoadBalancerHTTPSListener&Version=2014-05-15&ListenerPort=1"
	c.Exchange.Body = ""
	c.Broken = nil
	req, _, err = requestFromExchange(c)
	require.NoError(t, err)
	assert.Equal(t, "query", req.Placement)
	assert.Equal(t, spec.AuthUnsigned, req.Auth, "an unsigned recording is replayed unsigned")

	c.Exchange.URL = "http://127.0.0.1/?Action=X&Signature=s"
	c.Broken = &contracts.Breach{Kind: "auth", Rule: string(spec.AuthStaleTimestamp)}
	req, _, err = requestFromExchange(c)
	require.NoError(t, err)
	assert.Equal(t, spec.AuthStaleTimestamp, req.Auth, "a security case breaks the signing the same way again")

	assert.Equal(t, spec.PrincipalSecond, principalByKey(map[string]signature.Credentials{
		spec.PrincipalPrimary: {AccessKeyID: "KEY1"}, spec.PrincipalSecond: {AccessKeyID: "KEY2"}}, "KEY2"))
}

func TestRedactSecrets(t *testing.T) {
	in := `Post "http://h/?AccessKeyId=K&SecurityToken=tok%2Fen&Signature=s": refused`
	assert.Equal(t, `Post "http://h/?AccessKeyId=K&SecurityToken=(hidden)&Signature=s": refused`, redactSecrets(in))
}
