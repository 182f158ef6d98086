#!/usr/bin/env bash
# local.sh [SECONDS]: run the real .clusterfuzzlite/build.sh without Docker and fuzz what it built.
#
# The ClusterFuzzLite/OSS-Fuzz build runs inside gcr.io/oss-fuzz-base/base-builder-go, which this
# project's machines cannot pull. This script rebuilds the few parts of that image build.sh relies
# on, then runs build.sh itself, unchanged:
#
#   - go-118-fuzz-build, installed from the Go module proxy at a pinned version into a temporary
#     GOBIN. The image builds it from a fresh clone of the tool's default branch, which the proxy
#     serves as the pseudo-version pinned below (see GO118FUZZBUILD_VERSION);
#   - compile_native_go_fuzzer, written into the same temporary bin directory. It does what the
#     image's script does on its libFuzzer path: find the package directory with
#     `go list -tags gofuzz`, require exactly one `func <Func>(... *testing.F)` among the files
#     that mention <Func>, run `go-118-fuzz-build -tags gofuzz -o <name>.a -func <Func> <dir>`,
#     and link with `$CXX $CXXFLAGS $LIB_FUZZING_ENGINE <name>.a -o $OUT/<name>`;
#   - the environment `compile` gives build.sh: SRC, OUT, WORK, SANITIZER=address,
#     FUZZING_ENGINE=libfuzzer, FUZZING_LANGUAGE=go, CC/CXX=clang, the address sanitizer and
#     -fsanitize=fuzzer-no-link in CFLAGS/CXXFLAGS, LIB_FUZZING_ENGINE=-fsanitize=fuzzer.
#     Not reproduced: the image links C++ against its own libc++ (-stdlib=libc++); a Go archive
#     uses no C++ library, so the system's libstdc++ stands in.
#
# The checkout is copied to a temporary $SRC/clbcheck, as the Dockerfile's COPY does, and is never
# written to. After the build, every target named in build.sh must have produced $OUT/<name>,
# and each binary is run under libFuzzer for SECONDS (default 5) from an empty corpus; a missing
# binary, a crash or a non-zero exit fails the script. The last line is the plain summary
# "N passed, N failed".
#
# Environment: CC/CXX (default: clang/clang++, else the newest clang-NN found), GO (default go),
# CLBCHECK_OSSFUZZ_REV=<commit> builds that commit instead of the work tree (useful while the
# work tree holds unfinished edits), CLBCHECK_OSSFUZZ_KEEP=1 keeps the temporary directory and
# prints where it is.
set -euo pipefail

# The default branch of github.com/AdamKorcz/go-118-fuzz-build as the module proxy serves it; the
# image's install_go.sh builds an unpinned clone of that branch.
GO118FUZZBUILD_VERSION=v0.0.0-20250520111509-a70c2aa677fa
SECONDS_PER_TARGET=${1:-5}
GO=${GO:-go}

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

die() {
	echo "local.sh: $*" >&2
	exit 1
}

case $SECONDS_PER_TARGET in
'' | *[!0-9]*) die "SECONDS must be a whole number of seconds, got '$SECONDS_PER_TARGET'" ;;
esac

# --- tools -----------------------------------------------------------------------------------
command -v "$GO" >/dev/null || die "no Go toolchain ('$GO') on PATH"

pick_clang() { # pick_clang NAME: prints NAME, else the newest NAME-NN on PATH
	local n
	if command -v "$1" >/dev/null; then
		echo "$1"
		return
	fi
	for n in 21 20 19 18 17 16 15 14; do
		if command -v "$1-$n" >/dev/null; then
			echo "$1-$n"
			return
		fi
	done
}
CC=${CC:-$(pick_clang clang)}
CXX=${CXX:-$(pick_clang clang++)}
install_hint="install clang with its libFuzzer runtime, e.g. on Debian 12: apt-get install clang-14 libclang-rt-14-dev"
[ -n "$CC" ] && command -v "$CC" >/dev/null || die "no clang found; $install_hint"
[ -n "$CXX" ] && command -v "$CXX" >/dev/null || die "no clang++ found; $install_hint"
case $("$CC" --version 2>/dev/null | head -1) in
*clang*) ;;
*) die "CC=$CC is not clang; libFuzzer builds need clang ($install_hint)" ;;
esac

work=$(mktemp -d)
if [ "${CLBCHECK_OSSFUZZ_KEEP:-}" = "1" ]; then
	trap 'echo "local.sh: kept $work"' EXIT
else
	trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/bin" "$work/src" "$work/out" "$work/work" "$work/probe"

# A clang without its fuzzer and address sanitizer runtimes fails only at link time; find out now.
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$work/probe/probe.c"
if ! "$CC" -fsanitize=address,fuzzer "$work/probe/probe.c" -o "$work/probe/probe" >"$work/probe/log" 2>&1; then
	cat "$work/probe/log" >&2
	die "$CC cannot link a libFuzzer target with -fsanitize=address,fuzzer; $install_hint"
fi

echo "== go-118-fuzz-build@$GO118FUZZBUILD_VERSION"
GOBIN="$work/bin" "$GO" install "github.com/AdamKorcz/go-118-fuzz-build@$GO118FUZZBUILD_VERSION" ||
	die "could not install go-118-fuzz-build@$GO118FUZZBUILD_VERSION from the Go module proxy"

