package emulator

import (
	"math"
	"slices"
	"time"

	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// Gateway faults: the gateway's own rules (which headers a V3 signature must cover, the
// timestamp window, repeated parameters under V1) broken the way implementations break them.
// The injector records them by name (injector.gateway).

// Names of the gateway faults, as the hooks ask for them.
const (
	gfV3UnsignedHeaders  = "signature/v3-unsigned-headers-accepted"
	gfV3AddedHeader      = "signature/v3-added-header-accepted"
	gfV3HostUnsigned     = "signature/v3-host-unsigned-accepted"
	gfFarFutureTimestamp = "signature/far-future-timestamp-accepted"
	gfFutureTimestamp    = "signature/future-timestamp-accepted"
	gfRepeatedUnverified = "signature/repeated-parameter-unverified"
	gfWideWindow         = "signature/timestamp-window-doubled"
	gfAnyToken           = "signature/any-security-token-accepted"
)

// gatewayFaults are the catalogue entries of the gateway faults.
var gatewayFaults = []faultDef{
	gatewayFault(gfV3UnsignedHeaders, "a V3 signature need not cover host or the x-acs-* headers: SignedHeaders=host passes, and so does a header added after signing"),
	gatewayFault(gfV3AddedHeader, "a V3 signature must cover host and the common x-acs-* headers, but any other x-acs-* header added after signing passes"),
	gatewayFault(gfV3HostUnsigned, "a V3 signature need not cover host: SignedHeaders may leave it out when it lists the x-acs-* headers"),
	gatewayFault(gfFarFutureTimestamp, "a Timestamp or x-acs-date more than about 292 years ahead passes the window (its distance overflows a time.Duration)"),
	gatewayFault(gfFutureTimestamp, "only the past edge of the timestamp window is enforced: any Timestamp or x-acs-date ahead of the server clock passes"),
	gatewayFault(gfWideWindow, "the timestamp window is twice the described one: a Timestamp or x-acs-date up to twice the window away passes"),
	inferredGatewayFault(gfAnyToken, "a SecurityToken is not checked against the key: one never issued for it passes (the page names no answer for it)"),
	gatewayFault(gfRepeatedUnverified, "a V1 request that repeats a parameter is accepted whatever its signature"),
}

func gatewayFault(name, description string) faultDef {
	return faultDef{FaultInfo: FaultInfo{Name: name, Category: FaultCategorySignature, Description: description}, gateway: name}
}

// inferredGatewayFault is gatewayFault for a rule only other references state, graded under
// the strict profile.
func inferredGatewayFault(name, description string) faultDef {
	d := gatewayFault(name, description)
	d.Basis = spec.Inferred
	return d
}

// gatewayFault reports whether a gateway fault is on.
func (in *injector) gatewayFault(name string) bool {
	return in != nil && in.gateway[name]
}

// commonHeadersV3 are the headers the V3 rules name (host and the x-acs-* headers clients
// sign); gfV3AddedHeader requires only these.
var commonHeadersV3 = []string{"host", signature.HeaderAction, signature.HeaderVersion, signature.HeaderDate,
	signature.HeaderNonce, signature.HeaderContentSHA256, signature.HeaderSecurityToken}

// unsignedHeaders filters the headers a V3 signature left out through the faults that let
// some of them pass.
func (in *injector) unsignedHeaders(missing []string) []string {
	switch {
	case len(missing) == 0 || in.gatewayFault(gfV3UnsignedHeaders):
		return nil
	case in.gatewayFault(gfV3AddedHeader):
		return slices.DeleteFunc(missing, func(h string) bool { return !slices.Contains(commonHeadersV3, h) })
	case in.gatewayFault(gfV3HostUnsigned):
		return slices.DeleteFunc(missing, func(h string) bool { return h == "host" })
	}
	return missing
}

// futureAccepted reports whether a timestamp ahead of the clock and outside the window passes
// anyway.
func (in *injector) futureAccepted(t, now time.Time) bool {
	if in == nil || !t.After(now) {
		return false
	}
	// time.Time.Sub saturates at the largest Duration: the faulty check computed the
	// distance with it and compared, so nothing that far ahead looked far.
	return in.gatewayFault(gfFutureTimestamp) || (in.gatewayFault(gfFarFutureTimestamp) && t.Sub(now) == math.MaxInt64)
}

// wideWindow reports whether a timestamp outside the window passes because the window is
// twice as wide (gfWideWindow).
func (in *injector) wideWindow(t, now time.Time, window time.Duration) bool {
	return in.gatewayFault(gfWideWindow) && !t.Before(now.Add(-2*window)) && !t.After(now.Add(2*window))
}
