package sdkcheck

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// The Go clients make their own nonce and timestamp and offer no hook to choose them. To check
// replay protection and the timestamp window with the real clients anyway, their HTTP
// transport is wrapped: the wrapper can send the next request twice (the client reads the
// answer to the second, identical copy) or move its timestamp into the past and sign it again
// with the same secret, leaving everything else as the client built it.

type tamperMode int

const (
	untouched tamperMode = iota
	replayNext
	backdateNext
)

// backdate is how far an expired request's timestamp is moved: well past the 15-minute window.
const backdate = time.Hour

// tamper is an http.RoundTripper that changes at most the next request it is armed for.
type tamper struct {
	base  http.RoundTripper
	creds signature.Credentials
	now   func() time.Time

	mu   sync.Mutex
	mode tamperMode
}

func newTamper(creds signature.Credentials) *tamper {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // a local endpoint is never reached through a proxy
	return &tamper{base: tr, creds: creds, now: time.Now}
}

// arm makes the next request replayed or backdated.
func (t *tamper) arm(m tamperMode) {
	t.mu.Lock()
	t.mode = m
	t.mu.Unlock()
}

func (t *tamper) take() tamperMode {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.mode
	t.mode = untouched
	return m
}

// RoundTrip implements http.RoundTripper.
func (t *tamper) RoundTrip(req *http.Request) (*http.Response, error) {
	mode := t.take()
	if mode == untouched {
		return t.base.RoundTrip(req)
	}
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	switch mode {
	case replayNext:
		first, err := t.base.RoundTrip(withBody(req, body))
		if err != nil {
			return nil, err
		}
		_, _ = io.Copy(io.Discard, first.Body)
		_ = first.Body.Close()
		if first.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("the first copy of the replayed request was refused with HTTP %d, so the replay proves nothing", first.StatusCode)
		}
		return t.base.RoundTrip(withBody(req, body))
	default:
		out, newBody, err := t.resign(req, body, t.now().Add(-backdate))
		if err != nil {
			return nil, err
		}
		return t.base.RoundTrip(withBody(out, newBody))
	}
}

// withBody returns a copy of req that sends body.
func withBody(req *http.Request, body []byte) *http.Request {
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.ContentLength = int64(len(body))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	if len(body) == 0 {
		out.Body = http.NoBody
	}
	return out
}

// resign moves the request's timestamp to at and signs it again, V3 when the request has an
// Authorization header, else V1 (parameters in the query and the form body).
func (t *tamper) resign(req *http.Request, body []byte, at time.Time) (*http.Request, []byte, error) {
	out := req.Clone(req.Context())
	if out.Header.Get(signature.HeaderAuthorization) != "" {
		nonce := out.Header.Get(signature.HeaderNonce)
		if err := signature.SignV3(out, body, t.creds, at, nonce); err != nil {
			return nil, nil, fmt.Errorf("signing the backdated V3 request: %w", err)
		}
		return out, body, nil
	}
	query, err := url.ParseQuery(out.URL.RawQuery)
	if err != nil {
		return nil, nil, err
	}
	var form url.Values
	ct, _, _ := mime.ParseMediaType(out.Header.Get("Content-Type"))
	if len(body) > 0 && (ct == "application/x-www-form-urlencoded" || ct == "") {
		if form, err = url.ParseQuery(string(body)); err != nil {
			return nil, nil, err
		}
	}
	all := url.Values{}
	for _, src := range []url.Values{query, form} {
		for k, vs := range src {
			all[k] = append(all[k], vs...)
		}
	}
	stamp := at.UTC().Format(signature.TimestampLayout)
	where := query
	if _, ok := form[spec.ParamTimestamp]; ok {
		where = form
	} else if _, ok := query[spec.ParamTimestamp]; !ok {
		return nil, nil, errors.New("the request carries no Timestamp to move")
	}
	where.Set(spec.ParamTimestamp, stamp)
	all.Set(spec.ParamTimestamp, stamp)
	sig := signature.SignV1(out.Method, t.creds.AccessKeySecret, all)
	if _, ok := form[spec.ParamSignature]; ok {
		form.Set(spec.ParamSignature, sig)
	} else {
		query.Set(spec.ParamSignature, sig)
	}
	out.URL.RawQuery = query.Encode()
	if form != nil {
		body = []byte(form.Encode())
	}
	return out, body, nil
}
