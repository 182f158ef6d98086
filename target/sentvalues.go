package target

import (
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/clbcheck/clbcheck/spec"
)

// SentValues returns the parameters a server decodes from a Sent request (query and form),
// without the common parameters; it is what negative cases are confirmed against.
//
// It reads the bytes actually sent. The usual request (a URL without a fragment or control
// bytes, a query and a body without semicolons or broken escapes) is read in one pass over
// each part; anything else goes through url.Parse and url.ParseQuery, as before.
func SentValues(s Sent, common []string) url.Values {
	query, ok := sentQuery(s.URL)
	nq, okq := plainForm(query, true)
	nb, okb := plainForm(s.Body, false)
	if !ok || !okq || !okb {
		return sentValuesStd(s, common)
	}
	// The common parameters are left out as they come; the map is sized for every pair.
	n := nq + nb
	out := make(url.Values, n)
	// One backing array for all values: a name sent once (the usual case) costs no
	// allocation of its own. The slices are capped, so an append elsewhere copies.
	vals := make([]string, 0, n)
	add := func(raw string) {
		for raw != "" {
			var pair string
			pair, raw, _ = strings.Cut(raw, "&")
			if pair == "" {
				continue
			}
			k, v, _ := strings.Cut(pair, "=")
			// plainForm checked every escape, so these cannot fail.
			k, _ = url.QueryUnescape(k)
			if leftOut(k, common) {
				continue
			}
			v, _ = url.QueryUnescape(v)
			if prev, seen := out[k]; seen {
				out[k] = append(prev, v)
				continue
			}
			vals = append(vals, v)
			out[k] = vals[len(vals)-1 : len(vals) : len(vals)]
		}
	}
	add(query)
	add(s.Body)
	return out
}

// leftOut reports whether SentValues leaves the parameter name out: a common parameter
// other than RegionId.
func leftOut(name string, common []string) bool {
	for _, c := range common {
		if c == name {
			return c != spec.ParamRegionID
		}
	}
	return false
}

// maxPlainPairs stays under url.ParseQuery's default limit on the number of parameters;
// longer lists take the standard path, which applies the limit.
const maxPlainPairs = 1000

// plainForm reports whether url.ParseQuery reads raw without an error (no semicolon, every
// '%' followed by two hex digits, not too many pairs), and how many pairs it has at most. For
// the query of a URL (inURL), also whether url.Parse keeps it whole: no '#' and no control
// byte.
func plainForm(raw string, inURL bool) (pairs int, ok bool) {
	pairs = 1
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; c {
		case ';':
			return 0, false
		case '&':
			pairs++
			if pairs > maxPlainPairs {
				return 0, false
			}
		case '%':
			if i+2 >= len(raw) || !isHex(raw[i+1]) || !isHex(raw[i+2]) {
				return 0, false
			}
			i += 2
		default:
			if inURL && endsURL(c) {
				return 0, false
			}
		}
	}
	return pairs, true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// parsedPrefix remembers the last URL prefix (the part before '?') known to parse; a run
// sends every request to the same one.
var parsedPrefix atomic.Pointer[string]

// sentQuery returns the raw query of rawURL as url.Parse would, when it can tell without
// parsing the whole URL: with no fragment and no control bytes, url.Parse fails exactly when
// it fails on the part before the first '?', and the query is what follows that '?'. Only the
// part before the '?' is looked at here; plainForm looks at the query.
func sentQuery(rawURL string) (string, bool) {
	prefix, query, _ := strings.Cut(rawURL, "?")
	for i := 0; i < len(prefix); i++ {
		if endsURL(prefix[i]) {
			return "", false
		}
	}
	if p := parsedPrefix.Load(); p != nil && *p == prefix {
		return query, true
	}
	if _, err := url.Parse(prefix); err != nil {
		return "", false
	}
	known := prefix
	parsedPrefix.Store(&known)
	return query, true
}

// sentValuesStd is SentValues by way of url.Parse and url.ParseQuery: the reference the fast
// reading follows, and what it falls back to on anything unusual.
func sentValuesStd(s Sent, common []string) url.Values {
	out := make(url.Values, strings.Count(s.URL, "&")+strings.Count(s.Body, "&")+2)
	add := func(raw string) {
		vals, err := url.ParseQuery(raw)
		if err != nil {
			// Keep what parses; an unparseable pair is the case's own business.
			for _, pair := range strings.Split(raw, "&") {
				k, v, _ := strings.Cut(pair, "=")
				dk, err1 := url.QueryUnescape(k)
				dv, err2 := url.QueryUnescape(v)
				if err1 == nil && err2 == nil {
					out.Add(dk, dv)
				}
			}
			return
		}
		for k, vs := range vals {
			out[k] = append(out[k], vs...)
		}
	}
	if u, err := url.Parse(s.URL); err == nil {
		add(u.RawQuery)
	}
	add(s.Body)
	for _, c := range common {
		if c != spec.ParamRegionID {
			delete(out, c)
		}
	}
	return out
}
