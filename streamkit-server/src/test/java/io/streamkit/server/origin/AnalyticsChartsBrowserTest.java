package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.core.analytics.AnalyticsRollups;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin page's analytics charts in a real browser: players post events through the viewer API, the rollups are
 * folded, and the page draws plays, watch time, startup time and rebuffer ratio over 24 hours (24 points) and 7 days
 * (7 points), with uPlot served by the origin, lists the most played titles, and tables playback by the device
 * class, browser and operating system the players' User-Agents name.
 */
class AnalyticsChartsBrowserTest {

  private static final String ADMIN_KEY = "charts-browser-test-admin-key-0123";
  private static final byte[] SECRET = "charts-browser-test-secret-of-32-bytes!!".getBytes(StandardCharsets.UTF_8);
  private static final List<String> CHARTS = List.of("chart-plays", "chart-watch-time", "chart-startup",
      "chart-rebuffer");
  private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15"
      + " (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1";
  private static final String WINDOWS_CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"
      + " (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
  private static final String TIZEN_TV = "Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.5) AppleWebKit/537.36"
      + " (KHTML, like Gecko) 85.0.4183.93/6.5 TV Safari/537.36";

  @TempDir Path data;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final PlaybackTokenSigner signer = PlaybackTokenSigner.hs256(SECRET);
  private StreamkitStore store;
  private OriginServer origin;

