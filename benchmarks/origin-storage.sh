#!/usr/bin/env bash
# Storage origin vs local origin: the same HLS title served side by side by two `streamkit serve` processes, one from
# its data directory, one from S3 (s3proxy on loopback) through its disk cache, each loaded in turn with wrk; then the
# cold path: the first byte of 2 MB segments the cache has never seen, against the same objects read straight from
# s3proxy.
#
#   benchmarks/origin-storage.sh                          # 15 s per point
#   DURATION=5s JVM_WARMUP=10s COLD_TITLES=2 benchmarks/origin-storage.sh   # quick look
#
# Every point reports, beside the wall time (DURATION), the CPU seconds the serving process used during it
# (utime + stime from /proc/PID/stat), and for the storage origin the fetches from S3 it made during the point (0:
# the cache answered everything) and the CPU s3proxy used. Prints a Markdown report on stdout (progress on stderr).
# Needs: wrk, curl, Java 17, a built streamkit.jar and streamkit-examples classes, s3proxy's jar (copied by Maven).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-5s}
JVM_WARMUP=${JVM_WARMUP:-30s}
THREADS=${THREADS:-2}
COLD_TITLES=${COLD_TITLES:-5}
LOCAL_PORT=${LOCAL_PORT:-18082}
STORAGE_PORT=${STORAGE_PORT:-18083}
S3_PORT=${S3_PORT:-18084}
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx512m}
JAR=streamkit-server/target/streamkit.jar
EXAMPLES=streamkit-examples/target/classes
S3PROXY=streamkit-storage-s3/target/s3proxy/s3proxy.jar
SECRET=benchmark-secret-0123456789abcdef0123456789
CLK_TCK=$(getconf CLK_TCK)

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
for tool in wrk curl java; do
  command -v "$tool" >/dev/null || { echo "origin-storage: '$tool' is not installed (apt-get install wrk curl)" >&2; exit 1; }
done
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ ! -f "$JAR" ] || [ ! -d "$EXAMPLES" ]; then
  log "building $JAR and the examples"
  mvn -B -q -DskipTests package -pl streamkit-server,streamkit-examples -am
fi
if [ ! -f "$S3PROXY" ]; then
  log "copying s3proxy's jar"
  mvn -B -q -pl streamkit-storage-s3 dependency:copy@s3proxy-for-tests
