package main

import (
	"bytes"
	"encoding/json"
	"net"
	"strings"
	"testing"

	"github.com/clbcheck/clbcheck/target"
)

func TestEmulatorTargetPasses(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"--target", "emulator", "--clients", "go-sdk,v3", "--json"}, &out, &errb)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	var doc struct {
		Steps []struct {
			Client, Name, Outcome string
		}
		Codes []string
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Steps) < 60 || len(doc.Codes) < 10 {
		t.Fatalf("%d steps, codes %v", len(doc.Steps), doc.Codes)
	}
}

func TestTableAndNodeSkipWithoutInstallation(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"--target", "emulator", "--clients", "go-sdk,node", "--node-dir", t.TempDir()}, &out, &errb)
	if code != exitUsage || !strings.Contains(errb.String(), "check.js") {
		t.Fatalf("a node client asked for by name but not installed: want exit 2 naming check.js, got %d\n%s", code, errb.String())
	}
	out.Reset()
	errb.Reset()
	t.Chdir(t.TempDir()) // nothing to find under the working directory
	code = run([]string{"--target", "emulator", "--node-dir", t.TempDir()}, &out, &errb)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	table := out.String()
	for _, want := range []string{"CLIENT", "go-sdk", "v3-query", "v3-form", "node", "SKIP", "SignatureNonceUsed", "passed, 0 failed"} {
		if !strings.Contains(table, want) {
			t.Errorf("the table lacks %q:\n%s", want, table)
		}
	}
}

func TestUnreachableTarget(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens there any more
	t.Setenv(target.EnvKeyID, "LTAIunreachable")
	t.Setenv(target.EnvKeySecret, "secret")
	var out, errb bytes.Buffer
	if code := run([]string{"--target", "http://" + addr}, &out, &errb); code != exitUnreachable {
		t.Fatalf("want exit 3, got %d\n%s\n%s", code, out.String(), errb.String())
	}
}

func TestUsageErrors(t *testing.T) {
	t.Setenv(target.EnvKeyID, "")
	t.Setenv(target.EnvKeySecret, "")
	for _, args := range [][]string{
		{},
		{"--target", "http://127.0.0.1:1"},
		{"--target", "ftp://x"},
		{"--target", "emulator", "--clients", "python"},
		{"--target", "emulator", "extra"},
		{"--no-such-flag"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != exitUsage {
			t.Errorf("%v: want exit 2, got %d\n%s", args, code, errb.String())
		}
	}
	t.Setenv(target.EnvKeyID, "LTAIonlyid")
	var out, errb bytes.Buffer
	if code := run([]string{"--target", "http://127.0.0.1:1"}, &out, &errb); code != exitUsage || !strings.Contains(errb.String(), target.EnvKeySecret) {
		t.Errorf("a key id without its secret: got %d\n%s", code, errb.String())
	}
	if strings.Contains(errb.String(), "LTAIonlyid") {
		t.Error("the message shows a credential")
	}
}
