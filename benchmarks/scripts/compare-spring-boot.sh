#!/usr/bin/env bash
# A Spring Boot service with Paved underneath vs the same service with Spring Boot's own
# observability wiring (issue #20), in one run, interleaved rounds:
#   paved — benchmarks/spring-boot-app built with -Ppaved: platform-spring-boot (Paved's SDK,
#           registry, servlet filter and traced RestClient; JSON logs);
#   boot  — the same source built with -Pboot: spring-boot-starter-opentelemetry (Micrometer
#           Observation + Tracing with the OpenTelemetry bridge, OTLP exporter), Actuator and the
#           Prometheus registry; Spring Boot's console log pattern with trace ids.
# Both: GET /api/orders/{id} logs one line, calls the inventory (dev.paved.benchmarks.BareService
# on loopback) through Spring Boot's RestClient.Builder and answers JSON; every trace sampled
# (Paved's default; management.tracing.sampling.probability=1.0 for Boot) and exported over
# OTLP/HTTP to one loopback sink (dev.paved.benchmarks.OtlpSink); metrics kept for a Prometheus
# scrape; logs to a file. Load: wrk (Debian's) on the same machine. Printed: start to first
# answer (the JVM's launch to the first 200 of the measured route), requests/s, p99, and
# the bytes allocated per request by the whole process (its live threads, read over JMX before and
# after the measured load: dev.paved.benchmarks.AllocatedBytes) — medians, and Paved's as a ratio.
#
# With STACK=webflux, the same on Spring WebFlux: benchmarks/spring-webflux-app (Reactor Netty,
# the inventory called through Spring Boot's WebClient.Builder; Paved's HttpHandler decorator and
# WebClient filter vs Boot's WebFlux and WebClient observations, Reactor's automatic context
# propagation on for both so that both log lines carry the trace).
#
# Needs: ./mvnw -q install -DskipTests   (Paved's artifacts and benchmarks/target/benchmarks.jar)
# wrk (apt-get install wrk), curl, python3. Builds the two application jars itself.
#
#   [STACK=webflux] bash benchmarks/scripts/compare-spring-boot.sh [rounds] [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"
seconds="${2:-10}"
connections="${3:-16}"
bench=benchmarks/target/benchmarks.jar
case "${STACK:-mvc}" in
  mvc) app=benchmarks/spring-boot-app; stack="Spring MVC" ;;
  webflux) app=benchmarks/spring-webflux-app; stack="Spring WebFlux" ;;
  *) echo "STACK: mvc or webflux" >&2; exit 2 ;;
esac
[ -f "$bench" ] || { echo "$bench is missing: ./mvnw -q install -DskipTests" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
./mvnw -q -f "$app" package -DskipTests -Ppaved
./mvnw -q -f "$app" package -DskipTests -Pboot
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
# shellcheck source=common.sh
. benchmarks/scripts/common.sh

start_sink "$bench" "$work"
printf '{"stock":7}' >"$work/stock.json"
inventory="$(free_port)"
java -cp "$bench" dev.paved.benchmarks.BareService "$inventory" "$work/stock.json" >"$work/inventory.log" 2>&1 &
for _ in $(seq 1 300); do grep -q "listening on port" "$work/inventory.log" && break; sleep 0.05; done

# start <variant> <port> <jmx port>: launches it in the background; sets pid.
start() {
  local variant="$1" port="$2" jmx="$3"
  local common=(-Xmx512m -Dcom.sun.management.jmxremote.port="$jmx" -Dcom.sun.management.jmxremote.rmi.port="$jmx"
    -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false
    -Djava.rmi.server.hostname=127.0.0.1 -jar "$app/target/spring-app-$variant.jar"
    --server.port="$port" --spring.application.name=orders-bench --inventory.url="http://127.0.0.1:$inventory")
  case "$variant" in
    paved)
      java "${common[@]}" --platform.admin.port="$(free_port)" --platform.shutdown.drain=0ms \
        --platform.observability.otlp.endpoint="http://127.0.0.1:$sink" >"$work/$variant.log" 2>&1 &
      ;;
    boot)
      java "${common[@]}" --management.tracing.sampling.probability=1.0 --spring.reactor.context-propagation=auto \
        --management.opentelemetry.tracing.export.otlp.endpoint="http://127.0.0.1:$sink/v1/traces" \
        --management.endpoints.web.exposure.include=prometheus >"$work/$variant.log" 2>&1 &
      ;;
  esac
  pid=$!
}

# Until the route answers 200; prints the milliseconds since t0.
first_answer() {
  local port="$1" t0="$2"
  for _ in $(seq 1 6000); do
    if curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/orders/42" 2>/dev/null | grep -q 200; then
      echo $(( ($(date +%s%N) - t0) / 1000000 ))
      return
    fi
    sleep 0.01
  done
  echo "never answered" >&2; return 1
}

echo "$stack; measured route: GET /api/orders/{id} with one downstream call; $rounds rounds of ${seconds}s, $connections connections"
echo "variant round start_ms rps p99_ms bytes_per_request" >"$work/results"
for round in $(seq 1 "$rounds"); do
  for variant in paved boot; do
    port="$(free_port)"; jmx="$(free_port)"
    t0="$(date +%s%N)"
    start "$variant" "$port" "$jmx"
    ms="$(first_answer "$port" "$t0")"
    wrk -t 2 -c "$connections" -d 5s "http://127.0.0.1:$port/api/orders/42" >/dev/null   # warm-up
    before="$(java -cp "$bench" dev.paved.benchmarks.AllocatedBytes "$jmx")"
    out="$(wrk -t 2 -c "$connections" -d "${seconds}s" --latency "http://127.0.0.1:$port/api/orders/42")"
    after="$(java -cp "$bench" dev.paved.benchmarks.AllocatedBytes "$jmx")"
    requests="$(echo "$out" | awk '/requests in/ {print $1}')"
    rps="$(wrk_rps "$out")"
    p99="$(wrk_p99 "$out")"
    bpr=$(( (after - before) / requests ))
    non2xx="$(echo "$out" | awk '/Non-2xx/ {print $NF}')"
    [ -z "$non2xx" ] || { echo "$variant answered $non2xx non-2xx responses: see $work/$variant.log" >&2; exit 1; }
    echo "$variant $round $ms $rps $p99 $bpr" >>"$work/results"
    echo "round $round $variant: start ${ms} ms, ${rps} req/s, p99 ${p99} ms, ${bpr} B/request"
    kill -TERM "$pid"; wait "$pid" || true
  done
done

python3 - "$work/results" "$stack" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]).read().splitlines()[1:]]
med = {v: [statistics.median(float(x[i]) for x in rows if x[0] == v) for i in (2, 3, 4, 5)] for v in ("paved", "boot")}
names = {"paved": "Spring Boot app on Paved (platform-spring-boot)", "boot": "same app, Spring Boot's own OpenTelemetry wiring"}
print(); print(sys.argv[2])
print()
print("| | start to first answer | requests/s | p99 | allocated per request |")
print("|---|---|---|---|---|")
for v in ("paved", "boot"):
    start, rps, p99, bpr = med[v]
    print(f"| {names[v]} | {start/1000:.2f} s | {rps:,.0f} | {p99:.2f} ms | {bpr/1024:,.1f} KB |")
p, b = med["paved"], med["boot"]
print()
print(f"Paved vs Boot's own wiring (medians): start {p[0]/b[0]:.2f}x, throughput {p[1]/b[1]:.2f}x, p99 {p[2]/b[2]:.2f}x, allocation per request {p[3]/b[3]:.2f}x")
PY
