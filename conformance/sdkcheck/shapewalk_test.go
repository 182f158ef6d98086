package sdkcheck

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"
)

// TestShapeWalkFindsDifferences: each kind of difference the comparison promises to find is
// found, in JSON and in XML, against the SDK's real types.
func TestShapeWalkFindsDifferences(t *testing.T) {
	listing := reflect.TypeOf(slb.DescribeLoadBalancerListenersResponse{})
	attr := reflect.TypeOf(slb.DescribeLoadBalancerHTTPSListenerAttributeResponse{})
	for _, c := range []struct {
		name, format, body string
		t                  reflect.Type
		want               string // a fragment of the problem; "" for none
	}{
		{"plain array sent as a wrapper", FormatJSON, `{"Listeners":[{"HTTPSListenerConfig":{"ServerCertificates":{"ServerCertificate":[]}}}]}`, listing, "plain array"},
		{"plain array", FormatJSON, `{"Listeners":[{"HTTPSListenerConfig":{"ServerCertificates":[{"CertificateId":"c"}]},"AclIds":["a"]}]}`, listing, ""},
		{"wrapper sent as a plain array", FormatJSON, `{"Tags":[{"TagKey":"k"}]}`, attr, "object"},
		{"number as a string", FormatJSON, `{"ListenerPort":"443"}`, attr, "number"},
		{"string as a number", FormatJSON, `{"Status":1}`, attr, "string"},
		{"name case", FormatJSON, `{"Listenerport":443}`, attr, "case"},
		{"unknown key", FormatJSON, `{"Nonsense":"x"}`, attr, ""}, // ignored by the SDK: w.extra
		{"xml plain array", FormatXML, `<R><Listeners><AclIds>a</AclIds><AclIds>b</AclIds><ListenerPort>1</ListenerPort></Listeners></R>`, listing, ""},
		{"xml number", FormatXML, `<R><ListenerPort>x</ListenerPort></R>`, attr, "number"},
		{"xml repeated scalar", FormatXML, `<R><Status>a</Status><Status>b</Status></R>`, attr, "repeated"},
		{"xml unknown element", FormatXML, `<R><Nonsense/></R>`, attr, ""},
		{"xml wrapper", FormatXML, `<R><Tags><Tag><TagKey>k</TagKey></Tag></Tags></R>`, attr, ""},
	} {
		w := &shapeWalk{sent: map[string]bool{}}
		if c.format == FormatXML {
			root, err := parseXML([]byte(c.body))
			if err != nil {
				t.Fatal(err)
			}
			w.xml("", root, c.t)
		} else {
			v, err := decodeJSON([]byte(c.body))
			if err != nil {
				t.Fatal(err)
			}
			w.json("", v, c.t)
		}
		var got []string
		for _, p := range w.problems {
			got = append(got, p.String())
		}
		if strings.HasPrefix(c.name, "unknown") || strings.HasSuffix(c.name, "unknown element") {
			if len(w.extra) != 1 {
				t.Errorf("%s: want the field kept aside as one the SDK ignores, got %v", c.name, w.extra)
			}
		}
		all := strings.Join(got, "; ")
		switch {
		case c.want == "" && len(got) > 0:
			t.Errorf("%s: unexpected problems: %s", c.name, all)
		case c.want != "" && !strings.Contains(all, c.want):
			t.Errorf("%s: want a problem with %q, got %q", c.name, c.want, all)
		}
	}
}
