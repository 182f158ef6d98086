package emulator

import "time"

// plainNonces is the reference the replay cache (nonceCache) is compared with by a
// differential test: the same rules written the obvious way, with the nonces as strings in a
// map and their entries in a queue in the order they came. It is not used to serve requests.
//
// The rules both follow: a nonce of a key is "used" while an entry for it holds an expiry after
// now; an entry leaves in arrival order, once its expiry and those of all older entries have
// passed; the cache holds at most max entries and refuses a fresh nonce (nonceFull) rather
// than forget one early.
type plainNonces struct {
	latest map[string]plainEntry // the newest entry of each nonce
	queue  []plainEntry          // arrival order
	seq    int                   // entries ever added
	max    int
}

type plainEntry struct {
	name    string
	expires int64 // Unix microseconds
	seq     int   // arrival number
}

func newPlainNonces(max int) *plainNonces {
	if max <= 0 {
		max = defaultMaxNonces
	}
	return &plainNonces{latest: map[string]plainEntry{}, max: max}
}

func (p *plainNonces) use(keyID, nonce string, now, until time.Time) nonceResult {
	name := keyID + "\x00" + nonce
	n := now.UnixMicro()
	for len(p.queue) > 0 && p.queue[0].expires <= n {
		old := p.queue[0]
		p.queue = p.queue[1:]
		if p.latest[old.name].seq == old.seq {
			delete(p.latest, old.name)
		}
	}
	if e, ok := p.latest[name]; ok && n < e.expires {
		return nonceUsed
	}
	if len(p.queue) >= p.max {
		return nonceFull
	}
	p.seq++
	e := plainEntry{name, until.UnixMicro(), p.seq}
	p.latest[name] = e
	p.queue = append(p.queue, e)
	return nonceFresh
}

func (p *plainNonces) size() int { return len(p.queue) }
