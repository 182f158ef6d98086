package emulator_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/spec"
)

func list(t *testing.T, body map[string]any, wrapper, item string) []any {
	t.Helper()
	w, ok := body[wrapper].(map[string]any)
	require.True(t, ok, "%s is not an object: %v", wrapper, body[wrapper])
	items, ok := w[item].([]any)
	require.True(t, ok, "%s.%s is not a list: %v", wrapper, item, w[item])
	return items
}

func TestSetListenerAttribute(t *testing.T) {
	e := newEnv(t, instant)
	c := e.primary()
	lb, cert, other := c.createPerfLB(), c.uploadCert(""), c.uploadCert("")
	acl := c.createACL("ipv4", "10.0.0.0/8")
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert))
	c.must(spec.ActionSetHTTPSListener, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamListenerPort: {listenerPort},
		spec.ParamIdleTimeout: {"30"}, spec.ParamDescription: {"changed"}, spec.ParamServerCertificateID: {other},
		spec.ParamACLStatus: {"on"}, spec.ParamACLType: {"white"}, spec.ParamACLID: {acl}})
	d := c.must(spec.ActionDescribeHTTPSListener, listenerRef(lb)).Body
	assert.Equal(t, float64(30), d[spec.ParamIdleTimeout])
	assert.Equal(t, "changed", d[spec.ParamDescription])
	assert.Equal(t, other, d[spec.ParamServerCertificateID])
	assert.Equal(t, []any{acl}, d[spec.FieldAclIDs].(map[string]any)[spec.ParamACLID])
	assert.Equal(t, float64(-1), d[spec.ParamBandwidth], "what is not sent keeps its value")

	// Errors come from the description, and a refused change changes nothing.
	before, err := e.em.Snapshot()
	require.NoError(t, err)
	set := func(k, v string) resp {
		return c.call(spec.ActionSetHTTPSListener, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamListenerPort: {listenerPort}, k: {v}})
	}
	codeOf := func(state spec.StateName) string { ec, _ := spec.MustDefault().StateError(state); return ec.Code }
	assert.Equal(t, codeOf("certificate-not-found"), set(spec.ParamServerCertificateID, "missing").code())
	assert.Equal(t, codeOf("acl-not-found"), set(spec.ParamACLID, "acl-missing").code())
	assert.Equal(t, "InvalidParameter.IdleTimeout", set(spec.ParamIdleTimeout, "61").code())
	after, err := e.em.Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after))
	notFound, _ := spec.MustDefault().NeighbourError("listener-not-found")
	assert.Equal(t, notFound.Code, c.call(spec.ActionSetHTTPSListener, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamListenerPort: {"8443"}}).code())
}

func TestCertificatesAndACLs(t *testing.T) {
	e := newEnv(t, instant)
	c := e.primary()
	lb, cert, ca := c.createPerfLB(), c.uploadCert(""), c.uploadCA()
	acl := c.createACL("ipv4", "10.0.0.0/8")
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamACLStatus, "on", spec.ParamACLType, "black", spec.ParamACLID, acl))

	certs := list(t, c.must(spec.ActionDescribeServerCerts, nil).Body, spec.FieldServerCertificates, spec.ParamServerCertificate)
	require.Len(t, certs, 1)
	item := certs[0].(map[string]any)
	assert.Equal(t, cert, item[spec.FieldServerCertificateID])
	assert.IsType(t, float64(0), item[spec.FieldCreateTimeStamp], "timestamps are numbers")
	cas := list(t, c.must(spec.ActionDescribeCACertificates, nil).Body, spec.FieldCACertificates, spec.FieldCACertificate)
	require.Len(t, cas, 1)
	assert.Equal(t, ca, cas[0].(map[string]any)[spec.FieldCACertificateID])

	a := c.must(spec.ActionDescribeACL, url.Values{spec.ParamACLID: {acl}}).Body
	assert.Equal(t, float64(1), a[spec.FieldTotalAclEntry])
	rel := list(t, a, spec.FieldRelatedListeners, spec.FieldRelatedListener)
	require.Len(t, rel, 1)
	assert.Equal(t, lb, rel[0].(map[string]any)[spec.FieldLoadBalancerID])

	del := url.Values{spec.ParamServerCertificateID: {cert}}
	assert.Equal(t, "CertificateAndPrivateKeyIsRefered", c.call(spec.ActionDeleteServerCertificate, del).code())
	c.must(spec.ActionDeleteListener, listenerRef(lb))
	c.must(spec.ActionDeleteServerCertificate, del)
	assert.Equal(t, "ServerCertificateId.NotFound", c.call(spec.ActionDeleteServerCertificate, del).code())
	ec, _ := spec.MustDefault().StateError("acl-not-found")
	assert.Equal(t, ec.Code, c.call(spec.ActionDescribeACL, url.Values{spec.ParamACLID: {"acl-missing"}}).code())
}

