package cassette_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/cassette"
	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

type keep struct{ results map[string]string }

func (k *keep) Begin(contracts.Meta) error { return nil }
func (k *keep) Case(r contracts.CaseResult) error {
	k.results[r.ID] = r.Actual + " " + string(r.Verdict)
	return nil
}
func (k *keep) End(contracts.Summary, contracts.Coverage) error { return nil }

// A run recorded against the emulator replays offline from its cassette with the same
// outcome for every case, and the cassette holds no credential or signature.
func TestRecordThenReplay(t *testing.T) {
	cfg := embedded.WithTransitions(emulator.DefaultConfig())
	emu, err := emulator.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	dir := t.TempDir()
	rec, err := cassette.NewRecorder(dir, http.DefaultTransport)
	require.NoError(t, err)
	creds := embedded.PrincipalCredentials(cfg)
	live, err := target.NewHTTP(target.HTTPConfig{BaseURL: srv.URL, Credentials: creds, Client: &http.Client{Transport: rec}})
	require.NoError(t, err)
	opts := func(r contracts.Reporter) contracts.Options {
		return contracts.Options{Profile: contracts.ProfileStrict, Seed: 9, Workers: 1, Random: 8, Sequences: 2, Reporter: r}
	}
	first := &keep{results: map[string]string{}}
	sum, _, err := contracts.Execute(context.Background(), live, opts(first))
	require.NoError(t, err)
	require.Zero(t, sum.Failed)

	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NotEmpty(t, files)
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		for _, secret := range []string{creds["primary"].AccessKeySecret, creds["primary"].AccessKeyID, "Signature=", "BEGIN CERTIFICATE"} {
			require.NotContains(t, string(raw), secret, f)
		}
	}

	srv.Close() // replay must not need the server
	client, err := cassette.NewReplayClient(dir)
	require.NoError(t, err)
	offline, err := target.NewHTTP(target.HTTPConfig{BaseURL: srv.URL, Credentials: creds, Client: client})
	require.NoError(t, err)
	second := &keep{results: map[string]string{}}
	sum2, _, err := contracts.Execute(context.Background(), offline, opts(second))
	require.NoError(t, err)
	var diffs []string
	for id, a := range first.results {
		if second.results[id] != a {
			diffs = append(diffs, id+": "+a+" then "+second.results[id])
		}
	}
	assert.Empty(t, diffs, strings.Join(diffs, "\n"))
	assert.Zero(t, sum2.Failed)
}

func TestReplayWithoutCassette(t *testing.T) {
	_, err := cassette.NewReplayClient(t.TempDir())
	assert.ErrorContains(t, err, "record one first")
}

// Recording into a folder that holds a recording is refused, and the recording is left as it
// was: a slip of the command line must not replace it.
func TestRecordingNeverReplacesACassette(t *testing.T) {
	dir := t.TempDir()
	for i, name := range []string{"000001.json", "000002.json", "cassette-meta.json"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte{byte('a' + i)}, 0o644))
	}
	_, err := cassette.NewRecorder(dir, http.DefaultTransport)
	require.ErrorIs(t, err, cassette.ErrExists)
	assert.ErrorContains(t, err, "holds 3 recorded files")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	assert.Len(t, files, 3, "nothing was removed")

	fresh := filepath.Join(t.TempDir(), "new")
	_, err = cassette.NewRecorder(fresh, http.DefaultTransport)
	require.NoError(t, err)
}

// A request the cassette lacks is answered at once and never retried, however the retry policy
// treats 5xx answers.
func TestReplayMissIsNotRetried(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "000001.json"), []byte(`{"seq":1,"method":"GET","key":"GET Action=Nothing","status":200,"response":"{}"}`), 0o644))
	client, err := cassette.NewReplayClient(dir)
	require.NoError(t, err)
	h, err := target.NewHTTP(target.HTTPConfig{BaseURL: "http://cassette.invalid", Client: client,
		Credentials: embedded.PrincipalCredentials(emulator.DefaultConfig())})
	require.NoError(t, err)
	sleeps := 0
	r := target.NewRetrying(h, target.RetryPolicy{Sleep: func(context.Context, time.Duration) error { sleeps++; return nil }})
	resp, err := r.Send(context.Background(), target.Request{Action: "CreateLoadBalancer"}) // not judged: 5xx would be retried
	require.NoError(t, err)
	assert.Equal(t, spec.ReplayMissCode, resp.Code)
	assert.Zero(t, sleeps, "a replay miss is not retried")
}

// Recording leaves the wire as it was: a body goes out with its length stated, never chunked,
// and an empty one as no body at all, so a server that reads only Content-Length (many small
// ones) sees the same request with --record as without.
func TestRecordingKeepsContentLength(t *testing.T) {
	type seen struct {
		length int64
		chunk  []string
		body   string
	}
	got := make(chan seen, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.ContentLength, r.TransferEncoding, string(b)}
		_, _ = w.Write([]byte(`{"RequestId":"x"}`))
	}))
	defer srv.Close()
	rec, err := cassette.NewRecorder(t.TempDir(), http.DefaultTransport)
	require.NoError(t, err)
	client := &http.Client{Transport: rec}
	for _, body := range []string{"", "Action=Describe&a=1"} {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/?x=1", strings.NewReader(body))
		require.NoError(t, err)
		if body == "" {
			req.Body = http.NoBody
		}
		resp, err := client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		s := <-got
		assert.Equal(t, int64(len(body)), s.length, "body %q", body)
		assert.Empty(t, s.chunk, "body %q went out chunked", body)
		assert.Equal(t, body, s.body)
	}
}
