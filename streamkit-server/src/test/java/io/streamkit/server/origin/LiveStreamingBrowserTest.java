package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import io.streamkit.hls.live.LlHlsConformance;
import io.streamkit.server.StreamkitPlatform;
import io.streamkit.server.TestVideos;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Live streaming end to end, as a broadcaster and a viewer meet it: a stream created through the API, a real file
 * published over RTMP by ffmpeg, the Low-Latency HLS playlists checked against the specification through the
 * token-gated origin (blocking reloads, delta updates, preload hints), the stream's health on the admin page, the
 * stream played live in Chromium by hls.js
 * in low-latency mode (back at the live edge after a stall, left behind after a pause until the badge is pressed),
 * the publisher dropped and reconnected (the event continues after an
 * {@code EXT-X-DISCONTINUITY}), the stream ended, and its recording played as an ordinary title.
 */
class LiveStreamingBrowserTest {

  static final String ADMIN_KEY = "live-test-admin-key-0123456789abcdef";
  static final byte[] SECRET = "live-test-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8);
  static final Ladder LADDER = new Ladder("live-test", List.of(Rung.of(360, 800), Rung.of(180, 200)));
  static final Pattern LAST_PART = Pattern.compile("#EXT-X-PART:DURATION=[0-9.]+,URI=\"part_(\\d+)_(\\d+)\\.m4s");

  @TempDir Path data;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Process> publishers = new ArrayList<>();
  private StreamkitPlatform platform;

