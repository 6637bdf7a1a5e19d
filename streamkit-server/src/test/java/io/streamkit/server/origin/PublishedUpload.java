package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;

/** A video uploaded through the management API, transcoded (READY) and published: where the title API tests start. */
final class PublishedUpload {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TRANSCODE_TIMEOUT = Duration.ofMinutes(2);

  private PublishedUpload() {}

  /**
   * Uploads {@code video} as an MP4 named {@code name} to the origin at {@code base}, waits until it is READY
   * (failing at once if it becomes FAILED) and publishes it.
   *
   * @return the title's id
   */
  static String publish(HttpClient http, URI base, String adminKey, Path video, String name) throws Exception {
    HttpResponse<String> uploaded = http.send(admin(base, adminKey, "/api/titles").header("Content-Type", "video/mp4")
        .header("X-Title-Name", name).POST(BodyPublishers.ofFile(video)).build(), BodyHandlers.ofString());
    assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(202);
    String id = JSON.readTree(uploaded.body()).get("id").asText();
    long deadline = System.nanoTime() + TRANSCODE_TIMEOUT.toNanos();
    String status = "";
    while (!status.equals("READY") && System.nanoTime() < deadline) {
      Thread.sleep(100);
      JsonNode title = JSON.readTree(http.send(admin(base, adminKey, "/api/titles/" + id).build(),
          BodyHandlers.ofString()).body());
      status = title.path("status").asText();
      assertThat(status).isNotEqualTo("FAILED");
    }
    assertThat(status).isEqualTo("READY");
    assertThat(http.send(admin(base, adminKey, "/api/titles/" + id + "/publish").POST(BodyPublishers.noBody())
        .build(), BodyHandlers.discarding()).statusCode()).isEqualTo(200);
    return id;
  }

  private static HttpRequest.Builder admin(URI base, String adminKey, String path) {
    return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + adminKey);
  }
}
