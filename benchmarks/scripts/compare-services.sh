#!/usr/bin/env bash
# The whole service as a user sees it (issue #22), three ways in one run, in interleaved rounds:
#   paved  — the example on Paved: every trace sampled and exported over OTLP/HTTP to a loopback
#            sink, RED metrics on Prometheus (/metrics), JSON logs to a file;
#   agent  — the bare server (dev.paved.benchmarks.BareService) with the OpenTelemetry Java agent,
#            exporting traces over OTLP/HTTP to the same sink, metrics on its Prometheus port;
#   bare   — the bare server alone: the floor.
# All three answer GET /api/orders with the same bytes (captured from the example, and written by
# Jackson per request on every side, as the example writes its page) on the JDK
# server with TCP_NODELAY on (on the command line: the agent loads the server's classes before main
# could set it) and eight worker threads. The load is wrk (Debian's), on the same
# machine. Printed: start to first answer, requests/s, p99, RSS after the load, and the heap in use
# after a full GC that follows it (jcmd GC.run, then GC.heap_info) — medians over the rounds, and
# each as a ratio to the floor — and the share of the requests whose span reached the sink
# (spans received / requests served, counted by the sink): the SDK's batch span processor drops
# spans when its queue is full (Paved counts them in paved_traces_dropped_total). BSP_QUEUE and
# BSP_BATCH (environment) set its queue and batch size for Paved and the agent alike (otherwise
# each its own default: Paved 8192 and 2048, the agent OpenTelemetry's 2048 and 512).
#
# Needs: the example's jar and the benchmarks jar
#   ./mvnw -q install -DskipTests && ./mvnw -q -f examples/http-api package -DskipTests
# wrk (apt-get install wrk), curl, python3, the JDK's jcmd. Fetches the agent from Maven Central once.
#
#   bash benchmarks/scripts/compare-services.sh [rounds] [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"
seconds="${2:-10}"
connections="${3:-16}"
agent_version=2.31.1
example=examples/http-api/target/http-api.jar
bench=benchmarks/target/benchmarks.jar
agent="benchmarks/target/agent/opentelemetry-javaagent-$agent_version.jar"
for f in "$example" "$bench"; do [ -f "$f" ] || { echo "$f is missing: build it first (see the header)" >&2; exit 1; }; done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v jcmd >/dev/null || { echo "jcmd is missing: run with a JDK's bin on the PATH" >&2; exit 1; }
if [ ! -f "$agent" ]; then
  ./mvnw -q dependency:copy -Dartifact="io.opentelemetry.javaagent:opentelemetry-javaagent:$agent_version" -DoutputDirectory=benchmarks/target/agent
fi
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
# shellcheck source=common.sh
. benchmarks/scripts/common.sh

start_sink "$bench" "$work"
paved_bsp=(); agent_bsp=()
if [ -n "${BSP_QUEUE:-}" ]; then
  paved_bsp+=("-Dplatform.observability.otel.bsp.max.queue.size=$BSP_QUEUE"); agent_bsp+=("-Dotel.bsp.max.queue.size=$BSP_QUEUE")
fi
if [ -n "${BSP_BATCH:-}" ]; then
  paved_bsp+=("-Dplatform.observability.otel.bsp.max.export.batch.size=$BSP_BATCH"); agent_bsp+=("-Dotel.bsp.max.export.batch.size=$BSP_BATCH")
fi

# start <variant> <port>: launches it in the background; sets pid.
start() {
  local variant="$1" port="$2"
  case "$variant" in
    paved)
      env -u PLATFORM_CONFIG HTTP_PORT="$port" PLATFORM_ADMIN_PORT="$(free_port)" SHUTDOWN_DRAIN=0s \
        PLATFORM_OBSERVABILITY_OTLP_ENDPOINT="http://127.0.0.1:$sink" \
        java "${paved_bsp[@]}" -jar "$example" >"$work/$variant.log" 2>&1 &
      ;;
    paved-cds)
      # Started as docs/build.md says: in the jar's directory, from the archive its build wrote.
      (cd "$(dirname "$example")" && exec env -u PLATFORM_CONFIG HTTP_PORT="$port" PLATFORM_ADMIN_PORT="$(free_port)" SHUTDOWN_DRAIN=0s \
        PLATFORM_OBSERVABILITY_OTLP_ENDPOINT="http://127.0.0.1:$sink" \
        java "${paved_bsp[@]}" -XX:SharedArchiveFile="$(basename "$example" .jar).jsa" -jar "$(basename "$example")") >"$work/$variant.log" 2>&1 &
      ;;
    agent)
      java "${agent_bsp[@]}" -Dsun.net.httpserver.nodelay=true -javaagent:"$agent" -Dotel.service.name=bare -Dotel.traces.sampler=always_on \
        -Dotel.exporter.otlp.protocol=http/protobuf -Dotel.exporter.otlp.endpoint="http://127.0.0.1:$sink" \
        -Dotel.metrics.exporter=prometheus -Dotel.exporter.prometheus.port="$(free_port)" -Dotel.logs.exporter=none \
        -cp "$bench" dev.paved.benchmarks.BareService "$port" "$work/body.json" >"$work/$variant.log" 2>&1 &
      ;;
    bare)
      java -Dsun.net.httpserver.nodelay=true -cp "$bench" dev.paved.benchmarks.BareService "$port" "$work/body.json" >"$work/$variant.log" 2>&1 &
      ;;
  esac
  pid=$!
}

