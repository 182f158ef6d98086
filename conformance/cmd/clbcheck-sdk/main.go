// Command clbcheck-sdk checks that an implementation of the CLB (Slb 2014-05-15) listener API
// works with the official Alibaba Cloud clients: the classic Go SDK, the V3 Go client and the
// Node client @alicloud/pop-core. It runs the scenarios of package sdkcheck against --target
// and prints one line per step.
//
//	clbcheck-sdk --target http://127.0.0.1:8080
//	clbcheck-sdk --target emulator            # the built-in emulator, as a demonstration
//
// `clbcheck sdk-check` runs this program with the same arguments; it lives in its own module
// so that the SDKs stay out of clbcheck's dependencies.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/clbcheck/clbcheck/conformance/sdkcheck"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// Exit statuses, the same as clbcheck's.
const (
	exitOK          = 0 // every step passed or was skipped
	exitFailures    = 1 // at least one step failed
	exitUsage       = 2 // usage or configuration error
	exitUnreachable = 3 // the target could not be reached
)

var allClients = []string{sdkcheck.ClientClassic, "v3", sdkcheck.ClientNode, "shape"}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// sdkFlags are the flags of clbcheck-sdk.
type sdkFlags struct {
	targetURL, region, clients, nodeDir string
	asJSON                              bool
}

func run(args []string, stdout, stderr io.Writer) int {
	fs, f := newFlags(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "clbcheck-sdk: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	chosen, err := parseClients(f.clients)
	if err != nil {
		fmt.Fprintln(stderr, "clbcheck-sdk:", err)
		return exitUsage
	}
	cfg, stop, err := configure(f.targetURL, f.region)
	if err != nil {
		fmt.Fprintln(stderr, "clbcheck-sdk:", err)
		return exitUsage
	}
	defer stop()
	cfg.NodeDir = f.nodeDir
	if cfg.NodeDir == "" {
		cfg.NodeDir = findNodeDir()
	}
	if chosen[sdkcheck.ClientNode] && f.clients != strings.Join(allClients, ",") {
		// Asked for by name: a missing installation is a usage error, not a skip.
		if _, err := sdkcheck.NodeReady(cfg.NodeDir); err != nil {
			fmt.Fprintln(stderr, "clbcheck-sdk:", err)
			return exitUsage
		}
	}
	steps, shapes := runClients(cfg, chosen)
	if err := writeSteps(stdout, f.asJSON, cfg, steps, shapes); err != nil {
		fmt.Fprintln(stderr, "clbcheck-sdk:", err)
		return exitUsage
	}
	sum := sdkcheck.Summarize(steps)
	switch {
	case sum.Unreachable:
		fmt.Fprintf(stderr, "clbcheck-sdk: %s could not be reached\n", cfg.Endpoint)
		return exitUnreachable
	case sum.Fail > 0:
		return exitFailures
	default:
		return exitOK
	}
}

// newFlags declares the flags and the usage text.
func newFlags(stderr io.Writer) (*flag.FlagSet, *sdkFlags) {
	fs := flag.NewFlagSet("clbcheck-sdk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := &sdkFlags{}
	fs.StringVar(&f.targetURL, "target", "", "the endpoint: an http:// or https:// URL, or `emulator` for the built-in one")
	fs.StringVar(&f.region, "region", sdkcheck.DefaultRegion, "RegionId sent with every request")
	fs.StringVar(&f.clients, "clients", strings.Join(allClients, ","), "which clients to run, comma-separated: "+strings.Join(allClients, ", "))
	fs.StringVar(&f.nodeDir, "node-dir", "", "the folder of check.js with node_modules (default: found next to this program or under ./conformance/node)")
	fs.BoolVar(&f.asJSON, "json", false, "print the steps as JSON instead of a table")
	fs.Usage = func() {
		fmt.Fprintln(stderr, joinLines(
			"Usage: clbcheck-sdk --target URL [flags]",
			"",
			"Drives the endpoint with the official clients (classic Go SDK, V3 Go client, Node",
			"@alicloud/pop-core) through a whole listener lifecycle, documented errors, XML answers,",
			"STS, a wrong secret, a replayed nonce and an expired timestamp; `shape` compares every",
			"answer of every operation, JSON and XML, with the classic Go SDK's typed responses.",
			"",
			"Credentials come from the environment (never from flags):",
			"  "+target.EnvKeyID+" / "+target.EnvKeySecret+" (required; "+target.EnvToken+" for STS)",
			"  "+target.EnvSecondKeyID+" / "+target.EnvSecondSecret+" (optional: another account)",
			"  "+target.EnvRestrictedKeyID+" / "+target.EnvRestrictedSecret+" (optional: a RAM user denied",
			"  CreateLoadBalancerHTTPSListener)",
			"Steps whose optional credentials are absent are skipped. The Node client needs node and",
			"`npm ci --prefix conformance/node`; without them its steps are skipped.",
			"",
			"Exit status: 0 every step passed or was skipped, 1 a step failed, 2 usage error,",
			"3 the target could not be reached.",
			"",
			"Flags:"))
		fs.PrintDefaults()
	}
	return fs, f
}

// runClients runs the chosen clients in order, stopping after one that found the target
// unreachable (the others would only time out too).
func runClients(cfg sdkcheck.Config, chosen map[string]bool) ([]sdkcheck.Step, []sdkcheck.OpShape) {
	var steps []sdkcheck.Step
	var shapes []sdkcheck.OpShape // the shape comparison, per operation
	runners := []struct {
		name string
		run  func() ([]sdkcheck.Step, error)
	}{
		{sdkcheck.ClientClassic, func() ([]sdkcheck.Step, error) { return sdkcheck.RunClassic(cfg) }},
		{"v3", func() ([]sdkcheck.Step, error) { return sdkcheck.RunV3(cfg) }},
		{"shape", func() ([]sdkcheck.Step, error) {
			var err error
			shapes, err = sdkcheck.RunShapes(cfg)
			return sdkcheck.ShapeSteps(shapes), err
		}},
		{sdkcheck.ClientNode, func() ([]sdkcheck.Step, error) {
			s, err := sdkcheck.RunNode(context.Background(), cfg)
			if errors.Is(err, sdkcheck.ErrNodeMissing) {
				return []sdkcheck.Step{{Client: sdkcheck.ClientNode, Name: "all steps", Outcome: sdkcheck.Skip, Detail: err.Error()}}, nil
			}
			return s, err
		}},
	}
	for _, r := range runners {
		if !chosen[r.name] {
			continue
		}
		got, err := r.run()
		if err != nil {
			steps = append(steps, sdkcheck.Step{Client: r.name, Name: "run", Outcome: sdkcheck.Fail, Detail: err.Error()})
			continue
		}
		steps = append(steps, got...)
		if sdkcheck.Summarize(got).Unreachable {
			break // the others would only time out too
		}
	}
	return steps, shapes
}

// writeSteps prints the steps as JSON or as tables.
func writeSteps(w io.Writer, asJSON bool, cfg sdkcheck.Config, steps []sdkcheck.Step, shapes []sdkcheck.OpShape) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"target": cfg.Endpoint, "steps": steps, "codes": sdkcheck.Codes(steps), "shapes": shapes})
	}
	if err := sdkcheck.WriteTable(w, steps); err != nil {
		return err
	}
	if len(shapes) > 0 {
		fmt.Fprintln(w, "\nFields of each answer against the classic Go SDK's typed response (JSON and XML, success and error):")
		return sdkcheck.WriteShapeTable(w, shapes)
	}
	return nil
}

