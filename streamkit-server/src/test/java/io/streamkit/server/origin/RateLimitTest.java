package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import io.streamkit.core.store.StreamkitStore;
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
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-client rate limits over real sockets. The origin trusts 127.0.0.1 as a proxy, so each test plays several viewers
 * by their {@code X-Forwarded-For}; the buckets' time is a ticker the test moves, so a refill needs no waiting.
 */
class RateLimitTest {

  private static final String VIEWER_A = "203.0.113.10";
  private static final String VIEWER_B = "203.0.113.20";
  private static final String ADMIN_KEY = "admin-key-for-the-rate-limit-test";
  private static final Duration SECOND = Duration.ofSeconds(1);
  private static final String SEGMENT = "/titles/" + TestTitles.FMP4 + "/v0/seg_00000.m4s";

  @TempDir Path data;

  private final ManualTicker ticker = new ManualTicker();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A Caffeine ticker the test moves by hand. */
  private static final class ManualTicker implements Ticker {
    private final AtomicLong nanos = new AtomicLong();

    @Override
    public long read() {
      return nanos.get();
    }

    void advance(Duration by) {
      nanos.addAndGet(by.toNanos());
    }
  }

  private RateLimits.Builder limits() {
    return RateLimits.builder().ticker(ticker);
  }