# The stand-in for the image's compile_native_go_fuzzer (libFuzzer, non-coverage path only).
cat >"$work/bin/compile_native_go_fuzzer" <<'EOF'
#!/bin/bash -eu
# compile_native_go_fuzzer PACKAGE FUNC NAME, as the OSS-Fuzz base-builder-go image does it for
# SANITIZER=address and FUZZING_ENGINE=libfuzzer.
path=$1
function=$2
fuzzer=$3
tags="-tags gofuzz"
abs_file_dir=$(go list $tags -f '{{.Dir}}' "$path")
fuzzer_filename=$(grep -r -l -s "$function" "$abs_file_dir")
if [ "$(grep -r "func $function" $fuzzer_filename | grep -c "testing.F")" -eq 1 ]; then
	go-118-fuzz-build $tags -o "$fuzzer.a" -func "$function" "$abs_file_dir"
	$CXX $CXXFLAGS $LIB_FUZZING_ENGINE "$fuzzer.a" -o "$OUT/$fuzzer"
else
	# The image prints this and carries on; local.sh notices the missing binary afterwards.
	echo "Could not find the function: func ${function}(f *testing.F)"
fi
EOF
chmod +x "$work/bin/compile_native_go_fuzzer"

# --- the image's environment -----------------------------------------------------------------
export SRC="$work/src" OUT="$work/out" WORK="$work/work"
export SANITIZER=address FUZZING_ENGINE=libfuzzer FUZZING_LANGUAGE=go ARCHITECTURE=x86_64
export CC CXX
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS"
export LIB_FUZZING_ENGINE="-fsanitize=fuzzer"
export PATH="$work/bin:$PATH"
# go-118-fuzz-build runs plain `go`: make sure it is the one chosen here.
if [ "$GO" != go ]; then
	ln -s "$(command -v "$GO")" "$work/bin/go"
fi

# COPY . $SRC/clbcheck and COPY .clusterfuzzlite/build.sh $SRC/, as in the Dockerfile.
# What is copied: with CLBCHECK_OSSFUZZ_REV set, that commit (git archive); otherwise the files
# git tracks plus untracked ones it does not ignore (so local edits are built, but not bin/ or
# out/); everything when the checkout is not a git work tree.
mkdir "$SRC/clbcheck"
if [ -n "${CLBCHECK_OSSFUZZ_REV:-}" ]; then
	git -C "$repo" archive --format=tar "$CLBCHECK_OSSFUZZ_REV" | tar -C "$SRC/clbcheck" -xf - ||
		die "could not export $CLBCHECK_OSSFUZZ_REV with git archive"
	cp "$SRC/clbcheck/.clusterfuzzlite/build.sh" "$SRC/build.sh"
elif git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# (--ignore-failed-read: a tracked file deleted in the work tree is simply not copied)
	(cd "$repo" && git ls-files -z -c -o --exclude-standard |
		tar --null --no-recursion --ignore-failed-read -T - -cf - 2>/dev/null) |
		tar -C "$SRC/clbcheck" -xf -
else
	tar -C "$repo" -cf - . | tar -C "$SRC/clbcheck" -xf -
fi
[ -f "$SRC/build.sh" ] || cp "$repo/.clusterfuzzlite/build.sh" "$SRC/build.sh"

targets=$(sed -n 's/^TARGETS="\([^"]*\)".*/\1/p' "$SRC/build.sh")
[ -n "$targets" ] || die "found no TARGETS=\"...\" line in build.sh"

echo "== build.sh (SRC=$SRC OUT=$OUT CC=$CC)"
start=$(date +%s)
(cd "$SRC/clbcheck" && bash -eu "$SRC/build.sh") || die "build.sh failed"
echo "== build.sh done in $(($(date +%s) - start))s"

# --- run what was built ----------------------------------------------------------------------
passed=0
failed=0
summary=""
for t in $targets; do
	name=$(echo "$t" | tr '[:upper:]' '[:lower:]')
	bin="$OUT/$name"
	if [ ! -x "$bin" ]; then
		echo "FAIL $t: build.sh produced no $bin" >&2
		failed=$((failed + 1))
		summary+="$(printf '%-16s missing\n' "$name")"$'\n'
		continue
	fi
	corpus="$WORK/corpus-$name"
	mkdir -p "$corpus"
	log="$WORK/$name.log"
	echo "== $name for ${SECONDS_PER_TARGET}s"
	rc=0
	(cd "$WORK" && "$bin" -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 \
		-artifact_prefix="$WORK/$name-" "$corpus") >"$log" 2>&1 || rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	rate=""
	if [ -n "$runs" ] && [ -n "$secs" ] && [ "$secs" -gt 0 ]; then
		rate=$((runs / secs))
	fi
	if [ "$rc" -ne 0 ] || [ -z "$runs" ]; then
		echo "FAIL $t: $bin exited $rc; last lines of its log:" >&2
		tail -30 "$log" >&2
		failed=$((failed + 1))
		summary+="$(printf '%-16s FAILED (exit %s)' "$name" "$rc")"$'\n'
		continue
	fi
	passed=$((passed + 1))
	summary+="$(printf '%-16s %9s runs in %ss, %7s execs/s, cov %s' "$name" "$runs" "${secs:-?}" "${rate:-?}" "${cov:-?}")"$'\n'
done

echo "== libFuzzer runs ($CC, SANITIZER=$SANITIZER, go-118-fuzz-build@$GO118FUZZBUILD_VERSION)"
printf '%s' "$summary"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
