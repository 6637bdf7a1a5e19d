#!/usr/bin/env bash
# Transcode benchmark: StreamKit (`streamkit transcode`) vs Debian's ffmpeg command line doing the same ladder in one
# process (`split`, `fps` + bicubic `scale` per rung, x264 veryfast High profile at the same bitrates, 2 s GOP, IDR at
# every 6 s segment boundary, AAC stereo 48 kHz encoded once, fMP4 HLS), on several real sources and ladders. Runs are
# timed alternately, the two taking turns going first; each reports wall time, CPU time (user + sys) and peak resident
# set size. Then the quality of every rung of the last run against the source (PSNR and SSIM, both outputs measured
# the same way), and 20 transcodes in one JVM with resident set size and heap recorded after each, back to back and
# with the native memory released after each.
#
#   benchmarks/transcode-vs-ffmpeg.sh                        # 4 sources x (apple, bench), 3 alternations, quality, memory
#   SOURCES="hello birds" LADDERS=apple RUNS=2 QUALITY=0 REPEAT=0 benchmarks/transcode-vs-ffmpeg.sh
#   JAR=/path/to/other/streamkit.jar benchmarks/transcode-vs-ffmpeg.sh   # another build of the CLI
#   EMBEDDED=1 QUALITY=0 REPEAT=0 benchmarks/transcode-vs-ffmpeg.sh      # StreamKit embedded in one warm JVM
#
# Sources, each made once from a Debian sample (see the test-media notes) with the bundled ffmpeg: 60 s of
# 1920x1080 at 30 fps, about 4 Mbit/s, AAC stereo where the sample has sound:
#   hello     forensics-samples-files   movie-hello.mp4: screen and webcam recording, looped
#   birds     wordpress-theme-twentytwentytwo   birds.mp4: 1 s of camera footage, looped (high motion at every loop)
#   renpy     renpy-demo                oa4_launch.webm: 640x360 24 fps animation, scaled up
#   monitors  gnome-user-docs           display-dual-monitors.webm: 1024x768 15 fps screen capture, pillarboxed, silent
#
# Needs: Java 17, Maven, Debian's ffmpeg (`apt-get install ffmpeg`), python3 and the sample packages above.
set -euo pipefail
cd "$(dirname "$0")/.."

SOURCES=${SOURCES:-hello birds renpy monitors}
LADDERS=${LADDERS:-apple bench}
RUNS=${RUNS:-3}
QUALITY=${QUALITY:-1}
REPEAT=${REPEAT:-20}
EMBEDDED=${EMBEDDED:-0}
SEGMENT=6
WORK=${WORK:-benchmarks/target/transcode-bench}

# shellcheck source=benchmarks/transcode-sources.sh
. benchmarks/transcode-sources.sh

ffmpeg_split() { # source out plan-lines...
  local src=$1 out=$2; shift 2
  local plan=("$@") graph="[0:v]split=$#" maps=() rates=() vsm="" audio_map=() audio_codec=() group=""
  for i in "${!plan[@]}"; do graph+="[s$i]"; done
  graph+=";"
  if has_audio "$src"; then
    audio_map=(-map 0:a); audio_codec=(-c:a aac -b:a 128k -ar 48000 -ac 2); group=",agroup:aud"
  fi
  for i in "${!plan[@]}"; do
    read -r name w h fps br max <<<"${plan[$i]}"
    graph+="[s$i]fps=$fps,scale=$w:$h:flags=bicubic,setsar=1,format=yuv420p[o$i];"
    maps+=(-map "[o$i]")
    rates+=(-b:v:$i "$br" -maxrate:v:$i "$max" -bufsize:v:$i $((2 * br)))
    vsm+="v:$i$group,name:$name "
  done
  [ -n "$group" ] && vsm+="a:0,agroup:aud,name:audio"
  read -r _ _ _ fps _ _ <<<"${plan[0]}"
  local gop; gop=$(python3 -c "from fractions import Fraction as F; print(round(2*F('$fps')))")
  mkdir -p "$out"
  measured "$SYSTEM_FFMPEG" -v error -y -i "$src" -filter_complex "${graph%;}" "${maps[@]}" "${audio_map[@]}" \
    -c:v libx264 -preset veryfast -profile:v high -x264-params "keyint=$gop:min-keyint=$gop:scenecut=0:open-gop=0" \
    -force_key_frames "expr:gte(t,n_forced*$SEGMENT)" "${rates[@]}" "${audio_codec[@]}" \
    -f hls -hls_time $SEGMENT -hls_playlist_type vod -hls_segment_type fmp4 -hls_flags independent_segments \
    -master_pl_name master.m3u8 -var_stream_map "${vsm% }" \
    -hls_segment_filename "$out/%v/seg_%05d.m4s" "$out/%v/index.m3u8"
}

# With EMBEDDED=1, StreamKit's transcodes run one after another in one JVM (`TranscodeHarness embedded`), as in an
# application or ingest worker that embeds the library, after one transcode of the first source to warm it up,
# instead of one `streamkit transcode` process each: the JVM's start-up and most of its JIT compiling are then out of
# StreamKit's figures (its CPU time is still the whole process's). Peak RSS is then the JVM's so far.
if [ "$EMBEDDED" = 1 ]; then
  coproc TRANSCODER { java -cp "$BENCH_JAR" io.streamkit.benchmarks.hls.TranscodeHarness embedded; }
  first_source=$(source_file "${SOURCES%% *}")
  echo "$first_source $WORK/out-warm-up ${LADDERS%% *}" >&"${TRANSCODER[1]}"
  read -r _ <&"${TRANSCODER[0]}"
  rm -rf "$WORK/out-warm-up"
