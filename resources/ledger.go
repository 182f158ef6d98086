package resources

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/clbcheck/clbcheck/target"
)

// The write-ahead ledger.
//
// The contract has no operation that lists load balancers, so a run that dies (killed, out of
// power, network gone) could leave resources nobody can find again. A Ledger prevents that: the
// fixtures write one JSON line per resource they create to a file, and fsync it, before the run
// goes on; every deletion adds another line. `clbcheck cleanup --run ID` reads the file and
// deletes what has no deletion line. Names of created resources carry clbcheck-<run id> as a
// second way to recognise them in a console.
//
// Every load balancer, server certificate, CA certificate, ACL and custom TLS policy the run
// creates gets a created line and, once removed, a deleted line; the creates of the fixtures,
// and the certificates, ACLs and policies of cases' set-up calls, get an intent line before
// the request. Lines (op):
//
//	intent     a create is about to be sent: action, name, region (written before the request)
//	created    a resource exists: the delete action and its parameters, region, principal
//	abandoned  the create of an intent was refused, so nothing exists under its name
//	manual     written by earlier versions for certificates and ACLs, which had no delete
//	           operation then: the create action and the id; read as a created line
//	deleted    the created (or manual) line "of" was deleted (or was already gone)
//
// An intent whose name appears on neither a created nor an abandoned line is a resource that
// may exist without a known id (the process died, or the connection broke, between the request
// and the answer).

// Ledger operations.
const (
	LedgerIntent  = "intent"
	LedgerCreated = "created"
	LedgerManual  = "manual"
	LedgerDeleted = "deleted"
	// LedgerAbandoned follows an intent whose create was refused: nothing was made.
	LedgerAbandoned = "abandoned"
)

// LedgerParam is one parameter of a ledger line.
type LedgerParam struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Raw   bool   `json:"raw,omitempty"`
}

// LedgerEntry is one line of a ledger.
type LedgerEntry struct {
	Op        string        `json:"op"`
	Seq       int64         `json:"seq"`
	Run       string        `json:"run"`
	Time      time.Time     `json:"time"`
	Principal string        `json:"principal,omitempty"`
	Action    string        `json:"action,omitempty"` // intent, manual: the create action; created: the delete action
	Name      string        `json:"name,omitempty"`   // the name the resource was given, when known
	ID        string        `json:"id,omitempty"`     // manual: the id of the resource
	Params    []LedgerParam `json:"params,omitempty"` // created: what the delete action takes
	Region    string        `json:"region,omitempty"`
	Of        int64         `json:"of,omitempty"` // deleted: the seq of the created line
}

// KVs returns the parameters of a created line as request parameters.
func (e LedgerEntry) KVs() []target.KV {
	out := make([]target.KV, len(e.Params))
	for i, p := range e.Params {
		out[i] = target.KV(p)
	}
	return out
}

// Ledger appends entries to a file, one JSON line each, synced to disk before Append returns.
// A nil *Ledger records nothing. It is safe for concurrent use.
type Ledger struct {
	mu   sync.Mutex
	f    *os.File
	path string
	seq  int64
	err  error
}

// OpenLedger opens (creating it and its directory if needed) a ledger file for appending.
// Sequence numbers continue after those already in the file.
func OpenLedger(path string) (*Ledger, error) {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("cannot create the ledger directory: %w", err)
		}
	}
	var last int64
	if entries, _, err := readLedgerLines(path); err == nil {
		for _, e := range entries {
			last = max(last, e.Seq)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open the ledger: %w", err)
	}
	// A line cut short by a crash must not swallow the next one.
	if raw, err := os.ReadFile(path); err == nil && len(raw) > 0 && raw[len(raw)-1] != '\n' {
		if _, err := f.Write([]byte{'\n'}); err != nil {
			f.Close()
			return nil, fmt.Errorf("cannot write the ledger: %w", err)
		}
	}
	return &Ledger{f: f, path: path, seq: last}, nil
}

// Path is the file the ledger writes to.
func (l *Ledger) Path() string {
	if l == nil {
		return ""
	}
	return l.path
}

// Err returns the first write error, if any (entries after it may be missing).
func (l *Ledger) Err() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Close closes the file.
func (l *Ledger) Close() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return l.err
	}
	err := l.f.Close()
	l.f = nil
	return errors.Join(l.err, err)
}

