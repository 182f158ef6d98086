package reports

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"
)

// spoolMemBytes is how many bytes of encoded testcases a JUnit report holds in memory before
// it writes them, sorted, to its temporary file.
const spoolMemBytes = 8 << 20

// caseSpool keeps the encoded testcase elements of a JUnit report's suites with memory that
// does not grow with the number of cases: items gather in memory up to spoolMemBytes, then
// each suite's are sorted by id and appended to a temporary file as one sorted run; at the end a
// suite's runs and what is left in memory are merged back in id order (ties in arrival order).
// A run of a million cases writes some 200 MB there and holds a few MB.
type caseSpool struct {
	file     *os.File // created on the first spill
	w        *bufio.Writer
	size     int64 // bytes written to file
	memBytes int
	limit    int // bytes held in memory before a spill; 0: spoolMemBytes
	suites   map[*junitSuite]*suiteSpool
}

// suiteSpool is one suite's part: its items still in memory and its sorted runs on file.
type suiteSpool struct {
	mem  []junitItem
	runs []spoolRun
}

type spoolRun struct{ off, n int64 }

func (sp *caseSpool) add(s *junitSuite, it junitItem) error {
	if sp.suites == nil {
		sp.suites = map[*junitSuite]*suiteSpool{}
	}
	ss := sp.suites[s]
	if ss == nil {
		ss = &suiteSpool{}
		sp.suites[s] = ss
	}
	ss.mem = append(ss.mem, it)
	sp.memBytes += len(it.id) + len(it.xml)
	if sp.memBytes < cmp.Or(sp.limit, spoolMemBytes) {
		return nil
	}
	return sp.spill()
}

// spill writes every suite's items in memory to the file as one sorted run each.
func (sp *caseSpool) spill() error {
	if sp.file == nil {
		f, err := os.CreateTemp("", "clbcheck-junit-*.spool")
		if err != nil {
			return fmt.Errorf("JUnit report: a temporary file for its testcases: %w", err)
		}
		sp.file, sp.w = f, bufio.NewWriterSize(f, 64<<10)
	}
	var lenBuf [binary.MaxVarintLen64]byte
	for _, ss := range sp.suites {
		if len(ss.mem) == 0 {
			continue
		}
		slices.SortStableFunc(ss.mem, func(a, b junitItem) int { return cmp.Compare(a.id, b.id) })
		start := sp.size
		for _, it := range ss.mem {
			for _, part := range [][]byte{[]byte(it.id), it.xml} {
				n := binary.PutUvarint(lenBuf[:], uint64(len(part)))
				if _, err := sp.w.Write(lenBuf[:n]); err != nil {
					return fmt.Errorf("JUnit report: writing its temporary file: %w", err)
				}
				if _, err := sp.w.Write(part); err != nil {
					return fmt.Errorf("JUnit report: writing its temporary file: %w", err)
				}
				sp.size += int64(n + len(part))
			}
		}
		ss.runs = append(ss.runs, spoolRun{start, sp.size - start})
		ss.mem = nil
	}
	sp.memBytes = 0
	if err := sp.w.Flush(); err != nil {
		return fmt.Errorf("JUnit report: writing its temporary file: %w", err)
	}
	return nil
}

// each calls fn with the suite's items in id order.
func (sp *caseSpool) each(s *junitSuite, fn func(junitItem) error) error {
	ss := sp.suites[s]
	if ss == nil {
		return nil
	}
	slices.SortStableFunc(ss.mem, func(a, b junitItem) int { return cmp.Compare(a.id, b.id) })
	heads := make([]*runReader, 0, len(ss.runs)+1)
	for _, r := range ss.runs {
		rr := &runReader{r: bufio.NewReaderSize(io.NewSectionReader(sp.file, r.off, r.n), 16<<10)}
		if err := rr.next(); err != nil {
			return err
		}
		heads = append(heads, rr)
	}
	heads = append(heads, &runReader{mem: ss.mem})
	heads[len(heads)-1].next()
	for {
		best := -1
		for i, h := range heads {
			if h.ok && (best < 0 || h.cur.id < heads[best].cur.id) {
				best = i
			}
		}
		if best < 0 {
			return nil
		}
		if err := fn(heads[best].cur); err != nil {
			return err
		}
		if err := heads[best].next(); err != nil {
			return err
		}
	}
}

// close removes the temporary file.
func (sp *caseSpool) close() {
	if sp.file != nil {
		sp.file.Close()
		os.Remove(sp.file.Name())
		sp.file = nil
	}
}

// runReader reads one sorted run back, from the file or from memory.
type runReader struct {
	r   *bufio.Reader
	mem []junitItem
	cur junitItem
	ok  bool
}

func (rr *runReader) next() error {
	if rr.r == nil {
		rr.ok = len(rr.mem) > 0
		if rr.ok {
			rr.cur, rr.mem = rr.mem[0], rr.mem[1:]
		}
		return nil
	}
	id, err := readPart(rr.r)
	if err == io.EOF {
		rr.ok = false
		return nil
	}
	if err != nil {
		return err
	}
	x, err := readPart(rr.r)
	if err != nil {
		return err
	}
	rr.cur, rr.ok = junitItem{id: string(id), xml: x}, true
	return nil
}

func readPart(r *bufio.Reader) ([]byte, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	if n > 1<<30 {
		return nil, fmt.Errorf("JUnit report: its temporary file is damaged (a part of %d bytes)", n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("JUnit report: reading its temporary file: %w", err)
	}
	return b, nil
}
