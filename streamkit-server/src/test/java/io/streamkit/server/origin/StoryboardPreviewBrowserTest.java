package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.hls.Transcoder;
import io.streamkit.server.TestVideos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Seek previews on the player page in a real Chromium: the pointer moved along the scrub bar under the video shows
 * the storyboard tile of the time under it (its sheet, and the sheet shifted by the tile's offset), and a click seeks
 * there. The expected tile comes from the storyboard index the origin serves, read here independently.
 */
class StoryboardPreviewBrowserTest {

  private static final String TITLE = "previewed";
  private static final Pattern CUE = Pattern.compile(
      "(\\d{2}):(\\d{2}):(\\d{2}\\.\\d{3}) --> (\\d{2}):(\\d{2}):(\\d{2}\\.\\d{3})\\n(sheet_\\d{3}\\.jpg)\\?token=[^#]+"
          + "#xywh=(\\d+),(\\d+),(\\d+),(\\d+)");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  @TempDir Path data;

  record Cue(double start, double end, String sheet, long x, long y) {}

  @Test
  void hoveringTheScrubBarShowsTheTileForThatTimeAndAClickSeeksThere() throws Exception {
    HeadlessChromium.assumeInstalled();
    Path source = TestVideos.make(data.resolve("clip.mp4"), 6, 640, 360);
    Transcoder.builder().input(source).output(data.resolve("titles").resolve(TITLE)).ladder(Ladder.small())
        .preset("ultrafast").segmentSeconds(2).storyboardSeconds(1).build().run();
    Files.delete(source);

    try (RunningOrigin origin = new RunningOrigin(b -> b.dataDirectory(data));
        HeadlessChromium chromium = HeadlessChromium.start()) {
      String token = origin.token(TITLE);
      List<Cue> cues = cues(new String(origin.get("/titles/" + TITLE + "/storyboard/storyboard.vtt?token=" + token)
          .body(), StandardCharsets.UTF_8));
      assertThat(cues).hasSize(6);

      chromium.driver.get(origin.uri("/play/" + TITLE + "?token=" + token).toString());
      WebElement bar = chromium.driver.findElement(By.id("scrubber"));
      new WebDriverWait(chromium.driver, Duration.ofSeconds(20)).withMessage("the scrub bar never appeared")
          .until(d -> bar.isDisplayed());
      // The bar spans the video's duration, which grows a little once the media (its audio) is buffered.
      new WebDriverWait(chromium.driver, Duration.ofSeconds(20)).withMessage("the video never knew its duration")
          .until(d -> (Boolean) chromium.script("const v = document.getElementById('video');"
              + " return isFinite(v.duration) && v.duration > 0"));
      double end = cues.get(cues.size() - 1).end();
      WebElement preview = chromium.driver.findElement(By.id("storyboard-preview"));

      for (int index : new int[] {0, 3, 5}) {
        Cue cue = cues.get(index);
        double time = (cue.start() + cue.end()) / 2;
        hover(chromium, bar, time / end, preview, time);
        @SuppressWarnings("unchecked")
        Map<String, Object> shown = (Map<String, Object>) chromium.script("return window.streamkitStoryboard.shown");
        double shownTime = ((Number) shown.get("time")).doubleValue();
        assertThat(shownTime).as("time under the pointer, on a bar of the video's duration")
            .isCloseTo(time / end * ((Number) shown.get("duration")).doubleValue(), within(0.02))
            .isBetween(cue.start(), cue.end());
        assertThat((String) shown.get("sheet")).as("sheet of cue %d", index)
            .endsWith("/titles/" + TITLE + "/storyboard/" + cue.sheet() + "?token=" + token);
        assertThat(preview.getCssValue("background-image")).contains("/storyboard/" + cue.sheet() + "?token=");
        assertThat(preview.getCssValue("background-position")).as("offset of cue %d", index)
            .isEqualTo(px(-cue.x()) + " " + px(-cue.y()));
        assertThat(chromium.driver.findElement(By.id("storyboard-time")).getText())
            .isEqualTo("0:0" + (int) Math.floor(shownTime));
      }
      Files.createDirectories(SCREENSHOTS);
      chromium.screenshot(SCREENSHOTS.resolve("storyboard-preview.png"));

      chromium.script("document.getElementById('video').pause()");
      Cue target = cues.get(4);
      double time = (target.start() + target.end()) / 2;
      new Actions(chromium.driver).moveToElement(bar, offset(bar, time / end), 0).click().perform();
      double clicked = ((Number) chromium.script("return window.streamkitStoryboard.shown.time")).doubleValue();
      assertThat(clicked).isBetween(target.start(), target.end());
      assertThat(new PlayerPage(chromium).currentTime()).as("a click seeks to the time under the pointer")
          .isCloseTo(clicked, within(0.1));

      new Actions(chromium.driver).moveToElement(chromium.driver.findElement(By.id("title-name"))).perform();
      assertThat(preview.isDisplayed()).as("the preview goes when the pointer leaves the bar").isFalse();
    }
  }

  /**
   * Points at {@code fraction} of the bar until the preview shows. The page's layout may still move under a resting
   * pointer while the player starts (menus filled in once the manifest loads), and Chromium then reports the pointer
   * leaving the bar; a viewer would simply move the mouse again, so the test does too, from off the bar.
   */
  private static void hover(HeadlessChromium chromium, WebElement bar, double fraction, WebElement preview,
      double time) {
    new WebDriverWait(chromium.driver, Duration.ofSeconds(10))
        .withMessage(String.format("no preview at %.2f s with the pointer on the scrub bar", time)).until(d -> {
          new Actions(d).moveToElement(d.findElement(By.id("title-name"))).perform();
          new Actions(d).moveToElement(bar, offset(bar, fraction), 0).perform();
          return preview.isDisplayed() && chromium.script("return window.streamkitStoryboard.shown") != null;
        });
  }

  /** The pointer offset from the bar's centre (as {@link Actions#moveToElement} takes it) to {@code fraction}. */
  private static int offset(WebElement bar, double fraction) {
    int width = bar.getRect().getWidth();
    return (int) Math.round(fraction * width - width / 2.0);
  }

  private static String px(long value) {
    return value + "px";
  }

  private static List<Cue> cues(String vtt) {
    List<Cue> cues = new ArrayList<>();
    Matcher m = CUE.matcher(vtt);
    while (m.find()) {
      cues.add(new Cue(seconds(m, 1), seconds(m, 4), m.group(7), Long.parseLong(m.group(8)),
          Long.parseLong(m.group(9))));
    }
    return cues;
  }

  private static double seconds(Matcher m, int group) {
    return Integer.parseInt(m.group(group)) * 3600 + Integer.parseInt(m.group(group + 1)) * 60
        + Double.parseDouble(m.group(group + 2));
  }
}
