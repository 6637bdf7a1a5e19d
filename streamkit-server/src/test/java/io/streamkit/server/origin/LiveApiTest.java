package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.server.live.LiveEvents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live stream endpoints ({@code /api/live}) over real sockets, as a broadcaster's tooling meets them, on an origin
 * with an H2 store in a fresh data directory; the stream goes on air through the real RTMP ingest, published by
 * ffmpeg.
 */
class LiveApiTest {

  static final String ADMIN_KEY = "live-api-test-admin-key-0123456789";
  static final byte[] SECRET = "live-api-test-secret-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8);
  static final Ladder LADDER = new Ladder("live-api-test", List.of(Rung.of(180, 200)));

  @TempDir Path data;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final List<LiveFeed> feeds = new ArrayList<>();
  private StreamkitStore store;
  private LiveEvents live;
  private OriginServer origin;

  private void start(boolean withLive) {
    store = StreamkitStore.builder().dataDirectory(data).build();
    ManagementApi api = ManagementApi.builder().store(store).dataDirectory(data)
        .tokenSigner(PlaybackTokenSigner.hs256(SECRET)).build();
    OriginServer.Builder o = OriginServer.builder().dataDirectory(data).host("127.0.0.1").port(0)
        .rateLimits(RateLimits.none()).tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build())
        .adminKey(ADMIN_KEY).store(store).managementApi(api);
    if (withLive) {
      live = LiveEvents.builder().streams(store.liveStreams()).workDirectory(data.resolve("live"))
          .rtmp("127.0.0.1", 0).ladder(LADDER).preset("ultrafast").segmentSeconds(1).partSeconds(0.5)
          .reconnectGrace(Duration.ZERO).build().start();
      o.live(live);
    }
    origin = o.build().start();
  }

  @AfterEach
  void stop() {
    feeds.forEach(LiveFeed::close);
    if (origin != null) {
      origin.close();
    }
    if (live != null) {
      live.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void creatingAStreamNeedsTheAdminKeyAndANameAndShowsItsKeyOnce() throws Exception {
    start(true);
    assertThat(call("POST", "/api/live", "{\"name\":\"Keynote\"}", null).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/api/live", null, null).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/api/live", null, "Bearer wrong-key").statusCode()).isEqualTo(401);
    for (String body : List.of("{}", "{\"name\":5}", "{\"name\":null}")) {
      HttpResponse<String> refused = call("POST", "/api/live", body, admin());
      assertThat(refused.statusCode()).as(body).isEqualTo(400);
      assertThat(json.readTree(refused.body()).get("message").asText()).as(body).contains("name");
    }

    HttpResponse<String> response = call("POST", "/api/live", "{\"name\":\"Keynote\"}", admin());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    JsonNode created = json.readTree(response.body());
    String key = created.get("streamKey").asText();
    assertThat(created.get("name").asText()).isEqualTo("Keynote");
    assertThat(created.get("status").asText()).isEqualTo("IDLE");
    assertThat(key).isNotBlank();
    assertThat(created.get("rtmpUrl").asText()).isEqualTo("rtmp://127.0.0.1:" + live.rtmpPort() + "/live/" + key);

    JsonNode found = api("GET", "/api/live/" + created.get("id").asText(), null, 200);
    assertThat(found.toString()).doesNotContain(key);
    assertThat(found.has("streamKey")).isFalse();
    assertThat(found.has("health")).as("no health while idle").isFalse();
  }

  @Test
  void theListPagesNewestFirst() throws Exception {
    start(true);
    List<String> ids = new ArrayList<>();
    for (String name : List.of("first", "second", "third")) {
      ids.add(api("POST", "/api/live", "{\"name\":\"" + name + "\"}", 201).get("id").asText());
      Thread.sleep(5);
    }
    JsonNode first = api("GET", "/api/live?size=2", null, 200);
    assertThat(first.get("hasNext").asBoolean()).isTrue();
    assertThat(names(first)).containsExactly("third", "second");
    JsonNode second = api("GET", "/api/live?size=2&page=1", null, 200);
    assertThat(second.get("hasNext").asBoolean()).isFalse();
    assertThat(names(second)).containsExactly("first");
    assertThat(api("GET", "/api/live?size=0", null, 400).get("message").asText()).contains("size");
    assertThat(api("GET", "/api/live?page=-1", null, 400).get("message").asText()).contains("page");
  }

  @Test
  void aStreamOnAirShowsItsHealthCannotBeDeletedAndAfterItEndsIsGone() throws Exception {
    start(true);
    JsonNode created = api("POST", "/api/live", "{\"name\":\"Launch\"}", 201);
    String id = created.get("id").asText();
    String oldKey = created.get("streamKey").asText();
    assertThat(api("POST", "/api/live/" + id + "/playback", "{\"viewerId\":\"alice\"}", 409).get("error").asText())
        .isEqualTo("not_live");

    JsonNode rotated = api("POST", "/api/live/" + id + "/key", "", 200);
    String newKey = rotated.get("streamKey").asText();
    assertThat(newKey).isNotEqualTo(oldKey);
    assertThat(rotated.get("rtmpUrl").asText()).endsWith("/live/" + newKey);
    LiveFeed refused = feed(created.get("rtmpUrl").asText(), "refused");
    assertThat(refused.exited(15_000)).as("a publisher on the replaced key is sent away").isTrue();
    assertThat(api("GET", "/api/live/" + id, null, 200).get("status").asText()).isEqualTo("IDLE");

    LiveFeed publisher = feed(rotated.get("rtmpUrl").asText(), "publisher");
    JsonNode onAir = awaitStream(id, s -> s.get("status").asText().equals("LIVE")
        && s.path("health").path("segments").asLong() >= 1, Duration.ofSeconds(40));
    JsonNode health = onAir.get("health");
    assertThat(health.get("width").asInt()).isEqualTo(320);
    assertThat(health.get("height").asInt()).isEqualTo(180);
    assertThat(health.get("runs").asInt()).isEqualTo(1);
    assertThat(health.get("inputFrameRate").asDouble()).isBetween(20.0, 30.0);
    assertThat(health.get("inputBitsPerSecond").asLong()).isPositive();
    assertThat(onAir.get("startedAt").isNull()).isFalse();
    assertThat(names(api("GET", "/api/live", null, 200))).containsExactly("Launch");
    assertThat(api("GET", "/api/live", null, 200).get("items").get(0).has("health")).isTrue();

    JsonNode playback = api("POST", "/api/live/" + id + "/playback", "{\"viewerId\":\"alice\"}", 200);
    assertThat(playback.get("masterUrl").asText()).isEqualTo("/live/" + id + "/master.m3u8?token="
        + playback.get("token").asText());
    HttpResponse<String> master = call("GET", playback.get("masterUrl").asText(), null, null);
    assertThat(master.statusCode()).isEqualTo(200);
    assertThat(awaitStream(id, s -> s.path("health").path("viewers").asInt() == 1, Duration.ofSeconds(5))
        .get("status").asText()).isEqualTo("LIVE");

    assertThat(api("DELETE", "/api/live/" + id, null, 409).get("error").asText()).isEqualTo("live");

    publisher.close();
    JsonNode ended = awaitStream(id, s -> s.get("status").asText().equals("ENDED"), Duration.ofSeconds(30));
    assertThat(ended.get("endedAt").isNull()).isFalse();
    assertThat(api("POST", "/api/live/" + id + "/playback", "{\"viewerId\":\"alice\"}", 409).get("error").asText())
        .isEqualTo("not_live");
    assertThat(call("DELETE", "/api/live/" + id, null, admin()).statusCode()).isEqualTo(204);
    api("GET", "/api/live/" + id, null, 404);
    api("DELETE", "/api/live/" + id, null, 404);
    api("POST", "/api/live/" + id + "/key", "", 404);
    api("POST", "/api/live/" + id + "/playback", "{\"viewerId\":\"alice\"}", 404);
  }

  @Test
  void unknownStreamsAreNotFound() throws Exception {
    start(true);
    String unknown = UUID.randomUUID().toString();
    assertThat(api("GET", "/api/live/" + unknown, null, 404).get("message").asText()).contains(unknown);
    api("GET", "/api/live/not-an-id", null, 404);
    api("POST", "/api/live/" + unknown + "/key", "", 404);
    api("DELETE", "/api/live/" + unknown, null, 404);
    api("POST", "/api/live/" + unknown + "/playback", "{\"viewerId\":\"alice\"}", 404);
  }

  @Test
  void anOriginWithoutLiveEventsHasNoLiveApi() throws Exception {
    start(false);
    assertThat(api("GET", "/api/live", null, 404).get("error").asText()).isEqualTo("not_found");
    api("POST", "/api/live", "{\"name\":\"Keynote\"}", 404);
  }

  private LiveFeed feed(String rtmpUrl, String name) throws Exception {
    LiveFeed feed = LiveFeed.start(rtmpUrl, 320, 180, data.resolve(name + ".log"));
    feeds.add(feed);
    return feed;
  }

  private static List<String> names(JsonNode page) {
    List<String> names = new ArrayList<>();
    page.get("items").forEach(item -> names.add(item.get("name").asText()));
    return names;
  }

  private JsonNode awaitStream(String id, Predicate<JsonNode> done, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode stream = null;
    while (System.nanoTime() < deadline) {
      stream = api("GET", "/api/live/" + id, null, 200);
      if (done.test(stream)) {
        return stream;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("live stream " + id + " did not get there in " + timeout + ": " + stream);
  }

  private static String admin() {
    return "Bearer " + ADMIN_KEY;
  }

  private JsonNode api(String method, String path, String body, int expected) throws Exception {
    HttpResponse<String> response = call(method, path, body, admin());
    assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expected);
    return response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
  }

  private HttpResponse<String> call(String method, String path, String body, String authorization)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + origin.port() + path))
        .timeout(Duration.ofSeconds(15)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
