package io.streamkit.benchmarks.abr;

import io.streamkit.abr.hull.ConvexHullLadder;
import io.streamkit.abr.hull.EncodePoint;
import io.streamkit.abr.policy.DeviceHints;
import io.streamkit.abr.policy.Variant;
import io.streamkit.abr.policy.VariantPolicy;
import java.util.ArrayList;
import java.util.List;
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
 * The per-request variant policy calls on Apple's nine-rung H.264 ladder, and per-title ladder
 * planning from 80 measured encodes.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar VariantPolicyBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VariantPolicyBenchmark {

  private static final int[][] APPLE = {
    {416, 234, 145}, {640, 360, 365}, {768, 432, 730}, {768, 432, 1100}, {960, 540, 2000},
    {1280, 720, 3000}, {1280, 720, 4500}, {1920, 1080, 6000}, {1920, 1080, 7800}
  };

  private final VariantPolicy policy;
  private final int[] out = new int[APPLE.length];
  private final double[] samples = {4.1e6, 3.7e6, 5.2e6, 2.9e6, 4.4e6};
  private final DeviceHints phone = new DeviceHints(720, false);
  private final List<EncodePoint> encodes = new ArrayList<>();
  private final ConvexHullLadder hull = ConvexHullLadder.builder().build();
  private int i;

  public VariantPolicyBenchmark() {
    List<Variant> variants = new ArrayList<>();
    for (int v = 0; v < APPLE.length; v++) {
      long average = APPLE[v][2] * 1000L;
      variants.add(new Variant(v, APPLE[v][0], APPLE[v][1], average * 13 / 10, average, "avc1.640028,mp4a.40.2", 30));
    }
    policy = VariantPolicy.builder(variants).build();
    int[][] sizes = {{640, 360}, {960, 540}, {1280, 720}, {1920, 1080}};
    for (int r = 0; r < sizes.length; r++) {
      for (int k = 0; k < 20; k++) {
        long rate = (long) (150_000 * Math.pow(1.25, k));
        double quality = (70 + 9 * r) * (1 - Math.exp(-rate / (400_000.0 * (r + 1) * (r + 1) / 2)));
        encodes.add(new EncodePoint(sizes[r][0], sizes[r][1], rate, quality));
      }
    }
  }

  @Benchmark
  public int allowedVariants() {
    return policy.allowedVariants((i++ & 1) == 0 ? 720 : VariantPolicy.NO_HEIGHT_LIMIT, phone, samples, samples.length, out);
  }

  @Benchmark
  public int recommendNext() {
    int k = i++;
    return policy.recommendNext(k % 9, 1e6 + (k & 7) * 1e6, (k & 31));
  }

  @Benchmark
  public List<EncodePoint> convexHullLadder() {
    return hull.rungs(encodes);
  }
}
