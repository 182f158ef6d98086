package sigfuzz

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/clbcheck/clbcheck/fuzz/mutation"
	"github.com/clbcheck/clbcheck/signature"
)

// FuzzSignatureV1: see the package documentation.
func FuzzSignatureV1(f *testing.F) {
	for _, seed := range mutation.SeedQueries {
		f.Add(seed, "POST", uint8(0), uint16(3), uint16(1), uint8(0x20), "Extra", false)
		f.Add(seed, "GET", uint8(1), uint16(0), uint16(0), uint8(1), "Tag.1.Key", true)
		f.Add(seed, "POST", uint8(2), uint16(7), uint16(2), uint8(4), "", true)
		f.Add(seed, "POST", uint8(3), uint16(1), uint16(0), uint8(0x40), "", false)
		f.Add(seed, "POST", uint8(mutation.Kinds), uint16(0), uint16(0), uint8(0), "", false)
	}
	f.Add("a=1&a=1&b=2", "POST", uint8(4), uint16(0), uint16(0), uint8(0), "a", false)
	f.Add("Signature=abc&a=", "get", uint8(1), uint16(0), uint16(0), uint8(0), "Signature", true)
	// inBody only matters to package fuzz's FuzzGatewayV1, which shares the corpus.
	f.Fuzz(func(t *testing.T, query, method string, op uint8, index, pos uint16, mask uint8, extra string, inBody bool) {
		params, _ := url.ParseQuery(query) // what parses; the rest is dropped
		delete(params, signature.ParamSignature)
		if method == "" {
			method = http.MethodPost
		}
		checkV1(t, method, params, mutation.Mutation{Op: op, Index: index, Pos: pos, Mask: mask, Extra: extra})
	})
}

// failer is what the targets' bodies need of a test: a *testing.T when fuzzing, a *testing.B
// in the benchmarks. The ClusterFuzzLite build turns testing.TB into its own *testing.T in a
// target's file, which a *testing.B would not be.
type failer interface {
	Fatalf(format string, args ...any)
}

const secret = "fuzz-secret"

// checkV1 signs params, verifies, makes the change m (an Op of mutation.Kinds switches the
// method instead) and verifies again.
func checkV1(t failer, method string, params url.Values, m mutation.Mutation) {
	sig := signature.SignV1(method, secret, params)
	signed := mutation.Clone(params)
	signed.Set(signature.ParamSignature, sig)
	if sig2 := signature.SignV1(method, secret, signed); sig2 != sig {
		t.Fatalf("SignV1 does not ignore the Signature it is given: %s then %s", sig, sig2)
	}
	if ok, sts := signature.VerifyV1(method, signed, secret); !ok {
		t.Fatalf("VerifyV1 rejects what SignV1 signed:\n%s\nparams %q", sts, params)
	}
	mut := m.Apply(signed, nil)
	method2 := method
	if m.Op%(mutation.Kinds+1) == mutation.Kinds {
		method2 = http.MethodPost
		if strings.EqualFold(method, http.MethodPost) {
			method2 = http.MethodGet
		}
		mut = mutation.Clone(signed)
	}
	rest := mutation.Clone(mut)
	delete(rest, signature.ParamSignature)
	unchanged := mutation.Same(rest, params) && strings.EqualFold(method, method2) &&
		len(mut[signature.ParamSignature]) == 1 && mut[signature.ParamSignature][0] == sig
	ok, sts := signature.VerifyV1(method2, mut, secret)
	switch {
	case unchanged && !ok:
		t.Fatalf("VerifyV1 rejects an unchanged request (mutation %+v):\n%s", m, sts)
	case !unchanged && ok:
		t.Fatalf("VerifyV1 accepts a changed request (mutation %+v, method %s -> %s):\nsigned  %q\nchanged %q", m, method, method2, signed, mut)
	}
}
