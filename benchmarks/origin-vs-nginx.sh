#!/usr/bin/env bash
# Origin vs nginx: the same HLS title served by Debian's nginx (sendfile on, no access log) and by `streamkit serve`
# (token checked on every request), each loaded in turn with wrk on loopback.
#
#   benchmarks/origin-vs-nginx.sh                       # 15 s per point, 60 s soak
#   DURATION=5s JVM_WARMUP=10s SOAK_SECONDS=20 benchmarks/origin-vs-nginx.sh   # quick look
#   SERVE_ARGS="--io-threads 1" benchmarks/origin-vs-nginx.sh                  # try a serve option
#   SIZES="16k 1m" CONNECTIONS=64 benchmarks/origin-vs-nginx.sh                # part of the matrix
#   ROUNDS=4 DURATION=10s benchmarks/origin-vs-nginx.sh   # each point 4 times, servers taking turns; median rows
#   NETTY_FLOOR=1 ROUNDS=4 DURATION=10s benchmarks/origin-vs-nginx.sh   # and a bare Netty file server as a third
#
# NETTY_FLOOR=1 adds `NettyFloorServer` (benchmarks module): the origin's transport and delivery choices behind Netty's
# own HTTP codec and nothing else (no token, metrics, limits...), as a floor under the origin's per-request cost.
#
# Points: {objects of 16 KB, 128 KB, 256 KB, 1 MB, 2 MB, 4 MB (random bytes written 1 MiB at a time, .m4s, in the
# title), media playlist} × {64, 1000 connections}, each reporting requests/s, MB/s, p50/p99 and the CPU seconds the
# server used per GB sent (utime + stime from /proc: the java process; nginx's master and workers) and the peak of the
# kernel's TCP memory beside its limits (net.ipv4.tcp_mem; the large objects at 1000 connections reach the first), then
# a soak of 1000 connections for SOAK_SECONDS against streamkit, sampling its RSS: valid players playing a player's mix
# (master, media playlist, init, segments) on 1000 - HOSTILE_CONNECTIONS of them, and on the rest attackers and careless
# clients (HostileClients: bad escapes, smuggling, slow heads, resets mid-segment, garbage, oversized headers, forged
# tokens). Every valid player must be served without an error, no request may get a 5xx, and the origin's log must hold
# no stack trace. Prints a Markdown report on stdout (progress on stderr). Needs: nginx, wrk, Java 17, a built
# streamkit.jar.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-5s}
JVM_WARMUP=${JVM_WARMUP:-30s}
SOAK_SECONDS=${SOAK_SECONDS:-60}
THREADS=${THREADS:-2}
NGINX_PORT=${NGINX_PORT:-18080}
STREAMKIT_PORT=${STREAMKIT_PORT_BENCH:-18081}
NETTY_PORT=${NETTY_PORT:-18082}
NETTY_FLOOR=${NETTY_FLOOR:-0}
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx512m}
SERVE_ARGS=${SERVE_ARGS:-}   # extra `streamkit serve` options, e.g. SERVE_ARGS="--io-threads 1"
HOSTILE_CONNECTIONS=${HOSTILE_CONNECTIONS:-100}   # of the soak's 1000 connections
SIZES=${SIZES:-16k 128k 256k 1m 2m 4m}   # object sizes of the matrix (k = KiB, m = MiB)
CONNECTIONS=${CONNECTIONS:-64 1000}
ROUNDS=${ROUNDS:-1}   # measurements per point, the servers taking turns; each row is the median round's
# The machine's speed drifts by 10-20 % over minutes, and a server measured second in every round would carry the
# drift within a point. So the order of the servers reverses every round (A B, B A, A B, ...), and each ratio is also
# given as the median of the ratios within a round, streamkit's requests/s to nginx's measured next to them, which
# cancels what drifts slower than a round. An even ROUNDS has each server go first equally often; the median of an
# even number of rounds is the lower of the middle two.
JAR=${JAR:-streamkit-server/target/streamkit.jar}   # or a jar built elsewhere
BENCH_JAR=${BENCH_JAR:-benchmarks/target/benchmarks.jar}   # for NETTY_FLOOR=1
SERVERS="nginx streamkit"
[ "$NETTY_FLOOR" = 1 ] && SERVERS="nginx streamkit netty"
SECRET=benchmark-secret-0123456789abcdef0123456789

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
for tool in nginx wrk java; do
  command -v "$tool" >/dev/null || { echo "origin-vs-nginx: '$tool' is not installed (apt-get install nginx wrk)" >&2; exit 1; }
