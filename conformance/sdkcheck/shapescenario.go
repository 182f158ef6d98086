package sdkcheck

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/referee"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
)

// Values of the scenario that the description does not give.
const (
	shapeTagKey     = "team"
	shapeTagValue   = "edge"
	shapeVpc        = "vpc-sdkcheck"
	shapeVSwitch    = "vsw-sdkcheck"
	shapeSpec       = "slb.s2.small"
	missingID       = "sdkcheck-missing"
	missingPort     = "9"
	aclEntriesJSON  = `[{"entry":"192.0.2.0/24","comment":"sdkcheck"}]`
	aclEntriesXML   = `[{"entry":"198.51.100.0/24","comment":"sdkcheck"}]`
	backendsJSON    = `[{"ServerId":"i-sdkcheck1","Port":80,"Weight":100,"Type":"ecs","Description":"web","ServerIp":"192.0.2.10"}]`
	masterSlaveJSON = `[{"ServerId":"i-sdkcheck1","Port":80,"Weight":100,"Type":"ecs","ServerType":"Master","Description":"m","ServerIp":"192.0.2.11"},{"ServerId":"i-sdkcheck2","Port":80,"Weight":100,"Type":"ecs","ServerType":"Slave","Description":"s","ServerIp":"192.0.2.12"}]`
	tagsJSON        = `[{"TagKey":"owner","TagValue":"sdkcheck"}]`
)

// FullListener is a create request of the operation under test with every optional
// attribute set: each parameter that is not a list takes a valid value of its constraints
// (generators.ValidValue), the rules of the description are then repaired, and the parameters
// that name resources take refs[kind] (x-reference: load-balancer, server-certificate, ...).
func FullListener(refs map[spec.RefKind]string, port int) (url.Values, error) {
	s := spec.MustDefault()
	var ps []generators.Param
	for _, p := range s.UnderTest.Parameters {
		if p.Common || p.List != nil || p.Name == spec.ParamRegionID {
			continue
		}
		if p.Reference != "" {
			v, ok := refs[spec.RefKind(p.Reference)]
			if !ok && p.Name != spec.ParamListenerPort {
				return nil, fmt.Errorf("no %s to give %s", p.Reference, p.Name)
			}
			ps = append(ps, generators.Param{Name: p.Name, Value: v})
			continue
		}
		v, ok := generators.ValidValue(p)
		if !ok {
			return nil, fmt.Errorf("no valid value for %s", p.Name)
		}
		ps = append(ps, generators.Param{Name: p.Name, Value: v})
	}
	ps = generators.Repair(s, ps, "")
	v := generators.Values(ps, func(string) string { return "" })
	v.Set(spec.ParamListenerPort, strconv.Itoa(port))
	tag := s.UnderTest.Param(spec.ParamTag).List
	v.Set(tag.WireName(1, spec.FieldTagKey), shapeTagKey)
	v.Set(tag.WireName(1, spec.FieldTagValue), shapeTagValue)
	ref := generators.RefereeFor(s)
	for round := 0; ; round++ {
		var broken *referee.Finding
		for _, f := range ref.Findings(v) {
			if !f.Open() {
				broken = &f
				break
			}
		}
		if broken == nil {
			return v, nil
		}
		rule, _ := s.Rule(broken.Rule)
		if round > 8 || broken.Kind != spec.KindRule || rule.Kind != spec.RuleDistinct {
			return nil, fmt.Errorf("the full listener does not pass the description: %s", broken.Detail)
		}
		// Values that must differ: make each its own by appending its position.
		for i, name := range rule.Params {
			v.Set(name, v.Get(name)+strconv.Itoa(i))
		}
	}
}

func flat(v url.Values) map[string]string {
	out := map[string]string{}
	for k, vs := range v {
		out[k] = vs[0]
	}
	return out
}

func withFormat(m map[string]string, key, format string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	out[key] += "-" + strings.ToLower(format)
	return out
}

// scenario builds state through every operation, each in JSON and XML, with an error answer of
// each beside, and ends by deleting what it made.
func (r *shapeRun) scenario() error {
	certs, ca, err := certificates("sdk-shape.example.test")
	if err != nil {
		return err
	}
	lbs := r.instances()
	lb := lbs[0]
	if lb == "" {
		return fmt.Errorf("CreateLoadBalancer gave no instance; the shape scenario cannot go on")
	}
	r.fails(r.client, spec.ActionCreateLoadBalancer, map[string]string{spec.ParamAddressType: "bogus"})
	serverCerts, caIDs, acls := r.certificatesAndACL(certs, ca)
	vg, policies := r.groups(lb)
	refs := map[spec.RefKind]string{spec.RefLoadBalancer: lb, spec.RefServerCertificate: serverCerts[0], spec.RefCACertificate: caIDs[0], spec.RefVServerGroup: vg, spec.RefACL: acls[0]}
	ports, err := r.listeners(refs, lb, acls[0], serverCerts, caIDs[0])
	if err != nil {
		return err
	}
	r.teardown(lb, lbs, serverCerts, ports)
	r.deleteCAsAndACLs(caIDs, acls)
	r.deletePolicies(policies)
	return nil
}

