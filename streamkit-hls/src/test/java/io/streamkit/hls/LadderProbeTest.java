package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-title probe samples a title where it is easy, middling and hard, in proportion, so its trial encodes score
 * what the whole title will: scenes at fixed positions can all land on one kind of content.
 */
class LadderProbeTest {

  @Test
  void scenesAreAStratifiedSampleOfTheIntervalsRankedByTheirBytes() {
    // Nine intervals: three easy (100s), three middling (500s), three hard (900s), interleaved.
    long[] bytes = {900, 100, 500, 110, 910, 510, 520, 120, 920};
    assertThat(LadderProbe.representativeScenes(bytes, 3)).as("an easy, a middling and a hard one")
        .containsExactly(3, 4, 5);
    assertThat(LadderProbe.representativeScenes(bytes, 1)).as("the median").containsExactly(5);
  }

  @Test
  void aSourceCodedAtAConstantRateGetsScenesSpreadOverItsDuration() {
    long[] constant = new long[12];
    Arrays.fill(constant, 250_000);
    assertThat(LadderProbe.representativeScenes(constant, 3)).containsExactly(2, 6, 10);
    assertThat(LadderProbe.representativeScenes(new long[] {900, 100}, 3)).as("never more scenes than intervals")
        .containsExactly(0, 1);
  }

  @Test
  void intervalsPastTheEndOfTheVideoAreNotProbed() {
    // The container says 24 s, the video stream ends after 16: the last four intervals hold no video.
    long[] bytes = {500, 510, 520, 530, 540, 550, 560, 570, 0, 0, 0, 0};
    assertThat(LadderProbe.representativeScenes(bytes, 2)).containsExactly(2, 6);
  }

  @Test
  void aHardStretchThatEvenlySpreadScenesWouldMissIsProbed(@TempDir Path dir) {
    // 100 s, three scenes: evenly spread they would start near 16, 49 and 82 s, all in the easy picture.
    Path source = TitleFixture.generate(dir, "hard-stretch.mp4", "-f", "lavfi", "-i",
        "testsrc2=size=320x180:rate=30", "-t", "100", "-vf", "noise=alls=60:allf=t:enable='between(t,60,80)'",
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23");
    MediaInfo info = MediaProbe.probe(source);
    assertThat(LadderProbe.sceneCount(info.durationSeconds())).isEqualTo(3);

    List<Double> starts = LadderProbe.sceneStarts(source, info, () -> false);

    assertThat(starts).hasSize(3).isSorted();
    assertThat(starts).as("one scene in the noise").anyMatch(start -> start >= 60 && start <= 78);
    assertThat(starts).as("the others in the easy picture").filteredOn(start -> start < 60 || start > 78)
        .hasSize(2);
  }
}
