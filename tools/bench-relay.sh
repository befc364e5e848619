#!/usr/bin/env bash
# The relay benchmark (issue 9, item 8): starts the gateway's relay
# (build/native/tools/bench/relay_server: Listener + SignalingHub + VisitRooms
# from tessera_gateway_lib on one io_context thread, limits raised, a
# bench-only provider oracle) and the Node reference relay
# (tools/bench/node_relay.mjs on npm ws, one thread), drives both the same way
# with relay_load (C++, one thread) and prints gateway vs node with ratios and
# PASS/FAIL against the budget. Not a test: exits 0 whatever the figures
# (1 on errors). Extra arguments go to relay_load (see relay_load --help):
#   bash tools/bench-relay.sh [--connections N] [--seconds S] [--window W] [--body B]
#   (defaults 10000 connections, 10 s, window 1, 900-byte bodies)
# --smoke gateway|node: 20 connections for 1 s against one server (ctest).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

case "${1:-}" in
  -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

SMOKE=""
RELAY_LOAD=build/native/tools/bench/relay_load
RELAY_SERVER=build/native/tools/bench/relay_server
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) SMOKE="$2"; shift 2 ;;
    --relay-load) RELAY_LOAD="$2"; shift 2 ;;
    --relay-server) RELAY_SERVER="$2"; shift 2 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done

if [ -z "$SMOKE" ]; then
  cmake --preset native >/dev/null
  cmake --build build/native --target relay_load relay_server -j2 >/dev/null
fi
[ -d tests/node_modules/ws ] || [ "$SMOKE" = gateway ] || {
  echo "bench-relay: tests/node_modules/ws is missing: run tools/setup.sh (npm ci in tests/)" >&2; exit 1; }

# 10,000 connections: one descriptor each in the generator and in the server.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

TMP="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

# start NAME COMMAND...: runs it, waits for its "listening on 127.0.0.1:PORT" line.
start() {
  local name="$1"; shift
  "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  PIDS+=("$!")
  eval "${name}_PID=$!"
  for _ in $(seq 1 100); do
    grep -q "listening on" "$TMP/$name.out" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench-relay: $name did not start:" >&2; cat "$TMP/$name.err" >&2; exit 1
}
port_of() { sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/$1.out"; }

SERVERS=()
# Vouch for every connection id the run can use (the last --connections wins, as in relay_load).
CONNECTIONS=10000
for ((i = 0; i + 1 < ${#ARGS[@]}; i++)); do
  [ "${ARGS[$i]}" = --connections ] && CONNECTIONS="${ARGS[$((i + 1))]}"
done
VOUCH=$((CONNECTIONS + 1000))
if [ -z "$SMOKE" ] || [ "$SMOKE" = gateway ]; then
  start gateway "$RELAY_SERVER" --vouch "$VOUCH"
  # The provider oracle made the core's entries for VOUCH connection ids before
  # the run: credit their cost back to each connection.
  PREVOUCH="$(sed -n 's/.*prevouch_bytes=\([0-9]*\).*/\1/p' "$TMP/gateway.out")"
  CREDIT="$(awk -v b="$PREVOUCH" -v n="$VOUCH" 'BEGIN { printf "%.0f", b / n }')"
  SERVERS+=(--server "gateway=$(port_of gateway):$gateway_PID:$CREDIT")
fi
if [ -z "$SMOKE" ] || [ "$SMOKE" = node ]; then
  start node node tools/bench/node_relay.mjs
  SERVERS+=(--server "node=$(port_of node):$node_PID")
fi

if [ -n "$SMOKE" ]; then
  "$RELAY_LOAD" "${SERVERS[@]}" --connections 20 --seconds 1 --warmup 0 --settle 0 "${ARGS[@]}"
  exit $?
fi

echo "gateway: $RELAY_SERVER (tessera_gateway_lib Listener + SignalingHub + VisitRooms as in gateway/main.cpp;"
echo "         io_context on 1 thread; limits raised; connection ids 1..$VOUCH vouched as providers by a bench-only"
echo "         oracle, ${CREDIT} B each credited back to the idle figure)"
echo "node:    node $(node --version) tools/bench/node_relay.mjs (ws $(node -p "require('./tests/node_modules/ws/package.json').version"), one thread)"
echo "machine: $(nproc) cores; plain WebSocket on loopback"
echo
"$RELAY_LOAD" "${SERVERS[@]}" --connections 10000 "${ARGS[@]}"
