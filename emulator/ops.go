package emulator

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/clbcheck/clbcheck/spec"
)

// Values the neighbouring operations store or compare.
const (
	standardCN            = "cn"
	standardInternational = "International"
	ipv4, ipv6            = "ipv4", "ipv6"
	protocolHTTPS         = "https"
	addressInternet       = "internet"
	timeLayout            = "2006-01-02T15:04:05Z"
)

// UploadServerCertificate's StandardType has the same wire name as the list field of the
// listener's ServerCertificate entries.
const paramStandardType = spec.FieldStandardType

func (e *Emulator) operations() map[string]opFunc {
	return map[string]opFunc{
		spec.ActionCreateHTTPSListener:     e.createListener,
		spec.ActionCreateLoadBalancer:      e.createLoadBalancer,
		spec.ActionDescribeLoadBalancer:    e.describeLoadBalancer,
		spec.ActionDeleteLoadBalancer:      e.deleteLoadBalancer,
		spec.ActionUploadServerCertificate: e.uploadServerCertificate,
		spec.ActionUploadCACertificate:     e.uploadCACertificate,
		spec.ActionCreateACL:               e.createACL,
		spec.ActionAddACLEntry:             e.addACLEntry,
		spec.ActionCreateVServerGroup:      e.createGroup(false),
		spec.ActionCreateMasterSlaveGroup:  e.createGroup(true),
		spec.ActionCreateTLSCipherPolicy:   e.createTLSPolicy,
		spec.ActionStartListener:           e.startListener,
		spec.ActionStopListener:            e.stopListener,
		spec.ActionDeleteListener:          e.deleteListener,
		spec.ActionDescribeHTTPSListener:   e.describeListener,
		spec.ActionDescribeListeners:       e.describeListeners,
		spec.ActionDescribeLoadBalancers:   e.describeLoadBalancers,
		spec.ActionSetHTTPSListener:        e.setListener,
		spec.ActionDescribeServerCerts:     e.describeServerCertificates,
		spec.ActionDeleteServerCertificate: e.deleteServerCertificate,
		spec.ActionDescribeCACertificates:  e.describeCACertificates,
		spec.ActionDeleteCACertificate:     e.deleteCACertificate,
		spec.ActionDeleteACL:               e.deleteACL,
		spec.ActionDeleteTLSCipherPolicy:   e.deleteTLSPolicy,
		spec.ActionDescribeACL:             e.describeACL,
		spec.ActionTagResources:            e.tagResources,
		spec.ActionUntagResources:          e.untagResources,
		spec.ActionListTagResources:        e.listTagResources,
		spec.ActionAddTags:                 e.addTagsOld,
		spec.ActionRemoveTags:              e.removeTagsOld,
		spec.ActionDescribeTags:            e.describeTags,
	}
}

// persist reports a change of the state to the state file, when one is configured; the
// change is written before the request is answered (Emulator.durable). Callers hold e.mu.
func (e *Emulator) persist() error {
	return e.store.changed()
}

// status is a listener's status now: a started listener reports starting until the
// configured delay has passed.
func (e *Emulator) status(l *listener) string {
	switch {
	case !l.Running:
		return spec.StatusStopped
	case e.now().Before(l.PendingUntil):
		return spec.StatusStarting
	default:
		return spec.StatusRunning
	}
}

// commit persists a change, undoing it when the file cannot be written.
func (e *Emulator) commit(undo func()) *apiError {
	if err := e.persist(); err != nil {
		undo()
		return e.gatewayError(spec.GatewayInternalError, err.Error())
	}
	return nil
}

func (e *Emulator) lbNotFound(id string) *apiError {
	return e.stateError(spec.StateLoadBalancerNotFound, "no load balancer "+id+" in this account and region")
}

// loadBalancer finds an instance of the caller. Callers hold e.mu.
func (e *Emulator) loadBalancer(req *request) (*regionState, *instance, *apiError) {
	id := req.value(spec.ParamLoadBalancerID)
	r, lb := e.findLB(req, id)
	if lb == nil {
		return nil, nil, e.lbNotFound(id)
	}
	return r, lb, nil
}

