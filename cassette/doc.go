// Package cassette records a run's exchanges and answers a later run from the recording,
// offline. A cassette is a folder of recorded exchanges, one JSON file each, in the order they
// happened; credentials and signatures are redacted, and what changes from run to run
// (resource ids, request ids, run ids, timestamps, PEM blocks) is normalised, so that a run with
// the same seed and one worker sends the same normalised requests.
//
// Recording:
//   - [Recorder], [NewRecorder]: an http.RoundTripper that writes each exchange as an [Entry];
//     [ErrExists] refuses to record over a recording.
//   - [Meta], [WriteMeta], [ReadMeta]: the target's name, region, principals and the run
//     settings that decided which requests were sent.
//
// Replaying:
//   - [NewReplayClient]: an http.Client answering from a cassette; a request the cassette lacks
//     is answered with spec.ReplayMissCode.
package cassette