// A CA certificate or an ACL is deleted only by its owner and only once no listener uses it;
// a refused delete changes nothing, and a second delete finds nothing.
func TestDeleteCACertificateAndACL(t *testing.T) {
	e := newEnv(t, instant)
	c := e.primary()
	lb, cert, ca := c.createPerfLB(), c.uploadCert(""), c.uploadCA()
	acl := c.createACL("ipv4", "10.0.0.0/8")
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamCACertificateID, ca,
		spec.ParamACLStatus, "on", spec.ParamACLType, "white", spec.ParamACLID, acl))
	codeOf := func(st spec.NeighbourState) string {
		ec, ok := spec.MustDefault().NeighbourError(st)
		require.True(t, ok, st)
		return ec.Code
	}
	region := []string{c.regionOr()}
	delCA := url.Values{spec.ParamRegionID: region, spec.ParamCACertificateID: {ca}}
	delACL := url.Values{spec.ParamRegionID: region, spec.ParamACLID: {acl}}

	before, err := e.em.Snapshot()
	require.NoError(t, err)
	assert.Equal(t, codeOf(spec.NeighbourCACertificateInUse), c.call(spec.ActionDeleteCACertificate, delCA).code())
	assert.Equal(t, codeOf(spec.NeighbourACLInUse), c.call(spec.ActionDeleteACL, delACL).code())
	other := e.as(emulator.PrincipalSecondary)
	assert.Equal(t, codeOf(spec.NeighbourCACertificateAbsent), other.call(spec.ActionDeleteCACertificate, delCA).code(), "only the owner deletes")
	assert.Equal(t, codeOf(spec.NeighbourACLAbsent), other.call(spec.ActionDeleteACL, delACL).code(), "only the owner deletes")
	assert.Equal(t, codeOf(spec.NeighbourCACertificateAbsent), c.call(spec.ActionDeleteCACertificate, url.Values{spec.ParamRegionID: region, spec.ParamCACertificateID: {cert}}).code(),
		"a server certificate is not a CA certificate")
	after, err := e.em.Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after), "a refused delete changes nothing")

	c.must(spec.ActionDeleteListener, listenerRef(lb))
	c.must(spec.ActionDeleteCACertificate, delCA)
	c.must(spec.ActionDeleteACL, delACL)
	assert.Empty(t, list(t, c.must(spec.ActionDescribeCACertificates, nil).Body, spec.FieldCACertificates, spec.FieldCACertificate))
	ec, _ := spec.MustDefault().StateError(spec.StateACLNotFound)
	assert.Equal(t, ec.Code, c.call(spec.ActionDescribeACL, delACL).code())
	assert.Equal(t, codeOf(spec.NeighbourCACertificateAbsent), c.call(spec.ActionDeleteCACertificate, delCA).code())
	assert.Equal(t, codeOf(spec.NeighbourACLAbsent), c.call(spec.ActionDeleteACL, delACL).code())
	c.must(spec.ActionDeleteServerCertificate, url.Values{spec.ParamServerCertificateID: {cert}})
}

