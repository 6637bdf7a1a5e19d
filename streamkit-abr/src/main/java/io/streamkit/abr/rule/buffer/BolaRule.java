package io.streamkit.abr.rule.buffer;

import io.streamkit.abr.estimate.EwmaBandwidthEstimator;
import io.streamkit.abr.rule.AbrRule;
import io.streamkit.abr.rule.PlaybackState;

/**
 * BOLA (Spiteri, Urgaonkar, Sitaraman, "BOLA: Near-Optimal Bitrate Adaptation for Online Videos",
 * INFOCOM 2016) with the parameterisation of dash.js's {@code BolaRule}: each rung's
 * utility is {@code ln(r_i / r_0) + 1}; the Lyapunov parameters are {@code gp = (u_max − 1) /
 * (bufferTarget / 10 s − 1)} and {@code Vp = 10 s / gp} with {@code bufferTarget = max(stable buffer,
 * 10 s + 2 s per rung)}; the rung chosen maximises {@code (Vp·(u_i + gp) − buffer) / r_i} (the last
 * maximum wins, as in dash.js).
 *
 * <p>BOLA-O (from the same paper; dash.js's steady state) damps oscillation: when the buffer asks
 * for a rung above the last one that the measured throughput could not sustain, stay at the higher of
 * the last rung and the throughput-safe rung. The first decision, with only one chunk buffered, is
 * throughput based as in dash.js's start-up state.
 */
public final class BolaRule implements AbrRule {

  /** dash.js {@code stableBufferTime} default, 12 s. */
  public static final double DEFAULT_STABLE_BUFFER_SECONDS = 12;
  /** dash.js {@code bandwidthSafetyFactor}, 0.9. */
  public static final double DEFAULT_SAFETY_FACTOR = 0.9;
  private static final double MINIMUM_BUFFER_SECONDS = 10;
  private static final double BUFFER_PER_RUNG_SECONDS = 2;

  private final EwmaBandwidthEstimator estimator = new EwmaBandwidthEstimator();
  private final double stableBufferSeconds;
  private final double safetyFactor;
  private double[] utilities;
  private double[] inverseKbps;
  private double gp;
  private double vp;
  private boolean steady;

  /** BOLA with dash.js's defaults ({@code DEFAULT_} constants). */
  public BolaRule() {
    this(DEFAULT_STABLE_BUFFER_SECONDS, DEFAULT_SAFETY_FACTOR);
  }

  /**
   * @param stableBufferSeconds buffer BOLA aims to hold, positive (raised to 10 s + 2 s per rung)
   * @param safetyFactor share of the bandwidth estimate BOLA-O treats as sustainable, in (0, 1]
   * @throws IllegalArgumentException naming the parameter out of range (NaN included)
   */
  public BolaRule(double stableBufferSeconds, double safetyFactor) {
    if (!(stableBufferSeconds > 0)) {
      throw new IllegalArgumentException("stableBufferSeconds must be positive, was " + stableBufferSeconds);
    }
    if (!(safetyFactor > 0 && safetyFactor <= 1)) {
      throw new IllegalArgumentException("safetyFactor must be within (0, 1], was " + safetyFactor);
    }
    this.stableBufferSeconds = stableBufferSeconds;
    this.safetyFactor = safetyFactor;
  }

  @Override
  public int nextQuality(PlaybackState state) {
    if (utilities == null) {
      parameterise(state);
    }
    estimator.sample(state.lastChunkBytes(), state.lastDownloadSeconds());
    int throughputQuality = sustainable(state, estimator.estimateBps() * safetyFactor);
    if (!steady) {
      steady = true;
      return throughputQuality;
    }
    int quality = bufferQuality(state, state.bufferSeconds());
    int last = state.lastQuality();
    if (quality > last && quality > throughputQuality) {
      quality = Math.max(throughputQuality, last);
    }
    return quality;
  }

  /** BOLA's choice for a buffer level, without the oscillation damping. */
  int bufferQuality(PlaybackState state, double bufferSeconds) {
    int quality = 0;
    double score = Double.NEGATIVE_INFINITY;
    for (int q = 0; q < utilities.length; q++) {
      double s = (vp * (utilities[q] + gp) - bufferSeconds) * inverseKbps[q];
      if (s >= score) {
        score = s;
        quality = q;
      }
    }
    return quality;
  }

  private static int sustainable(PlaybackState state, double bps) {
    for (int q = state.qualityCount() - 1; q > 0; q--) {
      if (state.bitrateKbps(q) * 1000.0 <= bps) {
        return q;
      }
    }
    return 0;
  }

  private void parameterise(PlaybackState state) {
    int n = state.qualityCount();
    utilities = new double[n];
    inverseKbps = new double[n];
    for (int q = 0; q < n; q++) {
      utilities[q] = Math.log(state.bitrateKbps(q) / (double) state.bitrateKbps(0)) + 1;
      inverseKbps[q] = 1.0 / state.bitrateKbps(q);
    }
    double bufferTarget = Math.max(stableBufferSeconds, MINIMUM_BUFFER_SECONDS + BUFFER_PER_RUNG_SECONDS * n);
    gp = n > 1 ? (utilities[n - 1] - 1) / (bufferTarget / MINIMUM_BUFFER_SECONDS - 1) : 1;
    vp = MINIMUM_BUFFER_SECONDS / gp;
  }
}