// findLB looks an instance up by id among the caller's regions, the request's region first.
// Instance ids are unique, and RegionId is optional on the wire, so a RegionId naming another
// region does not hide the instance; once found, the request is served in the instance's
// region (req.region is updated), which is where its certificates, ACLs and policies are
// looked up and which decides the region scenario. Callers hold e.mu.
func (e *Emulator) findLB(req *request, id string) (*regionState, *instance) {
	if r := e.state.region(req.caller.accountID, req.region, false); r != nil && r.LoadBalancers[id] != nil {
		return r, r.LoadBalancers[id]
	}
	acct := e.state.Accounts[req.caller.accountID]
	if acct == nil {
		return nil, nil
	}
	for _, name := range sortedKeys(acct.Regions) {
		if r := acct.Regions[name]; r.LoadBalancers[id] != nil {
			req.region = name
			return r, r.LoadBalancers[id]
		}
	}
	return nil, nil
}

func (e *Emulator) createLoadBalancer(req *request, op *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.state.region(req.caller.accountID, req.region, true)
	lb := &instance{
		ID:          e.state.nextID("lb-"),
		Name:        req.value(spec.ParamLoadBalancerName),
		AddressType: orDefault(req.value(spec.ParamAddressType), addressInternet),
		IPVersion:   orDefault(req.value(spec.ParamAddressIPVersion), ipv4),
		Spec:        req.value(spec.ParamLoadBalancerSpec),
		Zone:        orDefault(req.value(spec.ParamMasterZoneID), req.region+"-a"),
		Created:     e.now(),
		Listeners:   map[int]*listener{},
		Groups:      map[string]*serverGroup{},
		VpcID:       req.value(spec.ParamVpcID), VSwitchID: req.value(spec.ParamVSwitchID),
		SlaveZone:          req.value(spec.ParamSlaveZoneID),
		InstanceChargeType: req.value(spec.ParamInstanceChargeType),
		InternetChargeType: req.value(spec.ParamInternetChargeType),
		Bandwidth:          intOr(req.value(spec.ParamBandwidth), 0),
	}
	lb.Tags = requestTags(req, op)
	n := e.state.Seq
	if lb.IPVersion == ipv6 {
		lb.Address = fmt.Sprintf("2001:db8::%x", n&0xffff)
	} else {
		lb.Address = fmt.Sprintf("192.0.2.%d", n%250+1)
	}
	if lb.Name == "" {
		lb.Name = "auto_named_slb"
	}
	r.LoadBalancers[lb.ID] = lb
	if ae := e.commit(func() { delete(r.LoadBalancers, lb.ID) }); ae != nil {
		return nil, ae
	}
	return fields(
		kv{spec.FieldLoadBalancerID, lb.ID},
		kv{spec.FieldAddress, lb.Address},
		kv{spec.FieldNetworkType, lb.networkType()},
		kv{spec.FieldAddressIPVersion, lb.IPVersion},
		kv{spec.ParamVpcID, lb.VpcID},
		kv{spec.ParamVSwitchID, lb.VSwitchID},
		kv{spec.ParamLoadBalancerName, lb.Name},
		kv{spec.FieldResourceGroupID, resourceGroup(req.caller.accountID)},
		// The order that billed the instance; a pay-as-you-go instance has one too.
		kv{spec.FieldOrderID, int64(2_000_000_000_000) + int64(e.state.Seq)},
	), nil
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

func (e *Emulator) describeLoadBalancer(req *request, _ *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, lb, ae := e.loadBalancer(req)
	if ae != nil {
		return nil, ae
	}
	ports := []any{}
	pairs, pairsOld := []any{}, []any{}
	for _, p := range sortedPorts(lb) {
		l := lb.Listeners[p]
		if !e.visible(l) {
			continue
		}
		ports = append(ports, p)
		pairs = append(pairs, fields(kv{spec.FieldListenerPort, p}, kv{spec.FieldListenerProtocol, l.Protocol}, kv{spec.ParamDescription, l.Attributes[spec.ParamDescription]}))
		pairsOld = append(pairsOld, fields(kv{spec.FieldListenerPort, p}, kv{spec.FieldListenerProtocal, l.Protocol}))
	}
	out := e.lbItem(req.caller.accountID, req.region, lb)
	for _, f := range []kv{
		{spec.FieldListenerPorts, fields(kv{spec.FieldListenerPort, ports})},
		{spec.FieldListenerPortsAndProtocol, fields(kv{spec.FieldListenerPortAndProtocol, pairs})},
		{spec.FieldListenerPortsAndProtocal, fields(kv{spec.FieldListenerPortAndProtocal, pairsOld})},
		{spec.FieldBackendServers, fields(kv{spec.FieldBackendServer, []any{}})},
		{spec.FieldEndTime, endOfPostpaid.Format(timeLayout)},
		{spec.FieldEndTimeStamp, millis(endOfPostpaid)},
	} {
		out = out.set(f.k, f.v)
	}
	return out, nil
}

func sortedPorts(lb *instance) []int {
	ports := make([]int, 0, len(lb.Listeners))
	for p := range lb.Listeners {
		ports = append(ports, p)
	}
	sort.Ints(ports)
	return ports
}

func (e *Emulator) deleteLoadBalancer(req *request, _ *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, lb, ae := e.loadBalancer(req)
	if ae != nil {
		return nil, ae
	}
	// A listener still applying a change blocks its instance's deletion as it blocks its own
	// stop and deletion (only with Config.Delays on can a listener be in that window).
	for _, l := range lb.Listeners {
		if e.status(l) == spec.StatusStarting {
			return nil, e.busy()
		}
	}
	delete(r.LoadBalancers, lb.ID)
	if ae := e.commit(func() { r.LoadBalancers[lb.ID] = lb }); ae != nil {
		return nil, ae
	}
	return map[string]any{}, nil
}

func parseCertificate(data string) (*x509.Certificate, bool) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(data)))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, false
	}
	c, err := x509.ParseCertificate(block.Bytes)
	return c, err == nil
}

