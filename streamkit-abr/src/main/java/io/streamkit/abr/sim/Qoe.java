package io.streamkit.abr.sim;

/**
 * The three QoE metrics of the Pensieve study (Mao et al., SIGCOMM 2017, after Yin et al., SIGCOMM
 * 2015): per chunk {@code q(R) − μ·rebuffer − |q(R) − q(R_prev)|}, differing
 * in the utility {@code q} and the rebuffering penalty {@code μ}.
 */
public enum Qoe {
  /** {@code q(R) = R} in Mbit/s, μ = 4.3 (the cost of one second stalled equals the top rung for one second). */
  LIN(4.3),
  /** {@code q(R) = ln(R / R_min)}, μ = 2.66: diminishing returns of higher bitrates. */
  LOG(2.66),
  /** {@code q(R)} = 1, 2, 3, 12, 15, 20 for the six rungs, μ = 8: favours high definition. */
  HD(8);

  private static final double[] HD_UTILITY = {1, 2, 3, 12, 15, 20};

  private final double rebufferPenalty;

  Qoe(double rebufferPenalty) {
    this.rebufferPenalty = rebufferPenalty;
  }

  /** {@return the rebuffering penalty μ, in utility points per second stalled} */
  public double rebufferPenalty() {
    return rebufferPenalty;
  }

  /**
   * {@return the utility of a rung}
   *
   * @param bitratesKbps the ladder in kbit/s, ascending; {@code HD} needs the study's six rungs
   * @param quality the rung, an index into {@code bitratesKbps}
   * @throws IllegalArgumentException for {@code HD} with a ladder of other than six rungs
   */
  public double utility(int[] bitratesKbps, int quality) {
    switch (this) {
      case LIN:
        return bitratesKbps[quality] / 1000.0;
      case LOG:
        return Math.log(bitratesKbps[quality] / (double) bitratesKbps[0]);
      default:
        if (bitratesKbps.length != HD_UTILITY.length) {
          throw new IllegalArgumentException(
              "QoE hd defines utilities for exactly six rungs, the ladder has " + bitratesKbps.length);
        }
        return HD_UTILITY[quality];
    }
  }

  /**
   * {@return one chunk's reward, in the study's order of operations so logs reproduce to the last digit}
   *
   * @param bitratesKbps the ladder in kbit/s, ascending
   * @param quality the chunk's rung
   * @param previousQuality the previous chunk's rung (the same rung for the first chunk: no switch)
   * @param rebufferSeconds the stall before the chunk, in seconds
   * @throws IllegalArgumentException for {@code HD} with a ladder of other than six rungs
   */
  public double reward(int[] bitratesKbps, int quality, int previousQuality, double rebufferSeconds) {
    if (this == LIN) {
      return bitratesKbps[quality] / 1000.0
          - rebufferPenalty * rebufferSeconds
          - Math.abs(bitratesKbps[quality] - bitratesKbps[previousQuality]) / 1000.0;
    }
    double u = utility(bitratesKbps, quality);
    return u - rebufferPenalty * rebufferSeconds - Math.abs(u - utility(bitratesKbps, previousQuality));
  }

  /**
   * Parses a metric's name.
   *
   * @param name {@code lin}, {@code log} or {@code hd}, in any case
   * @return the metric
   * @throws IllegalArgumentException naming the valid names, for any other name
   */
  public static Qoe fromName(String name) {
    for (Qoe qoe : values()) {
      if (qoe.name().equalsIgnoreCase(name)) {
        return qoe;
      }
    }
    throw new IllegalArgumentException("unknown QoE '" + name + "': use lin, log or hd");
  }
}
