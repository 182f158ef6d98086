package target

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
)

// handlerTransport delivers requests straight to an http.Handler: no socket, no network.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return t.serve(req, "")
}

// serve is RoundTrip for a request whose URL was parsed from rawURL ("" when unknown), which
// saves making the request URI anew.
func (t handlerTransport) serve(req *http.Request, rawURL string) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		// The harness's own request: read it whole.
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		body = b
		req.Body.Close()
	}
	// A shallow copy is enough: the handler reads the URL and the headers and never changes
	// them (net/http's server makes the same promise to handlers about its own request).
	in := new(http.Request)
	*in = *req
	if len(body) == 0 {
		in.Body = http.NoBody
	} else {
		sb := new(sentBody)
		sb.Reset(body)
		in.Body = sb
	}
	in.GetBody = nil
	in.ContentLength = int64(len(body))
	in.RequestURI = requestURI(req.URL, rawURL)
	if in.Host == "" {
		in.Host = req.URL.Host
	}
	in.RemoteAddr = "127.0.0.1:1"
	if in.Proto == "" {
		in.Proto, in.ProtoMajor, in.ProtoMinor = "HTTP/1.1", 1, 1
	}
	if in.Header == nil {
		in.Header = http.Header{}
	}
	rec := recorders.Get().(*recorder)
	rec.header, rec.status = http.Header{}, 0
	t.h.ServeHTTP(rec, in)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	res := &http.Response{
		Status:        statusLine(rec.status),
		StatusCode:    rec.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rec.header,
		Body:          &recordedBody{rec: rec},
		ContentLength: int64(rec.body.Len()),
		Request:       req,
	}
	rec.header = nil
	return res, nil
}

// statusLines holds the status lines of the codes in use, made once.
var statusLines = func() map[int]string {
	m := map[int]string{}
	for code := 100; code < 600; code++ {
		if text := http.StatusText(code); text != "" {
			m[code] = fmt.Sprintf("%03d %s", code, text)
		}
	}
	return m
}()

// statusLine returns the Status of a response with this code, as net/http's client has it.
func statusLine(code int) string {
	if s, ok := statusLines[code]; ok {
		return s
	}
	return fmt.Sprintf("%03d %s", code, http.StatusText(code))
}

// requestURI returns u.RequestURI(). When u was parsed from rawURL, the request URI (the
// escaped path, '?' and the query) is usually how rawURL ends, and is sliced from it.
func requestURI(u *url.URL, rawURL string) string {
	if u.Opaque == "" && u.RawQuery != "" {
		path := u.EscapedPath()
		if path == "" {
			path = "/"
		}
		if n := len(path) + 1 + len(u.RawQuery); len(rawURL) >= n {
			tail := rawURL[len(rawURL)-n:]
			if tail[:len(path)] == path && tail[len(path)] == '?' && tail[len(path)+1:] == u.RawQuery {
				return tail
			}
		}
	}
	return u.RequestURI()
}

// HandlerTransport is an http.RoundTripper that hands requests straight to h, without a socket.
func HandlerTransport(h http.Handler) http.RoundTripper { return handlerTransport{h: h} }

// sentBody is the request body a handler reads: the bytes sent, with a Close that does nothing.
type sentBody struct{ bytes.Reader }

func (*sentBody) Close() error { return nil }

// recorder is a minimal http.ResponseWriter for handlerTransport. Recorders are pooled: the
// body buffer goes back to the pool when the response body is closed.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

var recorders = sync.Pool{New: func() any { return new(recorder) }}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

// recordedBody reads a recorder's body and returns the recorder to the pool on Close.
type recordedBody struct {
	mu  sync.Mutex
	rec *recorder
	off int
}

func (b *recordedBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rec == nil {
		return 0, io.EOF
	}
	rest := b.rec.body.Bytes()[b.off:]
	if len(rest) == 0 {
		return 0, io.EOF
	}
	n := copy(p, rest)
	b.off += n
	return n, nil
}

func (b *recordedBody) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if rec := b.rec; rec != nil {
		b.rec = nil
		if rec.body.Cap() <= 64<<10 {
			rec.body.Reset()
			recorders.Put(rec)
		}
	}
	return nil
}
