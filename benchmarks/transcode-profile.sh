#!/usr/bin/env bash
# Transcode profile: where each thread of `streamkit transcode` spends its CPU, for one or more builds on the same
# source, sampled by async-profiler (every 2 ms of CPU, by thread). Each rung's worker thread scales and encodes its
# rung, so its samples in libavfilter/libswscale are that rung's scaling and those in libavcodec its x264 encoding
# (these natives link x264 into libavcodec); the main thread's libavcodec samples are the source's decoder and the
# AAC encoder. For a change of a few per cent that side-by-side runs cannot resolve on a machine whose speed drifts
# (benchmarks/transcode-ab.sh): the ratio of one thread's scaling to its encoding does not drift with the machine.
#
#   JARS="before.jar after.jar" benchmarks/transcode-profile.sh                # hello, default ladder
#   JARS="streamkit-server/target/streamkit.jar" SOURCE=birds LADDER=bench benchmarks/transcode-profile.sh
#
# The threads x264 starts itself, for a rung encoded on more than one thread (1080p on two cores), are not sampled.
# async-profiler comes from Maven Central (tools.profiler:async-profiler) into WORK on the first run; x86-64 Linux.
# Sources as in benchmarks/transcode-vs-ffmpeg.sh. Needs: Java 17, Maven, Debian's ffmpeg, python3, the samples.
set -euo pipefail
cd "$(dirname "$0")/.."

JARS=${JARS:-streamkit-server/target/streamkit.jar}
SOURCE=${SOURCE:-hello}
LADDER=${LADDER:-apple}
SEGMENT=6
WORK=${WORK:-benchmarks/target/transcode-bench}
PROFILER_VERSION=4.1

# shellcheck source=benchmarks/transcode-sources.sh
. benchmarks/transcode-sources.sh

profiler="$WORK/async-profiler-$PROFILER_VERSION/linux-x64/libasyncProfiler.so"
if [ ! -f "$profiler" ]; then
  mvn -B -q dependency:copy -Dartifact="tools.profiler:async-profiler:$PROFILER_VERSION" \
    -DoutputDirectory="$WORK/async-profiler-$PROFILER_VERSION"
  (cd "$WORK/async-profiler-$PROFILER_VERSION" && unzip -q -o "async-profiler-$PROFILER_VERSION.jar" 'linux-x64/*')
fi

src=$(source_file "$SOURCE")
profiles=()
for jar in $JARS; do
  profile="$WORK/profile-$((${#profiles[@]} + 1)).collapsed"
  rm -rf "$WORK/out-profile"
  java "-agentpath:$profiler=start,event=cpu,interval=2ms,threads,collapsed,file=$profile" -jar "$jar" \
    transcode "$src" --out "$WORK/out-profile" --ladder "$LADDER" --segment-seconds $SEGMENT --format fmp4 >/dev/null
  profiles+=("$jar=$profile")
done
rm -rf "$WORK/out-profile"

python3 - "${profiles[@]}" <<'PY'
import collections, re, sys


def kind(frame):
    if "libavfilter" in frame or "libswscale" in frame or "libzimg" in frame:
        return "scaling"
    if "libavcodec" in frame:
        return "codec"
    if frame.endswith("_[k]"):
        return "kernel"
    return "other"


print("Samples (2 ms of CPU each) by thread: scaling / codec (x264 in a rung's thread, the decoder and AAC in main) "
      "/ kernel / other")
for argument in sys.argv[1:]:
    jar, path = argument.split("=", 1)
    threads = collections.defaultdict(collections.Counter)
    for line in open(path):
        stack, count = line.rsplit(" ", 1)
        frames = stack.split(";")
        thread = re.sub(r" tid=\d+", "", frames[0]).strip("[]")
        threads[thread][kind(frames[-1])] += int(count)
    rungs = sorted((t for t in threads if t.startswith("streamkit-encode-") and t[17:-1].isdigit()),
                   key=lambda t: -int(t[17:-1]))
    print(f"\n{jar}: {sum(sum(c.values()) for c in threads.values())} samples")
    print("| thread | scaling | codec | kernel | other |")
    print("|---|---:|---:|---:|---:|")
    for thread in rungs + ["main"] + [t for t in ("streamkit-encode-audio",) if t in threads]:
        c = threads[thread]
        print(f"| {thread} | {c['scaling']} | {c['codec']} | {c['kernel']} | {c['other']} |")
    jit = sum(sum(c.values()) for t, c in threads.items() if "Compiler" in t)
    scaling = sum(threads[t]["scaling"] for t in rungs)
    codec = sum(threads[t]["codec"] for t in rungs)
    print(f"JIT compiler threads: {jit}; rung threads' scaling / encoding: {scaling / max(codec, 1):.3f}")
PY
