package emulator

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/clbcheck/clbcheck/spec"
)

// maxBody bounds the request body the emulator reads.
const maxBody = 1 << 20

// headerRequestID carries the RequestId of every answer (the faults may take it away).
const headerRequestID = "x-acs-request-id"

// Format names as they travel in the Format parameter (compared case-insensitively).
const (
	formatJSON = "JSON"
	formatXML  = "XML"
)

// request is a decoded RPC request.
type request struct {
	http    *http.Request
	body    []byte
	values  url.Values // query and form merged, a repeated identical value kept once
	raw     url.Values // query and form merged, every value as sent (what V1 signs)
	action  string
	version string
	format  string
	id      string // RequestId of the answer
	region  string
	caller  *caller
}

// get returns the first value of a parameter and whether it was sent.
func (r *request) get(name string) (string, bool) {
	vs, ok := r.values[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

func (r *request) value(name string) string {
	v, _ := r.get(name)
	return v
}

// apiError is an error answer.
type apiError struct {
	Status    int
	Code      string
	Message   string
	Recommend string
	Denied    map[string]string // AccessDeniedDetail, for RAM denials
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// newRequestID returns an upper-case UUID-shaped id.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := strings.ToUpper(hex.EncodeToString(b[:]))
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// decode reads the query and the form body of r and merges them. A value given in both with
// the same content is kept once, so that Validate's duplicate check only sees real conflicts.
func (e *Emulator) decode(w http.ResponseWriter, hr *http.Request, req *request) *apiError {
	q, qerr := url.ParseQuery(hr.URL.RawQuery)
	// The parsed query is ours: it becomes raw as it is (form values are appended to it), and
	// values is sized once for both sources instead of growing key by key.
	req.raw = q
	req.values = make(url.Values, len(q)+16)
	merge(req.values, q)
	if hr.Body != nil {
		body, err := io.ReadAll(http.MaxBytesReader(w, hr.Body, maxBody))
		if err != nil {
			return e.gatewayError("invalid-parameter", "the request body is larger than the emulator accepts or could not be read")
		}
		req.body = body
		ct, _, _ := mime.ParseMediaType(hr.Header.Get("Content-Type"))
		switch {
		case len(body) == 0:
		case ct == e.spec.Wire.BodyContentType || ct == "":
			f, ferr := url.ParseQuery(string(body))
			merge(req.values, f)
			appendAll(req.raw, f)
			if ferr != nil && qerr == nil {
				qerr = ferr
			}
		case ct == "application/json":
			// V3 clients may send a JSON body, with lists as nested arrays: flatten it to the
			// wire names the description uses (Tag.1.Key).
			f, ferr := flattenJSON(body)
			if ferr != nil {
				return e.gatewayError("invalid-parameter", "the JSON body is not an object: "+ferr.Error())
			}
			merge(req.values, f)
			appendAll(req.raw, f)
		}
	}
	if qerr != nil {
		return e.gatewayError("invalid-parameter", "the query or form body is not valid URL encoding: "+qerr.Error())
	}
	return nil
}

func merge(dst, src url.Values) {
	for k, vs := range src {
		for _, v := range vs {
			if !slices.Contains(dst[k], v) {
				dst[k] = append(dst[k], v)
			}
		}
	}
}

// flattenJSON turns a JSON object into RPC parameters: objects nest with dots, arrays number
// their items from 1, scalars become their text.
func flattenJSON(body []byte) (url.Values, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	out := url.Values{}
	var walk func(prefix string, v any, depth int)
	walk = func(prefix string, v any, depth int) {
		if depth > 8 {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				walk(prefix+"."+k, x, depth+1)
			}
		case []any:
			for i, x := range t {
				walk(prefix+"."+strconv.Itoa(i+1), x, depth+1)
			}
		case nil:
		default:
			out.Add(prefix, fmt.Sprint(t))
		}
	}
	for k, v := range doc {
		walk(k, v, 0)
	}
	return out, nil
}

func appendAll(dst, src url.Values) {
	for k, vs := range src {
		dst[k] = append(dst[k], vs...)
	}
}

// gatewayError builds the answer for a gateway state of the description's catalogue.
func (e *Emulator) gatewayError(state, detail string) *apiError {
	ec, ok := e.spec.GatewayError(state)
	if !ok {
		// Every state named in this package exists in the catalogue; the tests check it.
		return &apiError{Status: http.StatusInternalServerError, Code: "InternalError", Message: "unknown gateway state " + state}
	}
	return &apiError{Status: ec.Status, Code: ec.Code, Message: withDetail(ec.Message, detail), Recommend: detail}
}

// withDetail appends detail to a catalogue message (without its final full stop); an empty
// detail leaves the message as it is.
func withDetail(msg, detail string) string {
	if detail == "" {
		return msg
	}
	return strings.TrimSuffix(msg, ".") + ": " + detail
}

// codeError builds the answer for an error code of the catalogue, filling each %s of its
// message with the next argument.
func (e *Emulator) codeError(code, detail string, args ...string) *apiError {
	ec, ok := e.spec.Error(code)
	if !ok {
		return &apiError{Status: http.StatusInternalServerError, Code: "InternalError", Message: "code missing from the catalogue: " + code}
	}
	return &apiError{Status: ec.Status, Code: ec.Code, Message: fillMessage(ec.Message, args...), Recommend: detail}
}

// stateError builds the answer for the error of the operation under test that a state of
// the description reaches (see codeError).
func (e *Emulator) stateError(state, detail string, args ...string) *apiError {
	ec, ok := e.spec.StateError(state)
	if !ok {
		return e.gatewayError("internal-error", "no catalogue entry for "+state)
	}
	return e.codeError(ec.Code, detail, args...)
}

// fillMessage replaces each %s of a catalogue message with the next argument (or the last
// one when they run out).
func fillMessage(msg string, args ...string) string {
	if !strings.Contains(msg, "%s") {
		return msg
	}
	var b strings.Builder
	i := 0
	for {
		before, after, found := strings.Cut(msg, "%s")
		b.WriteString(before)
		if !found {
			break
		}
		arg := ""
		if len(args) > 0 {
			arg = args[min(i, len(args)-1)]
		}
		b.WriteString(strings.TrimSuffix(arg, "."))
		i++
		msg = after
	}
	return b.String()
}

// neighbourError builds the answer of a neighbouring operation from the catalogue
// (x-neighbour-errors), with detail appended to its message.
func (e *Emulator) neighbourError(state, detail string) *apiError {
	ec, ok := e.spec.NeighbourError(state)
	if !ok {
		return &apiError{Status: http.StatusInternalServerError, Code: "InternalError", Message: "unknown neighbour state " + state}
	}
	return &apiError{Status: ec.Status, Code: ec.Code, Message: withDetail(ec.Message, detail)}
}

// writeError renders an error answer in the request's format.
func (e *Emulator) writeError(w http.ResponseWriter, req *request, ae *apiError) {
	ae = e.inj.rewriteError(e.spec, req, ae)
	body := orderedMap{
		{spec.FieldRequestID, req.id},
		{spec.FieldHostID, e.cfg.HostID},
		{spec.FieldCode, ae.Code},
		{spec.FieldMessage, ae.Message},
		{spec.FieldRecommend, ae.Recommend},
	}
	if ae.Denied != nil {
		body = append(body, kv{spec.FieldAccessDeniedDetail, ae.Denied})
	}
	e.write(w, req, ae.Status, "Error", body)
}

// writeOK renders a success answer: the fields of out plus RequestId, never a Code.
func (e *Emulator) writeOK(w http.ResponseWriter, req *request, out map[string]any) {
	body := orderedMap{{spec.FieldRequestID, req.id}}
	keys := make([]string, 0, len(out))
	for k := range out {
		if k != spec.FieldRequestID && k != spec.FieldCode {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		body = append(body, kv{k, out[k]})
	}
	e.write(w, req, http.StatusOK, req.action+"Response", body)
}

func (e *Emulator) write(w http.ResponseWriter, req *request, status int, xmlRoot string, body orderedMap) {
	body = e.inj.rewriteBody(e.spec, req, status, body)
	var buf bytes.Buffer
	ct := e.spec.Wire.ContentTypes[formatJSON]
	if req.format == formatXML {
		ct = e.spec.Wire.ContentTypes[formatXML]
		buf.WriteString(xml.Header)
		writeXML(&buf, xmlRoot, body)
	} else if err := body.appendJSON(&buf); err == nil {
		// What json.Encoder.Encode would write, without its second pass over the bytes
		// MarshalJSON returned (they are already compact and HTML-escaped).
		buf.WriteByte('\n')
	} else {
		buf.Reset()
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set(headerRequestID, req.id)
	e.inj.rewriteHeader(e.spec, req, status, h)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// kv and orderedMap keep the top-level fields of an answer in a stable, readable order.
type kv struct {
	k string
	v any
}

type orderedMap []kv

func (m orderedMap) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := m.appendJSON(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (m orderedMap) appendJSON(b *bytes.Buffer) error {
	b.WriteByte('{')
	for i, p := range m {
		if i > 0 {
			b.WriteByte(',')
		}
		appendJSONString(b, p.k)
		b.WriteByte(':')
		if sv, ok := p.v.(string); ok {
			appendJSONString(b, sv)
			continue
		}
		v, err := json.Marshal(p.v)
		if err != nil {
			return err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return nil
}

// appendJSONString writes s as json.Marshal would. Printable ASCII other than '"', '\\' and
// the HTML characters json escapes is written as it is; anything else goes through json.Marshal.
func appendJSONString(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			b.Write(q)
			return
		}
	}
	b.WriteByte('"')
	b.WriteString(s)
	b.WriteByte('"')
}

// writeXML renders a value as XML: maps become child elements (keys sorted), a list under
// key K becomes repeated <K> elements, scalars become text.
func writeXML(b *bytes.Buffer, name string, v any) {
	switch t := v.(type) {
	case orderedMap:
		open(b, name)
		for _, p := range t {
			writeXML(b, p.k, p.v)
		}
		closeTag(b, name)
	case map[string]any:
		open(b, name)
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			writeXML(b, k, t[k])
		}
		closeTag(b, name)
	case map[string]string:
		m := make(map[string]any, len(t))
		for k, s := range t {
			m[k] = s
		}
		writeXML(b, name, m)
	case []any:
		for _, item := range t {
			writeXML(b, name, item)
		}
	case []string:
		for _, item := range t {
			writeXML(b, name, item)
		}
	case []map[string]any:
		for _, item := range t {
			writeXML(b, name, item)
		}
	default:
		open(b, name)
		_ = xml.EscapeText(b, []byte(fmt.Sprint(t)))
		closeTag(b, name)
	}
}

func open(b *bytes.Buffer, name string) {
	b.WriteByte('<')
	b.WriteString(name)
	b.WriteByte('>')
}

func closeTag(b *bytes.Buffer, name string) {
	b.WriteString("</")
	b.WriteString(name)
	b.WriteByte('>')
}
