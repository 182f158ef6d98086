package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// ServerLimits bound what a client can hold of an emulator served over a socket (Server,
// LimitListener, `clbcheck emulator`): how long a connection may take to send its request or
// read the answer, how long it may sit idle, how large its headers may be, and how many
// connections are open at once. A zero field takes its default (DefaultServerLimits).
type ServerLimits struct {
	// ReadHeaderTimeout is the time allowed to read a request's headers.
	ReadHeaderTimeout time.Duration `json:"readHeaderTimeout,omitempty"`
	// ReadTimeout is the time allowed to read a whole request, body included.
	ReadTimeout time.Duration `json:"readTimeout,omitempty"`
	// WriteTimeout is the time from the end of the request's headers to the end of the
	// answer. Injected latency (Faults.Latency) is added to it.
	WriteTimeout time.Duration `json:"writeTimeout,omitempty"`
	// IdleTimeout is how long a kept-alive connection may wait for its next request.
	IdleTimeout time.Duration `json:"idleTimeout,omitempty"`
	// MaxHeaderBytes bounds the request line and headers (larger ones are answered 431).
	MaxHeaderBytes int `json:"maxHeaderBytes,omitempty"`
	// MaxConnections is how many connections are open at once; further ones wait to be
	// accepted until one closes (the timeouts above close those that hold on).
	MaxConnections int `json:"maxConnections,omitempty"`
}

// Defaults of ServerLimits.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultIdleTimeout       = 90 * time.Second
	DefaultMaxHeaderBytes    = 1 << 20
)

// DefaultServerLimits returns the limits a zero ServerLimits stands for. The connection cap
// is 1024, or less where the process may open fewer files (it keeps room for the rest).
func DefaultServerLimits() ServerLimits {
	return ServerLimits{
		ReadHeaderTimeout: DefaultReadHeaderTimeout,
		ReadTimeout:       DefaultReadTimeout,
		WriteTimeout:      DefaultWriteTimeout,
		IdleTimeout:       DefaultIdleTimeout,
		MaxHeaderBytes:    DefaultMaxHeaderBytes,
		MaxConnections:    defaultMaxConnections(),
	}
}

// withDefaults fills the zero fields of l.
func (l ServerLimits) withDefaults() ServerLimits {
	d := DefaultServerLimits()
	pick := func(v, def time.Duration) time.Duration {
		if v == 0 {
			return def
		}
		return v
	}
	l.ReadHeaderTimeout = pick(l.ReadHeaderTimeout, d.ReadHeaderTimeout)
	l.ReadTimeout = pick(l.ReadTimeout, d.ReadTimeout)
	l.WriteTimeout = pick(l.WriteTimeout, d.WriteTimeout)
	l.IdleTimeout = pick(l.IdleTimeout, d.IdleTimeout)
	if l.MaxHeaderBytes == 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	if l.MaxConnections == 0 {
		l.MaxConnections = d.MaxConnections
	}
	return l
}

// check reports a negative limit.
func (l ServerLimits) check() error {
	for name, d := range map[string]time.Duration{"readHeaderTimeout": l.ReadHeaderTimeout, "readTimeout": l.ReadTimeout,
		"writeTimeout": l.WriteTimeout, "idleTimeout": l.IdleTimeout} {
		if d < 0 {
			return fmt.Errorf("emulator: server.%s may not be negative", name)
		}
	}
	if l.MaxHeaderBytes < 0 || l.MaxConnections < 0 {
		return fmt.Errorf("emulator: server.maxHeaderBytes and server.maxConnections may not be negative")
	}
	return nil
}

// UnmarshalJSON reads ServerLimits, accepting each timeout as a Go duration string ("30s")
// as well as a number of nanoseconds.
func (l *ServerLimits) UnmarshalJSON(b []byte) error {
	var aux struct {
		ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout json.RawMessage
		MaxHeaderBytes                                            int `json:"maxHeaderBytes"`
		MaxConnections                                            int `json:"maxConnections"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&aux); err != nil {
		return err
	}
	out := ServerLimits{MaxHeaderBytes: aux.MaxHeaderBytes, MaxConnections: aux.MaxConnections}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		to   *time.Duration
	}{{"readHeaderTimeout", aux.ReadHeaderTimeout, &out.ReadHeaderTimeout}, {"readTimeout", aux.ReadTimeout, &out.ReadTimeout},
		{"writeTimeout", aux.WriteTimeout, &out.WriteTimeout}, {"idleTimeout", aux.IdleTimeout, &out.IdleTimeout}} {
		d, err := jsonDuration(f.raw)
		if err != nil {
			return fmt.Errorf("server.%s: %w", f.name, err)
		}
		*f.to = d
	}
	*l = out
	return nil
}

// jsonDuration reads a duration written as a Go duration string or a number of nanoseconds;
// an absent value is zero.
func jsonDuration(raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 {
		return 0, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return time.ParseDuration(s)
	}
	var n int64
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, fmt.Errorf("expected a duration such as \"30s\": %w", err)
	}
	return time.Duration(n), nil
}

// Server returns an HTTP server for the emulator with the limits of its configuration
// (Config.Server, defaults for the zero fields). Serve it on LimitListener(ln) so that the
// connection cap holds too.
func (e *Emulator) Server() *http.Server {
	l := e.cfg.Server.withDefaults()
	return &http.Server{
		Handler:           e,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout + e.cfg.Disruptions.Latency,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
	}
}

// LimitListener wraps ln so that at most the configured number of connections
// (ServerLimits.MaxConnections) are open at once: Accept waits for one to close.
func (e *Emulator) LimitListener(ln net.Listener) net.Listener {
	return newLimitListener(ln, e.cfg.Server.withDefaults().MaxConnections)
}

// limitListener accepts a connection only while fewer than cap(slots) are open.
type limitListener struct {
	net.Listener
	slots     chan struct{}
	closed    chan struct{}
	closeOnce sync.Once
}

func newLimitListener(ln net.Listener, n int) *limitListener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, n), closed: make(chan struct{})}
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.closed:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &slotConn{Conn: c, release: func() { <-l.slots }}, nil
}

func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

// slotConn gives its slot back when closed (once, however often Close is called).
type slotConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *slotConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
