package emulator

import (
	"encoding/json"
	"hash/maphash"
	"strconv"
)

// shadow is what the journal holds, as pointers into the state: which entities exist, and
// which object each key held when it was last written. Finding what a request changed is then
// a walk of the top-level maps, comparing keys and pointers, plus a look at the entities the
// request names:
//
//   - an entity added, removed or replaced by another object shows in the walk (listeners and
//     groups: in the walk of a named instance, since every operation on them names it);
//   - an entity changed in place is named by the request: the operations address what they
//     change by its id (LoadBalancerId, AclId, ServerCertificateId, ...) and a listener by its
//     instance and port. The named entities are written again, changed or not.
//
// The cost of a change is the number of top-level entities (instances, certificates, ACLs,
// policies) plus the size of what the request names; listeners count only in their instance.
type shadow struct {
	regions map[regionKey]*shadowRegion
	index   map[string]entityRef // id of an instance, group, certificate, ACL or policy
	// sums holds a hash of the JSON last written for each entity, so that an entity named
	// again but unchanged is not written again.
	sums map[changeKey]uint64
	seed maphash.Seed
}

type regionKey struct{ account, region string }

// entityRef says where an entity lives.
type entityRef struct {
	kind string
	at   regionKey
	lb   string // the instance of a group
}

type shadowRegion struct {
	lbs   map[string]*shadowLB
	certs map[string]*certificate
	acls  map[string]*acl
	tls   map[string]*tlsPolicy
}

type shadowLB struct {
	ptr       *instance
	listeners map[int]*listener
	groups    map[string]*serverGroup
}

// newShadow describes st as written.
func newShadow(st *persisted) *shadow {
	sh := &shadow{regions: map[regionKey]*shadowRegion{}, index: map[string]entityRef{}, sums: map[changeKey]uint64{}, seed: maphash.MakeSeed()}
	d := &differ{sh: sh, silent: true}
	_ = d.walk(st) // silent: nothing is marshalled, nothing fails
	return sh
}

// differ collects the changes of one request.
type differ struct {
	sh     *shadow
	silent bool // only bring the shadow up to date (loading)
	ops    []change
	put    map[changeKey]bool
	ports  map[int]bool
}

type changeKey struct {
	kind string
	id   string
	port int
}

// diff returns the changes that bring the journal to st, tokens being the words of the request
// that made them.
func (sh *shadow) diff(st *persisted, tokens []string) ([]change, error) {
	d := &differ{sh: sh, put: map[changeKey]bool{}}
	if err := d.walk(st); err != nil {
		return nil, err
	}
	d.ports = map[int]bool{}
	for _, t := range tokens {
		if p, err := strconv.Atoi(t); err == nil {
			d.ports[p] = true
		}
	}
	for _, t := range tokens {
		if err := d.named(st, t); err != nil {
			return nil, err
		}
	}
	return d.ops, nil
}

// walk compares the regions and the top-level maps of st with the shadow.
func (d *differ) walk(st *persisted) error {
	live := 0
	for an, a := range st.Accounts {
		for rn, r := range a.Regions {
			live++
			at := regionKey{an, rn}
			sr := d.sh.regions[at]
			if sr == nil {
				sr = &shadowRegion{lbs: map[string]*shadowLB{}, certs: map[string]*certificate{}, acls: map[string]*acl{}, tls: map[string]*tlsPolicy{}}
				d.sh.regions[at] = sr
				d.emit(change{Kind: kindRegion, Account: an, Region: rn}, nil)
			}
			if err := d.walkLBs(at, r, sr); err != nil {
				return err
			}
			for _, err := range []error{walkFlat(d, at, kindCert, r.Certificates, sr.certs), walkFlat(d, at, kindACL, r.ACLs, sr.acls),
				walkFlat(d, at, kindTLS, r.TLSPolicies, sr.tls)} {
				if err != nil {
					return err
				}
			}
		}
	}
	if live == len(d.sh.regions) {
		return nil
	}
	for at, sr := range d.sh.regions {
		if a := st.Accounts[at.account]; a == nil || a.Regions[at.region] == nil {
			d.dropRegion(at, sr)
		}
	}
	return nil
}

