package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.hls.Transcoder;
import io.streamkit.server.TestVideos;
import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transcoded title's storyboard through a real origin with tokens: the index only with a token for the title, every
 * image URL in it carrying that token, and each such URL answering the sheet.
 */
class StoryboardDeliveryTest {

  private static final String TITLE = "boarded";
  private static final Pattern IMAGE = Pattern.compile("^(sheet_\\d{3}\\.jpg)\\?token=([^#\\s]+)#xywh=\\d+,\\d+,\\d+,\\d+$",
      Pattern.MULTILINE);

  @TempDir static Path data;
  private static RunningOrigin origin;

  @BeforeAll
  static void transcodeAndServe() throws Exception {
    Path source = TestVideos.make(data.resolve("clip.mp4"), 5, 320, 180);
    Transcoder.builder().input(source).output(data.resolve("titles").resolve(TITLE)).ladder(Ladder.small())
        .preset("ultrafast").segmentSeconds(2).storyboardSeconds(1).build().run();
    Files.delete(source);
    origin = new RunningOrigin(b -> b.dataDirectory(data));
  }

  @AfterAll
  static void stop() {
    origin.close();
  }

  private static String index(String token) {
    return "/titles/" + TITLE + "/storyboard/storyboard.vtt" + (token == null ? "" : "?token=" + token);
  }

  @Test
  void theIndexNeedsATokenForTheTitle() throws Exception {
    assertThat(origin.get(index(null)).statusCode()).isEqualTo(403);
    assertThat(origin.get(index("not-a-token")).statusCode()).isEqualTo(403);
    assertThat(origin.get(index(origin.token("another-title"))).statusCode()).isEqualTo(403);
    HttpResponse<byte[]> refused = origin.get(index(origin.token("another-title")));
    assertThat(new String(refused.body(), StandardCharsets.UTF_8)).doesNotContain("WEBVTT").doesNotContain("sheet_");
  }

  @Test
  void everyImageUrlInTheIndexCarriesTheTokenAndAnswersTheSheet() throws Exception {
    String token = origin.token(TITLE);
    HttpResponse<byte[]> response = origin.get(index(token));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/vtt; charset=utf-8");
    String vtt = new String(response.body(), StandardCharsets.UTF_8);
    assertThat(vtt).startsWith("WEBVTT\n");

    Matcher image = IMAGE.matcher(vtt);
    Set<String> sheets = new LinkedHashSet<>();
    int cues = 0;
    while (image.find()) {
      cues++;
      assertThat(image.group(2)).isEqualTo(token);
      sheets.add(image.group(1) + "?token=" + image.group(2));
    }
    assertThat(cues).as("one image URL per cue, each with the token").isEqualTo(vtt.split("-->", -1).length - 1)
        .isEqualTo(5);
    for (String sheet : sheets) {
      HttpResponse<byte[]> jpeg = origin.get("/titles/" + TITLE + "/storyboard/" + sheet);
      assertThat(jpeg.statusCode()).as(sheet).isEqualTo(200);
      assertThat(jpeg.headers().firstValue("content-type")).hasValue("image/jpeg");
      BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(jpeg.body()));
      assertThat(decoded).as("%s decodes", sheet).isNotNull();
      assertThat(decoded.getWidth()).isEqualTo(5 * 256);
    }
    String bare = sheets.iterator().next().replaceFirst("\\?.*", "");
    assertThat(origin.get("/titles/" + TITLE + "/storyboard/" + bare).statusCode())
        .as("a sheet without the token").isEqualTo(403);
  }

  @Test
  void aTitleWithoutStoryboardAnswersNotFound() throws Exception {
    Path plain = Files.createDirectories(data.resolve("titles").resolve("plain"));
    Files.writeString(plain.resolve("master.m3u8"), "#EXTM3U\n");
    HttpResponse<byte[]> response = origin.get("/titles/plain/storyboard/storyboard.vtt?token="
        + origin.token("plain"));
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("no storyboard");
  }
}
