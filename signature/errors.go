package signature

import "errors"

// Sentinel errors. Functions in this package wrap them with extra detail;
// test for them with errors.Is.
var (
	// ErrMalformedAuthorization reports an Authorization header that does
	// not follow the "<algorithm> Credential=..,SignedHeaders=..,Signature=.."
	// layout.
	ErrMalformedAuthorization = errors.New("signature: malformed V3 Authorization header")

	// ErrUnsupportedAlgorithm reports an Authorization header naming an
	// algorithm other than ACS3-HMAC-SHA256.
	ErrUnsupportedAlgorithm = errors.New("signature: unsupported signing algorithm")

	// ErrMissingAuthorization reports a V3 request without an Authorization
	// header.
	ErrMissingAuthorization = errors.New("signature: Authorization header is absent")

	// ErrMissingHeader reports a header that must be present for signing
	// or verification but is not.
	ErrMissingHeader = errors.New("signature: required header is absent")

	// ErrMissingHost reports a request whose host cannot be determined from
	// the Host header, Request.Host or Request.URL.Host.
	ErrMissingHost = errors.New("signature: request has no host")

	// ErrMissingCredentials reports an attempt to sign without an access key
	// ID or secret.
	ErrMissingCredentials = errors.New("signature: access key ID and secret are required")

	// ErrMalformedTimestamp reports a Timestamp or x-acs-date value that is
	// not in the 2006-01-02T15:04:05Z layout.
	ErrMalformedTimestamp = errors.New("signature: malformed timestamp")

	// ErrTimestampExpired reports a timestamp too far from the server clock.
	ErrTimestampExpired = errors.New("signature: timestamp outside the accepted window")
)
