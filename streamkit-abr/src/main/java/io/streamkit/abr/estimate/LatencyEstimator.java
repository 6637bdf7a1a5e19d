package io.streamkit.abr.estimate;

/**
 * Time-to-first-byte estimate, after hls.js: an exponentially weighted moving average (9 sample
 * half-life) whose sample weight trusts typical sub-second latencies fully and lets rare multi-second
 * outliers count little. hls.js weighs a sample of {@code t} seconds by {@code √2·e^(−t²/2)}; here the
 * weight is {@code √2 / (1 + x + x²/2)} with {@code x = t²/2}, the same curve within 2 % up to one
 * second and still falling fast beyond (a 4 s outlier weighs 0.034 against ~1.4), so an update costs
 * one {@code exp} instead of two. Samples below 5 ms are raised to 5 ms. Bias-corrected like {@link
 * EwmaBandwidthEstimator}; the default is returned until a sample.
 *
 * <p>A rule that knows the latency can model a download as {@code latency + bytes / bandwidth} and so
 * stop under-rating small chunks, whose duration is mostly round trip.
 */
public final class LatencyEstimator {

  public static final double DEFAULT_HALF_LIFE = 9;
  public static final double DEFAULT_LATENCY_SECONDS = 0.1;
  private static final double MIN_SAMPLE_SECONDS = 0.005;
  private static final double SQRT_2 = Math.sqrt(2);
  private static final double MIN_TOTAL_WEIGHT = 0.001;

  private final double lnAlpha;
  private final double defaultLatency;
  private double average;
  private double totalWeight;
  /** {@code alpha^totalWeight} as a running product, so a read needs no exp. */
  private double decay = 1;

  public LatencyEstimator() {
    this(DEFAULT_HALF_LIFE, DEFAULT_LATENCY_SECONDS);
  }

  /**
   * @param halfLife weight after which a sample's influence halves, positive
   * @param defaultLatencySeconds estimate before any sample, at least 0
   */
  public LatencyEstimator(double halfLife, double defaultLatencySeconds) {
    if (!(halfLife > 0)) {
      throw new IllegalArgumentException("halfLife must be positive, was " + halfLife);
    }
    if (!(defaultLatencySeconds >= 0)) {
      throw new IllegalArgumentException("defaultLatencySeconds must be at least 0, was " + defaultLatencySeconds);
    }
    this.lnAlpha = Math.log(0.5) / halfLife;
    this.defaultLatency = defaultLatencySeconds;
  }

  /** Records one time to first byte in seconds (at least 0). */
  public void sample(double seconds) {
    if (!(seconds >= 0) || seconds == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("latency sample must be finite and at least 0, was " + seconds);
    }
    double x = seconds * seconds / 2;
    double weight = SQRT_2 / (1 + x + x * x / 2);
    double keep = Math.exp(lnAlpha * weight);
    average = Math.max(seconds, MIN_SAMPLE_SECONDS) * (1 - keep) + keep * average;
    totalWeight += weight;
    decay = decay < EwmaBandwidthEstimator.NEGLIGIBLE_DECAY ? 0 : decay * keep; // no subnormal products
  }

  /** Estimated latency in seconds. */
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
