#!/usr/bin/env bash
# The run command: sets up whatever is missing, builds the gateway and the
# client, and starts the gateway over HTTPS on every interface, port 8443,
# with a local development certificate, so a tablet on the same network can
# join a visit.
#   bash tools/run.sh [gateway options]   (see: build/native/gateway/tessera-gateway --help)
# The certificate is self-signed (build/dev-tls/): each browser must accept it
# once. It is made again only when this machine's addresses change.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash tools/setup.sh
bash tools/build.sh wasm native

PORT=8443
TLS_DIR=build/dev-tls
# This machine's non-loopback IPv4 addresses, as a tablet on the LAN reaches it.
mapfile -t LAN_IPS < <(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+(\.[0-9]+){3}$' | grep -v '^127\.' || true)
SAN="DNS:localhost,IP:127.0.0.1"
for ip in "${LAN_IPS[@]}"; do SAN+=",IP:$ip"; done

if [[ "$(cat "$TLS_DIR/san.txt" 2>/dev/null)" != "$SAN" || ! -s "$TLS_DIR/cert.pem" || ! -s "$TLS_DIR/key.pem" ]]; then
  echo "[run] making a development certificate for $SAN in $TLS_DIR/"
  mkdir -p "$TLS_DIR"
  (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
    -subj "/CN=Tessera development" -addext "subjectAltName=$SAN" \
    -keyout "$TLS_DIR/key.pem" -out "$TLS_DIR/cert.pem" 2>/dev/null)
  chmod 600 "$TLS_DIR/key.pem"
  echo "$SAN" > "$TLS_DIR/san.txt"
fi

ORIGINS="https://localhost:$PORT,https://127.0.0.1:$PORT"
for ip in "${LAN_IPS[@]}"; do ORIGINS+=",https://$ip:$PORT"; done

# Accounts, visits and the audit trail persist between runs; the key file
# lives outside the data directory, as the gateway requires.
DATA_DIR=build/run/data
KEY_DIR=build/run/keys
(umask 077 && mkdir -p "$DATA_DIR" "$KEY_DIR")
echo "[run] data in $DATA_DIR/, key file in $KEY_DIR/; create a provider with:"
echo "[run]   build/native/gateway/tessera-gateway account add --data $DATA_DIR/tessera.db --key-file $KEY_DIR/tessera.key --login NAME --role provider"

echo "[run] open https://localhost:$PORT/ on this machine"
for ip in "${LAN_IPS[@]}"; do echo "[run] or https://$ip:$PORT/ from a tablet or phone on this network"; done
echo "[run] (a development certificate: accept it once in each browser)"
exec build/native/gateway/tessera-gateway --listen "0.0.0.0:$PORT" --web-root build/wasm/web \
  --tls-cert "$TLS_DIR/cert.pem" --tls-key "$TLS_DIR/key.pem" --allow-origin "$ORIGINS" \
  --data "$DATA_DIR/tessera.db" --key-file "$KEY_DIR/tessera.key" "$@"
