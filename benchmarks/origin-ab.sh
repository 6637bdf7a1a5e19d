#!/usr/bin/env bash
# Origin A/B: two builds of `streamkit serve` side by side on the same object, loaded in turn with wrk on loopback,
# reporting requests/s and the origin's CPU per request (utime + stime of its java process from /proc). For a change
# on the request path, where the CPU per request is the figure that moves and requests/s on a shared 2-core machine
# moves with everything else; the two servers take turns, so a slow minute hits both.
#
#   JAR_A=before.jar JAR_B=after.jar benchmarks/origin-ab.sh                  # 16 KiB object, 64 connections
#   OBJECT=16k CONNECTIONS=1000 ROUNDS=6 JAR_A=... JAR_B=... benchmarks/origin-ab.sh
#   JAVA_OPTS_B="-XX:+UseParallelGC" JAR_A=x.jar JAR_B=x.jar benchmarks/origin-ab.sh   # a JVM option instead
#   JAVA_B=/path/to/jdk-25/bin/java JAR_A=x.jar JAR_B=x.jar benchmarks/origin-ab.sh    # another JVM
#   SERVE_ARGS_B="--io-threads 1" JAR_A=x.jar JAR_B=x.jar benchmarks/origin-ab.sh      # another serve option
#
# OBJECT is <n>k or <n>m (random bytes, served as a segment of the title, token checked) or `playlist`.
# Needs: wrk, Java 17, curl.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR_A=${JAR_A:?set JAR_A and JAR_B to the two streamkit.jar builds}
JAR_B=${JAR_B:?set JAR_A and JAR_B to the two streamkit.jar builds}
JAR=$JAR_A
OBJECT=${OBJECT:-16k}
CONNECTIONS=${CONNECTIONS:-64}
ROUNDS=${ROUNDS:-6}
DURATION=${DURATION:-8}
WARMUP=${WARMUP:-20}
JAVA_OPTS_A=${JAVA_OPTS_A:--Xms256m -Xmx512m}
JAVA_OPTS_B=${JAVA_OPTS_B:--Xms256m -Xmx512m}
JAVA_A=${JAVA_A:-java}
JAVA_B=${JAVA_B:-java}
SERVE_ARGS_A=${SERVE_ARGS_A:-}
SERVE_ARGS_B=${SERVE_ARGS_B:-}
SECRET=benchmark-secret-0123456789abcdef0123456789

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
for tool in wrk java curl; do
  command -v "$tool" >/dev/null || { echo "origin-ab: '$tool' is not installed (apt-get install wrk curl)" >&2; exit 1; }
done
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
WORK=$(mktemp -d /tmp/streamkit-origin-ab.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

. benchmarks/bench-title.sh
encode_bench_title "$WORK/made/titles/bench"
path=/titles/bench/v0/index.m3u8
if [ "$OBJECT" != playlist ]; then
  kib=${OBJECT%k}; [ "$OBJECT" != "${OBJECT%m}" ] && kib=$(( ${OBJECT%m} * 1024 ))
  [[ "$kib" =~ ^[0-9]+$ ]] || { echo "origin-ab: OBJECT '$OBJECT' is not <n>k, <n>m or playlist" >&2; exit 1; }
  mkdir -p "$WORK/made/titles/bench/sizes"
  head -c $(( kib * 1024 )) /dev/urandom > "$WORK/made/titles/bench/sizes/object.m4s"
  path=/titles/bench/sizes/object.m4s
fi
# Each server its own data directory and database, both copied the same way: how a file was written changes what
# sendfile from the page cache costs (the size of the kernel's page-cache folios, about that of the writes: README.md,
# "Segments written in large writes"). Serving the original to A and a copy to B gave the same build 17 % less CPU per
# request as B (256 KiB, 1,000 connections). Each server's object is then written in 1 MiB writes, as StreamKit writes
# its segments and as the matrix of origin-vs-nginx.sh writes its objects.
cp -r "$WORK/made" "$WORK/a"
cp -r "$WORK/made" "$WORK/b"
if [ "$OBJECT" != playlist ]; then
  for side in a b; do
    dd if="$WORK/made/titles/bench/sizes/object.m4s" of="$WORK/$side/titles/bench/sizes/object.m4s" bs=1M status=none
  done
fi

start() { # name jar port opts java serve-args
  # shellcheck disable=SC2086
  "$5" $4 -jar "$2" serve --host 127.0.0.1 --port "$3" --data "$WORK/$1" --signing-key "$SECRET" $6 \
    >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
}
start a "$JAR_A" 18091 "$JAVA_OPTS_A" "$JAVA_A" "$SERVE_ARGS_A"; PID_A=${PIDS[0]}
start b "$JAR_B" 18092 "$JAVA_OPTS_B" "$JAVA_B" "$SERVE_ARGS_B"; PID_B=${PIDS[1]}
TOKEN_URL=$(java -jar "$JAR_A" token --signing-key "$SECRET" --title bench --ttl 7200 --base-url http://127.0.0.1:18091 | tail -n 1)
TOKEN=${TOKEN_URL##*token=}
for port in 18091 18092; do
  for _ in $(seq 1 150); do curl -fsS -o /dev/null "http://127.0.0.1:$port$path?token=$TOKEN" 2>/dev/null && break; sleep 0.2; done
  # Twice: the first run's connections closing and the next one's opening deoptimise the request path once more.
  log "warm-up on port $port: ${WARMUP}s, then 5s"
  wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$port$path?token=$TOKEN" >/dev/null
  wrk -t2 -c"$CONNECTIONS" -d5s "http://127.0.0.1:$port$path?token=$TOKEN" >/dev/null
done

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
CLK_TCK=$(getconf CLK_TCK)
echo "| round | A requests/s | A µs CPU per request | B requests/s | B µs CPU per request |"
echo "|---|---:|---:|---:|---:|"
: > "$WORK/rounds"
for round in $(seq 1 "$ROUNDS"); do
  row="| $round"
  for side in a b; do
    pid=$PID_A; port=18091
    [ "$side" = b ] && { pid=$PID_B; port=18092; }
    url="http://127.0.0.1:$port$path?token=$TOKEN"
    wrk -t2 -c"$CONNECTIONS" -d2s "$url" >/dev/null
    t0=$(ticks "$pid")
    rps=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "$url" | awk '/^Requests\/sec:/ { print $2 }')
    t1=$(ticks "$pid")
    us=$(awk -v c=$(( t1 - t0 )) -v t="$CLK_TCK" -v r="$rps" -v d="$DURATION" 'BEGIN { printf "%.2f", c / t * 1e6 / (r * d) }')
    echo "$side $rps $us" >> "$WORK/rounds"
    row+=" | ${rps%.*} | $us"
  done
  echo "$row |"
done
awk '{ n[$1]++; r[$1] += $2; u[$1] += $3 }
  END { printf "| mean | %.0f | %.2f | %.0f | %.2f |\n", r["a"] / n["a"], u["a"] / n["a"], r["b"] / n["b"], u["b"] / n["b"] }' \
  "$WORK/rounds"
echo
echo "Object $OBJECT, $CONNECTIONS connections, ${DURATION}s per round, wrk -t2, loopback; A: $JAR_A ($JAVA_A $JAVA_OPTS_A, serve $SERVE_ARGS_A), B: $JAR_B ($JAVA_B $JAVA_OPTS_B, serve $SERVE_ARGS_B)."