func parsePrivateKey(data string) (crypto.PrivateKey, bool) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(data)))
	if block == nil {
		return nil, false
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, true
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		return k, true
	}
	if k, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return k, true
	}
	return nil, false
}

// keyMatches reports whether the certificate's public key belongs to the private key.
func keyMatches(cert *x509.Certificate, key crypto.PrivateKey) bool {
	type publicKeyer interface{ Public() crypto.PublicKey }
	pk, ok := key.(publicKeyer)
	if !ok {
		return false
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	switch pub := pk.Public().(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
		eq, ok := pub.(equaler)
		return ok && eq.Equal(cert.PublicKey)
	}
	return false
}

func fingerprint(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw)
	h := hex.EncodeToString(sum[:])
	parts := make([]string, 0, len(h)/2)
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}

func (e *Emulator) uploadServerCertificate(req *request, _ *spec.Operation) (answer, *apiError) {
	cert, ok := parseCertificate(req.value(spec.ParamServerCertificate))
	if !ok {
		return nil, e.neighbourError(spec.NeighbourCertificateFormat, "")
	}
	key, ok := parsePrivateKey(req.value(spec.ParamPrivateKey))
	if !ok {
		return nil, e.neighbourError(spec.NeighbourKeyFormat, "")
	}
	if !keyMatches(cert, key) {
		return nil, e.neighbourError(spec.NeighbourKeyMismatch, "")
	}
	return e.storeCertificate(req, cert, false, req.value(spec.ParamServerCertificateName), orDefault(req.value(paramStandardType), standardInternational))
}

func (e *Emulator) uploadCACertificate(req *request, _ *spec.Operation) (answer, *apiError) {
	cert, ok := parseCertificate(req.value(spec.ParamCACertificate))
	if !ok {
		return nil, e.neighbourError(spec.NeighbourCertificateFormat, "the CA certificate")
	}
	return e.storeCertificate(req, cert, true, req.value(spec.ParamCACertificateName), standardInternational)
}

