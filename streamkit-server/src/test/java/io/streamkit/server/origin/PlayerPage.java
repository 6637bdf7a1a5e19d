package io.streamkit.server.origin;

import java.time.Duration;
import org.openqa.selenium.support.ui.WebDriverWait;

/** What the tests read from the player page through {@code window.streamkitPlayer} and the video element. */
final class PlayerPage {

  private final HeadlessChromium chromium;

  PlayerPage(HeadlessChromium chromium) {
    this.chromium = chromium;
  }

  double currentTime() {
    return ((Number) chromium.script("return document.getElementById('video').currentTime")).doubleValue();
  }

  Integer levelHeight() {
    Object height = chromium.script("return window.streamkitPlayer.currentLevelHeight()");
    return height == null ? null : ((Number) height).intValue();
  }

  String message() {
    return (String) chromium.script("return document.getElementById('message').textContent");
  }

  void awaitCurrentTimeAbove(double seconds, Duration timeout) {
    new WebDriverWait(chromium.driver, timeout)
        .withMessage(() -> "playback did not pass " + seconds + " s; currentTime " + currentTime()
            + ", page says: " + message())
        .until(d -> currentTime() > seconds);
  }

  void awaitLevelHeightBelow(int height, Duration timeout) {
    new WebDriverWait(chromium.driver, timeout)
        .withMessage(() -> "hls.js stayed at " + levelHeight() + "p; switches "
            + chromium.script("return JSON.stringify(window.streamkitPlayer.switches)"))
        .until(d -> {
          Integer now = levelHeight();
          return now != null && now < height;
        });
  }
}
