# Shared by the whole-service comparisons (compare-services.sh, compare-spring-boot.sh) and the
# start-up ones (startup-cds.sh, startup-ab.sh): sourced.

# A free TCP port on loopback.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# start_sink <benchmarks.jar> <work dir>: the loopback OTLP sink in the background; sets sink (its port).
start_sink() {
  java -cp "$1" dev.paved.benchmarks.OtlpSink >"$2/sink.log" 2>&1 &
  for _ in $(seq 1 300); do grep -q "sink on port" "$2/sink.log" && break; sleep 0.05; done
  sink="$(grep -o 'sink on port [0-9]*' "$2/sink.log" | grep -o '[0-9]*$')"
}

# wrk_requests <wrk output>: the requests it completed.
wrk_requests() { echo "$1" | awk '/requests in/ {print $1}'; }

# sink_spans: the spans the sink has received so far.
sink_spans() { curl -sf "http://127.0.0.1:$sink/spans" || true; }

# wrk_rps <wrk output>: requests per second.
wrk_rps() { echo "$1" | awk '/Requests\/sec/ {print $2}'; }

# wrk_p99 <wrk --latency output>: the 99th percentile in milliseconds.
wrk_p99() {
  echo "$1" | awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub("us","",v); v=v/1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v=v*1000}; print v}'
}

# t200 <log file> <command...>: runs the command in the background until GET
# http://127.0.0.1:18080/api/orders answers 200 (polled every 10 ms), then stops it with SIGTERM;
# prints the milliseconds from launch to that answer.
t200() {
  local log="$1"; shift
  local start; start=$(date +%s%N)
  "$@" >"$log" 2>&1 &
  local pid=$! n=0
  until curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:18080/api/orders" 2>/dev/null | grep -q 200; do
    sleep 0.01; n=$((n+1)); if [ $n -gt 3000 ]; then echo "timeout"; kill -9 $pid; return; fi
  done
  local end; end=$(date +%s%N)
  kill -TERM $pid; wait $pid 2>/dev/null
  echo $(( (end - start) / 1000000 ))
}
