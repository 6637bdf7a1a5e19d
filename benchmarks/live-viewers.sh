#!/usr/bin/env bash
# Live viewers: LL-HLS clients against one origin (`streamkit serve` in its own JVM, RTMP ingest on,
# --no-rate-limits) fed by the bundled ffmpeg publishing a generated 720p30 file over RTMP (-re -stream_loop -1
# -c copy). Each client holds one keep-alive connection and does what hls.js does in low-latency mode on one
# rendition: a blocking playlist reload for the part the preload hint names, then that part, and again.
#
#   benchmarks/live-viewers.sh                               # 1000 clients, 60 s, second-highest rendition
#   VIEWERS=200 RUN_SECONDS=20 RENDITION=bottom benchmarks/live-viewers.sh
#
# RENDITION: second (default: kept when the encoder falls behind, unlike the top one), top, bottom or a name (360p). ORIGIN_JVM: the origin's JVM options (-Xms256m -Xmx512m).
# The load generator, the origin and the publisher share this machine's cores; the report gives each one's CPU.
# Prints a Markdown report on stdout (progress on stderr); exits non-zero on any error.
set -euo pipefail
cd "$(dirname "$0")/.."

VIEWERS=${VIEWERS:-1000}
RUN_SECONDS=${RUN_SECONDS:-60}
RENDITION=${RENDITION:-second}
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx1g}
ORIGIN_JVM=${ORIGIN_JVM:--Xms256m -Xmx512m}
JAR=benchmarks/target/benchmarks.jar

ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge $((VIEWERS * 2 + 1000)) ] || { echo "live-viewers: open-file limit $(ulimit -n) is too low for $VIEWERS connections; raise ulimit -n" >&2; exit 1; }
if [ ! -f "$JAR" ]; then
  echo "live-viewers: building $JAR" >&2
  mvn -B -q -DskipTests package -pl benchmarks -am
fi
# shellcheck disable=SC2086
exec java $JAVA_OPTS "-Dstreamkit.origin.jvm=$ORIGIN_JVM" -cp "$JAR" \
  io.streamkit.benchmarks.live.LiveViewersBenchmark "$VIEWERS" "$RUN_SECONDS" "$RENDITION"
