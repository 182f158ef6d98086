package contracts

import "sync"

// A RequestId names one request: two answers carrying the same one are a deviation the
// per-answer request-id check cannot see. The runner remembers the RequestIds of the last
// answers it judged and fails an answer whose RequestId one of them carried already.

// recentIDsKept bounds the RequestIds remembered, so that memory stays flat on long runs.
const recentIDsKept = 4096

// recentIDs is a bounded set of the RequestIds seen last, safe for concurrent use.
type recentIDs struct {
	mu   sync.Mutex
	set  map[string]struct{}
	ring []string // in arrival order, overwritten from next once full
	next int
}

// seen reports whether id came with an earlier answer still remembered, and remembers it.
func (r *recentIDs) seen(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.set[id]; ok {
		return true
	}
	if r.set == nil {
		r.set = make(map[string]struct{}, recentIDsKept)
		r.ring = make([]string, 0, recentIDsKept)
	}
	if len(r.ring) < recentIDsKept {
		r.ring = append(r.ring, id)
	} else {
		delete(r.set, r.ring[r.next])
		r.ring[r.next] = id
		r.next = (r.next + 1) % recentIDsKept
	}
	r.set[id] = struct{}{}
	return false
}
