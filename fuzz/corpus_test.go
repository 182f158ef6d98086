package fuzz

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/clbcheck/clbcheck/fuzz/mutation"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
)

var update = flag.Bool("update", false, "rewrite the generated seed corpora under testdata/fuzz")

// generatedPrefix starts the names of corpus files TestWriteCorpus writes; it only ever
// replaces files with this prefix, so crashers the fuzzer saved (named by their hash) stay.
const generatedPrefix = "gen-"

// TestWriteCorpus writes the seed corpora built from generators.Enumerate's cases:
//
//	go test ./fuzz -run TestWriteCorpus -update
//
// Without -update it compares the committed files with what it would write and fails on any
// difference: a change to the generators that is not followed by the corpus leaves the fuzz
// targets seeded with yesterday's cases, so the change is not done until the corpus is
// rewritten and committed with it.
func TestWriteCorpus(t *testing.T) {
	files, err := buildCorpus()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		for target := range files {
			dir := corpusDir(target)
			old, _ := filepath.Glob(filepath.Join(dir, generatedPrefix+"*"))
			for _, p := range old {
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		n := 0
		for target, byName := range files {
			for name, data := range byName {
				if err := os.WriteFile(filepath.Join(corpusDir(target), name), data, 0o644); err != nil {
					t.Fatal(err)
				}
				n++
			}
		}
		t.Logf("wrote %d corpus files", n)
		return
	}
	var stale []string
	for target, byName := range files {
		dir := corpusDir(target)
		onDisk, _ := filepath.Glob(filepath.Join(dir, generatedPrefix+"*"))
		if len(onDisk) != len(byName) {
			stale = append(stale, fmt.Sprintf("%s: %d generated files on disk, %d expected", target, len(onDisk), len(byName)))
			continue
		}
		for name, data := range byName {
			got, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil || !bytes.Equal(got, data) {
				stale = append(stale, filepath.Join(target, name))
			}
		}
	}
	if len(stale) > 0 {
		sort.Strings(stale)
		t.Errorf("the committed corpus differs from what the generators give now (%d files); run `go test ./fuzz -run TestWriteCorpus -update` and commit testdata/fuzz:\n%s", len(stale), strings.Join(stale[:min(len(stale), 20)], "\n"))
	}
}

// corpusDir is where a target's corpus lives, relative to this package: testdata/fuzz/<Target>,
// or the same under package fuzz/sigfuzz for a target named "sigfuzz/<Target>".
func corpusDir(target string) string {
	if name, ok := strings.CutPrefix(target, "sigfuzz/"); ok {
		return filepath.Join("sigfuzz", "testdata", "fuzz", name)
	}
	return filepath.Join("testdata", "fuzz", target)
}

// corpusFile renders values in the format of go test's corpus files.
func corpusFile(vals ...any) []byte {
	var b bytes.Buffer
	b.WriteString("go test fuzz v1\n")
	for _, v := range vals {
		switch x := v.(type) {
		case string:
			fmt.Fprintf(&b, "string(%q)\n", x)
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", x)
		case bool:
			fmt.Fprintf(&b, "bool(%v)\n", x)
		case uint8:
			fmt.Fprintf(&b, "byte(%q)\n", x)
		case uint16:
			fmt.Fprintf(&b, "uint16(%d)\n", x)
		default:
			panic(fmt.Sprintf("corpusFile: no encoding for %T", v))
		}
	}
	return b.Bytes()
}

// fileName names a generated corpus file after the case it comes from, with a short hash
// of the content so that two variants of one case do not collide.
func fileName(id string, data []byte) string {
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, id)
	if len(clean) > 80 {
		clean = clean[:80]
	}
	sum := sha256.Sum256(data)
	return generatedPrefix + clean + "-" + hex.EncodeToString(sum[:4])
}

