package io.streamkit.benchmarks.abr;

import io.streamkit.abr.rule.AbrRule;
import io.streamkit.abr.sim.Algorithm;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One bitrate decision per rule, estimator update included, over recorded session states.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar RuleDecisionBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RuleDecisionBenchmark {

  @Param({"throughput", "bba", "bola", "dynamic", "robustmpc", "streamkit"})
  String algorithm;

  private RecordedStates states;
  private AbrRule rule;

  @Setup(Level.Trial)
  public void setUp() {
    states = new RecordedStates(7);
    rule = Algorithm.fromName(algorithm).get();
    for (int i = 0; i < 100; i++) {
      rule.nextQuality(states.next()); // let lazily built tables exist before measuring
    }
  }

  @Benchmark
  public int decide() {
    return rule.nextQuality(states.next());
  }
}
