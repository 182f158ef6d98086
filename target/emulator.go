package target

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/signature"
)

// handlerTransport delivers requests straight to an http.Handler: no socket, no network.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		body = b
		req.Body.Close()
	}
	in := req.Clone(req.Context())
	in.Body = io.NopCloser(bytes.NewReader(body))
	in.ContentLength = int64(len(body))
	in.RequestURI = req.URL.RequestURI()
	if in.Host == "" {
		in.Host = req.URL.Host
	}
	in.RemoteAddr = "127.0.0.1:1"
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, in)
	res := rec.Result()
	res.Request = req
	return res, nil
}

// HandlerTransport is an http.RoundTripper that hands requests straight to h, without a socket.
func HandlerTransport(h http.Handler) http.RoundTripper { return handlerTransport{h: h} }

// PrincipalCredentials maps the harness's principal names to an emulator configuration's
// credentials (the primary key carries the STS token for STS cases).
func PrincipalCredentials(cfg emulator.Config) map[string]signature.Credentials {
	out := map[string]signature.Credentials{}
	pick := func(harness, emu string) {
		if p, ok := cfg.Principal(emu); ok {
			out[harness] = p.Credentials
		}
	}
	pick(generators.PrincipalPrimary, emulator.PrincipalPrimary)
	pick(generators.PrincipalSecond, emulator.PrincipalSecondary)
	pick(generators.PrincipalRestricted, emulator.PrincipalDenied)
	if sts, ok := cfg.Principal(emulator.PrincipalSTS); ok {
		c := out[generators.PrincipalPrimary]
		if c.AccessKeyID == sts.Credentials.AccessKeyID {
			c.SecurityToken = sts.Credentials.SecurityToken
			out[generators.PrincipalPrimary] = c
		}
	}
	return out
}

// Emulator is a target backed by an in-process emulator.
type Emulator struct {
	*HTTP
	Emu *emulator.Emulator
}

// NewEmulator starts an in-process emulator with cfg and returns a target that talks to it
// through its HTTP handler, without opening a socket.
func NewEmulator(cfg emulator.Config) (*Emulator, error) {
	emu, err := emulator.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("cannot start the embedded emulator: %w", err)
	}
	return NewHandlerTarget(emu, emu.Config(), "emulator (embedded)")
}

// NewHandlerTarget wraps any handler speaking the emulator's protocol (a broken emulator in
// tests, for instance) with the credentials of cfg.
func NewHandlerTarget(h http.Handler, cfg emulator.Config, name string) (*Emulator, error) {
	ht, err := NewHTTP(HTTPConfig{
		BaseURL:     "http://127.0.0.1",
		Credentials: PrincipalCredentials(cfg),
		Region:      cfg.Region,
		Client:      &http.Client{Transport: handlerTransport{h: h}},
		Name:        name,
		Now:         cfg.Now,
	})
	if err != nil {
		return nil, err
	}
	emu, _ := h.(*emulator.Emulator)
	return &Emulator{HTTP: ht, Emu: emu}, nil
}
