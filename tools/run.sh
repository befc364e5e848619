#!/usr/bin/env bash
# The run command: sets up whatever is missing, builds the gateway and the
# client, and starts the gateway on localhost serving the client.
#   bash tools/run.sh [gateway options]   (see: build/native/gateway/tessera-gateway --help)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash tools/setup.sh
bash tools/build.sh wasm native
exec build/native/gateway/tessera-gateway --listen 127.0.0.1:8080 --web-root build/wasm/web "$@"
