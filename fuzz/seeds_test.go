package fuzz

import (
	"net/http"
	"testing"

	"github.com/clbcheck/clbcheck/spec"
)

// wireSeeds are hand-written requests that the generated corpus does not produce: the
// neighbouring operations on the fixtures, a JSON body, odd encodings and broken framing.
func wireSeeds() []Wire {
	version := spec.MustDefault().APIVersion
	v := "&" + spec.ParamVersion + "=" + version
	form := spec.MustDefault().Wire.BodyContentType
	lbPort := "&" + spec.ParamLoadBalancerID + "={" + spec.SlotLB + "}&" + spec.ParamListenerPort + "=" + PlaceholderPort
	return []Wire{
		{http.MethodPost, "Action=" + spec.ActionDescribeHTTPSListener + v + lbPort, "", ""},
		{http.MethodPost, "Action=" + spec.ActionStartListener + v + lbPort, "", ""},
		{http.MethodPost, "Action=" + spec.ActionStopListener + v + lbPort, "", ""},
		{http.MethodPost, "Action=" + spec.ActionDeleteListener + v + lbPort, "", ""},
		{http.MethodGet, "Action=" + spec.ActionDescribeListeners + v + "&LoadBalancerId={lb}&MaxResults=1&NextToken=0", "", ""},
		{http.MethodPost, "Action=" + spec.ActionDescribeLoadBalancer + v + "&LoadBalancerId={lb}&Format=xml", "", ""},
		{http.MethodPost, "Action=" + spec.ActionDeleteLoadBalancer + v + "&LoadBalancerId={lb.shared}", "", ""},
		{http.MethodPost, "Action=" + spec.ActionCreateACL + v, "AclName=dup&AddressIPVersion=ipv4", form},
		{http.MethodPost, "Action=" + spec.ActionAddACLEntry + v + "&AclId={acl.ipv4}", `AclEntrys=[{"entry":"10.0.0.0/8","comment":"x"}]`, form},
		{http.MethodPost, "Action=" + spec.ActionCreateVServerGroup + v + "&LoadBalancerId={lb}&BackendServers=[", "", ""},
		{http.MethodPost, "Action=" + spec.ActionCreateTLSCipherPolicy + v + "&Name=p&TLSVersions.1=TLSv1.2&Ciphers.1=ECDHE-RSA-AES128-SHA", "", ""},
		{http.MethodPost, "Action=" + spec.ActionUploadServerCertificate + v + "&ServerCertificate=-----BEGIN", "", ""},
		{http.MethodPost, "Action=" + spec.ActionUploadCACertificate + v + "&CACertificate=x", "", ""},
		{http.MethodPost, "Action=" + spec.ActionCreateLoadBalancer + v + "&MasterZoneId=cn-hangzhou-l4only&LoadBalancerSpec=slb.s2.small", "", ""},
		{http.MethodPost, "", `{"Action":"` + spec.ActionCreateHTTPSListener + `","Version":"` + version + `","LoadBalancerId":"{lb}","ListenerPort":443,"Bandwidth":-1,"Tag":[{"Key":"k","Value":"v"}]}`, "application/json"},
		{http.MethodPost, "Action=" + spec.ActionCreateHTTPSListener + v + "&Tag.1.Key=a&Tag.3.Key=b&ServerCertificate.0.CertificateId=x", "", ""},
		{http.MethodPost, "Action=" + spec.ActionCreateHTTPSListener + v + "&ListenerPort=443&ListenerPort=444", "ListenerPort=443", form},
		{http.MethodPost, "%zz=%&&=&Action", "", ""},
		{http.MethodPost, "Action=" + spec.ActionCreateHTTPSListener + ";Version=" + version, "a=%", form},
		{"PATCH", "Action=" + spec.ActionCreateHTTPSListener + v, "", ""},
		{http.MethodPost, "Action=Nope" + v + "&Format=yaml", "", ""},
		{http.MethodPost, "Action=" + spec.ActionCreateHTTPSListener + "&Version=2099-01-01", "", ""},
	}
}

// TestWireSeedsExpand checks that the hand-written seeds only name slots a world provides.
func TestWireSeedsExpand(t *testing.T) {
	w, err := NewInProcessWorld(true)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range wireSeeds() {
		e := x.Expand(w.Replacer)
		if containsPlaceholder(e.Query) || containsPlaceholder(e.Body) {
			t.Errorf("seed %q keeps a placeholder after expansion: %q %q", x.Query, e.Query, e.Body)
		}
	}
}

func containsPlaceholder(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '{' {
			for j := i + 1; j < len(s); j++ {
				if s[j] == '}' {
					name := s[i+1 : j]
					if name != "" && !hasAny(name, `"{:,`) {
						return true
					}
					break
				}
			}
		}
	}
	return false
}

func hasAny(s, chars string) bool {
	for i := 0; i < len(s); i++ {
		for j := 0; j < len(chars); j++ {
			if s[i] == chars[j] {
				return true
			}
		}
	}
	return false
}

func BenchmarkInProcessWorld(b *testing.B) {
	for b.Loop() {
		if _, err := NewInProcessWorld(false); err != nil {
			b.Fatal(err)
		}
	}
}
