package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/clbcheck/clbcheck/contracts"
)

// quietParse runs parse (fs.Parse, or parseInterspersed's loop) without the flag package's
// habit of printing the whole usage after a mistake. -h still prints the usage; a wrong flag or
// value prints one line that names it, with a hint when one helps, and where the flags are
// listed. Messages go to fs.Output().
func quietParse(fs *flag.FlagSet, parse func() error) error {
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := parse()
	fs.SetOutput(out)
	fs.Usage = usage
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		if usage != nil {
			usage()
		} else {
			fs.PrintDefaults()
		}
	default:
		name := strings.TrimPrefix(fs.Name(), "clbcheck ")
		fmt.Fprintf(out, "clbcheck %s: %s\nRun 'clbcheck %s -h' for the flags.\n", name, explainFlagError(fs, err), name)
	}
	return err
}

var (
	reUndefined = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	reNoValue   = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
	reBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for flag -+([^:]*): (.*)$`)
)

// explainFlagError words an error of the flag package for a person: the flag as it is written
// on the command line (--name), the nearest known flag for a typo, and the unit a duration
// needs.
func explainFlagError(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := reUndefined.FindStringSubmatch(msg); m != nil {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		s := fmt.Sprintf("unknown flag --%s", m[1])
		if near := contracts.Nearest(m[1], names); near != "" {
			s += fmt.Sprintf(" (did you mean --%s?)", near)
		}
		return s
	}
	if m := reNoValue.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("--%s needs a value", m[1])
	}
	if m := reBadValue.FindStringSubmatch(msg); m != nil {
		value, name, why := m[1], m[2], m[3]
		if f := fs.Lookup(name); f != nil {
			if g, ok := f.Value.(flag.Getter); ok && isDuration(g.Get()) {
				if _, numErr := strconv.ParseFloat(value, 64); numErr == nil {
					return fmt.Sprintf("--%s %s: a duration needs a unit, e.g. --%s %ss (or 500ms, 2m)", name, value, name, value)
				}
				return fmt.Sprintf("--%s %q is not a duration such as 30s, 500ms or 2m", name, value)
			}
		}
		return fmt.Sprintf("invalid value %q for --%s: %s", value, name, why)
	}
	return msg
}

// stringList is a repeatable flag: each use adds one value, taken as it is (case ids may hold
// commas and spaces).
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, " ") }

func (l *stringList) Set(v string) error {
	if v == "" {
		return fmt.Errorf("an empty value selects nothing")
	}
	*l = append(*l, v)
	return nil
}

func isDuration(v any) bool {
	_, ok := v.(time.Duration)
	return ok
}
