package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.hls.FfmpegTool;
import io.streamkit.hls.TranscodeResult;
import io.streamkit.hls.Transcoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A podcast-style title — an M4A with an English (default) and a French track, no video — transcoded and served by
 * this origin, played in each engine of the player page with a height-capped token: playback advances with no error,
 * the page shows its audio panel, not a black picture, and choosing French in the audio menu makes the player fetch
 * the French rendition's segments and play on.
 */
class AudioOnlyPlaybackBrowserTest {

  static final byte[] SECRET = "audio-only-test-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);
  static final String TITLE = "episode";

  @TempDir Path data;

  @Test
  void everyEnginePlaysTheAudioOnlyTitleWithTheAudioPanel() throws Exception {
    HeadlessChromium.assumeInstalled();
    Path source = data.resolve("episode.m4a");
    FfmpegTool.ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
        "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=44100", "-t", "10",
        "-map", "0:a", "-map", "1:a", "-c:a", "aac", "-ac", "2",
        "-metadata:s:a:0", "language=eng", "-disposition:a:0", "default",
        "-metadata:s:a:1", "language=fre", "-disposition:a:1", "0", source.toString());
    TranscodeResult result = Transcoder.builder().input(source).output(data.resolve("titles").resolve(TITLE))
        .segmentSeconds(2).build().run();
    assertThat(result.audioOnly()).isTrue();

    try (OriginServer origin = OriginServer.builder().dataDirectory(data).host("127.0.0.1").port(0).ioThreads(2)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build()).build().start();
        HeadlessChromium chromium = HeadlessChromium.start()) {
      String base = "http://127.0.0.1:" + origin.port();
      String token = PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().viewer("sam").title(TITLE)
          .maxHeight(360).expiresAt(Instant.now().plusSeconds(600)).build());
      for (String engine : List.of("hls", "dashjs", "shaka")) {
        chromium.driver.get(base + "/play/" + TITLE + "?engine=" + engine + "&token=" + token);
        PlayerPage player = new PlayerPage(chromium);
        player.awaitCurrentTimeAbove(2, Duration.ofSeconds(60));
        assertThat(chromium.script("return window.streamkitPlayer.engine")).isEqualTo(engine);
        new WebDriverWait(chromium.driver, Duration.ofSeconds(10)).withMessage(engine + ": no audio panel")
            .until(d -> Boolean.TRUE.equals(chromium.script("return window.streamkitPlayer.audioOnly")));
        assertThat(chromium.driver.findElement(By.id("audio-only")).isDisplayed()).as(engine).isTrue();
        assertThat(chromium.driver.findElement(By.id("video")).getSize().getHeight())
            .as(engine + ": the video element shrinks to its controls").isLessThan(80);
        assertThat(chromium.script("return document.getElementById('video').videoHeight")).as(engine)
            .isEqualTo(0L);
        assertThat(chromium.script("return window.streamkitPlayer.errors")).as(engine).asList().isEmpty();
        assertThat(chromium.script("return performance.getEntriesByType('resource').map(e => e.name)"
            + ".filter(n => n.includes('/titles/" + TITLE + "/audio/seg_')).length")).as(engine)
            .isNotEqualTo(0L);

        new WebDriverWait(chromium.driver, Duration.ofSeconds(20)).withMessage(engine + ": no French in the audio menu")
            .until(d -> chromium.driver.findElement(By.id("audio")).findElements(By.tagName("option")).stream()
                .anyMatch(o -> o.getText().endsWith("(fr)") || o.getText().equals("fr")));
        chromium.script("performance.clearResourceTimings()");
        new org.openqa.selenium.support.ui.Select(chromium.driver.findElement(By.id("audio"))).selectByValue(
            chromium.driver.findElement(By.id("audio")).findElements(By.tagName("option")).stream()
                .filter(o -> o.getText().endsWith("(fr)") || o.getText().equals("fr")).findFirst().orElseThrow()
                .getAttribute("value"));
        new WebDriverWait(chromium.driver, Duration.ofSeconds(30)).withMessage(engine + ": no French segment fetched")
            .until(d -> ((Number) chromium.script("return performance.getEntriesByType('resource').map(e => e.name)"
                + ".filter(n => n.includes('/audio-fr-2/seg_')).length")).intValue() > 0);
        double before = player.currentTime();
        player.awaitCurrentTimeAbove(before + 1, Duration.ofSeconds(30));
        assertThat(chromium.script("return window.streamkitPlayer.errors")).as(engine).asList().isEmpty();
      }
      assertThat(origin.meterRegistry().find(OriginMetrics.REJECTIONS).counters())
          .as("no request of any player was refused").allMatch(c -> c.count() == 0);
    }
  }
}
