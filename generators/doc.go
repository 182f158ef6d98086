// Package generators turns the description in package spec into test cases: valid requests,
// requests that break exactly one documented rule at its boundary, the state a documented
// error needs, and random requests from gopter generators with seeds and shrinking. Nothing
// here sends a request: package target does, and package contracts judges.
//
// # What a case is
//
// A [Case] is one request to send and the answer expected of it: its [Param] values (a value,
// or a reference to a fixture slot such as [spec.SlotLB], resolved at send time by [Values] and
// [WireValues]; see [Placeholder], [JoinRefs], [SplitRef] and [Unique]), the [Call] setup it
// needs, its [Category], the [spec.Auth] mode and principal ([spec.PrincipalPrimary] ...) that sign it,
// and the [Broken] rule it breaks or the valid [Edge] it stands on.
//
// # The deterministic catalogue
//
//   - [Enumerate] (and [EnumerateCached]) builds the catalogue for [Options]: positive cases
//     on every valid boundary, one negative case per constraint, rule and wire convention,
//     the state, scenario and quota cases, and the security cases, ordered cheap and broad
//     first (order.go: base, one case per constraint of every parameter and per rule,
//     security, state cases, the other values the page names, the rest) so that a run stopped
//     at its first finding spends few cases and requests; [FirstRound] counts the cases before
//     the named values (a one-worker run starts the lifecycle sequences there).
//   - [Base] is the minimal valid request; [Repair] makes a request keep every rule again.
//   - [ValidValue], [ValidBoundaries], [Violations] and [Fill] give the values of one
//     parameter ([Value]).
//   - [StateCoverage] and [ConstraintCoverage] list what of the description has no case.
//
// # Random cases
//
//   - [ValidRequestGen] ([RequestGen]) and [NegativeRequestGen] are gopter generators of valid
//     requests and of single-violation requests; [ValueGen] draws one parameter's values.
//   - [RandomCases] (and [RandomCasesCached]) draws n cases from a seed, each able to shrink;
//     [RandomCase] draws case i of a seed on its own ([RandomCaseID] names it), as a run does.
//     The fast drawer of draw.go attaches the referee's sieve to a drawn value instead of
//     running it, beside the reference drawer that runs it (compared by a test). The values
//     of a draw come from the hand-written gopter generators of leaves.go, which take the same
//     numbers from the random source as gopter's reflective combinators ([ValueGen], the
//     reference) and give the same values (compared by a test). [Repair] finds the rule a
//     request breaks with the fast check of rulecheck.go, which reads the parameters in place,
//     beside the reference that asks the referee (compared by a test).
//   - [LifecycleCommands] is the gopter command model of the listener lifecycle that the
//     stateful sequences run ([Lifecycle], [Exec], [StepResult]).
//
// # Checking a case before sending it
//
// [Confirm] checks on the decoded wire bytes that a case breaks exactly the rule it claims
// (and that a positive case breaks none); [ConfirmFindings] does so from the findings of the
// referee [RefereeFor] builds.
package generators
