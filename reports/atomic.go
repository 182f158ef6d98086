package reports

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sync"

	"github.com/clbcheck/clbcheck/contracts"
)

// Report files are never seen half written. Each is written to a temporary file in its own
// directory and renamed over its path once complete. When the run begins, the path first
// receives a complete report that says the run did not finish, so that a process stopped at
// once (a second Ctrl-C, a kill) leaves a valid report saying so, never an empty or stale
// file; RemoveUnfinished removes the temporary files of such a process.

// notFinished is the abort cause of the report a path holds until the run's own replaces it.
const notFinished = "the run did not finish: it was stopped before it wrote this report (a second interrupt, or the process was killed); no case is recorded"

// atomicFile is a report being written: tmp is renamed to path by commit.
type atomicFile struct {
	path  string
	tmp   *os.File
	begun bool // the run began: the path holds a placeholder, and the file a report
}

var (
	unfinishedMu sync.Mutex
	unfinished   = map[*atomicFile]bool{}
)

// createAtomic opens a temporary file beside path.
func createAtomic(path string) (*atomicFile, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	af := &atomicFile{path: path, tmp: tmp}
	unfinishedMu.Lock()
	unfinished[af] = true
	unfinishedMu.Unlock()
	return af, nil
}

// commit closes the temporary file and renames it over the path, unless writing failed
// (werr): then the temporary file is removed and the path keeps what it had.
func (af *atomicFile) commit(werr error) error {
	unfinishedMu.Lock()
	delete(unfinished, af)
	unfinishedMu.Unlock()
	err := errors.Join(werr, af.tmp.Sync(), af.tmp.Close())
	if !af.begun {
		// The run never began: nothing to replace the path with.
		_ = os.Remove(af.tmp.Name())
		return err
	}
	if err == nil {
		err = os.Chmod(af.tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(af.tmp.Name(), af.path)
	}
	if err != nil {
		_ = os.Remove(af.tmp.Name())
	}
	return err
}

// RemoveUnfinished removes the temporary files of reports still being written, for a process
// about to exit at once; their paths keep the report saying the run did not finish.
func RemoveUnfinished() {
	unfinishedMu.Lock()
	defer unfinishedMu.Unlock()
	for af := range unfinished {
		_ = af.tmp.Close()
		_ = os.Remove(af.tmp.Name())
		delete(unfinished, af)
	}
}

// writeAtomic replaces path with data through a temporary file.
func writeAtomic(path string, data []byte) error {
	af, err := createAtomic(path)
	if err != nil {
		return err
	}
	_, werr := af.tmp.Write(data)
	af.begun = true
	return af.commit(werr)
}

// placeholder is a file's reporter that, when the run begins, first puts at the path a
// complete report of the format saying the run did not finish.
type placeholder struct {
	contracts.Reporter
	f  format
	af *atomicFile
}

func (p placeholder) Begin(m contracts.Meta) error {
	var buf bytes.Buffer
	r := p.f.make(&buf)
	if err := errors.Join(r.Begin(m), r.End(contracts.Summary{Aborted: true, AbortCause: notFinished, StoppedBy: contracts.StoppedByInterrupt}, contracts.Coverage{})); err != nil {
		return err
	}
	if err := writeAtomic(p.af.path, buf.Bytes()); err != nil {
		return err
	}
	p.af.begun = true
	return p.Reporter.Begin(m)
}
