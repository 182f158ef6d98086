#!/bin/sh
# run.sh FUZZTIME: run every fuzz target of package fuzz for FUZZTIME (default 30s), one after
# another, and stop at the first that fails. A failing input is saved by go test under
# fuzz/testdata/fuzz/<Target>/ and becomes a regression case (see doc.go).
#
# Environment: GO (default go); FUZZ_TARGETS to run a subset ("FuzzWire FuzzDecode");
# FUZZ_MINIMIZE (default 100x, i.e. 100 tries) bounds the minimisation of each new input;
# CLBCHECK_FUZZ_TARGET and friends switch FuzzWire to an external server (doc.go).
set -eu

FUZZTIME="${1:-30s}"
GO="${GO:-go}"
TARGETS="${FUZZ_TARGETS:-FuzzWire FuzzGenerated FuzzSignatureV1 FuzzSignatureV3 FuzzDecode}"
MINIMIZE="${FUZZ_MINIMIZE:-100x}"

cd "$(dirname "$0")/.."

for t in $TARGETS; do
	echo "== $t for $FUZZTIME"
	"$GO" test -run '^$' -fuzz "^${t}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$MINIMIZE" ./fuzz/
done
