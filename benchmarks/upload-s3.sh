#!/usr/bin/env bash
# Upload of a large source into a StreamKit server on S3: through the origin (POST /api/titles, the origin writes the
# body to its disk, then copies it to S3 in parts) vs direct (pre-signed multipart part URLs; the origin only starts and
# completes the upload). S3 is s3proxy (filesystem backend) on loopback; the origin runs with --workers 0 so nothing
# is transcoded. Reports wall time, the origin's CPU time (utime + stime from /proc) and its peak RSS per mode.
#
#   benchmarks/upload-s3.sh                 # 1 GiB, 3 runs per mode
#   SIZE_MB=256 RUNS=1 benchmarks/upload-s3.sh
#
# Needs Java 17, Maven (to fetch s3proxy from Maven Central once) and a built streamkit.jar.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB=${SIZE_MB:-1024}
RUNS=${RUNS:-3}
PARALLEL=${PARALLEL:-4}
PORT=${PORT:-18090}
S3_PORT=${S3_PORT:-18091}
JAR=streamkit-server/target/streamkit.jar
ADMIN=benchmark-admin-key-0123456789
SECRET=benchmark-secret-0123456789abcdef0123456789
CLIENT=benchmarks/src/main/java/io/streamkit/benchmarks/server/UploadClient.java

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
if [ ! -f "$JAR" ]; then
  log "building $JAR"
  mvn -B -q -DskipTests package -pl streamkit-server -am
fi
WORK=$(mktemp -d /tmp/streamkit-upload-bench.XXXXXX)
S3_PID=""; SERVE_PID=""
cleanup() {
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null || true
  [ -n "$S3_PID" ] && kill "$S3_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The s3proxy jar the storage tests use (streamkit-storage-s3/target/s3proxy/s3proxy.jar).
S3PROXY_JAR=streamkit-storage-s3/target/s3proxy/s3proxy.jar
[ -f "$S3PROXY_JAR" ] || mvn -B -q -pl streamkit-storage-s3 dependency:copy@s3proxy-for-tests
mkdir -p "$WORK/s3/media" "$WORK/data"
cat > "$WORK/s3proxy.conf" <<CONF
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench
s3proxy.credential=bench-secret
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$WORK/s3
CONF
LOG_LEVEL=warn java -Xmx512m -jar "$S3PROXY_JAR" --properties "$WORK/s3proxy.conf" \
  > "$WORK/s3proxy.log" 2>&1 &
S3_PID=$!
AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret java -Xms256m -Xmx512m -jar "$JAR" serve \
  --data "$WORK/data" --host 127.0.0.1 --port "$PORT" --signing-key "$SECRET" --admin-key "$ADMIN" --workers 0 \
  --max-upload-bytes $(( (SIZE_MB + 1) * 1048576 )) --storage s3://media/bench \
  --s3-endpoint "http://127.0.0.1:$S3_PORT" --s3-path-style --s3-region us-east-1 > "$WORK/serve.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVE_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
  sleep 0.5
done

log "making a ${SIZE_MB} MiB source"
head -c $(( SIZE_MB * 1048576 )) /dev/urandom > "$WORK/source.bin"
TICKS=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$SERVE_PID/stat"; }
hwm() { awk '/VmHWM/ {print $2}' "/proc/$SERVE_PID/status"; }

echo "| mode | run | wall s | origin CPU s | origin peak RSS MB |"
echo "|---|---:|---:|---:|---:|"
for mode in origin direct; do
  for run in $(seq 1 "$RUNS"); do
    sync; echo 5 > "/proc/$SERVE_PID/clear_refs" 2>/dev/null || true
    before=$(cpu)
    wall=$(java "$CLIENT" "$mode" "http://127.0.0.1:$PORT" "$ADMIN" "$WORK/source.bin" "$PARALLEL")
    after=$(cpu)
    printf '| %s | %d | %s | %s | %d |\n' "$mode" "$run" "$wall" \
      "$(awk -v a="$after" -v b="$before" -v t="$TICKS" 'BEGIN { printf "%.2f", (a - b) / t }')" $(( $(hwm) / 1024 ))
  done
done
log "load average before/after: $(cut -d' ' -f1-3 /proc/loadavg)"
