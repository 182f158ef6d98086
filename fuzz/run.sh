#!/bin/sh
# run.sh FUZZTIME: run every fuzz target of packages fuzz and fuzz/sigfuzz for FUZZTIME (default
# 30s), one after another, and stop at the first that fails. A failing input is saved by go test
# under testdata/fuzz/<Target>/ of the target's package and becomes a regression case (see
# doc.go).
#
# After each target it prints one line with the execs per second: over the whole run, and over
# the fuzzing alone (after the baseline coverage of the corpus, which go test -fuzz gathers
# first and does not count as execs). FUZZ_TARGETS=FuzzCeiling gives the engine's ceiling.
#
# Environment: GO (default go); FUZZ_TARGETS to run a subset ("FuzzWire FuzzDecode");
# FUZZ_MINIMIZE (default 100x, i.e. 100 tries) bounds the minimisation of each new input;
# CLBCHECK_FUZZ_TARGET and friends switch FuzzWire to an external server (doc.go);
# CLBCHECK_FUZZ_CPUPROFILE=dir profiles the workers (doc.go).
set -eu

FUZZTIME="${1:-30s}"
GO="${GO:-go}"
TARGETS="${FUZZ_TARGETS:-FuzzWire FuzzGenerated FuzzSignatureV1 FuzzSignatureV3 FuzzGatewayV1 FuzzGatewayV3 FuzzDecode}"
MINIMIZE="${FUZZ_MINIMIZE:-100x}"

cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log" "$log.rc"' EXIT

# rate TARGET < log: the execs/s line of one target's output. Elapsed times are Go durations
# (45s, 1m30s, 1h0m0s).
rate() {
	awk -v t="$1" '
	function secs(d,   n, s) {
		s = 0
		while (match(d, /^[0-9]+[hms]/)) {
			n = substr(d, 1, RLENGTH - 1) + 0
			u = substr(d, RLENGTH, 1)
			s += (u == "h") ? n * 3600 : (u == "m") ? n * 60 : n
			d = substr(d, RLENGTH + 1)
		}
		return s
	}
	/^fuzz: elapsed: / {
		e = secs(substr($3, 1, length($3) - 1))
		if ($0 ~ /now fuzzing/) start = e
		if ($4 == "execs:") { execs = $5 + 0; last = e }
	}
	END {
		if (last == 0) { printf "== %s: no execs reported\n", t; exit }
		f = last - start
		printf "== %s: %d execs in %ds: %.0f execs/s overall, %.0f execs/s fuzzing (%ds after %ds of baseline coverage)\n", t, execs, last, execs / last, (f > 0 ? execs / f : 0), f, start
	}'
}

# pkg TARGET: the package directory whose test files define TARGET.
pkg() {
	for d in fuzz fuzz/sigfuzz; do
		if grep -q "^func $1(f \*testing\.F)" "$d"/*_test.go; then
			echo "./$d/"
			return
		fi
	done
	echo "run.sh: no fuzz target $1 in fuzz/ or fuzz/sigfuzz/" >&2
	exit 2
}

for t in $TARGETS; do
	p=$(pkg "$t")
	echo "== $t ($p) for $FUZZTIME"
	{
		rc=0
		"$GO" test -run '^$' -fuzz "^${t}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$MINIMIZE" "$p" || rc=$?
		echo "$rc" >"$log.rc"
	} 2>&1 | tee "$log"
	rate "$t" <"$log"
	rc=$(cat "$log.rc")
	[ "$rc" -eq 0 ] || exit "$rc"
done
