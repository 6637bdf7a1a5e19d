package io.streamkit.server.origin;

import static io.streamkit.server.origin.ApiCalls.bearer;
import static io.streamkit.server.origin.ApiCalls.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamkit.core.analytics.AnalyticsRollups;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The viewer and analytics endpoints over a real socket, against an origin with an H2 store. */
class ViewerApiTest {

  private static final byte[] SECRET = "viewer-api-test-secret-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8);
  private static final String ADMIN_KEY = "admin-key-for-the-viewer-api-test";
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  @TempDir
  Path dataDirectory;

  private StreamkitStore store;
  private OriginServer origin;
  private final PlaybackTokenSigner signer = PlaybackTokenSigner.hs256(SECRET);
  private final ApiCalls calls = new ApiCalls(() -> origin.port(), ADMIN_KEY);

  @BeforeEach
  void start() {
    store = StreamkitStore.builder().dataDirectory(dataDirectory.resolve("db")).build();
    origin = OriginServer.builder().dataDirectory(dataDirectory).host("127.0.0.1").port(0).ioThreads(2)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build())
        .adminKey(ADMIN_KEY).store(store).build().start();
  }

  @AfterEach
  void stop() {
    origin.close();
    store.close();
  }

  @Test
  void progressReadsBackAtOnceThoughWrittenBehind() throws Exception {
    UUID title = title("Round trip");
    String token = token("alice", title);

    HttpResponse<String> put = calls.send("PUT", "/api/progress/" + title, progressBody(42.5, 120, T0), bearer(token));
    assertThat(put.statusCode()).isEqualTo(202);
    assertThat(put.headers().firstValue("Cache-Control")).hasValue("no-store");

    HttpResponse<String> read = calls.send("GET", "/api/progress/" + title + "?token=" + token, null);
    assertThat(read.statusCode()).isEqualTo(200);
    JsonNode stored = json(read);
    assertThat(stored.get("titleId").asText()).isEqualTo(title.toString());
    assertThat(stored.get("positionSeconds").asDouble()).isEqualTo(42.5);
    assertThat(stored.get("durationSeconds").asDouble()).isEqualTo(120.0);
    assertThat(stored.get("completed").asBoolean()).isFalse();
    assertThat(stored.get("clientTime").asText()).isEqualTo(T0.toString());
  }

  @Test
  void progressOfAnotherViewerOrTitleIsNotVisible() throws Exception {
    UUID title = title("Private");
    put("alice", title, 10, 60, T0);
    assertThat(calls.send("GET", "/api/progress/" + title, null, bearer(token("alice", title))).statusCode())
        .isEqualTo(200);

    HttpResponse<String> bob = calls.send("GET", "/api/progress/" + title, null, bearer(token("bob", title)));
    assertThat(bob.statusCode()).isEqualTo(404);
    assertThat(json(bob).get("error").asText()).isEqualTo("no_progress");
  }

  @Test
  void tokensAreCheckedForTitleExpiryAndPresence() throws Exception {
    UUID title = title("Guarded");
    UUID other = title("Other");
    String forOther = token("alice", other);

    HttpResponse<String> wrongTitle = calls.send("PUT", "/api/progress/" + title, progressBody(1, 60, T0),
        bearer(forOther));
    assertThat(wrongTitle.statusCode()).isEqualTo(403);
    assertThat(json(wrongTitle).get("message").asText()).contains("another title").contains(title.toString());
    assertThat(calls.send("GET", "/api/progress/" + title + "?token=" + forOther, null).statusCode()).isEqualTo(403);

    HttpResponse<String> missing = calls.send("GET", "/api/continue-watching", null);
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(json(missing).get("error").asText()).isEqualTo("missing_token");

    String expired = signer.sign(PlaybackClaims.builder().viewer("alice").title(title.toString())
        .expiresAt(Instant.now().minusSeconds(3600)).build());
    HttpResponse<String> late = calls.send("POST", "/api/events", eventsBody("s1", 1), bearer(expired));
    assertThat(late.statusCode()).isEqualTo(403);
    assertThat(json(late).get("message").asText()).contains("expired");

    String forged = PlaybackTokenSigner.hs256("another-secret-another-secret-another".getBytes(StandardCharsets.UTF_8))
        .sign(PlaybackClaims.builder().viewer("alice").title(title.toString())
            .expiresAt(Instant.now().plusSeconds(600)).build());
    assertThat(calls.send("GET", "/api/continue-watching", null, bearer(forged)).statusCode()).isEqualTo(403);
  }

  @Test
  void viewerTokensOpenPublishedTitlesOnlyAndPreviewTokensReadyOnes() throws Exception {
    UUID ready = store.catalog().create("Awaiting review", "").id();
    store.catalog().transition(ready, TitleStatus.PROCESSING);
    store.catalog().transition(ready, TitleStatus.READY);

    HttpResponse<String> viewer = calls.send("PUT", "/api/progress/" + ready, progressBody(5, 60, T0),
        bearer(token("alice", ready)));
    assertThat(viewer.statusCode()).isEqualTo(403);
    assertThat(json(viewer).get("error").asText()).isEqualTo("not_published");

    String preview = signer.sign(PlaybackClaims.builder().viewer("moderator").title(ready.toString()).preview(true)
        .expiresAt(Instant.now().plusSeconds(600)).build());
    assertThat(calls.send("PUT", "/api/progress/" + ready, progressBody(5, 60, T0), bearer(preview)).statusCode())
        .isEqualTo(202);
  }

  @Test
  void continueWatchingListsUnfinishedTitlesNewestFirst() throws Exception {
    UUID first = title("First");
    UUID second = title("Second");
    UUID finished = title("Finished");
    UUID third = title("Third");
    put("carol", first, 10, 100, T0);
    put("carol", second, 20, 100, T0.plusSeconds(60));
    put("carol", finished, 99, 100, T0.plusSeconds(90));
    put("carol", third, 30, 100, T0.plusSeconds(120));
    put("dave", first, 50, 100, T0.plusSeconds(500));

    String token = token("carol", first);
    HttpResponse<String> page = calls.send("GET", "/api/continue-watching?token=" + token, null);
    assertThat(page.statusCode()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    json(page).get("items").forEach(item -> names.add(item.get("name").asText()));
    assertThat(names).containsExactly("Third", "Second", "First");
    JsonNode newest = json(page).get("items").get(0);
    assertThat(newest.get("titleId").asText()).isEqualTo(third.toString());
    assertThat(newest.get("positionSeconds").asDouble()).isEqualTo(30.0);
    assertThat(newest.get("posterUrl").asText()).isEqualTo("/titles/" + third + "/poster.jpg");

    JsonNode secondPage = json(calls.send("GET", "/api/continue-watching?page=1&size=2", null, bearer(token)));
    assertThat(secondPage.get("items")).hasSize(1);
    assertThat(secondPage.get("items").get(0).get("name").asText()).isEqualTo("First");
    assertThat(calls.send("GET", "/api/continue-watching?size=0", null, bearer(token)).statusCode()).isEqualTo(400);
  }

  @Test
  void continueWatchingPagesHoldOnlyWhatTheViewerMayPlayAndAreFullWhileMoreFollow() throws Exception {
    // Seven started titles; the newest three, and one between, were unpublished since.
    List<UUID> titles = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      UUID title = title("Film " + i);
      put("frank", title, 10, 100, T0.plusSeconds(i));
      titles.add(title);
    }
    for (int i : new int[] {6, 5, 4, 2}) {
      store.catalog().transition(titles.get(i), TitleStatus.READY);
    }
    String token = token("frank", titles.get(0));

    JsonNode first = json(calls.send("GET", "/api/continue-watching?page=0&size=2", null, bearer(token)));
    JsonNode second = json(calls.send("GET", "/api/continue-watching?page=1&size=2", null, bearer(token)));

    assertThat(texts(first.get("items"))).containsExactly("Film 3", "Film 1");
    assertThat(first.get("hasNext").asBoolean()).isTrue();
    assertThat(texts(second.get("items"))).containsExactly("Film 0");
    assertThat(second.get("hasNext").asBoolean()).isFalse();
    JsonNode all = json(calls.send("GET", "/api/continue-watching?size=3", null, bearer(token)));
    assertThat(texts(all.get("items"))).containsExactly("Film 3", "Film 1", "Film 0");
    assertThat(all.get("hasNext").asBoolean()).as("exactly a page's worth").isFalse();
  }

  private static List<String> texts(JsonNode items) {
    List<String> names = new ArrayList<>();
    items.forEach(item -> names.add(item.get("name").asText()));
    return names;
  }

  @Test
  void anEventBatchShowsUpInTheAnalytics() throws Exception {
    UUID title = title("Measured");
    String token = token("erin", title);
    String batch = """
        {"sessionId":"session-1","events":[
          {"type":"startup","positionSeconds":0,"time":"2026-03-01T12:00:00Z",
           "attributes":{"startupMs":"830","bitrate":2000000}},
          {"type":"play","positionSeconds":0,"time":"2026-03-01T12:00:00.100Z"},
          {"type":"rebuffer_start","positionSeconds":12,"time":"2026-03-01T12:00:12Z"},
          {"type":"rebuffer_end","positionSeconds":12,"time":"2026-03-01T12:00:14Z"},
          {"type":"variant_switch","positionSeconds":20,"time":"2026-03-01T12:00:22Z",
           "attributes":{"bitrate":"500000","fromHeight":"720","toHeight":"360"}},
          {"type":"error","positionSeconds":30,"time":"2026-03-01T12:00:32Z","attributes":{"message":"frag"}},
          {"type":"ended","positionSeconds":40,"time":"2026-03-01T12:00:40Z"}
        ]}""";
    HttpResponse<String> posted = calls.send("POST", "/api/events", batch, bearer(token));
    assertThat(posted.statusCode()).isEqualTo(202);
    assertThat(json(posted).get("accepted").asInt()).isEqualTo(7);
    put("erin", title, 38, 40, T0.plusSeconds(40));
    assertThat(calls.send("GET", "/api/progress/" + title + "?token=" + token, null).statusCode()).isEqualTo(200);
    JsonNode beforeFold = json(calls.send("GET", "/api/titles/" + title + "/analytics", null, bearer(ADMIN_KEY)));
    assertThat(beforeFold.get("plays").asLong()).isZero();
    assertThat(beforeFold.get("dropOff").get(9).get("viewers").asLong()).isEqualTo(1);
    fold();

    assertThat(calls.send("GET", "/api/titles/" + title + "/analytics", null).statusCode()).isEqualTo(401);
    JsonNode report = json(calls.send("GET", "/api/titles/" + title + "/analytics", null, bearer(ADMIN_KEY)));
    assertThat(report.get("titleId").asText()).isEqualTo(title.toString());
    assertThat(report.get("plays").asLong()).isEqualTo(1);
    assertThat(report.get("uniqueViewers").asLong()).isEqualTo(1);
    // Position advanced, each step capped by the time between events: 11.9 + 8 + 10 + 8 s.
    assertThat(report.get("watchTimeSeconds").asDouble()).isCloseTo(37.9, within(1e-9));
    assertThat(report.get("completionRate").asDouble()).isEqualTo(1.0);
    assertThat(report.get("dropOff")).hasSize(10);
    assertThat(report.get("dropOff").get(9).get("viewers").asLong()).isEqualTo(1);
    JsonNode qoe = report.get("qoe");
    assertThat(qoe.get("startupMsP50").asLong()).isCloseTo(830L, withinPercentage(5));
    assertThat(qoe.get("startupMsP95").asLong()).isEqualTo(qoe.get("startupMsP50").asLong());
    assertThat(qoe.get("errors").asLong()).isEqualTo(1);
    assertThat(qoe.get("rebufferRatio").asDouble()).isCloseTo(2.0 / 39.9, within(1e-9));
    // 2 Mb/s for 22 s, then 0.5 Mb/s for the 18 s to the session's last event.
    assertThat(qoe.get("averageBitrate").asLong()).isEqualTo((2_000_000L * 22 + 500_000L * 18) / 40);

    JsonNode platform = json(calls.send("GET", "/api/analytics", null, bearer(ADMIN_KEY)));
    assertThat(platform.get("titles").asLong()).isEqualTo(1);
    assertThat(platform.get("plays").asLong()).isEqualTo(1);
    assertThat(platform.get("uniqueViewers").asLong()).isEqualTo(1);
    assertThat(platform.get("watchTimeSeconds").asDouble()).isCloseTo(37.9, within(1e-9));
    assertThat(platform.get("errors").asLong()).isEqualTo(1);
    assertThat(calls.send("GET", "/api/titles/" + UUID.randomUUID() + "/analytics", null, bearer(ADMIN_KEY))
        .statusCode()).isEqualTo(404);
  }

  @Test
  void playbackIsBrokenDownByTheUserAgentThatPostedTheEvents() throws Exception {
    UUID title = title("Everywhere");
    UUID other = title("Elsewhere");
    Instant start = Instant.now().minusSeconds(600);
    postWatching("ann", title, CHROME_WINDOWS, null, 60, start);
    postWatching("ben", title, SAFARI_IPHONE, null, 30, start);
    postWatching("cai", title, CHROME_ANDROID_PHONE, null, 20, start);
    postWatching("dee", title, TIZEN_TV, null, 40, start);
    // A TV app whose web view announces an Android phone says what it is.
    postWatching("eve", other, CHROME_ANDROID_PHONE, "tv", 10, start);
    HttpResponse<String> badClass = calls.send("POST", "/api/events", "{\"sessionId\":\"x\",\"deviceClass\":\"fridge\","
        + "\"events\":[{\"type\":\"play\"}]}", bearer(token("eve", other)));
    assertThat(badClass.statusCode()).isEqualTo(400);
    assertThat(json(badClass).get("message").asText()).contains("fridge").contains("desktop, phone, tablet, tv");
    fold();

    assertThat(calls.send("GET", "/api/analytics/devices?range=24h", null).statusCode()).isEqualTo(401);
    JsonNode platform = json(calls.send("GET", "/api/analytics/devices?range=24h", null, bearer(ADMIN_KEY)));
    assertThat(platform.get("range").asText()).isEqualTo("24h");
    assertThat(platform.get("foldedAt").isTextual()).isTrue();
    assertThat(segment(platform, "devices", "phone").get("plays").asLong()).isEqualTo(2);
    assertThat(segment(platform, "devices", "phone").get("watchTimeSeconds").asDouble())
        .isCloseTo(50.0, within(1e-9));
    assertThat(segment(platform, "devices", "tv").get("plays").asLong()).isEqualTo(2);
    assertThat(segment(platform, "devices", "tv").get("uniqueViewers").asLong()).isEqualTo(2);
    assertThat(segment(platform, "devices", "desktop").get("watchTimeSeconds").asDouble())
        .isCloseTo(60.0, within(1e-9));
    assertThat(segment(platform, "devices", "phone").get("startupMsP50").asLong()).isCloseTo(500L,
        withinPercentage(5));
    assertThat(segment(platform, "browsers", "chrome").get("plays").asLong()).isEqualTo(3);
    assertThat(segment(platform, "browsers", "safari").get("plays").asLong()).isEqualTo(1);
    assertThat(segment(platform, "browsers", "other").get("plays").asLong()).isEqualTo(1);
    assertThat(segment(platform, "operatingSystems", "ios").get("plays").asLong()).isEqualTo(1);
    assertThat(segment(platform, "operatingSystems", "android").get("plays").asLong()).isEqualTo(2);
    assertThat(segment(platform, "operatingSystems", "windows").get("plays").asLong()).isEqualTo(1);
    assertThat(platform.get("devices").get(0).get("rebufferRatio").isNumber()).isTrue();

    JsonNode one = json(calls.send("GET", "/api/analytics/devices?range=7d&title=" + other, null, bearer(ADMIN_KEY)));
    assertThat(one.get("titleId").asText()).isEqualTo(other.toString());
    assertThat(one.get("devices")).hasSize(1);
    assertThat(one.get("devices").get(0).get("name").asText()).isEqualTo("tv");
    assertThat(calls.send("GET", "/api/analytics/devices?range=1y", null, bearer(ADMIN_KEY)).statusCode())
        .isEqualTo(400);
    HttpResponse<String> unknown = calls.send("GET", "/api/analytics/devices?title=" + UUID.randomUUID(), null,
        bearer(ADMIN_KEY));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).get("error").asText()).isEqualTo("unknown_title");
  }

  @Test
  void badEventBatchesAreRefusedWithTheReason() throws Exception {
    UUID title = title("Strict");
    String token = token("frank", title);

    HttpResponse<String> tooMany = calls.send("POST", "/api/events",
        eventsBody("s1", ViewerEndpoints.MAX_EVENTS_PER_BATCH + 1), bearer(token));
    assertThat(tooMany.statusCode()).isEqualTo(413);
    assertThat(json(tooMany).get("message").asText()).contains("501 events").contains("at most 500");

    HttpResponse<String> unknownType = calls.send("POST", "/api/events",
        "{\"sessionId\":\"s1\",\"events\":[{\"type\":\"play\"},{\"type\":\"jump\"}]}", bearer(token));
    assertThat(unknownType.statusCode()).isEqualTo(400);
    assertThat(json(unknownType).get("message").asText()).contains("events[1]").contains("jump")
        .contains("rebuffer_start");

    HttpResponse<String> notJson = calls.send("POST", "/api/events", "{\"sessionId\":", bearer(token));
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(json(notJson).get("error").asText()).isEqualTo("bad_json");

    HttpResponse<String> badPosition = calls.send("PUT", "/api/progress/" + title, progressBody(90, 60, T0),
        bearer(token));
    assertThat(badPosition.statusCode()).isEqualTo(400);
    assertThat(json(badPosition).get("message").asText()).contains("position");

    assertThat(calls.send("POST", "/api/events", eventsBody("s1", ViewerEndpoints.MAX_EVENTS_PER_BATCH), bearer(token))
        .statusCode()).isEqualTo(202);
    assertThat(store.events().findByTitle(title, Instant.EPOCH, Instant.now().plusSeconds(60), 10_000))
        .hasSize(ViewerEndpoints.MAX_EVENTS_PER_BATCH);
  }

  @Test
  void oversizedBodiesAndUnknownApiPathsGetJsonErrorsAndTheConnectionGoesOn() throws Exception {
    UUID title = title("Limits");
    String token = token("gina", title);
    String huge = "{\"sessionId\":\"s1\",\"padding\":\"" + "x".repeat(ViewerEndpoints.MAX_BODY_BYTES) + "\"}";

    HttpResponse<String> tooLarge = calls.send("POST", "/api/events", huge, bearer(token));
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(json(tooLarge).get("error").asText()).isEqualTo("too_large");

    HttpResponse<String> unknown = calls.send("POST", "/api/no-such-endpoint", "{}", bearer(token));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).has("error")).isTrue();

    assertThat(calls.send("POST", "/api/events", eventsBody("s1", 3), bearer(token)).statusCode()).isEqualTo(202);
  }

  @Test
  void closingTheOriginWritesHeartbeatsItHasAnswered() throws Exception {
    UUID title = title("Shutdown");
    List<String> viewers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      viewers.add("viewer-" + i);
      assertThat(calls.send("PUT", "/api/progress/" + title, progressBody(i + 1, 100, T0),
          bearer(token("viewer-" + i, title))).statusCode()).isEqualTo(202);
    }

    origin.close();

    for (int i = 0; i < viewers.size(); i++) {
      assertThat(store.progress().get(viewers.get(i), title)).get()
          .satisfies(p -> assertThat(p.position()).isPositive());
    }
    assertThat(store.progress().get("viewer-49", title).orElseThrow().position()).isEqualTo(Duration.ofSeconds(50));
  }

  // ---- helpers

  private static final String CHROME_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"
      + " (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
  private static final String SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X)"
      + " AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1";
  private static final String CHROME_ANDROID_PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36"
      + " (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36";
  private static final String TIZEN_TV = "Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.5) AppleWebKit/537.36"
      + " (KHTML, like Gecko) 85.0.4183.93/6.5 TV Safari/537.36";

  /** Posts a session that starts in 500 ms and plays {@code seconds}, as a player with this User-Agent would. */
  private void postWatching(String viewer, UUID title, String userAgent, String deviceClass, int seconds,
      Instant start) throws Exception {
    String body = "{\"sessionId\":\"" + viewer + "-1\"," + (deviceClass == null ? "" : "\"deviceClass\":\""
        + deviceClass + "\",") + "\"events\":["
        + "{\"type\":\"startup\",\"positionSeconds\":0,\"time\":\"" + start + "\",\"attributes\":{\"startupMs\":500}},"
        + "{\"type\":\"pause\",\"positionSeconds\":" + seconds + ",\"time\":\"" + start.plusSeconds(seconds)
        + "\"}]}";
    HttpResponse<String> posted = calls.send("POST", "/api/events", body, "Authorization",
        "Bearer " + token(viewer, title), "User-Agent", userAgent);
    assertThat(posted.statusCode()).isEqualTo(202);
  }

  private static JsonNode segment(JsonNode breakdown, String dimension, String name) {
    for (JsonNode segment : breakdown.get(dimension)) {
      if (segment.get("name").asText().equals(name)) {
        return segment;
      }
    }
    throw new AssertionError("no " + name + " in " + dimension + ": " + breakdown);
  }

  /** Folds the events stored so far into the rollups the analytics endpoints read, as the platform does each minute. */
  private void fold() {
    AnalyticsRollups.builder(store).settleLag(Duration.ZERO).build().fold();
  }

  private UUID title(String name) {
    UUID id = store.catalog().create(name, "").id();
    for (TitleStatus next : List.of(TitleStatus.PROCESSING, TitleStatus.READY, TitleStatus.PUBLISHED)) {
      store.catalog().transition(id, next);
    }
    return id;
  }

  private String token(String viewer, UUID title) {
    return signer.sign(PlaybackClaims.builder().viewer(viewer).title(title.toString())
        .expiresAt(Instant.now().plusSeconds(600)).build());
  }

  private void put(String viewer, UUID title, double position, double duration, Instant at) throws Exception {
    assertThat(calls.send("PUT", "/api/progress/" + title, progressBody(position, duration, at),
        bearer(token(viewer, title))).statusCode()).isEqualTo(202);
  }

  private static String progressBody(double position, double duration, Instant at) {
    return "{\"positionSeconds\":" + position + ",\"durationSeconds\":" + duration + ",\"clientTime\":\"" + at
        + "\"}";
  }

  private static String eventsBody(String session, int count) {
    StringBuilder body = new StringBuilder("{\"sessionId\":\"" + session + "\",\"events\":[");
    for (int i = 0; i < count; i++) {
      body.append(i == 0 ? "" : ",").append("{\"type\":\"pause\",\"positionSeconds\":").append(i)
          .append(",\"attributes\":{\"n\":").append(i).append("}}");
    }
    return body.append("]}").toString();
  }
}
