package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Persistence. With Config.StateFile = P the emulator keeps three files:
//
//	P          the snapshot: the whole state as JSON (the shape Snapshot returns) and the
//	           number of the last journal batch it includes.
//	P.journal  the journal: one line per request that changed the state since the snapshot,
//	           what it changed entity by entity, written before the answer and flushed to
//	           disk (fsync) before the answer is sent. Requests in flight together share one
//	           flush, so a change costs a few hundred bytes and a share of an fsync, whatever
//	           the size of the state.
//	P.lock     held (flock) while an emulator has P open, with that emulator's process id.
//
// At start the snapshot is read, the journal replayed on it, the result checked entity by
// entity, written out as a new snapshot and the journal emptied. The same compaction runs when
// the journal grows past twice the snapshot, and at Close. A write or flush that fails leaves
// the store broken: every later change is answered InternalError.

// ErrCorruptState is wrapped by the error New returns when the state file cannot be read.
var ErrCorruptState = errors.New("emulator: state file is corrupt or truncated")

// ErrStateInUse is wrapped by the error New returns when another emulator holds the state file.
var ErrStateInUse = errors.New("emulator: the state file is in use by another emulator")

var (
	errLocked      = errors.New("locked")
	errStoreClosed = errors.New("emulator: closed")
)

// Suffixes of the files next to the state file.
const (
	journalSuffix = ".journal"
	lockSuffix    = ".lock"
	// minCompact is the journal size below which no compaction runs.
	minCompact = 4 << 20
)

// store keeps the state on disk.
type store struct {
	path          string
	lock, journal *os.File

	// Guarded by the emulator's mu.
	sh        *shadow
	last      uint64 // number of the last journal batch written
	size      int64  // bytes in the journal
	compactAt int64
	closed    bool

	gen atomic.Uint64 // changes reported (changed); read without the emulator's mu

	mu       sync.Mutex // guards appended, synced and broken
	appended uint64     // last batch handed to the journal file
	synced   uint64     // last batch known to be on disk
	broken   error
	syncMu   sync.Mutex // one fsync at a time
}

// openStore takes the state file for this process and loads the state from it.
func openStore(path string) (*store, *persisted, error) {
	if err := checkStateDir(path); err != nil {
		return nil, nil, err
	}
	s := &store{path: path}
	if err := s.takeLock(); err != nil {
		return nil, nil, err
	}
	st, err := s.load()
	if err != nil {
		s.release()
		return nil, nil, err
	}
	s.sh = newShadow(st)
	if err := s.compact(st); err != nil {
		s.release()
		return nil, nil, fmt.Errorf("emulator: writing state file %s: %w", path, err)
	}
	return s, st, nil
}

// checkStateDir refuses a state file whose directory does not exist, at start rather than at
// the first write.
func checkStateDir(path string) error {
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("emulator: state file %s: directory %s does not exist; create it first", path, dir)
	case err != nil:
		return fmt.Errorf("emulator: state file %s: %w", path, err)
	case !fi.IsDir():
		return fmt.Errorf("emulator: state file %s: %s is not a directory", path, dir)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("emulator: state file %s is a directory", path)
	}
	return nil
}

// takeLock locks P.lock for this process and writes its id into it.
func (s *store) takeLock() error {
	name := s.path + lockSuffix
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("emulator: state file %s: cannot open its lock file: %w", s.path, err)
	}
	if err := lockFile(f); err != nil {
		holder := "another process"
		if b, rerr := os.ReadFile(name); rerr == nil && len(bytes.TrimSpace(b)) > 0 {
			holder = "process " + string(bytes.TrimSpace(b))
		}
		_ = f.Close()
		if errors.Is(err, errLocked) {
			return fmt.Errorf("%w: %s is held by %s (lock %s); stop that emulator or give this one another state file", ErrStateInUse, s.path, holder, name)
		}
		return fmt.Errorf("emulator: state file %s: cannot lock %s: %w", s.path, name, err)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	s.lock = f
	return nil
}

