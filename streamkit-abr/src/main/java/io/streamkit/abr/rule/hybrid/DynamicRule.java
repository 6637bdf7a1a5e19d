package io.streamkit.abr.rule.hybrid;

import io.streamkit.abr.rule.AbrRule;
import io.streamkit.abr.rule.PlaybackState;
import io.streamkit.abr.rule.buffer.BolaRule;
import io.streamkit.abr.rule.throughput.ThroughputRule;

/**
 * dash.js's DYNAMIC strategy (Spiteri, Sitaraman, Sparacio, "From Theory to Practice: Improving
 * Bitrate Adaptation in the DASH Reference Player", MMSys 2018): throughput rules react
 * well while the buffer is short, BOLA is better once a buffer exists. Use {@link ThroughputRule}
 * until the buffer reaches the switch-on level and {@link BolaRule} until it falls below the
 * switch-off level; the gap between the two levels is hysteresis against flapping.
 *
 * <p>Both inner rules see every chunk, so the one taking over has current estimates.
 */
public final class DynamicRule implements AbrRule {

  /** dash.js: switch to BOLA at the stable buffer time, 12 s. */
  public static final double DEFAULT_SWITCH_ON_SECONDS = 12;
  /** dash.js: back to throughput below half of it, 6 s. */
  public static final double DEFAULT_SWITCH_OFF_SECONDS = 6;

  private final ThroughputRule throughput = new ThroughputRule();
  private final BolaRule bola = new BolaRule();
  private final double switchOn;
  private final double switchOff;
  private boolean bolaActive;

  /** DYNAMIC with dash.js's switch levels ({@code DEFAULT_} constants) and default inner rules. */
  public DynamicRule() {
    this(DEFAULT_SWITCH_ON_SECONDS, DEFAULT_SWITCH_OFF_SECONDS);
  }

  /**
   * @param switchOnSeconds buffer at which BOLA takes over, positive
   * @param switchOffSeconds buffer below which throughput takes back over, in [0, switchOnSeconds]
   * @throws IllegalArgumentException naming the parameter out of range (NaN included)
   */
  public DynamicRule(double switchOnSeconds, double switchOffSeconds) {
    if (!(switchOnSeconds > 0)) {
      throw new IllegalArgumentException("switchOnSeconds must be positive, was " + switchOnSeconds);
    }
    if (!(switchOffSeconds >= 0 && switchOffSeconds <= switchOnSeconds)) {
      throw new IllegalArgumentException(
          "switchOffSeconds must be within [0, switchOnSeconds (" + switchOnSeconds + ")], was " + switchOffSeconds);
    }
    this.switchOn = switchOnSeconds;
    this.switchOff = switchOffSeconds;
  }

  @Override
  public int nextQuality(PlaybackState state) {
    int byThroughput = throughput.nextQuality(state);
    int byBola = bola.nextQuality(state);
    double buffer = state.bufferSeconds();
    if (bolaActive && buffer < switchOff) {
      bolaActive = false;
    } else if (!bolaActive && buffer >= switchOn) {
      bolaActive = true;
    }
    return bolaActive ? byBola : byThroughput;
  }

  /** {@return whether BOLA made the last decision; before the first decision, {@code false}} */
  public boolean bolaActive() {
    return bolaActive;
  }
}