# Until the route answers 200; prints the milliseconds since t0.
first_answer() {
  local port="$1" t0="$2"
  for _ in $(seq 1 3000); do
    if curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/orders" 2>/dev/null | grep -q 200; then
      echo $(( ($(date +%s%N) - t0) / 1000000 ))
      return
    fi
    sleep 0.01
  done
  echo "never answered" >&2; return 1
}

# The bytes the three serve: the example's page, captured once.
port="$(free_port)"; start paved "$port"
first_answer "$port" "$(date +%s%N)" >/dev/null
curl -s "http://127.0.0.1:$port/api/orders" >"$work/body.json"
kill -TERM "$pid"; wait "$pid" || true
echo "measured route: GET /api/orders, $(wc -c <"$work/body.json") bytes; $rounds rounds of ${seconds}s, $connections connections"

# With the class-data sharing archive the example's build writes (paved.cds), a fourth variant.
variants="paved agent bare"
[ -f "${example%.jar}.jsa" ] && variants="paved paved-cds agent bare"
echo "variant round start_ms rps p99_ms rss_mb heap_mb exported" >"$work/results"
for round in $(seq 1 "$rounds"); do
  for variant in $variants; do
    port="$(free_port)"
    spans_before="$(sink_spans)"
    t0="$(date +%s%N)"
    start "$variant" "$port"
    ms="$(first_answer "$port" "$t0")"
    warm="$(wrk -t 2 -c "$connections" -d 3s "http://127.0.0.1:$port/api/orders")"   # warm-up
    out="$(wrk -t 2 -c "$connections" -d "${seconds}s" --latency "http://127.0.0.1:$port/api/orders")"
    rps="$(wrk_rps "$out")"
    p99="$(wrk_p99 "$out")"
    rss="$(awk '/VmRSS/ {print int($2/1024)}' /proc/"$pid"/status)"
    jcmd "$pid" GC.run >/dev/null || true
    heap="$( (jcmd "$pid" GC.heap_info || true) | awk '/used/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub("K,?", "", v); print int(v / 1024); exit}}')"
    heap="${heap:-nan}"   # not attached: shown as nan, the other figures stand
    kill -TERM "$pid"; wait "$pid" || true   # the exporters flush at exit
    warm_n="$(wrk_requests "$warm")"; out_n="$(wrk_requests "$out")"; spans_after="$(sink_spans)"
    : "${warm_n:?wrk printed no request count}" "${out_n:?wrk printed no request count}" "${spans_before:?the sink did not answer}" "${spans_after:?the sink did not answer}"
    served=$(( warm_n + out_n + 1 ))   # and the first answer
    exported="$(python3 -c "print(f'{($spans_after - $spans_before) / $served:.3f}')")"
    echo "$variant $round $ms $rps $p99 $rss $heap $exported" >>"$work/results"
    echo "round $round $variant: start ${ms} ms, ${rps} req/s, p99 ${p99} ms, RSS ${rss} MB, heap after full GC ${heap} MB, spans exported per request ${exported}"
  done
done

python3 - "$work/results" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]).read().splitlines()[1:]]
variants = [v for v in ("paved", "paved-cds", "agent", "bare") if any(x[0] == v for x in rows)]
med = {}
for v in variants:
    r = [x for x in rows if x[0] == v]
    med[v] = [statistics.median(float(x[i]) for x in r) for i in (2, 3, 4, 5, 6, 7)]
names = {"paved": "example on Paved", "paved-cds": "example on Paved, from its CDS archive", "agent": "bare server + OpenTelemetry agent", "bare": "bare server (floor)"}
print()
print("| | start to first answer | requests/s | p99 | RSS after load | heap after full GC | spans exported per request |")
print("|---|---|---|---|---|---|---|")
for v in variants:
    s, rps, p99, rss, heap, exported = med[v]
    print(f"| {names[v]} | {s/1000:.2f} s | {rps:,.0f} | {p99:.2f} ms | {rss:.0f} MB | {heap:.0f} MB | {exported:.2f} |")
b = med["bare"]
print()
print("ratios to the floor (medians): " + "; ".join(
    f"{v}: start {med[v][0]/b[0]:.2f}x, throughput {med[v][1]/b[1]:.2f}x, p99 {med[v][2]/b[2]:.2f}x, RSS {med[v][3]/b[3]:.2f}x (+{med[v][3]-b[3]:.0f} MB)" for v in variants if v != "bare"))
print(f"Paved vs the agent: start {med['paved'][0]/med['agent'][0]:.2f}x, throughput {med['paved'][1]/med['agent'][1]:.2f}x, p99 {med['paved'][2]/med['agent'][2]:.2f}x")
EOF
kill -TERM "$(jobs -p)" 2>/dev/null || true
