#!/usr/bin/env bash
# Installs everything Tessera needs on Debian bookworm, and nothing twice.
# Every dependency and its pinned source is named here, in one place
# (docs/DEPENDENCIES.md records the versions this resolves to).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages: native build, WebAssembly toolchain, browsers for tests.
APT_PACKAGES=(
  # build
  cmake ninja-build g++ clang-14 make pkg-config dpkg-dev autoconf automake libtool
  # native libraries (the gateway, shared/ natively, tests)
  libboost1.81-dev libssl-dev nlohmann-json3-dev catch2 libsodium-dev libsqlite3-dev libqrencode-dev
  # the development certificate tools/run.sh makes
  openssl
  # fuzzing and sanitizers
  libfuzzer-14-dev libclang-rt-14-dev
  # WebAssembly toolchain; the client's third-party code comes from `apt-get source`
  emscripten
  # the client's font
  fonts-dejavu-core python3-fonttools
  # browser tests (Firefox: the patient of tests/browser/firefox_visit.test.mjs,
  # headed on an Xvfb display: headless Firefox has no WebGL on Linux)
  chromium firefox-esr xvfb
)

log() { printf '[setup] %s\n' "$*"; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Source packages (deb-src): copy the URIs, suites and keyring of the machine's
# own Debian entry, so no mirror is named in this repository.
SRC_LIST=/etc/apt/sources.list.d/tessera-deb-src.sources
if [[ ! -f "$SRC_LIST" ]]; then
  log "adding deb-src entries mirroring the machine's Debian sources"
  python3 - "$SRC_LIST" <<'PY'
import glob, sys
out = []
for path in sorted(glob.glob('/etc/apt/sources.list.d/*.sources')):
    for stanza in open(path).read().split('\n\n'):
        fields = {}
        for line in stanza.splitlines():
            if line.startswith('#') or ':' not in line:
                continue
            k, v = line.split(':', 1)
            fields[k.strip()] = v.strip()
        if fields.get('Types', '').split() != ['deb']:
            continue
        if 'debian' not in fields.get('URIs', ''):
            continue
        fields['Types'] = 'deb-src'
        out.append('\n'.join(f'{k}: {v}' for k, v in fields.items()))
legacy = '/etc/apt/sources.list'
try:
    for line in open(legacy):
        parts = line.split()
        if parts and parts[0] == 'deb' and 'debian' in line:
            out.append('# from sources.list\n' + line.replace('deb ', 'deb-src ', 1).strip())
except FileNotFoundError:
    pass
if not out:
    sys.exit('no Debian apt entry found to copy for deb-src')
# deb822 stanzas only; one-line entries go to a .list file beside it
deb822 = [s for s in out if not s.startswith('# from')]
lines = [s.split('\n', 1)[1] for s in out if s.startswith('# from')]
open(sys.argv[1], 'w').write('\n\n'.join(deb822) + '\n' if deb822 else '')
if lines:
    open(sys.argv[1].replace('.sources', '.list'), 'w').write('\n'.join(lines) + '\n')
PY
  apt-get update -qq
fi

# Source packages built for WebAssembly, pinned to exact Debian versions.
# apt verifies each against the signed Release file before unpacking.
SOURCE_PACKAGES=(
  "imgui=1.86+ds-1"
  "libsodium=1.0.18-1+deb12u1"
)
THIRD_PARTY="$ROOT/build/third_party"
for pin in "${SOURCE_PACKAGES[@]}"; do
  name="${pin%%=*}" version="${pin#*=}"
  dest="$THIRD_PARTY/$name"
  if [[ "$(cat "$dest/VERSION" 2>/dev/null)" != "$version" ]]; then
    log "fetching Debian source package $pin"
    work="$THIRD_PARTY/.fetch-$name"
    rm -rf "$work" "$dest" && mkdir -p "$work"
    # apt drops privileges to _apt for downloads; let it write here.
    chown _apt "$work" 2>/dev/null || true
    (cd "$work" && apt-get source -qq "$pin" >/dev/null)
    src_dir="$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n1)"
    [[ -n "$src_dir" ]] || { echo "apt-get source $pin unpacked nothing" >&2; exit 1; }
    mv "$src_dir" "$dest"
    rm -rf "$work"
    # Debian's libsodium source ships configure.ac only: generate configure.
    if [[ -f "$dest/configure.ac" && ! -x "$dest/configure" ]]; then
      (cd "$dest" && autoreconf -fi >/dev/null 2>&1)
    fi
    echo "$version" > "$dest/VERSION"
  fi
done

# npm packages for the browser tests and the independent crypto check,
# pinned by tests/package-lock.json.
if [[ ! -d "$ROOT/tests/node_modules" || "$ROOT/tests/package-lock.json" -nt "$ROOT/tests/node_modules/.package-lock.json" ]]; then
  log "installing npm packages (tests/package-lock.json)"
  (cd "$ROOT/tests" && npm ci --no-audit --no-fund --loglevel=error)
fi

log "ready"