func (d *differ) dropRegion(at regionKey, sr *shadowRegion) {
	for id, slb := range sr.lbs {
		d.unindexLB(id, slb)
	}
	for kind, m := range map[string]map[string]bool{kindCert: keysOf(sr.certs), kindACL: keysOf(sr.acls), kindTLS: keysOf(sr.tls)} {
		for id := range m {
			delete(d.sh.index, id)
			delete(d.sh.sums, changeKey{kind: kind, id: "/" + id})
		}
	}
	delete(d.sh.regions, at)
	d.emit(change{Kind: kindRegion, Account: at.account, Region: at.region, Delete: true}, nil)
}

func keysOf[T any](m map[string]T) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// walkLBs compares the instances of a region: a new or replaced one is written whole.
func (d *differ) walkLBs(at regionKey, r *regionState, sr *shadowRegion) error {
	for id, lb := range r.LoadBalancers {
		if slb := sr.lbs[id]; slb == nil || slb.ptr != lb {
			if err := d.writeLB(at, lb, sr); err != nil {
				return err
			}
		}
	}
	if len(r.LoadBalancers) == len(sr.lbs) {
		return nil
	}
	for id, slb := range sr.lbs {
		if r.LoadBalancers[id] == nil {
			d.unindexLB(id, slb)
			delete(sr.lbs, id)
			d.emit(change{Kind: kindLB, Account: at.account, Region: at.region, ID: id, Delete: true}, nil)
		}
	}
	return nil
}

func (d *differ) unindexLB(id string, slb *shadowLB) {
	delete(d.sh.index, id)
	delete(d.sh.sums, changeKey{kind: kindLB, id: "/" + id})
	for gid := range slb.groups {
		delete(d.sh.index, gid)
		delete(d.sh.sums, changeKey{kind: kindGroup, id: id + "/" + gid})
	}
	for port := range slb.listeners {
		delete(d.sh.sums, changeKey{kind: kindListener, id: id + "/", port: port})
	}
}

// writeLB writes an instance with all its listeners and groups.
func (d *differ) writeLB(at regionKey, lb *instance, sr *shadowRegion) error {
	if old := sr.lbs[lb.ID]; old != nil {
		d.unindexLB(lb.ID, old)
	}
	slb := &shadowLB{ptr: lb, listeners: map[int]*listener{}, groups: map[string]*serverGroup{}}
	sr.lbs[lb.ID] = slb
	d.sh.index[lb.ID] = entityRef{kind: kindLB, at: at}
	if err := d.putLB(at, lb); err != nil {
		return err
	}
	return d.walkChildren(at, lb, slb, true)
}

func (d *differ) putLB(at regionKey, lb *instance) error {
	if d.silent || d.put[changeKey{kind: kindLB, id: lb.ID}] {
		return nil
	}
	v, err := marshalLB(lb)
	if err != nil {
		return err
	}
	d.put[changeKey{kind: kindLB, id: lb.ID}] = true
	d.emit(change{Kind: kindLB, Account: at.account, Region: at.region, ID: lb.ID}, v)
	return nil
}

// walkChildren compares the listeners and groups of an instance with the shadow: added,
// replaced and (with all) named ones are written, removed ones deleted.
func (d *differ) walkChildren(at regionKey, lb *instance, slb *shadowLB, all bool) error {
	for port, l := range lb.Listeners {
		if slb.listeners[port] != l || all || d.ports[port] {
			slb.listeners[port] = l
			if err := d.putChild(change{Kind: kindListener, Account: at.account, Region: at.region, LB: lb.ID, Port: port}, l); err != nil {
				return err
			}
		}
	}
	for port := range slb.listeners {
		if lb.Listeners[port] == nil {
			delete(slb.listeners, port)
			d.emit(change{Kind: kindListener, Account: at.account, Region: at.region, LB: lb.ID, Port: port, Delete: true}, nil)
		}
	}
	for gid, g := range lb.Groups {
		slb.groups[gid] = g
		d.sh.index[gid] = entityRef{kind: kindGroup, at: at, lb: lb.ID}
		if err := d.putChild(change{Kind: kindGroup, Account: at.account, Region: at.region, LB: lb.ID, ID: gid}, g); err != nil {
			return err
		}
	}
	for gid := range slb.groups {
		if lb.Groups[gid] == nil {
			delete(slb.groups, gid)
			delete(d.sh.index, gid)
			d.emit(change{Kind: kindGroup, Account: at.account, Region: at.region, LB: lb.ID, ID: gid, Delete: true}, nil)
		}
	}
	return nil
}

