package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
