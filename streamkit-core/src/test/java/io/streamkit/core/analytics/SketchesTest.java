package io.streamkit.core.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The two mergeable sketches the rollups store: their error bounds, merging and text form. */
class SketchesTest {

  @Test
  void viewerSketchCountsDistinctViewersWithinFivePercentAndMergesWithoutDoubleCounting() {
    ViewerSketch morning = new ViewerSketch();
    ViewerSketch evening = new ViewerSketch();
    for (int i = 0; i < 60_000; i++) {
      morning.add("viewer-" + i);
    }
    for (int i = 40_000; i < 100_000; i++) {
      evening.add("viewer-" + i);
    }
    assertThat(morning.estimate()).isCloseTo(60_000L, within(3_000L));

    ViewerSketch day = ViewerSketch.decode(morning.encode());
    day.merge(ViewerSketch.decode(evening.encode()));

    assertThat(day.estimate()).isCloseTo(100_000L, within(5_000L));
    assertThat(day.encode()).startsWith("D").hasSize(ViewerSketch.REGISTERS + 1);
  }

  @Test
  void smallViewerCountsAreNearExactAndStoredSparsely() {
    ViewerSketch sketch = new ViewerSketch();
    for (int i = 0; i < 50; i++) {
      sketch.add("v" + i);
      sketch.add("v" + i);
    }
    assertThat(sketch.estimate()).isCloseTo(50L, within(2L));
    assertThat(sketch.encode()).startsWith("S").hasSizeLessThanOrEqualTo(1 + 3 * 50);
    assertThat(ViewerSketch.decode(sketch.encode()).encode()).isEqualTo(sketch.encode());
    assertThat(ViewerSketch.decode("S").estimate()).isZero();
  }

  @Test
  void latencySketchQuantilesStayWithinTheRelativeAccuracyAfterMerging() {
    Random random = new Random(7);
    long[] values = new long[20_000];
    LatencySketch first = new LatencySketch();
    LatencySketch second = new LatencySketch();
    for (int i = 0; i < values.length; i++) {
      values[i] = (long) Math.exp(4 + 3 * random.nextDouble());
      (i % 2 == 0 ? first : second).add(values[i]);
    }
    LatencySketch merged = LatencySketch.decode(first.encode());
    merged.merge(LatencySketch.decode(second.encode()));
    Arrays.sort(values);

    for (double fraction : new double[] {0.5, 0.95, 0.99}) {
      long exact = values[(int) Math.ceil(fraction * values.length) - 1];
      assertThat(merged.quantile(fraction)).as("p%s", fraction * 100)
          .isCloseTo(exact, within((long) Math.ceil(exact * LatencySketch.RELATIVE_ACCURACY)));
    }
    assertThat(merged.encode().length()).isLessThan(4_000);
    assertThat(new LatencySketch().quantile(0.5)).isNull();
  }
}
