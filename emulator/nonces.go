package emulator

import (
	"hash/maphash"
	"sync"
	"time"
)

// nonceResult is what the replay cache says of a nonce.
type nonceResult int

const (
	nonceFresh nonceResult = iota // first seen: recorded
	nonceUsed                     // seen before, and still inside its window
	nonceFull                     // fresh, but the cache holds its maximum: not recorded
)

// nonceCache remembers nonces until a time given with each. It forgets a nonce only when that
// time has passed, never to make room: when it holds max nonces, a fresh one is refused
// (nonceFull) until some expire, so a replay inside its window is always caught whatever the
// load. Memory stays bounded by max.
//
// A nonce is kept as a 128-bit keyed hash of its access key and value (two maphash seeds of
// the process): about 60 bytes each whatever the length of the nonce. A collision, which an
// outsider cannot aim for without the seeds, would only refuse a request as a replay.
type nonceCache struct {
	mu    sync.Mutex
	seeds [2]maphash.Seed
	seen  map[nonceKey]int64 // expiry, Unix microseconds (any year a timestamp can name)
	heap  []nonceEntry       // the same entries, soonest expiry first
	max   int
}

type nonceKey [2]uint64

type nonceEntry struct {
	expires int64
	key     nonceKey
}

func newNonceCache(max int) *nonceCache {
	if max <= 0 {
		max = defaultMaxNonces
	}
	return &nonceCache{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, seen: map[nonceKey]int64{}, max: max}
}

func (c *nonceCache) key(keyID, nonce string) nonceKey {
	var k nonceKey
	for i, seed := range c.seeds {
		var h maphash.Hash
		h.SetSeed(seed)
		h.WriteString(keyID)
		h.WriteByte(0)
		h.WriteString(nonce)
		k[i] = h.Sum64()
	}
	return k
}

// use records the nonce of a key until the given time and reports what it was.
func (c *nonceCache) use(keyID, nonce string, now, until time.Time) nonceResult {
	k := c.key(keyID, nonce)
	n, exp := now.UnixMicro(), until.UnixMicro()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expire(n)
	if e, ok := c.seen[k]; ok && n < e {
		return nonceUsed
	}
	if len(c.seen) >= c.max {
		return nonceFull
	}
	c.seen[k] = exp
	c.push(nonceEntry{exp, k})
	return nonceFresh
}

// expire forgets the nonces whose time has come. Callers hold mu.
func (c *nonceCache) expire(now int64) {
	for len(c.heap) > 0 && c.heap[0].expires <= now {
		top := c.pop()
		if c.seen[top.key] == top.expires {
			delete(c.seen, top.key)
		}
	}
	// A heap that has shrunk a lot keeps its array; give the memory back.
	if cap(c.heap) > 1024 && len(c.heap) < cap(c.heap)/4 {
		c.heap = append([]nonceEntry(nil), c.heap...)
	}
}

func (c *nonceCache) push(e nonceEntry) {
	c.heap = append(c.heap, e)
	for i := len(c.heap) - 1; i > 0; {
		parent := (i - 1) / 2
		if c.heap[parent].expires <= c.heap[i].expires {
			break
		}
		c.heap[parent], c.heap[i] = c.heap[i], c.heap[parent]
		i = parent
	}
}

func (c *nonceCache) pop() nonceEntry {
	top := c.heap[0]
	last := len(c.heap) - 1
	c.heap[0] = c.heap[last]
	c.heap = c.heap[:last]
	for i := 0; ; {
		small, l, r := i, 2*i+1, 2*i+2
		if l < last && c.heap[l].expires < c.heap[small].expires {
			small = l
		}
		if r < last && c.heap[r].expires < c.heap[small].expires {
			small = r
		}
		if small == i {
			break
		}
		c.heap[i], c.heap[small] = c.heap[small], c.heap[i]
		i = small
	}
	return top
}

func (c *nonceCache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}