// instances creates a load balancer in each format; the first is the one the scenario uses.
func (r *shapeRun) instances() []string {
	lbParams := map[string]string{
		spec.ParamLoadBalancerSpec: shapeSpec, spec.ParamLoadBalancerName: "sdkcheck-shape", spec.ParamAddressType: "internet",
		spec.ParamVpcID: shapeVpc, spec.ParamVSwitchID: shapeVSwitch, spec.ParamInternetChargeType: "paybytraffic",
		"Tag.1.Key": shapeTagKey, "Tag.1.Value": shapeTagValue,
	}
	var lbs []string
	for _, f := range []string{FormatJSON, FormatXML} {
		lbs = append(lbs, stringField(r.call(r.client, spec.ActionCreateLoadBalancer, f, lbParams, false), spec.FieldLoadBalancerID))
	}
	return lbs
}

// certificatesAndACL uploads a server certificate and a CA certificate in each format, and
// creates an ACL in each format, the first with entries, each beside a refused call. Each list
// of ids is in the order of the formats (JSON, XML).
func (r *shapeRun) certificatesAndACL(certs, ca resources.CertPair) (serverCerts, caIDs, acls []string) {
	for _, f := range []string{FormatJSON, FormatXML} {
		res := r.call(r.client, spec.ActionUploadServerCertificate, f, map[string]string{
			spec.ParamServerCertificate: certs.CertPEM, spec.ParamPrivateKey: certs.KeyPEM, spec.ParamServerCertificateName: "sdkcheck-" + f,
		}, false)
		serverCerts = append(serverCerts, stringField(res, spec.FieldServerCertificateID))
	}
	r.fails(r.client, spec.ActionUploadServerCertificate, map[string]string{spec.ParamServerCertificate: "not a PEM", spec.ParamPrivateKey: certs.KeyPEM})
	caIDs = r.eachID(spec.ActionUploadCACertificate, same(map[string]string{spec.ParamCACertificate: ca.CertPEM, spec.ParamCACertificateName: "sdkcheck-ca"}), spec.FieldCACertificateID)
	r.fails(r.client, spec.ActionUploadCACertificate, map[string]string{spec.ParamCACertificate: "not a PEM"})

	aclName := map[string]string{spec.ParamACLName: "sdkcheck-shape"}
	acls = r.eachID(spec.ActionCreateACL, func(f string) map[string]string { return withFormat(aclName, spec.ParamACLName, f) }, spec.FieldACLID)
	acl := acls[0]
	r.fails(r.client, spec.ActionCreateACL, withFormat(aclName, spec.ParamACLName, FormatJSON))
	r.both(spec.ActionAddACLEntry, func(f string) map[string]string {
		e := aclEntriesJSON
		if f == FormatXML {
			e = aclEntriesXML
		}
		return map[string]string{spec.ParamACLID: acl, spec.ParamACLEntries: e}
	})
	r.fails(r.client, spec.ActionAddACLEntry, map[string]string{spec.ParamACLID: missingID, spec.ParamACLEntries: aclEntriesJSON})
	return serverCerts, caIDs, acls
}

// eachID calls an operation that creates a resource in each format and returns the ids the
// answers carry in field, in the order of the formats.
func (r *shapeRun) eachID(action string, params func(format string) map[string]string, field string) []string {
	var ids []string
	for _, f := range []string{FormatJSON, FormatXML} {
		ids = append(ids, stringField(r.call(r.client, action, f, params(f), false), field))
	}
	return ids
}

// ofFormat is the id, of two made one per format (eachID), that format f made.
func ofFormat(ids []string, f string) string {
	if f == FormatXML {
		return ids[1]
	}
	return ids[0]
}

// deleteCAsAndACLs deletes the CA certificate and the ACL made in each format, once no listener
// uses them, each beside a refused call (a second delete of the first: it is gone).
func (r *shapeRun) deleteCAsAndACLs(caIDs, acls []string) {
	byFormat := func(param string, ids []string) func(string) map[string]string {
		return func(f string) map[string]string {
			return map[string]string{param: ofFormat(ids, f)}
		}
	}
	r.both(spec.ActionDeleteCACertificate, byFormat(spec.ParamCACertificateID, caIDs))
	r.fails(r.client, spec.ActionDeleteCACertificate, map[string]string{spec.ParamCACertificateID: caIDs[0]})
	r.both(spec.ActionDeleteACL, byFormat(spec.ParamACLID, acls))
	r.fails(r.client, spec.ActionDeleteACL, map[string]string{spec.ParamACLID: acls[0]})
}

