package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeSDK puts a stand-in clbcheck-sdk on PATH that prints its arguments and exits with the
// status given in FAKE_SDK_EXIT.
func fakeSDK(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\necho \"args: $*\"\necho 'on stderr' >&2\nexit ${FAKE_SDK_EXIT:-0}\n"
	if err := os.WriteFile(filepath.Join(dir, sdkBinary), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func TestSDKCheckRunsTheProgramWithTheSameArguments(t *testing.T) {
	fakeSDK(t)
	for _, status := range []string{"0", "1", "3"} {
		t.Setenv("FAKE_SDK_EXIT", status)
		var out, errb bytes.Buffer
		code := dispatch([]string{"sdk-check", "--target", "http://127.0.0.1:9", "--clients", "go-sdk"}, &out, &errb)
		if want := int(status[0] - '0'); code != want {
			t.Errorf("exit %d, want %d", code, want)
		}
		if got := strings.TrimSpace(out.String()); got != "args: --target http://127.0.0.1:9 --clients go-sdk" {
			t.Errorf("stdout %q", got)
		}
		if !strings.Contains(errb.String(), "on stderr") {
			t.Errorf("stderr %q", errb.String())
		}
	}
}

func TestSDKCheckExplainsAMissingProgram(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var out, errb bytes.Buffer
	if code := dispatch([]string{"sdk-check", "--target", "http://127.0.0.1:9"}, &out, &errb); code != exitUsage {
		t.Fatalf("exit %d, want %d", code, exitUsage)
	}
	for _, want := range []string{"make sdk-check", "go build -C conformance -o ../bin/clbcheck-sdk ./cmd/clbcheck-sdk", "npm ci --prefix conformance/node"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("the message lacks %q:\n%s", want, errb.String())
		}
	}
}

// -h without the program says what sdk-check does and how to install it, and is no error.
func TestSDKCheckHelpWithoutTheProgram(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var out, errb bytes.Buffer
	if code := dispatch([]string{"sdk-check", "-h"}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d, want %d", code, exitOK)
	}
	for _, want := range []string{"Usage: clbcheck sdk-check --target URL", "official Alibaba Cloud clients", "make sdk-check"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the help lacks %q:\n%s", want, out.String())
		}
	}
}
