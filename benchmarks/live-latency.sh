#!/usr/bin/env bash
# Glass-to-player latency of live streaming: StreamKit LL-HLS, StreamKit standard live HLS and Debian's nginx with
# the RTMP module, measured in one run by hls.js in headless Chromium (LiveLatencyBenchmark; see benchmarks/README.md).
#
#   benchmarks/live-latency.sh                          # 1080p30, 10 s warm-up and 30 s measured per configuration
#   HEIGHT=720 WARMUP=5 MEASURE=10 benchmarks/live-latency.sh      # a quick look
#   LEVEL=auto benchmarks/live-latency.sh                # let hls.js's ABR choose the rendition instead of the top one
#   SERVE_ARGS="--ladder FILE" benchmarks/live-latency.sh           # another `streamkit serve` option
#
# Starts nginx (rtmp: hls on, 2 s fragments, 10 s playlist; http: the fragments with CORS) and `streamkit serve
# --rtmp-port`, then runs the harness, which publishes to each in turn. Markdown report on stdout, progress on stderr;
# the publisher's, nginx's and streamkit's logs are kept only with KEEP_LOGS=1. Needs: nginx and libnginx-mod-rtmp,
# chromium and chromium-driver, Java 17, Maven (to build the jars when they are missing or with BUILD=1).
set -euo pipefail
cd "$(dirname "$0")/.."

HEIGHT=${HEIGHT:-1080}
FPS=${FPS:-30}
WARMUP=${WARMUP:-10}
MEASURE=${MEASURE:-30}
PRESET=${PRESET:-ultrafast}              # the publisher's x264 preset
LEVEL=${LEVEL:-top}
STREAMKIT_HTTP_PORT=${STREAMKIT_HTTP_PORT:-18090}
STREAMKIT_RTMP_PORT=${STREAMKIT_RTMP_PORT_BENCH:-19351}
NGINX_HTTP_PORT=${NGINX_HTTP_PORT:-18091}
NGINX_RTMP_PORT=${NGINX_RTMP_PORT:-19350}
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx1g}
SERVE_ARGS=${SERVE_ARGS:-}
RTMP_MODULE=${RTMP_MODULE:-/usr/lib/nginx/modules/ngx_rtmp_module.so}
JAR=streamkit-server/target/streamkit.jar
BENCH_JAR=benchmarks/target/benchmarks.jar
SECRET=benchmark-secret-0123456789abcdef0123456789
ADMIN_KEY=benchmark-admin-key-0123456789abcdef

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
for tool in nginx java curl /usr/bin/chromium /usr/bin/chromedriver; do
  command -v "$tool" >/dev/null || { echo "live-latency: '$tool' is not installed (apt-get install nginx chromium chromium-driver)" >&2; exit 1; }
done
[ -f "$RTMP_MODULE" ] || { echo "live-latency: $RTMP_MODULE is missing (apt-get install libnginx-mod-rtmp)" >&2; exit 1; }
if [ "${BUILD:-0}" = 1 ] || [ ! -f "$JAR" ] || [ ! -f "$BENCH_JAR" ]; then
  log "building $JAR and $BENCH_JAR"
  # No Javadoc: the harness does not need it, and it takes minutes on two cores.
  mvn -B -q -DskipTests -Dmaven.javadoc.skip=true package -pl benchmarks -am
fi

WORK=$(mktemp -d -t streamkit-live-latency.XXXXXX)
NGINX_PID=""; STREAMKIT_PID=""
cleanup() {
  [ -n "$STREAMKIT_PID" ] && kill "$STREAMKIT_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ "${KEEP_LOGS:-0}" = 1 ]; then
    rm -rf "$WORK/data" "$WORK/nginx/hls"
    log "logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

# --- nginx: RTMP in, HLS (MPEG-TS, 2 s fragments) out over HTTP with CORS -----------------------------------------
mkdir -p "$WORK/nginx/hls" "$WORK/logs" "$WORK/data/titles"
cat > "$WORK/nginx/nginx.conf" <<EOF
load_module $RTMP_MODULE;
user root;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
rtmp {
  server {
    listen 127.0.0.1:$NGINX_RTMP_PORT;
    chunk_size 4096;
    application live {
      live on;
      record off;
      hls on;
      hls_path $WORK/nginx/hls;
      hls_fragment 2s;
      hls_playlist_length 10s;
    }
  }
}
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi; uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
  server {
    listen 127.0.0.1:$NGINX_HTTP_PORT;
    location /hls/ {
      alias $WORK/nginx/hls/;
      add_header Cache-Control no-cache always;
      add_header Access-Control-Allow-Origin * always;
    }
  }
}
EOF
nginx -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!

# --- streamkit serve with live ingest ---------------------------------------------------------------------------------
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$JAR" serve --host 127.0.0.1 --port "$STREAMKIT_HTTP_PORT" --data "$WORK/data" \
  --signing-key "$SECRET" --admin-key "$ADMIN_KEY" --rtmp-port "$STREAMKIT_RTMP_PORT" --no-rate-limits \
  $SERVE_ARGS 2>"$WORK/logs/streamkit.log" >&2 &
STREAMKIT_PID=$!
for _ in $(seq 1 150); do
  curl -fsS -o /dev/null "http://127.0.0.1:$STREAMKIT_HTTP_PORT/healthz" 2>/dev/null && break
  kill -0 "$STREAMKIT_PID" 2>/dev/null || { echo "live-latency: streamkit serve exited; its log:" >&2; tail -20 "$WORK/logs/streamkit.log" >&2; exit 1; }
  sleep 0.2
done
kill -0 "$NGINX_PID" 2>/dev/null || { echo "live-latency: nginx exited; its log:" >&2; cat "$WORK/nginx/error.log" >&2; exit 1; }

log "nginx $(nginx -v 2>&1 | sed 's/.*\///'), streamkit on :$STREAMKIT_HTTP_PORT (RTMP :$STREAMKIT_RTMP_PORT); load average $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$BENCH_JAR" io.streamkit.benchmarks.live.LiveLatencyBenchmark \
  --streamkit "http://127.0.0.1:$STREAMKIT_HTTP_PORT" --admin-key "$ADMIN_KEY" \
  --nginx-rtmp "rtmp://127.0.0.1:$NGINX_RTMP_PORT/live/clock" \
  --nginx-hls "http://127.0.0.1:$NGINX_HTTP_PORT/hls/clock.m3u8" \
  --height "$HEIGHT" --fps "$FPS" --warmup "$WARMUP" --measure "$MEASURE" --preset "$PRESET" --level "$LEVEL" \
  --logs "$WORK/logs"
echo
echo "nginx $(nginx -v 2>&1 | sed 's/.*\///') with libnginx-mod-rtmp $(dpkg-query -W -f='${Version}' libnginx-mod-rtmp 2>/dev/null || echo '?'); $(/usr/bin/chromium --version 2>/dev/null); streamkit serve ${SERVE_ARGS:-(default ladder)}."
