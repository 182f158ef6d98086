package fuzz

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"time"
)

// Environment variables of the fuzz workers' CPU profile (see doc.go, "Where an exec's time
// goes").
const (
	EnvCPUProfile      = "CLBCHECK_FUZZ_CPUPROFILE"
	EnvCPUProfileDelay = "CLBCHECK_FUZZ_CPUPROFILE_DELAY"
	EnvCPUProfileFor   = "CLBCHECK_FUZZ_CPUPROFILE_FOR"
)

var profileOnce sync.Once

// profileWorker starts, on the first input a process runs, a CPU profile of that process when
// CLBCHECK_FUZZ_CPUPROFILE names a directory: go test -fuzz refuses -cpuprofile, and its
// workers are the processes that run the inputs. The profile begins after
// CLBCHECK_FUZZ_CPUPROFILE_DELAY (default 0, e.g. 10s to skip the baseline coverage), lasts
// CLBCHECK_FUZZ_CPUPROFILE_FOR (default 10s) and is written to <dir>/cpu-<pid>.prof, one
// file per worker; a worker that ends earlier leaves an empty file. It profiles the engine
// too (internal/fuzz, testing), which is the point: what an exec costs beside the target.
func profileWorker() {
	profileOnce.Do(func() {
		dir := os.Getenv(EnvCPUProfile)
		if dir == "" {
			return
		}
		delay, _ := time.ParseDuration(os.Getenv(EnvCPUProfileDelay))
		span, err := time.ParseDuration(os.Getenv(EnvCPUProfileFor))
		if err != nil || span <= 0 {
			span = 10 * time.Second
		}
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.prof", os.Getpid())))
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", EnvCPUProfile, err)
			return
		}
		time.AfterFunc(delay, func() {
			if err := pprof.StartCPUProfile(f); err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", EnvCPUProfile, err)
				f.Close()
				return
			}
			time.AfterFunc(span, func() { pprof.StopCPUProfile(); f.Close() })
		})
	})
}
