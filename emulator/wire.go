package emulator

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/clbcheck/clbcheck/spec"
)

// maxBody bounds the request body the emulator reads.
const maxBody = 1 << 20

// headerRequestID carries the RequestId of every answer (the faults may take it away).
const headerRequestID = "x-acs-request-id"

// Format names as they travel in the Format parameter (compared case-insensitively).
const (
	formatJSON = spec.FormatJSON
	formatXML  = spec.FormatXML
)

// request is a decoded RPC request.
type request struct {
	http      *http.Request
	body      []byte
	values    url.Values // query and form merged, a repeated identical value kept once
	raw       url.Values // query and form merged, every value as sent (what V1 signs)
	repeats   bool       // some name was sent more than once (else raw and values are one map)
	params    *paramSet  // where raw comes from; released with the request
	action    string
	version   string
	format    string
	id        string // RequestId of the answer
	region    string
	caller    *caller // nil until authenticated; points at principal
	principal caller
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
	const digits = "0123456789ABCDEF"
	var id [36]byte
	j := 0
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			id[j] = '-'
			j++
		}
		id[j], id[j+1] = digits[c>>4], digits[c&0x0f]
		j += 2
	}
	return string(id[:])
}

// decode reads the query and the form body of r into req.raw (every value as sent, the query's
// first) and req.values (a repeated identical value kept once, so that Validate's duplicate
// check only sees real conflicts). Both are filled in one pass into one map; when no name
// comes twice the two are the same map, as they would hold the same values anyway.
func (e *Emulator) decode(w http.ResponseWriter, hr *http.Request, req *request) *apiError {
	var (
		text     string     // the body, when it holds URL-encoded parameters
		fromJSON url.Values // the parameters of a JSON body
	)
	if hr.Body == http.NoBody {
		req.body = []byte{}
	} else if hr.Body != nil {
		body, err := readBody(w, hr)
		if err != nil {
			return e.gatewayError(spec.GatewayInvalidParameter, "the request body is larger than the emulator accepts or could not be read")
		}
		req.body = body
		if len(body) > 0 {
			switch ct := e.mediaType(hr.Header.Get(headerContentType)); {
			case ct == e.spec.Wire.BodyContentType || ct == "":
				// The body is only read from now on, so the values may point into it.
				text = unsafe.String(unsafe.SliceData(body), len(body))
				text = e.inj.formText(text)
			case ct == "application/json":
				// V3 clients may send a JSON body, with lists as nested arrays: flatten it to
				// the wire names the description uses (Tag.1.Key).
				if fromJSON, err = flattenJSON(body); err != nil {
					return e.gatewayError(spec.GatewayInvalidParameter, "the JSON body is not an object: "+err.Error())
				}
			}
		}
	}
	p := newParamSet(pairsIn(hr.URL.RawQuery) + pairsIn(text) + len(fromJSON))
	err := p.parse(hr.URL.RawQuery)
	if ferr := p.parse(text); ferr != nil && err == nil {
		err = ferr
	}
	for k, vs := range fromJSON {
		for _, v := range vs {
			p.add(k, v)
		}
	}
	p.finish(req)
	req.params = p
	if err != nil {
		return e.gatewayError(spec.GatewayInvalidParameter, "the query or form body is not valid URL encoding: "+err.Error())
	}
	return nil
}

// mediaType is the media type of a Content-Type header, as mime.ParseMediaType reads it ("" when
// it cannot). The form type clients send is recognised without parsing.
func (e *Emulator) mediaType(header string) string {
	if header == "" || header == e.spec.Wire.BodyContentType {
		return header
	}
	ct, _, _ := mime.ParseMediaType(header)
	return ct
}

