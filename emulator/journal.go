package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"strconv"
)

// The journal records state changes entity by entity: a region, a load balancer (without its
// listeners and groups), a listener, a server group, a certificate, an ACL, a TLS policy. A
// put carries the entity's whole JSON, a delete only where it was; replaying puts and deletes
// in order rebuilds the state.

// Kinds of journalled entities.
const (
	kindRegion   = "region"
	kindLB       = "loadBalancer"
	kindListener = "listener"
	kindGroup    = "group"
	kindCert     = "certificate"
	kindACL      = "acl"
	kindTLS      = "tlsPolicy"
)

// batch is one line of the journal: what one request changed.
type batch struct {
	N   uint64   `json:"n"`
	Seq uint64   `json:"seq"`
	Ops []change `json:"ops"`
}

// change is a put or a delete of one entity.
type change struct {
	Kind    string          `json:"kind"`
	Account string          `json:"account"`
	Region  string          `json:"region"`
	LB      string          `json:"lb,omitempty"` // the instance of a listener or group
	ID      string          `json:"id,omitempty"`
	Port    int             `json:"port,omitempty"`
	Delete  bool            `json:"delete,omitempty"`
	Value   json.RawMessage `json:"value,omitempty"`
}

// encode renders the batch as a journal line: the CRC-32 of the JSON in hex, a space, the
// JSON, a newline.
func (b batch) encode() ([]byte, error) {
	data, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	line := make([]byte, 0, len(data)+10)
	line = fmt.Appendf(line, "%08x ", crc32.ChecksumIEEE(data))
	line = append(line, data...)
	return append(line, '\n'), nil
}

func decodeBatch(line []byte) (batch, error) {
	var b batch
	if len(line) == 0 || line[len(line)-1] != '\n' {
		return b, errors.New("the line is cut short")
	}
	line = line[:len(line)-1]
	if len(line) < 10 || line[8] != ' ' {
		return b, errors.New("the line has no checksum")
	}
	sum, err := strconv.ParseUint(string(line[:8]), 16, 32)
	if err != nil || uint32(sum) != crc32.ChecksumIEEE(line[9:]) {
		return b, errors.New("the checksum does not match")
	}
	if err := json.Unmarshal(line[9:], &b); err != nil {
		return b, err
	}
	return b, nil
}

// apply replays the batch on st.
func (b batch) apply(st *persisted) error {
	st.Seq = max(st.Seq, b.Seq)
	for _, c := range b.Ops {
		if err := c.apply(st); err != nil {
			return fmt.Errorf("%s %s: %v", c.Kind, c.where(), err)
		}
	}
	return nil
}

func (c change) where() string {
	switch c.Kind {
	case kindListener:
		return fmt.Sprintf("%d of %s", c.Port, c.LB)
	case kindRegion:
		return c.Account + "/" + c.Region
	}
	return c.ID
}

func (c change) apply(st *persisted) error {
	if c.Kind == kindRegion {
		if c.Delete {
			if a := st.Accounts[c.Account]; a != nil {
				delete(a.Regions, c.Region)
			}
			return nil
		}
		st.region(c.Account, c.Region, true)
		return nil
	}
	r := st.region(c.Account, c.Region, true)
	switch c.Kind {
	case kindLB:
		return applyLB(r, c)
	case kindListener, kindGroup:
		lb := r.LoadBalancers[c.LB]
		if lb == nil {
			return fmt.Errorf("its load balancer %s does not exist", c.LB)
		}
		if c.Kind == kindListener {
			return putOrDelete(lb.Listeners, c.Port, c)
		}
		return putOrDelete(lb.Groups, c.ID, c)
	case kindCert:
		return putOrDelete(r.Certificates, c.ID, c)
	case kindACL:
		return putOrDelete(r.ACLs, c.ID, c)
	case kindTLS:
		return putOrDelete(r.TLSPolicies, c.ID, c)
	}
	return fmt.Errorf("unknown kind %q", c.Kind)
}

// applyLB puts or deletes an instance; a put keeps the listeners and groups it already has.
func applyLB(r *regionState, c change) error {
	if c.Delete {
		delete(r.LoadBalancers, c.ID)
		return nil
	}
	lb := new(instance)
	if err := json.Unmarshal(c.Value, lb); err != nil {
		return err
	}
	lb.Listeners, lb.Groups = map[int]*listener{}, map[string]*serverGroup{}
	if old := r.LoadBalancers[c.ID]; old != nil {
		lb.Listeners, lb.Groups = old.Listeners, old.Groups
	}
	r.LoadBalancers[c.ID] = lb
	return nil
}