// A custom TLS cipher policy is deleted only by its owner, once configured and once no
// listener uses it; the other answers are those the listener create gives the same states.
func TestDeleteTLSCipherPolicy(t *testing.T) {
	e := newEnv(t)
	c := e.primary()
	lb, cert, policy := c.createPerfLB(), c.uploadCert(""), c.createPolicy()
	del := url.Values{spec.ParamRegionID: {c.regionOr()}, spec.ParamTLSCipherPolicyID: {policy}}
	stateCode := func(st spec.StateName) string { ec, _ := spec.MustDefault().StateError(st); return ec.Code }
	assert.Equal(t, stateCode(spec.StateTLSPolicyConfiguring), c.call(spec.ActionDeleteTLSCipherPolicy, del).code())
	e.clock.Advance(time.Minute)
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamTLSCipherPolicy, policy))
	inUse, _ := spec.MustDefault().NeighbourError(spec.NeighbourTLSPolicyInUse)
	assert.Equal(t, inUse.Code, c.call(spec.ActionDeleteTLSCipherPolicy, del).code())
	assert.Equal(t, stateCode(spec.StateTLSPolicyNotFound), e.as(emulator.PrincipalSecondary).call(spec.ActionDeleteTLSCipherPolicy, del).code(), "only the owner deletes")
	c.must(spec.ActionDeleteListener, listenerRef(lb))
	c.must(spec.ActionDeleteTLSCipherPolicy, del)
	assert.Equal(t, stateCode(spec.StateTLSPolicyNotFound), c.call(spec.ActionDeleteTLSCipherPolicy, del).code())
}

func TestTagOperations(t *testing.T) {
	e := newEnv(t, instant)
	c := e.primary()
	lb, cert := c.createPerfLB(), c.uploadCert("")
	c.must(spec.ActionTagResources, url.Values{spec.ParamResourceType: {"instance"}, "ResourceId.1": {lb}, "Tag.1.Key": {"team"}, "Tag.1.Value": {"edge"}})
	c.must(spec.ActionTagResources, url.Values{spec.ParamResourceType: {"certificate"}, "ResourceId.1": {cert}, "Tag.1.Key": {"team"}, "Tag.1.Value": {"edge"}})
	rows := list(t, c.must(spec.ActionListTagResources, url.Values{spec.ParamResourceType: {"instance"}, "ResourceId.1": {lb}}).Body, spec.FieldTagResources, spec.FieldTagResource)
	require.Len(t, rows, 1)
	assert.Equal(t, map[string]any{"ResourceType": "instance", "ResourceId": lb, "TagKey": "team", "TagValue": "edge"}, rows[0])
	lbs := c.must(spec.ActionDescribeLoadBalancers, url.Values{"Tag.1.Key": {"team"}}).Body
	assert.Len(t, list(t, lbs, spec.FieldLoadBalancers, spec.FieldLoadBalancer), 1)

	c.must(spec.ActionUntagResources, url.Values{spec.ParamResourceType: {"instance"}, "ResourceId.1": {lb}, "TagKey.1": {"team"}})
	rows = list(t, c.must(spec.ActionListTagResources, url.Values{spec.ParamResourceType: {"instance"}}).Body, spec.FieldTagResources, spec.FieldTagResource)
	assert.Empty(t, rows)
	r := c.call(spec.ActionTagResources, url.Values{spec.ParamResourceType: {"acl"}, "ResourceId.1": {"acl-missing"}, "Tag.1.Key": {"k"}})
	assert.Equal(t, "InvalidResourceId.NotFound", r.code())
	assert.Equal(t, "MissingParameter", c.call(spec.ActionTagResources, url.Values{spec.ParamResourceType: {"instance"}, "Tag.1.Key": {"k"}}).code())
	assert.Equal(t, http.StatusBadRequest, c.call(spec.ActionTagResources, url.Values{spec.ParamResourceType: {"disk"}, "ResourceId.1": {lb}, "Tag.1.Key": {"k"}}).Status)

	c.must(spec.ActionAddTags, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamTags: {`[{"TagKey":"a","TagValue":"1"},{"TagKey":"b","TagValue":"2"}]`}})
	sets := list(t, c.must(spec.ActionDescribeTags, url.Values{spec.ParamLoadBalancerID: {lb}}).Body, spec.FieldTagSets, spec.FieldTagSet)
	require.Len(t, sets, 2)
	assert.Equal(t, map[string]any{"TagKey": "a", "TagValue": "1", "InstanceCount": float64(1)}, sets[0])
	c.must(spec.ActionRemoveTags, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamTags: {`[{"TagKey":"a"}]`}})
	sets = list(t, c.must(spec.ActionDescribeTags, nil).Body, spec.FieldTagSets, spec.FieldTagSet)
	assert.Len(t, sets, 1)
	assert.Equal(t, "InvalidParameter", c.call(spec.ActionAddTags, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamTags: {"not json"}}).code())
}

