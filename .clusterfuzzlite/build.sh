#!/bin/bash -eu
# Builds every native Go fuzz target of packages fuzz and fuzz/sigfuzz as a libFuzzer binary, the way
# ClusterFuzzLite and OSS-Fuzz expect: compile_native_go_fuzzer <package> <Func> <name>, one
# binary per target in $OUT.
#
# Two things stand between package fuzz and compile_native_go_fuzzer, and both are worked around
# on a staging copy, never on the checkout itself:
#   - go-118-fuzz-build turns only the file that defines the target into ordinary source, and
#     the targets' helpers live in other _test.go files: the copy renames them all
#     (x_test.go -> x_test_fuzzsrc.go).
#   - compile_native_go_fuzzer finds a target by grepping the package directory for its name,
#     and the package names its targets in comments and corpus paths too: in the copy the target
#     is renamed OSS<Target> (OSSFuzzWire, ...), a name nothing else mentions.
#   - go-118-fuzz-build replaces package testing with its shim in the file that defines the
#     target, and the shim has no testing.TB: that file's testing.TB parameters become *testing.T.
#
# Seeds: f.Add seeds are ignored by libFuzzer builds, and the testdata/fuzz corpora are in Go's
# own encoding, so no seed corpus zip is shipped; ClusterFuzzLite grows its own corpus.
#
# Outside OSS-Fuzz, `CLBCHECK_FUZZ_STAGE_ONLY=1 .clusterfuzzlite/build.sh` stages a temporary copy
# of the module and checks with plain `go vet` that every staged package compiles, which is the
# part of this script that can break when package fuzz changes.

TARGETS="FuzzWire FuzzGenerated FuzzSignatureV1 FuzzSignatureV3 FuzzGatewayV1 FuzzGatewayV3 FuzzDecode" # as in fuzz/run.sh
MODULE=github.com/clbcheck/clbcheck

pkgdir() { # pkgdir ROOT TARGET -> the package directory, relative to ROOT, that defines TARGET
	local d
	for d in fuzz fuzz/sigfuzz; do
		if grep -q "^func $2(f \*testing\.F)" "$1/$d"/*_test.go; then
			echo "$d"
			return 0
		fi
	done
	echo "build.sh: no fuzz target $2 in fuzz/ or fuzz/sigfuzz/" >&2
	return 1
}

stage() { # stage ROOT TARGET -> prints the staged package's directory, relative to ROOT
	local root=$1 target=$2
	local name dir def src
	src=$(pkgdir "$root" "$target") || exit 1
	name=$(echo "$target" | tr '[:upper:]' '[:lower:]')
	dir="ossfuzzstage/$name"
	rm -rf "${root:?}/$dir"
	mkdir -p "$root/$dir"
	for f in "$root/$src"/*.go; do
		base=$(basename "$f")
		case $base in
		*_test.go) cp "$f" "$root/$dir/${base%.go}_fuzzsrc.go" ;;
		*) cp "$f" "$root/$dir/$base" ;;
		esac
	done
	def=$(grep -l "^func $target(f \*testing\.F)" "$root/$dir"/*.go)
	sed -i "s/^func $target(f \*testing\.F)/func OSS$target(f *testing.F)/" "$def"
	# go-118-fuzz-build swaps package testing for its own shim in this one file, and the shim
	# has T and F but no TB: helpers here that take a testing.TB get the shim's *T instead.
	sed -i 's/\btesting\.TB\b/*testing.T/g' "$def"
	echo "$dir"
}

if [ "${CLBCHECK_FUZZ_STAGE_ONLY:-}" = "1" ]; then
	src=$(cd "$(dirname "$0")/.." && pwd)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	cp -r "$src"/. "$tmp"/
	for t in $TARGETS; do
		dir=$(stage "$tmp" "$t")
		n=$(grep -rl "OSS$t\b" "$tmp/$dir" | wc -l)
		[ "$n" -eq 1 ] || { echo "OSS$t is named in $n files of $dir, compile_native_go_fuzzer needs 1" >&2; exit 1; }
		(cd "$tmp" && go vet "./$dir")
		echo "staged $t as $MODULE/$dir OSS$t"
	done
	exit 0
fi

cd "$SRC/clbcheck"
# The shim that replaces package testing in the fuzz binaries must be in the module graph.
printf 'package ossfuzzstage\n\nimport _ "github.com/AdamKorcz/go-118-fuzz-build/testing"\n' >ossfuzz_register.go.tmp
mkdir -p ossfuzzstage && mv ossfuzz_register.go.tmp ossfuzzstage/register.go
go get github.com/AdamKorcz/go-118-fuzz-build/testing
for t in $TARGETS; do
	dir=$(stage "$PWD" "$t")
	compile_native_go_fuzzer "$MODULE/$dir" "OSS$t" "$(echo "$t" | tr '[:upper:]' '[:lower:]')"
done
