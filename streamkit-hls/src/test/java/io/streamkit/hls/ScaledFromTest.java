package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.FrameRate;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.LadderPlanner;
import io.streamkit.abr.ladder.PlannedRendition;
import io.streamkit.abr.ladder.SourceVideo;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Which picture each rung scales: a rung at most three quarters as tall as a rung that scales the source down takes
 * that rung's frames (the smallest such), every other rung the source's; a rung never takes frames from a rung of lower
 * frame rate or from a rung that scales another rung, and the smallest rungs (below 300 lines) take a rung's frames
 * only from one at least three times as tall.
 */
class ScaledFromTest {

  private static int[] parents(List<PlannedRendition> plan, int sourceHeight) {
    return IntStream.range(0, plan.size()).map(i -> TranscodePipeline.scaledFrom(plan, i, sourceHeight)).toArray();
  }

  @Test
  void theDefaultLadderOnA1080pSourceScalesEveryRungBelow720pFrom720p() {
    List<PlannedRendition> plan = LadderPlanner.plan(Ladder.apple(),
        new SourceVideo(1920, 1080, new FrameRate(30, 1), 8_000_000));
    assertThat(plan).extracting(PlannedRendition::name)
        .containsExactly("1080p", "720p", "540p", "432p", "360p", "234p");

    assertThat(parents(plan, 1080)).containsExactly(-1, -1, 1, 1, 1, 1);
  }

  @Test
  void aRungOfTheSourceSizeFeedsNoneAndEveryMiddleRungTakesTheRungThatScalesTheSource() {
    List<PlannedRendition> plan = LadderPlanner.plan(Ladder.bench(),
        new SourceVideo(1920, 1080, new FrameRate(30, 1), 8_000_000));
    assertThat(plan).extracting(PlannedRendition::name).containsExactly("1080p", "720p", "480p", "360p", "240p");

    assertThat(parents(plan, 1080)).containsExactly(-1, -1, 1, 1, 1);
  }

  @Test
  void aRungOfHigherFrameRateThanTheLargerRungScalesTheSource() {
    FrameRate sixty = new FrameRate(60, 1);
    FrameRate thirty = new FrameRate(30, 1);
    List<PlannedRendition> plan = List.of(
        new PlannedRendition("720p", 1280, 720, thirty, 3_000_000, 4_500_000),
        new PlannedRendition("360p", 640, 360, sixty, 800_000, 1_200_000));

    assertThat(parents(plan, 1080)).containsExactly(-1, -1);
  }

  @Test
  void aPortraitRungIsJudgedByItsShorterSide() {
    FrameRate thirty = new FrameRate(30, 1);
    List<PlannedRendition> plan = List.of(
        new PlannedRendition("720p", 720, 1280, thirty, 3_000_000, 4_500_000),
        new PlannedRendition("360p", 360, 640, thirty, 800_000, 1_200_000),
        new PlannedRendition("270p", 270, 480, thirty, 300_000, 450_000));

    // 270x480 is small (short side below 300 lines), and 1280 lines are less than three times its 480.
    assertThat(parents(plan, 1920)).containsExactly(-1, 0, -1);
  }

  @Test
  void aRungTooCloseInSizeToTheRungAboveScalesTheSource() {
    FrameRate thirty = new FrameRate(30, 1);
    List<PlannedRendition> plan = List.of(
        new PlannedRendition("720p", 1280, 720, thirty, 3_000_000, 4_500_000),
        new PlannedRendition("600p", 1066, 600, thirty, 2_200_000, 3_300_000),
        new PlannedRendition("540p", 960, 540, thirty, 1_600_000, 2_400_000));

    assertThat(parents(plan, 1080)).containsExactly(-1, -1, 0);
  }

  @Test
  void aSourceTwiceTheTopRungFeedsNoChainOfThreeScalers() {
    FrameRate thirty = new FrameRate(30, 1);
    List<PlannedRendition> plan = List.of(
        new PlannedRendition("1440p", 2560, 1440, thirty, 12_000_000, 18_000_000),
        new PlannedRendition("1080p", 1920, 1080, thirty, 6_000_000, 9_000_000),
        new PlannedRendition("720p", 1280, 720, thirty, 3_000_000, 4_500_000),
        new PlannedRendition("360p", 640, 360, thirty, 800_000, 1_200_000));

    // 720p takes 1440p's frames, not 1080p's (which are 1440p's already); so does 360p.
    assertThat(parents(plan, 2160)).containsExactly(-1, 0, 0, 0);
  }

  @Test
  void aSmallRungScalesTheSourceWhenNoRungThatScalesTheSourceIsThreeTimesItsHeight() {
    List<PlannedRendition> plan = LadderPlanner.plan(Ladder.apple(),
        new SourceVideo(1280, 720, new FrameRate(30, 1), 5_000_000));
    assertThat(plan).extracting(PlannedRendition::name).containsExactly("720p", "540p", "432p", "360p", "234p");

    // 720p is the source's own size; 540p scales the source, and 234p would need 702 lines: the source it is.
    assertThat(parents(plan, 720)).containsExactly(-1, -1, -1, 1, -1);
  }
}
