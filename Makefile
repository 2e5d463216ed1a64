# The two commands: `make demo` and `make test`. Both install what is missing first.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER := wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT ?= 300
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

FIXTURES ?= ../shared/fixtures
DEMO_PORT ?= 8080
SIM := target/debug/sim

.PHONY: demo test tools lint unit browser site fault-site sim e2e size package bundlers nginx bench load clean

## demo: build the release site and serve it with the simulated batch API
demo: site sim
	@echo
	@echo "  Batch status widget demo: open http://127.0.0.1:$(DEMO_PORT)/"
	@echo "  (examples: http://127.0.0.1:$(DEMO_PORT)/examples/ ; Ctrl-C stops)"
	@echo
	$(SIM) --port $(DEMO_PORT) --site dist --fixtures $(FIXTURES)

## test: every layer: lint, host unit tests, browser tests, release build, size,
## the npm package, nginx, end-to-end
test: tools lint unit browser site size bundlers nginx e2e
	@echo "make test: all layers passed"

tools:
	@scripts/install-tools.sh

lint: tools
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --all-features -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --all-features --lib --test browser -- -D warnings
	cargo clippy --target wasm32-unknown-unknown -p batch-status-site -p batch-status-explorer -- -D warnings
	cargo clippy --target wasm32-unknown-unknown -p batch-status-explorer --no-default-features --features cancel -- -D warnings
	cargo clippy --target wasm32-unknown-unknown -p batch-status-explorer --no-default-features --features chart -- -D warnings

## unit: pure logic and the sim, on the host
unit: tools
	cargo test --workspace

## browser: components mounted in headless Chromium (wasm-bindgen-test), optimised
## as shipped, so the stack measurement there holds for the release build
browser: tools
	cargo test --release --target wasm32-unknown-unknown --test browser
	cargo test --release --target wasm32-unknown-unknown -p batch-status-explorer --no-default-features --features chart --test chart

## site: the release build in dist/ (what `make demo` serves and nginx ships)
site: tools
	scripts/build-site.sh dist

## fault-site: a release build that can be made to panic, for the crash-isolation tests
fault-site: tools
	scripts/build-site.sh target/fault-site fault-injection

sim: tools
	cargo build -p sim

size: site
	@scripts/size-report.sh dist

## package: the npm package in target/package, packed to target/*.tgz
package: site
	scripts/package.sh

## bundlers: the package's contents, package.json, entry and types, then the
## Vite and webpack apps built from it (tests/bundlers/; the e2e suite runs them)
bundlers: package
	node --test tests/bundlers/
	scripts/bundler-apps.sh

## nginx: the shipped deploy/nginx config scanned by gixy-next, then run for
## real in front of sim
nginx: site
	scripts/nginx-scan.sh
	cargo test -p sim --features nginx-test --test nginx_proxy -- --nocapture

## e2e: Playwright in Debian's Chromium against sim serving the release build
e2e: site fault-site sim bundlers
	npx playwright test

## bench: the widget against a hand-written JS page; writes bench/RESULTS.md
bench: site sim
	node bench/run.mjs

## load: the shipped nginx config under wrk, four scenarios of 60 s; writes
## deploy/nginx/LOAD.md (a benchmark, not part of make test)
load: site
	scripts/load.sh

clean:
	rm -rf dist target/e2e test-results