  @Test
  void aViewerOverTheViewerApiLimitGets429WithRetryAfterWhileAnotherViewerIsServed() throws Exception {
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(data.resolve("db")).build();
        OriginServer origin = apiOrigin(store, limits().viewerApi(3, SECOND).build())) {
      String token = viewerToken();
      for (int i = 0; i < 3; i++) {
        assertThat(api(origin, "GET", "/api/continue-watching", VIEWER_A, token).statusCode()).isEqualTo(200);
      }

      HttpResponse<String> refused = api(origin, "GET", "/api/continue-watching", VIEWER_A, token);
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
      assertThat(refused.body()).isEqualTo("{\"error\":\"rate_limited\",\"status\":429,\"message\":\"too many viewer"
          + " API requests from this address; retry after 1 s\"}\n");
      assertThat(api(origin, "GET", "/api/continue-watching", VIEWER_B, token).statusCode())
          .as("another viewer behind the same proxy has a bucket of its own").isEqualTo(200);
      assertThat(rejections(origin, "rate_limited_viewer_api")).isEqualTo(1);
      assertThat(responses(origin, "api", 429)).isEqualTo(1);

      ticker.advance(SECOND);
      assertThat(api(origin, "GET", "/api/continue-watching", VIEWER_A, token).statusCode())
          .as("after the refill period").isEqualTo(200);
    }
  }

  @Test
  void theManagementApiHasABucketOfItsOwn() throws Exception {
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(data.resolve("db")).build();
        OriginServer origin = apiOrigin(store, limits().managementApi(2, Duration.ofMinutes(1)).build())) {
      for (int i = 0; i < 2; i++) {
        assertThat(api(origin, "GET", "/api/titles", VIEWER_A, ADMIN_KEY).statusCode()).isEqualTo(200);
      }
      HttpResponse<String> refused = api(origin, "GET", "/api/titles", VIEWER_A, ADMIN_KEY);
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).as("one request back after 30 s").hasValue("30");
      assertThat(refused.body()).contains("too many management API requests from this address; retry after 30 s");
      assertThat(api(origin, "GET", "/api/analytics", VIEWER_A, ADMIN_KEY).statusCode())
          .as("the analytics need the admin key: management too").isEqualTo(429);
      assertThat(api(origin, "GET", "/api/continue-watching", VIEWER_A, viewerToken()).statusCode())
          .as("the viewer API is counted apart").isEqualTo(200);
      assertThat(rejections(origin, "rate_limited_management_api")).isEqualTo(2);
    }
  }

  @Test
  void aRefusedRequestBodyNeitherBreaksNorHangsTheConnection() throws Exception {
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(data.resolve("db")).build();
        OriginServer origin = apiOrigin(store, limits().viewerApi(1, Duration.ofMinutes(1)).build())) {
      assertThat(api(origin, "GET", "/api/continue-watching", VIEWER_A, viewerToken()).statusCode()).isEqualTo(200);
      String body = "{\"positionSeconds\":1,\"durationSeconds\":60}";
      String responses = RunningOrigin.exchange(origin.port(),
          "PUT /api/progress/" + UUID.randomUUID() + " HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: " + VIEWER_A
              + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
          + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

      assertThat(responses).startsWith("HTTP/1.1 429 Too Many Requests\r\n").contains("retry-after: 60\r\n");
      assertThat(responses.split("HTTP/1.1 ")).as("both answered on one connection").hasSize(3);
      assertThat(responses.substring(responses.lastIndexOf("HTTP/1.1 "))).startsWith("HTTP/1.1 200 OK");

      String waiting = RunningOrigin.exchange(origin.port(), "PUT /api/progress/" + UUID.randomUUID()
          + " HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: " + VIEWER_A + "\r\nExpect: 100-continue\r\nContent-Length: "
          + body.length() + "\r\n\r\n");
      assertThat(waiting).as("a client waiting for 100 Continue is answered and the connection closed")
          .startsWith("HTTP/1.1 429 Too Many Requests\r\n").contains("connection: close\r\n");
    }
  }

  @Test
  void repeatedBadTokensLockOutTitleRequestsOfThatViewerOnlyUntilTheBucketRefills() throws Exception {
    try (RunningOrigin origin = new RunningOrigin(b -> b.trustedProxies("127.0.0.1")
        .rateLimits(limits().failedTokenChecks(3, SECOND).build()))) {
      String valid = origin.token(TestTitles.FMP4);
      for (int i = 0; i < 3; i++) {
        assertThat(origin.get(SEGMENT + "?token=guess" + i, "X-Forwarded-For", VIEWER_A).statusCode()).isEqualTo(403);
      }
      double verified = origin.rejections("token_malformed");

      HttpResponse<byte[]> locked = origin.get(SEGMENT + "?token=" + valid, "X-Forwarded-For", VIEWER_A);
      assertThat(locked.statusCode()).as("even with a valid token the origin has not verified yet").isEqualTo(429);
      assertThat(locked.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(new String(locked.body(), StandardCharsets.UTF_8)).isEqualTo("{\"error\":\"rate_limited\","
          + "\"status\":429,\"message\":\"too many requests from this address failed the token check; get a valid"
          + " token and retry after 1 s\"}\n");
      assertThat(origin.get("/titles/" + TestTitles.FMP4 + "/master.m3u8?token=guess", "X-Forwarded-For", VIEWER_A)
          .statusCode()).as("playlists too").isEqualTo(429);
      assertThat(origin.rejections("token_malformed")).as("no token verified while locked out").isEqualTo(verified);
      assertThat(origin.rejections("rate_limited_failed_tokens")).isEqualTo(2);
      assertThat(origin.get(SEGMENT + "?token=" + valid, "X-Forwarded-For", VIEWER_B).statusCode())
          .as("another viewer").isEqualTo(200);

      ticker.advance(SECOND);
      assertThat(origin.get(SEGMENT + "?token=" + valid, "X-Forwarded-For", VIEWER_A).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aViewerAlreadyPlayingKeepsPlayingWhileAGuesserBehindTheSameAddressIsLockedOut() throws Exception {
    try (RunningOrigin origin = new RunningOrigin(b -> b.trustedProxies("127.0.0.1")
        .rateLimits(limits().failedTokenChecks(3, SECOND).build()))) {
      String playing = origin.token(TestTitles.FMP4);
      String notYetVerified = origin.token(TestTitles.FMP4);
      assertThat(origin.get(SEGMENT + "?token=" + playing, "X-Forwarded-For", VIEWER_A).statusCode()).isEqualTo(200);
      for (int i = 0; i < 3; i++) {
        assertThat(origin.get(SEGMENT + "?token=guess" + i, "X-Forwarded-For", VIEWER_A).statusCode()).isEqualTo(403);
      }
      double verified = origin.rejections("token_malformed");

      assertThat(origin.get(SEGMENT + "?token=guess3", "X-Forwarded-For", VIEWER_A).statusCode())
          .as("the guesser is locked out").isEqualTo(429);
      assertThat(origin.rejections("token_malformed")).as("and its guess was not checked").isEqualTo(verified);
      for (String file : new String[] {"master.m3u8", "v0/index.m3u8", "v0/seg_00001.m4s"}) {
        assertThat(origin.get("/titles/" + TestTitles.FMP4 + "/" + file + "?token=" + playing,
            "X-Forwarded-For", VIEWER_A).statusCode()).as("the viewer already playing: %s", file).isEqualTo(200);
      }
      assertThat(origin.get(SEGMENT + "?token=" + notYetVerified, "X-Forwarded-For", VIEWER_A).statusCode())
          .as("a token never verified is not checked while the address is locked out").isEqualTo(429);
      assertThat(origin.get("/titles/other-title/master.m3u8?token=" + playing, "X-Forwarded-For", VIEWER_A)
          .statusCode()).as("a verified token still opens only its own title").isEqualTo(403);
    }
  }

  @Test
  void segmentsAndPlaylistsAreNotLimitedButKeyRequestsArePerToken() throws Exception {
    RateLimits tight = limits().viewerApi(1, Duration.ofMinutes(1)).managementApi(1, Duration.ofMinutes(1))
        .keys(2, Duration.ofMinutes(1)).failedTokenChecks(1, Duration.ofMinutes(1)).build();
    try (RunningOrigin origin = new RunningOrigin(b -> b.rateLimits(tight))) {
      String token = origin.token(TestTitles.FMP4);
      for (int round = 0; round < 10; round++) {
        for (String file : new String[] {"master.m3u8", "v0/index.m3u8", "v0/init_0.mp4", "v0/seg_00000.m4s",
            "v0/seg_00001.m4s", "v1/seg_00000.m4s"}) {
          assertThat(origin.get("/titles/" + TestTitles.FMP4 + "/" + file + "?token=" + token).statusCode())
              .as("round %d: %s", round, file).isEqualTo(200);
        }
      }

      String key = "/titles/" + TestTitles.FMP4 + "/keys/" + "0123456789abcdef0123456789abcdef" + "?token=" + token;
      assertThat(origin.get(key).statusCode()).as("an origin without a key store: no such key").isEqualTo(404);
      assertThat(origin.get(key).statusCode()).isEqualTo(404);
      HttpResponse<byte[]> refused = origin.get(key);
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("30");
      assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("too many key requests with this token");
      assertThat(origin.rejections("rate_limited_keys")).isEqualTo(1);
      String otherSession = origin.token(TestTitles.FMP4);
      assertThat(origin.get(key.replace(token, otherSession)).statusCode())
          .as("another viewer's session from the same address has its own allowance").isEqualTo(404);
    }
  }

  @Test
  void anIpv6ClientIsItsSlash64() throws Exception {
    try (RunningOrigin origin = new RunningOrigin(b -> b.trustedProxies("127.0.0.1")
        .rateLimits(limits().failedTokenChecks(1, Duration.ofMinutes(1)).build()))) {
      assertThat(origin.get(SEGMENT + "?token=guess", "X-Forwarded-For", "2001:db8:1:1::1").statusCode())
          .isEqualTo(403);
      assertThat(origin.get(SEGMENT + "?token=guess", "X-Forwarded-For", "2001:db8:1:1:ffff::2").statusCode())
          .as("another address in the same /64").isEqualTo(429);
      assertThat(origin.get(SEGMENT + "?token=guess", "X-Forwarded-For", "2001:db8:1:2::1").statusCode())
          .as("the next /64").isEqualTo(403);
    }
  }

  @Test
  void limitsAreCheckedWhenSetAndOffUnlessSet() {
    assertThatThrownBy(() -> RateLimits.builder().viewerApi(0, SECOND))
        .hasMessage("rate limit of viewer API requests must allow between 1 and 1000000 requests, got 0");
    assertThatThrownBy(() -> RateLimits.builder().keys(10, Duration.ofMillis(500)))
        .hasMessage("rate limit period of key requests must be between 1 s and 1 day, got PT0.5S");
    assertThatThrownBy(() -> RateLimits.builder().maxClients(10))
        .hasMessage("rate limit max clients must be between 1000 and 10000000, got 10");
    assertThat(RateLimits.none()).hasToString("none");
    assertThat(RateLimits.defaults()).hasToString("management API requests 600/min, viewer API requests 600/min,"
        + " key requests 120/min, failed token checks 20/min per client, at most 20000 clients kept per limit");
    assertThat(RateLimits.builder().failedTokenChecks(5, Duration.ofSeconds(90)).keys(7, Duration.ofHours(2)).build()
        .toString()).contains("key requests 7/2h").contains("failed token checks 5/90s");
  }

  private OriginServer apiOrigin(StreamkitStore store, RateLimits limits) {
    return OriginServer.builder().dataDirectory(data).host("127.0.0.1").port(0).ioThreads(2)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(RunningOrigin.SECRET).build())
        .adminKey(ADMIN_KEY).store(store)
        .managementApi(ManagementApi.builder().store(store).dataDirectory(data).build())
        .trustedProxies("127.0.0.1").rateLimits(limits).build().start();
  }

  private static String viewerToken() {
    return PlaybackTokenSigner.hs256(RunningOrigin.SECRET).sign(PlaybackClaims.builder().viewer("alice")
        .title(UUID.randomUUID().toString()).expiresAt(Instant.now().plusSeconds(600)).build());
  }

  private HttpResponse<String> api(OriginServer origin, String method, String path, String client, String bearer)
      throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + origin.port() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10))
        .header("X-Forwarded-For", client).header("Authorization", "Bearer " + bearer).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static double rejections(OriginServer origin, String reason) {
    var counter = origin.meterRegistry().find(OriginMetrics.REJECTIONS).tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  private static double responses(OriginServer origin, String route, int status) {
    var counter = origin.meterRegistry().find(OriginMetrics.REQUESTS).tag("route", route)
        .tag("status", Integer.toString(status)).counter();
    return counter == null ? 0 : counter.count();
  }
}
