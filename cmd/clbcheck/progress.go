package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/clbcheck/clbcheck/contracts"
)

// isTerminal reports whether w is a character device (a terminal), without x/term.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progress shows how far a run is. On a terminal it redraws one bar line in place; elsewhere
// (CI logs) it prints a plain line every few seconds or every tenth of the cases, never one
// per case.
type progress struct {
	w        io.Writer
	tty      bool
	interval time.Duration // plain mode: at most one line per interval, besides the 10% steps
	redraw   time.Duration // terminal mode: at most one redraw per redraw
	now      func() time.Time

	mu       sync.Mutex
	last     time.Time
	lastStep int
	drawn    bool
	lastP    contracts.Progress
	seen     bool
}

func newProgress(w io.Writer, tty bool) *progress {
	return &progress{w: w, tty: tty, interval: 2 * time.Second, redraw: 100 * time.Millisecond, now: time.Now}
}

// update is the contracts.Options.Progress callback.
func (p *progress) update(pr contracts.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lastP, p.seen = pr, true
	now := p.now()
	if p.tty {
		if pr.Done < pr.Total && now.Sub(p.last) < p.redraw {
			return
		}
		p.last = now
		p.draw(pr)
		return
	}
	step := 0
	if pr.Total > 0 {
		step = pr.Done * 10 / pr.Total
	}
	if step > p.lastStep || now.Sub(p.last) >= p.interval {
		if p.last.IsZero() && step == 0 && pr.Done < pr.Total {
			// The first case: start the clock without a line.
			p.last = now
			return
		}
		p.last, p.lastStep = now, step
		fmt.Fprintf(p.w, "clbcheck: %s\n", p.text(pr))
	}
}

func (p *progress) text(pr contracts.Progress) string {
	pct := 0
	if pr.Total > 0 {
		pct = pr.Done * 100 / pr.Total
	}
	s := fmt.Sprintf("%d/%d cases (%d%%), %d failed", pr.Done, pr.Total, pct, pr.Failed)
	if pr.Skipped > 0 {
		s += fmt.Sprintf(", %d skipped", pr.Skipped)
	}
	if pr.Warnings > 0 {
		s += ", " + plural(pr.Warnings, "warning")
	}
	if pr.Retries > 0 {
		s += fmt.Sprintf(", %d retried (transient trouble)", pr.Retries)
	}
	return s + fmt.Sprintf(", %.1fs", pr.Elapsed.Seconds())
}

func (p *progress) draw(pr contracts.Progress) {
	const width = 24
	filled := 0
	if pr.Total > 0 {
		filled = min(width, pr.Done*width/pr.Total)
	}
	bar := strings.Repeat("#", filled) + strings.Repeat("-", width-filled)
	line := fmt.Sprintf("[%s] %s  %s", bar, p.text(pr), pr.Last)
	if len(line) > 110 {
		line = line[:110]
	}
	fmt.Fprintf(p.w, "\r\033[K%s", line)
	p.drawn = true
}

// finish ends the progress display before the final report is written: the bar's line is
// completed, and a plain log gets its last count if it has not been printed.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		if p.seen {
			p.draw(p.lastP)
		}
		if p.drawn {
			fmt.Fprintln(p.w)
			p.drawn = false
		}
		return
	}
	if p.seen && p.lastStep < 10 && p.lastP.Total > 0 && p.lastP.Done*10/p.lastP.Total > p.lastStep {
		fmt.Fprintf(p.w, "clbcheck: %s\n", p.text(p.lastP))
		p.lastStep = 10
	}
}

// atBegin is a reporter that runs fn when the run begins, its cases about to start.
type atBegin struct{ fn func() }

func (b atBegin) Begin(contracts.Meta) error                      { b.fn(); return nil }
func (b atBegin) Case(contracts.CaseResult) error                 { return nil }
func (b atBegin) End(contracts.Summary, contracts.Coverage) error { return nil }

// beforeEnd is a reporter that runs fn when the run ends, before the reporters after it in a
// Multi write anything (used to close the progress line before the console report).
type beforeEnd struct{ fn func() }

func (b beforeEnd) Begin(contracts.Meta) error                      { return nil }
func (b beforeEnd) Case(contracts.CaseResult) error                 { return nil }
func (b beforeEnd) End(contracts.Summary, contracts.Coverage) error { b.fn(); return nil }