func TestDescribeLoadBalancersFiltersAndPages(t *testing.T) {
	e := newEnv(t, instant)
	c := e.primary()
	for i := 0; i < 3; i++ {
		c.createPerfLB(spec.ParamLoadBalancerName, "web")
	}
	c.createLB(spec.ParamAddressType, "intranet", spec.ParamVpcID, "vpc-1", spec.ParamVSwitchID, "vsw-1")
	page := c.must(spec.ActionDescribeLoadBalancers, url.Values{spec.ParamPageSize: {"2"}, spec.ParamPageNumber: {"2"}}).Body
	assert.Equal(t, float64(4), page[spec.FieldTotalCount])
	assert.Equal(t, float64(2), page[spec.ParamPageNumber])
	assert.Len(t, list(t, page, spec.FieldLoadBalancers, spec.FieldLoadBalancer), 2)
	named := c.must(spec.ActionDescribeLoadBalancers, url.Values{spec.ParamLoadBalancerName: {"web"}}).Body
	assert.Equal(t, float64(3), named[spec.FieldTotalCount])
	internal := c.must(spec.ActionDescribeLoadBalancers, url.Values{spec.ParamAddressType: {"intranet"}}).Body
	items := list(t, internal, spec.FieldLoadBalancers, spec.FieldLoadBalancer)
	require.Len(t, items, 1)
	it := items[0].(map[string]any)
	assert.Equal(t, "vpc", it[spec.FieldNetworkType])
	assert.Equal(t, "vsw-1", it[spec.ParamVSwitchID])
	attr := c.must(spec.ActionDescribeLoadBalancer, url.Values{spec.ParamLoadBalancerID: {it[spec.FieldLoadBalancerID].(string)}}).Body
	assert.Equal(t, "vpc-1", attr[spec.ParamVpcID])
	assert.IsType(t, float64(0), attr[spec.ParamBandwidth])
}

// TestListenerListingShape: a listing item has AclIds and Tags as plain arrays, the protocol
// of the backend at item level, and an HTTPSListenerConfig without the item's fields whose
// ServerCertificates is a plain array; Description and Tag filter it.
func TestListenerListingShape(t *testing.T) {
	e := newEnv(t, instant)
	c := e.primary()
	lb, cert := c.createPerfLB(), c.uploadCert("")
	acl := c.createACL("ipv4", "10.0.0.0/8")
	c.must(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamACLStatus, "on", spec.ParamACLType, "white",
		spec.ParamACLID, acl, spec.ParamDescription, "front", "Tag.1.Key", "team", "Tag.1.Value", "edge"))
	body := c.must(spec.ActionDescribeListeners, url.Values{"LoadBalancerId.1": {lb}}).Body
	items := body[spec.FieldListeners].([]any)
	require.Len(t, items, 1)
	it := items[0].(map[string]any)
	assert.Equal(t, []any{acl}, it[spec.FieldAclIDs])
	assert.Equal(t, []any{map[string]any{"TagKey": "team", "TagValue": "edge"}}, it[spec.FieldTags])
	assert.Equal(t, "http", it[spec.ParamBackendProtocol], "an HTTPS listener speaks HTTP to its backends unless told otherwise")
	cfg := it[spec.FieldHTTPSListenerConfig].(map[string]any)
	assert.Equal(t, []any{map[string]any{"CertificateId": cert, "BindingType": "Server", "StandardType": "International"}}, cfg[spec.FieldServerCertificates])
	for _, k := range []string{spec.ParamBandwidth, spec.ParamDescription, spec.ParamACLID, spec.ParamLoadBalancerID, spec.FieldStatus, spec.ParamBackendServerPort} {
		assert.NotContains(t, cfg, k)
	}
	for q, n := range map[string]int{"front": 1, "back": 0} {
		got := c.must(spec.ActionDescribeListeners, url.Values{spec.ParamDescription: {q}}).Body[spec.FieldListeners].([]any)
		assert.Len(t, got, n, "Description=%s", q)
	}
	for v, n := range map[string]int{"edge": 1, "core": 0} {
		got := c.must(spec.ActionDescribeListeners, url.Values{"Tag.1.Key": {"team"}, "Tag.1.Value": {v}}).Body[spec.FieldListeners].([]any)
		assert.Len(t, got, n, "tag team=%s", v)
	}
}