func (e *Emulator) storeCertificate(req *request, cert *x509.Certificate, ca bool, name, standard string) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.state.region(req.caller.accountID, req.region, true)
	c := &certificate{
		ID: e.state.nextID(req.caller.accountID + "-" + req.region + "-"), Name: name, CA: ca, StandardType: standard,
		Fingerprint: fingerprint(cert), CommonName: cert.Subject.CommonName, Expires: cert.NotAfter.UTC(), Created: e.now().UTC(),
		PEM:      string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})),
		AltNames: append([]string{}, cert.DNSNames...),
	}
	c.KeyAlgorithm, c.KeyBits = keyInfo(cert)
	r.Certificates[c.ID] = c
	if ae := e.commit(func() { delete(r.Certificates, c.ID) }); ae != nil {
		return nil, ae
	}
	out := certFields(req.caller.accountID, req.region, c)
	if ca {
		// The CA upload answer carries no region.
		out = slices.DeleteFunc(out.set(spec.FieldCACertificateID, c.ID).set(spec.ParamCACertificateName, c.Name),
			func(f kv) bool { return f.k == spec.ParamRegionID })
		return out, nil
	}
	for _, f := range []kv{
		{spec.FieldServerCertificateID, c.ID},
		{spec.ParamServerCertificateName, c.Name},
		{spec.FieldRegionIDAlias, req.region},
		{spec.FieldIsAliCloudCertificate, notAliCloudCert},
		{spec.FieldSubjectAltNames, altNames(c)},
	} {
		out = out.set(f.k, f.v)
	}
	return out, nil
}

func (e *Emulator) createACL(req *request, _ *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.state.region(req.caller.accountID, req.region, true)
	name := req.value(spec.ParamACLName)
	for _, a := range r.ACLs {
		if a.Name == name {
			return nil, e.neighbourError(spec.NeighbourACLNameTaken, "")
		}
	}
	a := &acl{ID: e.state.nextID("acl-"), Name: name, IPVersion: orDefault(req.value(spec.ParamAddressIPVersion), ipv4), Entries: []aclEntry{}, Created: e.now().UTC()}
	r.ACLs[a.ID] = a
	if ae := e.commit(func() { delete(r.ACLs, a.ID) }); ae != nil {
		return nil, ae
	}
	return map[string]any{spec.FieldACLID: a.ID}, nil
}

