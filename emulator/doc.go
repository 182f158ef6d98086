// Package emulator is an in-memory stand-in for the CLB (Slb 2014-05-15) RPC endpoint,
// serving CreateLoadBalancerHTTPSListener and the neighbouring operations the harness needs to
// build and observe state. Any client can talk to it: the harness in-process (it is an
// http.Handler), the official SDKs and curl over HTTP (see `clbcheck emulator`).
//
// Everything it knows about the operation comes from package spec: parameters and their
// constraints, rules, the error catalogue with each code's trigger, states, scenarios,
// quotas and wire conventions. The only other project package it imports is signature.
//
// # Layers (in the order a request crosses them)
//
//  1. Disruptions (emulator.go: ServeHTTP, drop): added latency, dropped connections and 5xx
//     answers, all off unless Config.Disruptions says otherwise.
//  2. Wire decoding (wire.go: decode; emulator.go: serve): path and method (the gateway's
//     answers otherwise), query and form body merged, Format (JSON or XML, any case), routing
//     on Action or the x-acs-action header, Version or x-acs-version.
//  3. Authentication (auth.go: authenticate, authV1, authV3): signature V1 or V3 checked with
//     package signature (a V3 SignedHeaders list must name host and every x-acs-* header
//     sent), timestamp window, nonce replay (nonces.go: nonceCache, which keeps each nonce, as
//     a 64-bit keyed hash in 24 bytes, until its request's timestamp leaves the window and, when
//     full, refuses rather than forgets; nonces_plain.go: plainNonces, its plain reference),
//     STS tokens, then the per-key rate limit (limiter).
//  4. Authorization (auth.go: authorize): RAM policies of RAM users, with the operation's
//     x-ram resources, wildcards, and explicit Deny winning (NoPermission with
//     AccessDeniedDetail).
//  5. Static validation (emulator.go: validate; validate.go: engine.validate): the emulator's
//     own engine, compiled from the description's data (engine_build.go: newEngine), for every
//     operation, with the enum of TLSCipherPolicy extended by the caller's custom policy ids.
//  6. State model (state.go, ops.go, create.go): accounts > regions > load balancers,
//     certificates, ACLs and TLS policies; listeners with their attributes and a status
//     computed from timestamps (stopped, starting, running). The state checks of the operation
//     under test are one table, createChecks, whose rows are named after the description's
//     states and quotas. One mutex covers each request's check-and-change, so two creates on
//     one port never both succeed and a refused request changes nothing. With a state file,
//     a change is on disk before its answer is sent (emulator.go: durable).
//  7. Error mapping (wire.go: gatewayError, codeError, writeError): code, status and message
//     from the catalogue, %s filled in, every field a string; success bodies never have a
//     Code.
//
// # Transitions
//
// By default every change is complete when its answer is sent: a started listener is running
// at once, a new TLS policy usable at once, so a plain create/start/stop/delete script from any
// client needs no waiting. Config.Delays switches on the description's duration scenarios
// (listener-start-delay, tls-policy-configuring-time): a started listener is starting for a
// while, and stopping it, deleting it or deleting its instance is then answered
// ServiceIsConfiguring, a create on its port ListenerProcessing. The harness's embedded
// emulator has them on (target.WithTransitions).
//
// # Answer shapes
//
// The neighbouring operations answer in the shapes the official SDKs' typed models read
// (views.go, list.go): a list is wrapped (Tags.Tag) where the models wrap it and plain where
// they do not (a listener item's AclIds and Tags, HTTPSListenerConfig.ServerCertificates),
// integers and timestamps are numbers. The conformance module compares every answer of every
// operation with the Go SDK's structs. Besides those the harness needs, the emulator serves
// what a tool managing HTTPS listeners calls (neighbours.go, tags.go):
// SetLoadBalancerHTTPSListenerAttribute (with the create's state checks that hold for a
// change), DescribeServerCertificates, DeleteServerCertificate, DescribeCACertificates,
// DeleteCACertificate, DescribeAccessControlListAttribute, DeleteAccessControlList,
// DeleteTLSCipherPolicy, and TagResources, UntagResources, ListTagResources with the older
// AddTags, RemoveTags, DescribeTags. A delete of a certificate, an ACL or a TLS policy is
// refused while a listener uses it, and answers not-found for another account's (only the
// owner deletes). A listener that is not there is answered ResourceNotFound (404) "The
// specified resource does not exist", the text tools look for.
//
// # Regions
//
// Resources live in the region of the request that created them. Instance ids are unique, so
// the listener operations find an instance by id among the caller's regions (the request's
// region first) and then work in the instance's region: its certificates, ACLs and TLS
// policies are looked up there, and its region decides the region scenario.
//
// # Validation engine
//
// The description states the constraints, rules and codes; the order in which the service
// checks them, and how it reads the wire, are the emulator's business, so the engine lives
// here (validate.go). Its order: unknown and duplicated names (as the choices say), missing
// parameters, each value in description order (checkOrder for one value's constraints; a
// list's indexes, count and fields), then the rules. Patterns run as byte automata
// (pattern.go, beside regexp as the reference), list names are read without a regular
// expression where the format allows (lists.go: listReader.split, beside splitPlain), and
// messages are built on a stack buffer (messages.go: describe, beside describePlain), query
// pairs are decoded in one pass (wire.go: queryUnescape, beside url.QueryUnescape); a
// differential test holds each speed trick to its plain version. boundary.go says which
// values sit at a constraint's boundary, for the faults that refuse them; integers.go reads
// lenient integer spellings.
//
// # Choices
//
// Config.Choices (choices.go) sets, for every decision the reference page leaves open, which
// way this emulator goes: an empty optional value checked or ignored, lenient integers, no
// quotas, no provider scenarios, another plausible code where the page ties none, Describe
// without defaults, AclId as one id, index gaps, duplicated names, unknown names, and only
// what the page states. Every combination conforms to the page; clbcheck selftest runs the
// harness against them (the precision matrix). Offered (offered.go) reports the quotas in
// force and the scenarios offered, for a target to declare to the harness.
//
// # Disruptions and faults: two different things
//
// Disruptions ([Config].Disruptions, [Disruptions]) are resilience knobs: conditions a correct
// service may also show, for testing how a client copes. They add latency, answer 5xx
// (InternalError or ServiceUnavailable, drawn from a seeded generator), drop connections (the
// connection is hijacked and closed; a handler that cannot be hijacked, such as
// httptest.ResponseRecorder, gets a bare 502 instead) and rate-limit each key with a token
// bucket answered Throttling.User. An emulator with disruptions still conforms to the page.
//
// Faults ([Config].Inject) are deliberate contract violations: each makes the emulator break
// the page in one named way, so that clbcheck selftest can check the harness notices (the kill
// matrix). They are never for serving clients. [InjectableFaults] lists them with a
// [FaultInfo] each ([LookupFault] finds one by name), grouped by category:
//
//   - validation and boundary: a constraint of a parameter not enforced, or enforced one step
//     off (validation/<Param>/<kind>, and any parameter-kind pair the description allows);
//     rules not enforced, or enforced when their premise is false; these live in the engine;
//   - error-code and http-status: the right refusal answered with another code or status;
//   - envelope and content-type: answers without RequestId or Code, a Code in a success, the
//     wrong content type or format;
//   - state: a port conflict or quota not enforced, a refused create that still stores its
//     listener, a listener created running, Describe reporting defaults or a stale status;
//   - cross-account and ram: resources of another account accepted, RAM denials ignored;
//   - signature: bad V1 or V3 signatures, unsigned requests, replayed nonces or stale
//     timestamps accepted, and the gateway's V3 header rules broken as implementations do;
//   - concurrency: simultaneous creates on one port both succeed;
//   - intermittent: 5xx answers under load (drawn from Disruptions.Seed).
//
// Each fault names what it breaks (Subject, Breaks), in which direction (the Dir constants)
// and on what basis, so the kill matrix can say which faults a profile must detect. The
// catalogue is derived from the description (faults_catalogue.go), the gateway's rules in
// faults_gateway.go, and the hand-written switches in faults.go.
//
// # Persistence
//
// With Config.StateFile (persist.go, journal.go, shadow.go) the state is loaded at start and
// every change is appended to a journal next to the state file, entity by entity, and flushed
// to disk before the request is answered; requests answered together share one flush. The
// journal is folded into the state file (a snapshot in the shape Snapshot returns, replaced
// atomically) at start, when it outgrows the snapshot, and at Close. A lock file keeps a
// second emulator off the same state (ErrStateInUse); a missing directory, a file that does not
// decode or holds an entity that cannot be served (ErrCorruptState) is refused at start, and
// temporary files a killed emulator left are removed. The replay cache is not persisted: after
// a restart a nonce may be used once more while its timestamp is still in the window.
// Held counts, per account, what a client created and has not removed (the clean-up tests).
//
// # Serving over a socket
//
// Server and LimitListener (server.go) serve the emulator with the limits of Config.Server:
// read, write and idle timeouts, a bound on header bytes and on open connections.
//
// # Configuration and credentials
//
// DefaultConfig gives a region, two accounts, a RAM user denied the operation under test and
// an STS token; Config.Principal and Config.Principals hand their credentials to clients. The
// keys are fixed, made-up strings for local use only. ParseConfig reads a JSON configuration
// on top of the defaults.
//
// # Authentication answers
//
// A request with neither AccessKeyId nor an Authorization header gets MissingParameter, as
// does one without Timestamp or SignatureNonce (x-acs-date, x-acs-signature-nonce for V3). A
// known key with no Signature, a foreign SignatureMethod or SignatureVersion, or a V3
// Authorization header that cannot be parsed, lists an absent header, or leaves host or an
// x-acs-* header sent out of its SignedHeaders gets IncompleteSignature. A wrong signature gets
// SignatureDoesNotMatch whose message ends with " server string to sign is:" and the server's
// string. A timestamp outside the window, however far, gets InvalidTimeStamp.Expired; a nonce
// seen while its request could still pass that check gets SignatureNonceUsed; a full replay
// cache gets Throttling.User.
//
// # Answers of the neighbouring operations
//
// The neighbouring operations have errors of their own (a malformed certificate, a taken ACL
// name, a missing listener, ...); they come from the description's x-neighbour-errors, looked
// up by state name like every other answer, and a security token not issued for the key gets
// the gateway's token-mismatch entry.
//
// # RAM for operations other than the one under test
//
// The description gives RAM data (x-ram) only for the operation under test. For the others, a
// RAM user is allowed unless one of its statements explicitly denies slb:<Action>.
package emulator
