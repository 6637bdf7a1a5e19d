#!/usr/bin/env bash
# Viewer load: simulated viewers send progress heartbeats (every 2 s) and player event batches (every 10 s) to the
# origin's viewer API backed by PostgreSQL; afterwards every viewer's stored final position is checked against the
# last heartbeat the origin acknowledged. Exits non-zero on any error or lost position.
#
#   benchmarks/viewer-load.sh                      # 500 viewers, 60 s, at most 64 connections
#   VIEWERS=100 RUN_SECONDS=20 benchmarks/viewer-load.sh
#
# PostgreSQL at STREAMKIT_BENCH_PG_URL (default jdbc:postgresql://127.0.0.1:5432/test?user=postgres); the harness
# works in a fresh schema and drops it afterwards. Prints a Markdown report on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

VIEWERS=${VIEWERS:-500}
RUN_SECONDS=${RUN_SECONDS:-60}
CONNECTIONS=${CONNECTIONS:-64}
PG_URL=${STREAMKIT_BENCH_PG_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx512m}
JAR=benchmarks/target/benchmarks.jar

if [ ! -f "$JAR" ]; then
  echo "viewer-load: building $JAR" >&2
  mvn -B -q -DskipTests package -pl benchmarks -am
fi
# shellcheck disable=SC2086
exec java $JAVA_OPTS -cp "$JAR" \
  io.streamkit.benchmarks.server.ViewerLoadBenchmark "$VIEWERS" "$RUN_SECONDS" "$CONNECTIONS" "$PG_URL"
