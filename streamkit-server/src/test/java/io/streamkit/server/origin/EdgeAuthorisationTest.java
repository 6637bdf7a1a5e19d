package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.token.PlaybackClaims;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /edge/authorise} as an edge calls it: the token gate's decision about the URI in {@code X-Original-URI},
 * as 204 or an empty 403, with how long the edge may reuse it.
 */
class EdgeAuthorisationTest {

  private static final String AUTHORISE = "/edge/authorise";
  private static final String SEGMENT = "/titles/" + TestTitles.FMP4 + "/v0/seg_00001.m4s";
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

  private static HttpResponse<byte[]> ask(String originalUri) throws Exception {
    return origin.get(AUTHORISE, EdgeAuthHandler.ORIGINAL_URI, originalUri);
  }

  @Test
  void aValidTokenIsAllowedForAtMostTheCap() throws Exception {
    double before = settledResponses(204);
    HttpResponse<byte[]> allowed = ask(SEGMENT + "?token=" + origin.token(claims()));
    assertThat(allowed.statusCode()).isEqualTo(204);
    assertThat(allowed.body()).isEmpty();
    assertThat(allowed.headers().firstValue("Cache-Control")).hasValue("max-age=60");
    // The answer is counted once written, which may be a moment after the client has it.
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
    while (origin.responses(Route.EDGE_AUTH, 204) < before + 1 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(origin.responses(Route.EDGE_AUTH, 204)).as("counted under route edge_auth").isEqualTo(before + 1);
  }

  @Test
  void anAllowanceEndsWithTheToken() throws Exception {
    String shortLived = origin.token(claims().expiresAt(Instant.now().plusSeconds(20)));
    String cacheControl = ask(SEGMENT + "?token=" + shortLived).headers().firstValue("Cache-Control").orElseThrow();
    assertThat(cacheControl).matches("max-age=(1[89]|20)");
    // Inside the clock skew after exp the origin still accepts the token, but the edge must not keep the answer.
    String ending = origin.token(claims().expiresAt(Instant.now().minusSeconds(2)));
    HttpResponse<byte[]> last = ask(SEGMENT + "?token=" + ending);
    assertThat(last.statusCode()).isEqualTo(204);
    assertThat(last.headers().firstValue("Cache-Control")).hasValue("no-store");
  }

  @Test
  void refusalsAreEmptyShortLivedAndCountedByReason() throws Exception {
    double before = origin.rejections("token_missing");
    HttpResponse<byte[]> refused = ask(SEGMENT);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).isEmpty();
    assertThat(refused.headers().firstValue("Cache-Control")).hasValue("max-age=1");
    assertThat(origin.rejections("token_missing")).isEqualTo(before + 1);

    String otherTitle = origin.token(claims().title(TestTitles.TS));
    assertThat(ask(SEGMENT + "?token=" + otherTitle).statusCode()).isEqualTo(403);
    String expired = origin.token(claims().expiresAt(Instant.now().minusSeconds(120)));
    assertThat(ask(SEGMENT + "?token=" + expired).statusCode()).isEqualTo(403);
  }

  @Test
  void theOriginalUriMustBeAMediaUriTheOriginWouldServe() throws Exception {
    String token = origin.token(claims());
    double before = origin.rejections("bad_original_uri");
    assertThat(origin.get(AUTHORISE).statusCode()).as("no X-Original-URI").isEqualTo(403);
    assertThat(ask("/titles/" + TestTitles.FMP4 + "/master.m3u8?token=" + token).statusCode())
        .as("a personalised playlist is never shared").isEqualTo(403);
    assertThat(ask("/titles/" + TestTitles.FMP4 + "/v0/%2e%2e/v1/seg_00001.m4s?token=" + token).statusCode())
        .as("a path the origin refuses").isEqualTo(403);
    assertThat(ask(SEGMENT + "?token=%zz").statusCode()).as("a query the origin refuses").isEqualTo(403);
    assertThat(ask("/healthz?token=" + token).statusCode()).as("no title").isEqualTo(403);
    assertThat(origin.rejections("bad_original_uri")).isEqualTo(before + 5);
  }

  @Test
  void aPlanCapRefusesTallerVariantsAsTheGateDoes() throws Exception {
    String capped = origin.token(claims().maxHeight(180));
    assertThat(ask("/titles/" + TestTitles.FMP4 + "/v1/seg_00001.m4s?token=" + capped).statusCode())
        .as("the 180-line variant").isEqualTo(204);
    double before = origin.rejections("variant_not_allowed");
    assertThat(ask(SEGMENT + "?token=" + capped).statusCode()).as("the 360-line variant").isEqualTo(403);
    assertThat(origin.rejections("variant_not_allowed")).isEqualTo(before + 1);
  }

  @Test
  void headIsAnsweredAlike() throws Exception {
    RunningOrigin.RawResponse head = origin.raw("HEAD " + AUTHORISE + " HTTP/1.1\r\nHost: origin\r\n"
        + EdgeAuthHandler.ORIGINAL_URI + ": " + SEGMENT + "?token=" + origin.token(claims())
        + "\r\nConnection: close\r\n\r\n");
    assertThat(head.status()).isEqualTo(204);
    assertThat(head.body()).isEmpty();
  }

  /** The count once answers of earlier tests have all been counted (it holds still for 200 ms). */
  private static double settledResponses(int status) throws InterruptedException {
    double last = origin.responses(Route.EDGE_AUTH, status);
    while (true) {
      Thread.sleep(200);
      double now = origin.responses(Route.EDGE_AUTH, status);
      if (now == last) {
        return now;
      }
      last = now;
    }
  }
}
