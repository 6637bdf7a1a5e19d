package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a token can be wrong is refused with the same generic 403, and counted by reason. */
class TokenGateTest {

  private static final String SEGMENT = "/titles/" + TestTitles.FMP4 + "/v0/seg_00000.m4s";
  private static RunningOrigin origin;

  @BeforeAll
  static void start() {
    origin = new RunningOrigin();
  }

  @AfterAll
  static void stop() {
    origin.close();
  }

  private static PlaybackClaims.Builder claims() {
    return PlaybackClaims.builder().title(TestTitles.FMP4).expiresAt(Instant.now().plusSeconds(600));
  }

  @Test
  void aValidTokenOpensEveryKindOfFileOfItsTitle() throws Exception {
    String token = origin.token(claims());
    for (String file : new String[] {"master.m3u8", "v0/index.m3u8", "v0/init_0.mp4", "v0/seg_00000.m4s"}) {
      assertThat(origin.get("/titles/" + TestTitles.FMP4 + "/" + file + "?token=" + token).statusCode())
          .as(file).isEqualTo(200);
    }
  }

  @Test
  void missingTokenIsRefused() throws Exception {
    assertForbidden(SEGMENT, "token_missing");
    assertForbidden("/titles/" + TestTitles.FMP4 + "/master.m3u8?other=1", "token_missing");
  }

  @Test
  void malformedTokensAreRefused() throws Exception {
    assertForbidden(SEGMENT + "?token=garbage", "token_malformed");
    assertForbidden(SEGMENT + "?token=a.b.c", "token_malformed");
    assertThat(origin.get(SEGMENT + "?token=%E2%82").statusCode()).as("not UTF-8: refused as a bad query")
        .isEqualTo(400);
  }

  @Test
  void tamperedTokenIsRefused() throws Exception {
    String[] parts = origin.token(claims().maxHeight(180)).split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace("\"max_height\":180", "\"max_height\":2160");
    String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    assertForbidden(SEGMENT + "?token=" + forged, "token_bad_signature");
  }

  @Test
  void tokenFromAnUnknownKeyIsRefused() throws Exception {
    String foreign = PlaybackTokenSigner.hs256("another-secret-nobody-told-the-origin-about".getBytes(StandardCharsets.UTF_8))
        .sign(claims().build());
    assertForbidden(SEGMENT + "?token=" + foreign, "token_unknown_key");
  }

  @Test
  void expiredTokenIsRefused() throws Exception {
    String expired = origin.token(claims().expiresAt(Instant.now().minusSeconds(120)));
    assertForbidden(SEGMENT + "?token=" + expired, "token_expired");
  }

  @Test
  void tokenForAnotherTitleIsRefused() throws Exception {
    String other = origin.token(TestTitles.TS);
    assertForbidden(SEGMENT + "?token=" + other, "token_wrong_title");
  }

  @Test
  void tokenBoundToAnotherAddressIsRefusedAndToThisOneAccepted() throws Exception {
    String elsewhere = origin.token(claims().clientIp("203.0.113.9"));
    assertForbidden(SEGMENT + "?token=" + elsewhere, "token_wrong_client");
    String here = origin.token(claims().clientIp("127.0.0.1"));
    assertThat(origin.get(SEGMENT + "?token=" + here).statusCode()).isEqualTo(200);
  }

  @Test
  void eachRequestOnAConnectionIsCheckedForItsOwnToken() throws Exception {
    String token = origin.token(claims());
    int at = token.length() - 10;
    String altered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
    String head = "HEAD " + SEGMENT + "?token=%s HTTP/1.1\r\nHost: x\r\n%s\r\n";
    double before = origin.rejections("token_bad_signature");

    String answers = RunningOrigin.exchange(origin.port(), head.formatted(token, "") + head.formatted(altered, "")
        + head.formatted(token, "Connection: close\r\n"));

    assertThat(Arrays.stream(answers.split("\r\n")).filter(line -> line.startsWith("HTTP/1.1 ")))
        .as("a token differing from the connection's last one in a single character is checked, not taken for it")
        .containsExactly("HTTP/1.1 200 OK", "HTTP/1.1 403 Forbidden", "HTTP/1.1 200 OK");
    assertThat(origin.rejections("token_bad_signature")).isEqualTo(before + 1);
  }

  @Test
  void adminKeyGuardsMetricsButNotHealth() throws Exception {
    String key = "admin-key-for-the-metrics-endpoint";
    try (RunningOrigin guarded = new RunningOrigin(b -> b.adminKey(key))) {
      assertThat(guarded.get("/metrics").statusCode()).isEqualTo(401);
      assertThat(guarded.get("/metrics", "Authorization", "Bearer wrong-key-of-some-length").statusCode())
          .isEqualTo(401);
      assertThat(guarded.get("/metrics", "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);
      assertThat(guarded.get("/healthz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aMetricsKeyOpensMetricsBesideTheAdminKey(@TempDir Path data) throws Exception {
    String admin = "admin-key-for-the-metrics-endpoint";
    String scraper = "metrics-key-for-a-prometheus-scraper";
    try (RunningOrigin guarded = new RunningOrigin(b -> b.adminKey(admin).metricsKey(scraper))) {
      assertThat(guarded.get("/metrics", "Authorization", "Bearer " + scraper).statusCode()).isEqualTo(200);
      assertThat(guarded.get("/metrics", "Authorization", "Bearer " + admin).statusCode()).isEqualTo(200);
      HttpResponse<byte[]> refused = guarded.get("/metrics", "Authorization", "Bearer " + scraper + "x");
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("the metrics key or the admin key");
    }
    try (RunningOrigin scrapedOnly = new RunningOrigin(b -> b.metricsKey(scraper))) {
      assertThat(scrapedOnly.get("/metrics").statusCode()).as("no longer open").isEqualTo(401);
      assertThat(scrapedOnly.get("/metrics", "Authorization", "Bearer " + scraper).statusCode()).isEqualTo(200);
    }
    assertThatThrownBy(() -> OriginServer.builder().dataDirectory(data).withoutTokens().adminKey(admin)
        .metricsKey(admin).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the metrics key is the admin key");
    assertThatThrownBy(() -> OriginServer.builder().metricsKey("short"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 16 characters");
  }

  private static void assertForbidden(String pathAndQuery, String reason) throws Exception {
    double before = origin.rejections(reason);
    HttpResponse<byte[]> r = origin.get(pathAndQuery);
    String body = new String(r.body(), StandardCharsets.UTF_8);

    assertThat(r.statusCode()).as(pathAndQuery).isEqualTo(403);
    assertThat(body).isEqualTo("{\"error\":\"forbidden\",\"status\":403,\"message\":\"this request is not authorised\"}\n");
    assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(origin.rejections(reason)).as("rejections{reason=%s}", reason).isEqualTo(before + 1);
  }
}