func putOrDelete[K comparable, T any](m map[K]*T, key K, c change) error {
	if c.Delete {
		delete(m, key)
		return nil
	}
	v := new(T)
	if err := json.Unmarshal(c.Value, v); err != nil {
		return err
	}
	m[key] = v
	return nil
}

// checkState refuses a state that decodes but cannot be served: a null or mislabelled entity,
// a listener port out of range. It fills in the empty maps a hand-written file may leave out,
// and moves the id counter past every id in use so that no id is handed out twice.
func checkState(st *persisted) error {
	bump := func(id string) {
		if n, ok := idSeq(id); ok && n > st.Seq {
			st.Seq = n
		}
	}
	for an, a := range st.Accounts {
		if a == nil || a.Regions == nil {
			return fmt.Errorf("account %s has no regions", an)
		}
		for rn, r := range a.Regions {
			if r == nil {
				return fmt.Errorf("account %s: region %s is null", an, rn)
			}
			fillRegion(r)
			where := "account " + an + ", region " + rn
			for id, lb := range r.LoadBalancers {
				if err := checkLB(id, lb); err != nil {
					return fmt.Errorf("%s: %v", where, err)
				}
				bump(id)
				for gid := range lb.Groups {
					bump(gid)
				}
			}
			for _, err := range []error{checkIDs(r.Certificates, bump), checkIDs(r.ACLs, bump), checkIDs(r.TLSPolicies, bump)} {
				if err != nil {
					return fmt.Errorf("%s: %v", where, err)
				}
			}
		}
	}
	return nil
}

func fillRegion(r *regionState) {
	if r.LoadBalancers == nil {
		r.LoadBalancers = map[string]*instance{}
	}
	if r.Certificates == nil {
		r.Certificates = map[string]*certificate{}
	}
	if r.ACLs == nil {
		r.ACLs = map[string]*acl{}
	}
	if r.TLSPolicies == nil {
		r.TLSPolicies = map[string]*tlsPolicy{}
	}
}

func checkLB(id string, lb *instance) error {
	switch {
	case lb == nil:
		return fmt.Errorf("load balancer %s is null", id)
	case lb.ID != id:
		return fmt.Errorf("load balancer %s has the id %q", id, lb.ID)
	}
	if lb.Listeners == nil {
		lb.Listeners = map[int]*listener{}
	}
	if lb.Groups == nil {
		lb.Groups = map[string]*serverGroup{}
	}
	for port, l := range lb.Listeners {
		switch {
		case l == nil:
			return fmt.Errorf("listener %d of load balancer %s is null", port, id)
		case l.Port != port:
			return fmt.Errorf("listener %d of load balancer %s has the port %d", port, id, l.Port)
		case port < 1 || port > 65535:
			return fmt.Errorf("load balancer %s has a listener on port %d, outside 1-65535", id, port)
		}
		if l.Attributes == nil {
			l.Attributes = map[string]string{}
		}
	}
	for gid, g := range lb.Groups {
		if g == nil || g.ID != gid {
			return fmt.Errorf("server group %s of load balancer %s is null or has another id", gid, id)
		}
	}
	return nil
}

// identified is an entity stored under its id.
type identified interface {
	*certificate | *acl | *tlsPolicy
}

func checkIDs[T identified](m map[string]T, bump func(string)) error {
	for id, v := range m {
		if v == nil {
			return fmt.Errorf("%s is null", id)
		}
		if got := entityID(v); got != id {
			return fmt.Errorf("%s has the id %q", id, got)
		}
		bump(id)
	}
	return nil
}

func entityID[T identified](v T) string {
	switch x := any(v).(type) {
	case *certificate:
		return x.ID
	case *acl:
		return x.ID
	case *tlsPolicy:
		return x.ID
	}
	return ""
}

// tokens splits the parameter values of a request into the words that could be ids or ports
// (runs of letters, digits and "-_.").
func tokens(values map[string][]string) []string {
	var out []string
	for _, vs := range values {
		for _, v := range vs {
			start := -1
			for i := 0; i <= len(v); i++ {
				if i < len(v) && isIDByte(v[i]) {
					if start < 0 {
						start = i
					}
					continue
				}
				if start >= 0 {
					out = append(out, v[start:i])
					start = -1
				}
			}
		}
	}
	return out
}

func isIDByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.'
}

// marshalLB is the JSON of an instance without its listeners and groups.
func marshalLB(lb *instance) (json.RawMessage, error) {
	meta := *lb
	meta.Listeners, meta.Groups = nil, nil
	return json.Marshal(&meta)
}
