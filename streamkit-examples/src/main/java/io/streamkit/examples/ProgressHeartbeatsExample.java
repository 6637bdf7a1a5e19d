package io.streamkit.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Instant;

/**
 * A player's side of "continue watching": heartbeats with the position while playing ({@code PUT /api/progress}),
 * the saved position when the viewer comes back ({@code GET /api/progress}), and the viewer's unfinished titles
 * ({@code GET /api/continue-watching}). The playback token is the only credential: its subject is the viewer, its
 * title claim the title.
 *
 * <pre>
 * java -cp streamkit-server/target/streamkit.jar:streamkit-examples/target/classes \
 *     io.streamkit.examples.ProgressHeartbeatsExample http://localhost:8080 TITLE_ID TOKEN
 * </pre>
 */
public final class ProgressHeartbeatsExample {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  private final String titleId;
  private final String token;

  /** A client for one viewing session of {@code titleId} on the origin at {@code base}. */
  public ProgressHeartbeatsExample(String base, String titleId, String token) {
    this.base = base;
    this.titleId = titleId;
    this.token = token;
  }

  /** Sends heartbeats for the first minute of a ten-minute title, then prints where the viewer will resume. */
  public static void main(String[] args) throws Exception {
    ProgressHeartbeatsExample player = new ProgressHeartbeatsExample(args[0], args[1], args[2]);
    for (int second = 0; second <= 60; second += 5) {
      player.heartbeat(second, 600);
    }
    System.out.println("resume at " + player.savedPosition() + " s; unfinished titles: " + player.continueWatching());
  }

  /** Saves the position; the origin answers 202 and writes it behind, batched with other viewers'. */
  public int heartbeat(double positionSeconds, double durationSeconds) throws IOException, InterruptedException {
    String body = JSON.createObjectNode().put("positionSeconds", positionSeconds)
        .put("durationSeconds", durationSeconds).put("clientTime", Instant.now().toString()).toString();
    return send(HttpRequest.newBuilder(uri("/api/progress/" + titleId)).PUT(BodyPublishers.ofString(body)))
        .statusCode();
  }

  /** Where the viewer left off, in seconds. */
  public double savedPosition() throws IOException, InterruptedException {
    return json(send(HttpRequest.newBuilder(uri("/api/progress/" + titleId)))).get("positionSeconds").asDouble();
  }

  /** The viewer's started and unfinished titles, newest first, as the API returns them. */
  public JsonNode continueWatching() throws IOException, InterruptedException {
    return json(send(HttpRequest.newBuilder(uri("/api/continue-watching")))).get("items");
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.header("Authorization", "Bearer " + token).build(), BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    if (response.statusCode() != 200) {
      throw new IllegalStateException(response.uri().getPath() + " answered " + response.statusCode() + ": "
          + response.body());
    }
    return JSON.readTree(response.body());
  }
}