  @AfterEach
  void stop() {
    publishers.forEach(Process::destroyForcibly);
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void publishPlayLiveReconnectEndAndPlayTheRecording() throws Exception {
    HeadlessChromium.assumeInstalled();
    Path source = TestVideos.make(data.resolve("source.mp4"), 60, 640, 360);
    platform = StreamkitPlatform.builder().dataDirectory(data.resolve("platform")).hs256Secret(SECRET)
        .adminKey(ADMIN_KEY).ladder(LADDER).preset("ultrafast").workers(1)
        .origin(o -> o.host("127.0.0.1").port(0))
        .live(l -> l.rtmp("127.0.0.1", 0).reconnectGrace(Duration.ofSeconds(8)))
        .build().start();
    String base = "http://127.0.0.1:" + platform.port();

    // The broadcaster: a stream, its key and where to publish.
    JsonNode created = api("POST", base + "/api/live", "{\"name\":\"Launch event\"}", 201);
    String id = created.get("id").asText();
    String rtmpUrl = created.get("rtmpUrl").asText();
    assertThat(created.get("status").asText()).isEqualTo("IDLE");
    assertThat(rtmpUrl).startsWith("rtmp://127.0.0.1:").endsWith("/live/" + created.get("streamKey").asText());
    assertThat(api("POST", base + "/api/live/" + id + "/playback", "{\"viewerId\":\"alice\"}", 409)
        .get("error").asText()).isEqualTo("not_live");

    Process first = publish(source, rtmpUrl, 0, 50);
    JsonNode onAir = awaitStream(base, id, s -> s.get("status").asText().equals("LIVE")
        && s.path("health").path("segments").asLong() >= 2, Duration.ofSeconds(40));
    assertThat(onAir.get("health").get("width").asInt()).isEqualTo(640);

    JsonNode playback = api("POST", base + "/api/live/" + id + "/playback", "{\"viewerId\":\"alice\"}", 200);
    String token = playback.get("token").asText();
    assertThat(playback.get("masterUrl").asText()).endsWith("/live/" + id + "/master.m3u8?token=" + token);

    // The origin: gated, multivariant, and LL-HLS playlists that conform after every reload.
    assertThat(get(base + "/live/" + id + "/master.m3u8").statusCode()).isEqualTo(403);
    String master = body(base + "/live/" + id + "/master.m3u8?token=" + token);
    assertThat(master).contains("#EXT-X-STREAM-INF", "RESOLUTION=640x360", "360p/index.m3u8?token=" + token);
    String media = base + "/live/" + id + "/360p/index.m3u8?token=" + token;
    String playlist = body(media);
    assertThat(LlHlsConformance.check(playlist)).as(playlist).isEmpty();
    assertThat(playlist).contains("#EXT-X-SERVER-CONTROL:", "CAN-BLOCK-RELOAD=YES", "#EXT-X-PART-INF:",
        "#EXT-X-PRELOAD-HINT:TYPE=PART", "#EXT-X-PROGRAM-DATE-TIME:", "?token=" + token);

    // Blocking reload: asking for the part after the last one listed waits until it exists.
    long[] last = lastPart(playlist);
    long nextMsn = last[0];
    long nextPart = last[1] + 1;
    long asked = System.nanoTime();
    String blocked = body(media + "&_HLS_msn=" + nextMsn + "&_HLS_part=" + nextPart);
    assertThat(System.nanoTime() - asked).as("a blocking reload returns when the part exists, not at once")
        .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(50));
    assertThat(LlHlsConformance.check(blocked)).as(blocked).isEmpty();
    long[] after = lastPart(blocked);
    assertThat(after[0] > nextMsn || (after[0] == nextMsn && after[1] >= nextPart))
        .as("the answer holds part %s.%s: %s", nextMsn, nextPart, blocked).isTrue();
    assertThat(get(media + "&_HLS_msn=" + (after[0] + 5)).statusCode()).as("too far ahead").isEqualTo(400);
    String delta = body(media + "&_HLS_skip=YES");
    assertThat(LlHlsConformance.check(delta)).as(delta).isEmpty();

    try (HeadlessChromium chromium = HeadlessChromium.start()) {
      // The admin page lists the stream on air with its health.
      chromium.driver.get(base + "/admin");
      chromium.driver.findElement(By.id("admin-key")).sendKeys(ADMIN_KEY, Keys.TAB);
      By row = By.cssSelector("#live-streams tr[data-live-id='" + id + "']");
      new WebDriverWait(chromium.driver, Duration.ofSeconds(15))
          .withMessage(() -> "the admin page does not show the stream's health: "
              + chromium.driver.findElements(row).stream().map(WebElement::getText).toList())
          .until(d -> d.findElements(row).stream().anyMatch(r -> r.getText().contains("LIVE")
              && r.getText().contains("640×360") && r.getText().contains("× real time")));

      // The viewer plays live, close to the edge.
      chromium.driver.get(playback.get("playerUrl").asText().startsWith("http") ? playback.get("playerUrl").asText()
          : base + playback.get("playerUrl").asText());
      PlayerPage player = new PlayerPage(chromium);
      player.awaitCurrentTimeAbove(2, Duration.ofSeconds(30));
      new WebDriverWait(chromium.driver, Duration.ofSeconds(15))
          .withMessage(() -> "no live latency shown: " + chromium.script("return document.getElementById"
              + "('live-badge').textContent"))
          .until(d -> chromium.script("return window.streamkitPlayer.liveLatency") != null);
      // Low-latency mode holds back PART-HOLD-BACK (three 0.5 s parts), and the player joined at the live edge, not
      // at the start of the 20 s window. How close it stays is measured by benchmarks/live-latency.sh.
      assertThat(((Number) chromium.script("return window.streamkitPlayer.hls.targetLatency")).doubleValue())
          .as("hls.js's target latency from the playlist's PART-HOLD-BACK").isLessThanOrEqualTo(3.0);
      double latency = ((Number) chromium.script("return window.streamkitPlayer.liveLatency")).doubleValue();
      assertThat(latency).as("seconds behind the live edge").isBetween(0.0, 20.0);
      assertThat((String) chromium.script("return document.getElementById('live-badge').textContent"))
          .startsWith("LIVE");

      // A stall: the link drops to a trickle for 10 s and the picture stops. Once it plays again, the seconds lost
      // are not kept: the page skips ahead to the live edge instead of showing the rest of the event that late.
      double beforeStall = player.currentTime();
      chromium.throttle(16_000, 16_000, 0);
      Thread.sleep(10_000);
      double stalledFor = 10 - (player.currentTime() - beforeStall);
      chromium.unthrottle();
      assertThat(stalledFor).as("seconds the picture stood still while the link was down").isGreaterThan(5.0);
      awaitLatencyNearTarget(chromium, "after a stall of %.1f s".formatted(stalledFor));

      // A viewer who pauses chooses to be behind: playing on, they stay behind, until they press the badge.
      chromium.script("document.getElementById('video').pause()");
      Thread.sleep(6_000);
      chromium.script("document.getElementById('video').play()");
      player.awaitCurrentTimeAbove(player.currentTime() + 2, Duration.ofSeconds(15));
      assertThat(liveLatency(chromium)).as("seconds behind after a 6 s pause: not skipped ahead").isGreaterThan(5.0);
      assertThat(chromium.script("return window.streamkitPlayer.liveBehindByChoice")).isEqualTo(true);
      chromium.driver.findElement(By.id("live-badge")).click();
      awaitLatencyNearTarget(chromium, "after pressing the live badge");

      // The publisher drops and comes back within the grace period: the same event continues.
      first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      Thread.sleep(1500);
      publish(source, rtmpUrl, 10, 12);
      awaitStream(base, id, s -> s.path("health").path("runs").asInt() == 2, Duration.ofSeconds(20));
      new WebDriverWait(chromium.driver, Duration.ofSeconds(30)).pollingEvery(Duration.ofMillis(500))
          .withMessage(() -> "no discontinuity after the reconnect")
          .until(d -> {
            try {
              return body(media).contains("#EXT-X-DISCONTINUITY");
            } catch (IOException | InterruptedException e) {
              return false;
            }
          });
      double beforeReconnect = player.currentTime();
      player.awaitCurrentTimeAbove(beforeReconnect + 3, Duration.ofSeconds(30));

      // The publisher finishes: after the grace period the event ends and the player reaches the end.
      JsonNode ended = awaitStream(base, id, s -> s.get("status").asText().equals("ENDED")
          && !s.get("recordingTitleId").isNull(), Duration.ofSeconds(60));
      new WebDriverWait(chromium.driver, Duration.ofSeconds(40))
          .withMessage(() -> "the player did not show the end: " + player.message() + "; video " + chromium.script(
              "const v = document.getElementById('video'); return JSON.stringify({t: v.currentTime, d: v.duration,"
              + " r: v.readyState, p: v.paused, e: v.ended, b: Array.from({length: v.buffered.length},"
              + " (_, i) => [v.buffered.start(i), v.buffered.end(i)])})"))
          .until(d -> "ENDED".equals(chromium.script("return document.getElementById('live-badge').textContent")));

      new WebDriverWait(chromium.driver, Duration.ofSeconds(40))
          .withMessage(() -> "playback did not reach the end of the broadcast: " + chromium.script(
              "const v = document.getElementById('video'); return JSON.stringify({t: v.currentTime, d: v.duration,"
              + " r: v.readyState, p: v.paused, b: Array.from({length: v.buffered.length},"
              + " (_, i) => [v.buffered.start(i), v.buffered.end(i)])})"))
          .until(d -> (Boolean) chromium.script("return document.getElementById('video').ended"));

      // The recording is an ordinary title: transcoded, published, played.
      String titleId = ended.get("recordingTitleId").asText();
      JsonNode title = awaitTitle(base, titleId, "READY", Duration.ofSeconds(120));
      assertThat(title.get("name").asText()).startsWith("Launch event (recorded ");
      assertThat(title.get("durationSeconds").asDouble()).as("both runs recorded").isGreaterThan(14.0);
      api("POST", base + "/api/titles/" + titleId + "/publish", "", 200);
      JsonNode vod = api("POST", base + "/api/titles/" + titleId + "/playback", "{\"viewerId\":\"alice\"}", 200);
      chromium.driver.get(base + vod.get("playerUrl").asText());
      new PlayerPage(chromium).awaitCurrentTimeAbove(1.5, Duration.ofSeconds(30));
    }
  }

