// Package target is how a case reaches an implementation: it encodes a request on the RPC wire
// (query, form body or both), signs it after every mutation (V1 by default, V3 on request, or
// deliberately wrongly for security cases), sends it, and decodes the answer without trusting
// it. What a run creates on the target (fixtures, the ledger, the run tag, listener waits) is
// package resources; recording and replaying exchanges is package cassette; the emulator as an
// in-process target is package emulator/embedded.
//
// The interface:
//   - [Target], [Request], [KV], [Response] and [Sent]: what is sent and what came back;
//     [Value] and [HasParam] read parameters; [Response.Outcome] and [Response.Success].
//   - [Offerer] and [OfferedBy]: quotas and scenarios a target offers itself.
//   - [Unwrapper]: middleware exposes what it wraps.
//   - [ErrUnreachable], [ErrNoPrincipal]: errors a Target returns.
//
// HTTP:
//   - [HTTP], [HTTPConfig], [NewHTTP]: a target for any HTTP endpoint; [HTTP.Build] shows the
//     wire form of a request without sending it.
//   - [NewTransport]: the connection pool of a run; [HandlerTransport] answers in-process
//     through an http.Handler, with no socket.
//   - [SentValues]: the parameters as the server reads them from what was sent.
//   - [Decode], [MaxBody], [XMLRootField]: tolerant decoding of JSON and XML answers with bounded memory;
//     hostile bodies never panic.
//
// Middleware:
//   - [Retrying], [NewRetrying], [RetryPolicy], [DefaultRetryPolicy]: retries with backoff and
//     a fresh signature per try, for remote targets; [CleanupRetryPolicy] the longer patience
//     of clean-up; [RetryingOf] finds the retrying target a chain of wrappers holds.
//   - [WithRateLimit] spaces every request of a run; [Sleep] waits unless the context ends;
//     [Counted] counts requests.
//
// Trouble and answer classes:
//   - [TroubleOf] classifies transient trouble (throttled, unavailable, bad gateway, reset,
//     timeout, ...); [TroubleTally], [TroubleTallyOf] and [TroubleKinds] count retries by kind.
//   - [Gone]: answers that mean "already gone", read from the description's catalogues; the
//     "try again" codes of the same catalogues are what [CleanupRetryPolicy] retries.
//
// Credentials:
//   - [CredentialsFromEnv], [PrincipalEnv], [PrincipalsEnv] and the Env* names: the
//     environment variables that carry a live target's credentials.
package target
