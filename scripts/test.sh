#!/usr/bin/env bash
# Runs every check and test: format, clippy (native and wasm32), native tests of the core and
# engine, browser tests with threads in Chromium, Firefox and WebKitGTK, release builds, and page
# tests that drive the built site as a user would (the full suite in Chromium, the core scenarios
# in Firefox and WebKitGTK). Installs whatever is missing first; a failure names its engine.
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
# The interpreter pool's program needs CPython 3.14 (InterpreterPoolExecutor): Debian's packages,
# unpacked by scripts/py314.sh (about a minute the first time, then it only prints the path).
export PYTHON314="${PYTHON314:-$(bash scripts/py314.sh)}"
cargo test
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"
# WebKitGTK has no headless mode: it draws into a virtual display.
export DISPLAY="${DISPLAY:-:99}"
X_SOCKET="/tmp/.X11-unix/X${DISPLAY#:}"
if ! pgrep -f "Xvfb $DISPLAY( |$)" >/dev/null; then
  rm -f "$X_SOCKET" "/tmp/.X${DISPLAY#:}-lock"   # left by an Xvfb that is gone
  Xvfb "$DISPLAY" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
  XVFB_PID=$!
  trap 'kill $XVFB_PID 2>/dev/null || true' EXIT
  for _ in $(seq 100); do [ -S "$X_SOCKET" ] && break; sleep 0.1; done
  [ -S "$X_SOCKET" ] || { echo "Xvfb did not start on $DISPLAY" >&2; exit 1; }
fi
engine_failed() { echo "FAILED in $1: $2" >&2; exit 1; }
step "Browser tests: wasm-bindgen-test in headless Chromium, threads on"
wasm-pack test --headless --chrome --mode no-install || engine_failed Chromium "wasm-bindgen tests"
step "Browser tests: wasm-bindgen-test in headless Firefox ESR, threads on"
wasm-pack test --headless --firefox --geckodriver "$(command -v geckodriver)" --mode no-install \
  || engine_failed Firefox "wasm-bindgen tests"
step "Browser tests: wasm-bindgen-test in WebKitGTK (JSC_useSharedArrayBuffer=1), threads on"
# The test runner drives any WebDriver named by SAFARIDRIVER; WebKitGTK's Linux builds expose
# SharedArrayBuffer only with this variable (Safari does on isolated pages by itself).
SAFARIDRIVER=/usr/bin/WebKitWebDriver JSC_useSharedArrayBuffer=1 \
  cargo test --target wasm32-unknown-unknown --test web || engine_failed WebKitGTK "wasm-bindgen tests"
step "Release builds (trunk): the site, and the test build with the hooks feature"
trunk build --release
GLUE="$(ls dist/conpar-*.js)"
grep -q 'shared:true\|shared: true\|shared:!0' "$GLUE" \
  || { echo "$GLUE does not create a shared memory: the thread flags did not apply" >&2; exit 1; }
! grep -q forcePanic "$GLUE" \
  || { echo "dist/ exports the test hooks: it must be built without the hooks feature" >&2; exit 1; }
# The module's budget (issue 20: what a phone downloads and compiles before anything runs;
# BENCHMARKS.md says what was big and how it was trimmed).
node -e '
  const { readdirSync, readFileSync } = require("fs"); const { gzipSync } = require("zlib");
  const name = readdirSync("dist").find((f) => f.endsWith("_bg.wasm"));
  const kib = gzipSync(readFileSync("dist/" + name)).length / 1024, budget = 300;
  console.log(`${name}: ${kib.toFixed(1)} KiB gzipped (budget ${budget} KiB)`);
  if (kib > budget) { console.error("the module is over its budget: see BENCHMARKS.md for what was trimmed before"); process.exit(1); }'
trunk build --release --features hooks --dist dist-hooks
step "Page tests: the built site in headless Chromium (the full suite)"
node --test --test-concurrency=1 tests/page/ || engine_failed Chromium "page tests"
step "Page tests: the core scenarios in Firefox ESR"
ENGINE=firefox node --test --test-concurrency=1 tests/engines/ || engine_failed Firefox "page tests"
step "Page tests: the core scenarios in WebKitGTK"
ENGINE=webkit node --test --test-concurrency=1 tests/engines/ || engine_failed WebKitGTK "page tests"
