package spec_test

import (
	"net/url"
	"testing"

	"github.com/clbcheck/clbcheck/spec"
)

// benchRequest is a request as the emulator validates it: the minimal business parameters,
// two tags and the common parameters of a V1 call.
func benchRequest(b *testing.B) (*spec.Spec, *spec.Operation, url.Values) {
	s := spec.MustDefault()
	op := s.UnderTest
	v := minimal()
	tag := op.Param(spec.ParamTag).List
	v.Set(tag.WireName(1, spec.FieldTagKey), "owner")
	v.Set(tag.WireName(1, spec.FieldTagValue), "clbcheck")
	v.Set(tag.WireName(2, spec.FieldTagKey), "run")
	v.Set(spec.ParamRegionID, "cn-hangzhou")
	for _, name := range []string{spec.ParamAction, spec.ParamVersion, spec.ParamFormat, spec.ParamAccessKeyID,
		spec.ParamSignature, spec.ParamSignatureMethod, spec.ParamSignatureVersion, spec.ParamSignatureNonce, spec.ParamTimestamp} {
		v.Set(name, "x")
	}
	if vi := s.Validate(op, v); vi != nil {
		b.Fatalf("the benchmark request is refused: %v", vi)
	}
	return s, op, v
}

func BenchmarkValidate(b *testing.B) {
	s, op, v := benchRequest(b)
	b.ReportAllocs()
	for b.Loop() {
		if s.Validate(op, v) != nil {
			b.Fatal("refused")
		}
	}
}

func BenchmarkItems(b *testing.B) {
	_, op, v := benchRequest(b)
	l := op.Param(spec.ParamTag).List
	b.ReportAllocs()
	for b.Loop() {
		if len(l.Items(v)) != 2 {
			b.Fatal("wrong item count")
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	_, op, _ := benchRequest(b)
	port := op.Param(spec.ParamListenerPort)
	id := op.Param(spec.ParamLoadBalancerID)
	b.ReportAllocs()
	for b.Loop() {
		if k, _ := port.Check("443"); k != "" {
			b.Fatal(k)
		}
		if k, _ := id.Check("lb-bp1o94dp5i6earr0000"); k != "" {
			b.Fatal(k)
		}
	}
}

// A request with one value out of range, as most generated cases are.
func BenchmarkValidateViolation(b *testing.B) {
	s, op, v := benchRequest(b)
	v.Set(spec.ParamListenerPort, "65536")
	b.ReportAllocs()
	for b.Loop() {
		if vi := s.Validate(op, v); vi == nil || vi.Kind != spec.KindMaximum {
			b.Fatalf("got %v", vi)
		}
	}
}
