package io.streamkit.abr.sim;

/**
 * The three QoE metrics of the Pensieve study (Mao et al., SIGCOMM 2017, section 5.1, after Yin et
 * al., SIGCOMM 2015, equation 5): per chunk {@code q(R) − μ·rebuffer − |q(R) − q(R_prev)|}, differing
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

  /** Rebuffering penalty μ per second stalled. */
  public double rebufferPenalty() {
    return rebufferPenalty;
  }

  /**
   * Utility of a rung.
   *
   * @param bitratesKbps the ladder, ascending; {@code HD} needs the study's six rungs
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

  /** One chunk's reward, in the study's order of operations so logs reproduce to the last digit. */
  public double reward(int[] bitratesKbps, int quality, int previousQuality, double rebufferSeconds) {
    if (this == LIN) {
      return bitratesKbps[quality] / 1000.0
          - rebufferPenalty * rebufferSeconds
          - Math.abs(bitratesKbps[quality] - bitratesKbps[previousQuality]) / 1000.0;
    }
    double u = utility(bitratesKbps, quality);
    return u - rebufferPenalty * rebufferSeconds - Math.abs(u - utility(bitratesKbps, previousQuality));
  }

  /** Parses {@code lin}, {@code log} or {@code hd}. */
  public static Qoe fromName(String name) {
    for (Qoe qoe : values()) {
      if (qoe.name().equalsIgnoreCase(name)) {
        return qoe;
      }
    }
    throw new IllegalArgumentException("unknown QoE '" + name + "': use lin, log or hd");
  }
}
