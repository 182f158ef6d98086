package referee

import (
	"net/url"
	"strings"
	"sync"

	"github.com/clbcheck/clbcheck/spec"
)

// The fast path of judging. What kin-openapi and the x- constraints say of one value depends
// on the parameter (or list field) and the value alone, and a run sends the same values again
// and again (enums, the base request's values, every Tag entry), so the memo here keeps each
// verdict and judges a value once. The references are kinFindings, fieldFindings and
// notFindings, which judge afresh every time; a referee built with New uses the memo, one with
// the memo turned off (export_test.go) uses the references alone, and
// TestMemoMatchesTheReference compares the two on the catalogue, random requests and
// mutations of them.

// memoLimit bounds the verdicts kept; when it is reached the memo starts again empty, so its
// memory stays bounded whatever the run sends (random strings are rarely sent twice).
const memoLimit = 1 << 14

// memo maps a key to the findings of that value, with their Wire left empty (the name it was
// sent under is filled in by the caller).
type memo struct {
	mu    sync.RWMutex
	m     map[memoKey][]Finding
	limit int
}

// memoKey is what a verdict is about: which judgement, of what (a parameter's name or a
// list field's path), and the value.
type memoKey struct {
	judgement   judgement
	what, value string
}

// judgement names the judgements kept in the memo.
type judgement uint8

const (
	judgeKin        judgement = iota // kin-openapi on one parameter's value
	judgeKinNotSent                  // kin-openapi on the parameters not sent (what: their names)
	judgeNot                         // a parameter's not (what: its path)
	judgeField                       // a list field's value (what: its path)
)

func newMemo(limit int) *memo { return &memo{m: make(map[memoKey][]Finding), limit: limit} }

func (c *memo) get(key memoKey) ([]Finding, bool) {
	c.mu.RLock()
	fs, ok := c.m[key]
	c.mu.RUnlock()
	return fs, ok
}

func (c *memo) put(key memoKey, fs []Finding) {
	c.mu.Lock()
	if len(c.m) >= c.limit {
		clear(c.m)
	}
	c.m[key] = fs
	c.mu.Unlock()
}

// withWire copies fs with wire as the name sent.
func withWire(fs []Finding, wire string) []Finding {
	if len(fs) == 0 {
		return nil
	}
	out := make([]Finding, len(fs))
	for i, f := range fs {
		f.Wire = wire
		out[i] = f
	}
	return out
}

// fieldFindingsMemo is fieldFindings through the memo.
func (r *Referee) fieldFindingsMemo(f *spec.Parameter, wire, value string) []Finding {
	if r.memo == nil {
		return r.fieldFindings(f, wire, value)
	}
	key := memoKey{judgeField, f.Path, value}
	if fs, ok := r.memo.get(key); ok {
		return withWire(fs, wire)
	}
	fs := r.fieldFindings(f, "", value)
	r.memo.put(key, fs)
	return withWire(fs, wire)
}

// notFindingsMemo is notFindings through the memo, for a parameter's value as handed over.
func (r *Referee) notFindingsMemo(path, wire string, value any, text string) []Finding {
	if r.memo == nil || r.nots[path] == nil {
		return r.notFindings(path, wire, value)
	}
	key := memoKey{judgeNot, path, text}
	if fs, ok := r.memo.get(key); ok {
		return withWire(fs, wire)
	}
	fs := r.notFindings(path, "", value)
	r.memo.put(key, fs)
	return withWire(fs, wire)
}

// kinFindingsMemo is kinFindings through the memo. kin-openapi judges each parameter on its
// own, so the values it has judged before are taken from the memo and only the others are
// handed to it, parameter by parameter (kinParamFindings); what it says of the parameters that
// were not sent (required) depends only on which were not sent, and is kept under that list.
func (r *Referee) kinFindingsMemo(handed []handedValue, first map[string]string) []Finding {
	if r.memo == nil {
		return r.kinFindings(handedValues(handed), first)
	}
	var out []Finding
	var fresh []handedValue
	for _, h := range handed {
		if fs, ok := r.memo.get(memoKey{judgeKin, h.p.Name, h.value}); ok {
			out = append(out, withWire(fs, h.p.Name)...)
			continue
		}
		fresh = append(fresh, h)
	}
	notSent := memoKey{judgeKinNotSent, r.notSent(first), ""}
	missing, known := r.memo.get(notSent)
	if !known {
		missing = r.kinFindings(url.Values{}, first)
		r.memo.put(notSent, missing)
	}
	out = append(out, missing...)
	if len(fresh) == 0 {
		return out
	}
	byName := map[string][]Finding{}
	for _, f := range r.kinParamFindings(handedValues(fresh), first) {
		f.Wire = ""
		byName[f.Param] = append(byName[f.Param], f)
	}
	for _, h := range fresh {
		fs := byName[h.p.Name]
		r.memo.put(memoKey{judgeKin, h.p.Name, h.value}, fs)
		out = append(out, withWire(fs, h.p.Name)...)
	}
	return out
}

// notSent lists the required parameters (by their OpenAPI parameter) that were not sent, in
// a fixed order: what kin-openapi says of parameters it was not handed depends on that list
// alone (it says nothing of an optional parameter not sent, nor of one sent but not handed
// over, whose spelling was judged already).
func (r *Referee) notSent(first map[string]string) string {
	var b strings.Builder
	for _, name := range r.kinRequired {
		if _, ok := first[name]; !ok {
			b.WriteString(name)
			b.WriteByte(',')
		}
	}
	return b.String()
}
