#!/usr/bin/env bash
# The benchmark: builds the site and the native kernel, then measures in headless Chromium and
# prints a table. Numbers are ratios taken in one run; the machine may be shared and noisy.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
step "Release builds"
trunk build --release --features hooks --dist dist-hooks
native=$(cargo run --quiet --release --example kernel)
# The native two-thread ceiling: bench.mjs runs this binary right before each repeat.
cargo build --quiet --release --example scaling
# CPython 3.14 beside the system's python3 in the CPython table (skipped if it cannot be fetched).
export PYTHON314="${PYTHON314:-$(bash scripts/py314.sh 2>/dev/null || true)}"
step "Measuring in headless Chromium"
node scripts/bench.mjs "$native"
