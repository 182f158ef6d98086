package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// stateVersion is written into state files; a file of another version is refused.
const stateVersion = 1

// State is everything the emulator has been asked to create. It is exported only as the
// shape of the state file; callers observe it through the API.
type State struct {
	Version  int                      `json:"version"`
	Seq      uint64                   `json:"seq"`
	Accounts map[string]*AccountState `json:"accounts"`
}

// AccountState holds one account's resources per region.
type AccountState struct {
	Regions map[string]*RegionState `json:"regions"`
}

// RegionState holds the resources of one account in one region.
type RegionState struct {
	LoadBalancers map[string]*LoadBalancer `json:"loadBalancers"`
	Certificates  map[string]*Certificate  `json:"certificates"`
	ACLs          map[string]*ACL          `json:"acls"`
	TLSPolicies   map[string]*TLSPolicy    `json:"tlsPolicies"`
}

// LoadBalancer is a CLB instance.
type LoadBalancer struct {
	ID          string                  `json:"id"`
	Name        string                  `json:"name"`
	AddressType string                  `json:"addressType"`
	IPVersion   string                  `json:"ipVersion"`
	Spec        string                  `json:"spec"` // empty: shared performance
	Zone        string                  `json:"zone"`
	Address     string                  `json:"address"`
	Created     time.Time               `json:"created"`
	Listeners   map[int]*Listener       `json:"listeners"`
	Groups      map[string]*ServerGroup `json:"groups"`
}

// shared reports whether the instance is of the shared-performance kind.
func (lb *LoadBalancer) shared() bool { return lb.Spec == "" }

// ServerGroup is a VServer group or a master-slave server group.
type ServerGroup struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	MasterSlave bool   `json:"masterSlave"`
	Backends    string `json:"backends,omitempty"`
}

// Certificate is a server or CA certificate.
type Certificate struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	CA           bool      `json:"ca"`
	StandardType string    `json:"standardType"`
	Fingerprint  string    `json:"fingerprint"`
	CommonName   string    `json:"commonName"`
	Expires      time.Time `json:"expires"`
	Created      time.Time `json:"created"`
	PEM          string    `json:"pem"`
}

// ACL is an access control list.
type ACL struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	IPVersion string     `json:"ipVersion"`
	Entries   []ACLEntry `json:"entries"`
}

// ACLEntry is one CIDR block of an ACL.
type ACLEntry struct {
	Entry   string `json:"entry"`
	Comment string `json:"comment,omitempty"`
}

// TLSPolicy is a custom TLS cipher policy.
type TLSPolicy struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Versions []string  `json:"versions"`
	Ciphers  []string  `json:"ciphers"`
	Created  time.Time `json:"created"`
}

// Listener is an HTTPS listener. Attributes holds every create parameter as sent, with the
// description's defaults for those not sent.
type Listener struct {
	Port         int               `json:"port"`
	Protocol     string            `json:"protocol"`
	Attributes   map[string]string `json:"attributes"`
	ACLIDs       []string          `json:"aclIds,omitempty"`
	Certificates []CertRef         `json:"certificates,omitempty"`
	Tags         []Tag             `json:"tags,omitempty"`
	Running      bool              `json:"running"`
	PendingUntil time.Time         `json:"pendingUntil,omitempty"`
	Created      time.Time         `json:"created"`
}

// CertRef is a certificate bound to a listener.
type CertRef struct {
	CertificateID string `json:"certificateId"`
	BindingType   string `json:"bindingType"`
	StandardType  string `json:"standardType"`
}

// Tag is a key-value pair.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func newState() *State {
	return &State{Version: stateVersion, Accounts: map[string]*AccountState{}}
}

// region returns (creating when asked) an account's region.
func (s *State) region(account, region string, create bool) *RegionState {
	a := s.Accounts[account]
	if a == nil {
		if !create {
			return nil
		}
		a = &AccountState{Regions: map[string]*RegionState{}}
		s.Accounts[account] = a
	}
	r := a.Regions[region]
	if r == nil {
		if !create {
			return nil
		}
		r = &RegionState{LoadBalancers: map[string]*LoadBalancer{}, Certificates: map[string]*Certificate{}, ACLs: map[string]*ACL{}, TLSPolicies: map[string]*TLSPolicy{}}
		a.Regions[region] = r
	}
	return r
}

// nextID returns a new resource id with a prefix; ids are unique across accounts.
func (s *State) nextID(prefix string) string {
	s.Seq++
	return fmt.Sprintf("%s%08x%x", prefix, uint32(s.Seq*0x9e3779b1), s.Seq)
}

// certificateOwner finds a certificate in any account of any region.
func (s *State) certificateOwner(id string) (account, region string, c *Certificate) {
	for _, an := range sortedKeys(s.Accounts) {
		for _, rn := range sortedKeys(s.Accounts[an].Regions) {
			if c := s.Accounts[an].Regions[rn].Certificates[id]; c != nil {
				return an, rn, c
			}
		}
	}
	return "", "", nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ErrCorruptState is wrapped by the error New returns when the state file cannot be read.
var ErrCorruptState = errors.New("emulator: state file is corrupt or truncated")

// loadState reads a state file; a missing file is an empty state.
func loadState(path string) (*State, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return newState(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("emulator: reading state file %s: %w", path, err)
	}
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("%w: %s: %v (move it away or delete it to start empty)", ErrCorruptState, path, err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("%w: %s: version %d, this emulator writes version %d", ErrCorruptState, path, st.Version, stateVersion)
	}
	if st.Accounts == nil {
		st.Accounts = map[string]*AccountState{}
	}
	for _, a := range st.Accounts {
		if a == nil || a.Regions == nil {
			return nil, fmt.Errorf("%w: %s: an account entry has no regions", ErrCorruptState, path)
		}
		for _, r := range a.Regions {
			if r == nil {
				return nil, fmt.Errorf("%w: %s: an empty region entry", ErrCorruptState, path)
			}
			if r.LoadBalancers == nil {
				r.LoadBalancers = map[string]*LoadBalancer{}
			}
			if r.Certificates == nil {
				r.Certificates = map[string]*Certificate{}
			}
			if r.ACLs == nil {
				r.ACLs = map[string]*ACL{}
			}
			if r.TLSPolicies == nil {
				r.TLSPolicies = map[string]*TLSPolicy{}
			}
			for _, lb := range r.LoadBalancers {
				if lb == nil {
					return nil, fmt.Errorf("%w: %s: an empty load balancer entry", ErrCorruptState, path)
				}
				if lb.Listeners == nil {
					lb.Listeners = map[int]*Listener{}
				}
				if lb.Groups == nil {
					lb.Groups = map[string]*ServerGroup{}
				}
			}
		}
	}
	return &st, nil
}

// saveState writes the state so that a crash at any moment leaves either the old or the new
// file: write a temporary file in the same directory, flush it to disk, rename it over the
// old one, then flush the directory.
func saveState(path string, st *State) error {
	data, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("emulator: writing state: %w", err)
	}
	name := tmp.Name()
	fail := func(err error) error {
		_ = tmp.Close()
		_ = os.Remove(name)
		return fmt.Errorf("emulator: writing state: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("emulator: writing state: %w", err)
	}
	if err := os.Rename(name, path); err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("emulator: writing state: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
