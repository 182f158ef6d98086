package target

import (
	"context"
	"io"
	"runtime"
	"sync"
	"testing"
)

// endless is a body that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// Reading many oversized answers at once allocates about a prefix per answer plus the shared
// buffers, not an answer cap per reader: memory does not grow with workers times the cap.
func TestReadBodyMemoryIndependentOfReaders(t *testing.T) {
	const readers = 32
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var wg sync.WaitGroup
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body, tooLarge, err := readBody(context.Background(), io.LimitReader(endless{}, 50<<20), -1)
			if err != nil || !tooLarge || len(body) != bodyPrefix {
				t.Errorf("%d bytes, too large %v, %v", len(body), tooLarge, err)
			}
		}()
	}
	wg.Wait()
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	// Per reader: the prefix as io.ReadAll grows it (under 4 prefixes) and the copy kept; once:
	// the shared buffers. Reading each answer to the cap would take readers*MaxBody = 128 MiB.
	bound := uint64(readers*5*bodyPrefix + maxLargeReads*(MaxBody+1) + 4<<20)
	if allocated > bound {
		t.Fatalf("%d readers allocated %d bytes, more than %d", readers, allocated, bound)
	}
	t.Logf("%d readers of endless answers allocated %.1f MiB", readers, float64(allocated)/(1<<20))
}
