package io.streamkit.abr.estimate;

/**
 * Harmonic mean of the last few throughput samples, with the relative error of its own past
 * predictions, as RobustMPC uses them (Yin et al., "A Control-Theoretic Approach for Dynamic Adaptive
 * Video Streaming over HTTP", SIGCOMM 2015: the harmonic mean is robust to outliers, and
 * dividing it by {@code 1 + max recent error} gives a lower bound that holds when the network is as
 * unpredictable as it was recently).
 *
 * <p>Each {@link #sample} first scores the prediction made before it ({@code |prediction − sample| /
 * sample}, 0 when there was none), then joins the window. Fixed-size ring buffers; no allocation after
 * construction. Not thread-safe: one instance per session.
 */
public final class HarmonicMeanEstimator {

  /** RobustMPC's window: five samples, five errors. */
  public static final int DEFAULT_WINDOW = 5;

  /** Reciprocals of the samples: one division per sample, and the mean is then a sum. */
  private final double[] inverses;
  private final double[] errors;
  /** Ring position of the next write, and how many slots hold a sample and the error scored against it. */
  private int next;
  private int sampleCount;
  private double prediction = Double.NaN;

  /** An estimator over RobustMPC's window of {@value #DEFAULT_WINDOW} samples. */
  public HarmonicMeanEstimator() {
    this(DEFAULT_WINDOW);
  }

  /**
   * An estimator over a window of your choice.
   *
   * @param window samples and errors remembered, 1 to 64
   * @throws IllegalArgumentException if {@code window} is out of range
   */
  public HarmonicMeanEstimator(int window) {
    if (window < 1 || window > 64) {
      throw new IllegalArgumentException("window must be within [1, 64], was " + window);
    }
    this.inverses = new double[window];
    this.errors = new double[window];
  }

  /**
   * Adds a throughput sample; the oldest one leaves the window once it is full.
   *
   * @param throughput the measured throughput, in any unit as long as every sample uses the same one; the
   *     estimates come back in that unit
   * @throws IllegalArgumentException when the sample is not positive and finite
   */
  public void sample(double throughput) {
    if (!(throughput > 0) || throughput == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("throughput sample must be positive and finite, was " + throughput);
    }
    double error = Double.isNaN(prediction) ? 0 : Math.abs(prediction - throughput) / throughput;
    errors[next] = error;
    inverses[next] = 1 / throughput;
    next = next + 1 == inverses.length ? 0 : next + 1;
    if (sampleCount < inverses.length) {
      sampleCount++;
    }
    prediction = harmonicMean();
  }

  /** {@return whether at least one sample was seen since construction or the last {@link #reset()}} */
  public boolean hasEstimate() {
    return sampleCount > 0;
  }

  /** {@return the harmonic mean of the remembered samples, in the samples' unit; NaN before the first sample} */
  public double harmonicMean() {
    int n = sampleCount;
    if (n == 0) {
      return Double.NaN;
    }
    // Oldest first, the order RobustMPC's reference script sums in, so results match to the last bit.
    int i = next - n;
    if (i < 0) {
      i += inverses.length;
    }
    double inverseSum = 0;
    for (int k = 0; k < n; k++) {
      inverseSum += inverses[i];
      i = i + 1 == inverses.length ? 0 : i + 1;
    }
    return 1.0 / (inverseSum / n);
  }

  /**
   * {@return the largest relative prediction error among the remembered ones, 0 or more (1 means off by the whole
   * sample); 0 before the second sample}
   */
  public double maxRecentError() {
    double max = 0;
    for (int i = 0; i < sampleCount; i++) {
      max = Math.max(max, errors[i]);
    }
    return max;
  }

  /**
   * {@return RobustMPC's conservative estimate, {@code harmonicMean / (1 + maxRecentError)}, in the samples' unit;
   * NaN before the first sample}
   */
  public double robustEstimate() {
    return harmonicMean() / (1 + maxRecentError());
  }

  /** Forgets everything, as at the start of a session. */
  public void reset() {
    next = 0;
    sampleCount = 0;
    prediction = Double.NaN;
  }
}