fi

transcode() { # source out ladder -> "wall cpu rss_mb"
  if [ "$EMBEDDED" = 1 ]; then
    echo "$1 $2 $3" >&"${TRANSCODER[1]}"
    local result
    read -r result <&"${TRANSCODER[0]}"
    echo "$result"
  else
    streamkit "$@"
  fi
}

RESULTS="$WORK/results.txt"
: > "$RESULTS"
for name in $SOURCES; do
  src=$(source_file "$name")
  for ladder in $LADDERS; do
    mapfile -t PLAN < <(harness plan "$src" "$ladder")
    echo "== $name, ladder $ladder: $(printf '%s ' "${PLAN[@]%% *}")"
    for r in $(seq 1 "$RUNS"); do
      rm -rf "$WORK/out-sk" "$WORK/out-ff"
      # The two take turns going first, so that the machine's drift within a run falls on neither.
      if [ $((r % 2)) = 1 ]; then
        read -r sk_wall sk_cpu sk_rss <<<"$(transcode "$src" "$WORK/out-sk" "$ladder")"
        read -r ff_wall ff_cpu ff_rss <<<"$(ffmpeg_split "$src" "$WORK/out-ff" "${PLAN[@]}")"
      else
        read -r ff_wall ff_cpu ff_rss <<<"$(ffmpeg_split "$src" "$WORK/out-ff" "${PLAN[@]}")"
        read -r sk_wall sk_cpu sk_rss <<<"$(transcode "$src" "$WORK/out-sk" "$ladder")"
      fi
      echo "run $r: streamkit ${sk_wall} s wall, ${sk_cpu} s CPU, ${sk_rss} MB; ffmpeg ${ff_wall} s wall, ${ff_cpu} s CPU, ${ff_rss} MB"
      echo "$name $ladder $r $sk_wall $sk_cpu $sk_rss $ff_wall $ff_cpu $ff_rss" >> "$RESULTS"
    done
    if [ "$QUALITY" = 1 ]; then
      for line in "${PLAN[@]}"; do
        read -r rung _ _ _ br _ <<<"$line"
        read -r sk_psnr sk_ssim <<<"$(quality "$WORK/out-sk/$rung/index.m3u8" "$src")"
        read -r ff_psnr ff_ssim <<<"$(quality "$WORK/out-ff/$rung/index.m3u8" "$src")"
        echo "quality $rung ($br bit/s): streamkit PSNR $sk_psnr dB SSIM $sk_ssim; ffmpeg PSNR $ff_psnr dB SSIM $ff_ssim"
        echo "quality $name $ladder $rung $sk_psnr $sk_ssim $ff_psnr $ff_ssim" >> "$RESULTS"
      done
    fi
  done
done
rm -rf "$WORK/out-sk" "$WORK/out-ff"
if [ "$EMBEDDED" = 1 ]; then
  exec {TRANSCODER[1]}>&-
fi

python3 - "$RESULTS" <<'PY'
import collections, statistics, sys
runs, quality = collections.defaultdict(list), []
for line in open(sys.argv[1]):
    f = line.split()
    if f[0] == "quality":
        quality.append(f[1:])
    else:
        runs[(f[0], f[1])].append([float(x) for x in f[3:]])
m = statistics.median
print("\nsource ladder | streamkit wall / CPU / RSS | ffmpeg wall / CPU / RSS | wall ratio | CPU ratio  (medians)")
by_ladder = collections.defaultdict(list)
for (name, ladder), rows in runs.items():
    sk_w, sk_c, sk_r, ff_w, ff_c, ff_r = (m(c) for c in zip(*rows))
    by_ladder[ladder].append((sk_w / ff_w, sk_c / ff_c))
    print(f"{name} {ladder} | {sk_w:.1f} s / {sk_c:.1f} s / {sk_r:.0f} MB | {ff_w:.1f} s / {ff_c:.1f} s / {ff_r:.0f} MB"
          f" | {sk_w / ff_w:.3f} | {sk_c / ff_c:.3f}")
for ladder, ratios in by_ladder.items():
    print(f"median over sources, {ladder}: wall {m(r[0] for r in ratios):.3f}x, CPU {m(r[1] for r in ratios):.3f}x"
          " (target <= 0.9)")
if quality:
    worst_psnr = min(float(q[3]) - float(q[5]) for q in quality)
    worst_ssim = min(float(q[4]) - float(q[6]) for q in quality)
    print(f"quality, streamkit minus ffmpeg, worst rung: PSNR {worst_psnr:+.3f} dB (bound -0.1),"
          f" SSIM {worst_ssim:+.4f} (bound -0.001)")
PY

if [ "$REPEAT" -gt 0 ]; then
  short="$WORK/hello-1080p30-10s.mp4"
  [ -f "$short" ] || "$BUNDLED_FFMPEG" -v error -y -i "$(source_file hello)" -t 10 -c copy "$short"
  echo "memory: $REPEAT transcodes of $short (bench ladder) in one JVM"
  harness repeat "$short" bench "$REPEAT"
  echo "memory: the same, the native memory released after each transcode (as an idle ingest worker does)"
  harness repeat "$short" bench "$REPEAT" release
fi