// release closes the files and gives the lock up.
func (s *store) release() {
	if s.journal != nil {
		_ = s.journal.Close()
	}
	if s.lock != nil {
		_ = s.lock.Truncate(0)
		_ = unlockFile(s.lock)
		_ = s.lock.Close()
	}
}

// load reads the snapshot and replays the journal on it; temporary files a killed emulator
// left are removed (the lock says no other emulator is writing them).
func (s *store) load() (*persisted, error) {
	s.removeOrphans()
	corrupt := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s (move %s and %s away, or delete them, to start empty)", ErrCorruptState, s.path,
			fmt.Sprintf(format, args...), s.path, s.path+journalSuffix)
	}
	snap := snapshotFile{persisted: newState()}
	data, err := os.ReadFile(s.path)
	exists := err == nil
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("emulator: reading state file %s: %w", s.path, err)
	default:
		if err := json.Unmarshal(data, &snap); err != nil {
			return nil, corrupt("%v", err)
		}
		if snap.Version != stateVersion {
			return nil, corrupt("version %d, this emulator writes version %d", snap.Version, stateVersion)
		}
	}
	st := snap.persisted
	if st.Accounts == nil {
		st.Accounts = map[string]*accountState{}
	}
	s.journal, err = os.OpenFile(s.path+journalSuffix, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("emulator: state file %s: cannot open its journal: %w", s.path, err)
	}
	s.last = snap.Journal
	if exists {
		// Without its snapshot a journal means nothing: the state starts empty.
		if s.last, err = s.replay(st, snap.Journal); err != nil {
			return nil, corrupt("%v", err)
		}
	}
	if err := checkState(st); err != nil {
		return nil, corrupt("%v", err)
	}
	s.appended, s.synced = s.last, s.last
	return st, nil
}

// snapshotFile is the content of the state file.
type snapshotFile struct {
	*persisted
	// Journal is the number of the last journal batch the snapshot includes.
	Journal uint64 `json:"journal,omitempty"`
}

// removeOrphans deletes the temporary files of the state file.
func (s *store) removeOrphans() {
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(s.path), tempPrefix(s.path)+"*"))
	for _, m := range matches {
		_ = os.Remove(m)
	}
}

func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// replay applies the journal batches numbered after `after` to st and returns the last one.
func (s *store) replay(st *persisted, after uint64) (uint64, error) {
	data, err := os.ReadFile(s.path + journalSuffix)
	if err != nil {
		return 0, err
	}
	last := after
	lines := bytes.SplitAfter(data, []byte{'\n'})
	for i, line := range lines {
		b, err := decodeBatch(line)
		if err != nil {
			// The tail of a write cut short was never acknowledged; damage before a good
			// line is corruption.
			if intactAfter(lines[i+1:]) {
				return 0, fmt.Errorf("journal line %d: %v", i+1, err)
			}
			break
		}
		if b.N <= after {
			continue
		}
		if b.N <= last {
			return 0, fmt.Errorf("journal line %d: batch %d comes after batch %d", i+1, b.N, last)
		}
		if err := b.apply(st); err != nil {
			return 0, fmt.Errorf("journal line %d: %v", i+1, err)
		}
		last = b.N
	}
	return last, nil
}

func intactAfter(lines [][]byte) bool {
	for _, l := range lines {
		if _, err := decodeBatch(l); err == nil {
			return true
		}
	}
	return false
}

// changed records that the state changed (persist calls it with the emulator's mu held); a
// broken store refuses, so that the caller undoes the change.
func (s *store) changed() error {
	if s == nil {
		return nil
	}
	s.gen.Add(1)
	return s.err()
}

func (s *store) err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.broken
}

// fail breaks the store for good.
func (s *store) fail(err error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.broken == nil {
		s.broken = err
	}
	return s.broken
}

