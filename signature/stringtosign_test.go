package signature

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math/rand"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The one-pass StringToSignV1 must equal the definition: the method, "%2F" and the canonical
// query encoded a second time.
func TestStringToSignV1MatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := "aZ09-_.~ %&=+*/:?#\u00e9\x00\xff"
	word := func() string {
		n := rng.Intn(8)
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteByte(alphabet[rng.Intn(len(alphabet))])
		}
		return b.String()
	}
	for i := 0; i < 2000; i++ {
		params := url.Values{}
		for j := rng.Intn(6); j >= 0; j-- {
			name := word()
			if rng.Intn(10) == 0 {
				params[name] = nil
				continue
			}
			for k := rng.Intn(3); k >= 0; k-- {
				params.Add(name, word())
			}
		}
		if rng.Intn(3) == 0 {
			params.Set("Signature", word())
		}
		method := []string{"GET", "post", "Put"}[rng.Intn(3)]
		want := strings.ToUpper(method) + "&%2F&" + PercentEncode(CanonicalQueryV1(params))
		if got := StringToSignV1(method, params); got != want {
			t.Fatalf("params %v:\n got %q\nwant %q", params, got, want)
		}
	}
}

func TestSignV1WithManySecrets(t *testing.T) {
	params := url.Values{"A": {"1"}}
	first := SignV1("GET", "s0", params)
	for i := 0; i < 2*maxMACPools; i++ {
		SignV1("GET", "other"+string(rune('a'+i%26))+strings.Repeat("x", i), params)
	}
	if SignV1("GET", "s0", params) != first {
		t.Fatal("signature changed after many other secrets were used")
	}
	if len(macPools.m) > maxMACPools {
		t.Fatalf("%d MAC pools remembered", len(macPools.m))
	}
}

// compareEncoded must order names exactly as comparing their encodings does.
func TestCompareEncodedMatchesEncodedOrder(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	alphabet := "aZ09-_.~ %&=+*/:?#\u00e9\x00\x7f\xff"
	word := func() string {
		b := make([]byte, rng.Intn(5))
		for i := range b {
			b[i] = alphabet[rng.Intn(len(alphabet))]
		}
		return string(b)
	}
	sign := func(n int) int { return min(max(n, -1), 1) }
	for i := 0; i < 100000; i++ {
		a, b := word(), word()
		want := strings.Compare(PercentEncode(a), PercentEncode(b))
		if got := compareEncoded(a, b); sign(got) != want {
			t.Fatalf("compareEncoded(%q, %q) = %d, want %d", a, b, got, want)
		}
	}
}

// More names than sortedNames keeps on the stack, some plain and some not.
func TestStringToSignV1ManyNames(t *testing.T) {
	params := url.Values{}
	for i := 0; i < 3*paramsOnStack; i++ {
		name := "P" + strings.Repeat("x", i%7) + string(rune('A'+i%26)) + string(rune('0'+i/26))
		if i%5 == 0 {
			name += " *"
		}
		params.Add(name, name+"=&")
	}
	want := "GET&%2F&" + PercentEncode(referenceCanonicalQuery(params))
	if got := StringToSignV1("get", params); got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if got := CanonicalQueryV1(params); got != referenceCanonicalQuery(params) {
		t.Fatalf("canonical query: got %q", got)
	}
}

// referenceCanonicalQuery is the canonical query by its definition: encode, then sort.
func referenceCanonicalQuery(params url.Values) string {
	var pairs []string
	for name, vs := range params {
		if name == "Signature" {
			continue
		}
		if len(vs) == 0 {
			vs = []string{""}
		}
		for _, v := range vs {
			pairs = append(pairs, PercentEncode(name)+"="+PercentEncode(v))
		}
	}
	// By encoded name only; a stable sort keeps each name's values in their order.
	sort.SliceStable(pairs, func(i, j int) bool {
		ni, _, _ := strings.Cut(pairs[i], "=")
		nj, _, _ := strings.Cut(pairs[j], "=")
		return ni < nj
	})
	return strings.Join(pairs, "&")
}

