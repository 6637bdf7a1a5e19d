#!/usr/bin/env bash
# Transcode benchmark: StreamKit (`streamkit transcode`) vs Debian's ffmpeg command line doing the same five-rung
# ladder (1080p/720p/480p/360p/240p, x264 veryfast, same bitrates, 2 s GOP, IDR at every 6 s segment boundary, AAC
# stereo 48 kHz once, fMP4 HLS) in one process with `split`, and vs one ffmpeg process per rendition. Runs are timed
# alternately. Then 20 transcodes in one JVM with resident set size and heap recorded after each.
#
#   benchmarks/transcode-vs-ffmpeg.sh                 # 3 alternations, 20 memory runs
#   RUNS=5 REPEAT=20 benchmarks/transcode-vs-ffmpeg.sh
#
# Needs: Java 17, Maven, Debian's ffmpeg (`apt-get install ffmpeg`), and one of the Debian sample videos listed in
# the test-media notes (forensics-samples-files or wordpress-theme-twentytwentytwo) to build the source from.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
REPEAT=${REPEAT:-20}
SEGMENT=6
WORK=${WORK:-benchmarks/target/transcode-bench}
SOURCE=${SOURCE:-$WORK/source-1080p30-60s.mp4}
SHORT_SOURCE=$WORK/source-1080p30-10s.mp4
JAR=streamkit-server/target/streamkit.jar
BENCH_JAR=benchmarks/target/benchmarks.jar
SYSTEM_FFMPEG=${SYSTEM_FFMPEG:-/usr/bin/ffmpeg}

command -v "$SYSTEM_FFMPEG" >/dev/null || { echo "transcode-vs-ffmpeg: $SYSTEM_FFMPEG not found; apt-get install ffmpeg" >&2; exit 1; }
if [ ! -f "$JAR" ] || [ ! -f "$BENCH_JAR" ]; then
  mvn -B -q -DskipTests package -pl streamkit-server,benchmarks -am
fi
mkdir -p "$WORK"
harness() { java -cp "$BENCH_JAR" io.streamkit.benchmarks.hls.TranscodeHarness "$@"; }
BUNDLED_FFMPEG=$(harness ffmpeg-path)

if [ ! -f "$SOURCE" ]; then
  footage=""
  for f in /usr/share/forensics-samples/original-files/movie2/movie-hello.mp4 \
           /usr/share/wordpress/wp-content/themes/twentytwentytwo/assets/videos/birds.mp4; do
    [ -f "$f" ] && { footage=$f; break; }
  done
  [ -n "$footage" ] || { echo "transcode-vs-ffmpeg: no sample footage; apt-get install forensics-samples-files" >&2; exit 1; }
  echo "making $SOURCE from $footage (looped, scaled to 1920x1080, 30 fps, ~4 Mbit/s)"
  "$BUNDLED_FFMPEG" -v error -y -stream_loop -1 -i "$footage" -t 60 \
    -vf "scale=1920:1080:flags=bicubic,fps=30,format=yuv420p" -c:v libx264 -preset veryfast -b:v 4M -maxrate 4M \
    -bufsize 8M -c:a aac -b:a 128k -ar 48000 -ac 2 -movflags +faststart "$SOURCE"
fi
if [ ! -f "$SHORT_SOURCE" ]; then
  "$BUNDLED_FFMPEG" -v error -y -i "$SOURCE" -t 10 -c copy "$SHORT_SOURCE"
fi

# The renditions StreamKit plans for this source: name width height fps bitrate maxrate.
mapfile -t PLAN < <(harness plan "$SOURCE" bench)
echo "ladder (as planned by StreamKit, used on both sides):"; printf '  %s\n' "${PLAN[@]}"

x264_common() { # fps
  local gop; gop=$(python3 -c "from fractions import Fraction as F; print(round(2*F('$1')))")
  echo "-preset veryfast -profile:v high -x264-params keyint=$gop:min-keyint=$gop:scenecut=0:open-gop=0"
}