// record writes what a request changed to the journal (the emulator's mu held) and returns
// the batch to wait for: the request's own, or the last one written when an earlier batch
// already holds its change. tokens are the words of the request's parameters.
func (s *store) record(st *persisted, tokens []string) (uint64, error) {
	if err := s.err(); err != nil {
		return 0, err
	}
	ops, err := s.sh.diff(st, tokens)
	if err != nil {
		return 0, s.fail(err)
	}
	if len(ops) == 0 {
		return s.last, nil
	}
	b := batch{N: s.last + 1, Seq: st.Seq, Ops: ops}
	line, err := b.encode()
	if err != nil {
		return 0, s.fail(err)
	}
	n, err := s.journal.Write(line)
	s.size += int64(n)
	if err != nil {
		return 0, s.fail(fmt.Errorf("writing the journal: %w", pathless(err)))
	}
	s.last = b.N
	s.mu.Lock()
	s.appended = b.N
	s.mu.Unlock()
	if s.size > s.compactAt {
		if err := s.compact(st); err != nil {
			return 0, s.fail(err)
		}
	}
	return b.N, nil
}

// await returns once batch n is on disk. Whoever flushes flushes everything written so far,
// so requests that arrive together share one fsync.
func (s *store) await(n uint64) error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	s.mu.Lock()
	broken, done, target := s.broken, s.synced >= n, s.appended
	s.mu.Unlock()
	if broken != nil || done {
		return broken
	}
	if err := s.journal.Sync(); err != nil {
		return s.fail(fmt.Errorf("flushing the journal: %w", pathless(err)))
	}
	s.mu.Lock()
	s.synced = max(s.synced, target)
	s.mu.Unlock()
	return nil
}

// compact writes the whole state as the snapshot and empties the journal (the emulator's mu
// held, or before the emulator serves).
func (s *store) compact(st *persisted) error {
	data, err := json.MarshalIndent(snapshotFile{persisted: st, Journal: s.last}, "", " ")
	if err != nil {
		return err
	}
	if err := writeFileSynced(s.path, data); err != nil {
		return err
	}
	// Batches up to s.last are in the snapshot now: a crash before the truncation leaves
	// them in the journal, where loading skips them.
	if err := s.journal.Truncate(0); err != nil {
		return fmt.Errorf("emptying the journal: %w", pathless(err))
	}
	s.size, s.compactAt = 0, max(minCompact, 2*int64(len(data)))
	s.mu.Lock()
	s.synced = max(s.synced, s.appended)
	s.mu.Unlock()
	return nil
}

// close writes a last snapshot and gives the files up (the emulator's mu held).
func (s *store) close(st *persisted) error {
	if s.closed {
		return nil
	}
	s.closed = true
	var err error
	if s.err() == nil {
		err = s.compact(st)
	}
	_ = s.fail(errStoreClosed)
	s.release()
	return err
}

// writeFileSynced replaces path with data so that a crash at any moment leaves either the old
// or the new file: a temporary file in the same directory, flushed to disk, renamed over the
// old one, then the directory flushed.
func writeFileSynced(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, tempPrefix(path)+"*")
	if err != nil {
		return fmt.Errorf("writing the state file: %w", pathless(err))
	}
	name := tmp.Name()
	fail := func(err error) error {
		_ = tmp.Close()
		_ = os.Remove(name)
		return fmt.Errorf("writing the state file: %w", pathless(err))
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(name, path); err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("writing the state file: %w", pathless(err))
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// pathless drops the file name from an error, which answers to clients must not show.
func pathless(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return fmt.Errorf("%s: %w", le.Op, le.Err)
	}
	return err
}

// idSeq reads the sequence number nextID put into an id ("" prefix, 8 hex digits of a hash of
// the number, then the number in hex); ok is false for an id of another shape.
func idSeq(id string) (uint64, bool) {
	tail := id[strings.LastIndexByte(id, '-')+1:]
	if len(tail) <= 8 {
		return 0, false
	}
	hash, err1 := strconv.ParseUint(tail[:8], 16, 32)
	seq, err2 := strconv.ParseUint(tail[8:], 16, 64)
	if err1 != nil || err2 != nil || uint32(seq*0x9e3779b1) != uint32(hash) {
		return 0, false
	}
	return seq, true
}
