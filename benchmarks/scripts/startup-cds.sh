#!/usr/bin/env bash
# Issue #22: start to first answer of the example with and without class-data sharing, beside the
# floor (the bare server), in interleaved rounds: JDK 17 plain and with an application CDS archive
# (-XX:ArchiveClassesAtExit, then -XX:SharedArchiveFile), JDK 25 plain and with an AOT cache
# (JEP 483/514: -XX:AOTCacheOutput, then -XX:AOTCache). Each archive comes from one training run of
# the same jar up to its first answer; the last column uses the archive the example's own build
# wrote (the service parent's paved:cds, a training run up to ready), started in the jar's directory
# as docs/build.md says. Needs the example's jar and benchmarks.jar (see docs/benchmarks.md); JDK
# paths can be set with J17 and J25.
#   bash benchmarks/scripts/startup-cds.sh 3
set -u
cd "$(dirname "$0")/../.."
JAR=examples/http-api/target/http-api.jar
BENCH=benchmarks/target/benchmarks.jar
J17=${J17:-java}
J25=${J25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
ROUNDS=${1:-3}
export SHUTDOWN_DRAIN=0s PLATFORM_SHUTDOWN_DRAIN=0s HTTP_PORT=18080 PLATFORM_ADMIN_PORT=18081
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo '{"orders":[]}' > "$work/body.json"
# shellcheck source=common.sh
. benchmarks/scripts/common.sh
rm -f "$work/http-api.jsa" "$work/http-api.aot"
t200 "$work/run.log" $J17 -XX:ArchiveClassesAtExit="$work/http-api.jsa" -jar $JAR >/dev/null
t200 "$work/run.log" $J25 -XX:AOTCacheOutput="$work/http-api.aot" -jar $JAR >/dev/null
sleep 10; ls -la "$work/http-api.jsa" "$work/http-api.aot"
for r in $(seq 1 $ROUNDS); do
  f=$(t200 "$work/run.log" $J17 -Dsun.net.httpserver.nodelay=true -cp $BENCH dev.paved.benchmarks.BareService 18080 "$work/body.json")
  a=$(t200 "$work/run.log" $J17 -jar $JAR)
  b=$(t200 "$work/run.log" $J17 -XX:SharedArchiveFile="$work/http-api.jsa" -jar $JAR)
  c=$(t200 "$work/run.log" $J25 -jar $JAR)
  d=$(t200 "$work/run.log" $J25 -XX:AOTCache="$work/http-api.aot" -jar $JAR)
  e=$(cd "$(dirname $JAR)" && t200 "$work/run.log" $J17 -XX:SharedArchiveFile=http-api.jsa -jar http-api.jar)
  echo "round $r: floor $f | JDK17 $a | JDK17+AppCDS $b | JDK25 $c | JDK25+AOT cache $d | JDK17+parent's archive $e (ms)"
done
