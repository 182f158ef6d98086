package target

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

// slowJSON is the standard reading fastJSON must agree with.
func slowJSON(body []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	err := dec.Decode(&m)
	return m, err
}

// checkFastJSON fails when fastJSON accepts a body the standard reader refuses or reads
// differently.
func checkFastJSON(t *testing.T, body []byte) {
	t.Helper()
	got, ok := fastJSON(body)
	want, err := slowJSON(body)
	if !ok {
		return
	}
	if err != nil {
		t.Fatalf("fast reader accepted %q, the standard one says %v", body, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: fast %#v, standard %#v", body, got, want)
	}
}

func TestFastJSONAgreesWithEncodingJSON(t *testing.T) {
	accepted := []string{
		`{}`, `{ }`, `{"a":"b"}`, `{"r":"R","c":"X","m":"m é 中"}`,
		`{"n":-0,"m":1.5e300,"k":0.25E-3,"t":true,"f":false,"z":null}`,
		`{"a":[],"b":[1,"x",{"c":[null]}],"d":{}}`,
		"{\n\t\"a\" : \"b\" ,\r\n \"c\":[ 1 , 2 ] }",
		`{"a":"b"} trailing`, `{"a":"b"}}`,
		`{"a":"\u00e9\u0000\u20AC é","b\"\\\/\b\f\n\r\t":"x\"y"}`, `{"k\u0026":"\u003c"}`,
	}
	for _, s := range accepted {
		if _, ok := fastJSON([]byte(s)); !ok {
			t.Errorf("fast reader gave up on %q", s)
		}
		checkFastJSON(t, []byte(s))
	}
	refused := []string{
		`{"a":"\ud800"}`, `{"a":"\ud83d\ude00"}`, `{"a":"\'"}`, `{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"\u12g4"}`, "{\"a\":\"\\n\xff\"}",
		`{"a":"b","a":"c"}`, `{"a\u0062":1,"ab":2}`, `{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":-}`, `{"a":1e}`,
		`{"a":tru}`, `{"a":truex}`, `{"a":"b"`, `{"a" "b"}`, `{"a":"b",}`, `{"a":[1,]}`, `{a:1}`,
		"{\"a\":\"\x01\"}", "{\"a\":\"\xff\"}", `{"a":+1}`, "{\"a\":\v1}",
		strings.Repeat(`{"a":`, 100) + `1` + strings.Repeat(`}`, 100),
	}
	for _, s := range refused {
		if _, ok := fastJSON([]byte(s)); ok {
			t.Errorf("fast reader accepted %q", s)
		}
	}
	// Random bodies built from JSON's own pieces.
	rng := rand.New(rand.NewSource(1))
	pieces := []string{`{`, `}`, `[`, `]`, `"`, `:`, `,`, ` `, `a`, `"k"`, `"v"`, `1`, `-`, `0`, `.`, `e`, `+`, `true`, `null`, `fals`, `\`, "\xc3\xa9", "\xc3", `\u00e9`, `\u00`, `\"`, `\ud83d`, `\n`, `\'`, "\x01"}
	for i := 0; i < 200000; i++ {
		var b strings.Builder
		b.WriteString(`{`)
		for n := rng.Intn(14); n > 0; n-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		checkFastJSON(t, []byte(b.String()))
	}
}

func FuzzFastJSON(f *testing.F) {
	f.Add([]byte(`{"a":[1,{"b":null}],"c":"d"}`))
	f.Add([]byte(`{"a":-1.5e+3}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		checkFastJSON(t, body)
	})
}
