package emulator

import (
	"fmt"
	"sort"
	"time"
)

// stateVersion is written into state files; a file of another version is refused.
const stateVersion = 1

// persisted is everything the emulator has been asked to create, in the shape of the state
// file (and of Snapshot); callers observe it through the API.
type persisted struct {
	Version  int                      `json:"version"`
	Seq      uint64                   `json:"seq"`
	Accounts map[string]*accountState `json:"accounts"`
}

// accountState holds one account's resources per region.
type accountState struct {
	Regions map[string]*regionState `json:"regions"`
}

// regionState holds the resources of one account in one region.
type regionState struct {
	LoadBalancers map[string]*instance    `json:"loadBalancers"`
	Certificates  map[string]*certificate `json:"certificates"`
	ACLs          map[string]*acl         `json:"acls"`
	TLSPolicies   map[string]*tlsPolicy   `json:"tlsPolicies"`
}

// instance is a CLB instance.
type instance struct {
	ID          string                  `json:"id"`
	Name        string                  `json:"name"`
	AddressType string                  `json:"addressType"`
	IPVersion   string                  `json:"ipVersion"`
	Spec        string                  `json:"spec"` // empty: shared performance
	Zone        string                  `json:"zone"`
	Address     string                  `json:"address"`
	Created     time.Time               `json:"created"`
	Listeners   map[int]*listener       `json:"listeners"`
	Groups      map[string]*serverGroup `json:"groups"`
	Tags        []tag                   `json:"tags,omitempty"`
	// What CreateLoadBalancer was given besides, for the Describe answers (absent in state
	// files of earlier versions, which then read as their defaults).
	VpcID              string `json:"vpcId,omitempty"`
	VSwitchID          string `json:"vSwitchId,omitempty"`
	SlaveZone          string `json:"slaveZone,omitempty"`
	InstanceChargeType string `json:"instanceChargeType,omitempty"`
	InternetChargeType string `json:"internetChargeType,omitempty"`
	Bandwidth          int    `json:"bandwidth,omitempty"`
}

// shared reports whether the instance is of the shared-performance kind.
func (lb *instance) shared() bool { return lb.Spec == "" }

// serverGroup is a VServer group or a master-slave server group.
type serverGroup struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	MasterSlave bool   `json:"masterSlave"`
	Backends    string `json:"backends,omitempty"`
}

// certificate is a server or CA certificate.
type certificate struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	CA           bool      `json:"ca"`
	StandardType string    `json:"standardType"`
	Fingerprint  string    `json:"fingerprint"`
	CommonName   string    `json:"commonName"`
	Expires      time.Time `json:"expires"`
	Created      time.Time `json:"created"`
	PEM          string    `json:"pem"`
	Tags         []tag     `json:"tags,omitempty"`
	AltNames     []string  `json:"altNames,omitempty"` // DNS names of the certificate
	KeyAlgorithm string    `json:"keyAlgorithm,omitempty"`
	KeyBits      int       `json:"keyBits,omitempty"`
}

// acl is an access control list.
type acl struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	IPVersion string     `json:"ipVersion"`
	Entries   []aclEntry `json:"entries"`
	Tags      []tag      `json:"tags,omitempty"`
	Created   time.Time  `json:"created,omitempty"`
}

// aclEntry is one CIDR block of an ACL.
type aclEntry struct {
	Entry   string `json:"entry"`
	Comment string `json:"comment,omitempty"`
}

// tlsPolicy is a custom TLS cipher policy.
type tlsPolicy struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Versions []string  `json:"versions"`
	Ciphers  []string  `json:"ciphers"`
	Created  time.Time `json:"created"`
}

// listener is an HTTPS listener. Attributes holds every create parameter as sent, with the
// description's defaults for those not sent.
type listener struct {
	Port         int               `json:"port"`
	Protocol     string            `json:"protocol"`
	Attributes   map[string]string `json:"attributes"`
	ACLIDs       []string          `json:"aclIds,omitempty"`
	Certificates []certRef         `json:"certificates,omitempty"`
	Tags         []tag             `json:"tags,omitempty"`
	Running      bool              `json:"running"`
	PendingUntil time.Time         `json:"pendingUntil,omitempty"`
	Created      time.Time         `json:"created"`

	view orderedMap // what Describe shows of it but the status (see attributes); not stored
}

// certRef is a certificate bound to a listener.
type certRef struct {
	CertificateID string `json:"certificateId"`
	BindingType   string `json:"bindingType"`
	StandardType  string `json:"standardType"`
}

// tag is a key-value pair.
type tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func newState() *persisted {
	return &persisted{Version: stateVersion, Accounts: map[string]*accountState{}}
}

// region returns (creating when asked) an account's region.
func (s *persisted) region(account, region string, create bool) *regionState {
	a := s.Accounts[account]
	if a == nil {
		if !create {
			return nil
		}
		a = &accountState{Regions: map[string]*regionState{}}
		s.Accounts[account] = a
	}
	r := a.Regions[region]
	if r == nil {
		if !create {
			return nil
		}
		r = &regionState{LoadBalancers: map[string]*instance{}, Certificates: map[string]*certificate{}, ACLs: map[string]*acl{}, TLSPolicies: map[string]*tlsPolicy{}}
		a.Regions[region] = r
	}
	return r
}

// nextID returns a new resource id with a prefix; ids are unique across accounts.
func (s *persisted) nextID(prefix string) string {
	s.Seq++
	return fmt.Sprintf("%s%08x%x", prefix, uint32(s.Seq*0x9e3779b1), s.Seq)
}

// certificateOwner finds a certificate in any account of any region.
func (s *persisted) certificateOwner(id string) (account, region string, c *certificate) {
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
