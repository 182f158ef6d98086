package fuzz

import (
	"encoding/binary"
	"hash/fnv"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
)

func TestExternalFromEnvAcceptsOnlyLoopback(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	for _, u := range []string{"http://127.0.0.1:8080", "http://127.9.9.9", "http://[::1]:9000/", "https://localhost:8443"} {
		ext, err := externalFrom(env(map[string]string{EnvTarget: u}))
		if err != nil || ext == nil {
			t.Errorf("%s refused: %v", u, err)
			continue
		}
		if ext.Credentials.AccessKeyID != emulator.DefaultPrimaryKeyID {
			t.Errorf("%s: default credentials not used: %+v", u, ext.Credentials)
		}
	}
	for _, u := range []string{"http://10.0.0.1", "http://slb.aliyuncs.com", "http://127.0.0.1.example.com", "ftp://127.0.0.1", "127.0.0.1:80", "http://0.0.0.0:80"} {
		if _, err := externalFrom(env(map[string]string{EnvTarget: u})); err == nil {
			t.Errorf("%s accepted without %s", u, EnvAllowRemote)
		}
	}
	if ext, err := externalFrom(env(map[string]string{EnvTarget: "http://10.0.0.1", EnvAllowRemote: "1", EnvKeyID: "k", EnvSecret: "s"})); err != nil || ext.Credentials.AccessKeyID != "k" {
		t.Errorf("a remote URL with %s=1 refused: %v", EnvAllowRemote, err)
	}
	if _, err := externalFrom(env(map[string]string{EnvTarget: "http://127.0.0.1", EnvKeyID: "k"})); err == nil {
		t.Error("a key id without a secret accepted")
	}
	if ext, err := externalFrom(env(nil)); ext != nil || err != nil {
		t.Errorf("no target set: got %v, %v", ext, err)
	}
}

// SignWireV1 signs what the server will decode, wherever the parameters travel.
func TestSignWireV1PassesTheEmulator(t *testing.T) {
	s := spec.MustDefault()
	w, err := NewInProcessWorld(false)
	if err != nil {
		t.Fatal(err)
	}
	auth := authCodes(s)
	for _, c := range corpusCases(s) {
		x := EncodeCase(s, c, w.KeyOf).Expand(w.Replacer)
		signed, ok := w.Sign(x)
		if !ok {
			t.Fatalf("%s: cannot sign %q %q", c.ID, x.Query, x.Body)
		}
		a := ServeWire(w.Emu, signed)
		if _, code := AnswerCode(a); auth[code] {
			t.Fatalf("%s: %s\n%s", c.ID, a.Body, describeWire(signed))
		}
	}
	// A key the request names is the key it is signed with.
	x := Wire{Method: http.MethodPost, Query: "Action=" + spec.ActionDescribeListeners + "&Version=" + s.APIVersion + "&AccessKeyId=" + emulator.DefaultSecondaryKeyID}
	signed, _ := w.Sign(x)
	if q, _ := url.ParseQuery(signed.Query); q.Get(spec.ParamAccessKeyID) != emulator.DefaultSecondaryKeyID {
		t.Errorf("the named key was replaced: %s", signed.Query)
	}
	if _, ok := w.Sign(Wire{Method: http.MethodPost, Query: "%zz"}); ok {
		t.Error("an undecodable query was signed")
	}
}

