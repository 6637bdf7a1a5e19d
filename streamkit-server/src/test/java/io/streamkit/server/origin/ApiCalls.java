package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.IntSupplier;

/** The calls the API tests make to an origin on loopback: JSON bodies, bearer credentials, the admin key. */
final class ApiCalls {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final IntSupplier port;
  private final String adminKey;

  /** Calls the origin listening on {@code port} (read at each call), as admin with {@code adminKey}. */
  ApiCalls(IntSupplier port, String adminKey) {
    this.port = port;
    this.adminKey = adminKey;
  }

  /** {@code path} (or an absolute URL) with {@code body} as JSON when not null, and the headers as name, value. */
  HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
    String url = path.startsWith("http") ? path : "http://127.0.0.1:" + port.getAsInt() + path;
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  HttpResponse<String> admin(String method, String path, String body) throws Exception {
    return send(method, path, body, bearer(adminKey));
  }

  /** Uploads {@code source} (MP4) as a new title called {@code name}; returns its id. */
  String upload(Path source, String name) throws Exception {
    HttpResponse<String> upload = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt()
            + "/api/titles"))
        .header("Authorization", "Bearer " + adminKey)
        .header("Content-Type", "video/mp4")
        .header("X-Title-Name", URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"))
        .POST(HttpRequest.BodyPublishers.ofFile(source)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(202);
    return json(upload).get("id").asText();
  }

  /** Waits until title {@code id} has {@code status}; fails on FAILED or REJECTED, or after {@code timeout}. */
  void awaitStatus(String id, String status, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String now = "";
    while (!now.equals(status)) {
      assertThat(System.nanoTime()).as("title %s %s within %s, now %s", id, status, timeout, now)
          .isLessThan(deadline);
      Thread.sleep(200);
      JsonNode title = json(admin("GET", "/api/titles/" + id, null));
      now = title.get("status").asText();
      assertThat(now).as(title.toString()).isNotIn("FAILED", "REJECTED");
    }
  }

  void publish(String id) throws Exception {
    HttpResponse<String> published = admin("POST", "/api/titles/" + id + "/publish", null);
    assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
  }

  /**
   * Uploads {@code source} as a title called {@code name}, waits (up to 120 s) until it is transcoded, sets
   * {@code metadata} (the fields of a {@code PATCH /api/titles/{id}}) and publishes it; returns its id.
   */
  String publishTitle(Path source, String name, Map<String, Object> metadata) throws Exception {
    String id = upload(source, name);
    awaitStatus(id, "READY", Duration.ofSeconds(120));
    HttpResponse<String> patch = admin("PATCH", "/api/titles/" + id, JSON.writeValueAsString(metadata));
    assertThat(patch.statusCode()).as(patch.body()).isEqualTo(200);
    publish(id);
    return id;
  }

  static String[] bearer(String credential) {
    return new String[] {"Authorization", "Bearer " + credential};
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }
}
