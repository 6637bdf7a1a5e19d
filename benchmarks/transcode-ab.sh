#!/usr/bin/env bash
# Transcode A/B: two builds of `streamkit transcode` on the same sources, taking turns going first, reporting each
# run's wall time, CPU time (user + sys) and peak resident set size, then per source the medians and the median of
# the B/A ratios of the pairs, how many pairs B took less CPU time in, and a two-sided sign test on that count. For a
# change inside the transcode, where a shared 2-core machine's run-to-run spread (up to a fifth of the CPU time) hides
# a few per cent unless the two builds run side by side; four pairs can never pass the test (p >= 0.125), eight all
# one way can (p = 0.008).
#
#   JAR_A=before.jar JAR_B=after.jar benchmarks/transcode-ab.sh              # hello and birds, default ladder, 4 pairs
#   SOURCES="hello birds renpy monitors" LADDER=bench RUNS=6 JAR_A=... JAR_B=... benchmarks/transcode-ab.sh
#
# Sources as in benchmarks/transcode-vs-ffmpeg.sh (60 s 1080p30, made once from Debian sample media).
# Needs: Java 17, Debian's ffmpeg (`apt-get install ffmpeg`), python3 and the sample packages.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR_A=${JAR_A:?set JAR_A and JAR_B to the two streamkit.jar builds}
JAR_B=${JAR_B:?set JAR_A and JAR_B to the two streamkit.jar builds}
JAR=$JAR_A
SOURCES=${SOURCES:-hello birds}
LADDER=${LADDER:-apple}
RUNS=${RUNS:-4}
SEGMENT=6
WORK=${WORK:-benchmarks/target/transcode-bench}

# shellcheck source=benchmarks/transcode-sources.sh
. benchmarks/transcode-sources.sh

results="$WORK/transcode-ab.txt"
: >"$results"
for name in $SOURCES; do
  src=$(source_file "$name")
  for run in $(seq "$RUNS"); do
    order="A B"
    [ $((run % 2)) = 0 ] && order="B A"
    for build in $order; do
      out="$WORK/ab-$build"
      rm -rf "$out"
      jar=$JAR_A
      [ "$build" = B ] && jar=$JAR_B
      JAR=$jar
      line="$name $run $build $(streamkit "$src" "$out" "$LADDER")"
      echo "$line" | tee -a "$results"
    done
  done
done

python3 - "$results" <<'PY'
import math, statistics, sys


def sign_test(cheaper, pairs):
    """Two-sided sign test: how likely a split at least this uneven is if neither build is cheaper."""
    tail = min(cheaper, pairs - cheaper)
    return min(1.0, 2 * sum(math.comb(pairs, i) for i in range(tail + 1)) / 2 ** pairs)


runs = {}
for line in open(sys.argv[1]):
    name, run, build, wall, cpu, rss = line.split()
    runs.setdefault(name, {}).setdefault(int(run), {})[build] = (float(wall), float(cpu), float(rss))
print("| source | A: wall / CPU / peak RSS (median) | B: wall / CPU / peak RSS (median) | B/A wall | B/A CPU "
      "| B/A CPU of each pair | B cheaper | sign test p |")
print("|---|---|---|---:|---:|---|---:|---:|")
every = []
for name, pairs in runs.items():
    done = [p for p in pairs.values() if len(p) == 2]
    med = {b: [statistics.median(p[b][i] for p in done) for i in range(3)] for b in "AB"}
    wall = statistics.median(p["B"][0] / p["A"][0] for p in done)
    cpu = [p["B"][1] / p["A"][1] for p in done]
    every += cpu
    cheaper = sum(r < 1 for r in cpu)
    cell = lambda m: f"{m[0]:.1f} s / {m[1]:.1f} s / {m[2]:.0f} MB"
    print(f"| {name} | {cell(med['A'])} | {cell(med['B'])} | {wall:.3f} | {statistics.median(cpu):.3f} "
          f"| {', '.join(f'{r:.2f}' for r in cpu)} | {cheaper} of {len(cpu)} | {sign_test(cheaper, len(cpu)):.2f} |")
cheaper = sum(r < 1 for r in every)
print(f"| **every pair** | | | | {statistics.median(every):.3f} | | {cheaper} of {len(every)} "
      f"| {sign_test(cheaper, len(every)):.2f} |")
print("A sign test p above 0.05 means these pairs cannot tell the builds apart on CPU time: run more pairs "
      "(RUNS=...) or compare the builds' profiles.")
PY