done
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge 4096 ] || { echo "origin-vs-nginx: open-file limit $(ulimit -n) is too low for 1000 connections; raise ulimit -n" >&2; exit 1; }
if [ ! -f "$JAR" ]; then
  log "building $JAR"
  mvn -B -q -DskipTests package -pl streamkit-server -am
fi
if [ "$NETTY_FLOOR" = 1 ] && [ ! -f "$BENCH_JAR" ]; then
  log "building $BENCH_JAR"
  mvn -B -q -DskipTests package -pl benchmarks -am
fi

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
WORK=$(mktemp -d /tmp/streamkit-origin-bench.XXXXXX)
NGINX_PID=""; STREAMKIT_PID=""; NETTY_PID=""; SAMPLER_PID=""
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
  [ -n "$STREAMKIT_PID" ] && kill "$STREAMKIT_PID" 2>/dev/null || true
  [ -n "$NETTY_PID" ] && kill "$NETTY_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- the title: 720p, 4 s segments at a constant 4 Mbit/s (about 2 MB each), fMP4 --------------------------------
DATA=$WORK/data
TITLE=$DATA/titles/bench
. benchmarks/bench-title.sh
encode_bench_title "$TITLE"
SEGMENT=v0/seg_00001.m4s
SEGMENT_BYTES=$(stat -c %s "$TITLE/$SEGMENT")
PLAYLIST_BYTES=$(stat -c %s "$TITLE/v0/index.m3u8")
if [ "$SEGMENT_BYTES" -lt 1000000 ] || [ "$SEGMENT_BYTES" -gt 3000000 ]; then
  echo "origin-vs-nginx: segment is $SEGMENT_BYTES bytes, outside 1-3 MB; check the encoder settings" >&2; exit 1
fi
log "segment $SEGMENT_BYTES bytes, media playlist $PLAYLIST_BYTES bytes"
# Objects of each size in the title (so the origin checks the token on them), of random bytes, served as segments.
mkdir -p "$TITLE/sizes"
for size in $SIZES; do
  kib=${size%k}; [ "$size" != "${size%m}" ] && kib=$(( ${size%m} * 1024 ))
  [[ "$kib" =~ ^[0-9]+$ ]] || { echo "origin-vs-nginx: size '$size' in SIZES is not <n>k or <n>m" >&2; exit 1; }
  # Written in 1 MiB writes, as StreamKit writes its segments: the page cache keeps a file in folios about as large
  # as the writes that made it, and what a sendfile costs depends on them (README.md, "Segments written in large
  # writes"). head -c alone writes 8 KiB at a time.
  head -c $(( kib * 1024 )) /dev/urandom | dd of="$TITLE/sizes/object_$size.m4s" bs=1M iflag=fullblock status=none
done

# --- nginx -----------------------------------------------------------------------------------------------------
mkdir -p "$WORK/nginx"
cat > "$WORK/nginx/nginx.conf" <<EOF
user root;
worker_processes auto;
worker_rlimit_nofile 20000;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 8192; use epoll; multi_accept on; }
http {
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_timeout 75s; keepalive_requests 10000000;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi; uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
  types { application/vnd.apple.mpegurl m3u8; video/iso.segment m4s; video/mp4 mp4; }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    root $DATA;
    location /titles/ { add_header Cache-Control "public, max-age=31536000, immutable"; }
  }
}
EOF
nginx -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!

