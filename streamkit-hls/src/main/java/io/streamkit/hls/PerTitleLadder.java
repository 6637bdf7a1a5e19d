package io.streamkit.hls;

import io.streamkit.abr.hull.ConvexHullLadder;
import io.streamkit.abr.hull.EncodePoint;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.LadderPlanner;
import io.streamkit.abr.ladder.PlannedRendition;
import io.streamkit.abr.ladder.Rung;
import io.streamkit.abr.ladder.SourceVideo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A title's own ladder, chosen from the trial encodes of a {@link LadderProbe}: each authored rung keeps its quality
 * (the luma PSNR its size reached at its bitrate, capped at {@value #QUALITY_CEILING_DB} dB) and gets the size that
 * reaches that quality with the fewest bits, among the sizes on the rate–quality convex hull of all trial encodes
 * (Shoham and Gersho 1988, applied to ladders by Netflix's "Per-Title Encode Optimization", 2015; see {@link
 * ConvexHullLadder}).
 *
 * <p>Between and a little beyond its two trial encodes, a size's quality is taken to grow linearly with the logarithm
 * of its bitrate, as PSNR does over a factor of two or so. A rate needed above {@value #MAX_EXTRAPOLATION} times the
 * higher trial rate is out of that size's reach; one below the lower trial rate divided by it is rounded up to that
 * bound, spending bits rather than risking quality. Easy content saves in two ways: a larger size reaches a rung's
 * quality with fewer bits than the rung's own size, and a rung whose size would reach more than the ceiling spends
 * only what the ceiling needs. Hard content keeps the authored bitrates, since its own size at its own rate is always
 * a choice.
 *
 * <p>The top rung keeps its size: a viewer on a large screen still gets the title's full resolution, and no title
 * comes out smaller than its authored top, even where a smaller size would score as well (a soft or scaled-up
 * source). One rung per size below it (the planner keeps one rendition per size), sizes and bitrates both falling
 * from rung to rung; a rung that cannot be placed below the one above it is left out.
 */
final class PerTitleLadder {

  /**
   * Quality no rung is asked to exceed, in dB of luma PSNR against the source: beyond it H.264's coding artefacts
   * are no longer what a viewer notices, and bits spent there are wasted.
   */
  static final double QUALITY_CEILING_DB = 45;
  /** How far beyond its trial rates a size's rate–quality line is trusted, as a factor of rate. */
  static final double MAX_EXTRAPOLATION = 2;
  /**
   * Sources shorter than this, in seconds, keep the candidate rungs as they are: the probe's one scene would cost
   * more than a quarter of their encode.
   */
  static final double MIN_PROBED_SOURCE_SECONDS = 20;

  private static final Logger LOG = LoggerFactory.getLogger(PerTitleLadder.class);

  private PerTitleLadder() {}

  /**
   * {@return the ladder to transcode {@code input} with: {@code ladder} itself unless it is {@link
   * Ladder#isPerTitle() per title}; else the title's own, from a probe of the source}
   *
   * @throws java.util.concurrent.CancellationException once {@code control} says so
   */
  static Ladder forTitle(Path input, MediaInfo info, Ladder ladder, SourceVideo source, String preset,
      JobControl control) {
    if (!ladder.isPerTitle()) {
      return ladder;
    }
    if (info.durationSeconds() < MIN_PROBED_SOURCE_SECONDS) { // an unknown duration is 0
      LOG.info("{}: {} s is too short to pay for a per-title probe; its ladder is the candidates of {}", input,
          Math.round(info.durationSeconds()), ladder.name());
      return ladder;
    }
    long started = System.nanoTime();
    List<PlannedRendition> planned = LadderPlanner.plan(ladder, source);
    List<LadderProbe.Point> points = LadderProbe.measure(input, info, planned, preset, control);
    for (LadderProbe.Point point : points) {
      LOG.debug("{}: probe {} given {} bit/s spent {} bit/s: {} dB", input, point.rendition().name(), point.target(),
          point.bitrate(), String.format(Locale.ROOT, "%.2f", point.psnr()));
    }
    Ladder chosen = choose(ladder, points);
    LOG.info("{}: per-title ladder {} from {} probe scenes in {} s", input, chosen.rungs().stream()
        .map(r -> r.name() + " " + r.videoBitrate() / 1000 + "k").toList(),
        LadderProbe.sceneCount(info.durationSeconds()),
        String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
    return chosen;
  }

  /**
   * Chooses the title's rungs.
   *
   * @param candidates the per-title ladder, whose rungs the candidate renditions were planned from
   * @param points each candidate rendition's trial encodes: two per rendition, at different rates
   * @return the title's ladder, named as {@code candidates}, with fixed rungs
   */
  static Ladder choose(Ladder candidates, List<LadderProbe.Point> points) {
    Map<String, Curve> curves = new LinkedHashMap<>();
    for (LadderProbe.Point point : points) {
      curves.computeIfAbsent(point.rendition().name(), name -> new Curve(point.rendition())).add(point);
    }
    Set<String> onHull = new HashSet<>();
    List<EncodePoint> encodes = points.stream().map(p -> new EncodePoint(p.rendition().width(),
        p.rendition().height(), p.bitrate(), p.psnr())).toList();
    for (EncodePoint hullPoint : ConvexHullLadder.builder().build().hull(encodes)) {
      for (LadderProbe.Point point : points) {
        if (point.bitrate() == hullPoint.bitrateBps() && point.psnr() == hullPoint.quality()) {
          onHull.add(point.rendition().name());
        }
      }
    }
    List<Rung> chosen = new ArrayList<>();
    Set<String> used = new HashSet<>();
    long previousPixels = Long.MAX_VALUE;
    double previousRate = Double.MAX_VALUE;
    for (Curve rung : curves.values()) {
      double target = Math.min(rung.qualityAtPlannedRate(), QUALITY_CEILING_DB);
      Curve best = null;
      double bestRate = Double.NaN;
      for (Curve size : curves.values()) {
        boolean eligible = !used.contains(size.name()) && size.pixels() <= previousPixels
            && (size == rung || !chosen.isEmpty() && onHull.contains(size.name()));
        double rate = eligible ? size.rateFor(target) : Double.NaN;
        if (!Double.isNaN(rate) && (best == null || rate < bestRate)) {
          best = size;
          bestRate = rate;
        }
      }
      if (best == null || bestRate >= previousRate) {
        continue;
      }
      Rung authored = rung(candidates, best.name());
      chosen.add(new Rung(authored.name(), authored.shortSide(),
          Math.max(Rung.MIN_BITRATE, Math.round(best.targetFor(bestRate))), authored.maxFrameRate()));
      used.add(best.name());
      previousPixels = best.pixels();
      previousRate = bestRate;
    }
    return new Ladder(candidates.name(), chosen);
  }

  private static Rung rung(Ladder ladder, String name) {
    return ladder.rungs().stream().filter(r -> r.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no rung " + name + " in " + ladder));
  }

  /** One size's trial encodes, as a straight line of quality over the logarithm of bitrate. */
  private static final class Curve {
    private final PlannedRendition rendition;
    private final List<LadderProbe.Point> points = new ArrayList<>();

    Curve(PlannedRendition rendition) {
      this.rendition = rendition;
    }

    void add(LadderProbe.Point point) {
      points.add(point);
      points.sort((a, b) -> Long.compare(a.bitrate(), b.bitrate()));
    }

    String name() {
      return rendition.name();
    }

    long pixels() {
      return (long) rendition.width() * rendition.height();
    }

    double qualityAtPlannedRate() {
      return points.stream().max(Comparator.comparingLong(LadderProbe.Point::target)).orElseThrow().psnr();
    }

    /**
     * {@return the target to give the encoder for {@code rate} actually spent} The encoder over- or undershoots a
     * target by a factor that depends on the content (static content leaves most of a high target unspent); the
     * trials measured it at two targets, and between them it is interpolated over the logarithm of rate. A rung whose
     * own size keeps its own quality thus gets exactly its authored target.
     */
    double targetFor(double rate) {
      LadderProbe.Point low = points.get(0);
      LadderProbe.Point high = points.get(points.size() - 1);
      double lowRatio = (double) low.target() / low.bitrate();
      double highRatio = (double) high.target() / high.bitrate();
      if (high.bitrate() <= low.bitrate() || rate <= low.bitrate()) {
        return rate * lowRatio;
      }
      if (rate >= high.bitrate()) {
        return rate * highRatio;
      }
      double at = Math.log(rate / low.bitrate()) / Math.log((double) high.bitrate() / low.bitrate());
      return rate * Math.exp(Math.log(lowRatio) + at * (Math.log(highRatio) - Math.log(lowRatio)));
    }

    /** {@return the bitrate this size needs for {@code quality}, or NaN beyond its reach} */
    double rateFor(double quality) {
      LadderProbe.Point low = points.get(0);
      LadderProbe.Point high = points.get(points.size() - 1);
      double floor = low.bitrate() / MAX_EXTRAPOLATION;
      if (high.bitrate() <= low.bitrate() || high.psnr() <= low.psnr()) {
        return quality <= Math.max(low.psnr(), high.psnr()) ? low.bitrate() : Double.NaN;
      }
      double slope = (high.psnr() - low.psnr()) / Math.log((double) high.bitrate() / low.bitrate());
      double rate = low.bitrate() * Math.exp((quality - low.psnr()) / slope);
      if (rate > high.bitrate() * MAX_EXTRAPOLATION) {
        return Double.NaN;
      }
      return Math.max(floor, rate);
    }
  }
}
