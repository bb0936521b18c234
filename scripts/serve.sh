#!/usr/bin/env bash
# Builds conpar and serves it cross-origin isolated (COOP/COEP) on 127.0.0.1, rebuilding on
# changes. PORT=9000 scripts/serve.sh picks another port.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Serving needs the build tools, not the test browsers.
CONPAR_BUILD_ONLY=1 source "$ROOT/scripts/setup.sh"
cd "$ROOT"
PORT="${PORT:-8080}"
printf '\n\033[1m==> Building and serving conpar at http://127.0.0.1:%s/\033[0m (Ctrl-C stops)\n' "$PORT"
exec trunk serve --release --port "$PORT" --address 127.0.0.1
