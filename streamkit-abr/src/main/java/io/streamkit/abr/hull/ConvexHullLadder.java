package io.streamkit.abr.hull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Per-title ladder from measured encodes: the rate–quality convex hull across resolutions, and rungs
 * picked along it.
 *
 * <p>Every resolution has its own rate–quality curve; at low rates small resolutions win, at high
 * rates large ones. The best achievable quality at each rate is the upper envelope of all curves, and
 * the operating points worth offering are those on its upper convex hull: a point under the hull is
 * beaten by mixing its two neighbours in time (Shoham and Gersho, "Efficient Bit Allocation for an
 * Arbitrary Set of Quantizers", IEEE Trans. ASSP 1988; applied to ladders by Netflix, "Per-Title Encode
 * Optimization", 2015, and De Cock et al., "Complexity-Based Consistent-Quality Encoding in the Cloud",
 * ICIP 2016). The hull is computed with Andrew's monotone chain over (bit rate, quality).
 *
 * <p>Rungs are then chosen on the hull nearest to bit rates spaced geometrically between its lowest and
 * highest point — Apple's authoring specification asks for adjacent rungs a factor of 1.5 to 2 apart —
 * skipping points closer than {@link Builder#minStepRatio} to the previous rung. Immutable and
 * thread-safe.
 */
public final class ConvexHullLadder {

  /** The most rungs chosen unless set: 6. */
  public static final int DEFAULT_MAX_RUNGS = 6;
  /** The smallest bit-rate ratio between adjacent rungs unless set: 1.3. */
  public static final double DEFAULT_MIN_STEP_RATIO = 1.3;

  private final int maxRungs;
  private final double minStepRatio;

  private ConvexHullLadder(Builder b) {
    this.maxRungs = b.maxRungs;
    this.minStepRatio = b.minStepRatio;
  }

  /** {@return settings with {@link #DEFAULT_MAX_RUNGS} and {@link #DEFAULT_MIN_STEP_RATIO}} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The upper convex hull of the points in ascending bit rate; at each bit rate only the best quality
   * counts, and points that lower quality as the rate rises are dropped.
   *
   * @param points the measured encodes, in any order and across any resolutions
   * @return the hull's points, ascending in bit rate and strictly ascending in quality
   * @throws IllegalArgumentException when there are no points
   */
  public List<EncodePoint> hull(Collection<EncodePoint> points) {
    if (points.isEmpty()) {
      throw new IllegalArgumentException("convex hull: no encode points; measure at least one (resolution, bit rate) encode");
    }
    List<EncodePoint> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparingLong(EncodePoint::bitrateBps).thenComparing(Comparator.comparingDouble(EncodePoint::quality).reversed()));
    List<EncodePoint> hull = new ArrayList<>();
    for (EncodePoint p : sorted) {
      if (!hull.isEmpty() && hull.get(hull.size() - 1).bitrateBps() == p.bitrateBps()) {
        continue; // a lower quality at the same rate
      }
      if (!hull.isEmpty() && p.quality() <= hull.get(hull.size() - 1).quality()) {
        continue; // more bits for no more quality never earns a rung
      }
      while (hull.size() >= 2 && !turnsDown(hull.get(hull.size() - 2), hull.get(hull.size() - 1), p)) {
        hull.remove(hull.size() - 1);
      }
      hull.add(p);
    }
    return List.copyOf(hull);
  }

  /** Whether a → b → c bends downward (b lies strictly above the chord a–c). */
  private static boolean turnsDown(EncodePoint a, EncodePoint b, EncodePoint c) {
    double cross = (double) (b.bitrateBps() - a.bitrateBps()) * (c.quality() - a.quality())
        - (b.quality() - a.quality()) * (double) (c.bitrateBps() - a.bitrateBps());
    return cross < 0;
  }

  /**
   * Chooses at most {@link Builder#maxRungs} rungs on the hull, ascending in bit rate; the hull's
   * lowest and highest points are always included.
   *
   * @param points the measured encodes, in any order and across any resolutions
   * @return the rungs, ascending in bit rate; fewer than {@link Builder#maxRungs} when the hull is short or its
   *     points lie closer than {@link Builder#minStepRatio}
   * @throws IllegalArgumentException when there are no points
   */
  public List<EncodePoint> rungs(Collection<EncodePoint> points) {
    List<EncodePoint> hull = hull(points);
    if (hull.size() <= 1) {
      return hull;
    }
    double low = hull.get(0).bitrateBps();
    double high = hull.get(hull.size() - 1).bitrateBps();
    List<EncodePoint> chosen = new ArrayList<>();
    chosen.add(hull.get(0));
    int targets = Math.min(maxRungs, hull.size());
    for (int i = 1; i < targets - 1; i++) {
      double target = low * Math.pow(high / low, i / (double) (targets - 1));
      EncodePoint nearest = null;
      for (EncodePoint p : hull) {
        if (nearest == null || Math.abs(Math.log(p.bitrateBps() / target)) < Math.abs(Math.log(nearest.bitrateBps() / target))) {
          nearest = p;
        }
      }
      EncodePoint previous = chosen.get(chosen.size() - 1);
      if (nearest.bitrateBps() >= previous.bitrateBps() * minStepRatio
          && high >= nearest.bitrateBps() * minStepRatio) {
        chosen.add(nearest);
      }
    }
    chosen.add(hull.get(hull.size() - 1));
    return List.copyOf(chosen);
  }

  /** Settings; each setter validates at once. */
  public static final class Builder {
    private int maxRungs = DEFAULT_MAX_RUNGS;
    private double minStepRatio = DEFAULT_MIN_STEP_RATIO;

    private Builder() {}

    /**
     * Sets the most rungs to choose; {@link #DEFAULT_MAX_RUNGS} by default.
     *
     * @param rungs 2 to 20
     * @return this builder
     * @throws IllegalArgumentException outside that range
     */
    public Builder maxRungs(int rungs) {
      if (rungs < 2 || rungs > 20) {
        throw new IllegalArgumentException("maxRungs must be within [2, 20], was " + rungs);
      }
      maxRungs = rungs;
      return this;
    }

    /**
     * Sets the smallest bit-rate ratio between adjacent rungs; {@link #DEFAULT_MIN_STEP_RATIO} by default.
     *
     * @param ratio 1.05 to 4
     * @return this builder
     * @throws IllegalArgumentException outside that range
     */
    public Builder minStepRatio(double ratio) {
      if (!(ratio >= 1.05 && ratio <= 4)) {
        throw new IllegalArgumentException("minStepRatio must be within [1.05, 4], was " + ratio);
      }
      minStepRatio = ratio;
      return this;
    }

    /** {@return a ladder chooser with these settings, immutable and thread-safe} */
    public ConvexHullLadder build() {
      return new ConvexHullLadder(this);
    }
  }
}
