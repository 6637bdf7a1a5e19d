package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A fatal media error in hls.js (a segment the browser's media pipeline refused, say) is recovered by detaching and
 * re-attaching the video element, and loading a new source pauses the element: the player page must start it again,
 * or the viewer is left on a still picture with no message. A second one soon after means the media does not play
 * in this browser, and the page says so instead of re-attaching in a loop.
 */
class MediaErrorRecoveryBrowserTest {

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
