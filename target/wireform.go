package target

import (
	"iter"
	"net/url"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// This file is the fast path of HTTP.build: the V1 and unsigned wire form of a request (query
// and form body, common parameters, RegionId, Signature), put together in stack buffers and
// pooled maps. wireFormPlain in wireform_plain.go computes the same text the obvious way, and
// TestWireFormFastMatchesPlain compares the two on every catalogue case and auth mode.

// wireIn is everything that decides the wire form of a request.
type wireIn struct {
	Method, Action, Version, Format, Nonce string
	Region                                 string // RegionId sent when Params has none; "" sends none
	Auth                                   spec.Auth
	// V1Params says whether V1's common signature parameters are sent (every mode but an
	// unsigned request without credentials). V3 sends none: its signature is in headers.
	V1Params  bool
	Creds     signature.Credentials
	Now       time.Time
	Params    []KV
	Placement string // "" (query), "form" or "split"
}

// wireForm returns the encoded query behind queryPrefix ("" when the query is empty) and the
// encoded form body of a request; a V1 request carries its signature, computed after every
// other parameter is in place.
func wireForm(in *wireIn, queryPrefix string) (query, body string) {
	// Common parameters first, then the request's own, then RegionId when the request has
	// none; the pieces are placed without copying them into one list.
	var commonBuf [10]KV
	common := commonBuf[:0]
	if in.Auth != spec.AuthV3 {
		common = append(common, KV{Name: spec.ParamAction, Value: in.Action}, KV{Name: spec.ParamVersion, Value: in.Version})
		if in.Format != "" {
			common = append(common, KV{Name: spec.ParamFormat, Value: in.Format})
		}
		if in.V1Params {
			pv := signature.V1Params(in.Creds, in.Now)
			if in.Nonce != "" {
				pv.Set(spec.ParamSignatureNonce, in.Nonce)
			}
			var spare [8]string
			for _, k := range sortedKeys(spare[:0], pv) {
				common = append(common, KV{Name: k, Value: pv.Get(k)})
			}
		}
	} else if in.Format != "" {
		common = append(common, KV{Name: spec.ParamFormat, Value: in.Format})
	}
	var extra [2]KV // RegionId, Signature
	var region []KV
	if in.Region != "" && !HasParam(in.Params, spec.ParamRegionID) {
		extra[0] = KV{Name: spec.ParamRegionID, Value: in.Region}
		region = extra[0:1]
	}
	// The lists are filled by index, not append, so that they and the common parameters can
	// stay on the stack.
	var queryBuf, formBuf [4][]KV
	nq, nf := 0, 0
	switch in.Placement {
	case "form":
		formBuf[0], formBuf[1], formBuf[2], nf = common, in.Params, region, 3
	case "split":
		queryBuf[0], nq = common, 1
		formBuf[0], formBuf[1], nf = in.Params, region, 2
	default:
		queryBuf[0], queryBuf[1], queryBuf[2], nq = common, in.Params, region, 3
	}
	q, form := kvList(queryBuf[:nq]), kvList(formBuf[:nf])
	if in.Auth != spec.AuthV3 && in.Auth != spec.AuthUnsigned {
		var sig string
		if in.Auth == spec.AuthV1SignedOnce {
			all := decoded(q, form)
			readOnce(all.v)
			sig = signature.SignV1(in.Method, in.Creds.AccessKeySecret, all.v)
			all.release()
		} else {
			sig = signPairs(in.Method, in.Creds.AccessKeySecret, q, form)
		}
		if in.Auth == spec.AuthBadSignature {
			sig = flip(sig)
		}
		// The Node client sends Signature last in the body; others in the query.
		extra[1] = KV{Name: spec.ParamSignature, Value: sig}
		if form.len() > 0 && q.len() == 0 {
			formBuf[nf] = extra[1:2]
			form = formBuf[:nf+1]
		} else {
			queryBuf[nq] = extra[1:2]
			q = queryBuf[:nq+1]
		}
	}
	if q.len() > 0 {
		query = encode(queryPrefix, q)
	}
	if form.len() > 0 {
		body = encode("", form)
	}
	return query, body
}

// kvList is a parameter list in pieces, sent one after the other: the request's own
// parameters go on the wire without being copied behind the common ones.
type kvList [][]KV

func (l kvList) len() int {
	n := 0
	for _, kvs := range l {
		n += len(kvs)
	}
	return n
}

// encode returns prefix followed by the params in order, percent-encoding all but raw
// values. The text is put together in a pooled buffer and copied out once, at its size.
func encode(prefix string, l kvList) string {
	bp := encodeBufs.Get().(*[]byte)
	b := append((*bp)[:0], prefix...)
	first := true
	for _, kvs := range l {
		for _, kv := range kvs {
			if !first {
				b = append(b, '&')
			}
			first = false
			b = appendQueryEscape(b, kv.Name)
			b = append(b, '=')
			if kv.Raw {
				b = append(b, kv.Value...)
			} else {
				b = appendQueryEscape(b, kv.Value)
			}
		}
	}
	s := string(b)
	if cap(b) <= 64<<10 {
		*bp = b
		encodeBufs.Put(bp)
	}
	return s
}

var encodeBufs = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// unreserved marks the bytes that go into a query as themselves: letters, digits and "-_.~".
var unreserved = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
	}
	return t
}()

