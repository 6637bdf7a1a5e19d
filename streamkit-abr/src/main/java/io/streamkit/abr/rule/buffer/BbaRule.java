package io.streamkit.abr.rule.buffer;

import io.streamkit.abr.rule.AbrRule;
import io.streamkit.abr.rule.PlaybackState;

/**
 * Buffer-based adaptation, BBA-0 (Huang, Johari, McKeown, Trunnell, Watson, "A Buffer-Based Approach
 * to Rate Adaptation: Evidence from a Large Video Streaming Service", SIGCOMM 2014): below
 * the reservoir pick the lowest rung, above reservoir + cushion the highest, and in between follow a
 * linear rate map of the buffer. No throughput estimate at all: the buffer is the signal.
 *
 * <p>The map is linear in the rung index, {@code floor((n − 1)·(buffer − reservoir)/cushion)}, as
 * the Pensieve study's BB baseline ({@code test/bb.py}) implements it; that is what makes its
 * published logs reproducible.
 */
public final class BbaRule implements AbrRule {

  /** The study's reservoir, 5 s. */
  public static final double DEFAULT_RESERVOIR_SECONDS = 5;
  /** The study's cushion, 10 s. */
  public static final double DEFAULT_CUSHION_SECONDS = 10;

  private final double reservoir;
  private final double cushion;

  /** BBA-0 with the study's reservoir and cushion ({@code DEFAULT_} constants). */
  public BbaRule() {
    this(DEFAULT_RESERVOIR_SECONDS, DEFAULT_CUSHION_SECONDS);
  }

  /**
   * @param reservoirSeconds buffer below which the lowest rung is chosen, at least 0
   * @param cushionSeconds span of the linear map above the reservoir, positive
   * @throws IllegalArgumentException naming the parameter out of range (NaN included)
   */
  public BbaRule(double reservoirSeconds, double cushionSeconds) {
    if (!(reservoirSeconds >= 0)) {
      throw new IllegalArgumentException("reservoirSeconds must be at least 0, was " + reservoirSeconds);
    }
    if (!(cushionSeconds > 0)) {
      throw new IllegalArgumentException("cushionSeconds must be positive, was " + cushionSeconds);
    }
    this.reservoir = reservoirSeconds;
    this.cushion = cushionSeconds;
  }

  @Override
  public int nextQuality(PlaybackState state) {
    double buffer = state.bufferSeconds();
    int top = state.qualityCount() - 1;
    if (buffer < reservoir) {
      return 0;
    }
    if (buffer >= reservoir + cushion) {
      return top;
    }
    return (int) (top * (buffer - reservoir) / cushion);
  }
}
