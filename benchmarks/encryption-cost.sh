#!/usr/bin/env bash
# The cost of encrypted titles (docs/protection.md), side by side with clear ones in the same run:
#
#   1. transcode time: `streamkit transcode` of the same source with and without `--encrypt aes-128
#      --key-rotation-segments 1` (a key per segment, the most keys a title can have), timed alternately, wall and
#      CPU (user + system) seconds, for each of several real sources;
#   2. origin throughput: one segment of the clear title and the same segment of the encrypted one served by
#      `streamkit serve` (token checked on every request, rate limits off so one token can be replayed) under wrk,
#      alternately, and the key URI itself.
#
#   benchmarks/encryption-cost.sh                     # 2 alternations per source, 10 s wrk points
#   RUNS=3 DURATION=15s benchmarks/encryption-cost.sh
#   ENCRYPT=cbcs benchmarks/encryption-cost.sh        # the same with CMAF cbcs sample encryption
#
# Sources: the Debian sample videos (docs in the test-media notes) looped to SECONDS_PER_SOURCE with the bundled
# ffmpeg: movie-hello.mp4 (H.264 1280x720 30 fps, forensics-samples-files), oa4_launch.webm (VP8 640x360 24 fps,
# renpy-demo), display-dual-monitors.webm (VP8 1024x768 15 fps, gnome-user-docs). Prints Markdown on stdout,
# progress on stderr. Needs: Java 17, Maven, wrk, a built streamkit.jar (built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-2}
ENCRYPT=${ENCRYPT:-aes-128}   # or cbcs (CMAF sample encryption)
DURATION=${DURATION:-10s}
SECONDS_PER_SOURCE=${SECONDS_PER_SOURCE:-30}
PORT=${PORT:-18091}
JAR=streamkit-server/target/streamkit.jar
SECRET=benchmark-secret-0123456789abcdef0123456789
SOURCES=(
  /usr/share/forensics-samples/original-files/movie2/movie-hello.mp4
  /usr/share/games/renpy/demo/game/oa4_launch.webm
  /usr/share/help/C/gnome-help/figures/display-dual-monitors.webm
)

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
for tool in wrk java curl; do
  command -v "$tool" >/dev/null || { echo "encryption-cost: '$tool' is not installed (apt-get install wrk curl)" >&2; exit 1; }
done
for s in "${SOURCES[@]}"; do
  [ -f "$s" ] || { echo "encryption-cost: $s is missing; apt-get install forensics-samples-files renpy-demo gnome-user-docs" >&2; exit 1; }
done
if [ ! -f "$JAR" ]; then
  log "building $JAR"
  mvn -B -q -DskipTests package -pl streamkit-server -am
fi

