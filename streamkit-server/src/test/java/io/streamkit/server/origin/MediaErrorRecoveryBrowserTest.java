package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.hls.FfmpegTool;
import io.streamkit.hls.Transcoder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A fatal media error in hls.js (a segment the browser's media pipeline refused, say) is recovered by detaching and
 * re-attaching the video element, and loading a new source pauses the element: the player page must start it again,
 * or the viewer is left on a still picture with no message. A second one soon after means the media does not play
 * in this browser, and the page says so instead of re-attaching in a loop. A segment the browser really refuses
 * pauses the element before the player hears of it; each player then gets new media, and the page plays on.
 */
class MediaErrorRecoveryBrowserTest {

  /**
   * Run before the page's scripts: the first media segment appended to a video buffer arrives with its second half
   * overwritten, as a segment damaged on its way would, and Chromium's demuxer refuses it (a decode error); where
   * playback was then is kept in {@code window.damagedAtPosition}.
   */
  private static final String DAMAGE_FIRST_VIDEO_SEGMENT = """
      (function () {
        const add = MediaSource.prototype.addSourceBuffer;
        let damaged = false;
        MediaSource.prototype.addSourceBuffer = function (mime) {
          const buffer = add.call(this, mime);
          if (mime.startsWith('video/')) {
            const append = buffer.appendBuffer;
            let appends = 0;
            buffer.appendBuffer = function (data) {
              appends++;
              if (damaged || appends !== 2) return append.call(this, data);
              damaged = true;
              window.damagedAtPosition = document.querySelector('video').currentTime;
              const bytes = ArrayBuffer.isView(data)
                  ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
              const copy = new Uint8Array(bytes);
              for (let i = copy.length >> 1; i < copy.length; i++) copy[i] = (i * 7919) & 0xff;
              return append.call(this, copy);
            };
          }
          return buffer;
        };
      })();
      """;

  /** What hls.js reports when appending to a SourceBuffer keeps failing. */
  private static final String RAISE_MEDIA_ERROR = "window.streamkitPlayer.hls.trigger(Hls.Events.ERROR, {"
      + "type: Hls.ErrorTypes.MEDIA_ERROR, details: Hls.ErrorDetails.BUFFER_APPEND_ERROR, fatal: true})";

  @TempDir Path data;

  @Test
  void playbackGoesOnAfterHlsJsRecoversFromAFatalMediaError() throws Exception {
    playing((chromium, player) -> {
      double before = player.currentTime();
      chromium.script("window.positionsAfterRecovery = []; document.getElementById('video').addEventListener("
          + "'playing', (e) => window.positionsAfterRecovery.push(e.target.currentTime))");
      chromium.script(RAISE_MEDIA_ERROR);
      new WebDriverWait(chromium.driver, Duration.ofSeconds(30))
          .withMessage(() -> "playback did not go on from " + before + " s after the recovery: currentTime "
              + player.currentTime() + ", " + player.state())
          .until(d -> player.currentTime() > before + 1 || player.ended());
      @SuppressWarnings("unchecked")
      List<Number> resumedAt = (List<Number>) chromium.script("return window.positionsAfterRecovery");
      assertThat(resumedAt).as("where playback resumed, having been at %s s", before).isNotEmpty()
          .first().satisfies(p -> assertThat(p.doubleValue()).isGreaterThan(before - 0.25));
    });
  }

  @Test
  void aSecondFatalMediaErrorSoonAfterStopsPlaybackWithAMessage() throws Exception {
    playing((chromium, player) -> {
      chromium.script(RAISE_MEDIA_ERROR);
      chromium.script(RAISE_MEDIA_ERROR);
      new WebDriverWait(chromium.driver, Duration.ofSeconds(30))
          .withMessage(() -> "no failure shown: " + player.state())
          .until(d -> player.message().contains("Playback failed: bufferAppendError"));
      assertThat(chromium.script("return window.streamkitPlayer.hls.media")).as("hls.js let go of the video").isNull();
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"hls", "dashjs", "shaka"})
  void playbackStartsAfterTheBrowserRefusesTheFirstSegment(String engine) throws Exception {
    HeadlessChromium.assumeInstalled();
    Path source = data.resolve("source.mkv");
    FfmpegTool.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "12",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", source.toString());
    Transcoder.builder().input(source).output(data.resolve("titles").resolve("damaged"))
        .ladder(new Ladder("media-error-test", List.of(Rung.of(360, 700)))).preset("veryfast").segmentSeconds(2)
        .build().run();
    try (RunningOrigin origin = new RunningOrigin(b -> b.dataDirectory(data));
        HeadlessChromium chromium = HeadlessChromium.start()) {
      chromium.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
          Map.of("source", DAMAGE_FIRST_VIDEO_SEGMENT));
      chromium.driver.get("http://127.0.0.1:" + origin.port() + "/play/damaged?engine=" + engine + "&token="
          + origin.token("damaged"));
      PlayerPage player = new PlayerPage(chromium);
      player.awaitCurrentTimeAbove(4, Duration.ofSeconds(60));
      // Where playback was is taken when the damaged segment is appended, not from the element's error event: that
      // read 12.03 s, the video's end, in one run of many, where every other run read 0.00 s.
      assertThat(chromium.script("return window.damagedAtPosition")).as("position when the damaged segment came")
          .isInstanceOfSatisfying(Number.class, p -> assertThat(p.doubleValue()).isLessThan(1));
      assertThat(chromium.script("return window.streamkitMediaErrors")).as("the browser refused the damaged segment")
          .asList().singleElement().asString().contains(" 3 ").contains("CHUNK_DEMUXER_ERROR_APPEND_FAILED");
      assertThat(chromium.script("return window.streamkitPlayer.engine")).isEqualTo(engine);
    }
  }

  private interface Playing {
    void check(HeadlessChromium chromium, PlayerPage player) throws Exception;
  }

  /** Runs {@code check} once the player page plays a published title with hls.js. */
  private void playing(Playing check) throws Exception {
    HeadlessChromium.assumeInstalled();
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(data.resolve("db")).build()) {
      String title = TestTitles.inCatalog(store, data, TitleStatus.PUBLISHED);
      try (RunningOrigin origin = new RunningOrigin(b -> b.dataDirectory(data).store(store));
          HeadlessChromium chromium = HeadlessChromium.start()) {
        String token = origin.token(PlaybackClaims.builder().title(title).viewer("alice")
            .expiresAt(Instant.now().plusSeconds(600)));
        chromium.driver.get("http://127.0.0.1:" + origin.port() + "/play/" + title + "?engine=hls&token=" + token);
        PlayerPage player = new PlayerPage(chromium);
        player.awaitCurrentTimeAbove(0.5, Duration.ofSeconds(60));
        check.check(chromium, player);
      }
    }
  }
}
