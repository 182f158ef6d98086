// Package selftest grades the harness in both directions. Precision: the contract suite runs,
// under the documented profile, against the faithful emulator and against conforming variants
// of it (every choice the reference page leaves open, emulator.Choices, each on its own and a
// pairwise covering set of their combinations); every failing case there is a false positive.
// Recall: it runs against one deliberately broken variant per fault of
// emulator.InjectableFaults and builds a kill matrix: for each fault, whether a run caught it,
// by which check, after how many cases and requests, and how long.
//
// Each fault's run uses one worker and a fixed seed, so that the cases come in a fixed order
// and "cases until detection" (the 1-based position, in result order, of the first failing
// case) is reproducible. The faithful emulator and the variants are run as a user runs the
// harness, with the default number of workers, so that a false positive that only cases in
// flight at once provoke shows too. Runs go in parallel with each other.
//
// Running:
//   - [Run] runs the matrix for [Options] ([DefaultSeed], [DefaultParallel]) and returns a
//     [Matrix]: a [PrecisionRow] per conforming variant, a [Row] per fault, each failure a
//     [Failure] with its [FailedCheck] list; [Faithful] names the row of the unbroken
//     emulator. [KnownMisses] lists faults the default run is known not to catch, with what
//     would catch them.
//
// Conforming variants:
//   - [Dimensions] are the choices the page leaves open ([Dimension], [Setting]);
//     [Variants] builds the [Variant] list: each setting on its own, then the rows of the
//     [Pairwise] covering set of all settings.
package selftest
