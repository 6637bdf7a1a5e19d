package io.streamkit.abr.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class VariantPolicyTest {

  /** Apple's authoring-spec H.264 ladder (subset), given out of order to show the policy sorts. */
  private static final List<Variant> LADDER = List.of(
      new Variant(4, 1920, 1080, 7_800_000, 6_000_000, "avc1.640028,mp4a.40.2", 30),
      new Variant(0, 416, 234, 200_000, 145_000, "avc1.42c01e,mp4a.40.2", 30),
      new Variant(1, 640, 360, 480_000, 365_000, "avc1.4d401e,mp4a.40.2", 30),
      new Variant(2, 960, 540, 2_600_000, 2_000_000, "avc1.4d401f,mp4a.40.2", 30),
      new Variant(3, 1280, 720, 4_500_000, 3_000_000, "avc1.4d401f,mp4a.40.2", 30));

  private final VariantPolicy policy = VariantPolicy.builder(LADDER).build();

  private int[] allowed(int maxHeight, DeviceHints hints, double... samples) {
    int[] out = new int[policy.size()];
    int n = policy.allowedVariants(maxHeight, hints, samples, samples.length, out);
    return Arrays.copyOf(out, n);
  }

  @Test
  void startsWithTheHighestVariantTheMeasuredThroughputCarriesThenAscends() {
    // Harmonic mean of 8, 8, 2 Mbit/s is 4 Mbit/s; 0.7 of it carries 540p's 2.6 Mbit/s peak, not 720p's 4.5.
    assertThat(allowed(VariantPolicy.NO_HEIGHT_LIMIT, DeviceHints.NONE, 8e6, 8e6, 2e6)).containsExactly(2, 0, 1, 3, 4);
    // Without samples the 500 kbit/s default start bandwidth picks the 234p variant.
    assertThat(allowed(VariantPolicy.NO_HEIGHT_LIMIT, DeviceHints.NONE)).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void theTokenHeightLimitIsHardAndDeviceHintsAreSoft() {
    assertThat(allowed(720, DeviceHints.NONE, 50e6)).containsExactly(3, 0, 1, 2);
    assertThat(allowed(200, DeviceHints.NONE, 50e6)).isEmpty();
    // A 600-pixel screen is covered by 720p: 1080p is dropped.
    assertThat(allowed(VariantPolicy.NO_HEIGHT_LIMIT, new DeviceHints(600, false), 50e6)).containsExactly(3, 0, 1, 2);
    // Save-Data keeps peaks under 1.5 Mbit/s.
    assertThat(allowed(VariantPolicy.NO_HEIGHT_LIMIT, new DeviceHints(0, true), 50e6)).containsExactly(1, 0);
    // Hints never leave a session with nothing the token allows.
    VariantPolicy hd = VariantPolicy.builder(LADDER.subList(0, 1)).build();
    int[] out = new int[1];
    assertThat(hd.allowedVariants(VariantPolicy.NO_HEIGHT_LIMIT, new DeviceHints(0, true), Double.NaN, out)).isEqualTo(1);
    assertThat(out[0]).isEqualTo(4);
  }

  @Test
  void recommendationDropsAtOnceAndClimbsOneStepWithABuffer() {
    assertThat(policy.recommendNext(4, 3_000_000, 20)).isEqualTo(2); // 0.9 × 3 Mbit/s carries 540p (2.0 average), not 720p (3.0)
    assertThat(policy.recommendNext(2, 3_000_000, 2)).isEqualTo(1); // nearly empty buffer: half of 0.9 × 3 Mbit/s
    assertThat(policy.recommendNext(1, 50_000_000, 5)).isEqualTo(1); // no climb on a short buffer
    assertThat(policy.recommendNext(1, 50_000_000, 20)).isEqualTo(2); // one step at a time
    assertThat(policy.recommendNext(3, 50_000_000, 30, 720)).isEqualTo(3); // token caps at 720p
    assertThatThrownBy(() -> policy.recommendNext(9, 1e6, 10)).hasMessage("no variant has index 9");
  }

  @Test
  void oneSharedPolicyAnswersConcurrentSessionsConsistently() {
    ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();
    IntStream.range(0, 2000).parallel().forEach(i -> {
      int[] out = new int[policy.size()];
      int n = policy.allowedVariants(i % 2 == 0 ? 720 : VariantPolicy.NO_HEIGHT_LIMIT, DeviceHints.NONE, 8e6, out);
      answers.add((i % 2) + Arrays.toString(Arrays.copyOf(out, n)));
    });
    assertThat(answers.stream().distinct()).containsExactlyInAnyOrder("0[3, 0, 1, 2]", "1[3, 0, 1, 2, 4]");
  }

  @Test
  void badLaddersAreRejectedWithTheVariantNamed() {
    assertThatThrownBy(() -> new Variant(7, 1280, 720, 1_000_000, 2_000_000, "avc1.4d401f", 30))
        .hasMessageStartingWith("variant 7: need 0 < averageBandwidthBps <= peakBandwidthBps");
    assertThatThrownBy(() -> VariantPolicy.builder(List.of(LADDER.get(1), LADDER.get(1))).build())
        .hasMessageContaining("indices must be unique");
  }
}