func parseClients(s string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, c := range strings.Split(s, ",") {
		c = strings.TrimSpace(c)
		switch c {
		case "":
		case sdkcheck.ClientClassic, "v3", "shape", sdkcheck.ClientNode:
			out[c] = true
		default:
			return nil, fmt.Errorf("--clients: unknown client %q (known: %s)", c, strings.Join(allClients, ", "))
		}
	}
	if len(out) == 0 {
		return nil, errors.New("--clients names no client")
	}
	return out, nil
}

// configure builds the run's configuration from --target and the environment. For
// --target emulator it serves a fresh emulator on loopback, with its own credentials.
func configure(targetURL, region string) (sdkcheck.Config, func(), error) {
	noop := func() {}
	switch {
	case targetURL == "":
		return sdkcheck.Config{}, noop, errors.New("--target is required: an http:// or https:// URL, or emulator")
	case targetURL == "emulator":
		ecfg := emulator.DefaultConfig()
		ecfg.Region = region
		em, err := emulator.New(ecfg)
		if err != nil {
			return sdkcheck.Config{}, noop, err
		}
		srv := httptest.NewServer(em)
		return sdkcheck.EmulatorConfig(srv.URL, ecfg), srv.Close, nil
	}
	cfg := sdkcheck.Config{Endpoint: strings.TrimRight(targetURL, "/"), Region: region}
	creds, err := target.CredentialsFromEnv(os.Getenv)
	if err != nil {
		return cfg, noop, err
	}
	cfg.Primary = creds[spec.PrincipalPrimary]
	if cfg.Primary.AccessKeyID == "" {
		return cfg, noop, fmt.Errorf("%s and %s must be set (see -h)", target.EnvKeyID, target.EnvKeySecret)
	}
	if cfg.Primary.SecurityToken != "" {
		cfg.STS = cfg.Primary
	}
	cfg.Second, cfg.Restricted = creds[spec.PrincipalSecond], creds[spec.PrincipalRestricted]
	if err := cfg.Check(); err != nil {
		return cfg, noop, err
	}
	return cfg, noop, nil
}

// findNodeDir looks for check.js: next to the program (bin/ of a checkout, or the program's
// own folder), then under the working directory.
func findNodeDir() string {
	var candidates []string
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		dir := filepath.Dir(exe)
		candidates = append(candidates, filepath.Join(dir, "..", "conformance", "node"), filepath.Join(dir, "node"))
	}
	candidates = append(candidates, filepath.Join("conformance", "node"), "node", filepath.Join("..", "node"), filepath.Join("..", "..", "node"))
	for _, c := range candidates {
		if _, err := os.Stat(filepath.Join(c, sdkcheck.NodeScript)); err == nil {
			if abs, err := filepath.Abs(c); err == nil {
				return abs
			}
			return c
		}
	}
	return ""
}

func joinLines(lines ...string) string { return strings.Join(lines, "\n") }
