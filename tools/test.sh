#!/usr/bin/env bash
# The test command: sets up whatever is missing, builds every preset, and runs
# every test (labels unit, wasm, browser) in one ctest run, whose summary is
# the last thing printed. Run from anywhere, as root, on Debian bookworm.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash tools/setup.sh
# wasm first: the native browser tests serve its web root.
bash tools/build.sh wasm native native-asan

# One ctest over the three build folders (test names carry the variant).
cat > build/CTestTestfile.cmake <<'CTEST'
# Written by tools/test.sh: every preset's tests in one run.
subdirs("native")
subdirs("native-asan")
subdirs("wasm")
CTEST
# A test that fails runs once more (--repeat until-pass:2): it fails only if
# both runs fail, and the first run's failure is printed all the same. Only a
# browser test has needed it (two browsers, a gateway and the other tests on
# two cores); README.md says so.
exec ctest --test-dir build --output-on-failure -j2 --repeat until-pass:2 "$@"