func TestEncodeCasePlacement(t *testing.T) {
	s := spec.MustDefault()
	c := generators.Case{Action: s.UnderTest.Action, Method: http.MethodGet, Format: "XML", Principal: spec.PrincipalSecond,
		Params: []generators.Param{{Name: spec.ParamLoadBalancerID, Ref: spec.SlotLB}, {Name: spec.ParamListenerPort, Ref: spec.SlotPort}, {Name: "Description", Value: "a b&c"}, {Name: "X", Value: "%41", Raw: true}}}
	keyOf := func(p string) string { return "key-of-" + p }
	for _, placement := range []string{"", "form", "split"} {
		c.Placement = placement
		x := EncodeCase(s, c, keyOf)
		all := x.Query + "&" + x.Body
		for _, want := range []string{"Action=" + s.UnderTest.Action, "LoadBalancerId={lb}", "ListenerPort={port}", "Description=a+b%26c", "X=%41", "Format=XML", "AccessKeyId=key-of-second"} {
			if !strings.Contains(all, want) {
				t.Errorf("placement %q: %q missing from %q", placement, want, all)
			}
		}
		if (x.Body != "") != (x.ContentType != "") || x.Method != http.MethodGet {
			t.Errorf("placement %q: %+v", placement, x)
		}
		if placement == "split" && (strings.Contains(x.Body, "Action=") || strings.Contains(x.Query, "Description=")) {
			t.Errorf("split placement mixes common and business parameters: %+v", x)
		}
	}
}

func TestByteSourceReplaysItsInput(t *testing.T) {
	data := []byte("0123456789abcdefXYZ")
	a, b := rand.New(NewByteSource(data)), rand.New(NewByteSource(data))
	for i := 0; i < 100; i++ {
		if x, y := a.Int63(), b.Int63(); x != y {
			t.Fatalf("draw %d differs: %d %d", i, x, y)
		}
	}
	if NewByteSource([]byte{1, 0, 0, 0, 0, 0, 0, 0}).Uint64() != 1 {
		t.Error("the first draw is not the first eight bytes")
	}
	// Past the bytes, the draws are those of math/rand seeded with the FNV-1a hash of the
	// input (the fallback is made lazily; saved inputs must keep replaying the same cases).
	h := fnv.New64a()
	_, _ = h.Write(data)
	ref := rand.New(rand.NewSource(int64(h.Sum64())))
	src := NewByteSource(data)
	src.Uint64()
	src.Uint64()
	if got, want := src.Uint64(), binary.LittleEndian.Uint64([]byte("XYZ\x00\x00\x00\x00\x00"))^ref.Uint64()<<8; got != want {
		t.Errorf("the draw across the end of the bytes: %x, want %x", got, want)
	}
	for i := 0; i < 10; i++ {
		if got, want := src.Uint64(), ref.Uint64(); got != want {
			t.Fatalf("draw %d past the bytes: %x, want %x", i, got, want)
		}
	}
}

// The external mode against a real socket: the emulator behind httptest on 127.0.0.1.
func TestExternalModeAgainstALoopbackServer(t *testing.T) {
	s := spec.MustDefault()
	srv := httptest.NewServer(emulator.MustNew(emulator.DefaultConfig()))
	defer srv.Close()
	ext, err := externalFrom(func(k string) string {
		if k == EnvTarget {
			return srv.URL
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewExternalWorld(ext.URL, ext.Credentials, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	if w.Slots[spec.SlotLB] == "" {
		t.Fatal("no fixture instance")
	}
	n, err := w.ListenerCount()
	if err != nil || n != 0 {
		t.Fatalf("listeners of a fresh instance: %d, %v", n, err)
	}
	auth := authCodes(s)
	for _, x := range append(wireSeeds(), Wire{Method: http.MethodPost, Query: "Action=A b\x00#c", Body: "é"}) {
		for _, signed := range []bool{false, true} {
			if msg, _ := checkWire(s, w, x, signed, auth); msg != "" {
				t.Errorf("signed=%v: %s", signed, msg)
			}
		}
	}
	// One listener, created through the signed path, shows in the count.
	c := Wire{Method: http.MethodPost, Query: "Action=" + s.UnderTest.Action + "&Version=" + s.APIVersion + "&LoadBalancerId={lb}&ListenerPort=8443&Bandwidth=-1&HealthCheck=off&BackendServerPort=80&ServerCertificateId={cert.server}&StickySession=off"}
	signedC, _ := w.Sign(c.Expand(w.Replacer))
	a, _ := w.Send(signedC)
	if a.Status != http.StatusOK {
		t.Fatalf("create through the external world: %d %s", a.Status, a.Body)
	}
	if n, _ := w.ListenerCount(); n != 1 {
		t.Errorf("listener count after a create: %d", n)
	}
}
