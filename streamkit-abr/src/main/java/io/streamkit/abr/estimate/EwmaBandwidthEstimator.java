package io.streamkit.abr.estimate;

/**
 * Bandwidth estimate from two exponentially weighted moving averages, as hls.js keeps it ({@code
 * EwmaBandWidthEstimator}): a fast and a slow average whose weights are the samples' download
 * durations, so a long download counts more than a short one; the estimate is the smaller of the two,
 * which drops quickly and recovers slowly.
 *
 * <p>Each average starts at zero and is divided by {@code 1 − α^totalWeight} (the start-up bias
 * correction of Adam, Kingma and Ba, ICLR 2015), so the first samples are not pulled toward zero.
 * Downloads shorter than {@link #DEFAULT_MIN_SAMPLE_SECONDS} count as that long: sub-50 ms fetches
 * measure latency, not bandwidth. Until the first sample the default estimate is returned.
 *
 * <p>O(1) and allocation-free per sample. Not thread-safe: one instance per session.
 */
public final class EwmaBandwidthEstimator {

  /** hls.js VoD default ({@code abrEwmaFastVoD}): the fast average's half-life, 3 s of download. */
  public static final double DEFAULT_FAST_HALF_LIFE_SECONDS = 3;
  /** hls.js VoD default ({@code abrEwmaSlowVoD}): the slow average's half-life, 9 s of download. */
  public static final double DEFAULT_SLOW_HALF_LIFE_SECONDS = 9;
  /** hls.js default ({@code abrEwmaDefaultEstimate}): the estimate before any sample, 500 kbit/s. */
  public static final double DEFAULT_ESTIMATE_BPS = 500_000;
  /** hls.js's minimum sample duration, 50 ms: shorter downloads count as this long. */
  public static final double DEFAULT_MIN_SAMPLE_SECONDS = 0.05;
  private static final double MIN_TOTAL_WEIGHT = 0.001;
  static final double NEGLIGIBLE_DECAY = 1e-20;

  private final double lnFastAlpha;
  private final double lnSlowAlpha;
  /** slow/fast half-life ratio when it is a small integer (3 for hls.js), else 0. */
  private final int halfLifeRatio;
  private final double defaultEstimate;
  private final double minSampleSeconds;
  private double fast;
  private double slow;
  private double totalWeight;
  /** {@code slowAlpha^totalWeight} and {@code fastAlpha^totalWeight}, kept as running products so a read needs no exp. */
  private double slowDecay = 1;
  private double fastDecay = 1;

  /** An estimator with hls.js's VoD defaults (the {@code DEFAULT_} constants). */
  public EwmaBandwidthEstimator() {
    this(DEFAULT_FAST_HALF_LIFE_SECONDS, DEFAULT_SLOW_HALF_LIFE_SECONDS, DEFAULT_ESTIMATE_BPS, DEFAULT_MIN_SAMPLE_SECONDS);
  }

  /**
   * @param fastHalfLifeSeconds seconds of download after which a sample's weight halves in the fast average, positive
   * @param slowHalfLifeSeconds the same for the slow average, at least the fast one
   * @param defaultEstimateBps estimate before any sample, positive
   * @param minSampleSeconds shortest download counted at its own duration, at least 0
   * @throws IllegalArgumentException naming the first parameter out of range (NaN included)
   */
  public EwmaBandwidthEstimator(
      double fastHalfLifeSeconds, double slowHalfLifeSeconds, double defaultEstimateBps, double minSampleSeconds) {
    if (!(fastHalfLifeSeconds > 0)) {
      throw new IllegalArgumentException("fastHalfLifeSeconds must be positive, was " + fastHalfLifeSeconds);
    }
    if (!(slowHalfLifeSeconds >= fastHalfLifeSeconds)) {
      throw new IllegalArgumentException(
          "slowHalfLifeSeconds must be at least fastHalfLifeSeconds (" + fastHalfLifeSeconds + "), was " + slowHalfLifeSeconds);
    }
    if (!(defaultEstimateBps > 0)) {
      throw new IllegalArgumentException("defaultEstimateBps must be positive, was " + defaultEstimateBps);
    }
    if (!(minSampleSeconds >= 0)) {
      throw new IllegalArgumentException("minSampleSeconds must be at least 0, was " + minSampleSeconds);
    }
    this.lnFastAlpha = Math.log(0.5) / fastHalfLifeSeconds;
    this.lnSlowAlpha = Math.log(0.5) / slowHalfLifeSeconds;
    double ratio = slowHalfLifeSeconds / fastHalfLifeSeconds;
    this.halfLifeRatio = ratio == Math.rint(ratio) && ratio <= 8 ? (int) ratio : 0;
    this.defaultEstimate = defaultEstimateBps;
    this.minSampleSeconds = minSampleSeconds;
  }

  /**
   * Records one download.
   *
   * @param bytes payload size, positive
   * @param seconds download duration (request to last byte), at least 0 (a cache hit may take no
   *     measurable time; it counts as the minimum sample duration)
   * @throws IllegalArgumentException if {@code bytes} is not positive or {@code seconds} is negative, NaN or
   *     infinite
   */
  public void sample(long bytes, double seconds) {
    if (bytes <= 0 || !(seconds >= 0) || seconds == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(
          "a bandwidth sample needs positive bytes and finite, non-negative seconds, was " + bytes + " bytes in " + seconds + " s");
    }
    double weight = Math.max(seconds, minSampleSeconds);
    double bitsPerSecond = bytes * 8.0 / weight;
    double slowKeep = Math.exp(lnSlowAlpha * weight);
    double fastKeep = fastPower(slowKeep, weight);
    fast = bitsPerSecond * (1 - fastKeep) + fastKeep * fast;
    slow = bitsPerSecond * (1 - slowKeep) + slowKeep * slow;
    totalWeight += weight;
    // Past 1e-20 the correction 1 − decay is exactly 1; flushing to zero keeps the products out of
    // subnormal range, where multiplication is a hundred times slower.
    slowDecay = slowDecay < NEGLIGIBLE_DECAY ? 0 : slowDecay * slowKeep;
    fastDecay = fastDecay < NEGLIGIBLE_DECAY ? 0 : fastDecay * fastKeep;
  }

  /** {@return whether any sample was recorded since construction or the last {@link #reset()}} */
  public boolean hasEstimate() {
    return totalWeight >= MIN_TOTAL_WEIGHT;
  }

  /**
   * {@return the estimated bandwidth in bit/s: the smaller bias-corrected average, or the default before any
   * sample}
   */
  public double estimateBps() {
    if (!hasEstimate()) {
      return defaultEstimate;
    }
    double fastEstimate = fast / (1 - fastDecay);
    double slowEstimate = slow / (1 - slowDecay);
    return Math.min(fastEstimate, slowEstimate);
  }

  /**
   * {@code fastAlpha^weight} given {@code slowAlpha^weight}: when the half-lives are in a small integer
   * ratio {@code k}, {@code fastAlpha = slowAlpha^k}, so a few multiplications replace a second {@code
   * exp} (the update's main cost).
   */
  private double fastPower(double slowPower, double weight) {
    if (halfLifeRatio == 0) {
      return Math.exp(lnFastAlpha * weight);
    }
    double result = slowPower;
    for (int i = 1; i < halfLifeRatio; i++) {
      result *= slowPower;
    }
    return result;
  }

  /** Forgets all samples. */
  public void reset() {
    fast = 0;
    slow = 0;
    totalWeight = 0;
    slowDecay = 1;
    fastDecay = 1;
  }
}