// readBody reads the whole body, up to maxBody bytes. A declared length sizes the buffer so
// that it is read without growing.
func readBody(w http.ResponseWriter, hr *http.Request) ([]byte, error) {
	r := http.MaxBytesReader(w, hr.Body, maxBody)
	size := 512
	if n := hr.ContentLength; n > 0 && n < maxBody {
		size = int(n) + 1 // room for the read that finds the end
	}
	b := make([]byte, 0, size)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// maxQueryPairs is the number of pairs url.ParseQuery accepts by default; a longer text is
// left to it, so that the refusal is its own.
const maxQueryPairs = 10000

// pairsIn is the most name=value pairs a query text can hold.
func pairsIn(s string) int {
	if s == "" {
		return 0
	}
	return strings.Count(s, "&") + 1
}

// paramSet gathers the parameters of a request in arrival order.
type paramSet struct {
	all      url.Values
	store    []string // room for the first value of each name, so that a name costs no slice of its own
	spare    []string // what is left of store
	repeated bool     // some name came more than once
}

// paramSets recycles the parameter sets requests are decoded into. Nothing keeps a request's
// maps or slices once its answer is written (the state keeps copies of the strings, and the
// strings are not recycled), so ServeHTTP hands its set back then.
var paramSets = sync.Pool{New: func() any { return new(paramSet) }}

// Recycled sets are at most this large; a set that grew bigger is left to the collector.
const maxRecycledParams = 256

func newParamSet(pairs int) *paramSet {
	pairs = min(pairs, 1024)
	p := paramSets.Get().(*paramSet)
	if p.all == nil {
		p.all = make(url.Values, pairs)
	}
	if len(p.store) < pairs {
		p.store = make([]string, pairs)
	}
	p.spare = p.store
	return p
}

// release hands the set back for another request; req must not be used afterwards.
func (p *paramSet) release() {
	if len(p.all) > maxRecycledParams || len(p.store) > maxRecycledParams {
		return
	}
	clear(p.all)
	clear(p.store)
	p.spare, p.repeated = nil, false
	paramSets.Put(p)
}

// parse reads a query text as url.ParseQuery does, with the same errors: a pair that cannot
// be decoded is skipped, and the first such error is returned (a semicolon's error replaces an
// earlier one).
func (p *paramSet) parse(s string) error {
	if pairsIn(s) > maxQueryPairs {
		m, err := url.ParseQuery(s)
		for k, vs := range m {
			for _, v := range vs {
				p.add(k, v)
			}
		}
		return err
	}
	var err error
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		if strings.Contains(pair, ";") {
			err = errSemicolon
			continue
		}
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, kerr := queryUnescape(k)
		if kerr != nil {
			if err == nil {
				err = kerr
			}
			continue
		}
		v, verr := queryUnescape(v)
		if verr != nil {
			if err == nil {
				err = verr
			}
			continue
		}
		p.add(k, v)
	}
	return err
}

