// Package signature implements the two request-signing schemes that
// Alibaba Cloud RPC-style APIs (such as CLB, product Slb, version
// 2014-05-15) accept. It serves both sides of the wire: HTTP clients use it
// to sign outgoing requests, and the emulator uses it to check incoming
// ones and to report the string it signed when a check fails.
//
// The package depends on the standard library only.
//
// # Encoding
//
//   - [PercentEncode]: RFC 3986 percent-encoding with upper-case hex, the
//     flavour used by both schemes (space is %20, never '+').
//
// # Signature V1 (HMAC-SHA1, parameters carry the signature)
//
//   - [CanonicalQueryV1], [StringToSignV1], [SignV1]: build and sign the
//     canonical form of a parameter set.
//   - [SignV1Pairs]: SignV1 for parameters given as name/value pairs, without
//     the map (a client signing what it is about to encode).
//   - [VerifyV1]: check the Signature parameter of a received request.
//     [ValidV1] gives the same answer without the string to sign, for a
//     server that reports that string only on a refusal.
//   - [Credentials], [V1Params], [AddV1Params], [NewNonce]: produce the
//     common parameters (AccessKeyId, SignatureMethod, SignatureVersion,
//     SignatureNonce, Timestamp, SecurityToken) a client must send;
//     [ParamSignature] names the parameter the signature travels in.
//
// # Signature V3 (ACS3-HMAC-SHA256, headers carry the signature)
//
//   - [CanonicalQueryV3], [SignedHeadersV3], [CanonicalHeadersV3],
//     [CanonicalRequestV3], [StringToSignV3], [SignatureV3], [HexSHA256]:
//     the individual steps, exported so that tests and diagnostics can
//     look at every intermediate value.
//   - [AlgorithmV3], [EmptyBodySHA256] and the Header* constants name the
//     fixed strings of the scheme.
//   - [SignV3]: add the x-acs-* signing headers and the Authorization
//     header to an *http.Request.
//   - [Authorization], [ParseAuthorizationV3]: the parsed form of the
//     Authorization header.
//   - [VerifyV3]: check a received V3 request against a secret.
//   - [UnsignedHeadersV3]: the headers the specification requires in
//     SignedHeaders (host and every x-acs-* header sent) that a request's
//     list leaves out; a server refuses such a request whatever its
//     signature. [ParseAuthorizationV3] already refuses a name listed twice,
//     and canonicalisation costs time in proportion to the request.
//
// # Replay protection
//
//   - [TimestampLayout], [ParseTimestamp], [CheckTimestamp], [ReplayWindow]:
//     the clock-skew check the gateway applies to Timestamp and x-acs-date,
//     comparing instants so that no distance overflows. Remembering nonces is
//     left to the caller. The last Timestamp text formatted and parsed is
//     remembered (timestamps.go, beside the plain forms).
//
// # Errors
//
// Every error returned by this package wraps one of the exported sentinel
// values ([ErrMalformedAuthorization], [ErrUnsupportedAlgorithm],
// [ErrMissingAuthorization], [ErrMissingHeader], [ErrMissingHost],
// [ErrMissingCredentials], [ErrMalformedTimestamp], [ErrTimestampExpired]),
// so callers can classify failures with errors.Is.
package signature
