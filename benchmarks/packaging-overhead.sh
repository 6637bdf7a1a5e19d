#!/usr/bin/env bash
# What the packaging breadth costs in the transcode (streamkit-hls/README.md: DASH manifest, I-frame playlists of
# every IDR, storyboards, subtitles, every audio track), side by side in one run:
#
#   base  `streamkit transcode` built from BASE_REF, the last commit before that packaging: HLS only, one I-frame
#         entry per segment, no DASH manifest, no storyboard, no subtitles;
#   hls+  this checkout with `--storyboard-interval off` and no subtitles: HLS, DASH manifest, I-frame playlists of
#         every IDR (each segment rewritten so every IDR opens a fragment);
#   all   this checkout with the automatic storyboard and a sidecar SubRip file (`--subtitles subs.srt:en`, a cue
#         every 2 s): everything a packaged title gets.
#
# The three run in turn (base, hls+, all) RUNS times for each source, timing wall and CPU (user + system) seconds.
#
#   benchmarks/packaging-overhead.sh                  # 2 rounds per source
#   RUNS=3 SECONDS_PER_SOURCE=60 benchmarks/packaging-overhead.sh
#
# Sources: the Debian sample videos (docs in the test-media notes) looped to SECONDS_PER_SOURCE with the bundled
# ffmpeg: movie-hello.mp4 (H.264 1280x720 30 fps, forensics-samples-files), oa4_launch.webm (VP8 640x360 24 fps,
# renpy-demo), display-dual-monitors.webm (VP8 1024x768 15 fps, gnome-user-docs). Prints Markdown on stdout,
# progress on stderr. Needs: Java 17, Maven, git; builds both jars.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-2}
SECONDS_PER_SOURCE=${SECONDS_PER_SOURCE:-30}
# The last commit before DASH manifests, per-IDR I-frame playlists, storyboards, subtitles and audio tracks.
BASE_REF=${BASE_REF:-e7a3a9c}
JAR=streamkit-server/target/streamkit.jar
SOURCES=(
  /usr/share/forensics-samples/original-files/movie2/movie-hello.mp4
  /usr/share/games/renpy/demo/game/oa4_launch.webm
  /usr/share/help/C/gnome-help/figures/display-dual-monitors.webm
)

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
for s in "${SOURCES[@]}"; do
  [ -f "$s" ] || { echo "packaging-overhead: $s is missing; apt-get install forensics-samples-files renpy-demo gnome-user-docs" >&2; exit 1; }
done
if [ ! -f "$JAR" ]; then
  log "building $JAR"
  mvn -B -q -DskipTests package -pl streamkit-server -am
fi

WORK=$(mktemp -d -t streamkit-packaging-bench.XXXXXX)
cleanup() {
  git worktree remove --force "$WORK/base-src" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

log "building the base jar from $BASE_REF"
git worktree add -q --detach "$WORK/base-src" "$BASE_REF"
(cd "$WORK/base-src" && mvn -B -q -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package \
  -pl streamkit-server -am)
BASE_JAR=$WORK/base.jar
cp "$WORK/base-src/streamkit-server/target/streamkit.jar" "$BASE_JAR"
FFMPEG=$(java -cp "$JAR" benchmarks/src/main/java/io/streamkit/benchmarks/server/BundledFfmpeg.java)

# Runs a command; prints "wall cpu" in seconds (cpu = user + system of the command and its children, as bash's
# time keyword reports them).
timed() {
  local TIMEFORMAT='%R %U %S' times
  times=$( { time "$@" >/dev/null 2>"$WORK/last.err"; } 2>&1 ) || { cat "$WORK/last.err" >&2; exit 1; }
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' <<<"$times"
}

# A SubRip file with a two-second cue every two seconds of the source.
SUBS=$WORK/subs.srt
: >"$SUBS"
for i in $(seq 0 $((SECONDS_PER_SOURCE / 2 - 1))); do
  printf '%d\n00:%02d:%02d,000 --> 00:%02d:%02d,900\nLine %d of the benchmark subtitles\n\n' \
    $((i + 1)) $((i * 2 / 60)) $((i * 2 % 60)) $(((i * 2 + 1) / 60)) $(((i * 2 + 1) % 60)) $((i + 1)) >>"$SUBS"
done

echo "## Packaging overhead, $(date -u +%Y-%m-%d), $(nproc) cores, load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "Default ladder, x264 veryfast, ${SECONDS_PER_SOURCE} s per source; base = $BASE_REF."
echo
echo "| source | run | base wall | base CPU | hls+ wall | hls+ CPU | all wall | all CPU | all/base wall | all/base CPU |"
echo "|---|---|---|---|---|---|---|---|---|---|"
sizes=()
for source in "${SOURCES[@]}"; do
  name=$(basename "$source")
  looped=$WORK/${name%.*}-${SECONDS_PER_SOURCE}s.mkv
  log "looping $name to $SECONDS_PER_SOURCE s"
  "$FFMPEG" -v error -y -stream_loop -1 -i "$source" -t "$SECONDS_PER_SOURCE" -c copy "$looped"
  for run in $(seq 1 "$RUNS"); do
    rm -rf "$WORK/base" "$WORK/plus" "$WORK/all"
    log "$name run $run: base"
    read -r bw bc < <(timed java -jar "$BASE_JAR" transcode "$looped" --out "$WORK/base")
    log "$name run $run: hls+"
    read -r pw pc < <(timed java -jar "$JAR" transcode "$looped" --out "$WORK/plus" --storyboard-interval off)
    log "$name run $run: all"
    read -r aw ac < <(timed java -jar "$JAR" transcode "$looped" --out "$WORK/all" --subtitles "$SUBS:en")
    [ -f "$WORK/all/manifest.mpd" ] && [ -f "$WORK/all/storyboard/storyboard.vtt" ] \
      && [ -f "$WORK/all/subtitles/en/index.m3u8" ] \
      || { echo "packaging-overhead: $WORK/all lacks the DASH manifest, storyboard or subtitles" >&2; exit 1; }
    awk -v n="$name" -v r="$run" -v bw="$bw" -v bc="$bc" -v pw="$pw" -v pc="$pc" -v aw="$aw" -v ac="$ac" \
      'BEGIN { printf "| %s | %d | %.2f s | %.2f s | %.2f s | %.2f s | %.2f s | %.2f s | %.3f× | %.3f× |\n",
        n, r, bw, bc, pw, pc, aw, ac, aw / bw, ac / bc }'
  done
  sizes+=("| $name | $(du -sb "$WORK/base" | cut -f1) | $(du -sb "$WORK/all" | cut -f1) | $(stat -c %s "$WORK/all/manifest.mpd") | $(du -sb "$WORK/all/storyboard" | cut -f1) | $(du -sb "$WORK/all/subtitles" | cut -f1) |")
done
echo
echo "Bytes of each source's title in its last run:"
echo
echo "| source | base title | all title | DASH manifest | storyboard | subtitles |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${sizes[@]}"
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
