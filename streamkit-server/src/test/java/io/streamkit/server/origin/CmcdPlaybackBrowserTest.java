package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.core.analytics.AnalyticsRollups;
import io.streamkit.core.event.EventStore;
import io.streamkit.core.event.PlaybackEvent;
import io.streamkit.core.event.PlaybackEventType;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The player page's hls.js sends Common Media Client Data with its requests, in headers, and the origin's rollups get
 * buffer length and measured throughput from it: a published title is played in headless Chromium, the origin's
 * {@code cmcd} events carry the player's own session id (the one its QoE events use) and the keys hls.js really
 * sends, no request URL carries a {@code CMCD=} parameter, and after a fold the analytics series report the measures
 * and the admin page charts buffer and throughput from them.
 */
class CmcdPlaybackBrowserTest {

  private static final String ADMIN_KEY = "cmcd-browser-test-admin-key-0123456";

  @TempDir Path data;

  @Test
  void hlsJsSendsCmcdHeadersAndTheRollupsReportBufferAndThroughput() throws Exception {
    HeadlessChromium.assumeInstalled();
    ObjectMapper json = new ObjectMapper();
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(data.resolve("db")).build()) {
      String title = TestTitles.inCatalog(store, data, TitleStatus.PUBLISHED);
      try (RunningOrigin origin = new RunningOrigin(b -> b.dataDirectory(data).store(store).adminKey(ADMIN_KEY));
          HeadlessChromium chromium = HeadlessChromium.start()) {
        String token = origin.token(PlaybackClaims.builder().title(title).viewer("alice")
            .expiresAt(Instant.now().plusSeconds(600)));
        chromium.driver.get("http://127.0.0.1:" + origin.port() + "/play/" + title + "?token=" + token);
        PlayerPage player = new PlayerPage(chromium);
        player.awaitCurrentTimeAbove(2.5, Duration.ofSeconds(60));

        @SuppressWarnings("unchecked")
        List<String> urls = (List<String>) chromium.script("return performance.getEntriesByType('resource')"
            + ".map((e) => e.name).filter((u) => u.includes('/titles/'))");
        assertThat(urls).as("media requests the page made").anyMatch(u -> u.contains(".m4s"))
            .noneMatch(u -> u.contains("CMCD="));

        List<PlaybackEvent> events = awaitEvents(store, UUID.fromString(title));
        List<PlaybackEvent> cmcd = events.stream().filter(e -> e.type() == PlaybackEventType.CMCD).toList();
        Set<String> playerSessions = events.stream().filter(e -> e.type() != PlaybackEventType.CMCD)
            .map(PlaybackEvent::sessionId).collect(Collectors.toSet());
        assertThat(playerSessions).as("the page's own QoE events").hasSize(1);
        assertThat(cmcd).extracting(PlaybackEvent::sessionId).containsOnly(playerSessions.iterator().next());
        assertThat(cmcd).extracting(PlaybackEvent::viewerId).containsOnly("alice");
        List<PlaybackEvent> media = cmcd.stream().filter(e -> "v".equals(e.attributes().get("ot"))
            || "av".equals(e.attributes().get("ot"))).toList();
        // Every segment request names the rendition's bitrate and the segment's duration; buffer length and the
        // throughput estimate follow once hls.js has a buffer and a first measurement.
        assertThat(media).as("segment requests with CMCD").isNotEmpty()
            .allSatisfy(e -> assertThat(e.attributes()).containsKeys("br", "d"));
        assertThat(media).anySatisfy(e -> assertThat(e.attributes()).containsKeys("bl", "mtp"));

        AnalyticsRollups.builder(store).settleLag(Duration.ZERO).build().fold();
        JsonNode buffer = series(origin, json, "bufferLengthMs", title);
        JsonNode throughput = series(origin, json, "measuredThroughputKbps", title);
        JsonNode bitrate = series(origin, json, "encodedBitrateKbps", title);
        assertThat(buffer.get("total").asLong()).as("buffer length %s", buffer).isPositive();
        assertThat(throughput.get("total").asLong()).as("throughput %s", throughput).isPositive();
        // The test title's two variants are encoded at about 300 and 800 kbit/s.
        assertThat(bitrate.get("total").asLong()).as("encoded bitrate %s", bitrate).isBetween(100L, 2_000L);

        // The admin page charts buffer and throughput from the same series.
        chromium.driver.get("http://127.0.0.1:" + origin.port() + "/admin");
        chromium.driver.findElement(By.id("admin-key")).sendKeys(ADMIN_KEY, Keys.TAB);
        new WebDriverWait(chromium.driver, Duration.ofSeconds(30)).withMessage("the CMCD chart was not drawn")
            .until(d -> "24".equals(d.findElement(By.id("chart-cmcd")).getDomAttribute("data-points")));
        String[] totals = chromium.driver.findElement(By.id("chart-cmcd")).getDomAttribute("data-totals").split(",");
        // The page scales by multiplying with 1/1000, which can differ from a division in the last binary digit.
        assertThat(Double.parseDouble(totals[0])).isCloseTo(buffer.get("total").asDouble() / 1000, within(1e-9));
        assertThat(Double.parseDouble(totals[1])).isCloseTo(throughput.get("total").asDouble() / 1000, within(1e-9));
      }
    }
  }

  /** The title's events once the page's QoE batch and at least two CMCD reports of segments are stored. */
  private static List<PlaybackEvent> awaitEvents(StreamkitStore store, UUID title) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      List<PlaybackEvent> events = store.events().findByTitle(title, Instant.EPOCH, Instant.now().plusSeconds(60),
          EventStore.MAX_QUERY_LIMIT);
      long segments = events.stream().filter(e -> e.type() == PlaybackEventType.CMCD
          && e.attributes().containsKey("bl")).count();
      boolean own = events.stream().anyMatch(e -> e.type() != PlaybackEventType.CMCD);
      if (segments >= 2 && own || System.nanoTime() > deadline) {
        return events;
      }
      Thread.sleep(200);
    }
  }

  private static JsonNode series(RunningOrigin origin, ObjectMapper json, String metric, String title)
      throws Exception {
    HttpResponse<byte[]> response = origin.get("/api/analytics/series?metric=" + metric + "&range=24h&title="
        + title, "Authorization", "Bearer " + ADMIN_KEY);
    assertThat(response.statusCode()).isEqualTo(200);
    return json.readTree(response.body());
  }
}
