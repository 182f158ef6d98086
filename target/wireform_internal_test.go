package target

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// wireAuths are every auth mode a request may carry, V3 variants included.
var wireAuths = []spec.Auth{spec.AuthV1, spec.AuthV3, spec.AuthUnsigned, spec.AuthBadSignature, spec.AuthReplayedNonce,
	spec.AuthStaleTimestamp, spec.AuthUnknownKey, spec.AuthSTS, spec.AuthV3BadSignature, spec.AuthV3MinimalHeaders, spec.AuthV3HostUnsigned, spec.AuthSTSWrongToken,
	spec.AuthV3AddedHeader, spec.AuthFarFutureTimestamp, spec.AuthV3FarFutureDate, spec.AuthV1SignedOnce}

// caseKVs turns a case's parameters into what build receives, references resolved to a
// made-up id.
func caseKVs(ps []generators.Param) []KV {
	kvs := make([]KV, 0, len(ps))
	for _, p := range ps {
		v := p.Value
		if p.Ref != "" {
			v = "id-" + p.Ref
		}
		kvs = append(kvs, KV{Name: p.Name, Value: v, Raw: p.Raw})
	}
	return kvs
}

// hostileKVs are parameters of random bytes, raw or not, repeated names included.
func hostileKVs(r *rand.Rand) []KV {
	text := func() string {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		return string(b)
	}
	kvs := make([]KV, r.IntN(8))
	for i := range kvs {
		kvs[i] = KV{Name: text(), Value: text(), Raw: r.IntN(4) == 0}
		if i > 0 && r.IntN(4) == 0 {
			kvs[i].Name = kvs[i-1].Name
		}
		if r.IntN(8) == 0 {
			kvs[i].Name = spec.ParamRegionID
		}
	}
	return kvs
}

// The fast wire form (stack buffers, pooled maps and buffers) writes exactly the text of the
// plain reference version (with the nonce fixed, which is otherwise random), for every catalogue case and random case under every auth mode,
// placement and format, and for random hostile parameters.
func TestWireFormFastMatchesPlain(t *testing.T) {
	s := spec.MustDefault()
	cases := generators.EnumerateCached(s, generators.Options{})
	cases = append(cases, generators.RandomCasesCached(s, 7, 200)...)
	require.NotEmpty(t, cases)
	creds := signature.Credentials{AccessKeyID: "LTAIkey", AccessKeySecret: "secret", SecurityToken: "tok"}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	r := rand.New(rand.NewPCG(1, 2))
	compare := func(name string, in wireIn, prefix string) {
		t.Helper()
		q1, b1 := wireForm(&in, prefix)
		q2, b2 := wireFormPlain(&in, prefix)
		if q1 != q2 || b1 != b2 {
			t.Fatalf("%s: fast and plain wire forms differ\nfast:  %q %q\nplain: %q %q", name, q1, b1, q2, b2)
		}
	}
	placements := []string{"", "form", "split"}
	n := 0
	for i, c := range cases {
		params := caseKVs(c.Params)
		for j, auth := range wireAuths {
			// Every mode and placement for the first cases; one turn of each for the rest.
			if i >= 40 && j != i%len(wireAuths) {
				continue
			}
			for k, placement := range placements {
				in := wireIn{Method: []string{"POST", "GET"}[k%2], Action: spec.ActionCreateHTTPSListener, Version: "2014-05-15",
					Format: []string{"", "JSON", "XML"}[(i+j)%3], Nonce: fmt.Sprintf("n-%d", i), Region: "cn-hangzhou",
					Auth: auth, V1Params: auth != spec.AuthUnsigned || i%2 == 0, Creds: creds, Now: now,
					Params: params, Placement: pickPlacement(c.Placement, placement, i)}
				compare(fmt.Sprintf("%s %s %q", c.ID, auth, in.Placement), in, []string{"", "http://127.0.0.1/?"}[i%2])
				n++
			}
		}
	}
	for i := 0; i < 3000; i++ {
		auth := wireAuths[r.IntN(len(wireAuths))]
		in := wireIn{Method: "POST", Action: "A", Version: "v", Format: "JSON", Nonce: "n", Region: []string{"r", ""}[r.IntN(2)], Auth: auth, V1Params: r.IntN(2) == 0,
			Creds: creds, Now: now, Params: hostileKVs(r), Placement: placements[r.IntN(3)]}
		compare(fmt.Sprintf("hostile %d %s", i, auth), in, "")
		n++
	}
	t.Logf("%d wire forms compared", n)
}

// pickPlacement picks the case's own placement for half of the cases, the loop's for the others.
func pickPlacement(own, loop string, i int) string {
	if own != "" && i%2 == 0 {
		return own
	}
	return loop
}
