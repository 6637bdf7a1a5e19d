package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.hls.FfmpegTool;
import io.streamkit.hls.SegmentFormat;
import io.streamkit.hls.Transcoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The {@code X-TIMESTAMP-MAP} of the WebVTT segments puts each cue on the frame the subtitle file names, in both
 * segment formats, with B-frames (the default x264 preset), where the first frame's timestamp is not 0: in Chromium,
 * hls.js places the cue that starts at 7 s of the file exactly 7 s after the first video frame in the video element's
 * timeline (0.08 s late for fMP4, the reorder delay, and 0.02 s for TS, where hls.js anchors the timeline on the
 * earlier audio). A map naming 0 instead would show it a few frames early.
 */
class SubtitleTimingBrowserTest {

  static final byte[] SECRET = "timing-test-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);

  @TempDir Path data;

  @ParameterizedTest
  @EnumSource(SegmentFormat.class)
  void aCueShowsWithTheFrameItWasTimedFor(SegmentFormat format) throws Exception {
    HeadlessChromium.assumeInstalled();
    Path source = data.resolve("source.mp4");
    FfmpegTool.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000", "-t", "10", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
        source.toString());
    Path srt = Files.writeString(data.resolve("en.srt"), "1\n00:00:07,000 --> 00:00:09,500\nSeven\n");
    // The default preset (veryfast) encodes B-frames, so the first frame is presented after a reorder delay.
    Transcoder.builder().input(source).output(data.resolve("titles").resolve("clip")).format(format)
        .ladder(Ladder.small()).segmentSeconds(2).subtitles(srt, "en", "English", false).build().run();
    try (OriginServer origin = OriginServer.builder().dataDirectory(data).host("127.0.0.1").port(0).ioThreads(2)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build()).build().start();
        HeadlessChromium chromium = HeadlessChromium.start()) {
      String token = PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().title("clip").viewer("v")
          .expiresAt(Instant.now().plusSeconds(600)).build());
      chromium.driver.get("http://127.0.0.1:" + origin.port() + "/play/clip?token=" + token);
      new PlayerPage(chromium).awaitCurrentTimeAbove(0.5, Duration.ofSeconds(60));
      new WebDriverWait(chromium.driver, Duration.ofSeconds(20))
          .until(d -> d.findElement(By.id("subtitles-choice")).isDisplayed());
      new Select(chromium.driver.findElement(By.id("subtitles"))).selectByVisibleText("English (en)");
      chromium.script("const v = document.getElementById('video'); v.pause(); v.currentTime = 8;");
      new WebDriverWait(chromium.driver, Duration.ofSeconds(30)).until(d -> chromium.script(
          "return Array.from(document.getElementById('video').textTracks).some(t => t.mode === 'showing'"
          + " && t.activeCues && t.activeCues.length > 0)"));
      // The first video frame's place on the element's timeline: the start of hls.js's video SourceBuffer.
      @SuppressWarnings("unchecked")
      Map<String, Object> seen = (Map<String, Object>) chromium.script("const v = document.getElementById('video');"
          + "const cue = Array.from(v.textTracks).find(t => t.mode === 'showing').activeCues[0];"
          + "const video = window.streamkitPlayer.hls.bufferController.sourceBuffer.video;"
          + "return {text: cue.text, start: cue.startTime, end: cue.endTime, firstFrame: video.buffered.start(0)};");
      double firstFrame = ((Number) seen.get("firstFrame")).doubleValue();
      assertThat(seen.get("text")).isEqualTo("Seven");
      assertThat(((Number) seen.get("start")).doubleValue() - firstFrame).as("%s cue start after the first frame, %s",
          format, seen).isCloseTo(7.0, within(0.002));
      assertThat(((Number) seen.get("end")).doubleValue() - firstFrame).isCloseTo(9.5, within(0.002));
    }
  }
}