func (e *Emulator) addACLEntry(req *request, _ *spec.Operation) (answer, *apiError) {
	var raw []struct {
		Entry   string `json:"entry"`
		Comment string `json:"comment"`
	}
	if err := json.Unmarshal([]byte(req.value(spec.ParamACLEntries)), &raw); err != nil || len(raw) == 0 {
		return nil, e.gatewayError(spec.GatewayInvalidParameter, spec.ParamACLEntries+" must be a JSON list of {\"entry\":CIDR,\"comment\":text}")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.state.region(req.caller.accountID, req.region, false)
	id := req.value(spec.ParamACLID)
	if r == nil || r.ACLs[id] == nil {
		return nil, e.stateError(spec.StateACLNotFound, "no ACL "+id)
	}
	a := r.ACLs[id]
	added := make([]aclEntry, 0, len(raw))
	for _, it := range raw {
		p, err := netip.ParsePrefix(strings.TrimSpace(it.Entry))
		if err != nil {
			if addr, aerr := netip.ParseAddr(strings.TrimSpace(it.Entry)); aerr == nil {
				p, err = addr.Prefix(addr.BitLen())
			}
		}
		if err != nil {
			return nil, e.gatewayError(spec.GatewayInvalidParameter, fmt.Sprintf("%q is not an IP address or CIDR block", it.Entry))
		}
		if (a.IPVersion == ipv6) != p.Addr().Is6() {
			return nil, e.gatewayError(spec.GatewayInvalidParameter, fmt.Sprintf("entry %s does not match the ACL's IP version %s", it.Entry, a.IPVersion))
		}
		ent := aclEntry{Entry: p.Masked().String(), Comment: it.Comment}
		for _, old := range append(append([]aclEntry{}, a.Entries...), added...) {
			if old.Entry == ent.Entry {
				return nil, e.neighbourError(spec.NeighbourACLEntryExists, ent.Entry)
			}
		}
		added = append(added, ent)
	}
	before := a.Entries
	a.Entries = append(append([]aclEntry{}, a.Entries...), added...)
	if ae := e.commit(func() { a.Entries = before }); ae != nil {
		return nil, ae
	}
	return map[string]any{}, nil
}

func (e *Emulator) createGroup(masterSlave bool) opFunc {
	return func(req *request, _ *spec.Operation) (answer, *apiError) {
		e.mu.Lock()
		defer e.mu.Unlock()
		_, lb, ae := e.loadBalancer(req)
		if ae != nil {
			return nil, ae
		}
		g := &serverGroup{MasterSlave: masterSlave}
		field, listField, itemField := spec.FieldVServerGroupID, spec.FieldBackendServers, spec.FieldBackendServer
		if masterSlave {
			g.Name, g.Backends = req.value(spec.ParamMasterSlaveGroupName), req.value(spec.ParamMasterSlaveBackendServers)
			field, listField, itemField = spec.FieldMasterSlaveServerGroupID, spec.FieldMasterSlaveServers, spec.FieldMasterSlaveServer
		} else {
			g.Name, g.Backends = req.value(spec.ParamVServerGroupName), req.value(spec.ParamBackendServers)
		}
		servers, ok := backendServers(g.Backends, masterSlave)
		if !ok {
			return nil, e.gatewayError(spec.GatewayInvalidParameter, "the backend servers must be a JSON list of objects")
		}
		// The id is drawn only once the request is known to succeed: a refusal changes nothing.
		g.ID = e.state.nextID("rsp-")
		lb.Groups[g.ID] = g
		if ae := e.commit(func() { delete(lb.Groups, g.ID) }); ae != nil {
			return nil, ae
		}
		return fields(kv{field, g.ID}, kv{listField, fields(kv{itemField, servers})}), nil
	}
}

// backendServers reads the JSON list of backend servers a group is created with and renders
// it as the create answers echo it: ServerId, Port, Weight, Type and Description of each (with
// the service's defaults), ServerIp and VpcId when given, and ServerType for a master-slave
// group. An empty text is an empty list.
func backendServers(text string, masterSlave bool) ([]any, bool) {
	out := []any{}
	if strings.TrimSpace(text) == "" {
		return out, true
	}
	var raw []map[string]any
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, false
	}
	str := func(m map[string]any, k, d string) string {
		if v, ok := m[k]; ok && v != nil {
			return fmt.Sprint(v)
		}
		return d
	}
	for _, m := range raw {
		item := fields(
			kv{spec.FieldServerID, str(m, spec.FieldServerID, "")},
			kv{spec.FieldPort, intOr(str(m, spec.FieldPort, ""), 0)},
			kv{spec.FieldWeight, intOr(str(m, spec.FieldWeight, ""), defaultWeight)},
			kv{spec.FieldType, str(m, spec.FieldType, backendECS)},
			kv{spec.ParamDescription, str(m, spec.ParamDescription, "")},
		)
		for _, k := range []string{spec.FieldServerIP, spec.ParamVpcID} {
			if v := str(m, k, ""); v != "" {
				item = item.set(k, v)
			}
		}
		if masterSlave {
			item = item.set(spec.FieldServerType, str(m, spec.FieldServerType, ""))
		}
		out = append(out, item)
	}
	return out, true
}

// indexed collects Name.1, Name.2, ... (and a plain Name) in index order.
func indexed(req *request, name string) []string {
	type item struct {
		n int
		v string
	}
	var items []item
	for k, vs := range req.values {
		rest, ok := strings.CutPrefix(k, name+".")
		if !ok || len(vs) == 0 {
			continue
		}
		if n, err := strconv.Atoi(rest); err == nil {
			items = append(items, item{n, vs[0]})
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].n < items[j].n })
	var out []string
	if v, ok := req.get(name); ok && v != "" {
		out = append(out, strings.Split(v, ",")...)
	}
	for _, it := range items {
		out = append(out, it.v)
	}
	return out
}

