package io.streamkit.benchmarks.abr;

import io.streamkit.abr.estimate.EwmaBandwidthEstimator;
import io.streamkit.abr.estimate.HarmonicMeanEstimator;
import io.streamkit.abr.estimate.LatencyEstimator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One sample into each estimator (the per-download update), and the read-outs a rule makes.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar EstimatorBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EstimatorBenchmark {

  private static final long[] BYTES = {150_000, 420_000, 610_000, 980_000, 1_400_000, 2_100_000, 330_000, 870_000};
  private static final double[] SECONDS = {0.4, 1.2, 2.9, 3.1, 2.2, 5.0, 0.9, 1.7};

  private final EwmaBandwidthEstimator ewma = new EwmaBandwidthEstimator();
  private final HarmonicMeanEstimator harmonic = new HarmonicMeanEstimator();

  public EstimatorBenchmark() {
    for (int k = 0; k < 8; k++) {
      ewma.sample(BYTES[k], SECONDS[k]);
      harmonic.sample(BYTES[k] / SECONDS[k]);
    }
  }

  private final LatencyEstimator latency = new LatencyEstimator();
  private int i;

  @Benchmark
  public void ewmaUpdate() {
    int k = i++ & 7;
    ewma.sample(BYTES[k], SECONDS[k]);
  }

  @Benchmark
  public double ewmaEstimate() {
    return ewma.estimateBps();
  }

  @Benchmark
  public void harmonicUpdate() {
    int k = i++ & 7;
    harmonic.sample(BYTES[k] / SECONDS[k]);
  }

  @Benchmark
  public double harmonicRobustEstimate() {
    return harmonic.robustEstimate();
  }

  @Benchmark
  public void latencyUpdate() {
    int k = i++ & 7;
    latency.sample(SECONDS[k] / 20);
  }
}
