package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/clbcheck/clbcheck/contracts"
)

func fakeClock(step time.Duration) func() time.Time {
	t := time.Unix(0, 0)
	return func() time.Time { t = t.Add(step); return t }
}

func TestProgressPlainLinesAreFew(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, false)
	p.now = fakeClock(time.Millisecond)
	for i := 1; i <= 1000; i++ {
		p.update(contracts.Progress{Done: i, Total: 1000, Failed: i / 100, Elapsed: time.Duration(i) * time.Millisecond})
	}
	p.finish()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	assert.Len(t, lines, 10, "one line per tenth, not one per case:\n%s", b.String())
	assert.Equal(t, "clbcheck: 1000/1000 cases (100%), 10 failed, 1.0s", lines[len(lines)-1])
	assert.NotContains(t, b.String(), "\r")
}

func TestProgressPlainLinesEveryTwoSeconds(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, false)
	p.now = fakeClock(time.Second)
	for i := 1; i <= 9; i++ {
		p.update(contracts.Progress{Done: i, Total: 1000})
	}
	assert.Equal(t, 4, strings.Count(b.String(), "\n"), b.String())
}

func TestProgressTerminalBar(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, true)
	p.now = fakeClock(time.Second)
	p.update(contracts.Progress{Done: 1, Total: 4, Last: "positive/base"})
	p.update(contracts.Progress{Done: 4, Total: 4, Failed: 1, Last: "negative/x"})
	p.finish()
	out := b.String()
	assert.Contains(t, out, "\r\033[K[######------------------] 1/4 cases (25%)")
	assert.Contains(t, out, "[########################] 4/4 cases (100%), 1 failed")
	assert.True(t, strings.HasSuffix(out, "\n"), "the bar's line is ended before the report")
}

func TestIsTerminal(t *testing.T) {
	assert.False(t, isTerminal(&bytes.Buffer{}))
	f, err := os.CreateTemp(t.TempDir(), "x")
	if assert.NoError(t, err) {
		defer f.Close()
		assert.False(t, isTerminal(f), "a regular file is not a terminal")
	}
}

// Counts of one are singular.
func TestProgressPlurals(t *testing.T) {
	p := newProgress(&bytes.Buffer{}, false)
	assert.Equal(t, "1/2 cases (50%), 0 failed, 1 skipped, 1 warning, 0.0s", p.text(contracts.Progress{Done: 1, Total: 2, Skipped: 1, Warnings: 1}))
	assert.Equal(t, "3/4 cases (75%), 1 failed, 7 retried (transient trouble), 2.0s",
		p.text(contracts.Progress{Done: 3, Total: 4, Failed: 1, Retries: 7, Elapsed: 2 * time.Second}))
	assert.Equal(t, "1 resource", plural(1, "resource"))
	assert.Equal(t, "2 differences", plural(2, "difference"))
}
