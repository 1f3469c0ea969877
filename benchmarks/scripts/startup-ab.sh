#!/usr/bin/env bash
# Issue #22: start to first answer of two builds of the example, in interleaved rounds — each
# plain and each from its own class-data sharing archive (the one its build wrote, paved:cds),
# started in its directory as docs/build.md says. For a change's before and after: copy the jar
# and its archive of the earlier build aside with `cp -p` (the JVM checks the jar's time stamp).
#   bash benchmarks/scripts/startup-ab.sh /tmp/before examples/http-api/target 7
set -u
cd "$(dirname "$0")/../.."
# shellcheck source=common.sh
. benchmarks/scripts/common.sh
A="$(cd "$1" && pwd)"; B="$(cd "$2" && pwd)"; ROUNDS=${3:-5}
export SHUTDOWN_DRAIN=0s PLATFORM_SHUTDOWN_DRAIN=0s HTTP_PORT=18080 PLATFORM_ADMIN_PORT=18081
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for r in $(seq 1 "$ROUNDS"); do
  a=$(cd "$A" && t200 "$log" java -jar http-api.jar)
  b=$(cd "$B" && t200 "$log" java -jar http-api.jar)
  c=$(cd "$A" && t200 "$log" java -XX:SharedArchiveFile=http-api.jsa -jar http-api.jar)
  d=$(cd "$B" && t200 "$log" java -XX:SharedArchiveFile=http-api.jsa -jar http-api.jar)
  echo "round $r: $1 $a | $2 $b | $1 from its archive $c | $2 from its archive $d (ms)"
done
