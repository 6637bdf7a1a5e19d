#!/usr/bin/env bash
# Segments as written: what serving a title's segments costs nginx and the origin, by how the files were written.
# Linux's page cache keeps a file in pieces (folios) about as large as the writes that made it, and every sendfile of
# it looks them up one by one. StreamKit writes its fMP4 video segments itself (one fragment per key frame, and the
# 'cbcs' encryption), now in 1 MiB writes (LargeFolioWrite); before, java.nio.file.Files.write wrote 8 KiB at a time.
#
#   apt-get install nginx wrk ffmpeg forensics-samples-files wordpress-theme-twentytwentytwo
#   SOURCES="hello birds renpy" ROUNDS=4 benchmarks/segment-writes.sh > segment-writes.md
#
# For each source (60 s 1080p30, from Debian sample media, as in transcode-vs-ffmpeg.sh) it transcodes a title with the
# built CLI (default ladder, fMP4, 6 s segments), then copies it with every file rewritten 8 KiB at a time (`dd bs=8K`:
# the same bytes as the writer before wrote them). nginx and `streamkit serve` serve both; wrk -t2 -cCONNECTIONS
# requests the top rendition's segments in turn, each point for DURATION s after a 2 s warm-up, the two copies taking
# turns (order reversed every round). Reported per server and copy: requests/s and the server's CPU (user + system,
# from /proc) per response, medians of the rounds. Needs: nginx, wrk, java, curl, Debian's ffmpeg and the samples.
set -euo pipefail
cd "$(dirname "$0")/.."

SOURCES=${SOURCES:-hello birds renpy}
ROUNDS=${ROUNDS:-4}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
NGINX_PORT=${NGINX_PORT:-18180}
STREAMKIT_PORT=${STREAMKIT_PORT:-18181}
SEGMENT=6
SECRET=benchmark-secret-0123456789abcdef0123456789

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
for tool in nginx wrk java curl; do
  command -v "$tool" >/dev/null || { echo "segment-writes: '$tool' is not installed (apt-get install nginx wrk curl)" >&2; exit 1; }
done
WORK=$(mktemp -d /tmp/streamkit-segment-writes.XXXXXX)
NGINX_PID=""; STREAMKIT_PID=""
cleanup() {
  [ -n "$STREAMKIT_PID" ] && kill "$STREAMKIT_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
. benchmarks/transcode-sources.sh

DATA=$WORK/data
mkdir -p "$DATA/titles"
for name in $SOURCES; do
  src=$(source_file "$name")
  log "transcoding $name"
  java -jar "$JAR" transcode "$src" --out "$DATA/titles/$name-1m" --ladder apple --segment-seconds $SEGMENT \
    --format fmp4 >/dev/null
  log "copying $name in 8 KiB writes"
  (cd "$DATA/titles/$name-1m" && find . -type d -exec mkdir -p "$DATA/titles/$name-8k/{}" \; \
    && find . -type f -exec dd if={} of="$DATA/titles/$name-8k/{}" bs=8K status=none \;)
done

cat > "$WORK/nginx.conf" <<EOF
user root;
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; use epoll; }
http {
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_timeout 75s; keepalive_requests 10000000;
  client_body_temp_path $WORK/body; proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fastcgi; uwsgi_temp_path $WORK/uwsgi; scgi_temp_path $WORK/scgi;
  types { video/iso.segment m4s; }
  server { listen 127.0.0.1:$NGINX_PORT backlog=4096; root $DATA; }
}
EOF
nginx -c "$WORK/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
java -Xms256m -Xmx512m -jar "$JAR" serve --host 127.0.0.1 --port "$STREAMKIT_PORT" --data "$DATA" \
  --signing-key "$SECRET" >"$WORK/streamkit.log" 2>&1 &
STREAMKIT_PID=$!

