package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.core.token.TokenRejectedException;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The viewer API (progress, continue watching, player events) and the analytics endpoints end to end on a real
 * origin ({@link FuzzedOrigin}): any request is answered within seconds with a status below 500, an error as one-line
 * JSON.
 *
 * <p>And no viewer data moves without a playback token that verifies ({@code Authorization: Bearer} or
 * {@code ?token=}), for the very title a progress path names; no analytics without the admin key; a batch of events
 * taken is taken whole ({@code accepted} is the number sent).
 */
class ViewerApiFuzzTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PlaybackTokenVerifier VERIFIER = PlaybackTokenVerifier.builder().hs256(FuzzedOrigin.SECRET)
      .cacheSize(0).build();
  private static FuzzedOrigin origin;

  @BeforeAll
  static void start() throws Exception {
    origin = new FuzzedOrigin();
  }

  @AfterAll
  static void stop() throws Exception {
    origin.close();
  }

  @FuzzTest
  void request(byte[] input) throws Exception {
    FuzzedOrigin.Exchange e = origin.exchange(input);
    if (e == null) {
      return;
    }
    origin.assertWellFormed(e);
    if (e.status() >= 300) {
      return;
    }
    String what = e.method() + " " + e.target() + " -> " + e.status() + " " + e.text();
    int q = e.target().indexOf('?');
    String path = q < 0 ? e.target() : e.target().substring(0, q);
    if (path.endsWith("/analytics")) {
      assertThat(e.requestHeaders().get("authorization")).as(what).isEqualTo("Bearer " + FuzzedOrigin.ADMIN_KEY);
    }
    boolean progress = path.startsWith("/api/progress/");
    if (progress || path.startsWith("/api/continue-watching") || path.startsWith("/api/events")) {
      PlaybackClaims claims = presentedClaims(e, q < 0 ? null : e.target().substring(q + 1));
      assertThat(claims).as("a token that verifies for " + what).isNotNull();
      if (progress) {
        assertThat(RequestPath.parse(path).last()).as(what).isEqualTo(claims.titleId());
      }
    }
    if (path.equals("/api/events") && e.status() == 202) {
      JsonNode sent = JSON.readTree(e.requestBody());
      assertThat(JSON.readTree(e.body()).path("accepted").asInt()).as(what).isEqualTo(sent.path("events").size());
    }
  }

  /** The claims of the token the request carried, as the origin reads it, or {@code null} when none verifies. */
  private static PlaybackClaims presentedClaims(FuzzedOrigin.Exchange e, String query) throws IOException {
    String authorization = e.requestHeaders().get("authorization");
    String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? authorization.substring(7).trim() : QueryString.parse(query).get("token");
    try {
      return VERIFIER.verify(token);
    } catch (TokenRejectedException rejected) {
      return null;
    }
  }
}
