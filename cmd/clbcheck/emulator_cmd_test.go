package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/spec"
)

// lockedBuffer is a bytes.Buffer safe to read while the command writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listeningOn = regexp.MustCompile(`listening on http://(\S+)`)

// startEmulatorCmd runs `clbcheck emulator` with args until the test ends and returns its
// address.
func startEmulatorCmd(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	old := emulatorStopContext
	emulatorStopContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	t.Cleanup(func() { emulatorStopContext = old })
	var out, errb lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- dispatch(append([]string{"emulator", "--listen", "127.0.0.1:0"}, args...), &out, &errb)
	}()
	t.Cleanup(func() {
		cancel()
		assert.Equal(t, exitOK, <-done, "%s", errb.String())
	})
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := listeningOn.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		select {
		case code := <-done:
			done <- code
			t.Fatalf("the emulator stopped (%d): %s", code, errb.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatal("the emulator did not start")
	return ""
}

// The command's limits reach the server: a slow body is cut off at --read-timeout, headers
// above --max-header-bytes are refused. The command used to set a header timeout and nothing
// else, so a slow body held its connection for ever.
func TestEmulatorCommandLimits(t *testing.T) {
	addr := startEmulatorCmd(t, "--read-timeout", "300ms", "--max-header-bytes", "4096", "--max-connections", "8")
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nAction=")
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(20*time.Second)))
	_, err = io.Copy(io.Discard, conn)
	assert.NoError(t, err, "the connection is closed, not left waiting for its body")

	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
	require.NoError(t, err)
	req.Header.Set("X-Padding", strings.Repeat("p", 8<<10))
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, res.StatusCode)
}

func TestEmulatorCommandBadLimits(t *testing.T) {
	code, _, errb := cli(t, "emulator", "--read-timeout", "-1s")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errb, "negative")
}

// A second emulator on a state file in use refuses to start and names the holder; a state
// file in a missing directory is refused at start.
func TestEmulatorCommandStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	startEmulatorCmd(t, "--state", path)
	code, _, errb := cli(t, "emulator", "--listen", "127.0.0.1:0", "--state", path)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errb, "in use by another emulator")
	assert.Contains(t, errb, "process "+strconv.Itoa(os.Getpid()))

	missing := filepath.Join(t.TempDir(), "gone", "state.json")
	code, _, errb = cli(t, "emulator", "--listen", "127.0.0.1:0", "--state", missing)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errb, "does not exist; create it first")
}

// The banner names each principal as clbcheck and its variables do, and its export lines, pasted
// as they are, give clbcheck every principal of the emulator.
func TestEmulatorBannerExportLinesWork(t *testing.T) {
	clearCredentials(t)
	cfg := emulator.DefaultConfig()
	em, err := emulator.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	var out, errb bytes.Buffer
	printBanner(&out, &errb, strings.TrimPrefix(srv.URL, "http://"), cfg)
	banner := out.String()
	for _, line := range []string{"  second      account", "  restricted  RAM user", "  disabled    RAM user", "(secondary in the configuration)"} {
		assert.Contains(t, banner, line)
	}
	exports := 0
	for _, line := range strings.Split(banner, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "export ") {
			continue
		}
		exports++
		line, _, _ = strings.Cut(line, "#")
		for _, word := range shellWords(t, strings.TrimPrefix(strings.TrimSpace(line), "export "), func(string) string { return "" }) {
			name, value, ok := strings.Cut(word, "=")
			require.True(t, ok, word)
			t.Setenv(name, value)
		}
	}
	assert.Equal(t, 5, exports, "four principals and the STS token")
	code, _, errOut := cli(t, "run", "--target", srv.URL, "--include", "security", "--random", "-1", "--sequences", "-1", "--ledger", t.TempDir()+"/l.jsonl")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "credentials for primary, second, restricted, disabled")
	assert.NotContains(t, errOut, "skipped")
}

// The configuration document's example is a working file that shows every field of every
// section, every scenario and every quota of the description.
func TestEmulatorConfigDocExampleIsComplete(t *testing.T) {
	doc, err := os.ReadFile("../../docs/emulator-config.md")
	require.NoError(t, err)
	start := strings.Index(string(doc), "```yaml\n")
	require.NotEqual(t, -1, start)
	body := string(doc)[start+len("```yaml\n"):]
	body = body[:strings.Index(body, "```")]
	path := filepath.Join(t.TempDir(), "emulator.yaml")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	cfg, err := readEmulatorConfig(path)
	require.NoError(t, err, "the example must be a valid configuration")
	assert.Len(t, cfg.Principals(), 5)

	var tree any
	require.NoError(t, yaml.Unmarshal([]byte(body), &tree))
	keys := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, vv := range x {
				keys[k] = true
				walk(vv)
			}
		case []any:
			for _, vv := range x {
				walk(vv)
			}
		}
	}
	walk(tree)
	var fields func(t reflect.Type, seen map[reflect.Type]bool) []string
	fields = func(typ reflect.Type, seen map[reflect.Type]bool) []string {
		for typ.Kind() == reflect.Slice || typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] {
			return nil
		}
		seen[typ] = true
		var out []string
		for i := range typ.NumField() {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			out = append(out, name)
			out = append(out, fields(f.Type, seen)...)
		}
		return out
	}
	for _, name := range fields(reflect.TypeOf(emulator.Config{}), map[reflect.Type]bool{}) {
		assert.True(t, keys[name], "the example lacks field %q", name)
	}
	s := spec.MustDefault()
	for _, sc := range s.Scenarios {
		assert.True(t, keys[sc.Name], "the example lacks scenario %s", sc.Name)
	}
	for _, q := range s.Quotas {
		assert.True(t, keys[q.Name], "the example lacks quota %s", q.Name)
	}
}
