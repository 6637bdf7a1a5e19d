#!/usr/bin/env bash
# What an idle `streamkit serve` costs: CPU time per thread while no request and no upload arrives.
#
#   benchmarks/idle-serve.sh                                   # the jar built here, 60 s after a 45 s settle
#   JARS="target/before.jar streamkit-server/target/streamkit.jar" benchmarks/idle-serve.sh   # two builds, each alone
#   SECONDS_MEASURED=120 SERVE_ARGS="--workers 2" benchmarks/idle-serve.sh
#
# Each jar serves an empty data directory on H2 with its default ingest workers; after SETTLE seconds (start-up,
# first compilations) the utime + stime of every thread is read from /proc at the start and the end of
# SECONDS_MEASURED. The jars run one after another, each alone. Prints a Markdown table on stdout: milliseconds of CPU
# per minute by thread (threads of one pool summed, numbered names such as streamkit-ingest-0 folded), and the total
# as a share of one core. Needs: Java 17, a built streamkit.jar.
set -euo pipefail
cd "$(dirname "$0")/.."

JARS=${JARS:-streamkit-server/target/streamkit.jar}
SETTLE=${SETTLE:-45}
SECONDS_MEASURED=${SECONDS_MEASURED:-60}
SERVE_ARGS=${SERVE_ARGS:-}
PORT=${PORT:-18131}
SECRET=idle-benchmark-secret-0123456789abcdef0123

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
for jar in $JARS; do
  [ -f "$jar" ] || { echo "idle-serve: no $jar; build it with mvn -B -q -DskipTests package -pl streamkit-server -am" >&2; exit 1; }
done
TICK_MS=$((1000 / $(getconf CLK_TCK)))
WORK=$(mktemp -d /tmp/streamkit-idle-bench.XXXXXX)
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Thread name (pool numbers folded) and its CPU ticks so far, one line per thread.
threads() {
  for task in /proc/"$1"/task/*; do
    name=$(tr ' ' '_' < "$task/comm" | sed -E 's/-?[0-9]+$//')
    # Fields 14 and 15 of stat are utime and stime; the name in field 2 may hold spaces, so count from the end.
    ticks=$(sed -E 's/^.*\) //' "$task/stat" | awk '{print $12 + $13}')
    echo "$name $ticks"
  done | awk '{t[$1] += $2} END {for (n in t) print n, t[n]}' | sort
}

RESULTS=()
run=0
for jar in $JARS; do
  run=$((run + 1))
  data=$WORK/data-$run
  mkdir -p "$data/titles"
  # shellcheck disable=SC2086
  java -jar "$jar" serve --host 127.0.0.1 --port "$PORT" --data "$data" --signing-key "$SECRET" $SERVE_ARGS \
    >"$WORK/serve.log" 2>&1 &
  PID=$!
  log "$jar: settling for ${SETTLE}s"
  sleep "$SETTLE"
  kill -0 "$PID" 2>/dev/null || { echo "idle-serve: $jar stopped:" >&2; cat "$WORK/serve.log" >&2; exit 1; }
  threads "$PID" > "$WORK/before"
  log "$jar: measuring for ${SECONDS_MEASURED}s"
  sleep "$SECONDS_MEASURED"
  threads "$PID" > "$WORK/after"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  # Threads that started during the measurement count from zero.
  join -a 2 -e 0 -o 0,1.2,2.2 "$WORK/before" "$WORK/after" \
    | awk -v ms="$TICK_MS" -v s="$SECONDS_MEASURED" '{d = ($3 - $2) * ms * 60 / s; if (d > 0) print $1, d}' \
    > "$WORK/run-$run.per-thread"
  RESULTS+=("$WORK/run-$run.per-thread")
done

echo "Run: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1); each jar alone, \`serve $SERVE_ARGS\`"
echo "on an empty H2 data directory, ${SETTLE}s to settle, then ${SECONDS_MEASURED}s measured (CPU ticks of ${TICK_MS} ms)."
echo
header="| thread |"; rule="|---|"
for jar in $JARS; do header="$header \`$jar\`: CPU ms per minute |"; rule="$rule---|"; done
echo "$header"; echo "$rule"
cat "${RESULTS[@]}" | awk '{print $1}' | sort -u | while read -r name; do
  row="| $name |"
  for r in "${RESULTS[@]}"; do row="$row $(awk -v n="$name" '$1 == n {v = $2} END {printf "%.0f", v}' "$r") |"; done
  echo "$row"
done
row="| **total, share of one core** |"
for r in "${RESULTS[@]}"; do row="$row $(awk '{t += $2} END {printf "%.0f (%.2f %%)", t, t / 600}' "$r") |"; done
echo "$row"
