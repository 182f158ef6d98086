// Package mutation holds the changes the signature fuzz targets make to a signed request, and
// the comparisons that decide whether a change left the signed content as it was. It links
// nothing but the standard library, so that a fuzz target built on it alone (package
// fuzz/sigfuzz) pays the fuzzing engine for very little instrumented code (see fuzz/doc.go,
// "Speed").
//
// # Index
//
//   - [Mutation]: one change to a parameter set, picked by the fuzz input; [Mutation.Apply]
//     makes it on a copy. The kinds: [FlipValue], [Add], [Remove], [Rename], [Swap], [Kinds]
//     (how many).
//   - V3 changes beyond the parameters: [V3Header], [V3DropHeader], [V3Body], [V3Method],
//     [V3RawQuery], [V3Kinds]; [Mutation.ApplyV3] makes one on a copy of a request and says
//     in a [V3Change] whether the canonical request changed.
//   - [SeedQueries]: parameter sets to start from.
//   - Parameter sets: [Clone], [Same] (same names, values and order), [Dedupe] (repeated
//     identical values once); [Flip] (XOR one byte of a string).
//   - Requests: [NewRequest] (a server-side request as net/http would hand it over),
//     [HeaderKey] (a header's key in a set by its lower-case name), [Encode] (a parameter set
//     as a query, names without values included).
package mutation
