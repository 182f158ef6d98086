package main

import (
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"sync"
	"time"
)

// memProfileEnv names a file to write a heap profile into (go tool pprof reads it). The profile
// is the one of the largest live heap the command reached: what a long run holds at its worst.
const memProfileEnv = "CLBCHECK_MEMPROFILE"

// memSampleEvery is how often the live heap is read; reading it costs no collection.
const memSampleEvery = 500 * time.Millisecond

// startMemProfile watches the live heap (as the last garbage collection measured it) and writes
// the heap profile into path each time it has grown by an eighth over the largest seen; the
// returned function takes a last sample, writes the file a last time if needed and stops. Nothing
// is watched when path is empty. The file is created at once, so a wrong path fails early.
func startMemProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := &heapWatch{f: f, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(memSampleEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				w.check()
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			<-stopped
			w.check()
			if !w.written {
				w.write()
			}
			f.Close()
		})
	}, nil
}

// heapWatch keeps the largest live heap seen and writes the profile when it grows.
type heapWatch struct {
	f       *os.File
	sample  []metrics.Sample
	max     uint64
	written bool
}

func (w *heapWatch) check() {
	metrics.Read(w.sample)
	if w.sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	live := w.sample[0].Value.Uint64()
	if live <= w.max+w.max/8 {
		return
	}
	w.max = live
	w.write()
}

// write replaces the file's content with the current heap profile.
func (w *heapWatch) write() {
	if err := w.f.Truncate(0); err != nil {
		return
	}
	if _, err := w.f.Seek(0, 0); err != nil {
		return
	}
	w.written = pprof.Lookup("heap").WriteTo(w.f, 0) == nil
}
