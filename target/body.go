package target

import (
	"context"
	"io"
)

// Reading answers with bounded memory. Answers of the service are a few kilobytes; a hostile
// or broken target may send megabytes, or never stop. Every answer is read up to bodyPrefix
// bytes on its own; only what goes beyond waits for one of maxLargeReads shared buffers of
// MaxBody+1 bytes. So however many workers a run has, answers being read hold at most
// maxLargeReads * (MaxBody+1) bytes beyond their first bodyPrefix, and an answer that
// announces more than MaxBody is not read beyond its prefix at all.
const (
	bodyPrefix    = 64 << 10
	maxLargeReads = 2
)

// largeBufs hands out the shared buffers; a nil entry is allocated on first use.
var largeBufs = func() chan []byte {
	c := make(chan []byte, maxLargeReads)
	for range maxLargeReads {
		c <- nil
	}
	return c
}()

// readBody reads an answer of announced length (-1: unknown). It returns the body, or only
// its first bodyPrefix bytes with tooLarge set when it is longer than MaxBody. The body
// returned is a slice of its own, never a shared buffer.
func readBody(ctx context.Context, r io.Reader, length int64) (body []byte, tooLarge bool, err error) {
	if length > MaxBody {
		head, err := readAllLimited(r, bodyPrefix)
		return head, true, err
	}
	if length > 0 && length <= bodyPrefix {
		// Read into a buffer of the announced size at once, and look for more in its one
		// spare byte: a body longer than announced is read on.
		buf := make([]byte, length, length+1)
		n, err := io.ReadFull(r, buf)
		if err != nil {
			return buf[:n], false, eofIsEnd(err)
		}
		if _, err := io.ReadFull(r, buf[length:length+1]); err != nil {
			return buf, false, eofIsEnd(err)
		}
		return readLarge(ctx, r, buf[:length+1])
	}
	head, err := readAllLimited(r, bodyPrefix+1)
	if err != nil || len(head) <= bodyPrefix {
		return head, false, err
	}
	return readLarge(ctx, r, head)
}

// readLarge goes on reading an answer longer than bodyPrefix (head is what was read) in a
// shared buffer, waiting for one when all are taken.
func readLarge(ctx context.Context, r io.Reader, head []byte) ([]byte, bool, error) {
	var buf []byte
	select {
	case buf = <-largeBufs:
	case <-ctx.Done():
		return head[:min(len(head), bodyPrefix)], false, ctx.Err()
	}
	defer func() { largeBufs <- buf }()
	if buf == nil {
		buf = make([]byte, MaxBody+1)
	}
	n := copy(buf, head)
	m, err := fill(r, buf[n:])
	n += m
	if err != nil {
		return cut(buf[:n], bodyPrefix), false, err
	}
	if n > MaxBody {
		return cut(buf[:n], bodyPrefix), true, nil
	}
	return cut(buf[:n], n), false, nil
}

// cut returns a copy of the first n bytes of b at most.
func cut(b []byte, n int) []byte {
	return append([]byte(nil), b[:min(n, len(b))]...)
}

// readAllLimited reads at most n bytes of r, growing its buffer as io.ReadAll does.
func readAllLimited(r io.Reader, n int64) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, n))
}

// eofIsEnd treats the end of the body as success.
func eofIsEnd(err error) error {
	if err == io.EOF {
		return nil
	}
	return err
}

// fill reads r into b until b is full or r ends; the end of r is no error.
func fill(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, eofIsEnd(err)
		}
	}
	return n, nil
}
