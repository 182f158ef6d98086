package reports

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/clbcheck/clbcheck/contracts"
)

// multi sends the stream to several reporters.
type multi []contracts.Reporter

// Multi returns a reporter that passes every call to each of reporters in order. A failing
// reporter does not stop the others: all are called, and their errors are joined.
func Multi(reporters ...contracts.Reporter) contracts.Reporter {
	var m multi
	for _, r := range reporters {
		if r != nil {
			m = append(m, r)
		}
	}
	return m
}

func (m multi) Begin(meta contracts.Meta) error {
	var errs []error // stays nil, unallocated, while every reporter succeeds
	for _, r := range m {
		if err := r.Begin(meta); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (m multi) Case(c contracts.CaseResult) error {
	var errs []error // stays nil, unallocated, while every reporter succeeds
	for _, r := range m {
		if err := r.Case(c); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (m multi) End(sum contracts.Summary, cov contracts.Coverage) error {
	var errs []error // stays nil, unallocated, while every reporter succeeds
	for _, r := range m {
		if err := r.End(sum, cov); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// format describes one output format.
type format struct {
	name  string // as given on the command line
	label string // as shown in messages
	make  func(io.Writer) contracts.Reporter
}

var formats = []format{
	{"console", "console", NewConsole},
	{"json", "JSON", NewJSON},
	{"junit", "JUnit", NewJUnit},
	{"md", "Markdown", NewMarkdown},
	{"html", "HTML", NewHTML},
	{"sarif", "SARIF", NewSARIF},
}

// Formats returns the names New and Files accept, in a fixed order.
func Formats() []string {
	out := make([]string, len(formats))
	for i, f := range formats {
		out[i] = f.name
	}
	return out
}

func lookup(name string) (format, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	switch key {
	case "markdown":
		key = "md"
	case "xml":
		key = "junit"
	case "text":
		key = "console"
	}
	for _, f := range formats {
		if f.name == key {
			return f, nil
		}
	}
	return format{}, fmt.Errorf("unknown report format %q; the formats are %s", name, strings.Join(Formats(), ", "))
}

// New returns the reporter for a format name (console, json, junit, md, html, sarif) writing to w.
func New(name string, w io.Writer) (contracts.Reporter, error) {
	f, err := lookup(name)
	if err != nil {
		return nil, err
	}
	return f.make(w), nil
}

// Files opens one file per format (format name -> path; "-" means standard output), creating
// parent directories, and returns a reporter that feeds all of them and a close function that
// flushes and closes the files. Call close after End, also when End failed. On error nothing is
// left open.
func Files(paths map[string]string) (contracts.Reporter, func() error, error) {
	names := make([]string, 0, len(paths))
	for n := range paths {
		names = append(names, n)
	}
	// Open in the order of the format table so that errors and output are predictable.
	slices.SortFunc(names, func(a, b string) int { return formatRank(a) - formatRank(b) })

	var (
		reps    []contracts.Reporter
		closers []func() error
	)
	closeAll := func() error {
		var errs []error
		for _, c := range closers {
			errs = append(errs, c())
		}
		closers = nil
		return errors.Join(errs...)
	}
	for _, n := range names {
		f, err := lookup(n)
		if err != nil {
			_ = closeAll()
			return nil, nil, err
		}
		path := paths[n]
		if path == "" {
			_ = closeAll()
			return nil, nil, fmt.Errorf("no path given for the %s report", f.label)
		}
		if path == "-" {
			bw := bufio.NewWriter(os.Stdout)
			reps = append(reps, named{f.make(bw), f.label, "standard output"})
			closers = append(closers, bw.Flush)
			continue
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				_ = closeAll()
				return nil, nil, writeError(f.label, path, err)
			}
		}
		af, err := createAtomic(path)
		if err != nil {
			_ = closeAll()
			return nil, nil, writeError(f.label, path, err)
		}
		bw := bufio.NewWriter(af.tmp)
		label, p := f.label, path
		reps = append(reps, named{placeholder{f.make(bw), f, af}, label, p})
		closers = append(closers, func() error {
			ferr := bw.Flush()
			if err := af.commit(ferr); err != nil {
				return writeError(label, p, err)
			}
			return nil
		})
	}
	return Multi(reps...), closeAll, nil
}

func formatRank(name string) int {
	f, err := lookup(name)
	if err != nil {
		return len(formats)
	}
	for i, g := range formats {
		if g.name == f.name {
			return i
		}
	}
	return len(formats)
}

func writeError(label, path string, err error) error {
	return fmt.Errorf("cannot write %s report to %s: %w; check the directory exists and is writable", label, path, err)
}

// named wraps a file's reporter so its errors say which report and file they concern.
type named struct {
	contracts.Reporter
	label, path string
}

func (n named) Begin(m contracts.Meta) error { return n.wrap(n.Reporter.Begin(m)) }

func (n named) Case(c contracts.CaseResult) error { return n.wrap(n.Reporter.Case(c)) }

func (n named) End(s contracts.Summary, c contracts.Coverage) error {
	return n.wrap(n.Reporter.End(s, c))
}

func (n named) wrap(err error) error {
	if err == nil {
		return nil
	}
	return writeError(n.label, n.path, err)
}