// Append writes e with the next sequence number and the current time, and syncs the file.
func (l *Ledger) Append(e LedgerEntry) (int64, error) {
	if l == nil {
		return 0, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return 0, fmt.Errorf("ledger %s is closed", l.path)
	}
	l.seq++
	e.Seq = l.seq
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	line, err := json.Marshal(e)
	if err == nil {
		_, err = l.f.Write(append(line, '\n'))
	}
	if err == nil {
		err = l.f.Sync()
	}
	if err != nil {
		err = fmt.Errorf("writing the ledger %s: %w", l.path, err)
		if l.err == nil {
			l.err = err
		}
		return 0, err
	}
	return e.Seq, nil
}

// MarkDeleted records that the created line seq of run is gone.
func (l *Ledger) MarkDeleted(run string, seq int64) error {
	if seq == 0 {
		return nil
	}
	_, err := l.Append(LedgerEntry{Op: LedgerDeleted, Run: run, Of: seq})
	return err
}

func ledgerParams(kvs []target.KV) []LedgerParam {
	out := make([]LedgerParam, len(kvs))
	for i, kv := range kvs {
		out[i] = LedgerParam(kv)
	}
	return out
}

func (l *Ledger) intent(run, principal, action, name, region string) {
	_, _ = l.Append(LedgerEntry{Op: LedgerIntent, Run: run, Principal: principal, Action: action, Name: name, Region: region})
}

func (l *Ledger) created(run, principal, name, action string, params []target.KV, region string) int64 {
	seq, _ := l.Append(LedgerEntry{Op: LedgerCreated, Run: run, Principal: principal, Name: name, Action: action, Params: ledgerParams(params), Region: region})
	return seq
}

// LedgerState is what a ledger says remains of one run.
type LedgerState struct {
	// Pending are created lines without a deletion, oldest first.
	Pending []LedgerEntry
	// Unconfirmed are intents whose resource was never recorded as created: it may exist,
	// under the name given, with an id nobody knows.
	Unconfirmed []LedgerEntry
	// Manual are resources recorded without a delete operation that clbcheck knows (none
	// today: a manual line of an earlier version names a certificate or an ACL, which is
	// listed in Pending with its delete operation).
	Manual []LedgerEntry
	// Runs are the run ids found in the file, in order of appearance.
	Runs []string
	// Skipped counts lines that could not be read (a line torn by a crash, say).
	Skipped int
}

// ReadLedger reads a ledger file and returns what remains of run ("" for every run).
func ReadLedger(path, run string) (*LedgerState, error) {
	entries, skipped, err := readLedgerLines(path)
	if err != nil {
		return nil, err
	}
	st := &LedgerState{Skipped: skipped}
	seen := map[string]bool{}
	gone := map[int64]bool{}
	named := map[string]bool{}
	for _, e := range entries {
		if !seen[e.Run] {
			seen[e.Run] = true
			st.Runs = append(st.Runs, e.Run)
		}
		if run != "" && e.Run != run {
			continue
		}
		switch e.Op {
		case LedgerDeleted:
			gone[e.Of] = true
		case LedgerCreated, LedgerAbandoned:
			if e.Name != "" {
				named[e.Name] = true
			}
		}
	}
	for _, e := range entries {
		if run != "" && e.Run != run {
			continue
		}
		switch e.Op {
		case LedgerCreated:
			if !gone[e.Seq] {
				st.Pending = append(st.Pending, e)
			}
		case LedgerIntent:
			if e.Name == "" || !named[e.Name] {
				st.Unconfirmed = append(st.Unconfirmed, e)
			}
		case LedgerManual:
			if d, ok := usedResources[e.Action]; ok && e.ID != "" {
				if !gone[e.Seq] {
					e.Action, e.Params = d.action, []LedgerParam{{Name: d.idParam, Value: e.ID}}
					st.Pending = append(st.Pending, e)
				}
			} else {
				st.Manual = append(st.Manual, e)
			}
		}
	}
	return st, nil
}

func readLedgerLines(path string) ([]LedgerEntry, int, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, fmt.Errorf("cannot read the ledger: %w", err)
	}
	var out []LedgerEntry
	skipped := 0
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var e LedgerEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil || e.Op == "" {
			skipped++
			continue
		}
		out = append(out, e)
	}
	return out, skipped, nil
}
