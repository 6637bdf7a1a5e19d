package io.streamkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.server.origin.OriginServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OriginWithTokensExampleTest {

  private static final byte[] SECRET = "example-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path data;

  @Test
  void aTokenOpensTheTitleUpToTheViewersCapAndNothingOpensWithoutOne() throws Exception {
    try (OriginServer origin = OriginWithTokensExample.start(data, SECRET, 0)) {
      String base = "http://127.0.0.1:" + origin.port() + "/titles/" + OriginWithTokensExample.TITLE + "/";
      String token = OriginWithTokensExample.tokenFor(SECRET, "alice", 180);

      HttpResponse<String> master = get(base + "master.m3u8?token=" + token);
      assertThat(master.statusCode()).isEqualTo(200);
      assertThat(master.body()).contains("RESOLUTION=320x180").doesNotContain("x360")
          .contains("180p/index.m3u8?token=" + token);
      assertThat(get(base + "180p/index.m3u8?token=" + token).body()).contains("?token=" + token);
      assertThat(get(base + "180p/init.mp4?token=" + token).statusCode()).isEqualTo(200);
      assertThat(get(base + "360p/init.mp4?token=" + token).statusCode()).as("above the cap").isEqualTo(403);
      assertThat(get(base + "master.m3u8").statusCode()).as("no token").isEqualTo(403);
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), BodyHandlers.ofString());
  }
}
