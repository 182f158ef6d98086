// Package resources manages what a run creates on a target and must remove again: the
// fixtures cases refer to, the write-ahead ledger of created resources, the run tag that finds
// leftovers when the ledger is lost, and bounded waits for a listener's asynchronous status.
// It reaches the target only through package target.
//
// Fixtures:
//   - [Fixtures], [NewFixtures]: provision the resources of each fixture slot (spec.Slot*)
//     through the standard operations, or take their ids from a file, and remove what was
//     created ([Fixtures.Cleanup], retried with target.CleanupRetryPolicy and counted in
//     [Fixtures.Trouble]; [CleanupTarget] gives any clean-up that patience): load balancers
//     and listeners first, then the server certificates, CA certificates, ACLs and TLS
//     policies they used, each as the principal that created it, a "not found" answer
//     counting as gone; [ErrSlotUnavailable] makes a case skip.
//     [Fixtures.Track] sends a request and records what it creates the same way (the
//     runner sends a case's set-up calls through it).
//   - [FixtureFile], [ReadFixtureFile]: ids of resources that exist already.
//   - [CertPair], [NewCertificate]: self-signed server and CA certificates made at run time.
//
// Ledger:
//   - [Ledger], [OpenLedger]: the append-only record of every creation, written before the
//     request is sent; [LedgerEntry], [LedgerParam] and the Ledger* states.
//   - [ReadLedger], [LedgerState]: what a ledger says is left, for clbcheck cleanup;
//     [DeletionOrder] splits it into what to delete first (load balancers, listeners) and
//     what after (certificates, ACLs, TLS policies).
//
// Run tag:
//   - [WithRunTag]: every instance created through the wrapped target carries
//     spec.RunTagKey=run id; [TaggedInstances] finds them.
//
// Waits:
//   - [AwaitListener], [VisibleWithin], [ListenerKey], [ListenerOf], [Settled]: a bounded wait for a listener
//     to leave its transitional status.
package resources
