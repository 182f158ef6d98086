package emulator

import (
	"net/url"
	"testing"

	"github.com/clbcheck/clbcheck/spec"
)

// benchRequest is a request as the emulator validates it: the minimal business parameters,
// two tags and the common parameters of a V1 call.
func benchRequest(b *testing.B) (*spec.Operation, url.Values) {
	op := spec.MustDefault().UnderTest
	v := minimal()
	tag := readerOf(op.Param(spec.ParamTag))
	v.Set(tag.wireName(1, spec.FieldTagKey), "owner")
	v.Set(tag.wireName(1, spec.FieldTagValue), "clbcheck")
	v.Set(tag.wireName(2, spec.FieldTagKey), "run")
	v.Set(spec.ParamRegionID, "cn-hangzhou")
	for _, name := range []string{spec.ParamAction, spec.ParamVersion, spec.ParamFormat, spec.ParamAccessKeyID,
		spec.ParamSignature, spec.ParamSignatureMethod, spec.ParamSignatureVersion, spec.ParamSignatureNonce, spec.ParamTimestamp} {
		v.Set(name, "x")
	}
	if vi, _ := plainEngine.validate(op, v, nil); vi != nil {
		b.Fatalf("the benchmark request is refused: %v", vi)
	}
	return op, v
}

func BenchmarkValidate(b *testing.B) {
	op, v := benchRequest(b)
	b.ReportAllocs()
	for b.Loop() {
		if vi, _ := plainEngine.validate(op, v, nil); vi != nil {
			b.Fatal("refused")
		}
	}
}

// A request with one value out of range, as most generated cases are.
func BenchmarkValidateViolation(b *testing.B) {
	op, v := benchRequest(b)
	v.Set(spec.ParamListenerPort, "65536")
	b.ReportAllocs()
	for b.Loop() {
		if vi, _ := plainEngine.validate(op, v, nil); vi == nil || vi.Kind != spec.KindMaximum {
			b.Fatalf("got %v", vi)
		}
	}
}

func BenchmarkItems(b *testing.B) {
	op, v := benchRequest(b)
	r := readerOf(op.Param(spec.ParamTag))
	b.ReportAllocs()
	for b.Loop() {
		if len(r.items(v)) != 2 {
			b.Fatal("wrong item count")
		}
	}
}
