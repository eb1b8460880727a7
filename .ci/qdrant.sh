#!/usr/bin/env bash
# Starts a real Qdrant (the v1.18.2 build in ../shared/bin) on 127.0.0.1
# with its storage in a fresh temporary directory, waits until it is
# healthy, and prints the variables the tests read, one KEY=VALUE per line
# on stdout, for .ci/run to set (eval "$(.ci/qdrant.sh)"); progress goes to
# stderr. Exports nothing.
#
#   QDRANT_URL               qdrant://127.0.0.1:GRPC_PORT (the adapter speaks gRPC)
#   ANSWERDESK_QDRANT_BIN    the unpacked binary: fault tests start, kill -9 and
#                            restart their own server with it
#   ANSWERDESK_QDRANT_PID    the server's pid (stop it with kill)
#   ANSWERDESK_QDRANT_DIR    the temporary directory (binary, storage, log)
#
# Ports: QDRANT_HTTP_PORT (default 6333) and QDRANT_GRPC_PORT (default
# 6334). Exit status 1 when the binary is missing or the server does not
# become healthy within 60 s.
set -uo pipefail
cd "$(dirname "$0")/.."

log() { echo "qdrant.sh: $*" >&2; }
xzbin="../shared/bin/qdrant-v1.18.2-linux-x86_64.xz"
http_port="${QDRANT_HTTP_PORT:-6333}"
grpc_port="${QDRANT_GRPC_PORT:-6334}"

if [ ! -r "$xzbin" ]; then
  log "$xzbin not found"; exit 1
fi
if ! command -v xz >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq xz-utils >/dev/null) || { log "no xz and could not install xz-utils"; exit 1; }
fi
if curl -fsS -m 2 "http://127.0.0.1:$http_port/healthz" >/dev/null 2>&1; then
  log "something already answers on :$http_port; set QDRANT_HTTP_PORT/QDRANT_GRPC_PORT to free ports"; exit 1
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/answerdesk-qdrant.XXXXXX")"
if ! xz -dc "$xzbin" >"$dir/qdrant" || ! chmod +x "$dir/qdrant"; then
  log "could not unpack $xzbin"; exit 1
fi
log "starting qdrant on 127.0.0.1:$http_port (REST) / :$grpc_port (gRPC), storage in $dir/storage"
(
  cd "$dir" &&
    QDRANT__SERVICE__HOST=127.0.0.1 QDRANT__SERVICE__HTTP_PORT="$http_port" QDRANT__SERVICE__GRPC_PORT="$grpc_port" \
      QDRANT__STORAGE__STORAGE_PATH="$dir/storage" QDRANT__STORAGE__SNAPSHOTS_PATH="$dir/snapshots" \
      QDRANT__TELEMETRY_DISABLED=true QDRANT__LOG_LEVEL=WARN \
      exec setsid nohup "$dir/qdrant" >"$dir/qdrant.log" 2>&1 </dev/null
) &
pid=$!
for ((i = 0; i < 120; i++)); do
  if curl -fsS -m 2 "http://127.0.0.1:$http_port/healthz" >/dev/null 2>&1; then
    echo "QDRANT_URL=qdrant://127.0.0.1:$grpc_port"
    echo "ANSWERDESK_QDRANT_BIN=$dir/qdrant"
    echo "ANSWERDESK_QDRANT_PID=$pid"
    echo "ANSWERDESK_QDRANT_DIR=$dir"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    break
  fi
  sleep 0.5
done
log "qdrant did not become healthy:"; tail -20 "$dir/qdrant.log" >&2
kill "$pid" 2>/dev/null
exit 1
