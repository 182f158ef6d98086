# clbcheck: `make run` runs the harness against the embedded emulator; `make test` runs the tests.
GO       ?= go
FUZZTIME ?= 30s
OUT      ?= out

.PHONY: run test fuzz bench lint build sdk-conformance sdk-check

build:
	$(GO) build -o bin/clbcheck ./cmd/clbcheck

run: build
	./bin/clbcheck run --target emulator --out $(OUT)

test:
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed on:"; gofmt -l .; exit 1)
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...
	$(MAKE) selftest-matrix
	$(MAKE) sdk-conformance

# The self-test's own test runs the harness against every conforming variant and every fault
# (the precision and kill matrices); too slow under the race detector, which skips it, so it
# runs here without -race.
.PHONY: selftest-matrix
selftest-matrix:
	$(GO) test -count=1 -run '^TestPrecisionAndKillMatrix$$' ./selftest/

# The official SDKs drive the emulator; kept in a nested module so the SDKs stay out of the
# main module's dependencies.
sdk-conformance:
	cd conformance && $(GO) vet ./... && $(GO) test -race -count=1 ./...

# `clbcheck sdk-check` runs bin/clbcheck-sdk, built from the nested module.
sdk-check: build
	$(GO) build -C conformance -o ../bin/clbcheck-sdk ./cmd/clbcheck-sdk

fuzz:
	./fuzz/run.sh $(FUZZTIME)

# Builds the ClusterFuzzLite/OSS-Fuzz targets with the real .clusterfuzzlite/build.sh, without
# Docker, and runs each libFuzzer binary for FUZZ_OSS_SECONDS (default 5). Needs clang.
.PHONY: fuzz-oss
fuzz-oss:
	./.clusterfuzzlite/local.sh $(or $(FUZZ_OSS_SECONDS),5)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The million-case in-process run (minutes): PASS with a peak RSS under 150 MB, its case rate,
# CPU per case and peak RSS reported.
.PHONY: bench-million
bench-million:
	CLBCHECK_BENCH_MILLION=1 $(GO) test -run '^$$' -bench '^BenchmarkRunMillion$$' -benchtime 1x -timeout 60m ./bench/

# Go linters, pinned, installed into bin/lint by `go install` on first use (the Go module proxy
# serves them). deadcode runs with -test: a function a test reaches is alive.
STATICCHECK_VERSION ?= v0.8.2
DEADCODE_VERSION    ?= v0.52.0
LINTBIN             := $(CURDIR)/bin/lint
STATICCHECK         := $(LINTBIN)/staticcheck-$(STATICCHECK_VERSION)
DEADCODE            := $(LINTBIN)/deadcode-$(DEADCODE_VERSION)

$(STATICCHECK):
	@mkdir -p $(LINTBIN)
	GOBIN=$(LINTBIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv $(LINTBIN)/staticcheck $@

$(DEADCODE):
	@mkdir -p $(LINTBIN)
	GOBIN=$(LINTBIN) $(GO) install golang.org/x/tools/cmd/deadcode@$(DEADCODE_VERSION)
	mv $(LINTBIN)/deadcode $@

# gofmt, go vet, staticcheck and deadcode over the main module and the nested conformance
# module; any finding fails. Then .ci/lint-spec lints the OpenAPI description (needs Node).
lint: $(STATICCHECK) $(DEADCODE)
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed on:"; gofmt -l .; exit 1)
	$(GO) vet ./...
	cd conformance && $(GO) vet ./...
	$(STATICCHECK) ./...
	cd conformance && $(STATICCHECK) ./...
	@out="$$($(DEADCODE) -test ./... && cd conformance && $(DEADCODE) -test ./...)" || exit 1; \
		if [ -n "$$out" ]; then echo "deadcode: unreachable functions (delete them, or test them if they are API):"; echo "$$out"; exit 1; fi
	./.ci/lint-spec
