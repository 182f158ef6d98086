package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/target"
)

func init() {
	register(command{
		name:    "emulator",
		summary: "serve the CLB emulator over HTTP (loopback by default)",
		run:     runEmulator,
	})
}

// emulatorStopContext is done when the emulator command should stop: on SIGINT or SIGTERM
// (tests replace it).
var emulatorStopContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// serverFlags are the flags of the connection limits; zero leaves the configuration's value.
type serverFlags struct {
	readHeader, read, write, idle time.Duration
	headerBytes, conns            int
}

func (f *serverFlags) register(fs *flag.FlagSet) {
	d := emulator.DefaultServerLimits()
	fs.DurationVar(&f.readHeader, "read-header-timeout", 0, fmt.Sprintf("time allowed to read a request's headers (default %s)", d.ReadHeaderTimeout))
	fs.DurationVar(&f.read, "read-timeout", 0, fmt.Sprintf("time allowed to read a whole request, body included (default %s)", d.ReadTimeout))
	fs.DurationVar(&f.write, "write-timeout", 0, fmt.Sprintf("time allowed from the end of a request's headers to the end of its answer (default %s)", d.WriteTimeout))
	fs.DurationVar(&f.idle, "idle-timeout", 0, fmt.Sprintf("how long a kept-alive connection may wait for its next request (default %s)", d.IdleTimeout))
	fs.IntVar(&f.headerBytes, "max-header-bytes", 0, fmt.Sprintf("largest request line and headers accepted (default %d)", d.MaxHeaderBytes))
	fs.IntVar(&f.conns, "max-connections", 0, fmt.Sprintf("connections open at once; more wait to be accepted (default %d: 1024, fewer when the process may open fewer files)", d.MaxConnections))
}

// apply sets the limits given on the command line over those of the configuration.
func (f *serverFlags) apply(l *emulator.ServerLimits) error {
	for _, d := range []*time.Duration{&f.readHeader, &f.read, &f.write, &f.idle} {
		if *d < 0 {
			return fmt.Errorf("timeouts may not be negative")
		}
	}
	if f.headerBytes < 0 || f.conns < 0 {
		return fmt.Errorf("--max-header-bytes and --max-connections may not be negative")
	}
	set := func(to *time.Duration, v time.Duration) {
		if v > 0 {
			*to = v
		}
	}
	set(&l.ReadHeaderTimeout, f.readHeader)
	set(&l.ReadTimeout, f.read)
	set(&l.WriteTimeout, f.write)
	set(&l.IdleTimeout, f.idle)
	if f.headerBytes > 0 {
		l.MaxHeaderBytes = f.headerBytes
	}
	if f.conns > 0 {
		l.MaxConnections = f.conns
	}
	return nil
}

func runEmulator(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "address to serve on (host:port; port 0 picks a free one)")
	stateFile := fs.String("state", "", "keep the emulator's state in this file across restarts (its directory must exist; one emulator per file)")
	configFile := fs.String("config", "", "JSON or YAML `file` with accounts, RAM users, scenarios, quotas, faults and server limits (docs/emulator-config.md)")
	noAuth := fs.Bool("no-auth", false, "accept requests without checking signatures (local use only)")
	var limits serverFlags
	limits.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, joinLines(
			"Usage: clbcheck emulator [flags]",
			"",
			"Serves an emulator of the CLB (Slb 2014-05-15) API for CreateLoadBalancerHTTPSListener and",
			"its neighbouring operations. It prints the address and the credentials it accepts, and runs",
			"until interrupted (SIGINT or SIGTERM).",
			"",
			"Flags:"))
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "clbcheck emulator: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return exitUsage
	}
	cfg := emulator.DefaultConfig()
	if *configFile != "" {
		var err error
		if cfg, err = readEmulatorConfig(*configFile); err != nil {
			fmt.Fprintf(stderr, "clbcheck emulator: %s\n", strings.ReplaceAll(err.Error(), "emulator: ", ""))
			return exitUsage
		}
	}
	if *stateFile != "" {
		cfg.StateFile = *stateFile
	}
	if *noAuth {
		cfg.NoAuth = true
	}
	if err := limits.apply(&cfg.Server); err != nil {
		fmt.Fprintf(stderr, "clbcheck emulator: %v\n", err)
		return exitUsage
	}
	em, err := emulator.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "clbcheck emulator: %s\n", strings.TrimPrefix(err.Error(), "emulator: "))
		return exitUsage
	}
	defer em.Close()
	return serveEmulator(em, *listen, stdout, stderr)
}

