package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/reports"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// noAuthEmulator serves an emulator that does not check signatures, with the credential
// variables set to its principals' keys (a key id still picks the caller).
func noAuthEmulator(t *testing.T) *httptest.Server {
	t.Helper()
	clearCredentials(t)
	cfg := emulator.DefaultConfig()
	cfg.NoAuth = true
	em, err := emulator.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	p := cfg.MustPrincipal(emulator.PrincipalPrimary)
	t.Setenv(target.EnvKeyID, p.Credentials.AccessKeyID)
	t.Setenv(target.EnvKeySecret, p.Credentials.AccessKeySecret)
	return srv
}

// shellWords splits a command line written by contracts.ShellQuote: bare words, single-quoted
// words with escaped quotes between them, and "$VAR" (expanded by env).
func shellWords(t *testing.T, line string, env func(string) string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == ' ':
			if inWord {
				words, inWord = append(words, cur.String()), false
				cur.Reset()
			}
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			require.NotEqual(t, -1, end, line)
			cur.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '\\' && i+1 < len(line):
			cur.WriteByte(line[i+1])
			i++
			inWord = true
		case c == '"':
			end := strings.IndexByte(line[i+1:], '"')
			require.NotEqual(t, -1, end, line)
			cur.WriteString(env(strings.TrimPrefix(line[i+1:i+1+end], "$")))
			i += end + 1
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// oneFailure runs the RegionId cases against url with an override that fails exactly one of
// them, and returns that failure as the JSON report has it.
func oneFailure(t *testing.T, url string, extra ...string) reports.JSONFailure {
	t.Helper()
	report := filepath.Join(t.TempDir(), "report.json")
	args := append([]string{"run", "--target", url, "--include", "negative/RegionId", "--expectations", overrideFile(t),
		"--report-json", report, "--random", "-1", "--sequences", "-1", "--quiet"}, extra...)
	code, _, errOut := cli(t, args...)
	require.Equal(t, exitFailures, code, errOut)
	rep := readReportFile(t, report)
	require.Len(t, rep.Failures, 1)
	return rep.Failures[0]
}

// For a URL target every failure carries a replay line that names the target and reproduces
// it signed, and a curl line that reproduces it on a target accepting unsigned requests, as its
// note says.
func TestReproductionLinesReproduceAURLTargetsFailure(t *testing.T) {
	srv := noAuthEmulator(t)
	f := oneFailure(t, srv.URL, "--keep-resources")
	require.NotNil(t, f.Repro)
	assert.Equal(t, contracts.CurlNeedsNoAuth, f.Repro.CurlNote)
	assert.Empty(t, f.Repro.ResourcesNote, "with --keep-resources the recorded ids still exist")
	assert.Contains(t, f.Repro.Curl, srv.URL, "the curl line goes where the request went")
	assert.Contains(t, f.Repro.Curl, `AccessKeyId='"$`+target.EnvKeyID+`"`, "the key id comes from the variable, never written out")
	assert.NotContains(t, f.Repro.Curl, "Signature=")

	// The replay line, as written, sends it again to the same target and it fails the same way.
	words := shellWords(t, f.Repro.Replay, func(string) string { return "" })
	require.Equal(t, "clbcheck", words[0])
	code, out, errOut := cli(t, words[1:]...)
	assert.Equal(t, exitFailures, code, errOut)
	assert.Contains(t, out, "STILL FAILS as recorded")

	// The curl line, run by curl when it is installed, gets the recorded answer.
	if _, err := exec.LookPath("curl"); err == nil {
		cmd := exec.Command("sh", "-c", f.Repro.Curl)
		body, err := cmd.Output()
		require.NoError(t, err, f.Repro.Curl)
		var answer map[string]any
		require.NoError(t, json.Unmarshal(body, &answer), string(body))
		assert.Equal(t, f.Exchange.Code, answer["Code"], "curl got the answer the case got")
	}
	// And the same words sent by the test itself, where curl is missing.
	curl := shellWords(t, f.Repro.Curl, func(name string) string { return map[string]string{target.EnvKeyID: "key"}[name] })
	assert.Equal(t, []string{"curl", "-sS", "-X", f.Exchange.Method}, curl[:4])
	assert.True(t, strings.HasPrefix(curl[4], srv.URL+"/?"), curl[4])
}

// Without --keep-resources the run removes what the recorded request names: the failure says
// so beside its replay line.
func TestReproductionSaysTheResourcesAreGone(t *testing.T) {
	srv := noAuthEmulator(t)
	f := oneFailure(t, srv.URL)
	require.NotNil(t, f.Repro)
	assert.Equal(t, contracts.ResourcesRemoved, f.Repro.ResourcesNote)
	// The recorded load balancer is gone: a valid request naming it is refused now.
	sent, err := url.Parse(f.Exchange.URL)
	require.NoError(t, err)
	lb := sent.Query().Get(spec.ParamLoadBalancerID)
	require.NotEmpty(t, lb)
	body := strings.NewReader(url.Values{spec.ParamAction: {spec.ActionDescribeLoadBalancer}, spec.ParamVersion: {spec.MustDefault().APIVersion},
		spec.ParamLoadBalancerID: {lb}}.Encode())
	resp, err := http.Post(srv.URL, "application/x-www-form-urlencoded", body)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.GreaterOrEqual(t, resp.StatusCode, 400, "the run removed the load balancer %s the replay line names", lb)
}

// The embedded emulator has no port: no curl line points at port 80; the note says so and the
// rerun line runs the case again, failing the same way.
func TestReproductionOfTheEmbeddedEmulator(t *testing.T) {
	clearCredentials(t)
	dir := t.TempDir()
	report := filepath.Join(dir, "report.json")
	code, out, errOut := cli(t, runArgs("--expectations", overrideFile(t), "--report-json", report)...)
	require.Equal(t, exitFailures, code, errOut)
	f := readReportFile(t, report).Failures[0]
	assert.Empty(t, f.Repro.Curl)
	assert.Equal(t, contracts.CurlInProcess, f.Repro.CurlNote)
	assert.NotContains(t, out, "http://127.0.0.1/", "nothing points at port 80")
	require.NotEmpty(t, f.Repro.Rerun)
	assert.Contains(t, out, "rerun exactly this with: clbcheck run ")

	words := shellWords(t, f.Repro.Rerun, func(string) string { return "" })
	code, out, errOut = cli(t, append(words[1:], "--quiet")...)
	assert.Equal(t, exitFailures, code, errOut)
	assert.Contains(t, out, "1 case: 0 passed, 1 failed", "the rerun ran that one case, and it failed again")
	assert.Contains(t, out, f.ID)
}
