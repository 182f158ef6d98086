package target_test

import (
	"testing"

	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// BenchmarkBuild measures encoding and V1-signing one request of a catalogue's size.
func BenchmarkBuild(b *testing.B) {
	h, err := target.NewHTTP(target.HTTPConfig{BaseURL: "http://127.0.0.1:1", Region: "cn-hangzhou",
		Credentials: map[string]signature.Credentials{spec.PrincipalPrimary: {AccessKeyID: "k", AccessKeySecret: "s"}}})
	if err != nil {
		b.Fatal(err)
	}
	req := target.Request{Action: spec.ActionCreateHTTPSListener, Params: []target.KV{{Name: spec.ParamLoadBalancerID, Value: "lb-1"},
		{Name: spec.ParamListenerPort, Value: "443"}, {Name: spec.ParamBandwidth, Value: "-1"}, {Name: spec.ParamDescription, Value: "a b/c"}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := h.Build(req); err != nil {
			b.Fatal(err)
		}
	}
}
