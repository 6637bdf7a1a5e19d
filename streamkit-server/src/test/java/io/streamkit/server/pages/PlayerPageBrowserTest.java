package io.streamkit.server.pages;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.server.origin.OriginServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The player page in headless chromium against a delivery-only origin and a title packaged by the bundled ffmpeg:
 * hls.js plays it, the selectors work, and a throttled network makes the ABR switch down.
 */
class PlayerPageBrowserTest {

  static final byte[] SECRET = "pages-test-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);
  static final String TITLE = "three-rung-title";

  @TempDir Path data;

  @Test
  void playsTheTitleOffersEveryLevelAndSwitchesDownWhenTheNetworkSlows() throws Exception {
    HeadlessChromium.assumeInstalled();
    TestVideo.packageThreeRungs(Files.createDirectories(data.resolve("titles").resolve(TITLE)));
    try (OriginServer origin = OriginServer.builder().dataDirectory(data).host("127.0.0.1").port(0).ioThreads(2)
            .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build()).build().start();
        HeadlessChromium chromium = HeadlessChromium.start()) {
      String token = PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().title(TITLE)
          .viewer("viewer-1").expiresAt(Instant.now().plusSeconds(600)).build());
      chromium.driver.get("http://127.0.0.1:" + origin.port() + "/play/" + TITLE + "?token=" + token);
      PlayerPage player = new PlayerPage(chromium);

      player.awaitCurrentTimeAbove(1.5, Duration.ofSeconds(30));
      List<String> qualities = new Select(chromium.driver.findElement(By.id("quality"))).getOptions().stream()
          .map(WebElement::getText).toList();
      assertThat(qualities).hasSize(4).first().isEqualTo("Auto");
      assertThat(qualities.subList(1, 4)).anyMatch(q -> q.startsWith("480p")).anyMatch(q -> q.startsWith("180p"));
      assertThat(player.levelHeight()).as("an unthrottled loopback starts at the top").isEqualTo(480);

      new Select(chromium.driver.findElement(By.id("speed"))).selectByValue("2");
      assertThat(((Number) chromium.script("return document.getElementById('video').playbackRate")).doubleValue())
          .isEqualTo(2.0);

      chromium.throttle(500_000, 40);
      player.awaitLevelHeightBelow(480, Duration.ofSeconds(40));
      assertThat(player.levelHeight()).isLessThan(480);
    }
  }
}
