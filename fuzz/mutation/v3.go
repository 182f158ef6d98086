package mutation

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// The V3 changes beyond the parameter kinds (Mutation.Op modulo V3Kinds).
const (
	V3Header     = Kinds + iota // XOR a byte of a signed header's value (or of the host)
	V3DropHeader                // remove a signed header (or the host)
	V3Body                      // XOR a byte of the body (an empty body gets one byte)
	V3Method                    // the method becomes GET
	V3RawQuery                  // append Extra, as raw bytes, to the query
	V3Kinds                     // how many V3 kinds there are, the parameter kinds included
)

// NewRequest builds a request as a server receives it from net/http: path "/", the raw query
// q, host 127.0.0.1, HTTP/1.1, and body b.
func NewRequest(method, q string, b []byte) *http.Request {
	r := &http.Request{Method: method, URL: &url.URL{Path: "/", RawQuery: q}, Host: "127.0.0.1", Header: http.Header{},
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, RemoteAddr: "127.0.0.1:1", RequestURI: "/?" + q}
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	return r
}

// V3Change is a request after one V3 change.
type V3Change struct {
	Req  *http.Request
	Body []byte
	// Unchanged: the canonical request V3 signs is the same as before (a change that only
	// touched what V3 ignores: surrounding spaces of a header value, a query pair that does
	// not parse).
	Unchanged bool
	// QueryChanged: a V3RawQuery change the server's full reading of the query sees (it no
	// longer parses, or parses into other parameters than params), which V3's reading of the
	// query may not.
	QueryChanged bool
	What         string // the change, for messages
}

// ApplyV3 returns a copy of req (whose body is body, whose query decodes to params and which
// signs the lower-case headers signed) with one change made; parameter kinds skip the names
// skip reports true for. The copy's Body is not set: send Change.Body.
func (m Mutation) ApplyV3(req *http.Request, body []byte, params url.Values, signed []string, skip func(string) bool) V3Change {
	mut := NewRequest(req.Method, req.URL.RawQuery, body)
	mut.Header = req.Header.Clone()
	c := V3Change{Req: mut, Body: body, Unchanged: true}
	switch op := m.Op % V3Kinds; {
	case op < Kinds:
		mp := m.Apply(params, skip)
		mut.URL.RawQuery = Encode(mp)
		c.Unchanged, c.What = Same(mp, params), fmt.Sprintf("query %q", mut.URL.RawQuery)
	case op == V3Header && len(signed) > 0:
		c.Unchanged, c.What = m.flipHeader(mut, signed[int(m.Index)%len(signed)])
	case op == V3DropHeader && len(signed) > 0:
		name := signed[int(m.Index)%len(signed)]
		if name == "host" {
			mut.Host = ""
		} else {
			delete(mut.Header, HeaderKey(mut.Header, name))
		}
		c.Unchanged, c.What = false, "dropped header "+name
	case op == V3Body:
		c.Body = []byte(Flip(string(body), m.Pos, m.Mask))
		c.Unchanged, c.What = bytes.Equal(c.Body, body), fmt.Sprintf("body %q", c.Body)
	case op == V3Method:
		mut.Method = http.MethodGet
		c.Unchanged, c.What = req.Method == http.MethodGet, "method GET"
	case op == V3RawQuery:
		mut.URL.RawQuery += m.Extra
		got, err := url.ParseQuery(mut.URL.RawQuery)
		// V3 reads the query with URL.Query, which drops the pairs it cannot parse.
		c.Unchanged = Same(mut.URL.Query(), req.URL.Query())
		c.QueryChanged = err != nil || !Same(got, params)
		c.What = fmt.Sprintf("raw query %q", mut.URL.RawQuery)
	}
	mut.RequestURI = "/?" + mut.URL.RawQuery
	return c
}

// flipHeader flips a byte of the signed header name (the host for "host") and reports
// whether the value is the same up to surrounding spaces, which V3 trims.
func (m Mutation) flipHeader(r *http.Request, name string) (unchanged bool, what string) {
	what = "header " + name
	if name == "host" {
		old := r.Host
		r.Host = Flip(r.Host, m.Pos, m.Mask)
		return strings.TrimSpace(r.Host) == strings.TrimSpace(old), what
	}
	key := HeaderKey(r.Header, name)
	old := strings.Join(r.Header[key], ",")
	r.Header[key] = []string{Flip(old, m.Pos, m.Mask)}
	return strings.TrimSpace(r.Header[key][0]) == strings.TrimSpace(old), what
}

// HeaderKey finds the key of a header in h by its lower-case name; a header h lacks gets its
// canonical key.
func HeaderKey(h http.Header, lower string) string {
	for k := range h {
		if strings.EqualFold(k, lower) {
			return k
		}
	}
	return http.CanonicalHeaderKey(lower)
}

// Encode is url.Values.Encode that also writes names mapped to no value (which Encode drops)
// as "name=", keeping every decoded name on the wire.
func Encode(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		vs := v[k]
		if len(vs) == 0 {
			vs = []string{""}
		}
		for _, val := range vs {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(val))
		}
	}
	return b.String()
}
