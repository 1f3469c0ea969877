#!/usr/bin/env bash
# Keep-alive load on the example service with the JDK server's TCP_NODELAY as Paved sets it
# (sun.net.httpserver.nodelay=true) and, for comparison, turned off again: without it every
# response waits for a delayed ACK. Loopback only; each run is bounded (wrk -d).
#
# Needs: the example's jar (./mvnw -q install -DskipTests && ./mvnw -q -f examples/http-api package -DskipTests) and wrk
# (apt-get install wrk).
#
#   bash benchmarks/scripts/load-example.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-10}"
connections="${2:-16}"
jar=examples/http-api/target/http-api.jar
[ -f "$jar" ] || { echo "$jar is missing: build it first" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

run() {
  local label="$1"; shift
  local log; log="$(mktemp)"
  env -u PLATFORM_CONFIG HTTP_PORT=0 PLATFORM_ADMIN_PORT=0 SHUTDOWN_DRAIN=0s java "$@" -jar "$jar" >"$log" 2>&1 &
  local pid=$!
  local port=""
  for _ in $(seq 1 600); do
    port="$(grep -o 'http-api listening on port [0-9]*' "$log" | grep -o '[0-9]*$' || true)"
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "the example did not start" >&2; cat "$log" >&2; kill "$pid"; exit 1; }
  wrk -t 2 -c "$connections" -d 3s "http://127.0.0.1:$port/api/orders/1" >/dev/null   # warm-up
  echo "== $label"
  wrk -t 2 -c "$connections" -d "${seconds}s" --latency "http://127.0.0.1:$port/api/orders/1" \
    | grep -E "Requests/sec|99%|50%"
  kill -TERM "$pid"; wait "$pid" || true
  rm -f "$log"
}

run "TCP_NODELAY on (Paved's default)"
run "TCP_NODELAY off (-Dsun.net.httpserver.nodelay=false)" -Dsun.net.httpserver.nodelay=false
