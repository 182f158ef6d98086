package main

import (
	"fmt"
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"sync"
	"time"
)

// profilers are the profiles a command can write, each named by the environment variable
// that gives its file.
var profilers = []struct {
	env   string
	start func(path string) (func(), error)
}{
	{cpuProfileEnv, startCPUProfile},
	{memProfileEnv, startMemProfile},
}

// startProfiles starts every profile whose variable is set and returns the function that ends
// them, the last started first. An error names the variable whose file cannot be created, and
// nothing is left running.
func startProfiles() (func(), error) {
	var stops []func()
	stopAll := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	for _, p := range profilers {
		stop, err := p.start(os.Getenv(p.env))
		if err != nil {
			stopAll()
			return nil, fmt.Errorf("%s: %w", p.env, err)
		}
		stops = append(stops, stop)
	}
	return stopAll, nil
}

// cpuProfileEnv names a file to write a CPU profile of the whole command into (go tool pprof
// reads it): where a run spends its time, from process start to exit.
const cpuProfileEnv = "CLBCHECK_CPUPROFILE"

// startCPUProfile starts profiling into path (nothing when path is empty) and returns the
// function that ends it.
func startCPUProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

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
