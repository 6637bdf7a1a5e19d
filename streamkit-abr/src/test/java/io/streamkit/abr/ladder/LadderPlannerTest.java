package io.streamkit.abr.ladder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LadderPlannerTest {

  private static final FrameRate NTSC = new FrameRate(30000, 1001);

  @Test
  void fullHdSourceGetsTheWholeAppleLadderWithEvenSixteenByNineSizes() {
    List<PlannedRendition> plan = LadderPlanner.plan(Ladder.apple(), new SourceVideo(1920, 1080, NTSC, 0));
    assertThat(plan).extracting(r -> r.width() + "x" + r.height())
        .containsExactly("1920x1080", "1280x720", "960x540", "768x432", "640x360", "416x234");
    assertThat(plan).allSatisfy(r -> assertThat(r.frameRate()).isEqualTo(NTSC));
  }

  @Test
  void neverUpscalesAndKeepsOneRungForTinySources() {
    assertThat(LadderPlanner.plan(Ladder.apple(), new SourceVideo(853, 479, FrameRate.FPS_30, 0)))
        .extracting(PlannedRendition::height).containsExactly(432, 360, 234);
    List<PlannedRendition> tiny = LadderPlanner.plan(Ladder.apple(), new SourceVideo(160, 90, FrameRate.FPS_30, 0));
    assertThat(tiny).singleElement().satisfies(r -> {
      assertThat(r.width()).isEqualTo(160);
      assertThat(r.height()).isEqualTo(90);
    });
  }

  @Test
  void portraitSourcesPutTheShortSideOnTheWidth() {
    List<PlannedRendition> plan = LadderPlanner.plan(Ladder.bench(), new SourceVideo(720, 1280, FrameRate.FPS_30, 0));
    assertThat(plan).extracting(r -> r.width() + "x" + r.height())
        .containsExactly("720x1280", "480x854", "360x640", "240x426");
  }

  @Test
  void anamorphicDisplayAspectIsPreserved() {
    // 720x576 with SAR 16:15 displays as 768x576 (4:3).
    List<PlannedRendition> plan = LadderPlanner.plan(Ladder.small(), new SourceVideo(768, 576, FrameRate.FPS_30, 0));
    assertThat(plan).allSatisfy(r -> assertThat((double) r.width() / r.height()).isCloseTo(4 / 3.0,
        org.assertj.core.data.Offset.offset(0.02)));
  }

  @Test
  void frameRateIsCappedAtSixtyAndAtThirtyForSmallRungsByWholeFrameDecimation() {
    List<PlannedRendition> plan = LadderPlanner.plan(Ladder.apple(), new SourceVideo(1920, 1080,
        new FrameRate(120, 1), 0));
    assertThat(plan.get(0).frameRate()).isEqualTo(new FrameRate(60, 1));
    assertThat(plan.get(plan.size() - 1).frameRate()).isEqualTo(new FrameRate(30, 1));
    assertThat(new FrameRate(50, 1).capAt(30)).isEqualTo(new FrameRate(25, 1));
    assertThat(new FrameRate(60000, 1001).capAt(30)).isEqualTo(NTSC);
  }

  @Test
  void aRateJustAboveTheCapIsResampledToTheCapNotHalved() {
    // 30.12 fps screen recordings and 31 fps phone clips are "30 fps" video; 15 fps would look broken.
    assertThat(new FrameRate(753, 25).capAt(30)).isEqualTo(FrameRate.FPS_30);
    assertThat(new FrameRate(31, 1).capAt(30)).isEqualTo(FrameRate.FPS_30);
    assertThat(new FrameRate(62, 1).capAt(60)).isEqualTo(new FrameRate(60, 1));
    assertThat(new FrameRate(36, 1).capAt(30)).isEqualTo(new FrameRate(18, 1));
    List<PlannedRendition> plan = LadderPlanner.plan(Ladder.apple(), new SourceVideo(1280, 720,
        new FrameRate(753, 25), 0));
    assertThat(plan).allSatisfy(rung -> assertThat(rung.frameRate().fps()).isGreaterThanOrEqualTo(30));
  }

  @Test
  void bitratesAreCappedByWhatTheSourceSpends() {
    List<PlannedRendition> plan = LadderPlanner.plan(Ladder.apple(), new SourceVideo(1920, 1080, NTSC, 2_000_000));
    assertThat(plan.get(0).videoBitrate()).isEqualTo(2_000_000);
    assertThat(plan).allSatisfy(r -> assertThat(r.videoBitrate()).isLessThanOrEqualTo(2_000_000));
    assertThat(plan.get(plan.size() - 1).videoBitrate()).isEqualTo(145_000);
  }

  @Test
  void ladderFilesParseAndBadLinesNameTheLine(@TempDir Path dir) throws Exception {
    Path good = Files.writeString(dir.resolve("mine.txt"), "# mine\n720 3000 60\n720 4500\n360 700\n");
    Ladder ladder = Ladder.named(good.toString());
    assertThat(ladder.rungs()).extracting(Rung::name).containsExactly("720p-4500k", "720p", "360p");
    Path bad = Files.writeString(dir.resolve("bad.txt"), "720 lots\n");
    assertThatThrownBy(() -> Ladder.named(bad.toString())).hasMessageContaining("line 1")
        .hasMessageContaining("SHORT_SIDE KBPS");
    assertThatThrownBy(() -> Ladder.named("nope")).hasMessageContaining("neither a preset");
    Path words = Files.writeString(dir.resolve("words.txt"), "720 3000\n360 lots  # cheap\n");
    assertThatThrownBy(() -> Ladder.named(words.toString())).hasMessageEndingWith("line 2 '360 lots  # cheap': KBPS"
        + " 'lots' is not a whole number (format: SHORT_SIDE KBPS [MAX_FPS], e.g. '720 3000 60')");
    Path utf16 = Files.writeString(dir.resolve("utf16.txt"), "720 3000\n", StandardCharsets.UTF_16);
    assertThatThrownBy(() -> Ladder.named(utf16.toString()))
        .hasMessageEndingWith("utf16.txt is not UTF-8 text; save it as UTF-8");
    assertThat(Ladder.preset(good.toString())).as("a preset name never reads a file").isEmpty();
  }

  @Test
  void aLadderFileFromAWindowsEditorWithCommentsAfterItsRungsParses(@TempDir Path dir) throws Exception {
    Path windows = Files.writeString(dir.resolve("windows.txt"),
        "\uFEFF# our ladder\r\n1080 5000  # top\r\n\r\n360 800 30\t# phones\r\n");
    assertThat(Ladder.named(windows.toString()).rungs()).extracting(Rung::name, Rung::maxFrameRate)
        .containsExactly(tuple("1080p", 60.0), tuple("360p", 30.0));
  }

  @Test
  void everyPresetNameIsAPresetInAnyCase() {
    assertThat(Ladder.PRESET_NAMES).allSatisfy(name -> {
      assertThat(Ladder.preset(name.toUpperCase(java.util.Locale.ROOT))).isPresent();
      assertThat(Ladder.preset(name).orElseThrow().rungs()).isEqualTo(Ladder.named(name).rungs());
    });
    assertThat(Ladder.preset("auto").orElseThrow().isPerTitle()).isTrue();
    assertThat(Ladder.preset("small").orElseThrow().rungs()).isEqualTo(Ladder.small().rungs());
  }
}