func (e *Emulator) createTLSPolicy(req *request, _ *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.state.region(req.caller.accountID, req.region, true)
	p := &tlsPolicy{
		ID: e.state.nextID("tls-"), Name: req.value(spec.ParamPolicyName),
		Versions: indexed(req, spec.ParamTLSVersions), Ciphers: indexed(req, spec.ParamCiphers), Created: e.now(),
	}
	r.TLSPolicies[p.ID] = p
	if ae := e.commit(func() { delete(r.TLSPolicies, p.ID) }); ae != nil {
		return nil, ae
	}
	return map[string]any{spec.FieldTLSCipherPolicyID: p.ID}, nil
}

// listener finds the listener a Start/Stop/Delete/Describe request names. Callers hold e.mu.
func (e *Emulator) listener(req *request) (*instance, *listener, *apiError) {
	_, lb, ae := e.loadBalancer(req)
	if ae != nil {
		return nil, nil, ae
	}
	port, _ := strconv.Atoi(req.value(spec.ParamListenerPort))
	l := lb.Listeners[port]
	if l == nil || (req.value(spec.ParamListenerProtocol) != "" && req.value(spec.ParamListenerProtocol) != l.Protocol) {
		return nil, nil, e.neighbourError(spec.NeighbourListenerNotFound, fmt.Sprintf("port %d", port))
	}
	return lb, l, nil
}

// busy is the answer for a change to a listener that is still starting.
func (e *Emulator) busy() *apiError {
	return e.neighbourError(spec.NeighbourListenerConfiguring, "")
}

func (e *Emulator) startListener(req *request, _ *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, l, ae := e.listener(req)
	if ae != nil {
		return nil, ae
	}
	if e.status(l) != spec.StatusStopped {
		if e.status(l) == spec.StatusStarting {
			return nil, e.busy()
		}
		return map[string]any{}, nil
	}
	was, until := l.Running, l.PendingUntil
	l.Running, l.PendingUntil = true, e.now().Add(e.cfg.scenarioDuration(spec.ScenarioListenerStartDelay))
	if ae := e.commit(func() { l.Running, l.PendingUntil = was, until }); ae != nil {
		return nil, ae
	}
	return map[string]any{}, nil
}

func (e *Emulator) stopListener(req *request, _ *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, l, ae := e.listener(req)
	if ae != nil {
		return nil, ae
	}
	if e.status(l) == spec.StatusStarting {
		return nil, e.busy()
	}
	was, until := l.Running, l.PendingUntil
	l.Running, l.PendingUntil = false, time.Time{}
	if ae := e.commit(func() { l.Running, l.PendingUntil = was, until }); ae != nil {
		return nil, ae
	}
	return map[string]any{}, nil
}

func (e *Emulator) deleteListener(req *request, _ *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	lb, l, ae := e.listener(req)
	if ae != nil {
		return nil, ae
	}
	if e.status(l) == spec.StatusStarting {
		return nil, e.busy()
	}
	delete(lb.Listeners, l.Port)
	if ae := e.commit(func() { lb.Listeners[l.Port] = l }); ae != nil {
		return nil, ae
	}
	e.inj.keepPort(lb.ID, l.Port)
	return map[string]any{}, nil
}

// attributes renders a listener as DescribeLoadBalancerHTTPSListenerAttribute returns it,
// its fields sorted by name: every stored attribute under its create parameter name (integers
// as numbers), then the status and the lists. Only the status changes once a listener exists,
// so the rest is rendered on first use and copied afterwards. Callers hold e.mu.
func (e *Emulator) attributes(l *listener) orderedMap {
	if l.view == nil {
		l.view = e.listenerView(l)
	}
	out := make(orderedMap, len(l.view), len(l.view)+1)
	copy(out, l.view)
	out = out.set(spec.FieldStatus, e.status(l))
	return e.inj.describe(e.spec, out)
}

