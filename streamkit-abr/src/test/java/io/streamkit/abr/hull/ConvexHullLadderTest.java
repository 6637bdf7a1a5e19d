package io.streamkit.abr.hull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvexHullLadderTest {

  /** Rate–quality curves that saturate at a ceiling set by resolution, the shape measured encodes have. */
  private static List<EncodePoint> measured() {
    int[][] resolutions = {{640, 360}, {960, 540}, {1280, 720}, {1920, 1080}};
    double[] ceiling = {70, 80, 88, 96};
    double[] knee = {400_000, 900_000, 1_800_000, 3_500_000};
    List<EncodePoint> points = new ArrayList<>();
    for (int r = 0; r < resolutions.length; r++) {
      for (long rate = 200_000; rate <= 12_000_000; rate = rate * 3 / 2) {
        double quality = ceiling[r] * (1 - Math.exp(-rate / knee[r]));
        points.add(new EncodePoint(resolutions[r][0], resolutions[r][1], rate, quality));
      }
    }
    return points;
  }

  @Test
  void hullIsConcaveAndMovesToLargerResolutionsAsTheRateGrows() {
    List<EncodePoint> hull = ConvexHullLadder.builder().build().hull(measured());
    for (int i = 1; i < hull.size(); i++) {
      assertThat(hull.get(i).bitrateBps()).isGreaterThan(hull.get(i - 1).bitrateBps());
      assertThat(hull.get(i).quality()).isGreaterThan(hull.get(i - 1).quality());
    }
    for (int i = 2; i < hull.size(); i++) {
      double slopeBefore = (hull.get(i - 1).quality() - hull.get(i - 2).quality()) / (hull.get(i - 1).bitrateBps() - hull.get(i - 2).bitrateBps());
      double slopeAfter = (hull.get(i).quality() - hull.get(i - 1).quality()) / (hull.get(i).bitrateBps() - hull.get(i - 1).bitrateBps());
      assertThat(slopeAfter).isLessThanOrEqualTo(slopeBefore);
    }
    assertThat(hull.get(0).height()).isEqualTo(360);
    assertThat(hull.get(hull.size() - 1).height()).isEqualTo(1080);
    // No point lies above the hull.
    for (EncodePoint p : measured()) {
      for (int i = 1; i < hull.size(); i++) {
        EncodePoint a = hull.get(i - 1);
        EncodePoint b = hull.get(i);
        if (p.bitrateBps() >= a.bitrateBps() && p.bitrateBps() <= b.bitrateBps()) {
          double chord = a.quality() + (b.quality() - a.quality()) * (p.bitrateBps() - a.bitrateBps()) / (b.bitrateBps() - a.bitrateBps());
          assertThat(p.quality()).isLessThanOrEqualTo(chord + 1e-9);
        }
      }
    }
  }

  @Test
  void rungsAreFewSpacedAndSpanTheHull() {
    ConvexHullLadder builder = ConvexHullLadder.builder().maxRungs(5).minStepRatio(1.5).build();
    List<EncodePoint> hull = builder.hull(measured());
    List<EncodePoint> rungs = builder.rungs(measured());
    assertThat(rungs).hasSizeBetween(3, 5);
    assertThat(rungs.get(0)).isEqualTo(hull.get(0));
    assertThat(rungs.get(rungs.size() - 1)).isEqualTo(hull.get(hull.size() - 1));
    for (int i = 1; i < rungs.size(); i++) {
      assertThat((double) rungs.get(i).bitrateBps() / rungs.get(i - 1).bitrateBps()).isGreaterThanOrEqualTo(1.5);
    }
    assertThat(hull).containsAll(rungs);
  }

  @Test
  void emptyInputAndBadSettingsSayWhatToDo() {
    assertThatThrownBy(() -> ConvexHullLadder.builder().build().hull(List.of())).hasMessageContaining("measure at least one");
    assertThatThrownBy(() -> ConvexHullLadder.builder().maxRungs(1)).hasMessage("maxRungs must be within [2, 20], was 1");
  }
}
