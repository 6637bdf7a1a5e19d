package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.token.PlaybackClaims;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Plays whole titles the way a player does: master, then every media playlist, then every URI they name. */
class PlayerWalkTest {

  private static RunningOrigin origin;

  @BeforeAll
  static void start() {
    origin = new RunningOrigin();
  }

  @AfterAll
  static void stop() {
    origin.close();
  }

  @Test
  void walksAnFmp4TitleAndEveryByteMatchesTheFilesOnDisk() throws Exception {
    int files = walk(TestTitles.FMP4, origin.token(TestTitles.FMP4));
    // 2 media playlists + 2 init segments + 8 segments
    assertThat(files).isEqualTo(12);
  }

  @Test
  void walksATsTitle() throws Exception {
    int files = walk(TestTitles.TS, origin.token(TestTitles.TS));
    assertThat(files).isEqualTo(1 + 3);
  }

  @Test
  void aCappedViewerGetsOnlyVariantsWithinTheCapAndCannotFetchTallerOnes() throws Exception {
    String token = origin.token(PlaybackClaims.builder().title(TestTitles.FMP4).maxHeight(240)
        .expiresAt(Instant.now().plusSeconds(600)));
    HttpResponse<byte[]> master = origin.get("/titles/" + TestTitles.FMP4 + "/master.m3u8?token=" + token);
    String text = new String(master.body(), StandardCharsets.UTF_8);

    assertThat(text).contains("RESOLUTION=320x180").doesNotContain("RESOLUTION=640x360");
    assertThat(walk(TestTitles.FMP4, token)).isEqualTo(6);
    assertThat(origin.get("/titles/" + TestTitles.FMP4 + "/v0/index.m3u8?token=" + token).statusCode()).isEqualTo(403);
    assertThat(origin.get("/titles/" + TestTitles.FMP4 + "/v0/seg_00000.m4s?token=" + token).statusCode())
        .isEqualTo(403);
  }

  @Test
  void theDefaultOrderStartsWithTheRichestVariantUnderTheStartEstimate() throws Exception {
    HttpResponse<byte[]> master = origin.get("/titles/" + TestTitles.FMP4 + "/master.m3u8?token="
        + origin.token(TestTitles.FMP4));
    String text = new String(master.body(), StandardCharsets.UTF_8);
    // both variants fit the 2.1 Mbit/s start budget: the 640x360 one (higher bandwidth) is listed first
    assertThat(text.indexOf("640x360")).isLessThan(text.indexOf("320x180"));
    assertThat(master.headers().firstValue("content-type")).hasValue("application/vnd.apple.mpegurl");
  }

  private static int walk(String title, String token) throws Exception {
    return TitleWalk.walk(origin, title, token, TestTitles.title(title));
  }
}
