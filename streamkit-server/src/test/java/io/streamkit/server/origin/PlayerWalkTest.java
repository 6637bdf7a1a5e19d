package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.token.PlaybackClaims;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Plays whole titles the way a player does: master, then every media playlist, then every URI they name. */
class PlayerWalkTest {

  private static final Pattern URI_ATTRIBUTE = Pattern.compile("URI=\"([^\"]+)\"");
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
    // both variants are under 2 Mbit/s: the 640x360 one (higher bandwidth) is listed first
    assertThat(text.indexOf("640x360")).isLessThan(text.indexOf("320x180"));
    assertThat(master.headers().firstValue("content-type")).hasValue("application/vnd.apple.mpegurl");
  }

  /** Fetches master, media playlists and every file they name; returns how many non-master files were fetched. */
  private static int walk(String title, String token) throws Exception {
    String base = "/titles/" + title + "/";
    HttpResponse<byte[]> master = origin.get(base + "master.m3u8?token=" + token);
    assertThat(master.statusCode()).isEqualTo(200);
    int fetched = 0;
    for (String mediaUri : uris(new String(master.body(), StandardCharsets.UTF_8))) {
      assertThat(mediaUri).endsWith("token=" + token);
      URI media = URI.create(base).resolve(mediaUri);
      HttpResponse<byte[]> playlist = origin.get(media.toString());
      assertThat(playlist.statusCode()).as(media.toString()).isEqualTo(200);
      fetched++;
      for (String fileUri : uris(new String(playlist.body(), StandardCharsets.UTF_8))) {
        assertThat(fileUri).endsWith("?token=" + token);
        URI file = media.resolve(fileUri);
        HttpResponse<byte[]> segment = origin.get(file.toString());
        assertThat(segment.statusCode()).as(file.toString()).isEqualTo(200);
        Path onDisk = TestTitles.dataDirectory().resolve(file.getPath().substring(1));
        assertThat(segment.body()).as(file.toString()).isEqualTo(Files.readAllBytes(onDisk));
        fetched++;
      }
    }
    return fetched;
  }

  private static List<String> uris(String playlist) {
    List<String> out = new ArrayList<>();
    for (String line : playlist.split("\n")) {
      if (line.startsWith("#")) {
        Matcher m = URI_ATTRIBUTE.matcher(line);
        while (m.find()) {
          out.add(m.group(1));
        }
      } else if (!line.isBlank()) {
        out.add(line.strip());
      }
    }
    return out;
  }
}
