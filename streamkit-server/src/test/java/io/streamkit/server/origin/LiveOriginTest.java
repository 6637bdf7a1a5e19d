package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.hls.live.LlHlsConformance;
import io.streamkit.server.live.LiveEvents;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The origin's live delivery over real sockets, as a player meets it: one stream on air, published over RTMP by
 * ffmpeg and transcoded in real time to a two-rung ladder in one-second segments of half-second parts, served by an
 * origin with a single event-loop thread. Tokens, caps, names and the Low-Latency HLS delivery directives (RFC 8216bis
 * section 6.2.5) are checked against what comes back; the last test stalls the publisher.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveOriginTest {

  static final String ADMIN_KEY = "live-origin-test-admin-key-0123456789";
  static final byte[] SECRET = "live-origin-test-secret-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8);
  static final Ladder LADDER = new Ladder("live-origin-test", List.of(Rung.of(360, 800), Rung.of(180, 200)));
  static final Pattern STREAM_INF_URI = Pattern.compile("#EXT-X-STREAM-INF:[^\n]*\n([^\n?]+)/index\\.m3u8");

  @TempDir static Path data;

  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final ObjectMapper JSON = new ObjectMapper();
  static final PlaybackTokenSigner SIGNER = PlaybackTokenSigner.hs256(SECRET);
  static StreamkitStore store;
  static LiveEvents live;
  static OriginServer origin;
  static LiveFeed feed;
  static String id;
  static String token;

  @BeforeAll
  static void onAir() throws Exception {
    store = StreamkitStore.builder().dataDirectory(data).build();
    ManagementApi api = ManagementApi.builder().store(store).dataDirectory(data).tokenSigner(SIGNER).build();
    live = LiveEvents.builder().streams(store.liveStreams()).workDirectory(data.resolve("live"))
        .rtmp("127.0.0.1", 0).ladder(LADDER).preset("ultrafast").segmentSeconds(1).partSeconds(0.5).build().start();
    origin = OriginServer.builder().dataDirectory(data).host("127.0.0.1").port(0).ioThreads(1)
        .rateLimits(RateLimits.none()).tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build())
        .adminKey(ADMIN_KEY).store(store).managementApi(api).live(live).build().start();
    JsonNode created = JSON.readTree(send(HttpRequest.newBuilder(uri("/api/live"))
        .header("Authorization", "Bearer " + ADMIN_KEY)
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Origin test\"}")).build()).body());
    id = created.get("id").asText();
    feed = LiveFeed.start(created.get("rtmpUrl").asText(), 640, 360, data.resolve("publisher.log"));
    token = token(b -> {});
    await("two complete segments in 180p", () -> {
      HttpResponse<byte[]> r = get(media("180p"));
      return r.statusCode() == 200 && LlHlsConformance.parse(text(r)).complete().size() >= 2;
    }, Duration.ofSeconds(40));
  }

  @AfterAll
  static void offAir() {
    if (feed != null) {
      feed.close();
    }
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
  void onlyAnUnrevokedTokenForThisStreamOpensItsPlaylistsPartsAndSegments() throws Exception {
    String revokedViewer = token(b -> b.viewer("mallory"));
    for (String path : mediaPaths("180p")) {
      assertThat(get(path + "?token=" + token).statusCode()).as(path).isEqualTo(200);
      assertThat(get(path + "?token=" + revokedViewer).statusCode()).as(path).isEqualTo(200);
      assertThat(get(path).statusCode()).as("%s without a token", path).isEqualTo(403);
      assertThat(get(path + "?token=" + token(b -> b.title(UUID.randomUUID().toString()))).statusCode())
          .as("%s with another stream's token", path).isEqualTo(403);
    }

    HttpResponse<byte[]> revoked = send(HttpRequest.newBuilder(uri("/api/viewers/mallory/revoke"))
        .header("Authorization", "Bearer " + ADMIN_KEY).POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(revoked.statusCode()).as(text(revoked)).isEqualTo(200);
    for (String path : mediaPaths("180p")) {
      assertThat(get(path + "?token=" + revokedViewer).statusCode()).as("%s for a revoked viewer", path)
          .isEqualTo(403);
      assertThat(get(path + "?token=" + token).statusCode()).as(path).isEqualTo(200);
    }
  }

  @Test
  void aViewerAtTheirStreamLimitCannotOpenAnotherLiveSessionUntilOneStops() throws Exception {
    String phone = token(b -> b.viewer("dana").maxStreams(1));
    String television = token(b -> b.viewer("dana").maxStreams(1));
    assertThat(get("/live/" + id + "/master.m3u8?token=" + phone).statusCode()).isEqualTo(200);

    HttpResponse<byte[]> refused = get("/live/" + id + "/master.m3u8?token=" + television);
    assertThat(refused.statusCode()).isEqualTo(403);
    JsonNode error = JSON.readTree(refused.body());
    assertThat(error.get("error").asText()).isEqualTo("too_many_streams");
    assertThat(error.get("message").asText()).contains("too many devices (1 at once)");
    assertThat(get("/live/" + id + "/180p/index.m3u8?token=" + phone).statusCode()).as("the session playing")
        .isEqualTo(200);
    assertThat(get("/live/" + id + "/master.m3u8?token=" + phone).statusCode()).as("its master reloaded")
        .isEqualTo(200);
    assertThat(get("/live/" + id + "/master.m3u8?token=" + token(b -> b.viewer("erin").maxStreams(1))).statusCode())
        .as("another viewer").isEqualTo(200);

    HttpResponse<byte[]> stopped = send(HttpRequest.newBuilder(uri("/api/sessions/stop?token=" + phone))
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(stopped.statusCode()).isEqualTo(204);
    assertThat(get("/live/" + id + "/master.m3u8?token=" + television).statusCode()).as("after the phone stopped")
        .isEqualTo(200);
  }

  @Test
  void aTitleTokenDoesNotOpenALiveStreamNorALiveTokenATitle() throws Exception {
    String titleId = UUID.randomUUID().toString();
    HttpResponse<byte[]> live = get("/live/" + titleId + "/master.m3u8?token=" + token(b -> b.title(titleId)));
    assertThat(live.statusCode()).isEqualTo(404);
    assertThat(text(live)).doesNotContain("#EXTM3U");

    HttpResponse<byte[]> asTitle = get("/titles/" + id + "/master.m3u8?token=" + token);
    assertThat(asTitle.statusCode()).isEqualTo(404);
    assertThat(text(asTitle)).doesNotContain("#EXTM3U");
    assertThat(get("/titles/" + id + "/180p/index.m3u8?token=" + token).statusCode()).isEqualTo(404);
  }

  @Test
  void unknownStreamsRenditionsAndFilesAreNotFoundAndUnsafeNamesRefused() throws Exception {
    String other = UUID.randomUUID().toString();
    HttpResponse<byte[]> stream = get("/live/" + other + "/master.m3u8?token=" + token(b -> b.title(other)));
    assertThat(stream.statusCode()).isEqualTo(404);
    assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
        .startsWith("application/json"));
    JsonNode error = JSON.readTree(stream.body());
    assertThat(error.get("error").asText()).isEqualTo("not_found");
    assertThat(error.get("message").asText()).contains(other);

    String base = "/live/" + id + "/";
    for (String file : List.of("index.m3u8", "part_0_0.m4s", "seg_0.m4s", "init_0.mp4")) {
      assertThat(get(base + "1080p/" + file + "?token=" + token).statusCode()).as("1080p/%s", file).isEqualTo(404);
    }
    for (String file : List.of("180p/part_x_y.m4s", "180p/seg_.m4s", "180p/seg_1.ts", "180p/master.m3u8",
        "index.m3u8", "180p/seg_0.m4s/extra")) {
      assertThat(get(base + file + "?token=" + token).statusCode()).as(file).isEqualTo(404);
    }
    for (String file : List.of("180p/../../../titles/x/master.m3u8", "180p/%2e%2e/index.m3u8", "180p/.hidden",
        "180p/seg_0.m4s%2f..")) {
      assertThat(raw("GET " + base + file + "?token=" + token + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .status()).as(file).isEqualTo(400);
    }
  }

  @Test
  void aHeightCapHidesAndRefusesTallerRenditions() throws Exception {
    String capped = token(b -> b.maxHeight(180));
    String master = text(get("/live/" + id + "/master.m3u8?token=" + capped));
    assertThat(renditions(master)).containsExactly("180p");
    assertThat(renditions(text(get("/live/" + id + "/master.m3u8?token=" + token)))).containsExactly("360p", "180p");
    for (String path : mediaPaths("360p").subList(1, 5)) {
      assertThat(get(path + "?token=" + capped).statusCode()).as("%s capped at 180", path).isEqualTo(403);
      assertThat(get(path + "?token=" + token).statusCode()).as(path).isEqualTo(200);
    }
    for (String path : mediaPaths("180p")) {
      assertThat(get(path + "?token=" + capped).statusCode()).as("%s capped at 180", path).isEqualTo(200);
    }

    // Below every picture: nothing playable, refused as a title's master playlist is.
    assertThat(get("/live/" + id + "/master.m3u8?token=" + token(b -> b.maxHeight(144))).statusCode())
        .isEqualTo(403);
  }

  @Test
  void blockingReloadsAnswerWhenTheSegmentIsCompleteAndRefuseWhatCannotBe() throws Exception {
    String media = media("180p");
    assertThat(get(media + "&_HLS_part=0").statusCode()).as("_HLS_part without _HLS_msn").isEqualTo(400);
    assertThat(get(media + "&_HLS_msn=-1").statusCode()).isEqualTo(400);
    assertThat(get(media + "&_HLS_msn=1&_HLS_part=x").statusCode()).isEqualTo(400);

    // Just after part 0 of the next segment appears, the live edge stays put for the next half second.
    long edge = LlHlsConformance.parse(text(get(media))).segments().stream()
        .mapToLong(LlHlsConformance.Segment::msn).max().orElseThrow();
    String atEdge = text(get(media + "&_HLS_msn=" + (edge + 1) + "&_HLS_part=0"));
    long next = edge + 1;
    assertThat(get(media + "&_HLS_msn=" + (next + 3)).statusCode()).as("three segments beyond the edge")
        .isEqualTo(400);
    assertThat(LlHlsConformance.check(atEdge)).as(atEdge).isEmpty();

    // Segment next + 1 had not begun when this was asked (the playlist above had just opened segment next): an
    // answer that holds it complete is one that waited for it.
    String complete = text(get(media + "&_HLS_msn=" + (next + 1)));
    assertThat(LlHlsConformance.parse(atEdge).complete()).as(atEdge).noneMatch(s -> s.msn() == next + 1);
    assertThat(LlHlsConformance.check(complete)).as(complete).isEmpty();
    assertThat(LlHlsConformance.parse(complete).complete()).as(complete)
        .anyMatch(s -> s.msn() == next + 1);

    long twoAhead = LlHlsConformance.parse(complete).segments().stream()
        .mapToLong(LlHlsConformance.Segment::msn).max().orElseThrow() + 2;
    String later = text(get(media + "&_HLS_msn=" + twoAhead));
    assertThat(LlHlsConformance.parse(later).complete()).as("two segments ahead is waited for, not refused")
        .anyMatch(s -> s.msn() == twoAhead);
  }

  @Test
  void theHintedPartIsAnsweredWithItsBytesOnceProduced() throws Exception {
    String media = media("180p");
    // The transcoder may hand over parts in bursts: ask until a hinted part really was not there yet.
    for (int attempt = 0; attempt < 10; attempt++) {
      String before = text(get(media));
      List<String> hints = LlHlsConformance.parse(before).hints();
      assertThat(hints).as(before).hasSize(1);
      assertThat(LlHlsConformance.parse(before).partUris()).doesNotContain(LlHlsConformance.stripQuery(hints.get(0)));

      String hinted = "/live/" + id + "/180p/" + hints.get(0);
      long asked = System.nanoTime();
      HttpResponse<byte[]> part = get(hinted);
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
      assertThat(part.statusCode()).as(text(part)).isEqualTo(200);
      assertThat(part.body()).isNotEmpty();
      assertThat(part.headers().firstValue("Cache-Control")).hasValue(LiveHandler.IMMUTABLE);
      String after = text(get(media));
      assertThat(LlHlsConformance.checkHint(before, after)).as(after).isEmpty();
      assertThat(get(hinted).body()).as("the part once listed").isEqualTo(part.body());
      if (waited > 100) {
        return;
      }
      Thread.sleep(150 + 37 * attempt);
    }
    throw new AssertionError("every hinted part was already there when asked for");
  }

  @Test
  void aDeltaUpdateSkipsOldSegmentsAndConforms() throws Exception {
    String media = media("180p");
    await("a playlist long enough to skip from", () -> text(get(media + "&_HLS_skip=YES"))
        .contains("#EXT-X-SKIP"), Duration.ofSeconds(20));
    List<String> violations = List.of("not tried");
    for (int attempt = 0; attempt < 3 && !violations.isEmpty(); attempt++) {
      // Both rendered when the same part appears, so they describe the same instant.
      LlHlsConformance.Playlist now = LlHlsConformance.parse(text(get(media)));
      LlHlsConformance.Segment last = now.segments().get(now.segments().size() - 1);
      String position = "&_HLS_msn=" + (last.msn() + 1) + "&_HLS_part=0";
      CompletableFuture<HttpResponse<byte[]>> full = getAsync(media + position);
      CompletableFuture<HttpResponse<byte[]>> delta = getAsync(media + position + "&_HLS_skip=YES");
      violations = LlHlsConformance.checkDelta(text(full.get()), text(delta.get()));
    }
    assertThat(violations).isEmpty();
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void aStalledStreamAnswersWaitingRequests503WithoutHoldingTheEventLoop() throws Exception {
    String media = media("180p");
    feed.pause();
    String[] seen = {""};
    await("the stream to stall", () -> {
      String first = text(get(media));
      Thread.sleep(1500);
      boolean same = first.equals(text(get(media)));
      seen[0] = first;
      return same;
    }, Duration.ofSeconds(20));
    long edge = LlHlsConformance.parse(seen[0]).segments().stream().mapToLong(LlHlsConformance.Segment::msn).max()
        .orElseThrow();

    String hint = LlHlsConformance.parse(seen[0]).hints().get(0);
    long asked = System.nanoTime();
    CompletableFuture<HttpResponse<byte[]>> hinted = getAsync("/live/" + id + "/180p/" + hint);
    List<CompletableFuture<HttpResponse<byte[]>>> waiting = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      waiting.add(getAsync(media + "&_HLS_msn=" + (edge + 1) + "&i=" + i));
    }
    Thread.sleep(500);
    assertThat(waiting).as("answered before the wait is over").noneMatch(CompletableFuture::isDone);
    assertThat(hinted).as("the hinted part, answered before it exists").isNotDone();
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(waiting).as("/healthz was answered on the only event-loop thread while 50 blocking requests waited")
        .noneMatch(CompletableFuture::isDone);

    waiting.add(hinted);
    for (CompletableFuture<HttpResponse<byte[]>> request : waiting) {
      HttpResponse<byte[]> response = request.get(15, TimeUnit.SECONDS);
      assertThat(response.statusCode()).as(text(response)).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked)).as("ms until the 503s")
        .isGreaterThanOrEqualTo(LiveHandler.BLOCKING_TARGET_DURATIONS * 1000L - 100);
  }

  // ---------------------------------------------------------------- helpers

  /** The stream's master, a media playlist, a listed part, a complete segment and an init segment; no query. */
  private static List<String> mediaPaths(String rendition) throws Exception {
    LlHlsConformance.Playlist playlist = LlHlsConformance.parse(text(get(media(rendition))));
    LlHlsConformance.Segment segment = playlist.complete().get(playlist.complete().size() - 1);
    String part = playlist.partUris().get(playlist.partUris().size() - 1);
    String base = "/live/" + id + "/" + rendition + "/";
    return List.of("/live/" + id + "/master.m3u8", base + "index.m3u8", base + part,
        base + LlHlsConformance.stripQuery(segment.uri()), base + LlHlsConformance.stripQuery(segment.map()));
  }

  private static List<String> renditions(String master) {
    List<String> names = new ArrayList<>();
    Matcher m = STREAM_INF_URI.matcher(master);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static String media(String rendition) {
    return "/live/" + id + "/" + rendition + "/index.m3u8?token=" + token;
  }

  private static String token(java.util.function.Consumer<PlaybackClaims.Builder> change) {
    PlaybackClaims.Builder claims = PlaybackClaims.builder().title(id).viewer("tester")
        .issuedAt(Instant.now().minusSeconds(5)).expiresAt(Instant.now().plusSeconds(600));
    change.accept(claims);
    return SIGNER.sign(claims.build());
  }

  private static URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + origin.port() + pathAndQuery);
  }

  private static HttpResponse<byte[]> get(String pathAndQuery) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)).build());
  }

  private static CompletableFuture<HttpResponse<byte[]>> getAsync(String pathAndQuery) {
    return HTTP.sendAsync(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(15)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(request, (n, v) -> true).timeout(Duration.ofSeconds(15)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static RunningOrigin.RawResponse raw(String requestHead) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", origin.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(requestHead.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return RunningOrigin.RawResponse.read(socket.getInputStream());
    }
  }

  private static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  interface Check {
    boolean holds() throws Exception;
  }

  private static void await(String what, Check check, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (check.holds()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no " + what + " within " + timeout);
  }
}