// corpusCases picks the cases the corpora are built from: every case except the negative
// ones, and of those one per parameter (or rule) and constraint kind, which keeps the plain
// `go test` run short while every kind of violation still has a seed.
func corpusCases(s *spec.Spec) []generators.Case {
	var out []generators.Case
	seen := map[string]bool{}
	for _, c := range generators.Enumerate(s, generators.Options{}) {
		if c.Category == generators.Negative && c.Broken != nil {
			key := c.Broken.Param + "/" + c.Broken.Rule + "/" + string(c.Broken.Kind)
			if seen[key] {
				continue
			}
			seen[key] = true
		}
		out = append(out, c)
	}
	return out
}

// buildCorpus returns, by fuzz target, the generated corpus files by name.
func buildCorpus() (map[string]map[string][]byte, error) {
	s := spec.MustDefault()
	w, err := NewInProcessWorld(true)
	if err != nil {
		return nil, err
	}
	files := map[string]map[string][]byte{}
	add := func(target, id string, data []byte) {
		if files[target] == nil {
			files[target] = map[string][]byte{}
		}
		files[target][fileName(id, data)] = data
	}
	cases := corpusCases(s)
	decodeSeen := map[string]bool{}
	for i, c := range cases {
		x := EncodeCase(s, c, w.KeyOf)
		// FuzzWire: every case without signatures; the security and wire cases and every
		// fifth of the others signed as well.
		add("FuzzWire", c.ID, corpusFile(x.Method, x.Query, x.Body, x.ContentType, false))
		if c.Category == generators.Security || c.Category == generators.Wire || i%5 == 0 {
			add("FuzzWire", c.ID+"-signed", corpusFile(x.Method, x.Query, x.Body, x.ContentType, true))
		}
		// FuzzDecode: the emulator's answer to the case, one per code and format.
		a := ServeWire(w.Emu, x.Expand(w.Replacer))
		// RequestIds are random; a fixed one keeps the files reproducible.
		a.Body = bytes.ReplaceAll(a.Body, []byte(a.Header.Get("x-acs-request-id")), []byte("00000000-0000-4000-8000-000000000000"))
		_, code := AnswerCode(a)
		key := code + "/" + a.Header.Get("Content-Type")
		if !decodeSeen[key] {
			decodeSeen[key] = true
			add("FuzzDecode", "answer-"+strings.ReplaceAll(code+"-"+c.ID, "/", "-"), corpusFile(a.Body))
		}
		// The signature targets: the case's parameters as one query, a few mutations.
		if i%7 == 0 {
			q := mutation.Encode(generators.Values(c.Params, generators.Placeholder))
			m := uint8(i / 7)
			v1 := corpusFile(q, c.Method, m, uint16(i), uint16(i/3), uint8(1+i%255), "Extra", i%2 == 0)
			v3 := corpusFile(q, x.Body, x.ContentType, "value", m, uint16(i), uint16(i/3), uint8(1+i%255), "&x=1")
			add("FuzzGatewayV1", c.ID, v1)
			add("sigfuzz/FuzzSignatureV1", c.ID, v1)
			add("FuzzGatewayV3", c.ID, v3)
			add("sigfuzz/FuzzSignatureV3", c.ID, v3)
		}
	}
	// FuzzGenerated: the contracts path on the seeds the contracts tests use, and draws over
	// the bytes of a few case ids (any bytes are a valid draw).
	for _, seed := range []byte{1, 7, 42} {
		add("FuzzGenerated", fmt.Sprintf("contracts-seed-%d", seed), corpusFile([]byte{0x00, seed, 0, 0, 0, 0, 0, 0, 0, 3}))
	}
	for i, c := range cases {
		if i%40 == 0 {
			data := append([]byte{byte(1+i%15) | byte(i%2)<<4 | byte(i%4)<<5}, []byte(strings.Repeat(c.ID, 4))...)
			add("FuzzGenerated", "draw-"+c.ID, corpusFile(data))
		}
	}
	return files, nil
}
