#!/usr/bin/env bash
# Stage probe: config/connect/collect/evaluate timings through the tool's classes, no CLI, no writers.
# BENCH_AUDIT_CMD=scripts/bench/probe/probe.sh scripts/bench/run.sh 1000
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
JAR="$ROOT/target/kcd-auditor.jar"
OUT=${PROBE_CLASSES:-/tmp/kcd-stage-probe}
mkdir -p "$OUT"
if [ ! -f "$OUT/StageProbe.class" ] || [ "$HERE/StageProbe.java" -nt "$OUT/StageProbe.class" ] || [ "$JAR" -nt "$OUT/StageProbe.class" ]; then
  javac -d "$OUT" -cp "$JAR" "$HERE/StageProbe.java"
fi
[ "${1:-}" = run ] && shift
exec java -Xmx${BENCH_HEAP:-512m} ${PROBE_JAVA_OPTS:-} -cp "$JAR:$OUT" StageProbe "$@"