// queryUnescape is url.QueryUnescape (its reference, which TestQueryUnescapeMatchesTheReference
// compares it with): '+' is a space and %XX the byte XX. It decodes in one pass from the first
// '%' or '+' on, where the reference reads the text twice; a text without either is returned as
// it is, and a broken escape is left to the reference, which words the error.
func queryUnescape(s string) (string, error) {
	i := 0
	for i < len(s) && s[i] != '%' && s[i] != '+' {
		i++
	}
	if i == len(s) {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b.WriteByte(' ')
		case '%':
			if i+2 >= len(s) || !isHexDigit(s[i+1]) || !isHexDigit(s[i+2]) {
				return url.QueryUnescape(s)
			}
			b.WriteByte(hexValue(s[i+1])<<4 | hexValue(s[i+2]))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// hexValue is the value of a hex digit.
func hexValue(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// errSemicolon is url.ParseQuery's answer to a semicolon.
var errSemicolon = errors.New("invalid semicolon separator in query")

func (p *paramSet) add(k, v string) {
	if vs, ok := p.all[k]; ok {
		p.all[k] = append(vs, v)
		p.repeated = true
		return
	}
	if len(p.spare) == 0 {
		p.spare = make([]string, 16)
	}
	p.spare[0] = v
	p.all[k] = p.spare[:1:1] // a second value makes a slice of its own
	p.spare = p.spare[1:]
}

// finish hands the parameters to req: raw is every value, values drops repeated identical ones.
func (p *paramSet) finish(req *request) {
	req.raw, req.values = p.all, p.all
	req.repeats = p.repeated
	if !p.repeated {
		return
	}
	req.values = make(url.Values, len(p.all))
	for k, vs := range p.all {
		if len(vs) == 1 {
			req.values[k] = vs
			continue
		}
		var kept []string
		for _, v := range vs {
			if !slices.Contains(kept, v) {
				kept = append(kept, v)
			}
		}
		req.values[k] = kept
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

// gatewayError builds the answer for a gateway state of the description's catalogue.
func (e *Emulator) gatewayError(state spec.GatewayState, detail string) *apiError {
	ec, ok := e.spec.GatewayError(state)
	if !ok {
		// Every state named in this package exists in the catalogue; the tests check it.
		return &apiError{Status: http.StatusInternalServerError, Code: "InternalError", Message: "unknown gateway state " + string(state)}
	}
	code, status := ec.Code, ec.Status
	if e.cfg.Choices.AlternativeCodes {
		code, status = e.gatewayAlternative(ec)
	}
	return &apiError{Status: status, Code: code, Message: withDetail(ec.Message, detail), Recommend: detail}
}

// gatewayAlternative is the other answer the description accepts for a gateway state
// (Choices.AlternativeCodes): the first other code its entry lists, with that code's own
// status when the catalogue has it, and otherwise the first other status the entry accepts.
// An entry that lists neither keeps its answer.
func (e *Emulator) gatewayAlternative(ec spec.ErrorCode) (string, int) {
	code, status := ec.Code, ec.Status
	for _, alt := range ec.Accept {
		if alt != ec.Code && !strings.HasSuffix(alt, "*") {
			code = alt
			break
		}
	}
	if other, ok := e.spec.Error(code); ok && code != ec.Code && ec.AcceptsStatus(other.Status) {
		return code, other.Status
	}
	for _, st := range ec.AcceptStatus {
		if st != ec.Status {
			return code, st
		}
	}
	return code, status
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
func (e *Emulator) stateError(state spec.StateName, detail string, args ...string) *apiError {
	ec, ok := e.spec.StateError(state)
	if !ok {
		return e.gatewayError(spec.GatewayInternalError, "no catalogue entry for "+string(state))
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
func (e *Emulator) neighbourError(state spec.NeighbourState, detail string) *apiError {
	ec, ok := e.spec.NeighbourError(state)
	if !ok {
		return &apiError{Status: http.StatusInternalServerError, Code: "InternalError", Message: "unknown neighbour state " + string(state)}
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
	e.write(w, req, ae.Status, e.spec.Wire.XMLErrorRoot, body)
}

// answer is what an operation returns on success: a map[string]any, whose fields are
// rendered sorted by name, or an orderedMap already sorted that way.
type answer = any

// writeOK renders a success answer: RequestId, then the fields of out, never a Code.
func (e *Emulator) writeOK(w http.ResponseWriter, req *request, out answer) {
	var body orderedMap
	switch t := out.(type) {
	case orderedMap:
		body = make(orderedMap, 1, len(t)+1)
		for _, f := range t {
			if f.k != spec.FieldRequestID && f.k != spec.FieldCode {
				body = append(body, f)
			}
		}
	case map[string]any:
		body = make(orderedMap, 1, len(t)+1)
		for k, v := range t {
			if k != spec.FieldRequestID && k != spec.FieldCode {
				body = append(body, kv{k, v})
			}
		}
		sortByName(body[1:])
	default:
		body = make(orderedMap, 1)
	}
	body[0] = kv{spec.FieldRequestID, req.id}
	root := ""
	if req.format == formatXML {
		root = req.action + e.spec.Wire.XMLSuccessSuffix
	}
	e.write(w, req, http.StatusOK, root, body)
}

func (e *Emulator) write(w http.ResponseWriter, req *request, status int, xmlRoot string, body orderedMap) {
	body = e.inj.rewriteBody(e.spec, req, status, body)
	buf := answerBuffers.Get().(*bytes.Buffer)
	defer putAnswerBuffer(buf)
	ct := e.spec.Wire.ContentTypes[formatJSON]
	if req.format == formatXML {
		ct = e.spec.Wire.ContentTypes[formatXML]
		buf.WriteString(xml.Header)
		writeXML(buf, xmlRoot, body)
	} else if err := body.appendJSON(buf); err == nil {
		// What json.Encoder.Encode would write, without its second pass over the bytes
		// MarshalJSON returned (they are already compact and HTML-escaped).
		buf.WriteByte('\n')
	} else {
		buf.Reset()
	}
	// What h.Set does for each header, with the three values in one allocation.
	values := make([]string, 3)
	values[0], values[1], values[2] = ct, strconv.Itoa(buf.Len()), req.id
	h := w.Header()
	h[headerContentType] = values[0:1:1]
	h[headerContentLength] = values[1:2:2]
	h[headerRequestIDKey] = values[2:3:3]
	e.inj.rewriteHeader(e.spec, req, status, h)
	w.WriteHeader(e.inj.successStatus(e.spec, req, status))
	_, _ = w.Write(buf.Bytes())
}

// Header names in their canonical form, as keys of an http.Header.
const (
	headerContentType   = "Content-Type"
	headerContentLength = "Content-Length"
	headerRequestIDKey  = "X-Acs-Request-Id" // headerRequestID
)

// answerBuffers holds the buffers answers are rendered into. A ResponseWriter does not keep
// what it is given, so a buffer is free again once written.
var answerBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putAnswerBuffer(b *bytes.Buffer) {
	if b.Cap() > 64<<10 {
		return // an exceptional answer; do not keep its memory around
	}
	b.Reset()
	answerBuffers.Put(b)
}

// kv and orderedMap keep the top-level fields of an answer in a stable, readable order.
type kv struct {
	k string
	v any
}

type orderedMap []kv

// fields makes an orderedMap of a few fields, sorted by name as a map[string]any of them would
// be rendered.
func fields(f ...kv) orderedMap {
	m := orderedMap(f)
	sortByName(m)
	return m
}

// sortedFields lists the fields of m sorted by name, as json.Marshal and writeXML order them.
func sortedFields(m map[string]any) orderedMap {
	out := make(orderedMap, 0, len(m))
	for k, v := range m {
		out = append(out, kv{k, v})
	}
	sortByName(out)
	return out
}

func sortByName(m orderedMap) {
	slices.SortFunc(m, func(a, b kv) int { return strings.Compare(a.k, b.k) })
}

// set gives field k the value v in m, which is sorted by name and stays so.
func (m orderedMap) set(k string, v any) orderedMap {
	i, found := slices.BinarySearchFunc(m, k, func(f kv, k string) int { return strings.Compare(f.k, k) })
	if found {
		m[i].v = v
		return m
	}
	return slices.Insert(m, i, kv{k, v})
}

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
		if err := appendJSONValue(b, p.v); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

// appendJSONValue writes v as json.Marshal would. The types answers are made of are written
// here; anything else is left to json.Marshal.
func appendJSONValue(b *bytes.Buffer, v any) error {
	switch t := v.(type) {
	case string:
		appendJSONString(b, t)
	case int:
		b.Write(strconv.AppendInt(b.AvailableBuffer(), int64(t), 10))
	case int64:
		b.Write(strconv.AppendInt(b.AvailableBuffer(), t, 10))
	case bool:
		b.Write(strconv.AppendBool(b.AvailableBuffer(), t))
	case nil:
		b.WriteString("null")
	case *string:
		if t == nil {
			b.WriteString("null")
			return nil
		}
		appendJSONString(b, *t)
	case *int64:
		if t == nil {
			b.WriteString("null")
			return nil
		}
		b.Write(strconv.AppendInt(b.AvailableBuffer(), *t, 10))
	case orderedMap:
		return t.appendJSON(b)
	case map[string]any:
		if t == nil {
			b.WriteString("null")
			return nil
		}
		if len(t) == 1 {
			// The usual wrapper of a list: no need to sort.
			for k, x := range t {
				return orderedMap{{k, x}}.appendJSON(b)
			}
		}
		return sortedFields(t).appendJSON(b)
	case []any:
		if t == nil {
			b.WriteString("null")
			return nil
		}
		b.WriteByte('[')
		for i, x := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := appendJSONValue(b, x); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case []string:
		if t == nil {
			b.WriteString("null")
			return nil
		}
		b.WriteByte('[')
		for i, s := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			appendJSONString(b, s)
		}
		b.WriteByte(']')
	default:
		out, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(out)
	}
	return nil
}

// appendJSONString writes s as json.Marshal would. Printable ASCII other than '"', '\\' and
// the HTML characters json escapes is written as it is; anything else goes through json.Marshal.
func appendJSONString(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		if !jsonPlain[s[i]] {
			q, _ := json.Marshal(s)
			b.Write(q)
			return
		}
	}
	b.WriteByte('"')
	b.WriteString(s)
	b.WriteByte('"')
}

// jsonPlain marks the bytes appendJSONString writes as they are: printable ASCII but '"', '\\'
// and the HTML characters json escapes.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c <= 0x7e; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

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
	case *string:
		if t != nil {
			writeXML(b, name, *t)
		} else {
			writeXML(b, name, nil)
		}
	case *int64:
		if t != nil {
			writeXML(b, name, *t)
		} else {
			writeXML(b, name, nil)
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
