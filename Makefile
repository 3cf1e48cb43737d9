# Storelink: `make run` opens the app, `make test` runs every test. Both install what they
# need first and skip what is already there.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
UI_SOURCES := $(shell find ui/src ui/index.html ui/package.json ui/vite.config.ts ui/tsconfig.json -type f 2>/dev/null)

.PHONY: help run test deps test-deps node-deps ui build lint fmt clippy test-rust test-api test-ui e2e bindings

help:
	@echo "make run    build and open Storelink (headless status when there is no display)"
	@echo "make test   lint, Rust tests, UI tests, bindings drift check, e2e in the real window"
	@echo "make bindings  regenerate ui/src/bindings.ts from the Rust commands"

run: deps build
	scripts/run.sh

test: test-deps build lint test-rust test-api test-ui e2e

deps:
	scripts/install-deps.sh

test-deps:
	scripts/install-deps.sh --test

node-deps: ui/node_modules/.installed tests/e2e/node_modules/.installed

ui/node_modules/.installed: ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund
	touch $@

tests/e2e/node_modules/.installed: tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund
	touch $@

ui: ui/dist/index.html

ui/dist/index.html: ui/node_modules/.installed $(UI_SOURCES)
	cd ui && npm run build

build: node-deps ui
	$(CARGO) build --workspace --bins

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# Includes the bindings drift check (src-tauri/tests/bindings.rs) and the keychain tests,
# which need the real Secret Service: run inside a private D-Bus session.
test-rust:
	CARGO=$(CARGO) scripts/test-rust.sh

# schemathesis against a real `storelink serve` (scripts/schemathesis.sh).
test-api: build
	scripts/schemathesis.sh

test-ui: ui/node_modules/.installed
	cd ui && npm run typecheck && npm test

e2e: build
	scripts/e2e.sh

bindings:
	STORELINK_UPDATE_BINDINGS=1 $(CARGO) test -p storelink-desktop --test bindings

# The Debian package, target/release/bundle/deb/*.deb: a release build bundled by the Tauri
# CLI, pinned to the tauri crate's version and fetched by npx on first use. (AppImage
# bundling downloads tools from other hosts, which this machine cannot reach.)
TAURI_CLI := @tauri-apps/cli@2.12.5
.PHONY: package
package: deps node-deps ui
	cd src-tauri && npx --yes --package $(TAURI_CLI) tauri build --bundles deb

# Desktop benchmark of issue 7 (docs/BENCHMARKS.md, "Desktop"): release build, 1,000,000 POS
# transactions, the real window under Xvfb on its own display and driver ports. Not in `make test`.
.PHONY: bench-desktop
bench-desktop: node-deps ui
	$(CARGO) build --release -p storelink-desktop -p storelink-cli
	scripts/bench-desktop.sh
