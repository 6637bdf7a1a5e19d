package io.streamkit.abr.estimate;

/**
 * Time-to-first-byte estimate, as hls.js keeps it: an exponentially weighted moving average (half-life
 * 9 units of sample weight) whose sample weight {@code √2·e^(−t²/2)} (t in seconds) trusts typical sub-second
 * latencies fully and lets rare multi-second outliers count little. Samples below 5 ms are raised to
 * 5 ms. Bias-corrected like {@link EwmaBandwidthEstimator}; the default is returned until a sample.
 *
 * <p>Both exponentials of an update have small arguments for typical samples (below 0.5 for the
 * weight when t is under a second, below 0.11 for the decay), where a degree-6 Taylor polynomial is
 * accurate to 5·10⁻⁶ and 10⁻¹⁰ and costs a few multiplications instead of {@code Math.exp}; larger
 * arguments fall back to {@link StrictMath#exp}, fdlibm's algorithm, which is also what JavaScript engines run for
 * {@code Math.exp}: the player page's port of {@code StreamKitRule} computes the same estimate to the last bit.
 *
 * <p>A rule that knows the latency can model a download as {@code latency + bytes / bandwidth} and so
 * stop under-rating small chunks, whose duration is mostly round trip.
 */
public final class LatencyEstimator {

  /**
   * hls.js's half-life (its slow bandwidth half-life, reused), 9 units of sample weight: a sub-second sample weighs
   * about 1.4, so a sample's influence halves after about six more.
   */
  public static final double DEFAULT_HALF_LIFE = 9;
  /** hls.js's default, the estimate before any sample: 100 ms. */
  public static final double DEFAULT_LATENCY_SECONDS = 0.1;
  private static final double MIN_SAMPLE_SECONDS = 0.005;
  private static final double SQRT_2 = Math.sqrt(2);
  private static final double SMALL_ARGUMENT = 0.5;
  private static final double MIN_TOTAL_WEIGHT = 0.001;

  private final double lnAlpha;
  private final double defaultLatency;
  private double average;
  private double totalWeight;
  /** {@code alpha^totalWeight} as a running product, so a read needs no exp. */
  private double decay = 1;

  /** An estimator with the defaults above. */
  public LatencyEstimator() {
    this(DEFAULT_HALF_LIFE, DEFAULT_LATENCY_SECONDS);
  }

  /**
   * @param halfLife total sample weight after which a sample's influence halves, positive
   * @param defaultLatencySeconds estimate before any sample, at least 0
   * @throws IllegalArgumentException naming the parameter out of range (NaN included)
   */
  public LatencyEstimator(double halfLife, double defaultLatencySeconds) {
    if (!(halfLife > 0)) {
      throw new IllegalArgumentException("halfLife must be positive, was " + halfLife);
    }
    if (!(defaultLatencySeconds >= 0)) {
      throw new IllegalArgumentException("defaultLatencySeconds must be at least 0, was " + defaultLatencySeconds);
    }
    this.lnAlpha = StrictMath.log(0.5) / halfLife;
    this.defaultLatency = defaultLatencySeconds;
  }

  /**
   * Records one time to first byte.
   *
   * @param seconds request sent to first byte received, in seconds, at least 0
   * @throws IllegalArgumentException if {@code seconds} is negative, NaN or infinite
   */
  public void sample(double seconds) {
    if (!(seconds >= 0) || seconds == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("latency sample must be finite and at least 0, was " + seconds);
    }
    double weight = SQRT_2 * exp(-seconds * seconds / 2);
    double keep = exp(lnAlpha * weight);
    average = Math.max(seconds, MIN_SAMPLE_SECONDS) * (1 - keep) + keep * average;
    totalWeight += weight;
    decay = decay < EwmaBandwidthEstimator.NEGLIGIBLE_DECAY ? 0 : decay * keep; // no subnormal products
  }

  /** {@code e^y}: Taylor polynomial for |y| < 0.5, {@link StrictMath#exp} beyond. */
  private static double exp(double y) {
    if (y > -SMALL_ARGUMENT && y < SMALL_ARGUMENT) {
      return 1 + y * (1 + y * (1.0 / 2 + y * (1.0 / 6 + y * (1.0 / 24 + y * (1.0 / 120 + y * (1.0 / 720))))));
    }
    return StrictMath.exp(y);
  }

  /** {@return the estimated time to first byte in seconds, or the default before any sample} */
  public double estimateSeconds() {
    if (totalWeight < MIN_TOTAL_WEIGHT) {
      return defaultLatency;
    }
    return average / (1 - decay);
  }

  /** Forgets all samples. */
  public void reset() {
    average = 0;
    totalWeight = 0;
    decay = 1;
  }
}