ffmpeg_split() { # out
  local out=$1 n=${#PLAN[@]} graph="[0:v]split=${#PLAN[@]}" maps=() rates=() vsm=""
  for i in "${!PLAN[@]}"; do graph+="[s$i]"; done
  graph+=";"
  for i in "${!PLAN[@]}"; do
    read -r name w h fps br max <<<"${PLAN[$i]}"
    graph+="[s$i]fps=$fps,scale=$w:$h:flags=bicubic,setsar=1,format=yuv420p[o$i];"
    maps+=(-map "[o$i]")
    rates+=(-b:v:$i "$br" -maxrate:v:$i "$max" -bufsize:v:$i $((2 * br)))
    vsm+="v:$i,agroup:aud,name:$name "
  done
  read -r _ _ _ fps _ _ <<<"${PLAN[0]}"
  # shellcheck disable=SC2046
  "$SYSTEM_FFMPEG" -v error -y -i "$SOURCE" -filter_complex "${graph%;}" "${maps[@]}" -map 0:a \
    -c:v libx264 $(x264_common "$fps") -force_key_frames "expr:gte(t,n_forced*$SEGMENT)" "${rates[@]}" \
    -c:a aac -b:a 128k -ar 48000 -ac 2 \
    -f hls -hls_time $SEGMENT -hls_playlist_type vod -hls_segment_type fmp4 -hls_flags independent_segments \
    -master_pl_name master.m3u8 -var_stream_map "${vsm}a:0,agroup:aud,name:audio" \
    -hls_segment_filename "$out/%v/seg_%05d.m4s" "$out/%v/index.m3u8"
}

ffmpeg_per_rendition() { # out
  local out=$1
  for line in "${PLAN[@]}"; do
    read -r name w h fps br max <<<"$line"
    mkdir -p "$out/$name"
    # shellcheck disable=SC2046
    "$SYSTEM_FFMPEG" -v error -y -i "$SOURCE" -vf "fps=$fps,scale=$w:$h:flags=bicubic,setsar=1,format=yuv420p" -an \
      -c:v libx264 $(x264_common "$fps") -force_key_frames "expr:gte(t,n_forced*$SEGMENT)" \
      -b:v "$br" -maxrate "$max" -bufsize $((2 * br)) \
      -f hls -hls_time $SEGMENT -hls_playlist_type vod -hls_segment_type fmp4 \
      -hls_segment_filename "$out/$name/seg_%05d.m4s" "$out/$name/index.m3u8"
  done
  mkdir -p "$out/audio"
  "$SYSTEM_FFMPEG" -v error -y -i "$SOURCE" -vn -c:a aac -b:a 128k -ar 48000 -ac 2 \
    -f hls -hls_time $SEGMENT -hls_playlist_type vod -hls_segment_type fmp4 \
    -hls_segment_filename "$out/audio/seg_%05d.m4s" "$out/audio/index.m3u8"
}

streamkit() { # out
  java -jar "$JAR" transcode "$SOURCE" --out "$1" --ladder bench --segment-seconds $SEGMENT --format fmp4 >/dev/null
}

timed() { # label function
  local out="$WORK/out-$1" start end
  rm -rf "$out"; mkdir -p "$(dirname "$out")"
  [ "$1" = streamkit ] || mkdir -p "$out"
  start=$(date +%s.%N)
  "$2" "$out"
  end=$(date +%s.%N)
  rm -rf "$out"
  python3 -c "print(f'{$end - $start:.2f}')"
}

declare -a T_SK T_SPLIT T_PER
for r in $(seq 1 "$RUNS"); do
  T_SK+=("$(timed streamkit streamkit)")
  T_SPLIT+=("$(timed split ffmpeg_split)")
  T_PER+=("$(timed per ffmpeg_per_rendition)")
  echo "run $r: streamkit ${T_SK[-1]} s, ffmpeg split ${T_SPLIT[-1]} s, ffmpeg per rendition ${T_PER[-1]} s"
done

python3 - "${T_SK[*]}" "${T_SPLIT[*]}" "${T_PER[*]}" <<'PY'
import statistics, sys
sk, split, per = ([float(x) for x in a.split()] for a in sys.argv[1:4])
m = statistics.median
print(f"median wall: streamkit {m(sk):.2f} s, ffmpeg split {m(split):.2f} s, ffmpeg per rendition {m(per):.2f} s")
print(f"streamkit / ffmpeg split = {m(sk)/m(split):.3f}x (target <= 1.0)")
print(f"ffmpeg per rendition / streamkit = {m(per)/m(sk):.3f}x faster (target >= 1.25)")
PY

if [ "$REPEAT" -gt 0 ]; then
  echo "memory: $REPEAT transcodes of $SHORT_SOURCE (bench ladder) in one JVM"
  harness repeat "$SHORT_SOURCE" bench "$REPEAT"
fi
