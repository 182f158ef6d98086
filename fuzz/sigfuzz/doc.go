// Package sigfuzz holds the fuzz targets of package signature alone: sign, change, verify.
// It has no code of its own outside tests. It links signature, fuzz/mutation and the standard
// library and nothing else, because go test -fuzz pays for every instrumented package a test
// binary links on every exec (fuzz/doc.go, "Speed"): here an exec costs a fraction of what it
// costs in package fuzz, whose binary links the emulator and kin-openapi.
//
// # Targets
//
//   - FuzzSignatureV1 (v1_test.go): SignV1 over the parameters of a query ignores a Signature
//     it is given, VerifyV1 accepts what it signed, and after one change (a byte of a value
//     or name, an added, removed or reordered value, the other method) VerifyV1 accepts the
//     request exactly when its parameters, their order, its method (up to case) and its one
//     Signature are the same.
//   - FuzzSignatureV3 (v3_test.go): SignV3 over a query, a body, a content type and one extra
//     x-acs- header; VerifyV3 accepts it, and after one change (a parameter change, a signed
//     header's value, a dropped header, the body, the method, raw bytes after the query)
//     accepts it exactly when the canonical request is the same.
//
// Package fuzz keeps the other half of each: FuzzGatewayV1 and FuzzGatewayV3 send the same
// signed and changed requests through the emulator's gateway. The seed corpora under
// testdata/fuzz are written by package fuzz (TestWriteCorpus), from the same cases as the
// gateway targets'.
//
// In the test files: checkV1 and checkV3, the targets' bodies (also run by
// BenchmarkSignatureV1Body and BenchmarkSignatureV3Body to see where an exec's time goes).
//
//	FUZZ_TARGETS="FuzzSignatureV1 FuzzSignatureV3" make fuzz FUZZTIME=30s
package sigfuzz
