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
// time has passed, never to make room: when it holds max entries, a fresh nonce is refused
// (nonceFull) until some expire, so a replay inside its window is always caught whatever the
// load. It follows the rules of plainNonces, its reference (a differential test compares them):
// entries leave in the order they came, each once it and every older entry have expired (a
// request dated ahead of the clock, whose nonce is kept longer, can hold the space of younger
// entries until it expires, never their nonces).
//
// Each entry is 16 bytes: a 64-bit keyed hash of the access key and the nonce (maphash, seeded
// at random for each cache) and the expiry. Entries sit in a ring in arrival order, which grows
// by doubling up to the power of two at or above max and shrinks when mostly empty; an
// open-addressing index of 4-byte ring positions, twice the ring's size, finds them by hash. At
// the bound that is 24 bytes a nonce, whatever its length: 48 MiB for the default 2^21.
//
// Two different nonces with the same hash count as one: the second is refused as a replay
// (SignatureNonceUsed), never is a replay let through. With n entries held, a fresh nonce meets
// that with probability at most n/2^64 (about 1.1e-13 at 2^21 entries), and a run of a million
// cases (about 1.5 million requests, all inside one window) with probability below 1e-7. An
// outsider cannot aim for a collision: the seed never leaves the process.
type nonceCache struct {
	mu    sync.Mutex
	seed  maphash.Seed
	ring  []nonceEntry // arrival order from head, n entries, wrapping; len is a power of two
	head  int
	n     int
	index []uint32 // ring position + 1 of the newest entry of each hash, 0 when free; len 2*len(ring)
	max   int
}

type nonceEntry struct {
	hash    uint64
	expires int64 // Unix microseconds (any year a timestamp can name)
}

// minNonceRing is the smallest ring: below it the cache does not shrink.
const minNonceRing = 1024

func newNonceCache(max int) *nonceCache {
	if max <= 0 {
		max = defaultMaxNonces
	}
	c := &nonceCache{seed: maphash.MakeSeed(), max: max}
	c.resize(min(minNonceRing, c.ringLimit()))
	return c
}

// ringLimit is the largest ring: the power of two at or above max.
func (c *nonceCache) ringLimit() int {
	size := 1
	for size < c.max {
		size *= 2
	}
	return size
}

func (c *nonceCache) hash(keyID, nonce string) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(keyID)
	h.WriteByte(0)
	h.WriteString(nonce)
	return h.Sum64()
}

// use records the nonce of a key until the given time and reports what it was.
func (c *nonceCache) use(keyID, nonce string, now, until time.Time) nonceResult {
	h := c.hash(keyID, nonce)
	n, exp := now.UnixMicro(), until.UnixMicro()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expire(n)
	slot, pos := c.find(h)
	if pos >= 0 && n < c.ring[pos].expires {
		return nonceUsed
	}
	if c.n >= c.max {
		return nonceFull
	}
	if c.n == len(c.ring) {
		c.resize(2 * len(c.ring))
		slot, _ = c.find(h)
	}
	at := (c.head + c.n) & (len(c.ring) - 1)
	c.ring[at] = nonceEntry{h, exp}
	c.n++
	c.index[slot] = uint32(at + 1) // a free slot, or the one of an expired entry of the same hash
	return nonceFresh
}

// find gives the index slot of a hash and the ring position of its newest entry, or the free
// slot where it belongs and -1. Callers hold mu.
func (c *nonceCache) find(h uint64) (slot, pos int) {
	mask := len(c.index) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		v := c.index[i]
		if v == 0 {
			return i, -1
		}
		if c.ring[v-1].hash == h {
			return i, int(v - 1)
		}
	}
}

// expire forgets the oldest entries while their time has come. Callers hold mu.
func (c *nonceCache) expire(now int64) {
	mask := len(c.ring) - 1
	for c.n > 0 && c.ring[c.head].expires <= now {
		if slot, pos := c.find(c.ring[c.head].hash); pos == c.head {
			c.unindex(slot)
		} // else a newer entry of the same nonce holds the slot
		c.head = (c.head + 1) & mask
		c.n--
	}
	// A ring that has emptied a lot gives the memory back.
	if len(c.ring) > minNonceRing && c.n < len(c.ring)/4 {
		c.resize(len(c.ring) / 2)
	}
}

// unindex frees an index slot, moving later entries of its probe run back so that every
// entry stays reachable from its home slot (deletion in linear probing without tombstones).
// Callers hold mu.
func (c *nonceCache) unindex(free int) {
	mask := len(c.index) - 1
	for j := (free + 1) & mask; c.index[j] != 0; j = (j + 1) & mask {
		home := int(c.ring[c.index[j]-1].hash) & mask
		// The entry at j may move to free unless its home lies cyclically in (free, j].
		if (j-home)&mask >= (j-free)&mask {
			c.index[free] = c.index[j]
			free = j
		}
	}
	c.index[free] = 0
}

// resize moves the entries into a ring of the given size (a power of two holding them all) and
// rebuilds the index. Callers hold mu.
func (c *nonceCache) resize(size int) {
	ring := make([]nonceEntry, size)
	for i := range c.n {
		ring[i] = c.ring[(c.head+i)&(len(c.ring)-1)]
	}
	c.ring, c.head = ring, 0
	c.index = make([]uint32, 2*size)
	for i := range c.n {
		// In arrival order: a newer entry of a hash takes the slot of an older one.
		slot, _ := c.find(ring[i].hash)
		c.index[slot] = uint32(i + 1)
	}
}

func (c *nonceCache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
