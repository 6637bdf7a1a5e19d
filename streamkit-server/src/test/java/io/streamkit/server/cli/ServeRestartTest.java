package io.streamkit.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.server.TestVideos;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server killed with {@code kill -9} mid-transcode finishes the job after a restart, leaving one clean title. */
class ServeRestartTest {

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private JsonNode title(ServeProcess serve, String id) throws Exception {
    return json.readTree(http.send(HttpRequest.newBuilder(serve.uri("/api/titles/" + id))
        .header("Authorization", "Bearer " + ServeProcess.ADMIN_KEY).build(), BodyHandlers.ofString()).body());
  }

  @Test
  void aJobRunningWhenTheServerDiedCompletesAfterRestartWithNoStagingLeftovers() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path video = TestVideos.make(dir.resolve("long.mp4"), 30, 640, 360);
    String[] options = {"--workers", "1", "--ladder", "small", "--preset", "veryfast"};

    String id;
    try (ServeProcess first = ServeProcess.start(data, "256m", options)) {
      JsonNode uploaded = json.readTree(http.send(HttpRequest.newBuilder(first.uri("/api/titles"))
          .header("Authorization", "Bearer " + ServeProcess.ADMIN_KEY).header("Content-Type", "video/mp4")
          .POST(BodyPublishers.ofFile(video)).build(), BodyHandlers.ofString()).body());
      id = uploaded.get("id").asText();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      JsonNode now = title(first, id);
      while (!(now.get("status").asText().equals("PROCESSING") && now.get("progressPercent").asInt() >= 5)) {
        assertThat(now.get("status").asText()).as("the transcode must still be running when killed")
            .isIn("UPLOADED", "PROCESSING");
        assertThat(System.nanoTime()).as(first.tail()).isLessThan(deadline);
        Thread.sleep(50);
        now = title(first, id);
      }
      first.kill();
    }
    assertThat(entries(data.resolve("titles"))).as("the killed run left its staging directory")
        .anyMatch(name -> name.startsWith("." + id + ".staging-"));

    try (ServeProcess second = ServeProcess.start(data, "256m", options)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      JsonNode now = title(second, id);
      while (!now.get("status").asText().equals("READY")) {
        assertThat(now.get("status").asText()).as(now.toString()).isNotEqualTo("FAILED");
        assertThat(System.nanoTime()).as(second.tail()).isLessThan(deadline);
        Thread.sleep(100);
        now = title(second, id);
      }
      assertThat(entries(data.resolve("titles"))).containsExactly(id);
      Path titleDir = data.resolve("titles").resolve(id);
      assertThat(titleDir.resolve("master.m3u8")).exists();
      List<String> renditionDirs = entries(titleDir).stream()
          .filter(name -> Files.exists(titleDir.resolve(name).resolve("index.m3u8")))
          .filter(name -> !name.equals("audio")).toList();
      List<String> fromApi = json.convertValue(now.get("renditions").findValuesAsText("name"), List.class);
      assertThat(renditionDirs).containsExactlyInAnyOrderElementsOf(fromApi);
      assertThat(second.tail()).contains("queued again");
    }
  }

  private static List<String> entries(Path dir) throws Exception {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