// listenerView is what attributes copies: the fixed fields of a listener, sorted by name. Its
// lists are its own and nothing writes to them, so answers may share them.
func (e *Emulator) listenerView(l *listener) orderedMap {
	out := e.storedAttributes(l, 7)
	acls := append([]string{}, l.ACLIDs...)
	certs := make([]any, 0, len(l.Certificates))
	for _, c := range l.Certificates {
		certs = append(certs, fields(kv{spec.FieldCertificateID, c.CertificateID}, kv{spec.FieldBindingType, c.BindingType}, kv{spec.FieldStandardType, c.StandardType}))
	}
	return out.set(spec.ParamListenerPort, l.Port).
		set(spec.FieldAclIDs, fields(kv{spec.ParamACLID, acls})).
		set(spec.FieldServerCertificates, fields(kv{spec.ParamServerCertificate, certs})).
		set(spec.FieldTags, wrapTags(l.Tags)).
		set(spec.FieldRules, fields(kv{spec.FieldRule, []any{}})).
		set(spec.FieldDomainExtensions, fields(kv{spec.FieldDomainExtension, []any{}})).
		set(spec.FieldServiceManagedMode, unmanaged).
		set(spec.ParamBackendProtocol, backendProtocol(l))
}

// storedAttributes lists the attributes a listener stores, sorted by name, integers as numbers,
// leaving room for extra fields more.
func (e *Emulator) storedAttributes(l *listener, extra int) orderedMap {
	out := make(orderedMap, 0, len(l.Attributes)+extra)
	vals := make(attributeValues, 0, len(l.Attributes))
	for _, f := range e.attributeFields {
		if v, ok := l.Attributes[f.name]; ok {
			out = append(out, kv{f.name, vals.add(f.integer, v)})
		}
	}
	if len(out) == len(l.Attributes) {
		return out
	}
	// Some attribute is no parameter of the description (a state file of another version).
	out = out[:0]
	for name, v := range l.Attributes {
		p := e.spec.UnderTest.Param(name)
		out = append(out, kv{name, vals.add(p != nil && p.IsInteger(), v)})
	}
	sortByName(out)
	return out
}

// attributeValues holds the values of a listener's attributes for an answer. A string or a
// number put in an interface is a small allocation of its own; a pointer is not. So the values
// are stored together here and the answer points at them: the writers show a *string or an
// *int64 as the value it points at, as json.Marshal does.
type attributeValues []struct {
	text   string
	number int64
}

// add stores a value, as a number when integer is set and it reads as one, and returns a
// pointer to it.
func (a *attributeValues) add(integer bool, v string) any {
	*a = append(*a, struct {
		text   string
		number int64
	}{text: v})
	last := &(*a)[len(*a)-1]
	if integer {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			last.number = n
			return &last.number
		}
	}
	return &last.text
}

// attributeField is a parameter of the operation under test as Describe shows it.
type attributeField struct {
	name    string
	integer bool // shown as a number when it reads as one
}

// attributeFields lists the parameters a listener can store as attributes, sorted by name.
func attributeFields(op *spec.Operation) []attributeField {
	var out []attributeField
	for _, p := range op.Parameters {
		if p.List == nil {
			out = append(out, attributeField{p.Name, p.IsInteger()})
		}
	}
	slices.SortFunc(out, func(a, b attributeField) int { return strings.Compare(a.name, b.name) })
	return slices.CompactFunc(out, func(a, b attributeField) bool { return a.name == b.name })
}

func (e *Emulator) describeListener(req *request, _ *spec.Operation) (answer, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, l, ae := e.listener(req)
	if ae != nil {
		return nil, ae
	}
	if !e.visible(l) {
		return nil, e.neighbourError(spec.NeighbourListenerNotFound, "port "+req.value(spec.ParamListenerPort))
	}
	return e.attributes(l), nil
}

// visible reports whether reads see the listener yet (Choices.ReadLag). Callers hold e.mu.
func (e *Emulator) visible(l *listener) bool {
	return e.readLag == 0 || e.now().Sub(l.Created) >= e.readLag
}
