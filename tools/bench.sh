#!/usr/bin/env bash
# The benchmark command (issue 8, item 5): builds the native and wasm presets
# and prints seal/open throughput of envelopes and file chunks next to raw
# libsodium, first native, then WebAssembly under Node. Not a test: it exits
# 0 whatever the figures (each table ends with PASS/FAIL against the budget,
# file framing >= 90% of raw). Extra arguments go to both runs:
#   bash tools/bench.sh [--seconds S] [--rounds N]     (defaults 0.5 and 3)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

case "${1:-}" in
  -h|--help) sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

bash tools/build.sh native wasm

echo
echo "==== native: build/native/tools/bench/bench"
build/native/tools/bench/bench "$@"
echo
echo "==== WebAssembly: node build/wasm/tools/bench/bench.js ($(node --version))"
node build/wasm/tools/bench/bench.js "$@"
