#!/usr/bin/env bash
# What the LGPL natives cost: the same `streamkit transcode` (bench ladder, fMP4) with streamkit.jar built on
# FFmpeg's GPL natives (H.264 by x264, the default) and on its LGPL natives (`-Plgpl`, H.264 by OpenH264). Runs are
# timed alternately (wall, user and system CPU time); then the 720p rendition of each is compared with the source
# scaled the same way (PSNR and SSIM filters of the bundled ffmpeg), beside the bitrate it actually got.
#
#   benchmarks/lgpl-vs-gpl.sh                # 2 runs of each, 20 s source with film grain
#   RUNS=3 SECONDS_OF_SOURCE=60 GRAIN=0 benchmarks/lgpl-vs-gpl.sh
#
# The source is a Debian sample video looped to SECONDS_OF_SOURCE, scaled to 1920x1080 at 30 fps, with temporal
# noise of strength GRAIN (ffmpeg's noise filter; 0 for none) standing in for camera grain, at about 8 Mbit/s.
#
# Needs: Java 17, Maven, GNU time (`apt-get install time`), and one of the Debian sample videos listed in the
# test-media notes (forensics-samples-files or wordpress-theme-twentytwentytwo) to build the source from.
set -euo pipefail
cd "$(dirname "$0")/.."
declare -A kbps

RUNS=${RUNS:-2}
SECONDS_OF_SOURCE=${SECONDS_OF_SOURCE:-20}
GRAIN=${GRAIN:-10}
WORK=${WORK:-benchmarks/target/lgpl-vs-gpl}
SOURCE=$WORK/source-1080p30-${SECONDS_OF_SOURCE}s-grain${GRAIN}.mp4
mkdir -p "$WORK"

# The LGPL jar first, so that streamkit-server/target/streamkit.jar is the default (GPL) build afterwards.
if [ ! -f "$WORK/streamkit-lgpl.jar" ]; then
  mvn -B -q -Plgpl -DskipTests package -pl streamkit-server -am
  cp streamkit-server/target/streamkit.jar "$WORK/streamkit-lgpl.jar"
fi
if [ ! -f "$WORK/streamkit-gpl.jar" ]; then
  mvn -B -q -DskipTests package -pl streamkit-server -am
  cp streamkit-server/target/streamkit.jar "$WORK/streamkit-gpl.jar"
fi
FFMPEG=$(java -cp "$WORK/streamkit-gpl.jar" benchmarks/src/main/java/io/streamkit/benchmarks/server/BundledFfmpeg.java)

if [ ! -f "$SOURCE" ]; then
  footage=""
  for f in /usr/share/forensics-samples/original-files/movie2/movie-hello.mp4 \
           /usr/share/wordpress/wp-content/themes/twentytwentytwo/assets/videos/birds.mp4; do
    [ -f "$f" ] && { footage=$f; break; }
  done
  [ -n "$footage" ] || { echo "lgpl-vs-gpl: no sample footage; apt-get install forensics-samples-files" >&2; exit 1; }
  echo "making $SOURCE from $footage" >&2
  "$FFMPEG" -v error -y -stream_loop -1 -i "$footage" -t "$SECONDS_OF_SOURCE" \
    -vf "scale=1920:1080:flags=bicubic,fps=30,noise=alls=$GRAIN:allf=t+u,format=yuv420p" -c:v libx264 \
    -preset veryfast -b:v 8M -maxrate 8M -bufsize 16M -c:a aac -b:a 128k -ar 48000 -ac 2 -movflags +faststart \
    "$SOURCE"
fi

transcode() { # build run -> prints "wall user system"
  local out=$WORK/$1-$2
  rm -rf "$out"
  /usr/bin/time -f "%e %U %S" -o "$WORK/time" \
    java -jar "$WORK/streamkit-$1.jar" transcode "$SOURCE" --out "$out" --ladder bench >/dev/null
  cat "$WORK/time"
}

echo "| run | build | wall s | user CPU s | system CPU s |"
echo "|---|---|---|---|---|"
for run in $(seq 1 "$RUNS"); do
  for build in gpl lgpl; do
    read -r wall user sys < <(transcode "$build" "$run")
    echo "| $run | $build | $wall | $user | $sys |"
  done
done

echo
echo "| 720p rendition | video kbit/s | PSNR Y dB | PSNR average dB | SSIM All |"
echo "|---|---|---|---|---|"
quality() { # label file-or-playlist kbit/s
  local log
  log=$("$FFMPEG" -hide_banner -nostats -i "$2" -i "$SOURCE" -lavfi \
    "[1:v]scale=1280:720:flags=bicubic,format=yuv420p,split[r1][r2];[0:v]format=yuv420p,split[d1][d2];\
[d1][r1]psnr;[d2][r2]ssim" -f null - 2>&1)
  local psnr_y psnr ssim
  psnr_y=$(sed -nE 's/.*PSNR y:([0-9.]+).*/\1/p' <<<"$log")
  psnr=$(sed -nE 's/.*PSNR .* average:([0-9.]+).*/\1/p' <<<"$log")
  ssim=$(sed -nE 's/.*SSIM .* All:([0-9.]+).*/\1/p' <<<"$log")
  echo "| $1 | $3 | $psnr_y | $psnr | $ssim |"
}
for build in gpl lgpl; do
  out=$WORK/$build-1
  bytes=$(cat "$out"/720p/*.m4s "$out"/720p/init.mp4 | wc -c)
  kbps[$build]=$(( bytes * 8 / SECONDS_OF_SOURCE / 1000 ))
  quality "$build (streamkit transcode)" "$out/720p/index.m3u8" "${kbps[$build]}"
done
# x264 given only what OpenH264 spent: the same scaling, GOP and preset as StreamKit's 720p rung, through ffmpeg.
"$FFMPEG" -v error -y -i "$SOURCE" -an -vf "fps=30,scale=1280:720:flags=bicubic,format=yuv420p" -c:v libx264 \
  -preset veryfast -profile:v high -x264-params keyint=60:min-keyint=60:scenecut=0:open-gop=0 \
  -b:v "${kbps[lgpl]}k" -maxrate "${kbps[lgpl]}k" -bufsize "$(( 2 * kbps[lgpl] ))k" "$WORK/x264-at-lgpl-rate.mp4"
bytes=$(wc -c < "$WORK/x264-at-lgpl-rate.mp4")
quality "x264 at the lgpl rate (ffmpeg)" "$WORK/x264-at-lgpl-rate.mp4" "$(( bytes * 8 / SECONDS_OF_SOURCE / 1000 ))"
