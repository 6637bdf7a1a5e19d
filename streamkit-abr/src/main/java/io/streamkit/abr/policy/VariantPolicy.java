package io.streamkit.abr.policy;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Decides, per playback session, which variants a master playlist lists and which one it lists first,
 * and which variant a client should fetch next.
 *
 * <p>Filtering, in order: the token's maximum height is a hard limit (a plan that allows 720p never
 * sees 1080p; when no variant fits, nothing is allowed and the server should refuse the session). A
 * known screen height drops variants taller than the smallest variant that already covers the screen
 * — more pixels than the screen has only cost bandwidth. A constrained network (cellular, metered,
 * {@code Save-Data}) drops variants whose peak exceeds {@link Builder#constrainedPeakBps}. Device
 * hints are soft: the lowest variant the token allows always survives them.
 *
 * <p>Ordering: players start with the first variant a master playlist lists (Apple's players do, and
 * hls.js starts at its {@code firstLevel}, the first variant in manifest order, unless told
 * otherwise), so the start variant comes first: the highest one whose peak fits under {@link
 * Builder#startSafetyFactor} times the throughput estimate (the harmonic mean of recent samples, which
 * one fast outlier cannot inflate; Jiang, Sekar, Zhang, FESTIVE, CoNEXT 2012), or under the
 * default start bandwidth without samples. The rest follow in ascending bandwidth.
 *
 * <p>Immutable and thread-safe: build one per title and share it. The per-request calls allocate
 * nothing; they fill a caller-supplied {@code int[]}.
 */
public final class VariantPolicy {

  /** No height limit from the token. */
  public static final int NO_HEIGHT_LIMIT = Integer.MAX_VALUE;
  /** Share of the throughput estimate the start variant's peak may use. */
  public static final double DEFAULT_START_SAFETY_FACTOR = 0.7;
  /** Assumed throughput without samples: hls.js's default estimate, 500 kbit/s. */
  public static final double DEFAULT_START_BANDWIDTH_BPS = 500_000;
  /** Largest peak bit rate on a constrained network: 1.5 Mbit/s, about 540p in Apple's ladder. */
  public static final long DEFAULT_CONSTRAINED_PEAK_BPS = 1_500_000;
  /** Share of the throughput a higher variant's average may use before recommending a climb. */
  public static final double DEFAULT_UP_FACTOR = 0.7;
  /** Share of the throughput the current or a lower variant's average may use. */
  public static final double DEFAULT_DOWN_FACTOR = 0.9;
  /** Buffer, in seconds, below which the recommendation never climbs. */
  public static final double DEFAULT_CLIMB_BUFFER_SECONDS = 10;
  /** Buffer, in seconds, below which the recommendation falls to what a halved throughput sustains. */
  public static final double DEFAULT_PANIC_BUFFER_SECONDS = 4;

  private final int[] index;
  private final int[] height;
  private final long[] peak;
  private final long[] average;
  private final double startSafety;
  private final double startBandwidth;
  private final long constrainedPeak;
  private final double upFactor;
  private final double downFactor;
  private final double climbBuffer;
  private final double panicBuffer;

  private VariantPolicy(Builder b) {
    Variant[] sorted = b.variants.toArray(new Variant[0]);
    Arrays.sort(sorted, Comparator.comparingLong(Variant::peakBandwidthBps).thenComparingInt(Variant::height));
    int n = sorted.length;
    index = new int[n];
    height = new int[n];
    peak = new long[n];
    average = new long[n];
    for (int i = 0; i < n; i++) {
      index[i] = sorted[i].index();
      height[i] = sorted[i].height();
      peak[i] = sorted[i].peakBandwidthBps();
      average[i] = sorted[i].averageBandwidthBps();
    }
    startSafety = b.startSafetyFactor;
    startBandwidth = b.startBandwidthBps;
    constrainedPeak = b.constrainedPeakBps;
    upFactor = b.upFactor;
    downFactor = b.downFactor;
    climbBuffer = b.climbBufferSeconds;
    panicBuffer = b.panicBufferSeconds;
  }

  /**
   * {@return settings for a policy over a title's variants, with the {@code DEFAULT_} constants}
   *
   * @param variants every variant of the title, in any order, indices unique
   * @throws IllegalArgumentException if the list is {@code null} or empty, or indices repeat
   */
  public static Builder builder(List<Variant> variants) {
    return new Builder(variants);
  }

  /** {@return the number of variants; an output array of this length always suffices} */
  public int size() {
    return index.length;
  }

  /**
   * The variants a session may use, start variant first, as caller indices.
   *
   * @param maxHeight the token's height limit in pixels, or {@link #NO_HEIGHT_LIMIT}
   * @param hints what the client said about itself, or {@link DeviceHints#NONE}
   * @param throughputSamplesBps recent throughput samples in bit/s (only the first {@code sampleCount} are read;
   *     samples that are not positive and finite are skipped); may be empty
   * @param sampleCount how many samples to read, 0 to {@code throughputSamplesBps.length}
   * @param out receives the variant indices; at least {@link #size()} long
   * @return how many indices were written; 0 when the token allows no variant
   * @throws IllegalArgumentException if {@code out} is too short or {@code sampleCount} out of range
   */
  public int allowedVariants(int maxHeight, DeviceHints hints, double[] throughputSamplesBps, int sampleCount, int[] out) {
    return allowedVariants(maxHeight, hints, harmonicMean(throughputSamplesBps, sampleCount), out);
  }

  /**
   * As {@link #allowedVariants(int, DeviceHints, double[], int, int[])} with a throughput estimate in
   * bit/s, or {@code Double.NaN} when there is none.
   *
   * @param maxHeight the token's height limit in pixels, or {@link #NO_HEIGHT_LIMIT}
   * @param hints what the client said about itself, or {@link DeviceHints#NONE}
   * @param throughputBps the throughput estimate in bit/s; NaN, 0 or less means none, and
   *     {@link Builder#startBandwidthBps} is assumed
   * @param out receives the variant indices, start variant first; at least {@link #size()} long
   * @return how many indices were written; 0 when the token allows no variant
   * @throws IllegalArgumentException if {@code out} is too short
   */
  public int allowedVariants(int maxHeight, DeviceHints hints, double throughputBps, int[] out) {
    if (out.length < index.length) {
      throw new IllegalArgumentException("out must hold " + index.length + " variants, has room for " + out.length);
    }
    int screenCap = Integer.MAX_VALUE;
    if (hints.screenHeight() > 0) {
      // The smallest height that covers the screen; if none does, the tallest.
      int cover = Integer.MAX_VALUE;
      int tallest = 0;
      for (int i = 0; i < height.length; i++) {
        if (height[i] >= hints.screenHeight()) {
          cover = Math.min(cover, height[i]);
        }
        tallest = Math.max(tallest, height[i]);
      }
      screenCap = cover == Integer.MAX_VALUE ? tallest : cover;
    }
    long peakCap = hints.constrained() ? constrainedPeak : Long.MAX_VALUE;
    int count = 0;
    int lowestByToken = -1;
    for (int i = 0; i < index.length; i++) {
      if (height[i] > maxHeight) {
        continue;
      }
      if (lowestByToken < 0) {
        lowestByToken = i;
      }
      if (height[i] <= screenCap && peak[i] <= peakCap) {
        out[count++] = i;
      }
    }
    if (count == 0 && lowestByToken >= 0) {
      out[count++] = lowestByToken;
    }
    // out holds sorted positions in ascending peak; pick the start and move it to the front.
    double budget = (Double.isNaN(throughputBps) || throughputBps <= 0 ? startBandwidth : throughputBps) * startSafety;
    int start = 0;
    for (int k = 0; k < count; k++) {
      if (peak[out[k]] <= budget) {
        start = k;
      }
    }
    int startPosition = out[start];
    System.arraycopy(out, 0, out, 1, start);
    out[0] = startPosition;
    for (int k = 0; k < count; k++) {
      out[k] = index[out[k]];
    }
    return count;
  }

  /**
   * The variant to fetch next, by caller index: drop at once to what the throughput sustains (to what
   * half of it sustains when the buffer is nearly empty), climb at most one variant and only with a
   * buffer of at least the climb level ({@link Builder#bufferLevels}) and clear headroom.
   *
   * @param currentIndex the caller index of the variant being played
   * @param throughputBps the throughput estimate in bit/s, or NaN when there is none (then
   *     {@link Builder#startBandwidthBps} is assumed)
   * @param bufferSeconds media buffered ahead of the play head, in seconds
   * @param maxHeight the token's height limit in pixels, or {@link #NO_HEIGHT_LIMIT}
   * @return the caller index of the variant to fetch next
   * @throws IllegalArgumentException when {@code currentIndex} names no variant
   */
  public int recommendNext(int currentIndex, double throughputBps, double bufferSeconds, int maxHeight) {
    int current = -1;
    for (int i = 0; i < index.length; i++) {
      if (index[i] == currentIndex) {
        current = i;
      }
    }
    if (current < 0) {
      throw new IllegalArgumentException("no variant has index " + currentIndex);
    }
    double throughput = Double.isNaN(throughputBps) ? startBandwidth : throughputBps;
    double budget = throughput * (bufferSeconds < panicBuffer ? downFactor / 2 : downFactor);
    int sustainable = highestWithin(budget, maxHeight, current);
    if (sustainable < current || !(bufferSeconds >= climbBuffer)) {
      return index[Math.min(sustainable, current)];
    }
    int up = current + 1;
    while (up < index.length && height[up] > maxHeight) {
      up++;
    }
    if (up < index.length && average[up] <= throughput * upFactor) {
      return index[up];
    }
    return index[current];
  }

  /**
   * {@link #recommendNext(int, double, double, int)} without a height limit.
   *
   * @param currentIndex the caller index of the variant being played
   * @param throughputBps the throughput estimate in bit/s, or NaN when there is none
   * @param bufferSeconds media buffered ahead of the play head, in seconds
   * @return the caller index of the variant to fetch next
   * @throws IllegalArgumentException when {@code currentIndex} names no variant
   */
  public int recommendNext(int currentIndex, double throughputBps, double bufferSeconds) {
    return recommendNext(currentIndex, throughputBps, bufferSeconds, NO_HEIGHT_LIMIT);
  }

  /** The highest sorted position whose average fits the budget and the height limit; the lowest allowed otherwise. */
  private int highestWithin(double budget, int maxHeight, int fallback) {
    int best = -1;
    int lowest = -1;
    for (int i = 0; i < index.length; i++) {
      if (height[i] > maxHeight) {
        continue;
      }
      if (lowest < 0) {
        lowest = i;
      }
      if (average[i] <= budget) {
        best = i;
      }
    }
    if (best >= 0) {
      return best;
    }
    return lowest >= 0 ? lowest : fallback;
  }

  private static double harmonicMean(double[] samples, int count) {
    if (count < 0 || count > samples.length) {
      throw new IllegalArgumentException("sampleCount must be within [0, " + samples.length + "], was " + count);
    }
    double inverseSum = 0;
    int used = 0;
    for (int i = 0; i < count; i++) {
      if (samples[i] > 0 && samples[i] < Double.POSITIVE_INFINITY) {
        inverseSum += 1 / samples[i];
        used++;
      }
    }
    return used == 0 ? Double.NaN : used / inverseSum;
  }

  /** Settings; each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private final List<Variant> variants;
    private double startSafetyFactor = DEFAULT_START_SAFETY_FACTOR;
    private double startBandwidthBps = DEFAULT_START_BANDWIDTH_BPS;
    private long constrainedPeakBps = DEFAULT_CONSTRAINED_PEAK_BPS;
    private double upFactor = DEFAULT_UP_FACTOR;
    private double downFactor = DEFAULT_DOWN_FACTOR;
    private double climbBufferSeconds = DEFAULT_CLIMB_BUFFER_SECONDS;
    private double panicBufferSeconds = DEFAULT_PANIC_BUFFER_SECONDS;

    private Builder(List<Variant> variants) {
      if (variants == null || variants.isEmpty()) {
        throw new IllegalArgumentException("a variant policy needs at least one variant");
      }
      long distinct = variants.stream().mapToInt(Variant::index).distinct().count();
      if (distinct != variants.size()) {
        throw new IllegalArgumentException("variant indices must be unique; " + variants.size() + " variants share " + distinct + " indices");
      }
      this.variants = List.copyOf(variants);
    }

    /**
     * Sets the share of the throughput estimate the start variant's peak may use;
     * {@link #DEFAULT_START_SAFETY_FACTOR} by default.
     *
     * @param factor in (0, 1]
     * @return this builder
     * @throws IllegalArgumentException outside that range
     */
    public Builder startSafetyFactor(double factor) {
      if (!(factor > 0 && factor <= 1)) {
        throw new IllegalArgumentException("startSafetyFactor must be within (0, 1], was " + factor);
      }
      startSafetyFactor = factor;
      return this;
    }

    /**
     * Sets the throughput assumed without samples; {@link #DEFAULT_START_BANDWIDTH_BPS} by default.
     *
     * @param bps positive bit/s
     * @return this builder
     * @throws IllegalArgumentException if {@code bps} is not positive
     */
    public Builder startBandwidthBps(double bps) {
      if (!(bps > 0)) {
        throw new IllegalArgumentException("startBandwidthBps must be positive, was " + bps);
      }
      startBandwidthBps = bps;
      return this;
    }

    /**
     * Sets the largest peak allowed on a constrained network; {@link #DEFAULT_CONSTRAINED_PEAK_BPS} by default.
     *
     * @param bps positive bit/s
     * @return this builder
     * @throws IllegalArgumentException if {@code bps} is not positive
     */
    public Builder constrainedPeakBps(long bps) {
      if (bps <= 0) {
        throw new IllegalArgumentException("constrainedPeakBps must be positive, was " + bps);
      }
      constrainedPeakBps = bps;
      return this;
    }

    /**
     * Sets the shares of throughput a variant's average may use: a higher variant to climb to, and the current or a
     * lower one to stay at; {@link #DEFAULT_UP_FACTOR} and {@link #DEFAULT_DOWN_FACTOR} by default.
     *
     * @param up the share for climbing, {@code 0 < up <= down}
     * @param down the share for staying, {@code up <= down <= 1}
     * @return this builder
     * @throws IllegalArgumentException unless {@code 0 < up <= down <= 1}
     */
    public Builder factors(double up, double down) {
      if (!(up > 0 && up <= down && down <= 1)) {
        throw new IllegalArgumentException("factors need 0 < up <= down <= 1, were up " + up + " and down " + down);
      }
      upFactor = up;
      downFactor = down;
      return this;
    }

    /**
     * Sets the buffer levels: below {@code panic} fall hard, below {@code climb} never climb;
     * {@link #DEFAULT_PANIC_BUFFER_SECONDS} and {@link #DEFAULT_CLIMB_BUFFER_SECONDS} by default.
     *
     * @param panicSeconds the panic level in seconds, {@code 0 <= panic <= climb}
     * @param climbSeconds the climb level in seconds
     * @return this builder
     * @throws IllegalArgumentException unless {@code 0 <= panic <= climb}
     */
    public Builder bufferLevels(double panicSeconds, double climbSeconds) {
      if (!(panicSeconds >= 0 && climbSeconds >= panicSeconds)) {
        throw new IllegalArgumentException(
            "buffer levels need 0 <= panic <= climb, were panic " + panicSeconds + " and climb " + climbSeconds);
      }
      panicBufferSeconds = panicSeconds;
      climbBufferSeconds = climbSeconds;
      return this;
    }

    /** {@return the policy, immutable and thread-safe} */
    public VariantPolicy build() {
      return new VariantPolicy(this);
    }
  }
}
