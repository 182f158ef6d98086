package emulator_test

import (
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
)

// served starts an emulator with the given limits on a loopback socket, the way `clbcheck
// emulator` does, and returns its address and the most connections that were open at once.
// The count is kept beneath the emulator's limit listener (a connection counts from its
// accept to its close), so it sees exactly what the limit governs; the server's ConnState
// hook reports a close only after the slot is free again and would overcount.
func served(t *testing.T, limits emulator.ServerLimits) (addr string, peak func() int) {
	t.Helper()
	cfg := emulator.DefaultConfig()
	cfg.Server = limits
	em, err := emulator.New(cfg)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	counted := &countingListener{Listener: ln}
	srv := em.Server()
	go func() { _ = srv.Serve(em.LimitListener(counted)) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String(), counted.peak
}

// countingListener counts the connections open at once and remembers the most.
type countingListener struct {
	net.Listener
	mu         sync.Mutex
	open, most int
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.open++
	l.most = max(l.most, l.open)
	l.mu.Unlock()
	return &countedConn{Conn: c, done: func() { l.mu.Lock(); l.open--; l.mu.Unlock() }}, nil
}

func (l *countingListener) peak() int { l.mu.Lock(); defer l.mu.Unlock(); return l.most }

// countedConn leaves the count when closed, once.
type countedConn struct {
	net.Conn
	once sync.Once
	done func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.done)
	return err
}

// closedWithin reports whether the server closes conn within d (whatever it sends first).
func closedWithin(t *testing.T, conn net.Conn, d time.Duration) bool {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(d)))
	_, err := io.Copy(io.Discard, conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return false
	}
	return true
}

// A client that sends its body a byte at a time (or not at all) is cut off after the read
// timeout; before, only the headers had a deadline and such connections stayed open forever.
func TestSlowBodyConnectionClosed(t *testing.T) {
	addr, _ := served(t, emulator.ServerLimits{ReadTimeout: 300 * time.Millisecond})
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nAction=")
	require.NoError(t, err)
	assert.True(t, closedWithin(t, conn, 20*time.Second), "the slow body's connection is still open")
}

// A kept-alive connection that sends nothing more is closed after the idle timeout.
func TestIdleConnectionClosed(t *testing.T) {
	addr, _ := served(t, emulator.ServerLimits{IdleTimeout: 300 * time.Millisecond})
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "GET /?Action=x HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	assert.True(t, closedWithin(t, conn, 20*time.Second), "the idle connection is still open")
}

// Headers above MaxHeaderBytes are refused before the emulator sees them.
func TestHeaderBytesBounded(t *testing.T) {
	addr, _ := served(t, emulator.ServerLimits{MaxHeaderBytes: 4096})
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
	require.NoError(t, err)
	req.Header.Set("X-Padding", strings.Repeat("p", 16<<10))
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, res.StatusCode)
}

// No more than MaxConnections are open at once: connections that hold their slot without
// sending make others wait until the header timeout closes them, and then those are served.
func TestConnectionCap(t *testing.T) {
	addr, peak := served(t, emulator.ServerLimits{MaxConnections: 2, ReadHeaderTimeout: 300 * time.Millisecond})
	for range 4 {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer conn.Close()
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := client.Get("http://" + addr + "/?Action=DescribeRegions")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusBadRequest, res.StatusCode, "served once a slot freed up")
	assert.LessOrEqual(t, peak(), 2)
}

// The limits come from the configuration (durations as Go strings or nanoseconds); zero
// fields take the defaults; negative ones are configuration errors.
func TestServerLimitsConfig(t *testing.T) {
	cfg, err := emulator.ParseConfig([]byte(`{"server":{"readTimeout":"2s","idleTimeout":5000000000,"maxConnections":3}}`))
	require.NoError(t, err)
	assert.Equal(t, emulator.ServerLimits{ReadTimeout: 2 * time.Second, IdleTimeout: 5 * time.Second, MaxConnections: 3}, cfg.Server)
	em, err := emulator.New(cfg)
	require.NoError(t, err)
	srv := em.Server()
	assert.Equal(t, 2*time.Second, srv.ReadTimeout)
	assert.Equal(t, 5*time.Second, srv.IdleTimeout)
	assert.Equal(t, emulator.DefaultReadHeaderTimeout, srv.ReadHeaderTimeout)
	assert.Equal(t, emulator.DefaultWriteTimeout, srv.WriteTimeout)
	assert.Equal(t, emulator.DefaultMaxHeaderBytes, srv.MaxHeaderBytes)
	d := emulator.DefaultServerLimits()
	assert.Positive(t, d.MaxConnections)
	assert.LessOrEqual(t, d.MaxConnections, 1024)

	for _, bad := range []string{`{"server":{"readTimeout":"soon"}}`, `{"server":{"maxConnections":-1}}`, `{"server":{"readTimeout":"-1s"}}`, `{"server":{"nope":1}}`} {
		_, err := emulator.ParseConfig([]byte(bad))
		assert.Error(t, err, bad)
	}
}
