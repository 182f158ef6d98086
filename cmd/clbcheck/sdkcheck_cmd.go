package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// sdkBinary is the program that drives a target with the official SDKs. It is built from the
// nested module conformance/ so that the SDKs never become dependencies of clbcheck.
const sdkBinary = "clbcheck-sdk"

func init() {
	register(command{
		name:    "sdk-check",
		summary: "check that a target works with the official SDKs (Go classic, Go V3, Node)",
		run:     runSDKCheck,
	})
}

// runSDKCheck finds clbcheck-sdk and runs it with the same arguments, passing its output and
// exit status through.
func runSDKCheck(args []string, stdout, stderr io.Writer) int {
	bin, err := findSDKBinary()
	if err != nil {
		if wantsHelp(args) {
			fmt.Fprintln(stdout, sdkCheckAbout)
			fmt.Fprintln(stdout)
			fmt.Fprintln(stdout, sdkBinaryMissing())
			return exitOK
		}
		fmt.Fprintln(stderr, sdkBinaryMissing())
		return exitUsage
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdin = os.Stdin
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return exit.ExitCode()
	case errors.As(err, &exit):
		// Ended by a signal (Ctrl-C): an aborted run.
		fmt.Fprintf(stderr, "clbcheck sdk-check: %s was stopped: %v\n", bin, err)
		return exitUnreachable
	default:
		fmt.Fprintf(stderr, "clbcheck sdk-check: could not run %s: %v\n", bin, err)
		return exitUsage
	}
}

// findSDKBinary looks next to this program first (make sdk-check puts both in bin/), then on
// PATH.
func findSDKBinary() (string, error) {
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		candidate := filepath.Join(filepath.Dir(exe), sdkBinary)
		if st, err := os.Stat(candidate); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return candidate, nil
		}
	}
	return exec.LookPath(sdkBinary)
}

// sdkCheckAbout says what sdk-check does, for -h when clbcheck-sdk (which has the full usage)
// is not installed.
const sdkCheckAbout = `Usage: clbcheck sdk-check --target URL [flags]

Runs the SDK scenarios against the target with the official Alibaba Cloud clients (the
classic Go SDK, the V3 Go client and the Node client) and prints one line per step: does the
implementation work with them? The work is done by ` + sdkBinary + `, a separate program; once it
is installed, this command's -h lists every flag.`

// wantsHelp reports whether args ask for the usage text.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help", "help":
			return true
		}
	}
	return false
}

func sdkBinaryMissing() string {
	return joinLines(
		"clbcheck sdk-check: the "+sdkBinary+" program is not installed.",
		"",
		"It drives a target with the official Alibaba Cloud SDKs, which are kept out of clbcheck",
		"itself. From a checkout of clbcheck, either:",
		"  make sdk-check                     (builds bin/clbcheck and bin/"+sdkBinary+")",
		"  go build -C conformance -o ../bin/"+sdkBinary+" ./cmd/"+sdkBinary,
		"then put it next to clbcheck or on PATH. For the Node client also run:",
		"  npm ci --prefix conformance/node",
		"",
		"Usage once installed: clbcheck sdk-check --target URL   (credentials in ALIBABA_CLOUD_ACCESS_KEY_ID",
		"and ALIBABA_CLOUD_ACCESS_KEY_SECRET; run 'clbcheck sdk-check -h' for everything else).")
}
