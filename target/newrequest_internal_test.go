package target

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// sameRequest fails unless the request made the fast way is the one made the plain way: the
// same error or none, and then the same method, URL (every field), host, body length and
// protocol (headers are build's business).
func sameRequest(t *testing.T, name string, fast, plain *http.Request, errFast, errPlain error) {
	t.Helper()
	if (errFast == nil) != (errPlain == nil) || errFast != nil && errFast.Error() != errPlain.Error() {
		t.Fatalf("%s: errors differ: fast %v, plain %v", name, errFast, errPlain)
	}
	if errFast != nil {
		return
	}
	if fast.Method != plain.Method || !reflect.DeepEqual(fast.URL, plain.URL) || fast.Host != plain.Host ||
		fast.ContentLength != plain.ContentLength || fast.Proto != plain.Proto {
		t.Fatalf("%s: requests differ\nfast:  %s %#v host %q length %d\nplain: %s %#v host %q length %d", name,
			fast.Method, fast.URL, fast.Host, fast.ContentLength, plain.Method, plain.URL, plain.Host, plain.ContentLength)
	}
}

// TestNewRequestMatchesPlain builds every catalogue case and random case under every auth mode
// and placement, against base URLs of several shapes, and compares the request with the one
// http.NewRequestWithContext makes of the whole URL sent; then whole URLs whose query holds
// random bytes ('#', control bytes, '?', '%', non-ASCII).
func TestNewRequestMatchesPlain(t *testing.T) {
	s := spec.MustDefault()
	cases := generators.EnumerateCached(s, generators.Options{})
	cases = append(cases, generators.RandomCasesCached(s, 7, 200)...)
	require.NotEmpty(t, cases)
	creds := map[string]signature.Credentials{spec.PrincipalPrimary: {AccessKeyID: "k", AccessKeySecret: "s", SecurityToken: "tok"}}
	bases := []string{"http://127.0.0.1:8080", "http://127.0.0.1:80/", "https://Slb.Example.com/api", "http://[::1]:9/x?", "http://h#frag"}
	ctx := context.Background()
	n := 0
	for bi, base := range bases {
		h, err := NewHTTP(HTTPConfig{BaseURL: base, Credentials: creds})
		require.NoError(t, err)
		for i, c := range cases {
			auth := wireAuths[(i+bi)%len(wireAuths)]
			req := Request{Action: c.Action, Version: c.Version, Params: caseKVs(c.Params), Method: []string{"", "GET"}[i%2],
				Placement: pickPlacement(c.Placement, []string{"", "form", "split"}[i%3], i), Format: c.Format, Auth: auth}
			hr, sent, err := h.build(ctx, req)
			if err != nil {
				continue // a principal this configuration lacks
			}
			plain, perr := newRequestPlain(ctx, sent.Method, sent.URL, sent.Body)
			sameRequest(t, fmt.Sprintf("%s %s on %s", c.ID, auth, base), hr, plain, nil, perr)
			n++
		}
		r := rand.New(rand.NewPCG(uint64(bi), 20))
		alphabet := "aZ09=&?#%+ ;/:\x00\x1f\x7f\xc3\xa9\xff"
		for i := 0; i < 3000; i++ {
			b := make([]byte, r.IntN(24))
			for j := range b {
				b[j] = alphabet[r.IntN(len(alphabet))]
			}
			full := h.queryPrefix + string(b)
			if h.queryPrefix == "" {
				full = base + "?" + string(b)
			}
			fast, ferr := h.newRequest(ctx, http.MethodPost, full, "x=1")
			plain, perr := newRequestPlain(ctx, http.MethodPost, full, "x=1")
			sameRequest(t, fmt.Sprintf("%q", full), fast, plain, ferr, perr)
			n++
		}
	}
	t.Logf("%d requests compared", n)
}
