// Package referee is the harness's own judge of what a request breaks. It reads the same
// description as the emulator (package spec) but shares no decision code with it: the
// emulator decides how the service answers, the referee tells the harness what the bytes it
// sent actually break, so that a bug in one cannot hide itself in the other.
//
// A [Referee] is built once per description with [New] (or [MustNew]). [Referee.Findings] lists every
// constraint, list limit and rule a request breaks, and every point the page leaves open (an
// empty optional value, an integer spelled "+1"), in no particular check order: the order in
// which a service checks is the service's business, and the harness asks only "what does this
// request break", never "what is reported first". [Referee.RuleFindings] lists only the rules
// broken (what a generator repairing a request asks); [Referee.ListEntry] reads a name as a
// list entry's field, as every finding does.
//
// Where each finding comes from:
//
//   - the OpenAPI keywords of scalar parameters (required, type, minimum, maximum, minLength,
//     maxLength, enum, pattern): kin-openapi's request validation, openapi3filter, with every
//     error collected ([Referee.Findings] maps them by type with errors.As, never by text);
//   - the same keywords on the fields of flattened list entries (Tag.N.Key): kin-openapi's
//     schema validation of each field;
//   - the x- extensions (forbidden values, prefixes and substrings), list limits and indexes,
//     required fields of list entries, conditional rules, duplicated and unknown names, and how
//     an integer is spelled: small plain functions in plain.go, written for reading.
//
// Each verdict of kin-openapi or of an x- constraint on one value is kept in a bounded memo
// (memo.go) and reused when the same value is sent again; the references beside it judge
// afresh, and a test compares the two on the catalogue, random requests and mixes of them.
//
// A [Finding] names the parameter (or list field path, or rule) and the kind broken;
// [Finding.Open] tells the points the page leaves open from real violations. [Meaning] says
// what a value sent for a parameter stands for (an integer as its plain decimal value).
package referee
