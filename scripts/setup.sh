#!/usr/bin/env bash
# Installs what building (and, with --test, testing) Songscape needs, from package registries only
# (crates.io, npm, Debian apt). Idempotent: anything already at the right version is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
want_fuzz=0
[[ "${1:-}" == "--test" ]] && want_test=1
[[ "${1:-}" == "--fuzz" ]] && want_fuzz=1

TRUNK_VERSION=0.21.14
CARGO_FUZZ_VERSION=0.13.2
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
have_version() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"; }
# The tools are built without their own release profiles' whole-program optimisation: trunk's is
# fat LTO in one codegen unit, whose last link alone took 4 of its 10 minutes here (5 min 53 s
# without). trunk and cargo-fuzz only start cargo, copy and hash files (a no-op `trunk build` is
# as fast: 4.9 s against 4.7 s); wasm-bindgen at opt-level 2 takes 0.2 s more per run (1.2 s on
# the worker) and installs in 2.5 minutes instead of 3. These variables reach `cargo install`
# only: our own release profile (Cargo.toml) is untouched.
tool_install() {
  CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL="$1" \
    cargo install "${@:2}"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
else
  say "wasm32 target: present"
fi

if have_version trunk "$TRUNK_VERSION"; then
  say "trunk $TRUNK_VERSION: present"
else
  say "installing trunk $TRUNK_VERSION from crates.io (about 6 minutes, once)"
  tool_install 1 --locked trunk --version "$TRUNK_VERSION"
fi

# wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate in Cargo.lock.
WBG_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if have_version wasm-bindgen "$WBG_VERSION"; then
  say "wasm-bindgen-cli $WBG_VERSION: present"
else
  say "installing wasm-bindgen-cli $WBG_VERSION from crates.io (about 3 minutes, once)"
  # Not --locked: its lock pins a crate version the registry mirror here lacks.
  tool_install 2 wasm-bindgen-cli --version "$WBG_VERSION"
fi

say "fetching crates (Trunk builds with --offline)"
cargo fetch --quiet

if [[ $want_test == 1 ]]; then
  if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
    say "chromium: present ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
  else
    say "installing Debian's chromium and chromium-driver"
    SUDO=""; [[ $(id -u) != 0 ]] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver
  fi
  if [[ -d tests/e2e/node_modules/playwright-core && tests/e2e/node_modules/.package-lock.json -nt tests/e2e/package-lock.json ]]; then
    say "e2e node modules: present"
  else
    say "installing e2e node modules (playwright-core; it never downloads a browser)"
    (cd tests/e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
if [[ $want_fuzz == 1 ]]; then
  if have_version cargo-fuzz "$CARGO_FUZZ_VERSION"; then
    say "cargo-fuzz $CARGO_FUZZ_VERSION: present"
  else
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION from crates.io (about 2 minutes, once)"
    tool_install 1 --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION"
  fi
fi
say "done"
