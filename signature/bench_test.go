package signature_test

import (
	"testing"
	"time"

	"github.com/clbcheck/clbcheck/signature"
)

func BenchmarkSignV1(b *testing.B) {
	params := clbV1Params()
	b.ReportAllocs()
	for b.Loop() {
		_ = signature.SignV1("POST", "testsecret", params)
	}
}

func BenchmarkVerifyV3(b *testing.B) {
	r, body := signedFormRequest(b)
	b.ReportAllocs()
	for b.Loop() {
		ok, _, err := signature.VerifyV3(r, body, "testsecret")
		if err != nil || !ok {
			b.Fatalf("verification failed: ok=%v err=%v", ok, err)
		}
	}
}

func BenchmarkVerifyV1(b *testing.B) {
	params := clbV1Params()
	params.Set("Signature", signature.SignV1("POST", "testsecret", params))
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := signature.VerifyV1("POST", params, "testsecret"); !ok {
			b.Fatal("verification failed")
		}
	}
}

func BenchmarkStringToSignV1(b *testing.B) {
	params := clbV1Params()
	b.ReportAllocs()
	for b.Loop() {
		_ = signature.StringToSignV1("POST", params)
	}
}

func BenchmarkValidV1(b *testing.B) {
	params := clbV1Params()
	params.Set("Signature", signature.SignV1("POST", "testsecret", params))
	b.ReportAllocs()
	for b.Loop() {
		if !signature.ValidV1("POST", params, "testsecret") {
			b.Fatal("verification failed")
		}
	}
}

func BenchmarkV1Params(b *testing.B) {
	creds := signature.Credentials{AccessKeyID: "testid", AccessKeySecret: "testsecret"}
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		_ = signature.V1Params(creds, now)
	}
}
