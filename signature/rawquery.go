package signature

import (
	"net/url"
	"slices"
	"strings"
)

// queryPair is one name=value pair of a query, decoded.
type queryPair struct{ name, value string }

// canonicalQueryRaw is CanonicalQueryV3 of url.ParseQuery(raw) (of the pairs it can decode),
// read straight from the raw query without building url.Values: the pairs are decoded as
// ParseQuery decodes them, sorted stably by encoded name (so that a repeated name keeps its
// values in the order sent) and encoded again. A query of more pairs than paramsOnStack goes
// through the reference. TestCanonicalQueryRawMatchesReference compares the two.
func canonicalQueryRaw(raw string) string {
	if strings.Count(raw, "&") >= paramsOnStack {
		v, _ := url.ParseQuery(raw)
		return CanonicalQueryV3(v)
	}
	var spare [paramsOnStack]queryPair
	ps, size := spare[:0], len(raw)
	for raw != "" {
		var p string
		p, raw, _ = strings.Cut(raw, "&")
		if p == "" || strings.Contains(p, ";") {
			continue // ParseQuery drops these too
		}
		k, v, _ := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			continue
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			continue
		}
		ps = append(ps, queryPair{name, value})
	}
	slices.SortStableFunc(ps, func(a, b queryPair) int { return compareEncoded(a.name, b.name) })
	buf := make([]byte, 0, size+size/2+16)
	for i, p := range ps {
		if i > 0 {
			buf = append(buf, '&')
		}
		buf = appendPercentEncoded(buf, p.name)
		buf = append(buf, '=')
		buf = appendPercentEncoded(buf, p.value)
	}
	return string(buf)
}

// appendPercentEncoded appends PercentEncode(s) to dst.
func appendPercentEncoded(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		if c := s[i]; unreservedSet[c] {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', hex[c>>4], hex[c&0x0f])
		}
	}
	return dst
}