  /** ffmpeg publishing {@code seconds} of {@code source} in real time, from {@code fromSeconds}, as a broadcaster. */
  private Process publish(Path source, String rtmpUrl, int fromSeconds, int seconds) throws IOException {
    List<String> command = new ArrayList<>(List.of(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class), "-hide_banner",
        "-loglevel", "error", "-re", "-ss", Integer.toString(fromSeconds), "-i", source.toString(), "-t", Integer.toString(seconds),
        "-c", "copy", "-f", "flv", rtmpUrl));
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(data.resolve("publisher-" + publishers.size() + ".log").toFile()).start();
    publishers.add(process);
    return process;
  }

  private static double liveLatency(HeadlessChromium chromium) {
    return ((Number) chromium.script("return window.streamkitPlayer.liveLatency")).doubleValue();
  }

  /**
   * Waits until the player is within 3 s of hls.js's target latency (the page's catch-up margin) and playing. The
   * bound is generous: alone the player is back within seconds, but with the rest of the build's tests on the same two
   * cores it once still waited for data 20 s after the link came back.
   */
  private static void awaitLatencyNearTarget(HeadlessChromium chromium, String when) {
    new WebDriverWait(chromium.driver, Duration.ofSeconds(45)).pollingEvery(Duration.ofMillis(250))
        .withMessage(() -> "the player did not get back to the live edge " + when + ": " + chromium.script(
            "const v = document.getElementById('video'), h = window.streamkitPlayer.hls; return JSON.stringify({"
            + "latency: h.latency, target: h.targetLatency, sync: h.liveSyncPosition, t: v.currentTime,"
            + " paused: v.paused, r: v.readyState})"))
        .until(d -> (Boolean) chromium.script("const v = document.getElementById('video'),"
            + " h = window.streamkitPlayer.hls; return !v.paused && v.readyState >= 3"
            + " && h.latency <= h.targetLatency + 3.2"));
  }

  private static long[] lastPart(String playlist) {
    Matcher m = LAST_PART.matcher(playlist);
    long[] last = null;
    while (m.find()) {
      last = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }
    assertThat(last).as("parts in %s", playlist).isNotNull();
    return last;
  }

  private JsonNode awaitStream(String base, String id, java.util.function.Predicate<JsonNode> done, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode stream = null;
    while (System.nanoTime() < deadline) {
      stream = api("GET", base + "/api/live/" + id, null, 200);
      if (done.test(stream)) {
        return stream;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("live stream " + id + " did not get there in " + timeout + ": " + stream);
  }

  private JsonNode awaitTitle(String base, String id, String status, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode title = null;
    while (System.nanoTime() < deadline) {
      title = api("GET", base + "/api/titles/" + id, null, 200);
      assertThat(title.get("status").asText()).as(title.toString()).isNotEqualTo("FAILED");
      if (title.get("status").asText().equals(status)) {
        return title;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("title " + id + " did not become " + status + " in " + timeout + ": " + title);
  }

  private JsonNode api(String method, String url, String body, int expected) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + ADMIN_KEY)
        .timeout(Duration.ofSeconds(30));
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(method + " " + url + ": " + response.body()).isEqualTo(expected);
    return response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String body(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = get(url);
    assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
    return response.body();
  }
}
