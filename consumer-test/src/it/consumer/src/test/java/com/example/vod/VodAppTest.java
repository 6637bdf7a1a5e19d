package com.example.vod;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The artifacts a README reader depends on resolve and work together: a clip encoded by the bundled FFmpeg natives,
 * packaged as HLS, served by the origin behind a playback token down to a segment; and no logging backend came with
 * them.
 */
class VodAppTest {

  private static final byte[] SECRET = "a signing key of at least thirty-two bytes".getBytes(StandardCharsets.UTF_8);

  @TempDir Path data;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aPackagedTitlePlaysDownToASegmentWithAToken() throws Exception {
    try (VodApp app = VodApp.start(data, "clip", 4, SECRET)) {
      String url = app.playbackUrl("clip", "alice");

      HttpResponse<String> master = get(url);
      assertEquals(200, master.statusCode(), master.body());
      String variant = master.body().lines().filter(line -> !line.startsWith("#") && line.contains(".m3u8"))
          .findFirst().orElseThrow(() -> new AssertionError("no variant in\n" + master.body()));
      String rendition = variant.substring(0, variant.indexOf('/'));

      HttpResponse<String> media = get(app.baseUrl() + "/titles/clip/" + variant);
      assertEquals(200, media.statusCode(), media.body());
      String segment = media.body().lines().filter(line -> line.startsWith("seg_")).findFirst()
          .orElseThrow(() -> new AssertionError("no segment in\n" + media.body()));

      HttpResponse<byte[]> bytes = http.send(HttpRequest.newBuilder(
          URI.create(app.baseUrl() + "/titles/clip/" + rendition + "/" + segment)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, bytes.statusCode());
      String file = segment.substring(0, segment.indexOf('?'));
      assertArrayEquals(Files.readAllBytes(data.resolve("titles/clip").resolve(rendition).resolve(file)),
          bytes.body());

      assertEquals(403, get(app.baseUrl() + "/titles/clip/" + rendition + "/" + file).statusCode(),
          "a segment without a token");
    }
  }

  @Test
  void noLoggingBackendComesWithStreamKit() {
    assertFalse(LoggerFactory.getILoggerFactory().getClass().getName().contains("logback"),
        LoggerFactory.getILoggerFactory().getClass().getName());
    assertThrows(ClassNotFoundException.class, () -> Class.forName("ch.qos.logback.classic.LoggerContext"));
  }

  private HttpResponse<String> get(String url) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(response.statusCode() < 500, () -> url + " answered " + response.statusCode());
    return response;
  }
}
