package io.streamkit.abr.sim;

import io.streamkit.abr.rule.AbrRule;
import io.streamkit.abr.rule.buffer.BbaRule;
import io.streamkit.abr.rule.buffer.BolaRule;
import io.streamkit.abr.rule.hybrid.DynamicRule;
import io.streamkit.abr.rule.mpc.RobustMpcRule;
import io.streamkit.abr.rule.mpc.StreamKitRule;
import io.streamkit.abr.rule.throughput.ThroughputRule;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The built-in rules by the names the command line uses, each with its default settings. */
public enum Algorithm implements Supplier<AbrRule> {
  /** hls.js's rate-based rule, {@link ThroughputRule}. */
  THROUGHPUT(ThroughputRule::new),
  /** Buffer-based BBA-0, {@link BbaRule}. */
  BBA(BbaRule::new),
  /** BOLA with BOLA-O damping as in dash.js, {@link BolaRule}. */
  BOLA(BolaRule::new),
  /** dash.js's DYNAMIC switch between throughput and BOLA, {@link DynamicRule}. */
  DYNAMIC(DynamicRule::new),
  /** RobustMPC, {@link RobustMpcRule}. */
  ROBUSTMPC(RobustMpcRule::new),
  /** StreamKit's own look-ahead rule, {@link StreamKitRule}. */
  STREAMKIT(StreamKitRule::new);

  private final Supplier<AbrRule> factory;

  Algorithm(Supplier<AbrRule> factory) {
    this.factory = factory;
  }

  /**
   * {@return the command-line name: {@code throughput}, {@code bba}, {@code bola}, {@code dynamic},
   * {@code robustmpc} or {@code streamkit}}
   */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@return a fresh rule for one session, with default settings} */
  @Override
  public AbrRule get() {
    return factory.get();
  }

  /**
   * Looks up an algorithm by its command-line name.
   *
   * @param name a name as {@link #cliName()} spells it, lower case
   * @return the algorithm
   * @throws IllegalArgumentException listing the valid names
   */
  public static Algorithm fromName(String name) {
    for (Algorithm algorithm : values()) {
      if (algorithm.cliName().equals(name)) {
        return algorithm;
      }
    }
    throw new IllegalArgumentException(
        "unknown algorithm '" + name + "': use one of "
            + Arrays.stream(values()).map(Algorithm::cliName).collect(Collectors.joining(", ")));
  }
}
