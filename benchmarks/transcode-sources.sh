# Shared by the transcode benchmarks (sourced, not run): the real 60 s 1080p30 sources made from Debian samples, the
# StreamKit CLI, one measured command, and the quality of a rendition against its source. Expects WORK and SEGMENT;
# JAR picks another build of the CLI, SYSTEM_FFMPEG another ffmpeg for the quality measurement. Sources (the first
# four are described in transcode-vs-ffmpeg.sh): hello, birds, renpy, monitors, and grain, the birds footage with
# fresh noise in every frame at 1080p, like film grain: detail that every smaller size loses and every bit buys.

JAR=${JAR:-streamkit-server/target/streamkit.jar}
BENCH_JAR=benchmarks/target/benchmarks.jar
SYSTEM_FFMPEG=${SYSTEM_FFMPEG:-/usr/bin/ffmpeg}

command -v "$SYSTEM_FFMPEG" >/dev/null || { echo "$0: $SYSTEM_FFMPEG not found; apt-get install ffmpeg" >&2; exit 1; }
if [ ! -f "$JAR" ] || [ ! -f "$BENCH_JAR" ]; then
  mvn -B -q -DskipTests package -pl streamkit-server,benchmarks -am
fi
mkdir -p "$WORK"

harness() { java -cp "$BENCH_JAR" io.streamkit.benchmarks.hls.TranscodeHarness "$@"; }
BUNDLED_FFMPEG=$(harness ffmpeg-path)

sample() { # name -> "file filter audio-args"
  case $1 in
    hello) echo "/usr/share/forensics-samples/original-files/movie2/movie-hello.mp4|scale=1920:1080:flags=bicubic|audio" ;;
    birds) echo "/usr/share/wordpress/wp-content/themes/twentytwentytwo/assets/videos/birds.mp4|scale=1920:1080:flags=bicubic|audio" ;;
    renpy) echo "/usr/share/games/renpy/demo/game/oa4_launch.webm|scale=1920:1080:flags=bicubic|audio" ;;
    monitors) echo "/usr/share/help/C/gnome-help/figures/display-dual-monitors.webm|scale=1440:1080:flags=bicubic,pad=1920:1080:-1:-1|silent" ;;
    grain) echo "/usr/share/wordpress/wp-content/themes/twentytwentytwo/assets/videos/birds.mp4|scale=1920:1080:flags=bicubic,noise=alls=12:allf=t|audio" ;;
    *) echo "$0: unknown source $1 (hello, birds, renpy, monitors, grain)" >&2; exit 1 ;;
  esac
}

source_file() { # name -> path of the 60 s 1080p30 source, made if missing
  local out="$WORK/$1-1080p30-60s.mp4" file filter kind
  if [ ! -f "$out" ]; then
    IFS='|' read -r file filter kind <<<"$(sample "$1")"
    [ -f "$file" ] || { echo "$0: $file missing; install its package (see the header)" >&2; exit 1; }
    local audio=(-an)
    [ "$kind" = audio ] && audio=(-c:a aac -b:a 128k -ar 48000 -ac 2)
    "$BUNDLED_FFMPEG" -v error -y -stream_loop -1 -i "$file" -t 60 -vf "$filter,fps=30,format=yuv420p" \
      -c:v libx264 -preset veryfast -b:v 4M -maxrate 4M -bufsize 8M "${audio[@]}" -movflags +faststart "$out"
  fi
  echo "$out"
}

has_audio() { [ -n "$("$SYSTEM_FFMPEG" -hide_banner -i "$1" 2>&1 | grep -m1 'Audio:' || true)" ]; }

# One command, measured: prints "wall cpu rss_mb" (CPU = user + sys of the command and its children).
measured() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
start = time.monotonic()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
wall = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall:.2f} {usage.ru_utime + usage.ru_stime:.2f} {usage.ru_maxrss / 1024:.0f}")
PY
}

streamkit() { # source out ladder
  measured java -jar "$JAR" transcode "$1" --out "$2" --ladder "$3" --segment-seconds $SEGMENT --format fmp4
}

# PSNR (average over Y, U, V) and SSIM (All) of one rung against the source, measured at the source's size (the rung
# scaled up with bicubic, as a player would show it), on every third frame (timestamps from zero on both sides). The
# same measurement for both outputs, and neither output's own scaler is the reference.
quality() { # rung-playlist source
  local size; size=$("$SYSTEM_FFMPEG" -hide_banner -i "$2" 2>&1 | grep -m1 -oE 'Video: .*, [0-9]+x[0-9]+' | grep -oE '[0-9]+x[0-9]+$')
  "$SYSTEM_FFMPEG" -hide_banner -nostats -i "$1" -i "$2" -lavfi \
    "[0:v]setpts=PTS-STARTPTS,select='not(mod(n\,3))',scale=${size/x/:}:flags=bicubic,setsar=1,split[a][b];[1:v]setpts=PTS-STARTPTS,select='not(mod(n\,3))',setsar=1,split[c][d];[a][c]psnr;[b][d]ssim" \
    -f null - 2>&1 | python3 -c "
import re, sys
text = sys.stdin.read()
psnr = re.search(r'PSNR .*average:([0-9.inf]+)', text); ssim = re.search(r'SSIM .*All:([0-9.]+)', text)
print(psnr.group(1) if psnr else 'nan', ssim.group(1) if ssim else 'nan')"
}

