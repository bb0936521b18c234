#!/usr/bin/env bash
# Runs every check and test: format, clippy (native and wasm32), native tests of the core and
# engine, browser tests in headless Chromium with threads, a release build, and page tests that
# drive the built site as a user would. Installs whatever is missing first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"

step "Format"
cargo fmt --all -- --check
step "Clippy (native)"
cargo clippy --all-targets -- -D warnings
step "Clippy (wasm32)"
cargo clippy --target wasm32-unknown-unknown --all-targets --all-features -- -D warnings
step "Native tests: the pure core and the engine on real threads"
cargo test
step "Browser tests: wasm-bindgen-test in headless Chromium, threads on"
WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}" wasm-pack test --headless --chrome --mode no-install
step "Release builds (trunk): the site, and the test build with the hooks feature"
trunk build --release
grep -q 'shared:true\|shared: true' dist/conpar.js \
  || { echo "dist/conpar.js does not create a shared memory: the thread flags did not apply" >&2; exit 1; }
! grep -q forcePanic dist/conpar.js \
  || { echo "dist/ exports the test hooks: it must be built without the hooks feature" >&2; exit 1; }
trunk build --release --features hooks --dist dist-hooks
step "Page tests: the built site in headless Chromium"
node --test --test-concurrency=1 tests/page/