fi

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
WORK=$(mktemp -d /tmp/streamkit-storage-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- the title: 720p, 4 s segments at a constant 4 Mbit/s (about 2 MB each), fMP4 (benchmarks/bench-title.sh) ---
DATA=$WORK/data
TITLE=$DATA/titles/bench
. benchmarks/bench-title.sh
encode_bench_title "$TITLE"
SEGMENT=v0/seg_00001.m4s
SEGMENT_BYTES=$(stat -c %s "$TITLE/$SEGMENT")
SEGMENTS=$(ls "$TITLE"/v0/seg_*.m4s | wc -l)
log "segment $SEGMENT_BYTES bytes, $SEGMENTS segments"

# --- s3proxy on loopback, file-system backend; requests unauthenticated so curl can read objects directly --------
mkdir -p "$WORK/s3/data/bench"
cat > "$WORK/s3/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=none
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$WORK/s3/data
EOF
java -Xmx256m -jar "$S3PROXY" --properties "$WORK/s3/s3proxy.conf" >"$WORK/s3/s3proxy.log" 2>&1 &
S3_PID=$!; PIDS+=("$S3_PID")
for _ in $(seq 1 300); do curl -fs -o /dev/null "http://127.0.0.1:$S3_PORT/bench" 2>/dev/null && break; sleep 0.2; done

S3_ENV=(AWS_ACCESS_KEY_ID=benchmark AWS_SECRET_ACCESS_KEY=benchmark STREAMKIT_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
  STREAMKIT_S3_REGION=us-east-1 STREAMKIT_S3_PATH_STYLE=true)
publish() { # id directory
  env "${S3_ENV[@]}" java -cp "$JAR:$EXAMPLES" io.streamkit.examples.PublishToStorageExample s3://bench "$1" "$2" >&2
}
log "publishing the title into s3://bench"
publish bench "$TITLE"

# --- the two origins, side by side ---------------------------------------------------------------------------------
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$JAR" serve --host 127.0.0.1 --port "$LOCAL_PORT" --data "$DATA" --signing-key "$SECRET" \
  >"$WORK/local.log" 2>&1 &
LOCAL_PID=$!; PIDS+=("$LOCAL_PID")
mkdir -p "$WORK/storage-data"
# shellcheck disable=SC2086
env "${S3_ENV[@]}" java $JAVA_OPTS -jar "$JAR" serve --host 127.0.0.1 --port "$STORAGE_PORT" \
  --data "$WORK/storage-data" --signing-key "$SECRET" --storage s3://bench --cache-dir "$WORK/cache" \
  >"$WORK/storage.log" 2>&1 &
STORAGE_PID=$!; PIDS+=("$STORAGE_PID")
TOKEN_URL=$(java -jar "$JAR" token --signing-key "$SECRET" --title bench --ttl 7200 --base-url http://x | tail -n 1)
TOKEN=${TOKEN_URL##*token=}
for port in "$LOCAL_PORT" "$STORAGE_PORT"; do
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/titles/bench/$SEGMENT?token=$TOKEN" 2>/dev/null && break
    sleep 0.2
  done
done
for port in "$LOCAL_PORT" "$STORAGE_PORT"; do
  cmp -s <(curl -fsS "http://127.0.0.1:$port/titles/bench/$SEGMENT?token=$TOKEN") "$TITLE/$SEGMENT" \
    || { echo "origin-storage: port $port does not serve the segment's bytes:" >&2; cat "$WORK"/*.log >&2; exit 1; }
done

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
fetches() { curl -s "http://127.0.0.1:$STORAGE_PORT/metrics" \
  | awk '/^streamkit_origin_storage_fetches_total/ { s += $2 } END { print s + 0 }'; }
summarise() { # wrk output → "req/s MB/s p50 p99 errors"
  awk '
    /^ +50%/ { p50=$2 } /^ +99%/ { p99=$2 }
    /^Requests\/sec:/ { rps=$2 }
    /^Transfer\/sec:/ { t=$2; if (t ~ /GB$/) mb=t*1024; else if (t ~ /MB$/) mb=t+0; else if (t ~ /KB$/) mb=t/1024; else mb=t/1048576 }
    /Socket errors:/ { gsub(/,/, ""); err+=$4+$6+$8+$10 }
    /Non-2xx or 3xx responses:/ { err+=$5 }
    END { printf "%.0f %.1f %s %s %d\n", rps, mb, p50, p99, err }'
}

for port in "$LOCAL_PORT" "$STORAGE_PORT"; do
  log "warm-up on port $port: the segment, 64 connections, $JVM_WARMUP"
  wrk -t"$THREADS" -c64 -d"$JVM_WARMUP" "http://127.0.0.1:$port/titles/bench/$SEGMENT?token=$TOKEN" >/dev/null
done

ROWS=()
for conns in 64 1000; do
  for server in local storage; do
    port=$LOCAL_PORT; pid=$LOCAL_PID
    [ "$server" = storage ] && { port=$STORAGE_PORT; pid=$STORAGE_PID; }
    url="http://127.0.0.1:$port/titles/bench/$SEGMENT?token=$TOKEN"
    log "warm-up $server c=$conns"
    wrk -t"$THREADS" -c"$conns" -d"$WARMUP" "$url" >/dev/null
    log "measure $server c=$conns for $DURATION"
    cpu0=$(cpu_ticks "$pid"); s3cpu0=$(cpu_ticks "$S3_PID"); f0=$(fetches)
    read -r rps mb p50 p99 err < <(wrk -t"$THREADS" -c"$conns" -d"$DURATION" --latency --timeout 10s "$url" 2>&1 | summarise)
    cpu=$(awk -v a="$cpu0" -v b="$(cpu_ticks "$pid")" -v t="$CLK_TCK" 'BEGIN { printf "%.1f", (b - a) / t }')
    s3cpu=$(awk -v a="$s3cpu0" -v b="$(cpu_ticks "$S3_PID")" -v t="$CLK_TCK" 'BEGIN { printf "%.2f", (b - a) / t }')
    fetched=$(( $(fetches) - f0 ))
    per_gb=$(awk -v c="$cpu" -v mb="$mb" -v d="${DURATION%s}" 'BEGIN { printf "%.2f", (mb > 0 ? c / (mb * d / 1024) : 0) }')
    extra="—"; [ "$server" = storage ] && extra="$fetched fetches, s3proxy ${s3cpu} CPU s"
    ROWS+=("| $conns | $server | $rps | $mb | $p50 | $p99 | $err | ${DURATION} | $cpu | $per_gb | $extra |")
    eval "MB_${conns}_${server}=$mb"
  done
done

# --- cold path: first byte of segments the cache has never seen ------------------------------------------------------
VERSION=$(curl -fsS "http://127.0.0.1:$S3_PORT/bench/titles/bench/current-version" | tr -d '\n')
for i in $(seq 1 "$COLD_TITLES"); do publish "cold$i" "$TITLE"; done
COLD=(); DIRECT=(); DIRECT_WHOLE=()
for i in $(seq 1 "$COLD_TITLES"); do
  token_url=$(java -jar "$JAR" token --signing-key "$SECRET" --title "cold$i" --ttl 600 --base-url http://x | tail -n 1)
  token=${token_url##*token=}
  # The title's pointer and master playlist first, as a player's first request loads them.
  curl -fsS -o /dev/null "http://127.0.0.1:$STORAGE_PORT/titles/cold$i/master.m3u8?token=$token"
  for f in "$TITLE"/v0/seg_*.m4s; do
    name=v0/$(basename "$f")
    COLD+=("$(curl -fsS -o /dev/null -w '%{time_starttransfer}' "http://127.0.0.1:$STORAGE_PORT/titles/cold$i/$name?token=$token")")
  done
done
for f in "$TITLE"/v0/seg_*.m4s; do
  read -r first whole < <(curl -fsS -o /dev/null -w '%{time_starttransfer} %{time_total}\n' \
    "http://127.0.0.1:$S3_PORT/bench/titles/bench/$VERSION/v0/$(basename "$f")")
  DIRECT+=("$first"); DIRECT_WHOLE+=("$whole")
done
stats() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 * 1000 } END { printf "n=%d, median %.1f ms, p90 %.1f ms, max %.1f ms", NR, v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.5)], v[NR] }'; }
WARM=()
for _ in $(seq 1 20); do # the last cold title's segment, cached now; $token is that title's
  WARM+=("$(curl -fsS -o /dev/null -w '%{time_starttransfer}' "http://127.0.0.1:$STORAGE_PORT/titles/cold$COLD_TITLES/$SEGMENT?token=$token")")
done

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
cat <<EOF
Run: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1), wrk -t$THREADS, loopback. Both origins
\`java $JAVA_OPTS -jar streamkit.jar serve\` (epoll), running at the same time, warmed with the segment for $JVM_WARMUP,
then $DURATION per point after a $WARMUP warm-up, one server loaded at a time. Segment: $SEGMENT_BYTES bytes (fMP4, 720p
at 4 Mbit/s), HS256 token checked on every request. Storage origin: \`--storage s3://bench\` on s3proxy
(file-system backend, same machine), default cache (10 GiB), the title fetched once before the warm-up.

| connections | server | requests/s | MB/s | p50 | p99 | errors | wall | server CPU s | CPU s per GB | storage during the point |
|---|---|---|---|---|---|---|---|---|---|---|
$(printf '%s\n' "${ROWS[@]}")

| ratio storage / local | 64 connections | 1000 connections | target |
|---|---|---|---|
| segment throughput (MB/s), warm cache | $(ratio "$MB_64_storage" "$MB_64_local") | $(ratio "$MB_1000_storage" "$MB_1000_local") | ≥ 0.9 |

Cold path, time to first byte of a segment (curl, one request at a time): through the storage origin with the
object not in its cache (pointer and master playlist already loaded; the object is fetched whole into the cache,
then sent): $(stats "${COLD[@]}"). The same objects read directly from s3proxy: first byte $(stats "${DIRECT[@]}");
last byte $(stats "${DIRECT_WHOLE[@]}").
The same segment once cached: $(stats "${WARM[@]}").

Load average (1/5/15 min) at start: $LOAD_START; at end: $LOAD_END (wrk, both origins and s3proxy share the cores;
anything else running on the machine shows here).
EOF