WORK=$(mktemp -d /tmp/streamkit-encryption-bench.XXXXXX)
SERVE_PID=""
cleanup() {
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
FFMPEG=$(java -cp "$JAR" benchmarks/src/main/java/io/streamkit/benchmarks/server/BundledFfmpeg.java)

# Runs a command; prints "wall cpu" in seconds (cpu = user + system of the command and its children, as bash's
# time keyword reports them).
timed() {
  local TIMEFORMAT='%R %U %S' times
  times=$( { time "$@" >/dev/null 2>"$WORK/last.err"; } 2>&1 ) || { cat "$WORK/last.err" >&2; exit 1; }
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' <<<"$times"
}

echo "## Encryption cost, $(date -u +%Y-%m-%d), $(nproc) cores, load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "### Transcode: clear vs \`--encrypt $ENCRYPT --key-rotation-segments 1\` (default ladder, x264 veryfast)"
echo
echo "| source | run | clear wall | clear CPU | encrypted wall | encrypted CPU | wall ratio | CPU ratio |"
echo "|---|---|---|---|---|---|---|---|"
for source in "${SOURCES[@]}"; do
  name=$(basename "$source")
  looped=$WORK/${name%.*}-${SECONDS_PER_SOURCE}s.mkv
  log "looping $name to $SECONDS_PER_SOURCE s"
  "$FFMPEG" -v error -y -stream_loop -1 -i "$source" -t "$SECONDS_PER_SOURCE" -c copy "$looped"
  for run in $(seq 1 "$RUNS"); do
    rm -rf "$WORK/clear" "$WORK/enc" "$WORK/enc.keys"
    log "$name run $run: clear"
    read -r cw cc < <(timed java -jar "$JAR" transcode "$looped" --out "$WORK/clear")
    log "$name run $run: encrypted"
    read -r ew ec < <(timed java -jar "$JAR" transcode "$looped" --out "$WORK/enc" --encrypt "$ENCRYPT" \
      --key-rotation-segments 1 --key-file "$WORK/enc.keys")
    awk -v n="$name" -v r="$run" -v cw="$cw" -v cc="$cc" -v ew="$ew" -v ec="$ec" \
      'BEGIN { printf "| %s | %d | %.2f s | %.2f s | %.2f s | %.2f s | %.3f× | %.3f× |\n", n, r, cw, cc, ew, ec, ew / cw, ec / cc }'
  done
done

# --- origin: the last source's clear and encrypted titles, served side by side --------------------------------
DATA=$WORK/data
mkdir -p "$DATA/titles"
mv "$WORK/clear" "$DATA/titles/clear"
mv "$WORK/enc" "$DATA/titles/enc"
# The key file names the title by its directory as transcoded ("enc"), which is the id it is served under.
# Without rate limits: by default one token may fetch 120 keys a minute, and wrk uses one token for all its requests.
java -Xms256m -Xmx512m -jar "$JAR" serve --host 127.0.0.1 --port "$PORT" --data "$DATA" --signing-key "$SECRET" \
  --key-file "$WORK/enc.keys" --no-rate-limits >"$WORK/serve.out" 2>"$WORK/serve.log" &
SERVE_PID=$!
token() { java -jar "$JAR" token --signing-key "$SECRET" --title "$1" --ttl 7200 --base-url "http://127.0.0.1:$PORT" | tail -n 1 | sed 's/.*token=//'; }
CLEAR_TOKEN=$(token clear)
ENC_TOKEN=$(token enc)
RENDITION=$(sed -n '/^#EXT-X-STREAM-INF/{n;p;q}' "$DATA/titles/clear/master.m3u8" | cut -d/ -f1)
SEGMENT=$RENDITION/$(grep -m1 -v '^#' "$DATA/titles/clear/$RENDITION/index.m3u8")
KEY=$(grep -m1 -o 'keys/[0-9a-f]*' "$DATA/titles/enc/$RENDITION/index.m3u8")
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/titles/clear/$SEGMENT?token=$CLEAR_TOKEN" 2>/dev/null && break
  sleep 0.2
done
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/titles/enc/$KEY")
[ "$code" = 403 ] || { echo "encryption-cost: the key answered $code without a token, expected 403" >&2; exit 1; }
key_bytes=$(curl -fsS "http://127.0.0.1:$PORT/titles/enc/$KEY?token=$ENC_TOKEN" | wc -c)
[ "$key_bytes" = 16 ] || { echo "encryption-cost: the key has $key_bytes bytes, expected 16" >&2; exit 1; }

# wrk output → "req/s MB/s p50 p99 errors"
summarise() {
  awk '
    /^ +50%/ { p50=$2 } /^ +99%/ { p99=$2 }
    /^Requests\/sec:/ { rps=$2 }
    /^Transfer\/sec:/ { t=$2; if (t ~ /GB$/) mb=t*1024; else if (t ~ /MB$/) mb=t+0; else if (t ~ /KB$/) mb=t/1024; else mb=t/1048576 }
    /Non-2xx or 3xx responses:/ { err+=$NF } /Socket errors:/ { err+=1 }
    END { printf "%s %.1f %s %s %d\n", rps, mb, p50, p99, err }'
}
point() { # path
  wrk -t2 -c64 -d"$DURATION" --latency "http://127.0.0.1:$PORT$1" | summarise
}
log "warming up"
wrk -t2 -c64 -d10s "http://127.0.0.1:$PORT/titles/clear/$SEGMENT?token=$CLEAR_TOKEN" >/dev/null
wrk -t2 -c64 -d10s "http://127.0.0.1:$PORT/titles/enc/$SEGMENT?token=$ENC_TOKEN" >/dev/null

echo
echo "### Origin: the same segment ($SEGMENT of $(basename "${SOURCES[-1]}"), clear $(stat -c %s "$DATA/titles/clear/$SEGMENT") B, encrypted $(stat -c %s "$DATA/titles/enc/$SEGMENT") B), wrk -t2 -c64 -d$DURATION, token on every request"
echo
echo "| round | object | req/s | MB/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|---|---|"
segment_point() { # label path
  local r m p50 p99 e
  read -r r m p50 p99 e < <(point "$2")
  echo "| $round | $1 | $r | $m | $p50 | $p99 | $e |"
}
for round in $(seq 1 "$RUNS"); do
  # The order alternates, so neither title always runs on the machine the other one warmed.
  if [ $((round % 2)) = 1 ]; then
    segment_point "clear segment" "/titles/clear/$SEGMENT?token=$CLEAR_TOKEN"
    segment_point "encrypted segment" "/titles/enc/$SEGMENT?token=$ENC_TOKEN"
  else
    segment_point "encrypted segment" "/titles/enc/$SEGMENT?token=$ENC_TOKEN"
    segment_point "clear segment" "/titles/clear/$SEGMENT?token=$CLEAR_TOKEN"
  fi
  read -r r m p50 p99 e < <(point "/titles/enc/$KEY?token=$ENC_TOKEN")
  echo "| $round | key (16 B, no-store, from the key file) | $r | $m | $p50 | $p99 | $e |"
done
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
