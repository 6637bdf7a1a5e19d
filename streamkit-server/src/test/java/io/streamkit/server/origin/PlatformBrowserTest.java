package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import io.streamkit.core.analytics.AnalyticsRollups;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.server.TestVideos;
import io.streamkit.hls.ingest.IngestWorkers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The whole platform in a real browser, as a moderator and a viewer use it: upload through the admin page (with the
 * connection dropped part-way, so the tus upload has to resume), watch the
 * transcode finish, publish, play on the player page, see the ABR switch down on a throttled network, find the
 * position saved, and resume there after a reload. Screenshots of both pages go to {@code target/screenshots/}.
 *
 * <p>The origin runs in-process on an ephemeral port with an H2 store and one ingest worker; the ladder is three
 * rungs whose bitrates differ enough (1.6, 0.8, 0.2 Mbit/s) that a 0.5 Mbit/s link cannot sustain the top one.
 */
class PlatformBrowserTest {

  static final String ADMIN_KEY = "browser-test-admin-key-0123456789";
  static final byte[] SECRET = "browser-test-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);
  static final Ladder LADDER = new Ladder("browser-test",
      List.of(Rung.of(480, 1600), Rung.of(360, 800), Rung.of(180, 200)));
  /** Long enough that throttling mid-playback leaves content to switch down on. */
  /** Longer than the player's 30 s forward buffer, so the slowed network reaches fragments still to load. */
  static final int SOURCE_SECONDS = 60;
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final long THROTTLED_BITS_PER_SECOND = 500_000;
  static final long UPLOAD_BITS_PER_SECOND = 24_000_000;

  @TempDir Path data;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private StreamkitStore store;
  private IngestWorkers workers;
  private OriginServer origin;