  @BeforeEach
  void start() {
    store = StreamkitStore.builder().dataDirectory(data.resolve("db")).build();
    origin = OriginServer.builder().dataDirectory(data).host("127.0.0.1").port(0).ioThreads(2)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build())
        .adminKey(ADMIN_KEY).store(store).build().start();
  }

  @AfterEach
  void stop() {
    origin.close();
    store.close();
  }

  @Test
  void foldedEventsAreChartedOverTheDayAndTheWeekWithTheMostPlayedTitles() throws Exception {
    HeadlessChromium.assumeInstalled();
    UUID hit = title("Hit show");
    UUID niche = title("Niche film");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      session(hit, "viewer-" + i, "hit-" + i, now.minus(Duration.ofHours(2)), 400 + 100 * i,
          i < 2 ? IPHONE : WINDOWS_CHROME);
    }
    session(niche, "viewer-9", "niche", now.minus(Duration.ofMinutes(5)), 900, TIZEN_TV);
    AnalyticsRollups.Fold fold = AnalyticsRollups.builder(store).settleLag(Duration.ZERO).build().fold();
    assertThat(fold.events()).isEqualTo(20);

    HttpResponse<String> refused = get("/api/analytics/series?metric=plays&range=24h", null);
    assertThat(refused.statusCode()).isEqualTo(401);
    HttpResponse<String> badMetric = get("/api/analytics/series?metric=views&range=24h", ADMIN_KEY);
    assertThat(badMetric.statusCode()).isEqualTo(400);
    assertThat(json.readTree(badMetric.body()).get("message").asText()).contains("views")
        .contains("watchTimeSeconds");
    HttpResponse<String> badRange = get("/api/analytics/top?range=1y", ADMIN_KEY);
    assertThat(badRange.statusCode()).isEqualTo(400);
    assertThat(json.readTree(badRange.body()).get("message").asText()).contains("24h, 7d, 30d");
    assertThat(get("/api/analytics/series?metric=plays&title=" + UUID.randomUUID(), ADMIN_KEY).statusCode())
        .isEqualTo(404);
    JsonNode plays = json.readTree(get("/api/analytics/series?metric=plays&range=24h&title=" + hit, ADMIN_KEY)
        .body());
    assertThat(plays.get("points")).hasSize(24);
    assertThat(plays.get("total").asLong()).isEqualTo(3);
    assertThat(plays.get("foldedAt").isNull()).isFalse();

    try (HeadlessChromium chromium = HeadlessChromium.start()) {
      chromium.driver.get("http://127.0.0.1:" + origin.port() + "/admin");
      chromium.driver.findElement(By.id("admin-key")).sendKeys(ADMIN_KEY, Keys.TAB);
      WebDriverWait wait = new WebDriverWait(chromium.driver, Duration.ofSeconds(30));
      wait.withMessage(() -> "charts not drawn: " + chromium.driver.findElement(By.id("analytics")).getText())
          .until(d -> CHARTS.stream().allMatch(id -> "24".equals(points(chromium, id))));
      for (String id : CHARTS) {
        assertThat(drawnPixels(chromium, id)).as("pixels drawn in %s", id).isPositive();
      }
      assertThat(attribute(chromium, "chart-plays", "data-totals")).isEqualTo("4");
      assertThat(text(chromium, "chart-plays")).contains("Plays").contains("plays");
      assertThat(text(chromium, "chart-startup")).contains("p50").contains("p95");
      List<String> top = chromium.driver.findElements(By.cssSelector("#top-titles li")).stream()
          .map(li -> li.getText()).toList();
      assertThat(top).hasSize(2);
      assertThat(top.get(0)).startsWith("Hit show").contains("3 plays");
      assertThat(top.get(1)).startsWith("Niche film").contains("1 play,");
      // Two iPhone sessions of 60 s, each stalled 1.5 s, starting in 400 and 500 ms.
      List<String> phone = clientRow(chromium, "devices", "phone");
      assertThat(phone).hasSize(7);
      assertThat(phone.subList(0, 5)).containsExactly("phone", "2", "2", "2:00", "2.4 %");
      assertThat(Long.parseLong(phone.get(5))).isBetween(380L, 420L);
      assertThat(phone.get(6)).isEqualTo("0");
      assertThat(clientRow(chromium, "devices", "desktop").get(1)).isEqualTo("1");
      assertThat(clientRow(chromium, "devices", "tv").get(1)).isEqualTo("1");
      assertThat(clientRow(chromium, "browsers", "safari").get(1)).isEqualTo("2");
      assertThat(clientRow(chromium, "browsers", "chrome").get(1)).isEqualTo("1");
      assertThat(clientRow(chromium, "operatingSystems", "ios").get(1)).isEqualTo("2");
      assertThat(chromium.driver.findElement(By.cssSelector("#client-breakdown caption")).getText())
          .contains("device class");

      new Select(chromium.driver.findElement(By.id("analytics-range"))).selectByValue("7d");
      wait.until(d -> CHARTS.stream().allMatch(id -> "7".equals(points(chromium, id))));
      assertThat(attribute(chromium, "chart-plays", "data-totals")).isEqualTo("4");
      chromium.screenshot(PlatformBrowserTest.SCREENSHOTS.resolve("admin-charts.png"));
    }
  }

  /**
   * A session of five events from {@code at}, posted with this User-Agent: startup, play, a 1.5 s stall, ended after
   * 60 s.
   */
  private void session(UUID title, String viewer, String session, Instant at, int startupMs, String userAgent)
      throws Exception {
    String body = "{\"sessionId\":\"" + session + "\",\"events\":["
        + event("startup", 0, at, "{\"startupMs\":\"" + startupMs + "\",\"bitrate\":\"800000\"}") + ","
        + event("play", 0, at.plusMillis(10), "{}") + ","
        + event("rebuffer_start", 20, at.plusSeconds(20), "{}") + ","
        + event("rebuffer_end", 20, at.plusMillis(21_500), "{\"durationMs\":\"1500\"}") + ","
        + event("ended", 60, at.plusMillis(61_500), "{}") + "]}";
    String token = signer.sign(PlaybackClaims.builder().viewer(viewer).title(title.toString())
        .expiresAt(Instant.now().plusSeconds(600)).build());
    HttpResponse<String> posted = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + origin.port() + "/api/events"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .header("User-Agent", userAgent).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
  }

  private static String event(String type, double position, Instant at, String attributes) {
    return "{\"type\":\"" + type + "\",\"positionSeconds\":" + position + ",\"time\":\"" + at + "\",\"attributes\":"
        + attributes + "}";
  }

  private UUID title(String name) {
    UUID id = store.catalog().create(name, "").id();
    for (TitleStatus next : List.of(TitleStatus.PROCESSING, TitleStatus.READY, TitleStatus.PUBLISHED)) {
      store.catalog().transition(id, next);
    }
    return id;
  }

  private HttpResponse<String> get(String path, String key) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + origin.port() + path));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The cells of the breakdown table's row for one device class, browser or operating system. */
  private static List<String> clientRow(HeadlessChromium chromium, String group, String name) {
    return chromium.driver.findElements(By.cssSelector("#client-breakdown tr[data-group='" + group
        + "'][data-name='" + name + "'] > *")).stream().map(cell -> cell.getText()).toList();
  }

  private static String points(HeadlessChromium chromium, String id) {
    return chromium.driver.findElement(By.id(id)).getDomAttribute("data-points");
  }

  private static String attribute(HeadlessChromium chromium, String id, String name) {
    return chromium.driver.findElement(By.id(id)).getDomAttribute(name);
  }

  private static String text(HeadlessChromium chromium, String id) {
    return chromium.driver.findElement(By.id(id)).getText();
  }

  /** Non-transparent pixels on the chart's canvas: uPlot drew the series, not just an empty frame. */
  private static long drawnPixels(HeadlessChromium chromium, String id) {
    Object count = chromium.driver.executeScript("const c = document.querySelector('#' + arguments[0] + ' canvas');"
        + "if (!c) { return 0; } const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        + "let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) { n++; } } return n;", id);
    return ((Number) count).longValue();
  }
}