// Names are sorted through the ranks of their first seven bytes; names that share them,
// names that are prefixes of others, escaped bytes and more names than the keys can number
// must still come out in the order of their encodings.
func TestSortedParamsOrder(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	stems := []string{"", "Health", "HealthCheck", "Signatur", "Signature", "Tag.1.", "Ver", "Version", "a b", "\x00"}
	for _, alphabet := range []string{"aZ09-_.~", "aZ09-_.~ %&=+*/:\x00\x7f\xff"} {
		for i := 0; i < 500; i++ {
			params := url.Values{}
			n := rng.Intn(40)
			if i%50 == 0 {
				n = 300
			}
			for j := 0; j < n; j++ {
				b := []byte(stems[rng.Intn(len(stems))])
				for k := rng.Intn(4); k > 0; k-- {
					b = append(b, alphabet[rng.Intn(len(alphabet))])
				}
				params.Add(string(b), strconv.Itoa(j))
			}
			var got []string
			for _, p := range sortedParams(nil, params, "Signature") {
				got = append(got, p.name)
				if !slices.Equal(p.values, params[p.name]) {
					t.Fatalf("%s carries %v, want %v", p.name, p.values, params[p.name])
				}
			}
			var want []string
			for name := range params {
				if name != "Signature" {
					want = append(want, name)
				}
			}
			slices.SortFunc(want, func(a, b string) int { return strings.Compare(PercentEncode(a), PercentEncode(b)) })
			if !slices.Equal(got, want) {
				t.Fatalf("got %q\nwant %q", got, want)
			}
			if got, want := CanonicalQueryV1(params), referenceCanonicalQuery(params); got != want {
				t.Fatalf("canonical query:\n got %q\nwant %q", got, want)
			}
		}
	}
}

// ValidV1 answers as VerifyV1 does, and VerifyV1's string is StringToSignV1's.
func TestValidV1AgreesWithVerifyV1(t *testing.T) {
	params := url.Values{"A": {"1"}, "B b": {"x", "y"}, "C": nil}
	sig := SignV1("POST", "s", params)
	for _, c := range []struct {
		method, secret string
		signature      []string
	}{
		{"POST", "s", []string{sig}},
		{"post", "s", []string{sig}},
		{"GET", "s", []string{sig}},
		{"POST", "t", []string{sig}},
		{"POST", "s", nil},
		{"POST", "s", []string{""}},
		{"POST", "s", []string{sig, sig}},
		{"POST", "s", []string{sig[1:]}},
	} {
		params["Signature"] = c.signature
		ok, sts := VerifyV1(c.method, params, c.secret)
		if sts != StringToSignV1(c.method, params) {
			t.Fatalf("%+v: VerifyV1 signed %q", c, sts)
		}
		if got := ValidV1(c.method, params, c.secret); got != ok {
			t.Fatalf("%+v: ValidV1 %v, VerifyV1 %v", c, got, ok)
		}
		if want := c.method != "GET" && c.secret == "s" && len(c.signature) == 1 && c.signature[0] == sig; ok != want {
			t.Fatalf("%+v: ok %v, want %v", c, ok, want)
		}
	}
}

// The values AddV1Params sets share one array; adding a value to one name must not change
// another.
func TestAddV1ParamsValuesAreSeparate(t *testing.T) {
	p := url.Values{}
	AddV1Params(p, Credentials{AccessKeyID: "id", SecurityToken: "tok"}, time.Unix(0, 0))
	p.Add("AccessKeyId", "second")
	p["SignatureMethod"][0] = "changed"
	if got := p["SignatureVersion"]; len(got) != 1 || got[0] != SignatureVersionV1 {
		t.Fatalf("SignatureVersion is %q", got)
	}
	if got := p["AccessKeyId"]; !slices.Equal(got, []string{"id", "second"}) {
		t.Fatalf("AccessKeyId is %q", got)
	}
	if got := p["SecurityToken"]; !slices.Equal(got, []string{"tok"}) {
		t.Fatalf("SecurityToken is %q", got)
	}
	if len(p) != 6 {
		t.Fatalf("%d names set", len(p))
	}
}

// The pooled MACs of the two schemes, under one secret, stay apart.
func TestMACPoolsPerScheme(t *testing.T) {
	for _, secret := range []string{"s", "", "testsecret"} {
		for i := 0; i < 3; i++ {
			direct := hmac.New(sha256.New, []byte(secret))
			direct.Write([]byte("text"))
			if got, want := SignatureV3(secret, "text"), hex.EncodeToString(direct.Sum(nil)); got != want {
				t.Fatalf("SignatureV3(%q) = %s, want %s", secret, got, want)
			}
			v1 := hmac.New(sha1.New, []byte(secret+"&"))
			v1.Write([]byte(StringToSignV1("GET", url.Values{"A": {"1"}})))
			if got, want := SignV1("GET", secret, url.Values{"A": {"1"}}), base64.StdEncoding.EncodeToString(v1.Sum(nil)); got != want {
				t.Fatalf("SignV1 with %q = %s, want %s", secret, got, want)
			}
		}
	}
}

// isHex accepts what hex.DecodeString accepts.
func TestIsHexAgreesWithDecodeString(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	alphabet := "0123456789abcdefABCDEFgG x\x00\xff"
	for i := 0; i < 20000; i++ {
		b := make([]byte, rng.Intn(7))
		for j := range b {
			b[j] = alphabet[rng.Intn(len(alphabet))]
		}
		_, err := hex.DecodeString(string(b))
		if got := isHex(string(b)); got != (err == nil) {
			t.Fatalf("isHex(%q) = %v, hex.DecodeString error %v", b, got, err)
		}
	}
}
