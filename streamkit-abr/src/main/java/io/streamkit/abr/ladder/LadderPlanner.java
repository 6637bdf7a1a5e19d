package io.streamkit.abr.ladder;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fits an authored {@link Ladder} to one source.
 *
 * <p>Rules, after Apple's HLS Authoring Specification for Apple Devices:
 *
 * <ul>
 *   <li>never upscale: rungs whose short side exceeds the source's are dropped; if that drops all of them, one
 *       rendition at the source's own size remains (with the smallest rung's bitrate), so every source gets a title;
 *   <li>keep the display aspect ratio [1.33]: the long side follows from the source's display aspect ratio, both
 *       sides rounded to even numbers (4:2:0 chroma needs them), pixels square;
 *   <li>portrait sources (including those made portrait by a rotation tag, which the caller has applied) put the
 *       rung's short side on the width;
 *   <li>frame rate: the source's, capped at the rung's maximum (60, and 30 for rungs of {@value
 *       Rung#SMALL_RUNG_SHORT_SIDE}p or less) by keeping every n-th frame [1.19];
 *   <li>bitrate: the rung's target, but never above what the source itself spends on that many pixels — the
 *       source bitrate scaled by the pixel ratio to the power {@value #PIXEL_BITRATE_EXPONENT} (bits grow slower
 *       than pixels) — since re-encoding cannot add detail the source does not carry;
 *   <li>renditions that come out the same size as a larger rung are dropped.
 * </ul>
 */
public final class LadderPlanner {

  /** Exponent of the pixel-count ratio used to scale the source's bitrate into a per-rung cap. */
  public static final double PIXEL_BITRATE_EXPONENT = 0.75;
  /** VBV maximum rate relative to the target; Apple allows peaks up to 200% of the average [1.23]. */
  public static final double MAX_RATE_FACTOR = 1.5;

  private LadderPlanner() {}

  /**
   * Fits a ladder to a source by the rules above.
   *
   * @param ladder the authored ladder
   * @param source what the source is like
   * @return the renditions to encode, largest first; at least one
   */
  public static List<PlannedRendition> plan(Ladder ladder, SourceVideo source) {
    List<PlannedRendition> planned = new ArrayList<>();
    Set<String> sizes = new HashSet<>();
    for (Rung rung : ladder.rungs()) {
      if (rung.shortSide() > source.shortSide()) {
        continue;
      }
      addIfNewSize(planned, sizes, fit(rung, rung.shortSide(), source));
    }
    if (planned.isEmpty()) {
      Rung smallest = ladder.rungs().get(ladder.rungs().size() - 1);
      addIfNewSize(planned, sizes, fit(smallest, source.shortSide(), source));
    }
    return List.copyOf(planned);
  }

  private static void addIfNewSize(List<PlannedRendition> planned, Set<String> sizes, PlannedRendition rendition) {
    if (sizes.add(rendition.width() + "x" + rendition.height())) {
      planned.add(rendition);
    }
  }

  private static PlannedRendition fit(Rung rung, int shortSide, SourceVideo source) {
    int shortEven = Math.max(2, shortSide & ~1);
    double aspect = source.portrait() ? 1 / source.aspectRatio() : source.aspectRatio();
    int longEven = Math.max(2, (int) Math.round(shortEven * aspect / 2.0) * 2);
    int width = source.portrait() ? shortEven : longEven;
    int height = source.portrait() ? longEven : shortEven;
    FrameRate rate = source.frameRate().capAt(rung.maxFrameRate());
    long bitrate = rung.videoBitrate();
    if (source.videoBitrate() > 0) {
      double pixelRatio = (double) width * height / ((double) source.displayWidth() * source.displayHeight());
      long cap = (long) (source.videoBitrate() * Math.pow(Math.min(1, pixelRatio), PIXEL_BITRATE_EXPONENT));
      bitrate = Math.max(Rung.MIN_BITRATE, Math.min(bitrate, cap));
    }
    return new PlannedRendition(rung.name(), width, height, rate, bitrate, (long) (bitrate * MAX_RATE_FACTOR));
  }
}
