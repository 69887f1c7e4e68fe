# migraplay: `make serve` and `make test` set everything up themselves.
# Setup is .ci/setup (idempotent); wasm builds go through .ci/wasm-cargo,
# which takes the ordinary rustup target or the offline route.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PORT ?= 8080

.PHONY: setup dist dist-test serve test test-native test-wasm test-e2e screenshots bench fuzz clean

setup:
	@.ci/setup

# The page into $(1), after wasm-bindgen has written $(1)/pkg: index.html, and
# www/ with app.js (the page) and worker.js (the SQLite worker, with
# wasm-bindgen's glue) each bundled with its imports into one file by esbuild,
# so the browser fetches and evaluates one module, not a graph of them, minified
# (a third smaller gzipped; each has its source map beside it, which browsers
# fetch only with their developer tools open);
# boot.js (a classic script), the stylesheet and the icon as they are. The
# sources are staged in target/page/ beside the glue, where worker.js finds it.
# worker.js is bundled a second time as worker-light.js, the worker boot.js starts
# on every page, with the light build's glue from $(1)/pkg-light (without one, as
# in dist-test, with pkg's: both workers then run the same wasm); www/client.js
# starts worker.js, the full build, on first use. WASM_PATH is the wasm each worker fetches.
define page
	rm -rf target/page && mkdir -p target/page/pkg $(1)/www && cp -r www target/page/ && cp $(1)/pkg/migraplay.js target/page/pkg/
	cp index.html $(1)/ && cp www/boot.js www/style.css www/favicon.svg $(1)/www/
	tests/e2e/node_modules/.bin/esbuild target/page/www/app.js target/page/www/worker.js --bundle --minify --sourcemap --format=esm \
	  --define:WASM_PATH='"../pkg/migraplay_bg.wasm"' --outdir=$(1)/www --log-level=warning
	light=$$([ -d $(1)/pkg-light ] && echo pkg-light || echo pkg) && cp $(1)/$$light/migraplay.js target/page/pkg/ && \
	  tests/e2e/node_modules/.bin/esbuild target/page/www/worker.js --bundle --minify --sourcemap --format=esm \
	    --define:WASM_PATH="\"../$$light/migraplay_bg.wasm\"" --outfile=$(1)/www/worker-light.js --log-level=warning
endef

# wasm-bindgen on the release build $(2) into $(1), then wasm-opt for size.
define bindgen
	wasm-bindgen --target web --no-typescript --out-dir $(1) $(2)
	tests/e2e/node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
	  --enable-sign-ext --enable-mutable-globals $(1)/migraplay_bg.wasm -o $(1)/migraplay_bg.wasm
endef

# A static site in dist/: index.html, www/, pkg/ (the wasm and its JS glue) and
# pkg-light/ (the light build every page loads first: no cargo feature `full`, so
# no verify, review, sample rows or Compare; the page loads pkg/ for those). The
# wasm is built for size (.ci/wasm-cargo --small: opt-level "z", std rebuilt with
# optimize_for_size and panic=immediate-abort).
# The light build has its own target dir (outside target/wasm*, which the full
# build's path is found in), so neither build undoes the other's cache.
# Then .ci/prerender.mjs writes the bundled set's first screen into index.html
# (what the page draws, taken from the built page in headless Chromium), so the
# first paint lists the migrations before the wasm has loaded.
dist: setup
	rm -rf dist && mkdir -p dist
	.ci/wasm-cargo --small build --release --lib --no-default-features --target-dir target/light-wasm
	$(call bindgen,dist/pkg-light,target/light-wasm/wasm32-unknown-unknown/release/migraplay.wasm)
	.ci/wasm-cargo --small build --release --lib
	$(call bindgen,dist/pkg,"$$(ls -t target/wasm*/wasm32-unknown-unknown/release/migraplay.wasm | head -n 1)")
	$(call page,dist)
	cargo build --quiet --bin migraplay
	node .ci/prerender.mjs dist
	@echo "dist/ is ready: $$(du -sh dist | cut -f1), wasm $$(gzip -9c dist/pkg/migraplay_bg.wasm | wc -c) bytes gzipped," \
	  "the light one's $$(gzip -9c dist/pkg-light/migraplay_bg.wasm | wc -c)"

# The same page with the test hooks (crashForTests, applyAllFiles; cargo feature
# test-hooks) in target/dist-test/, for the crash test only: the product's API
# has no hooks. A debug build, so it reuses what make test-wasm compiled.
dist-test: setup
	.ci/wasm-cargo build --lib --features test-hooks
	rm -rf target/dist-test && mkdir -p target/dist-test
	wasm-bindgen --target web --no-typescript --out-dir target/dist-test/pkg \
	  "$$(ls -t target/wasm*/wasm32-unknown-unknown/debug/migraplay.wasm | head -n 1)"
	$(call page,target/dist-test)

