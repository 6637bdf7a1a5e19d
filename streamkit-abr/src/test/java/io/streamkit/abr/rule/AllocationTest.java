package io.streamkit.abr.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.policy.DeviceHints;
import io.streamkit.abr.policy.Variant;
import io.streamkit.abr.policy.VariantPolicy;
import io.streamkit.abr.sim.Algorithm;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Per-request paths must not allocate: a server runs them for every segment of every session.
 *
 * <p>Each measurement is the fewest bytes over a few rounds of 20 000 calls. The JVM itself sometimes
 * allocates on the calling thread once, while compiling or deoptimizing the loop (a few hundred bytes, now and
 * then over a kilobyte); an allocation per call would show in every round, as at least 20 000 objects.
 */
class AllocationTest {

  private static final int ROUNDS = 3;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static long fewestBytesAllocatedBy(Runnable work) {
    long fewest = Long.MAX_VALUE;
    for (int round = 0; round < ROUNDS; round++) {
      long before = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
      work.run();
      fewest = Math.min(fewest, THREADS.getThreadAllocatedBytes(Thread.currentThread().getId()) - before);
    }
    return fewest;
  }

  @Test
  void ruleDecisionsAllocateNothingOnceASessionIsRunning() {
    for (Algorithm algorithm : Algorithm.values()) {
      AbrRule rule = algorithm.get();
      FixedState state = new FixedState().fetched(2, 3_000_000);
      state.buffer = 12;
      rule.nextQuality(state); // lazily built tables belong to the session, not to each decision
      long bytes = fewestBytesAllocatedBy(() -> {
        for (int i = 0; i < 20_000; i++) {
          state.nextChunk = 1 + i % 40;
          state.buffer = 4 + i % 30;
          rule.nextQuality(state);
        }
      });
      assertThat(bytes).as(algorithm.cliName() + " bytes for 20 000 decisions").isLessThan(1024);
    }
  }

  @Test
  void variantPolicyCallsAllocateNothing() {
    VariantPolicy policy = VariantPolicy.builder(List.of(
        new Variant(0, 640, 360, 480_000, 365_000, "avc1.4d401e,mp4a.40.2", 30),
        new Variant(1, 1280, 720, 4_500_000, 3_000_000, "avc1.4d401f,mp4a.40.2", 30),
        new Variant(2, 1920, 1080, 7_800_000, 6_000_000, "avc1.640028,mp4a.40.2", 30))).build();
    int[] out = new int[policy.size()];
    double[] samples = {4e6, 5e6, 3e6};
    DeviceHints phone = new DeviceHints(720, false);
    long bytes = fewestBytesAllocatedBy(() -> {
      for (int i = 0; i < 20_000; i++) {
        policy.allowedVariants(i % 2 == 0 ? 720 : VariantPolicy.NO_HEIGHT_LIMIT, phone, samples, samples.length, out);
        policy.recommendNext(i % 3, 1e6 * (i % 9), i % 30);
      }
    });
    assertThat(bytes).as("bytes for 20 000 policy calls").isLessThan(1024);
  }
}
