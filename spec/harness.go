package spec

// Names the harness passes between generation and sending that the description does not
// define: how a case is signed (Auth), whom it acts as (principals), the fixture slots its
// parameters refer to, and the tag every created instance carries. They live here, beside the
// description's own names, so that generators, target, resources and the emulator share them
// without importing one another.

// Auth says how a case is signed and by whom.
type Auth string

// Authentication modes. The zero value signs with V1 as the primary principal.
const (
	AuthV1             Auth = ""
	AuthV3             Auth = "v3"
	AuthUnsigned       Auth = "unsigned"
	AuthBadSignature   Auth = "bad-signature"
	AuthReplayedNonce  Auth = "replayed-nonce"
	AuthStaleTimestamp Auth = "stale-timestamp"
	AuthUnknownKey     Auth = "unknown-key"
	AuthSTS            Auth = "sts"
	// AuthSTSWrongToken signs with V1 and a SecurityToken that was not issued for the key.
	AuthSTSWrongToken Auth = "sts-wrong-token"
	// AuthV3BadSignature signs with V3, then spoils the signature.
	AuthV3BadSignature Auth = "v3-bad-signature"
	// AuthV3MinimalHeaders signs with V3 over host alone: the x-acs-* headers travel unsigned.
	AuthV3MinimalHeaders Auth = "v3-minimal-signed-headers"
	// AuthV3HostUnsigned signs with V3 over every header a client signs except host.
	AuthV3HostUnsigned Auth = "v3-host-unsigned"
	// AuthV3AddedHeader signs with V3, then adds an x-acs-* header the signature does not cover.
	AuthV3AddedHeader Auth = "v3-added-header"
	// AuthFarFutureTimestamp signs with V1 and a Timestamp three centuries ahead, beyond the
	// reach of a time.Duration.
	AuthFarFutureTimestamp Auth = "far-future-timestamp"
	// AuthV3BodyHashMismatch signs with V3 over an x-acs-content-sha256 that is not the
	// digest of the body sent: the signature is right for the hash it claims.
	AuthV3BodyHashMismatch Auth = "v3-body-hash-mismatch"
	// AuthReplayedNonceLate signs with V1 with a SignatureNonce the run used once when it
	// began, seconds before: a service must remember a nonce for the whole window, not a
	// moment.
	AuthReplayedNonceLate Auth = "replayed-nonce-late"
	// AuthV3ReplayedNonce signs with V3 twice with the same x-acs-signature-nonce.
	AuthV3ReplayedNonce Auth = "v3-replayed-nonce"
	// AuthV3FarFutureDate signs with V3 and an x-acs-date three centuries ahead.
	AuthV3FarFutureDate Auth = "v3-far-future-date"
	// AuthV1SignedOnce signs with V1 over the parameters as the server reads them: a name sent
	// twice with one value is signed once.
	AuthV1SignedOnce Auth = "v1-repeated-signed-once"
)

// Principals a case may act as. A target that lacks one makes the case skip.
const (
	PrincipalPrimary    = "primary"
	PrincipalSecond     = "second"     // another account
	PrincipalRestricted = "restricted" // a RAM user the policy denies
	PrincipalDisabled   = "disabled"   // a key its owner disabled
)

// Fixture slots: names of resources a case refers to. A target provisions each slot once per
// run (or reads it from a fixtures file); a slot it cannot provide makes the case skip.
const (
	SlotPort        = "port"         // a free listener port, allocated per case
	SlotLB          = "lb"           // guaranteed-performance IPv4 instance
	SlotLBShared    = "lb.shared"    // shared-performance instance
	SlotLBIPv6      = "lb.ipv6"      // guaranteed-performance IPv6 instance
	SlotCert        = "cert.server"  // server certificate of the primary account
	SlotCertCA      = "cert.ca"      // CA certificate of the primary account
	SlotCertForeign = "cert.foreign" // server certificate of the second account
	SlotCertCN      = "cert.cn"      // server certificate of the national-crypto kind
	SlotACL         = "acl.ipv4"     // IPv4 ACL with entries
	SlotACLIPv6     = "acl.ipv6"     // IPv6 ACL
	SlotACLDupA     = "acl.dup.a"    // two IPv4 ACLs sharing an entry
	SlotACLDupB     = "acl.dup.b"
	SlotVGroup      = "vgroup" // VServer group on SlotLB
	// Resources that exist but are not the caller's to use here.
	SlotACLForeign    = "acl.foreign"     // IPv4 ACL of the second account
	SlotCertCAForeign = "cert.ca.foreign" // CA certificate of the second account
	SlotVGroupOther   = "vgroup.other"    // VServer group of another instance of the caller
	SlotMSGroup       = "msgroup"
	// SlotZonePrefix + scenario name: an instance in the scenario's zone.
	SlotZonePrefix = "lb.zone:"
	// SlotRegionPrefix + scenario name: an instance in the scenario's region.
	SlotRegionPrefix = "lb.region:"
	// SlotLocalPrefix marks a resource created by the case's own setup, bound for that case only.
	SlotLocalPrefix = "local:"
)

// RunTagKey is the tag key every instance a run creates carries; its value is the run id.
// clbcheck cleanup finds a run's leftovers through it even when the ledger is lost.
const RunTagKey = "clbcheck-run"

// ReplayMissCode is the error code answered when a replayed run sends a request the cassette
// does not hold.
const ReplayMissCode = "ClbcheckReplayMiss"
