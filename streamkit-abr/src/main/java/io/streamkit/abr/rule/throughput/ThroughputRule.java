package io.streamkit.abr.rule.throughput;

import io.streamkit.abr.estimate.EwmaBandwidthEstimator;
import io.streamkit.abr.rule.AbrRule;
import io.streamkit.abr.rule.PlaybackState;

/**
 * Rate-based adaptation as hls.js does it ({@code AbrController.findBestLevel}): estimate bandwidth
 * with {@link EwmaBandwidthEstimator} and pick the highest rung whose bitrate fits under the estimate
 * times a safety factor. The factor is asymmetric — {@link #DEFAULT_UP_FACTOR} to move up,
 * {@link #DEFAULT_DOWN_FACTOR} to stay or move down — so the rule needs clear headroom before it
 * climbs but does not flee a rung at the first dip (the "bwUpFactor"/"bwFactor" pair of hls.js).
 */
public final class ThroughputRule implements AbrRule {

  /** hls.js {@code abrBandWidthUpFactor}. */
  public static final double DEFAULT_UP_FACTOR = 0.7;
  /** hls.js {@code abrBandWidthFactor}. */
  public static final double DEFAULT_DOWN_FACTOR = 0.95;

  private final EwmaBandwidthEstimator estimator;
  private final double upFactor;
  private final double downFactor;

  /** The rule with hls.js's defaults: a fresh {@link EwmaBandwidthEstimator} and the {@code DEFAULT_} factors. */
  public ThroughputRule() {
    this(new EwmaBandwidthEstimator(), DEFAULT_UP_FACTOR, DEFAULT_DOWN_FACTOR);
  }

  /**
   * @param estimator a fresh estimator owned by this rule from now on
   * @param upFactor share of the estimate a higher rung may use, in (0, 1]
   * @param downFactor share of the estimate the current or a lower rung may use, in [upFactor, 1]
   * @throws IllegalArgumentException naming the factor out of range (NaN included)
   */
  public ThroughputRule(EwmaBandwidthEstimator estimator, double upFactor, double downFactor) {
    if (!(upFactor > 0 && upFactor <= 1)) {
      throw new IllegalArgumentException("upFactor must be within (0, 1], was " + upFactor);
    }
    if (!(downFactor >= upFactor && downFactor <= 1)) {
      throw new IllegalArgumentException(
          "downFactor must be within [upFactor (" + upFactor + "), 1], was " + downFactor);
    }
    this.estimator = estimator;
    this.upFactor = upFactor;
    this.downFactor = downFactor;
  }

  @Override
  public int nextQuality(PlaybackState state) {
    estimator.sample(state.lastChunkBytes(), state.lastDownloadSeconds());
    return highestSustainable(state, estimator.estimateBps(), state.lastQuality());
  }

  /** The highest rung the bandwidth sustains under the asymmetric factors; 0 when none does. */
  int highestSustainable(PlaybackState state, double bandwidthBps, int current) {
    for (int q = state.qualityCount() - 1; q > 0; q--) {
      double factor = q <= current ? downFactor : upFactor;
      if (state.bitrateKbps(q) * 1000.0 <= bandwidthBps * factor) {
        return q;
      }
    }
    return 0;
  }

  /** {@return the current bandwidth estimate in bit/s (for rules that combine this one with others)} */
  public double estimateBps() {
    return estimator.estimateBps();
  }
}
