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

  boolean ended() {
    return Boolean.TRUE.equals(chromium.script("return document.getElementById('video').ended"));
  }

  /**
   * The video element and engine as a failure message needs them: paused or stalled, what is buffered in all and in
   * each source buffer (with its appends), errors, and the last title requests that completed (path, status, time).
   */
  String state() {
    return (String) chromium.script("const v = document.getElementById('video');"
        + "const ranges = (b) => { const r = []; for (let i = 0; i < b.length; i++) r.push(b.start(i).toFixed(2)"
        + " + '-' + b.end(i).toFixed(2)); return '[' + r.join(' ') + ']'; };"
        + "const buffers = (window.streamkitSourceBuffers || []).map((w) => { let b; try { b = ranges(w.buffer"
        + ".buffered); } catch (e) { b = 'removed'; } return w.mime + ' ' + b + ' after ' + w.appends + ' appends'"
        + " + (w.errors ? ', ' + w.errors + ' errors' : ''); });"
        + "const requests = performance.getEntriesByType('resource').filter((e) => e.name.includes('/titles/'))"
        + ".map((e) => new URL(e.name).pathname + ' ' + e.responseStatus + ' ' + Math.round(e.duration) + ' ms');"
        + "return 'engine ' + window.streamkitPlayer.engine + ', paused ' + v.paused + ', readyState ' + v.readyState"
        + " + ', networkState ' + v.networkState + ', buffered ' + ranges(v.buffered)"
        + " + ', source buffers ' + JSON.stringify(buffers)"
        + " + (v.error ? ', media error ' + v.error.code + ' ' + v.error.message : '')"
        + " + ', media errors so far ' + JSON.stringify(window.streamkitMediaErrors)"
        + " + ', page errors ' + JSON.stringify(window.streamkitPlayer.errors)"
        + " + ', page says: ' + document.getElementById('message').textContent"
        + " + ', last of ' + requests.length + ' title requests ' + JSON.stringify(requests.slice(-8))");
  }

  void awaitCurrentTimeAbove(double seconds, Duration timeout) {
    new WebDriverWait(chromium.driver, timeout)
        .withMessage(() -> "playback did not pass " + seconds + " s; currentTime " + currentTime() + ", " + state())
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