// appendQueryEscape appends url.QueryEscape(s) to b: unreserved bytes as they are, a space
// as '+', every other byte as %XX.
func appendQueryEscape(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved[c] {
			continue
		}
		b = append(b, s[start:i]...)
		if c == ' ' {
			b = append(b, '+')
		} else {
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
		start = i + 1
	}
	return append(b, s[start:]...)
}

// signPairs signs the values the server will read for query and form (raw values are
// unescaped), handed to the signer as pairs in the order sent.
func signPairs(method, secret string, query, form kvList) string {
	set := signingPairs.Get().(*pairSet)
	names, values := set.names[:0], set.values[:0]
	for name, val := range served(query, form) {
		names, values = append(names, name), append(values, val)
	}
	sig := signature.SignV1Pairs(method, secret, names, values)
	if len(names) <= 256 {
		clear(names)
		clear(values)
		set.names, set.values = names[:0], values[:0]
		signingPairs.Put(set)
	}
	return sig
}

// signingPairs keeps the lists signPairs fills for the next request (the signer keeps slices
// of the values, so they would not stay on the stack).
var signingPairs = sync.Pool{New: func() any { return new(pairSet) }}

type pairSet struct{ names, values []string }

// signingValues are the maps decoded fills, kept for the next request: a map of a few dozen
// names costs more to make than everything else in building a request.
var signingValues = sync.Pool{New: func() any { return new(signingSet) }}

type signingSet struct {
	v       url.Values
	backing []string
}

// decoded returns the values the server will read for query and form (raw values are
// unescaped), for signing. The values share one backing array, and the slices are capped so
// that adding to one copies it. Give the set back with release once the values are used.
func decoded(query, form kvList) *signingSet {
	set := signingValues.Get().(*signingSet)
	n := query.len() + form.len()
	if set.v == nil {
		set.v = make(url.Values, n)
	}
	if cap(set.backing) < n {
		set.backing = make([]string, 0, n)
	}
	v, backing := set.v, set.backing[:0]
	for name, val := range served(query, form) {
		if prev, seen := v[name]; seen {
			v[name] = append(prev, val)
			continue
		}
		backing = append(backing, val)
		v[name] = backing[len(backing)-1 : len(backing) : len(backing)]
	}
	set.backing = backing
	return set
}

// served yields, in the order sent, the name and value the server reads for each pair of
// query and form (a raw value unescaped).
func served(query, form kvList) iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, l := range [2]kvList{query, form} {
			for _, kvs := range l {
				for _, kv := range kvs {
					val := kv.Value
					if kv.Raw {
						if d, err := url.QueryUnescape(val); err == nil {
							val = d
						}
					}
					if !yield(kv.Name, val) {
						return
					}
				}
			}
		}
	}
}

// release empties the set and keeps it for another request, unless it grew unusually large.
func (set *signingSet) release() {
	if len(set.v) > 256 {
		return
	}
	clear(set.v)
	clear(set.backing)
	set.backing = set.backing[:0]
	signingValues.Put(set)
}

// readOnce keeps one copy of a value a name carries several times, as the server reads it.
func readOnce(v url.Values) {
	for k, vs := range v {
		if len(vs) < 2 {
			continue
		}
		var kept []string
		for _, x := range vs {
			if !slices.Contains(kept, x) {
				kept = append(kept, x)
			}
		}
		v[k] = kept
	}
}

func flip(sig string) string {
	if sig == "" {
		return "AAAA"
	}
	b := []byte(sig)
	if b[0] == 'A' {
		b[0] = 'B'
	} else {
		b[0] = 'A'
	}
	return string(b)
}

// sortedKeys appends the names of v to keys, sorted.
func sortedKeys(keys []string, v url.Values) []string {
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
