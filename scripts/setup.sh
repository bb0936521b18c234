#!/usr/bin/env bash
# Installs what conpar's build and tests need, skipping whatever is already there in the right
# version, so a second run takes seconds. Tools go outside the repo (~/.cargo/bin, apt) or into
# node_modules/ (git-ignored). Sourced by serve.sh and test.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pin in Cargo.toml
WASM_PACK_VERSION=0.15.1
TRUNK_VERSION=0.22.1
GECKODRIVER_VERSION=0.37.1    # Firefox's WebDriver, built from crates.io (no binary downloads here)

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
have_version() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

if ! command -v rustup >/dev/null 2>&1; then
  echo "rustup is missing: install Rust with rustup first (https://rustup.rs)." >&2
  exit 1
fi

# The nightly of rust-toolchain.toml with rust-src and the wasm32 target. Components are added to
# the nightly already installed, never by updating it: a newer nightly's wasm32 std may be
# missing from the package mirror.
if ! rustup toolchain list | grep -q '^nightly-'; then
  step "Installing the nightly Rust toolchain"
  rustup toolchain install nightly --profile minimal -c rust-src,rustfmt,clippy -t wasm32-unknown-unknown
fi
if ! rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src' \
   || ! rustup target list --toolchain nightly --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$' \
   || ! rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^clippy'; then
  step "Adding rust-src, rustfmt, clippy and the wasm32 target to nightly"
  rustup component add --toolchain nightly rust-src rustfmt clippy
  rustup target add --toolchain nightly wasm32-unknown-unknown
fi

# `cargo install` runs from / so the repo's .cargo/config.toml (wasm32 flags) does not apply.
if ! have_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  step "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (~2 min)"
  # No --locked: one locked dependency is missing from the registry mirror here.
  (cd / && cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force)
fi
if ! have_version wasm-pack "$WASM_PACK_VERSION"; then
  step "Installing wasm-pack $WASM_PACK_VERSION (~2 min)"
  (cd / && cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked --force)
fi
if ! have_version trunk "$TRUNK_VERSION"; then
  step "Installing trunk $TRUNK_VERSION (~10 min; it needs a nightly rustc)"
  (cd / && cargo +nightly install trunk --version "$TRUNK_VERSION" --locked --force)
fi

# The three engines the tests run in: Chromium, Firefox ESR and WebKitGTK (the closest to Safari
# that installs here; no headless mode, so it runs under Xvfb), each with its WebDriver. Building
# and serving need none of them (CONPAR_BUILD_ONLY=1, set by serve.sh and the Pages workflow).
if [ -z "${CONPAR_BUILD_ONLY:-}" ]; then
  apt_missing=()
  command -v chromium >/dev/null 2>&1 || apt_missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || apt_missing+=(chromium-driver)
  command -v firefox-esr >/dev/null 2>&1 || apt_missing+=(firefox-esr)
  # The generated Python programs are run by the tests (pyenv's CPython on these machines).
  command -v python3 >/dev/null 2>&1 || apt_missing+=(python3)
  [ -x /usr/bin/WebKitWebDriver ] || apt_missing+=(webkit2gtk-driver)
  # The Hugo shortcode (integrations/hugo) is tested by building its example site with Hugo.
  command -v hugo >/dev/null 2>&1 || apt_missing+=(hugo)
  command -v Xvfb >/dev/null 2>&1 || apt_missing+=(xvfb)
  if [ ${#apt_missing[@]} -gt 0 ]; then
    step "Installing ${apt_missing[*]} (Debian packages)"
    $SUDO apt-get update
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "${apt_missing[@]}"
  fi
  if ! have_version geckodriver "$GECKODRIVER_VERSION"; then
    step "Installing geckodriver $GECKODRIVER_VERSION (~5-15 min)"
    # As checked on this machine kind: built unlocked, with the default toolchain.
    (cd / && cargo install geckodriver --version "$GECKODRIVER_VERSION" --force)
  fi
fi

# wasm-opt (npm's binaryen 132; Debian's older one miscompiles), playwright-core (Chromium),
# puppeteer-core (Chromium in tabs of one window, so a page can really be hidden and frozen)
# selenium-webdriver (Firefox and WebKitGTK through their own WebDriver servers) and axe-core
# (the accessibility audit the page tests run in each page) and terser (minifies the glue);
# gifenc (the GIF's encoder, copied into the site) and Eleventy (builds the Eleventy
# integration's example site in the page tests).
if [ ! -x "$ROOT/node_modules/.bin/wasm-opt" ] || [ ! -d "$ROOT/node_modules/playwright-core" ] \
   || [ ! -d "$ROOT/node_modules/selenium-webdriver" ] || [ ! -d "$ROOT/node_modules/puppeteer-core" ] \
   || [ ! -d "$ROOT/node_modules/axe-core" ] || [ ! -d "$ROOT/node_modules/terser" ] \
   || [ ! -d "$ROOT/node_modules/gifenc" ] || [ ! -x "$ROOT/node_modules/.bin/eleventy" ] \
   || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
  step "Installing npm tools (binaryen, playwright-core, puppeteer-core, selenium-webdriver, axe-core, terser, gifenc, Eleventy)"
  (cd "$ROOT" && npm ci --no-audit --no-fund)
fi
