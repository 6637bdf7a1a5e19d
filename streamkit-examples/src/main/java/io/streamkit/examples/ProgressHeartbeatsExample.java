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

  /**
   * A client for one viewing session of {@code titleId} on the origin at {@code base}.
   *
   * @param base the origin's URL, e.g. {@code http://localhost:8080}
   * @param titleId the title being watched
   * @param token the viewer's playback token for that title
   */
  public ProgressHeartbeatsExample(String base, String titleId, String token) {
    this.base = base;
    this.titleId = titleId;
    this.token = token;
  }

  /**
   * Sends heartbeats for the first minute of a ten-minute title, then prints where the viewer will resume.
   *
   * @param args the origin's URL, the title id and a playback token
   * @throws Exception if the origin cannot be reached or refuses a call
   */
  public static void main(String[] args) throws Exception {
    ProgressHeartbeatsExample player = new ProgressHeartbeatsExample(args[0], args[1], args[2]);
    for (int second = 0; second <= 60; second += 5) {
      player.heartbeat(second, 600);
    }
    System.out.println("resume at " + player.savedPosition() + " s; unfinished titles: " + player.continueWatching());
  }

  /**
   * Saves the position; the origin answers 202 and writes it behind, batched with other viewers'.
   *
   * @param positionSeconds where playback is, in seconds from the start
   * @param durationSeconds the title's length, in seconds
   * @return the HTTP status: 202 when accepted
   * @throws IOException if the origin cannot be reached
   * @throws InterruptedException if the thread is interrupted while waiting for the answer
   */
  public int heartbeat(double positionSeconds, double durationSeconds) throws IOException, InterruptedException {
    String body = JSON.createObjectNode().put("positionSeconds", positionSeconds)
        .put("durationSeconds", durationSeconds).put("clientTime", Instant.now().toString()).toString();
    return send(HttpRequest.newBuilder(uri("/api/progress/" + titleId)).PUT(BodyPublishers.ofString(body)))
        .statusCode();
  }

  /**
   * Reads the saved position.
   *
   * @return where the viewer left off, in seconds
   * @throws IOException if the origin cannot be reached
   * @throws InterruptedException if the thread is interrupted while waiting for the answer
   * @throws IllegalStateException if the origin answers anything but 200
   */
  public double savedPosition() throws IOException, InterruptedException {
    return json(send(HttpRequest.newBuilder(uri("/api/progress/" + titleId)))).get("positionSeconds").asDouble();
  }

  /**
   * Lists what the viewer may want to continue.
   *
   * @return the viewer's started and unfinished titles, newest first, as the API returns them
   * @throws IOException if the origin cannot be reached
   * @throws InterruptedException if the thread is interrupted while waiting for the answer
   * @throws IllegalStateException if the origin answers anything but 200
   */
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