serve: dist
	cargo run --release --quiet -- serve --port $(PORT) --root dist

test: setup dist test-native test-wasm test-e2e

# The core, the CLI and the fixtures, natively (fast); clippy with warnings as errors.
test-native:
	cargo clippy --all-targets --quiet -- -D warnings
	cargo test

# The wasm facade in headless Chromium (wasm-bindgen-test).
test-wasm:
	.ci/wasm-cargo test --test web

# The served page in Chromium: click, then read the page. Needs dist/ and the native binary.
test-e2e: dist-test
	cargo build --quiet --bin migraplay
	cd tests/e2e && node --test page.test.mjs reviewer.test.mjs hardening.test.mjs workspace.test.mjs data.test.mjs access.test.mjs crash.test.mjs layout.test.mjs diagram.test.mjs schema-sql.test.mjs review.test.mjs size.test.mjs drafts.test.mjs first-screen.test.mjs

# $(2) (a release build of dist's) through wasm-bindgen and the same wasm-opt passes into
# $(1)/named.wasm, with its function names kept (-g), for tests/bench/size.mjs's table of
# where the shipped wasm's bytes go. Before the bench's own build, which the ls would pick.
define named
	rm -rf $(1) && wasm-bindgen --target web --no-typescript --out-dir $(1) $(2)
	tests/e2e/node_modules/.bin/wasm-opt -Oz -g --enable-bulk-memory --enable-nontrapping-float-to-int \
	  --enable-sign-ext --enable-mutable-globals $(1)/migraplay_bg.wasm -o $(1)/named.wasm
endef

# Benchmarks (not part of make test): native, wasm in Chromium, and sql.js side by side;
# prints a table, where the page's wasm bytes go (target/size/), and writes
# target/bench/results.json and table.md. The wasm is
# the release build with the test hooks (applyAllFiles), optimized as dist's, in
# target/dist-bench/pkg; the page's cold start and transfer are measured on dist/.
bench: dist
	$(call named,target/size/light,target/light-wasm/wasm32-unknown-unknown/release/migraplay.wasm)
	$(call named,target/size/full,"$$(ls -t target/wasm*/wasm32-unknown-unknown/release/migraplay.wasm | head -n 1)")
	.ci/wasm-cargo --small build --release --lib --features test-hooks
	rm -rf target/dist-bench && mkdir -p target/dist-bench
	wasm-bindgen --target web --no-typescript --out-dir target/dist-bench/pkg \
	  "$$(ls -t target/wasm*/wasm32-unknown-unknown/release/migraplay.wasm | head -n 1)"
	tests/e2e/node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
	  --enable-sign-ext --enable-mutable-globals target/dist-bench/pkg/migraplay_bg.wasm -o target/dist-bench/pkg/migraplay_bg.wasm
	cargo build --release --quiet --bin migraplay
	node tests/bench/bench.mjs

# Fuzzing with cargo fuzz (nightly): the loader, verify, lint, diff, and opening a database file.
FUZZ_SECONDS ?= 60
# Generated sets the differential test (staircase against a plain replay) runs, one in 25 of them
# again with hostile statements under tight budgets; make test runs 300 and 12.
FUZZ_CASES ?= 5000
fuzz:
	MIGRAPLAY_FUZZ_CASES=$(FUZZ_CASES) MIGRAPLAY_FUZZ_SEED=1000 cargo test --release --test differential
	@command -v cargo-fuzz >/dev/null || cargo install -q cargo-fuzz
	cargo build --quiet --bin migraplay && python3 tests/fuzz/make_database_seeds.py
	cargo +nightly fuzz run --fuzz-dir tests/fuzz loader -- -max_total_time=$(FUZZ_SECONDS)
	cargo +nightly fuzz run --fuzz-dir tests/fuzz verify -- -max_total_time=$(FUZZ_SECONDS) -timeout=10 -len_control=0 -max_len=512
	cargo +nightly fuzz run --fuzz-dir tests/fuzz lint -- -max_total_time=$(FUZZ_SECONDS) -timeout=10 -len_control=0
	cargo +nightly fuzz run --fuzz-dir tests/fuzz diff -- -max_total_time=$(FUZZ_SECONDS) -timeout=10 -len_control=0 -max_len=512
	cargo +nightly fuzz run --fuzz-dir tests/fuzz database -- -max_total_time=$(FUZZ_SECONDS) -timeout=10

# The screenshots in docs/page.md and the README (tests/e2e/screenshots/), from the served page.
screenshots: dist
	cargo build --quiet --bin migraplay
	cd tests/e2e && node --test screenshots.mjs

clean:
	rm -rf dist target
