package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storyboard of real transcodes: its WebVTT index read with a parser of its own (W3C WebVTT cue timings, W3C Media
 * Fragments {@code #xywh=}) and its sheets decoded with {@code javax.imageio}, so a tile is checked by what it shows.
 */
class StoryboardTest {

  private static final Pattern TIMING = Pattern.compile("(\\d{2}):(\\d{2}):(\\d{2})\\.(\\d{3}) --> "
      + "(\\d{2}):(\\d{2}):(\\d{2})\\.(\\d{3})");
  private static final Pattern FRAGMENT = Pattern.compile("([a-z0-9_]+\\.jpg)#xywh=(\\d+),(\\d+),(\\d+),(\\d+)");

  @TempDir Path dir;

  record Cue(double start, double end, String sheet, int x, int y, int w, int h) {}

  @Test
  void eachTileShowsTheVideoAtItsCueTimeAndTheCuesCoverTheTitle() throws Exception {
    // Red until 2.5 s, green until 5.5 s, blue until 8 s: the automatic 2 s tiles (0, 2, 4, 6 s) fall clear of a cut.
    Path source = TitleFixture.generate(dir, "colours.mp4",
        "-f", "lavfi", "-i", "color=c=red:s=640x360:r=30:d=2.5",
        "-f", "lavfi", "-i", "color=c=lime:s=640x360:r=30:d=3",
        "-f", "lavfi", "-i", "color=c=blue:s=640x360:r=30:d=2.5",
        "-filter_complex", "[0][1][2]concat=n=3:v=1:a=0", "-c:v", "libx264", "-preset", "ultrafast",
        "-pix_fmt", "yuv420p");
    Path out = dir.resolve("title");
    TranscodeResult result = Transcoder.builder().input(source).output(out).preset("ultrafast").segmentSeconds(2)
        .ladder(new Ladder("two", List.of(Rung.of(360, 800), Rung.of(180, 300)))).build().run();

    List<Cue> cues = readCues(out.resolve("storyboard/storyboard.vtt"), result.durationSeconds());
    assertThat(cues).extracting(Cue::start).containsExactly(0.0, 2.0, 4.0, 6.0);
    Map<String, BufferedImage> sheets = sheets(out, cues);
    List<String> colours = new ArrayList<>();
    for (Cue cue : cues) {
      colours.add(dominantColour(sheets.get(cue.sheet()), cue));
    }
    assertThat(colours).containsExactly("red", "red", "green", "blue");
    assertThat(cues).allSatisfy(cue -> assertThat(cue.w()).as("tiles are 256 px wide").isEqualTo(256));
    assertThat(cues).allSatisfy(cue -> assertThat(cue.h()).as("16:9 kept, even").isEqualTo(144));
  }

  @Test
  void aLongTitleFillsSeveralSheetsWithTilesAtTheFramesOwnTimes() throws Exception {
    Path source = TitleFixture.pattern(dir, "long.mp4", "160x90", "10", 105, false, "-c:v", "libx264", "-preset",
        "ultrafast");
    Path out = dir.resolve("title");
    TranscodeResult result = Transcoder.builder().input(source).output(out).preset("ultrafast").segmentSeconds(6)
        .ladder(new Ladder("one", List.of(Rung.of(90, 100)))).storyboardSeconds(1).build().run();

    List<Cue> cues = readCues(out.resolve("storyboard/storyboard.vtt"), result.durationSeconds());
    assertThat(cues).hasSize(105);
    for (int i = 1; i < cues.size(); i++) {
      assertThat(cues.get(i).start()).as("cue %d starts at the first 10 fps frame at or after %d s", i, i)
          .isCloseTo(i, offset(0.001));
    }
    assertThat(cues.subList(0, 100)).extracting(Cue::sheet).containsOnly("sheet_000.jpg");
    assertThat(cues.subList(100, 105)).extracting(Cue::sheet).containsOnly("sheet_001.jpg");
    assertThat(cues.get(11)).extracting(Cue::x, Cue::y, Cue::w, Cue::h).containsExactly(160, 90, 160, 90);
    Map<String, BufferedImage> sheets = sheets(out, cues);
    assertThat(sheets.get("sheet_000.jpg").getWidth()).isEqualTo(1600);
    assertThat(sheets.get("sheet_000.jpg").getHeight()).isEqualTo(900);
    assertThat(sheets.get("sheet_001.jpg").getWidth()).as("a last sheet only as large as its tiles").isEqualTo(800);
    assertThat(sheets.get("sheet_001.jpg").getHeight()).isEqualTo(90);
  }

  @Test
  void aTitleWithoutStoryboardHasNoStoryboardDirectory() throws Exception {
    Path source = TitleFixture.pattern(dir, "short.mp4", "320x180", "25", 2, false, "-c:v", "libx264", "-preset",
        "ultrafast");
    Path out = dir.resolve("title");
    Transcoder.builder().input(source).output(out).preset("ultrafast").segmentSeconds(2)
        .ladder(new Ladder("one", List.of(Rung.of(180, 300)))).storyboard(false).build().run();
    assertThat(out.resolve("master.m3u8")).exists();
    assertThat(out.resolve("storyboard")).doesNotExist();
  }

  @Test
  void theBuilderRefusesAnIntervalOutsideItsLimits() {
    assertThatThrownBy(() -> Transcoder.builder().storyboardSeconds(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("storyboardSeconds must be between 1 and 60, got 0; use storyboard(false) for no storyboard");
    assertThatThrownBy(() -> Transcoder.builder().storyboardSeconds(Transcoder.MAX_STORYBOARD_SECONDS + 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 61");
    assertThatThrownBy(() -> Transcoder.builder().input(dir.resolve("in.mp4")).output(dir.resolve("out"))
        .storyboardSeconds(5).storyboard(false).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("storyboard(false)");
  }

  /**
   * Parses the index: a {@code WEBVTT} header, then cues of a timing line and a fragment URL, which must be in order,
   * contiguous and cover 0 to the title's duration.
   */
  static List<Cue> readCues(Path vtt, double durationSeconds) throws IOException {
    String[] blocks = Files.readString(vtt).split("\n\n");
    assertThat(blocks[0]).isEqualTo("WEBVTT");
    List<Cue> cues = new ArrayList<>();
    for (int i = 1; i < blocks.length; i++) {
      String[] lines = blocks[i].strip().split("\n");
      assertThat(lines).as("cue %d: a timing line and a URL", i).hasSize(2);
      Matcher timing = TIMING.matcher(lines[0]);
      Matcher fragment = FRAGMENT.matcher(lines[1]);
      assertThat(timing.matches()).as("timing line '%s'", lines[0]).isTrue();
      assertThat(fragment.matches()).as("image URL '%s'", lines[1]).isTrue();
      cues.add(new Cue(seconds(timing, 1), seconds(timing, 5), fragment.group(1),
          Integer.parseInt(fragment.group(2)), Integer.parseInt(fragment.group(3)),
          Integer.parseInt(fragment.group(4)), Integer.parseInt(fragment.group(5))));
    }
    assertThat(cues).isNotEmpty();
    assertThat(cues.get(0).start()).isZero();
    for (int i = 0; i < cues.size(); i++) {
      assertThat(cues.get(i).end()).as("cue %d ends after it starts", i).isGreaterThan(cues.get(i).start());
      if (i > 0) {
        assertThat(cues.get(i).start()).as("cue %d starts where cue %d ends", i, i - 1)
            .isEqualTo(cues.get(i - 1).end());
      }
    }
    assertThat(cues.get(cues.size() - 1).end()).as("the last cue ends at the title's end")
        .isCloseTo(durationSeconds, offset(0.0005));
    return cues;
  }

  private static double seconds(Matcher timing, int group) {
    return Integer.parseInt(timing.group(group)) * 3600 + Integer.parseInt(timing.group(group + 1)) * 60
        + Integer.parseInt(timing.group(group + 2)) + Integer.parseInt(timing.group(group + 3)) / 1000.0;
  }

  /** Decodes every sheet the cues name and checks that each cue's rectangle lies inside its sheet. */
  private static Map<String, BufferedImage> sheets(Path title, List<Cue> cues) throws IOException {
    Map<String, BufferedImage> sheets = new HashMap<>();
    for (Cue cue : cues) {
      BufferedImage sheet = sheets.get(cue.sheet());
      if (sheet == null) {
        sheet = ImageIO.read(title.resolve("storyboard").resolve(cue.sheet()).toFile());
        assertThat(sheet).as("%s decodes as an image", cue.sheet()).isNotNull();
        sheets.put(cue.sheet(), sheet);
      }
      assertThat(cue.x() + cue.w()).as("%s inside %s", cue, cue.sheet()).isLessThanOrEqualTo(sheet.getWidth());
      assertThat(cue.y() + cue.h()).as("%s inside %s", cue, cue.sheet()).isLessThanOrEqualTo(sheet.getHeight());
    }
    return sheets;
  }

  /** The channel that dominates the tile's average colour, as "red", "green" or "blue". */
  private static String dominantColour(BufferedImage sheet, Cue cue) {
    long[] sums = new long[3];
    for (int y = cue.y(); y < cue.y() + cue.h(); y++) {
      for (int x = cue.x(); x < cue.x() + cue.w(); x++) {
        int rgb = sheet.getRGB(x, y);
        sums[0] += rgb >> 16 & 0xff;
        sums[1] += rgb >> 8 & 0xff;
        sums[2] += rgb & 0xff;
      }
    }
    int max = sums[0] >= sums[1] && sums[0] >= sums[2] ? 0 : sums[1] >= sums[2] ? 1 : 2;
    long others = sums[(max + 1) % 3] + sums[(max + 2) % 3];
    assertThat(sums[max]).as("%s is one clear colour", cue).isGreaterThan(others);
    return List.of("red", "green", "blue").get(max);
  }
}