# The JVM compiles the request path under load first (nginx gets the same minute though it has nothing to warm).
warm_up() { # source
  local name=$1 top rendition port paths s
  top=$(sed -n '/^#EXT-X-STREAM-INF/{n;p;q}' "$DATA/titles/$name-1m/master.m3u8")
  rendition=${top%%/*}
  for port in $NGINX_PORT $STREAMKIT_PORT; do
    for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
    for copy in 8k 1m; do
      paths=()
      for s in "$DATA/titles/$name-1m/$rendition"/seg_*.m4s; do
        paths+=("/titles/$name-$copy/$rendition/$(basename "$s")?token=${TOKENS[$name-$copy]}")
      done
      wrk -t2 -c"$CONNECTIONS" -d30s -s "$WORK/paths.lua" "http://127.0.0.1:$port" "${paths[@]}" >/dev/null
    done
  done
}

# wrk asks for the given paths in turn.
cat > "$WORK/paths.lua" <<'EOF'
local paths = {}
local n = 0
function init(args) for i = 1, #args do paths[i] = args[i] end end
function request() n = n + 1; return wrk.format("GET", paths[(n % #paths) + 1]) end
EOF

cpu_ticks() { # utime + stime of a process and its children (nginx's workers)
  local pid total=0
  for pid in "$1" $(pgrep -P "$1" || true); do
    total=$(( total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}
CLK_TCK=$(getconf CLK_TCK)
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
declare -A TOKENS=()
for name in $SOURCES; do
  for copy in 8k 1m; do
    url=$(java -jar "$JAR" token --signing-key "$SECRET" --title "$name-$copy" --ttl 7200 \
      --base-url "http://127.0.0.1:$STREAMKIT_PORT" | tail -n 1)
    TOKENS[$name-$copy]=${url##*token=}
  done
done

log "warm-up: 30 s per server and copy of ${SOURCES%% *}"
warm_up "${SOURCES%% *}"
echo "# Serving segments by how they were written"
echo
echo "$(date -u +%Y-%m-%d) $(date -u +%H:%M) UTC, $(nproc) cores, load average when serving started $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(the transcodes and the warm-up ran before); wrk -t2 -c$CONNECTIONS, $DURATION s per point after a 2 s warm-up,"
echo "$ROUNDS rounds, the top rendition's segments in turn."
echo
echo "| source | segments (mean size) | server | 8 KiB writes: requests/s | µs CPU per response | 1 MiB writes: requests/s | µs CPU per response | CPU per response, 1 MiB / 8 KiB |"
echo "|---|---|---|---:|---:|---:|---:|---:|"
for name in $SOURCES; do
  top=$(sed -n '/^#EXT-X-STREAM-INF/{n;p;q}' "$DATA/titles/$name-1m/master.m3u8")
  rendition=${top%%/*}
  segments=("$DATA/titles/$name-1m/$rendition"/seg_*.m4s)
  mean=$(du -cb "${segments[@]}" | awk -v n=${#segments[@]} 'END { printf "%.1f MB", $1 / n / 1e6 }')
  for server in nginx streamkit; do
    port=$NGINX_PORT; pid=$NGINX_PID
    [ "$server" = streamkit ] && { port=$STREAMKIT_PORT; pid=$STREAMKIT_PID; }
    declare -A RPS=() CPU=()
    for round in $(seq 1 "$ROUNDS"); do
      order="8k 1m"; (( round % 2 == 0 )) && order="1m 8k"
      for copy in $order; do
        title=$name-$copy
        token=${TOKENS[$title]}
        paths=()
        for s in "${segments[@]}"; do paths+=("/titles/$title/$rendition/$(basename "$s")?token=$token"); done
        for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$port${paths[0]}" 2>/dev/null && break; sleep 0.2; done
        wrk -t2 -c"$CONNECTIONS" -d2s -s "$WORK/paths.lua" "http://127.0.0.1:$port" "${paths[@]}" >/dev/null
        c0=$(cpu_ticks "$pid")
        rps=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$WORK/paths.lua" "http://127.0.0.1:$port" "${paths[@]}" \
          | awk '/^Requests\/sec:/ { print $2 }')
        c1=$(cpu_ticks "$pid")
        us=$(awk -v a="$c0" -v b="$c1" -v t="$CLK_TCK" -v r="$rps" -v d="$DURATION" \
          'BEGIN { printf "%.0f", (b - a) / t / (r * d) * 1e6 }')
        log "$name $server $copy round $round: $rps requests/s, $us µs CPU per response"
        RPS[$copy]="${RPS[$copy]:-} $rps"; CPU[$copy]="${CPU[$copy]:-} $us"
      done
    done
    r8=$(median "${RPS[8k]}"); c8=$(median "${CPU[8k]}"); r1=$(median "${RPS[1m]}"); c1m=$(median "${CPU[1m]}")
    printf '| %s | %s × %s | %s | %.0f | %.0f | %.0f | %.0f | %.2f |\n' "$name" "${#segments[@]}" "$mean" "$server" \
      "$r8" "$c8" "$r1" "$c1m" "$(awk -v a="$c1m" -v b="$c8" 'BEGIN { print a / b }')"
    unset RPS CPU
  done
done
echo
echo "Each cell is the median of the rounds; the rounds, in order, are in the log on stderr."
