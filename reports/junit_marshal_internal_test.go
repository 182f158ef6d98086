package reports

import (
	"encoding/xml"
	"math/rand/v2"
	"testing"
)

// The hand-written testcase element is byte for byte encoding/xml's, for names with markup,
// quotes, control bytes, invalid UTF-8 and non-ASCII letters; testcases with children go
// through encoding/xml itself.
func TestMarshalTestcaseMatchesEncodingXML(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	atoms := []string{"negative/", "Tag.1.Key", "<", ">", "&", `"`, "'", "\t", "\n", "\r", "\x00", "\x7f", "\xff", "é", "\uFFFD", "\U0001F600", " ", "]]>"}
	text := func() string {
		var b []byte
		for range rng.IntN(6) {
			b = append(b, atoms[rng.IntN(len(atoms))]...)
		}
		return string(b)
	}
	for range 3000 {
		tc := junitCase{Name: text(), Classname: text(), Time: text()}
		if rng.IntN(4) == 0 {
			tc.Skipped = &junitMessage{Message: text()}
		}
		want, werr := xml.MarshalIndent(tc, "    ", "  ")
		got, gerr := marshalTestcase(tc)
		if string(want) != string(got) || (werr == nil) != (gerr == nil) {
			t.Fatalf("testcase %+v:\nencoding/xml %q %v\nby hand      %q %v", tc, want, werr, got, gerr)
		}
	}
}