  @AfterEach
  void stop() {
    if (origin != null) {
      origin.close();
    }
    if (workers != null) {
      workers.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private String startPlatform() {
    store = StreamkitStore.builder().dataDirectory(data).build();
    workers = IngestWorkers.builder().store(store).dataDirectory(data).node("browser-test").ladder(LADDER)
        .preset("ultrafast").segmentSeconds(2).pollInterval(Duration.ofMillis(200)).build().start();
    ManagementApi api = ManagementApi.builder().store(store).workers(workers).dataDirectory(data)
        .tokenSigner(PlaybackTokenSigner.hs256(SECRET)).build();
    origin = OriginServer.builder().dataDirectory(data).host("127.0.0.1").port(0).ioThreads(2)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build())
        .adminKey(ADMIN_KEY).store(store).managementApi(api).build().start();
    return "http://127.0.0.1:" + origin.port();
  }

  @Test
  void uploadPublishPlaySwitchDownSaveProgressAndResume() throws Exception {
    HeadlessChromium.assumeInstalled();
    Path source = Files.createDirectories(data.resolve("source")).resolve("Test pattern.mp4");
    TestVideos.makeNoisy(source, SOURCE_SECONDS, 854, 480, "4M");
    String base = startPlatform();

    try (HeadlessChromium chromium = HeadlessChromium.start()) {
      // Moderator: key, upload with progress, live transcode progress, publish.
      chromium.driver.get(base + "/admin");
      WebElement key = chromium.driver.findElement(By.id("admin-key"));
      key.sendKeys(ADMIN_KEY, Keys.TAB);
      chromium.driver.findElement(By.id("viewer-id")).clear();
      chromium.driver.findElement(By.id("viewer-id")).sendKeys("alice");
      chromium.driver.findElement(By.id("file")).sendKeys(source.toAbsolutePath().toString());
      // A slow uplink, so the upload is still running when the connection drops.
      chromium.throttleUpload(UPLOAD_BITS_PER_SECOND);
      chromium.driver.findElement(By.id("upload")).click();
      WebDriverWait wait = new WebDriverWait(chromium.driver, Duration.ofSeconds(30));
      wait.withMessage(() -> "upload never reached 30 %: " + text(chromium, "message"))
          .until(d -> Integer.parseInt(d.findElement(By.id("upload-progress")).getDomProperty("value")) >= 30);
      chromium.offline();
      wait.withMessage(() -> "the page did not notice the dropped connection: " + text(chromium, "upload-status"))
          .until(d -> text(chromium, "upload-status").contains("resuming"));
      chromium.unthrottle();
      wait.withMessage(() -> "upload did not finish: " + text(chromium, "message"))
          .until(d -> "100".equals(d.findElement(By.id("upload-progress")).getDomProperty("value")));
      WebElement row = wait.withMessage(() -> "no title row appeared: " + text(chromium, "message"))
          .until(d -> d.findElements(By.cssSelector("#titles tr[data-title-id]")).stream().findFirst().orElse(null));
      String titleId = row.getDomAttribute("data-title-id");
      assertThat(row.getText()).contains("Test pattern");

      new WebDriverWait(chromium.driver, Duration.ofSeconds(150)).pollingEvery(Duration.ofMillis(200))
          .withMessage(() -> "title never became READY; row says: " + rowText(chromium, titleId))
          .until(d -> {
            String status = status(chromium, titleId);
            assertThat(status).as(rowText(chromium, titleId)).isNotIn("FAILED", "REJECTED");
            return status.equals("READY");
          });
      assertThat(rowText(chromium, titleId)).as("the resumed upload arrived whole: all %d s transcoded", SOURCE_SECONDS)
          .contains("100 %", SOURCE_SECONDS / 60 + ":" + String.format("%02d", SOURCE_SECONDS % 60), "480p", "360p",
              "180p");

      rowButton(chromium, titleId, "publish").click();
      wait.withMessage(() -> "publish did not take: " + rowText(chromium, titleId))
          .until(d -> status(chromium, titleId).equals("PUBLISHED"));

      // Viewer: the play button mints a token for "alice" and opens the player.
      rowButton(chromium, titleId, "play").click();
      wait.until(d -> d.getCurrentUrl().contains("/play/" + titleId + "?token="));
      String token = URI.create(chromium.driver.getCurrentUrl()).getQuery().replaceFirst("^token=", "");
      PlayerPage player = new PlayerPage(chromium);
      player.awaitCurrentTimeAbove(1.5, Duration.ofSeconds(30));
      List<String> qualities = new Select(chromium.driver.findElement(By.id("quality"))).getOptions().stream()
          .map(WebElement::getText).toList();
      assertThat(qualities).hasSize(4).first().isEqualTo("Auto");
      new WebDriverWait(chromium.driver, Duration.ofSeconds(20))
          .withMessage(() -> "an unthrottled loopback should reach the top rung; at " + player.levelHeight())
          .until(d -> Integer.valueOf(480).equals(player.levelHeight()));

      // The network slows: hls.js must move to a lower rung. Double speed halves the wait.
      new Select(chromium.driver.findElement(By.id("speed"))).selectByValue("2");
      chromium.throttle(THROTTLED_BITS_PER_SECOND, THROTTLED_BITS_PER_SECOND, 40);
      player.awaitLevelHeightBelow(480, Duration.ofSeconds(45));
      chromium.unthrottle();

      // Stop at a known place; pausing saves progress through the viewer API's write-behind writer.
      chromium.script("const v = document.getElementById('video'); v.playbackRate = 1; v.currentTime = 12;");
      new WebDriverWait(chromium.driver, Duration.ofSeconds(20)).until(d -> !(Boolean) chromium.script(
          "const v = document.getElementById('video'); return v.seeking || v.readyState < 3;"));
      chromium.script("document.getElementById('video').pause();");
      double pausedAt = player.currentTime();
      assertThat(pausedAt).isBetween(11.5, 13.0);
      chromium.screenshot(SCREENSHOTS.resolve("player.png"));

      JsonNode saved = awaitSavedPosition(base, titleId, token, pausedAt);
      assertThat(saved.get("durationSeconds").asDouble()).isBetween(SOURCE_SECONDS - 1.0, SOURCE_SECONDS + 1.0);
      assertThat(saved.get("completed").asBoolean()).isFalse();

      // Reload: the player asks for the saved position and starts there.
      chromium.driver.navigate().refresh();
      PlayerPage reloaded = new PlayerPage(chromium);
      reloaded.awaitCurrentTimeAbove(pausedAt, Duration.ofSeconds(30));
      assertThat(((Number) chromium.script("return window.streamkitPlayer.resumedFrom")).doubleValue())
          .isCloseTo(pausedAt, within(0.5));
      assertThat(reloaded.currentTime()).as("playback resumes near the saved position, not from the start")
          .isBetween(pausedAt - 1.0, pausedAt + 8.0);

      // Back on the admin page (the key survives in session storage): the title's analytics count the plays.
      chromium.driver.get(base + "/admin");
      new WebDriverWait(chromium.driver, Duration.ofSeconds(10))
          .until(d -> !d.findElements(By.cssSelector("#titles tr[data-title-id='" + titleId + "'] button.analytics"))
              .isEmpty());
      // The reports read the rollups; fold the player's batches as a platform's scheduled fold would.
      AnalyticsRollups.builder(store).settleLag(Duration.ZERO).build().fold();
      rowButton(chromium, titleId, "analytics").click();
      WebElement dropOff = new WebDriverWait(chromium.driver, Duration.ofSeconds(10))
          .withMessage(() -> "no drop-off chart: " + text(chromium, "analytics"))
          .until(d -> {
            List<WebElement> plots = d.findElements(By.cssSelector("#analytics #drop-off-plot"));
            return plots.isEmpty() || plots.get(0).findElements(By.cssSelector(".uplot canvas")).isEmpty()
                ? null : plots.get(0);
          });
      String[] stopped = dropOff.getAttribute("data-viewers").split(",");
      assertThat(stopped).as("one bar per tenth of the title").hasSize(10);
      assertThat(java.util.Arrays.stream(stopped).mapToInt(Integer::parseInt).sum())
          .as("the viewer who watched stopped somewhere").isPositive();
      assertThat(dropOff.getAttribute("aria-label")).startsWith("Where viewers stopped: ");
      WebElement plays = chromium.driver.findElement(By.cssSelector("#title-figures div:first-child b"));
      assertThat(Integer.parseInt(plays.getText())).as("plays shown for the title").isGreaterThanOrEqualTo(1);
      chromium.screenshot(SCREENSHOTS.resolve("admin.png"));

      // The player's QoE batches reached the store: startup times and the bitrates played.
      HttpResponse<String> analytics = http.send(HttpRequest.newBuilder(
              URI.create(base + "/api/titles/" + titleId + "/analytics"))
          .header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(analytics.statusCode()).as(analytics.body()).isEqualTo(200);
      JsonNode qoe = json.readTree(analytics.body()).get("qoe");
      assertThat(qoe.get("startupMsP50").asDouble()).as(analytics.body()).isPositive();
      assertThat(qoe.get("averageBitrate").asDouble()).as(analytics.body()).isPositive();
    }
  }

  private JsonNode awaitSavedPosition(String base, String titleId, String token, double position) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
              URI.create(base + "/api/progress/" + titleId)).header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString());
      last = response.statusCode() + " " + response.body();
      if (response.statusCode() == 200) {
        JsonNode progress = json.readTree(response.body());
        if (Math.abs(progress.get("positionSeconds").asDouble() - position) < 0.5) {
          return progress;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("progress at " + position + " s was never saved; last answer: " + last);
  }

  private static String status(HeadlessChromium chromium, String titleId) {
    return chromium.driver.findElement(By.cssSelector("#titles tr[data-title-id='" + titleId + "']"))
        .getDomAttribute("data-status");
  }

  private static String rowText(HeadlessChromium chromium, String titleId) {
    return chromium.driver.findElement(By.cssSelector("#titles tr[data-title-id='" + titleId + "']")).getText();
  }

  private static WebElement rowButton(HeadlessChromium chromium, String titleId, String className) {
    return chromium.driver.findElement(By.cssSelector(
        "#titles tr[data-title-id='" + titleId + "'] button." + className));
  }

  private static String text(HeadlessChromium chromium, String id) {
    return chromium.driver.findElement(By.id(id)).getText();
  }
}
