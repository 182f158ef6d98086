package mutation

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestApplyChangesExactlyWhatItSays(t *testing.T) {
	base := url.Values{"A": {"1", "2"}, "B": {"x"}}
	for _, tc := range []struct {
		m    Mutation
		want url.Values
	}{
		{Mutation{Op: FlipValue, Index: 2, Pos: 0, Mask: 1}, url.Values{"A": {"1", "2"}, "B": {"y"}}},
		{Mutation{Op: Add, Pos: 2, Extra: "C"}, url.Values{"A": {"1", "2"}, "B": {"x"}, "C": {"xx"}}},
		{Mutation{Op: Remove, Index: 1}, url.Values{"A": {"1"}, "B": {"x"}}},
		{Mutation{Op: Remove, Index: 2}, url.Values{"A": {"1", "2"}}},
		{Mutation{Op: Rename, Index: 2, Pos: 0, Mask: 0x20}, url.Values{"A": {"1", "2"}, "b": {"x"}}},
		{Mutation{Op: Swap}, url.Values{"A": {"2", "1"}, "B": {"x"}}},
		{Mutation{Op: Kinds + FlipValue, Index: 0, Mask: 0}, url.Values{"A": {"0", "2"}, "B": {"x"}}},
	} {
		got := tc.m.Apply(base, nil)
		assert.Equal(t, tc.want, got, "%+v", tc.m)
		assert.Equal(t, url.Values{"A": {"1", "2"}, "B": {"x"}}, base, "Apply changed its input")
		assert.False(t, Same(got, base), "%+v", tc.m)
	}
	skip := func(n string) bool { return n == "A" }
	assert.Equal(t, url.Values{"A": {"1", "2"}}, Mutation{Op: Remove}.Apply(base, skip), "a skipped name is never picked")
	assert.True(t, Same(Mutation{Op: Add, Extra: "A"}.Apply(base, skip), base), "nor added to")
	assert.True(t, Same(Mutation{Op: FlipValue}.Apply(url.Values{}, nil), url.Values{}), "nothing to act on")
}

func TestFlipSameDedupeEncode(t *testing.T) {
	assert.Equal(t, "\x01", Flip("", 9, 0))
	assert.Equal(t, "aBc", Flip("abc", 4, 0x20))
	assert.False(t, Same(url.Values{"a": {"1", "2"}}, url.Values{"a": {"2", "1"}}), "order counts")
	assert.False(t, Same(url.Values{"a": {"1"}}, url.Values{"a": {"1"}, "b": nil}))
	assert.Equal(t, url.Values{"a": {"1", "2"}}, Dedupe(url.Values{"a": {"1", "1", "2", "1"}}))
	assert.Equal(t, "a=&b=1&b=%2A+", Encode(url.Values{"b": {"1", "* "}, "a": nil}))
}

func TestApplyV3(t *testing.T) {
	req := NewRequest(http.MethodPost, "a=1", []byte("x=1"))
	req.Header.Set("X-Acs-Action", "Act")
	signed := []string{"host", "x-acs-action"}
	params := url.Values{"a": {"1"}}
	for _, tc := range []struct {
		m                       Mutation
		unchanged, queryChanged bool
		check                   func(c V3Change) bool
	}{
		{Mutation{Op: FlipValue}, false, false, func(c V3Change) bool { return c.Req.URL.RawQuery == "a=0" }},
		{Mutation{Op: V3Header, Index: 1, Mask: 1}, false, false, func(c V3Change) bool { return c.Req.Header.Get("X-Acs-Action") == "@ct" }},
		{Mutation{Op: V3Header, Index: 1, Pos: 2, Mask: 't' ^ ' '}, false, false, nil},
		{Mutation{Op: V3Header, Index: 0, Mask: 1}, false, false, func(c V3Change) bool { return c.Req.Host == "027.0.0.1" }},
		{Mutation{Op: V3DropHeader, Index: 1}, false, false, func(c V3Change) bool { return c.Req.Header.Get("X-Acs-Action") == "" }},
		{Mutation{Op: V3Body, Mask: 1}, false, false, func(c V3Change) bool { return string(c.Body) == "y=1" }},
		{Mutation{Op: V3Method}, false, false, func(c V3Change) bool { return c.Req.Method == http.MethodGet }},
		{Mutation{Op: V3RawQuery, Extra: "&%zz"}, true, true, nil},
		{Mutation{Op: V3RawQuery, Extra: "&b=2"}, false, true, nil},
	} {
		c := tc.m.ApplyV3(req, []byte("x=1"), params, signed, nil)
		assert.Equal(t, tc.unchanged, c.Unchanged, "%+v: %s", tc.m, c.What)
		assert.Equal(t, tc.queryChanged, c.QueryChanged, "%+v: %s", tc.m, c.What)
		assert.Equal(t, "/?"+c.Req.URL.RawQuery, c.Req.RequestURI)
		if tc.check != nil {
			assert.True(t, tc.check(c), "%+v: %s", tc.m, c.What)
		}
	}
	assert.Equal(t, "a=1", req.URL.RawQuery, "ApplyV3 changed its input")
	assert.Equal(t, "Act", req.Header.Get("X-Acs-Action"))
	assert.Equal(t, "127.0.0.1", req.Host)
}
