package emulator

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"testing"
)

func TestAppendJSONStringMatchesMarshal(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for i := 0; i < 20000; i++ {
		raw := make([]byte, rng.Intn(10))
		for j := range raw {
			raw[j] = byte(rng.Intn(256))
			if rng.Intn(2) == 0 {
				raw[j] = byte(0x20 + rng.Intn(0x5f))
			}
		}
		var b bytes.Buffer
		appendJSONString(&b, string(raw))
		want, _ := json.Marshal(string(raw))
		if b.String() != string(want) {
			t.Fatalf("%q: got %s, want %s", raw, b.String(), want)
		}
	}
	m := orderedMap{{"RequestId", "x<y"}, {"N", 3}, {"S", "plain"}, {"L", []string{"a"}}}
	var b bytes.Buffer
	if err := m.appendJSON(&b); err != nil || b.String() != `{"RequestId":"x\u003cy","N":3,"S":"plain","L":["a"]}` {
		t.Fatalf("got %s, %v", b.String(), err)
	}
}