// groups creates a VServer group, a master-slave group and a TLS policy in each format, each
// beside a refused call, and returns the VServer group and the policies (JSON's, XML's).
func (r *shapeRun) groups(lb string) (string, []string) {
	vg := stringField(r.both(spec.ActionCreateVServerGroup, same(map[string]string{spec.ParamLoadBalancerID: lb, spec.ParamVServerGroupName: "web", spec.ParamBackendServers: backendsJSON})), "VServerGroupId")
	r.fails(r.client, spec.ActionCreateVServerGroup, map[string]string{spec.ParamLoadBalancerID: missingID})
	r.both(spec.ActionCreateMasterSlaveGroup, same(map[string]string{spec.ParamLoadBalancerID: lb, spec.ParamMasterSlaveGroupName: "ms", spec.ParamMasterSlaveBackendServers: masterSlaveJSON}))
	r.fails(r.client, spec.ActionCreateMasterSlaveGroup, map[string]string{spec.ParamLoadBalancerID: missingID})
	policies := r.eachID(spec.ActionCreateTLSCipherPolicy, same(map[string]string{spec.ParamPolicyName: "sdkcheck", spec.ParamTLSVersions + ".1": "TLSv1.2", spec.ParamCiphers + ".1": "ECDHE-RSA-AES128-GCM-SHA256"}), spec.FieldTLSCipherPolicyID)
	r.fails(r.client, spec.ActionCreateTLSCipherPolicy, map[string]string{})
	return vg, policies
}

// deletePolicies deletes the TLS policy made in each format, beside a refused second delete.
func (r *shapeRun) deletePolicies(policies []string) {
	r.both(spec.ActionDeleteTLSCipherPolicy, func(f string) map[string]string {
		return map[string]string{spec.ParamTLSCipherPolicyID: ofFormat(policies, f)}
	})
	r.fails(r.client, spec.ActionDeleteTLSCipherPolicy, map[string]string{spec.ParamTLSCipherPolicyID: policies[0]})
}

// listeners creates the full listener in each format, reads everything back, tags resources
// and starts and stops the listener; it returns the port of each format's listener.
func (r *shapeRun) listeners(refs map[spec.RefKind]string, lb, acl string, serverCerts []string, caID string) (map[string]int, error) {
	const port, portXML = 443, 444
	ports := map[string]int{FormatJSON: port, FormatXML: portXML}
	var buildErr error
	r.both(spec.ActionCreateHTTPSListener, func(f string) map[string]string {
		v, err := FullListener(refs, ports[f])
		if err != nil {
			buildErr = err
			return nil
		}
		return flat(v)
	})
	if buildErr != nil {
		return nil, buildErr
	}
	key := map[string]string{spec.ParamLoadBalancerID: lb, spec.ParamListenerPort: strconv.Itoa(port)}
	missingListener := map[string]string{spec.ParamLoadBalancerID: lb, spec.ParamListenerPort: missingPort}
	if full, err := FullListener(refs, port); err == nil {
		r.fails(r.client, spec.ActionCreateHTTPSListener, flat(full)) // the port is taken
	}
	if r.denied != nil {
		r.fails(r.denied, spec.ActionCreateHTTPSListener, map[string]string{spec.ParamLoadBalancerID: lb, spec.ParamListenerPort: "8443", spec.ParamBandwidth: "-1", spec.ParamHealthCheck: "off", spec.ParamServerCertificateID: serverCerts[0]})
	}
	// Tags on a certificate, a CA certificate and an ACL, so that the listings show them.
	for kind, ids := range map[string][]string{"certificate": {serverCerts[0], caID}, "acl": {acl}} {
		for i, id := range ids {
			r.call(r.client, spec.ActionTagResources, FormatJSON, map[string]string{spec.ParamResourceType: kind,
				spec.ParamResourceID + ".1": id, "Tag.1.Key": shapeTagKey, "Tag.1.Value": shapeTagValue + strconv.Itoa(i)}, false)
		}
	}
	r.reads(lb, acl, key, missingListener, serverCerts[0])
	r.tags(lb)
	r.both(spec.ActionStartListener, same(key))
	r.fails(r.client, spec.ActionStartListener, missingListener)
	r.both(spec.ActionStopListener, same(key))
	r.fails(r.client, spec.ActionStopListener, missingListener)
	return ports, nil
}

