// Package target is how a case reaches an implementation: it encodes a request on the RPC wire
// (query, form body or both), signs it after every mutation (V1 by default, V3 on request, or
// deliberately wrongly for security cases), sends it, and decodes the answer without trusting it.
//
// Contents:
//
//   - target.go: the Target interface, Request and Response.
//   - http.go: HTTP, a target for any HTTP endpoint; in-process use swaps its transport.
//   - decode.go: tolerant decoding of JSON and XML answers (never panics on hostile bodies).
//   - fixtures.go: Fixtures, which provisions the resources cases refer to through the standard
//     operations (or takes their ids from a file) and removes what it created.
//   - certs.go: self-signed server and CA certificates generated at run time.
//   - handler.go: HandlerTransport and HTTPConfig.Handler, which answer requests in-process
//     through an http.Handler (the embedded emulator of package emulator/embedded).
//   - limit.go: WithRateLimit, spacing every request of a run; Sleep; Counted, counting them.
//   - retry.go: Retrying, retries with backoff and a fresh signature per try, for remote targets;
//     every retry is counted by kind of trouble.
//   - trouble.go: TroubleOf, which classifies transient target trouble (throttled, unavailable,
//     bad-gateway, reset, timeout, ...), and TroubleTally, the count of retries by kind.
//   - body.go: reading answers with bounded memory (a prefix each, shared buffers beyond it).
//   - cassette.go: recording exchanges into a cassette (redacted, normalised) and answering a
//     later run from it offline through httpmock.
//   - ledger.go: the write-ahead ledger of created resources, for cleanup.
//   - answers.go: which answers mean "already gone", "throttled" or "passing", from the catalogues.
//   - tag.go: the run tag every created instance carries, and the search by it.
//   - await.go: a bounded wait for a listener's asynchronous status.
//   - env.go: the environment variables that carry a live target's credentials, and reading them.
package target
