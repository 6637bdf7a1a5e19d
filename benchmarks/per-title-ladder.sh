#!/usr/bin/env bash
# Per-title ladder benchmark: `streamkit transcode --ladder auto` against the fixed Apple ladder (`--ladder apple`) on
# the real sources of the transcode benchmark (60 s, 1080p30, made from Debian samples; see transcode-sources.sh).
# For each source and ladder: wall and CPU time of the whole transcode (the probe included for auto), the probe's own
# wall time (from the transcode's log line), every video rendition's bit rate (its segment bytes over the duration)
# and its PSNR / SSIM against the source, measured like transcode-vs-ffmpeg.sh does. Then per source: the title's
# video bytes, the Bjøntegaard delta rate of auto against apple (average bit-rate difference at equal PSNR over the
# overlapping range, from piecewise-linear curves of PSNR over log rate), the top rendition's quality on both, and
# the probe's share of the fixed ladder's transcode time.
#
#   benchmarks/per-title-ladder.sh                          # 4 sources
#   SOURCES="renpy birds" benchmarks/per-title-ladder.sh
#
# Needs: Java 17, Maven, Debian's ffmpeg (quality only), python3, and the sample packages of transcode-vs-ffmpeg.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

SOURCES=${SOURCES:-hello birds renpy monitors}
SEGMENT=6
WORK=${WORK:-benchmarks/target/transcode-bench}

# shellcheck source=benchmarks/transcode-sources.sh
. benchmarks/transcode-sources.sh

RESULTS="$WORK/per-title.txt"
: > "$RESULTS"
for name in $SOURCES; do
  src=$(source_file "$name")
  for ladder in apple auto; do
    out="$WORK/out-$ladder"
    rm -rf "$out"
    read -r wall cpu rss <<<"$(STREAMKIT_LOG_LEVEL=info streamkit "$src" "$out" "$ladder" 2> "$WORK/log-$ladder.txt")"
    probe=$(grep -oE 'probe scenes in [0-9.]+ s' "$WORK/log-$ladder.txt" | grep -oE '[0-9.]+' || echo 0)
    echo "== $name $ladder: ${wall} s wall, ${cpu} s CPU, ${rss} MB, probe ${probe} s"
    echo "run $name $ladder $wall $cpu $probe" >> "$RESULTS"
    for playlist in $(grep -E '^[^#].*/index.m3u8$' "$out/master.m3u8" | grep -v '^audio' | sort -u); do
      rung=${playlist%/index.m3u8}
      bytes=$(cat "$out/$rung"/*.m4s "$out/$rung"/*.mp4 2>/dev/null | wc -c)
      seconds=$(grep -oE '^#EXTINF:[0-9.]+' "$out/$playlist" | cut -d: -f2 | paste -sd+ | bc)
      read -r psnr ssim <<<"$(quality "$out/$playlist" "$src")"
      echo "  $rung: $((bytes * 8 / ${seconds%.*} / 1000)) kbit/s, PSNR $psnr dB, SSIM $ssim"
      echo "rung $name $ladder $rung $bytes $seconds $psnr $ssim" >> "$RESULTS"
    done
  done
done
rm -rf "$WORK/out-apple" "$WORK/out-auto"

python3 - "$RESULTS" <<'PY'
import collections, math, sys
runs, rungs = {}, collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    if f[0] == "run":
        runs[(f[1], f[2])] = [float(x) for x in f[3:]]
    else:
        _, name, ladder, rung, size, seconds, psnr, ssim = f
        rungs[(name, ladder)].append((int(size) * 8 / float(seconds), float(psnr), float(ssim), rung, int(size)))

def log_rate_at(curve, q):  # curve: [(rate, psnr)] ascending in psnr
    for (r0, q0), (r1, q1) in zip(curve, curve[1:]):
        if q0 <= q <= q1:
            return math.log(r0) + (math.log(r1) - math.log(r0)) * ((q - q0) / (q1 - q0) if q1 > q0 else 0)
    return None

def bd_rate(a, b):  # average rate of b relative to a at equal PSNR, over the overlapping PSNR range
    ca = sorted((r, q) for r, q, *_ in a); cb = sorted((r, q) for r, q, *_ in b)
    ca = sorted(ca, key=lambda p: p[1]); cb = sorted(cb, key=lambda p: p[1])
    low, high = max(ca[0][1], cb[0][1]), min(ca[-1][1], cb[-1][1])
    if high <= low:
        return None
    steps = 200
    diffs = [log_rate_at(cb, low + (high - low) * i / steps) - log_rate_at(ca, low + (high - low) * i / steps)
             for i in range(steps + 1)]
    return math.exp(sum(diffs) / len(diffs)) - 1

print("\nsource | apple: rungs, video MB, wall / CPU | auto: rungs, video MB, wall / CPU, probe | bytes saved"
      " | BD-rate (PSNR) | top rung PSNR / SSIM apple -> auto | probe / apple wall")
for name in dict.fromkeys(n for n, _ in runs):
    a, b = rungs[(name, "apple")], rungs[(name, "auto")]
    wa, ca, _ = runs[(name, "apple")]; wb, cb, probe = runs[(name, "auto")]
    ma, mb = sum(x[4] for x in a) / 1e6, sum(x[4] for x in b) / 1e6
    ta, tb = max(a), max(b)
    bd = bd_rate(a, b)
    print(f"{name} | {len(a)}, {ma:.1f} MB, {wa:.1f} / {ca:.1f} s | {len(b)}, {mb:.1f} MB, {wb:.1f} / {cb:.1f} s,"
          f" {probe:.1f} s | {1 - mb / ma:+.1%} | {'n/a' if bd is None else f'{bd:+.1%}'}"
          f" | {ta[1]:.2f} / {ta[2]:.4f} -> {tb[1]:.2f} / {tb[2]:.4f} | {probe / wa:.1%}")
PY