// teardown deletes the listeners, certificates and instances, each beside a refused call.
func (r *shapeRun) teardown(lb string, lbs, serverCerts []string, ports map[string]int) {
	missingListener := map[string]string{spec.ParamLoadBalancerID: lb, spec.ParamListenerPort: missingPort}
	r.both(spec.ActionDeleteListener, func(f string) map[string]string {
		return map[string]string{spec.ParamLoadBalancerID: lb, spec.ParamListenerPort: strconv.Itoa(ports[f])}
	})
	r.fails(r.client, spec.ActionDeleteListener, missingListener)
	r.both(spec.ActionDeleteServerCertificate, func(f string) map[string]string {
		return map[string]string{spec.ParamServerCertificateID: ofFormat(serverCerts, f)}
	})
	r.fails(r.client, spec.ActionDeleteServerCertificate, map[string]string{spec.ParamServerCertificateID: missingID})
	r.both(spec.ActionDeleteLoadBalancer, func(f string) map[string]string {
		return map[string]string{spec.ParamLoadBalancerID: ofFormat(lbs, f)}
	})
	r.fails(r.client, spec.ActionDeleteLoadBalancer, map[string]string{spec.ParamLoadBalancerID: missingID})
}

// reads calls the observers and the change of attributes.
func (r *shapeRun) reads(lb, acl string, key, missingListener map[string]string, cert string) {
	r.both(spec.ActionDescribeHTTPSListener, same(key))
	r.fails(r.client, spec.ActionDescribeHTTPSListener, missingListener)
	set := map[string]string{spec.ParamDescription: "changed-by-sdkcheck"}
	for k, v := range key {
		set[k] = v
	}
	r.both(spec.ActionSetHTTPSListener, same(set))
	bad := map[string]string{spec.ParamServerCertificateID: missingID}
	for k, v := range key {
		bad[k] = v
	}
	r.fails(r.client, spec.ActionSetHTTPSListener, bad)
	r.both(spec.ActionDescribeListeners, same(map[string]string{spec.ParamLoadBalancerID + ".1": lb}))
	r.fails(r.client, spec.ActionDescribeListeners, map[string]string{spec.ParamNextToken: "not-a-token"})
	r.both(spec.ActionDescribeLoadBalancers, same(map[string]string{spec.ParamLoadBalancerID: lb}))
	r.fails(r.client, spec.ActionDescribeLoadBalancers, map[string]string{spec.ParamPageSize: "0"})
	r.both(spec.ActionDescribeLoadBalancer, same(map[string]string{spec.ParamLoadBalancerID: lb}))
	r.fails(r.client, spec.ActionDescribeLoadBalancer, map[string]string{spec.ParamLoadBalancerID: missingID})
	r.both(spec.ActionDescribeServerCerts, same(map[string]string{spec.ParamServerCertificateID: cert}))
	r.fails(r.client, spec.ActionDescribeServerCerts, map[string]string{"Tag.1.Key": strings.Repeat("k", 65)})
	r.both(spec.ActionDescribeCACertificates, same(map[string]string{}))
	r.both(spec.ActionDescribeACL, same(map[string]string{spec.ParamACLID: acl}))
	r.fails(r.client, spec.ActionDescribeACL, map[string]string{spec.ParamACLID: missingID})
}

// tags calls the tag operations on the instance.
func (r *shapeRun) tags(lb string) {
	res := map[string]string{spec.ParamResourceType: "instance", spec.ParamResourceID + ".1": lb}
	with := func(extra map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range res {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	r.both(spec.ActionTagResources, same(with(map[string]string{"Tag.1.Key": "env", "Tag.1.Value": "test"})))
	r.fails(r.client, spec.ActionTagResources, map[string]string{spec.ParamResourceType: "instance", spec.ParamResourceID + ".1": missingID, "Tag.1.Key": "env"})
	r.both(spec.ActionListTagResources, same(res))
	r.fails(r.client, spec.ActionListTagResources, map[string]string{})
	r.both(spec.ActionUntagResources, same(with(map[string]string{spec.ParamTagKey + ".1": "env"})))
	r.fails(r.client, spec.ActionUntagResources, res)
	r.both(spec.ActionAddTags, same(map[string]string{spec.ParamLoadBalancerID: lb, spec.ParamTags: tagsJSON}))
	r.fails(r.client, spec.ActionAddTags, map[string]string{spec.ParamLoadBalancerID: lb, spec.ParamTags: "not json"})
	r.both(spec.ActionDescribeTags, same(map[string]string{spec.ParamLoadBalancerID: lb}))
	r.fails(r.client, spec.ActionDescribeTags, map[string]string{spec.ParamTags: "not json"})
	r.both(spec.ActionRemoveTags, same(map[string]string{spec.ParamLoadBalancerID: lb, spec.ParamTags: tagsJSON}))
	r.fails(r.client, spec.ActionRemoveTags, map[string]string{spec.ParamLoadBalancerID: missingID, spec.ParamTags: tagsJSON})
}
