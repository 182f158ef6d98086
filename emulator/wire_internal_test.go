package emulator

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand"
	"net/http"
	"regexp"
	"testing"
)

// write sets headers straight into the map, so its keys must be what Header.Set would use.
func TestHeaderKeysAreCanonical(t *testing.T) {
	for key, sent := range map[string]string{
		headerContentType:   "content-type",
		headerContentLength: "content-length",
		headerRequestIDKey:  headerRequestID,
	} {
		if got := http.CanonicalHeaderKey(sent); got != key {
			t.Errorf("%q is canonically %q, the emulator uses %q", sent, got, key)
		}
	}
}

// randomAnswerValue builds a value of the shapes answers are made of, with strings that need
// escaping now and then, and now and then a type appendJSONValue leaves to json.Marshal.
func randomAnswerValue(rng *rand.Rand, depth int) any {
	str := func() string {
		const alphabet = "abcXYZ09 <>&\"\\\n\x01\u2028é\xff"
		b := make([]byte, rng.Intn(6))
		for i := range b {
			b[i] = alphabet[rng.Intn(len(alphabet))]
		}
		return string(b)
	}
	kind := rng.Intn(12)
	if depth > 3 {
		kind %= 5
	}
	switch kind {
	case 0:
		s := str()
		if rng.Intn(3) == 0 {
			return &s
		}
		return s
	case 1:
		return rng.Intn(2000) - 1000
	case 2:
		n := rng.Int63() - rng.Int63()
		if rng.Intn(3) == 0 {
			return &n
		}
		return n
	case 3:
		return rng.Intn(2) == 0
	case 4:
		if rng.Intn(3) == 0 {
			return nil
		}
		return 1.5
	case 5, 6:
		if rng.Intn(8) == 0 {
			return map[string]any(nil)
		}
		m := map[string]any{}
		for range rng.Intn(5) {
			m[str()] = randomAnswerValue(rng, depth+1)
		}
		return m
	case 7:
		if rng.Intn(8) == 0 {
			return []any(nil)
		}
		l := []any{}
		for range rng.Intn(4) {
			l = append(l, randomAnswerValue(rng, depth+1))
		}
		return l
	case 8:
		if rng.Intn(8) == 0 {
			return []string(nil)
		}
		l := []string{}
		for range rng.Intn(4) {
			l = append(l, str())
		}
		return l
	case 9:
		m := map[string]any{}
		for range rng.Intn(5) {
			m[str()] = randomAnswerValue(rng, depth+1)
		}
		return sortedFields(m)
	case 10:
		return map[string]string{str(): str()}
	default:
		return []map[string]any{{str(): randomAnswerValue(rng, depth+1)}}
	}
}

func TestAppendJSONValueMatchesMarshal(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for range 20000 {
		v := randomAnswerValue(rng, 0)
		var b bytes.Buffer
		err := appendJSONValue(&b, v)
		want, werr := json.Marshal(v)
		if (err != nil) != (werr != nil) || (err == nil && b.String() != string(want)) {
			t.Fatalf("%#v: got %s (%v), want %s (%v)", v, b.String(), err, want, werr)
		}
	}
	if err := appendJSONValue(new(bytes.Buffer), map[string]any{"a": []any{math.NaN()}}); err == nil {
		t.Fatal("a NaN deep inside must fail as json.Marshal fails")
	}
}

func TestOrderedMapSet(t *testing.T) {
	m := orderedMap{{"B", 1}, {"D", 2}}
	m = m.set("C", 3).set("A", 0).set("E", 4).set("D", 5)
	var b bytes.Buffer
	if err := m.appendJSON(&b); err != nil || b.String() != `{"A":0,"B":1,"C":3,"D":5,"E":4}` {
		t.Fatalf("got %s, %v", b.String(), err)
	}
}

func TestRequestIDShape(t *testing.T) {
	shape := regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`)
	for range 100 {
		if id := newRequestID(); !shape.MatchString(id) {
			t.Fatalf("request id %q", id)
		}
	}
}
