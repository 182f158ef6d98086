// Command clbcheck checks implementations of CreateLoadBalancerHTTPSListener against its
// documented contract. Run `clbcheck help` for the list of commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"

	"github.com/clbcheck/clbcheck/contracts"
)

// Exit statuses shared by every command.
const (
	exitOK          = 0 // every contract held / the command did its job
	exitFailures    = 1 // contract failures
	exitUsage       = 2 // usage or configuration error
	exitUnreachable = 3 // the target could not be reached, the run was aborted, judged nothing or was cut short
	exitTransient   = 4 // the contracts held, but transient target trouble went over its limit
)

// command is one subcommand. Each lives in its own file and registers itself in init.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

// interruptible runs a command under a context that SIGINT and SIGTERM cancel.
func interruptible(run func(ctx context.Context, args []string, stdout, stderr io.Writer) int) func([]string, io.Writer, io.Writer) int {
	return func(args []string, stdout, stderr io.Writer) int {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return run(ctx, args, stdout, stderr)
	}
}

func main() {
	stop, err := startProfiles()
	if err != nil {
		fmt.Fprintf(os.Stderr, "clbcheck: %v; unset it or name a file that can be created\n", err)
		os.Exit(exitUsage)
	}
	code := dispatch(os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return exitOK
	}
	if args[0] == "version" || args[0] == "--version" || args[0] == "-version" {
		fmt.Fprintln(stdout, versionLine())
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		names := make([]string, 0, len(commands))
		for n := range commands {
			names = append(names, n)
		}
		hint := ""
		if near := contracts.Nearest(args[0], names); near != "" {
			hint = fmt.Sprintf(" (did you mean %s?)", near)
		}
		fmt.Fprintf(stderr, "clbcheck: unknown command %q%s; run 'clbcheck help' to list the commands\n", args[0], hint)
		return exitUsage
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "clbcheck: contract tests and fuzzing for Slb CreateLoadBalancerHTTPSListener")
	fmt.Fprintln(w, "\nUsage: clbcheck <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'clbcheck <command> -h' for the flags of a command, 'clbcheck --version' for the version.")
}

// versionLine names the version of the tool, the commit it was built from when the build
// recorded one, and the Go release.
func versionLine() string {
	line := "clbcheck " + contracts.Version
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return line
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	var parts []string
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if modified == "true" {
			rev += " with local changes"
		}
		parts = append(parts, "commit "+rev)
	}
	parts = append(parts, info.GoVersion)
	return line + " (" + strings.Join(parts, ", ") + ")"
}

// parseFlags parses a command's flags. ok is false when the command must stop: after -h
// (exit 0, the usage was printed) or on a bad flag (exit 2, one line said which).
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	return flagsParsed(quietParse(fs, func() error { return fs.Parse(args) }))
}

// flagsParsed turns the error of parsing flags into parseFlags' answer, for commands that parse
// in their own way (positional arguments between flags).
func flagsParsed(err error) (code int, ok bool) {
	switch {
	case err == nil:
		return exitOK, true
	case errors.Is(err, flag.ErrHelp):
		return exitOK, false
	}
	return exitUsage, false
}

// usageFailer returns what a command calls on a usage error: it prints "clbcheck NAME: " and
// the message on stderr, then the hint lines, and gives exitUsage.
func usageFailer(stderr io.Writer, name string, hint ...string) func(format string, a ...any) int {
	return func(format string, a ...any) int {
		fmt.Fprintf(stderr, "clbcheck "+name+": "+format+"\n", a...)
		for _, h := range hint {
			fmt.Fprintln(stderr, h)
		}
		return exitUsage
	}
}

// joinLines is a small helper for multi-line help texts.
func joinLines(lines ...string) string { return strings.Join(lines, "\n") }
