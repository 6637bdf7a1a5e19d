package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.core.analytics.AnalyticsRollups;
import io.streamkit.core.event.EventStore;
import io.streamkit.core.event.PlaybackClient;
import io.streamkit.core.event.PlaybackEvent;
import io.streamkit.core.event.PlaybackEventType;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Common Media Client Data over real sockets: segment requests that passed the token gate carry CMCD as headers
 * (read by the plain request decoder in place) or as the {@code CMCD} query parameter, the origin stores them as
 * playback events, the fold adds them to the rollups, and {@code GET /api/analytics/series} reports buffer length,
 * measured throughput, encoded bitrate and starvations. Malformed CMCD and CMCD on a refused request change nothing
 * for the player and nothing in the series.
 */
class CmcdOriginTest {

  private static final String ADMIN_KEY = "cmcd-origin-test-admin-key-0123456";
  private static final String SEGMENT = "/v0/seg_00000.m4s";

  @TempDir Path data;

  private final ObjectMapper json = new ObjectMapper();
  private StreamkitStore store;
  private RunningOrigin origin;
  private String title;

  @BeforeEach
  void start() throws Exception {
    store = StreamkitStore.builder().dataDirectory(data.resolve("db")).build();
    title = TestTitles.inCatalog(store, data, TitleStatus.PUBLISHED);
    origin = new RunningOrigin(b -> b.dataDirectory(data).store(store).adminKey(ADMIN_KEY));
  }

  @AfterEach
  void stop() {
    origin.close();
    store.close();
  }

  @Test
  void headersAndQueryParameterReachTheSeriesAndMalformedDataIsCountedNotRefused() throws Exception {
    byte[] segment = Files.readAllBytes(data.resolve("titles").resolve(title).resolve(SEGMENT.substring(1)));
    String alice = token("alice");
    String bob = token("bob");

    // Header mode, as hls.js sends it, in one plain request head on a raw socket.
    RunningOrigin.RawResponse headers = origin.raw("GET /titles/" + title + SEGMENT + "?token=" + alice
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        + "User-Agent: Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
        + " Version/17.5 Mobile/15E148 Safari/604.1\r\n"
        + "CMCD-Object: br=800,d=1000,ot=v,tb=800\r\n"
        + "CMCD-Request: bl=2000,mtp=6000,su\r\n"
        + "CMCD-Session: cid=\"" + title + "\",sf=h,sid=\"alice-session\"\r\n"
        + "CMCD-Status: bs\r\n\r\n");
    assertThat(headers.status()).isEqualTo(200);
    assertThat(headers.body()).isEqualTo(segment);

    // Query mode: one parameter, percent-encoded, beside the token.
    HttpResponse<byte[]> query = origin.get("/titles/" + title + SEGMENT + "?token=" + bob + "&CMCD="
        + URLEncoder.encode("bl=4000,br=300,d=1000,mtp=2000,ot=v,sid=\"bob-session\"", StandardCharsets.UTF_8));
    assertThat(query.statusCode()).isEqualTo(200);
    assertThat(query.body()).isEqualTo(segment);

    // Malformed, either way: the segment is served as ever, the report counted and left out.
    HttpResponse<byte[]> badHeader = origin.get("/titles/" + title + SEGMENT + "?token=" + alice,
        "CMCD-Request", "bl=fast,mtp=9999");
    assertThat(badHeader.statusCode()).isEqualTo(200);
    assertThat(badHeader.body()).isEqualTo(segment);
    HttpResponse<byte[]> badQuery = origin.get("/titles/" + title + SEGMENT + "?token=" + alice + "&CMCD="
        + URLEncoder.encode("sid=unquoted,bl=100", StandardCharsets.UTF_8));
    assertThat(badQuery.statusCode()).isEqualTo(200);
    // Refused by the gate: its CMCD is not the viewer's to report.
    HttpResponse<byte[]> refused = origin.get("/titles/" + title + SEGMENT + "?token=forged",
        "CMCD-Request", "bl=99000,mtp=99000");
    assertThat(refused.statusCode()).isEqualTo(403);
    // Without CMCD: nothing recorded.
    assertThat(origin.get("/titles/" + title + SEGMENT + "?token=" + alice).statusCode()).isEqualTo(200);

    List<PlaybackEvent> reports = awaitCmcdEvents(2);
    assertThat(reports).extracting(PlaybackEvent::viewerId, PlaybackEvent::sessionId).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("alice", "alice-session"),
        org.assertj.core.groups.Tuple.tuple("bob", "bob-session"));
    assertThat(reports).filteredOn(e -> e.viewerId().equals("alice")).first()
        .extracting(PlaybackEvent::attributes).isEqualTo(java.util.Map.of("bl", "2000", "mtp", "6000", "br", "800",
            "d", "1000", "ot", "v", "bs", "true"));
    // The kind of client comes from the segment request's User-Agent, as for the player's own event batches.
    assertThat(reports).filteredOn(e -> e.viewerId().equals("alice")).first()
        .extracting(PlaybackEvent::client).isEqualTo(new PlaybackClient(PlaybackClient.Device.PHONE,
            PlaybackClient.Browser.SAFARI, PlaybackClient.Os.IOS));
    assertThat(cmcdCounter(OriginMetrics.CMCD_MALFORMED)).isEqualTo(2);
    assertThat(cmcdCounter(OriginMetrics.CMCD_RECORDED)).isEqualTo(2);

    AnalyticsRollups.builder(store).settleLag(Duration.ZERO).build().fold();
    assertThat(total("bufferLengthMs")).isEqualTo(3_000);
    assertThat(total("measuredThroughputKbps")).isEqualTo(4_000);
    assertThat(total("encodedBitrateKbps")).isEqualTo(550);
    assertThat(total("starvations")).isEqualTo(1);
    assertThat(total("uniqueViewers")).isEqualTo(2);
  }

  private String token(String viewer) {
    return origin.token(PlaybackClaims.builder().title(title).viewer(viewer).expiresAt(Instant.now().plusSeconds(600)));
  }

  /** The title's cmcd events once {@code count} are stored; the origin writes them about once a second. */
  private List<PlaybackEvent> awaitCmcdEvents(int count) throws InterruptedException {
    EventStore events = store.events();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      List<PlaybackEvent> stored = events.findByTitle(UUID.fromString(title), Instant.EPOCH,
          Instant.now().plusSeconds(60), EventStore.MAX_QUERY_LIMIT).stream()
          .filter(e -> e.type() == PlaybackEventType.CMCD).toList();
      if (stored.size() >= count || System.nanoTime() > deadline) {
        assertThat(stored).as("cmcd events stored").hasSize(count);
        return stored;
      }
      Thread.sleep(100);
    }
  }

  private double cmcdCounter(String outcome) {
    var counter = origin.server.meterRegistry().find(OriginMetrics.CMCD).tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  private long total(String metric) throws Exception {
    HttpResponse<byte[]> response = origin.get("/api/analytics/series?metric=" + metric + "&range=24h&title="
        + title, "Authorization", "Bearer " + ADMIN_KEY);
    assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    JsonNode series = json.readTree(response.body());
    assertThat(series.get("metric").asText()).isEqualTo(metric);
    return series.get("total").asLong();
  }
}
