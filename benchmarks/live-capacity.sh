#!/usr/bin/env bash
# Live transcoder capacity: how much live encoding this machine keeps in real time with the live defaults (ladder
# apple, x264 ultrafast, 2 s segments of 0.5 s parts), into a sink that drops the chunks.
#
#   benchmarks/live-capacity.sh                          # 60 s inputs, up to 4 concurrent 720p30 streams
#   RUN_SECONDS=20 MAX_STREAMS=3 benchmarks/live-capacity.sh   # quick look
#
# Makes a 1080p30 (6 Mbit/s) and a 720p30 (3 Mbit/s) FLV with the bundled ffmpeg (testsrc2 + noise, GOP 2 s, AAC),
# then: the 1080p30 input as fast as possible; at real-time pace (encoder speed, CPU per media second, drops); the
# same at real-time pace for 1080p30 and 720p30 HLG inputs (HEVC 10-bit, converted to BT.709 SDR); and
# N = 1, 2, ... concurrent 720p30 inputs at real-time pace until one falls behind or drops anything.
# Prints a Markdown report on stdout, progress on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_SECONDS=${RUN_SECONDS:-60}
MAX_STREAMS=${MAX_STREAMS:-4}
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx1g}
JAR=benchmarks/target/benchmarks.jar

if [ ! -f "$JAR" ]; then
  echo "live-capacity: building $JAR" >&2
  mvn -B -q -DskipTests package -pl benchmarks -am
fi
# shellcheck disable=SC2086
exec java $JAVA_OPTS -cp "$JAR" io.streamkit.benchmarks.live.LiveCapacityBenchmark "$RUN_SECONDS" "$MAX_STREAMS"
