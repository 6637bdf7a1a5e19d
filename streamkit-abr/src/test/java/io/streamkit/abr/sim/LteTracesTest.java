package io.streamkit.abr.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LteTracesTest {

  @Test
  void aSeedGivesTheSameTracesAndAnotherSeedOthers() {
    List<NetworkTrace> a = LteTraces.generate(42, 5).traces();
    List<NetworkTrace> b = LteTraces.generate(42, 5).traces();
    List<NetworkTrace> c = LteTraces.generate(43, 5).traces();
    for (int i = 0; i < 5; i++) {
      assertThat(a.get(i).name()).isEqualTo("lte-42-000" + i);
      for (int s = 0; s < a.get(i).size(); s++) {
        assertThat(a.get(i).megabitsPerSecond(s)).isEqualTo(b.get(i).megabitsPerSecond(s));
      }
    }
    assertThat(a.get(0).meanMegabitsPerSecond()).isNotEqualTo(c.get(0).meanMegabitsPerSecond());
  }

  @Test
  void outagesLastTwoToNineSecondsAndTheRestVariesAroundEachTracesMedian() {
    List<Integer> outages = new ArrayList<>();
    double lowest = Double.MAX_VALUE;
    double highest = 0;
    for (NetworkTrace trace : LteTraces.generate(1, LteTraces.DEFAULT_COUNT).traces()) {
      assertThat(trace.size()).isEqualTo(LteTraces.DURATION_SECONDS + 1);
      assertThat(trace.megabitsPerSecond(1)).as("a session starts connected").isPositive();
      int run = 0;
      for (int s = 1; s < trace.size(); s++) {
        if (trace.megabitsPerSecond(s) == 0) {
          run++;
        } else {
          if (run > 0 && s > 1) {
            outages.add(run);
          }
          run = 0;
          lowest = Math.min(lowest, trace.megabitsPerSecond(s));
          highest = Math.max(highest, trace.megabitsPerSecond(s));
        }
      }
    }
    assertThat(outages).hasSizeGreaterThan(300).allMatch(o -> o >= 2 && o <= 9);
    assertThat(outages).contains(2, 9);
    assertThat(lowest).isLessThan(0.3);
    assertThat(highest).isGreaterThan(20);
  }

  @Test
  void aFamilyOutOfRangeIsRefusedByName() {
    assertThatThrownBy(() -> LteTraces.generate(1, 0)).hasMessage("count must be within [1, 10000] traces, was 0");
  }
}