# --- streamkit ----------------------------------------------------------------------------------------------------
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$JAR" serve --host 127.0.0.1 --port "$STREAMKIT_PORT" --data "$DATA" --signing-key "$SECRET" \
  $SERVE_ARGS >"$WORK/streamkit.log" 2>&1 &
STREAMKIT_PID=$!
TOKEN_URL=$(java -jar "$JAR" token --signing-key "$SECRET" --title bench --ttl 7200 --base-url "http://127.0.0.1:$STREAMKIT_PORT" | tail -n 1)
TOKEN=${TOKEN_URL##*token=}
PORTS=("$NGINX_PORT" "$STREAMKIT_PORT")
if [ "$NETTY_FLOOR" = 1 ]; then
  # shellcheck disable=SC2086
  java $JAVA_OPTS -cp "$BENCH_JAR" io.streamkit.server.origin.NettyFloorServer "$NETTY_PORT" "$DATA" \
    >"$WORK/netty.log" 2>&1 &
  NETTY_PID=$!
  PORTS+=("$NETTY_PORT")
fi

for port in "${PORTS[@]}"; do
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/titles/bench/$SEGMENT?token=$TOKEN" 2>/dev/null && break
    sleep 0.2
  done
done
# the origin must actually refuse a request without the token, or the comparison is meaningless
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$STREAMKIT_PORT/titles/bench/$SEGMENT")
[ "$code" = 403 ] || { echo "origin-vs-nginx: streamkit answered $code without a token, expected 403" >&2; exit 1; }

# --- a player's request mix (master, media playlist, init, segments), used to warm up and to soak -------------
cat > "$WORK/player-mix.lua" <<'EOF'
local paths = {}
local n = 0
function init(args)
  for i = 1, #args do paths[i] = args[i] end
end
function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
EOF
MIX=(
  "/titles/bench/master.m3u8?token=$TOKEN" "/titles/bench/v0/index.m3u8?token=$TOKEN"
  "/titles/bench/v0/init.mp4?token=$TOKEN"
)
for f in "$TITLE"/v0/seg_*.m4s; do MIX+=("/titles/bench/v0/$(basename "$f")?token=$TOKEN"); done

# Both servers get the same warm-up; for the JVM it is where the JIT compiles the request path (nginx has none). It
# covers what the matrix sends: the player mix at each connection count, then every object at each, with the
# connections wrk opens and drops at every phase. A JVM warmed at 64 connections only still recompiled its response
# path during the first points at 1,000 (hundreds of methods; C2 took up to a third of the origin's CPU there, as the
# branches taken only under many connections and dropped ones deoptimised what it had compiled without them).
for port in "${PORTS[@]}"; do
  for conns in $CONNECTIONS; do
    log "warm-up on port $port: player mix, $conns connections, $JVM_WARMUP"
    wrk -t"$THREADS" -c"$conns" -d"$JVM_WARMUP" -s "$WORK/player-mix.lua" "http://127.0.0.1:$port" "${MIX[@]}" >/dev/null
    for size in $SIZES; do
      wrk -t"$THREADS" -c"$conns" -d"$WARMUP" --timeout 10s \
        "http://127.0.0.1:$port/titles/bench/sizes/object_$size.m4s?token=$TOKEN" >/dev/null
    done
  done
done

# --- measuring ----------------------------------------------------------------------------------------------------
# wrk output → "req/s MB/s p50 p99 errors"
summarise() {
  awk '
    /^ +50%/ { p50=$2 } /^ +99%/ { p99=$2 }
    /^Requests\/sec:/ { rps=$2 }
    /^Transfer\/sec:/ { t=$2; if (t ~ /GB$/) mb=t*1024; else if (t ~ /MB$/) mb=t+0; else if (t ~ /KB$/) mb=t/1024; else mb=t/1048576 }
    /Socket errors:/ { gsub(/,/, ""); err+=$4+$6+$8+$10 }
    /Non-2xx or 3xx responses:/ { err+=$5 }
    END { printf "%.0f %.1f %s %s %d\n", rps, mb, p50, p99, err }'
}

point() { # name url connections duration
  wrk -t"$THREADS" -c"$3" -d"$4" --latency --timeout 10s "$2" 2>&1 | summarise
}

CLK_TCK=$(getconf CLK_TCK)
seconds() { case $1 in *s) echo "${1%s}";; *m) echo $(( ${1%m} * 60 ));; *h) echo $(( ${1%h} * 3600 ));; *) echo "$1";; esac; }
DURATION_SECONDS=$(seconds "$DURATION")
# CPU ticks (utime + stime) of a process and its children: nginx's work is done by its workers.
cpu_ticks() {
  local pid total=0
  for pid in "$1" $(pgrep -P "$1" || true); do
    total=$(( total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}

# Pages of memory the kernel's TCP sockets hold (send and receive queues, both ends of loopback), sampled once a
# second. Above the first of net.ipv4.tcp_mem's three limits the kernel stops growing send buffers, above the second
# it trims them: a point that ran there measured the kernel's memory rule as much as the servers.
tcp_pages() { while :; do awk '$1 == "TCP:" { print $NF }' /proc/net/sockstat; sleep 1; done; }

ROWS=()
OBJECTS=()
for size in $SIZES; do OBJECTS+=("$size"); done
OBJECTS+=(playlist)
for what in "${OBJECTS[@]}"; do
  path=/titles/bench/sizes/object_$what.m4s
  [ "$what" = playlist ] && path=/titles/bench/v0/index.m3u8
  for conns in $CONNECTIONS; do
    RUNS_nginx=(); RUNS_streamkit=(); RUNS_netty=()
    for round in $(seq 1 "$ROUNDS"); do
      order=$SERVERS
      (( round % 2 == 0 )) && order=$(tr ' ' '\n' <<<"$SERVERS" | tac | paste -sd ' ' -)
      for server in $order; do
        port=$NGINX_PORT; pid=$NGINX_PID
        [ "$server" = streamkit ] && { port=$STREAMKIT_PORT; pid=$STREAMKIT_PID; }
        [ "$server" = netty ] && { port=$NETTY_PORT; pid=$NETTY_PID; }
        url="http://127.0.0.1:$port$path?token=$TOKEN"
        log "warm-up $server $what c=$conns (round $round of $ROUNDS)"
        point "$server" "$url" "$conns" "$WARMUP" >/dev/null
        log "measure $server $what c=$conns for $DURATION"
        cpu0=$(cpu_ticks "$pid")
        tcp_pages >"$WORK/tcp-pages" &
        SAMPLER_PID=$!
        read -r rps mb p50 p99 err < <(point "$server" "$url" "$conns" "$DURATION")
        kill "$SAMPLER_PID"; wait "$SAMPLER_PID" 2>/dev/null || true
        SAMPLER_PID=""
        tcp=$(sort -n "$WORK/tcp-pages" | tail -n 1)
        cpu=$(awk -v a="$cpu0" -v b="$(cpu_ticks "$pid")" -v t="$CLK_TCK" 'BEGIN { printf "%.1f", (b - a) / t }')
        per_gb=$(awk -v c="$cpu" -v mb="$mb" -v d="$DURATION_SECONDS" \
          'BEGIN { printf "%.2f", (mb > 0 ? c / (mb * d / 1024) : 0) }')
        eval "RUNS_$server+=(\"$rps $mb $p50 $p99 $err $cpu $per_gb $tcp\")"
      done
    done
    # The row of each server is its median round by requests/s; every round's requests/s are listed beside it.
    for server in $SERVERS; do
      eval "runs=(\"\${RUNS_$server[@]}\")"
      read -r rps mb p50 p99 err cpu per_gb tcp < <(printf '%s\n' "${runs[@]}" | sort -n -k1,1 | sed -n "$(( (ROUNDS + 1) / 2 ))p")
      all=$(printf '%s\n' "${runs[@]}" | awk '{ print $1 }' | paste -sd '/' -)
      ROWS+=("| $what | $conns | $server | $rps | $all | $mb | $p50 | $p99 | $err | $cpu | $per_gb | $tcp |")
      eval "RPS_${what}_${conns}_${server}=$rps"
    done
    # Within-round ratios to nginx: streamkit (and the floor), the median of the rounds' ratios.
    for server in $SERVERS; do
      [ "$server" = nginx ] && continue
      eval "runs=(\"\${RUNS_$server[@]}\")"
      paired=$(paste -d ' ' <(printf '%s\n' "${RUNS_nginx[@]}" | awk '{ print $1 }') \
        <(printf '%s\n' "${runs[@]}" | awk '{ print $1 }') \
        | awk '{ printf "%.4f\n", ($1 > 0 ? $2 / $1 : 0) }' | sort -n | sed -n "$(( (ROUNDS + 1) / 2 ))p")
      eval "PAIRED_${what}_${conns}_${server}=$paired"
    done
  done
done

# --- soak: players and hostile clients, 1000 connections against streamkit, RSS sampled every 5 s ----------------
rss() { awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$STREAMKIT_PID/status"; }
PLAYERS=$((1000 - HOSTILE_CONNECTIONS))
log "soak: streamkit, $PLAYERS players (mix of ${#MIX[@]} URLs) and $HOSTILE_CONNECTIONS hostile clients, ${SOAK_SECONDS}s"
RSS_SAMPLES=("$(rss)")
java benchmarks/src/main/java/io/streamkit/benchmarks/server/HostileClients.java 127.0.0.1 "$STREAMKIT_PORT" \
  "/titles/bench/$SEGMENT" "$TOKEN" "$HOSTILE_CONNECTIONS" "$SOAK_SECONDS" >"$WORK/hostile.txt" 2>&1 &
HOSTILE_PID=$!
wrk -t"$THREADS" -c"$PLAYERS" -d"${SOAK_SECONDS}s" --latency --timeout 10s -s "$WORK/player-mix.lua" \
  "http://127.0.0.1:$STREAMKIT_PORT" "${MIX[@]}" >"$WORK/soak.txt" 2>&1 &
WRK_PID=$!
while kill -0 "$WRK_PID" 2>/dev/null; do sleep 5; RSS_SAMPLES+=("$(rss)"); done
wait "$WRK_PID" || true
wait "$HOSTILE_PID" || true
hostile_outcomes=$(grep -v '^5xx' "$WORK/hostile.txt" | paste -sd ';' - | sed 's/;/; /g')
hostile_5xx=$(awk '/^5xx/ { print $2 }' "$WORK/hostile.txt")
stack_lines=$(grep -cE '^[[:space:]]+at |^Caused by|Exception:' "$WORK/streamkit.log" || true)
read -r soak_rps soak_mb soak_p50 soak_p99 soak_err < <(summarise <"$WORK/soak.txt")
soak_requests=$(awk '/requests in/ { print $1 }' "$WORK/soak.txt")
soak_error_detail=$( (grep -E "Socket errors|Non-2xx" "$WORK/soak.txt" || true) | tr -s ' ' | paste -sd ';' -)
METRICS=$(curl -s "http://127.0.0.1:$STREAMKIT_PORT/metrics")
metrics_5xx=$(awk '/^streamkit_origin_requests_total/ && /status="5/ { s+=$2 } END { print s+0 }' <<<"$METRICS")
rejections=$( (grep '^streamkit_origin_rejections_total' <<<"$METRICS" || true) | paste -sd ' ' -)

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

cat <<EOF
Run: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1), $(nginx -v 2>&1), wrk -t$THREADS,
every server warmed with the player mix for $JVM_WARMUP and every object for $WARMUP at each connection count, then $DURATION per point after a $WARMUP warm-up, $ROUNDS round(s) per point with the servers taking turns, their order reversed every round (each row is the median round), loopback. Objects: random bytes
of each size, written 1 MiB at a time, as .m4s files in the title (the token checked on each); the player mix's segments are $SEGMENT_BYTES bytes (fMP4, 720p at 4 Mbit/s).
Media playlist: $PLAYLIST_BYTES bytes (nginx sends the file; streamkit splices the token into every URI and checks
the token, from its verified-token cache). streamkit: \`java $JAVA_OPTS -jar streamkit.jar serve $SERVE_ARGS\`, epoll transport.

Kernel TCP memory limits (\`net.ipv4.tcp_mem\`, pages): $(tr -s '\t' ' ' </proc/sys/net/ipv4/tcp_mem); the last column is the
peak of what TCP held during the point (\`/proc/net/sockstat\`, once a second).

| object | connections | server | requests/s (median) | each round | MB/s | p50 | p99 | errors | server CPU s | CPU s per GB | TCP memory, pages |
|---|---|---|---|---|---|---|---|---|---|---|---|
$(printf '%s\n' "${ROWS[@]}")

| ratio streamkit / nginx, requests/s: of the medians (median of the rounds' ratios) | $(for c in $CONNECTIONS; do printf '%s connections | ' "$c"; done)
|---|$(for c in $CONNECTIONS; do printf -- '---|'; done)
$(for what in "${OBJECTS[@]}"; do
  printf '| %s | ' "$what"
  for c in $CONNECTIONS; do
    a="RPS_${what}_${c}_streamkit"; b="RPS_${what}_${c}_nginx"; r="PAIRED_${what}_${c}_streamkit"
    printf '%s (%.2f) | ' "$(ratio "${!a}" "${!b}")" "${!r}"
  done
  echo
done)
$([ "$NETTY_FLOOR" = 1 ] || exit 0
echo
printf '| ratio to nginx, requests/s, of the medians (median of the within-round ratios): streamkit / Netty floor | '
for c in $CONNECTIONS; do printf '%s connections | ' "$c"; done
echo
printf '|---|'; for c in $CONNECTIONS; do printf -- '---|'; done; echo
for what in "${OBJECTS[@]}"; do
  printf '| %s | ' "$what"
  for c in $CONNECTIONS; do
    a="RPS_${what}_${c}_streamkit"; b="RPS_${what}_${c}_nginx"; f="RPS_${what}_${c}_netty"
    ra="PAIRED_${what}_${c}_streamkit"; rf="PAIRED_${what}_${c}_netty"
    printf '%s (%.2f) / %s (%.2f) | ' "$(ratio "${!a}" "${!b}")" "${!ra}" "$(ratio "${!f}" "${!b}")" "${!rf}"
  done
  echo
done
echo
echo "Netty floor: \`java $JAVA_OPTS -cp benchmarks.jar io.streamkit.server.origin.NettyFloorServer\` (the origin's transport and delivery, Netty's HTTP codec, no StreamKit handler).")

Soak (streamkit, 1000 connections for ${SOAK_SECONDS} s: $PLAYERS players on a mix of ${#MIX[@]} URLs, $HOSTILE_CONNECTIONS hostile
clients): players made $soak_requests requests, $soak_rps req/s, $soak_mb MB/s, p50 $soak_p50, p99 $soak_p99, wrk errors
$soak_err (${soak_error_detail:-none}); hostile requests by kind and outcome: ${hostile_outcomes:-none}; 5xx answered to
hostile clients $hostile_5xx, 5xx counted by the origin $metrics_5xx; stack-trace lines in the origin's log $stack_lines;
rejections counted by the origin over the whole run: ${rejections:-none}. RSS (MB) every 5 s: ${RSS_SAMPLES[*]}.

Load average (1/5/15 min) at start: $LOAD_START; at end: $LOAD_END (wrk and both servers share the cores; anything
else running on the machine shows here).
EOF