// serveEmulator serves em on addr with its connection limits until the stop context ends.
func serveEmulator(em *emulator.Emulator, addr string, stdout, stderr io.Writer) int {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		fmt.Fprintf(stderr, "clbcheck emulator: --listen %q is not host:port: %v\n", addr, err)
		return exitUsage
	}
	if !isLoopback(host) {
		fmt.Fprintf(stderr, "clbcheck emulator: WARNING: binding to %s, not a loopback address; anyone who can reach it can use the emulator and its well-known keys\n", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "clbcheck emulator: cannot listen on %s: %v\n", addr, err)
		return exitUnreachable
	}
	printBanner(stdout, stderr, ln.Addr().String(), em.Config())

	ctx, stop := emulatorStopContext()
	defer stop()
	srv := em.Server()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(em.LimitListener(ln)) }()
	select {
	case err := <-done:
		fmt.Fprintf(stderr, "clbcheck emulator: server stopped: %v\n", err)
		return exitUnreachable
	case <-ctx.Done():
	}
	fmt.Fprintln(stderr, "clbcheck emulator: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintf(stderr, "clbcheck emulator: shutdown: %v\n", err)
	}
	return exitOK
}

// readEmulatorConfig reads a JSON or YAML configuration (YAML is turned into JSON first, so
// both share the field names of emulator.Config).
func readEmulatorConfig(path string) (emulator.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return emulator.Config{}, err
	}
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".yaml" || ext == ".yml" || (ext != ".json" && !json.Valid(data)) {
		var doc any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return emulator.Config{}, fmt.Errorf("%s: not valid YAML: %w", path, err)
		}
		if data, err = json.Marshal(doc); err != nil {
			return emulator.Config{}, fmt.Errorf("%s: cannot be read as a configuration: %w", path, err)
		}
	}
	cfg, err := emulator.ParseConfig(data)
	if err != nil {
		return emulator.Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// printBanner says where the emulator listens and which keys it accepts: each principal under
// the name clbcheck gives it (the name its variables carry: second is CLBCHECK_SECOND_..., and
// so on), with the configuration's name beside it, and the export lines to paste into the
// shell that runs clbcheck or an SDK.
func printBanner(stdout, stderr io.Writer, addr string, cfg emulator.Config) {
	fmt.Fprintf(stdout, "clbcheck emulator listening on http://%s\n", addr)
	fmt.Fprintf(stdout, "region %s; endpoint for SDKs: %s\n", cfg.Region, addr)
	if cfg.StateFile != "" {
		fmt.Fprintf(stdout, "state file: %s\n", cfg.StateFile)
	}
	if cfg.NoAuth {
		fmt.Fprintln(stderr, "clbcheck emulator: WARNING: --no-auth is on: signatures are NOT checked; every request is accepted as the key it names or as the first account")
	}
	byKey := map[string]emulator.Principal{}
	for _, p := range cfg.Principals() {
		if p.Credentials.SecurityToken == "" {
			byKey[p.Credentials.AccessKeyID] = p
		}
	}
	creds := embedded.PrincipalCredentials(cfg)
	fmt.Fprintln(stdout, "credentials accepted (fixed keys for local use only, not real credentials):")
	var exports []string
	shown := map[string]bool{}
	for _, pe := range target.PrincipalsEnv {
		c, ok := creds[pe.Principal]
		if !ok {
			continue
		}
		p := byKey[c.AccessKeyID]
		shown[p.Name] = true
		fmt.Fprintf(stdout, "  %-11s %s (%s in the configuration)\n", pe.Principal, who(p), p.Name)
		exports = append(exports, fmt.Sprintf("export %s=%s %s=%s", pe.KeyID, contracts.ShellQuote(c.AccessKeyID), pe.Secret, contracts.ShellQuote(c.AccessKeySecret)))
		if pe.Token != "" && c.SecurityToken != "" {
			exports = append(exports, fmt.Sprintf("export %s=%s   # clbcheck uses it in its STS cases only; an SDK sends it on every call", pe.Token, contracts.ShellQuote(c.SecurityToken)))
		}
	}
	for _, p := range cfg.Principals() {
		if !shown[p.Name] && p.Credentials.SecurityToken == "" {
			fmt.Fprintf(stdout, "  %-11s %s, AccessKeyId=%s AccessKeySecret=%s (no clbcheck principal)\n", p.Name, who(p), p.Credentials.AccessKeyID, p.Credentials.AccessKeySecret)
		}
	}
	fmt.Fprintf(stdout, "to run clbcheck against it (clbcheck run --target http://%s), paste:\n", addr)
	for _, e := range exports {
		fmt.Fprintf(stdout, "  %s\n", e)
	}
}

func who(p emulator.Principal) string {
	if p.UserName != "" {
		return "RAM user " + p.UserName + " of account " + p.AccountID
	}
	return "account " + p.AccountID
}
