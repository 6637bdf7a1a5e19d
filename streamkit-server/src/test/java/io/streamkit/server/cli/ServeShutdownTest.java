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

/**
 * SIGTERM to {@code serve} while an upload is being transcoded, at the start of the transcode and twice further in:
 * each time the server stops cleanly — every encoder thread has ended before the native state it used is freed, so
 * the JVM does not crash — and hands the job back, and the next start transcodes the title to READY.
 */
class ServeShutdownTest {

  /** What the JVM exits with after its shutdown hooks ran for a SIGTERM (128 + 15); a crash aborts with 134. */
  private static final int SIGTERM_EXIT = 143;
  private static final int[] STOP_AT_PERCENT = {0, 20, 50};

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void sigtermMidTranscodeStopsCleanlyAndTheNextStartFinishesTheTitle() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path video = TestVideos.make(dir.resolve("long.mp4"), 20, 640, 360);
    String[] options = {"--workers", "1", "--ladder", "small", "--preset", "veryfast"};

    String id = null;
    for (int percent : STOP_AT_PERCENT) {
      try (ServeProcess serve = ServeProcess.start(data, "256m", options)) {
        if (id == null) {
          id = upload(serve, video);
        } else {
          assertThat(serve.output()).as("the previous stop handed its job back; nothing was left running")
              .doesNotContain("were running when node");
        }
        int reached = awaitProgress(serve, id, percent);

        int exit = serve.terminate();
        System.out.printf("SIGTERM at %d%% of the transcode (waited for %d%%): exit status %d%n", reached, percent,
            exit);

        String output = serve.output();
        assertThat(exit).as("exit status after SIGTERM at %d%%:%n%s", percent, output).isEqualTo(SIGTERM_EXIT);
        assertThat(output).as("SIGTERM at %d%%", percent)
            .doesNotContain("A fatal error has been detected")
            .doesNotContain("\tat ")
            .doesNotContain("Exception")
            .contains("transcode of title " + id + " stopped")
            .contains("its job is queued again");
        assertThat(entries(data)).as("files in the server's working directory").noneMatch(n -> n.startsWith("hs_err"));
      }
    }

    try (ServeProcess last = ServeProcess.start(data, "256m", options)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      JsonNode now = title(last, id);
      while (!now.get("status").asText().equals("READY")) {
        assertThat(now.get("status").asText()).as(now.toString()).isEqualTo("PROCESSING");
        assertThat(System.nanoTime()).as(last.tail()).isLessThan(deadline);
        Thread.sleep(200);
        now = title(last, id);
      }
      assertThat(now.get("renditions")).hasSize(2);
      assertThat(entries(data.resolve("titles"))).containsExactly(id);
      assertThat(last.output()).doesNotContain("\tat ").doesNotContain("were running when node");
    }
  }

  private String upload(ServeProcess serve, Path video) throws Exception {
    return json.readTree(http.send(HttpRequest.newBuilder(serve.uri("/api/titles"))
        .header("Authorization", "Bearer " + ServeProcess.ADMIN_KEY).header("Content-Type", "video/mp4")
        .POST(BodyPublishers.ofFile(video)).build(), BodyHandlers.ofString()).body()).get("id").asText();
  }

  /** Waits until the title is being transcoded and has reached {@code percent}; returns the progress then. */
  private int awaitProgress(ServeProcess serve, String id, int percent) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode now = title(serve, id);
    while (!(now.get("status").asText().equals("PROCESSING") && now.get("progressPercent").asInt() >= percent)) {
      assertThat(now.get("status").asText()).as("the transcode must still be running when stopped: %s", now)
          .isIn("UPLOADED", "PROCESSING");
      assertThat(System.nanoTime()).as(serve.tail()).isLessThan(deadline);
      Thread.sleep(50);
      now = title(serve, id);
    }
    return now.get("progressPercent").asInt();
  }

  private JsonNode title(ServeProcess serve, String id) throws Exception {
    return json.readTree(http.send(HttpRequest.newBuilder(serve.uri("/api/titles/" + id))
        .header("Authorization", "Bearer " + ServeProcess.ADMIN_KEY).build(), BodyHandlers.ofString()).body());
  }

  private static List<String> entries(Path dir) throws Exception {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
