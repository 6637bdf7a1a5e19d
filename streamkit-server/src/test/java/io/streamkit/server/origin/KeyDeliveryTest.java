package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.protection.ContentKey;
import io.streamkit.core.protection.ContentKeyFile;
import io.streamkit.core.token.PlaybackClaims;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key URI opens with exactly the tokens that open the title's segments, answers the key bytes uncached, and tells
 * nothing about keys it does not hold.
 */
class KeyDeliveryTest {

  private static final ContentKey KEY = ContentKey.generate();
  private static final String KEY_PATH = "/titles/" + TestTitles.FMP4 + "/keys/" + KEY.id();

  @TempDir static Path keysDirectory;
  private static RunningOrigin origin;

  @BeforeAll
  static void start() {
    ContentKeyFile keys = ContentKeyFile.at(keysDirectory.resolve("streamkit.keys"));
    keys.save(TestTitles.FMP4, List.of(KEY));
    origin = new RunningOrigin(b -> b.contentKeys(keys));
  }

  @AfterAll
  static void stop() {
    origin.close();
  }

  private static PlaybackClaims.Builder claims() {
    return PlaybackClaims.builder().title(TestTitles.FMP4).expiresAt(Instant.now().plusSeconds(600));
  }

  @Test
  void theTitlesTokenGetsTheKeyBytesThatNoCacheKeeps() throws Exception {
    HttpResponse<byte[]> r = origin.get(KEY_PATH + "?token=" + origin.token(claims()));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(KEY.key());
    assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(r.headers().firstValue("content-type")).hasValue("application/octet-stream");
    assertThat(origin.head(KEY_PATH + "?token=" + origin.token(claims())).headers().firstValue("content-length"))
        .hasValue("16");
  }

  @Test
  void aKeyRefusesWhatTheSegmentsRefuse() throws Exception {
    assertThat(origin.get(KEY_PATH).statusCode()).as("no token").isEqualTo(403);
    assertThat(origin.get(KEY_PATH + "?token=" + origin.token(claims().expiresAt(Instant.now().minusSeconds(120))))
        .statusCode()).as("expired").isEqualTo(403);
    assertThat(origin.get(KEY_PATH + "?token=" + origin.token(TestTitles.TS)).statusCode())
        .as("another title's token").isEqualTo(403);
    assertThat(origin.get(KEY_PATH + "?token=" + origin.token(claims().clientIp("203.0.113.9"))).statusCode())
        .as("bound to another address").isEqualTo(403);
  }

  @Test
  void aKeyOfAnotherTitleOrNoKeyAtAllIsNotFound() throws Exception {
    String tsToken = origin.token(TestTitles.TS);
    assertThat(origin.get("/titles/" + TestTitles.TS + "/keys/" + KEY.id() + "?token=" + tsToken).statusCode())
        .as("the key belongs to another title").isEqualTo(404);
    String token = origin.token(claims());
    assertThat(origin.get("/titles/" + TestTitles.FMP4 + "/keys/" + ContentKey.generate().id() + "?token=" + token)
        .statusCode()).isEqualTo(404);
    assertThat(origin.get("/titles/" + TestTitles.FMP4 + "/keys/not-a-key-id?token=" + token).statusCode())
        .isEqualTo(404);
    try (RunningOrigin withoutKeys = new RunningOrigin()) {
      assertThat(withoutKeys.get(KEY_PATH + "?token=" + withoutKeys.token(claims())).statusCode())
          .as("an origin without a key store").isEqualTo(404);
    }
  }
}