// putChild writes a listener or group once per batch.
func (d *differ) putChild(c change, v any) error {
	if d.silent {
		return nil
	}
	k := changeKey{kind: c.Kind, id: c.LB + "/" + c.ID, port: c.Port}
	if d.put[k] {
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	d.put[k] = true
	d.emit(c, raw)
	return nil
}

// walkFlat compares a map of certificates, ACLs or policies with the shadow.
func walkFlat[T any](d *differ, at regionKey, kind string, cur, old map[string]*T) error {
	for id, v := range cur {
		if old[id] != v {
			old[id] = v
			d.sh.index[id] = entityRef{kind: kind, at: at}
			if err := d.putFlat(at, kind, id, v); err != nil {
				return err
			}
		}
	}
	if len(cur) == len(old) {
		return nil
	}
	for id := range old {
		if cur[id] == nil {
			delete(old, id)
			delete(d.sh.index, id)
			d.emit(change{Kind: kind, Account: at.account, Region: at.region, ID: id, Delete: true}, nil)
		}
	}
	return nil
}

func (d *differ) putFlat(at regionKey, kind, id string, v any) error {
	k := changeKey{kind: kind, id: id}
	if d.silent || d.put[k] {
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	d.put[k] = true
	d.emit(change{Kind: kind, Account: at.account, Region: at.region, ID: id}, raw)
	return nil
}

// named writes again the entity a word of the request names, if it still exists.
func (d *differ) named(st *persisted, token string) error {
	ref, ok := d.sh.index[token]
	if !ok {
		return nil
	}
	a := st.Accounts[ref.at.account]
	if a == nil || a.Regions[ref.at.region] == nil {
		return nil
	}
	r, sr := a.Regions[ref.at.region], d.sh.regions[ref.at]
	switch ref.kind {
	case kindLB:
		if lb, slb := r.LoadBalancers[token], sr.lbs[token]; lb != nil && slb != nil {
			if err := d.putLB(ref.at, lb); err != nil {
				return err
			}
			return d.walkChildren(ref.at, lb, slb, false)
		}
	case kindGroup:
		if lb := r.LoadBalancers[ref.lb]; lb != nil && lb.Groups[token] != nil {
			return d.putChild(change{Kind: kindGroup, Account: ref.at.account, Region: ref.at.region, LB: ref.lb, ID: token}, lb.Groups[token])
		}
	case kindCert:
		if v := r.Certificates[token]; v != nil {
			return d.putFlat(ref.at, ref.kind, token, v)
		}
	case kindACL:
		if v := r.ACLs[token]; v != nil {
			return d.putFlat(ref.at, ref.kind, token, v)
		}
	case kindTLS:
		if v := r.TLSPolicies[token]; v != nil {
			return d.putFlat(ref.at, ref.kind, token, v)
		}
	}
	return nil
}

// emit adds a change to the batch, unless it puts what the journal already holds.
func (d *differ) emit(c change, v json.RawMessage) {
	if d.silent {
		return
	}
	k := changeKey{kind: c.Kind, id: c.LB + "/" + c.ID, port: c.Port}
	switch {
	case c.Delete:
		delete(d.sh.sums, k)
	case v != nil:
		sum := maphash.Bytes(d.sh.seed, v)
		if old, ok := d.sh.sums[k]; ok && old == sum {
			return
		}
		d.sh.sums[k] = sum
	}
	c.Value = v
	d.ops = append(d.ops, c)
}
