#!/usr/bin/env bash
# Configures (once) and builds the given CMake presets. Used by run.sh and
# test.sh; incremental, so an unchanged tree builds in seconds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs  # Emscripten's JS optimizer needs Debian's acorn

for preset in "$@"; do
  if [[ ! -f "build/$preset/CMakeCache.txt" ]]; then
    echo "[build] configuring $preset"
    cmake --preset "$preset" >/dev/null
  fi
  echo "[build] building $preset"
  cmake --build --preset "$preset" -- -j"$(nproc)" | { grep -vE '^\[[0-9]+/[0-9]+\] ' || true; }
  test "${PIPESTATUS[0]}" -eq 0
done
