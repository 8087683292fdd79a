# Songscape: `make serve` sets up and serves the app with the demo; `make test` sets up and runs
# every test. Both install what is missing first (scripts/setup.sh) and are quick when nothing is.

SHELL := /bin/bash
# Builds live outside the clone so a fresh clone (and CI) reuses them.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/songscape/target
export TRUNK_SKIP_VERSION_CHECK := true
export PATH := $(HOME)/.cargo/bin:$(PATH)
E2E_DIST := $(CARGO_TARGET_DIR)/e2e-dist
SUBPATH_DIST := $(CARGO_TARGET_DIR)/e2e-dist-subpath

.PHONY: setup setup-test serve build test test-native test-e2e dist-e2e clean

setup:
	@bash scripts/setup.sh

setup-test:
	@bash scripts/setup.sh --test

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
	cd tests/e2e && E2E_DIST=$(E2E_DIST) E2E_SUBPATH_DIST=$(SUBPATH_DIST) node --test --test-concurrency=1 *.test.mjs

clean:
	rm -rf dist $(CARGO_TARGET_DIR)
