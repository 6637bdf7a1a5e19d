package io.streamkit.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.core.storage.StoredObject;
import io.streamkit.core.storage.TitleVersions;
import io.streamkit.core.store.PostgresTestSchema;
import io.streamkit.server.TestVideos;
import io.streamkit.storage.s3.S3ProxyServer;
import io.streamkit.storage.s3.S3Storage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several {@code streamkit serve} processes on one PostgreSQL database and one S3 bucket (s3proxy), as a deployment
 * of stateless origins and separate workers runs: no node shares a disk with another.
 */
class MultiNodeTest {

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final List<AutoCloseable> running = new ArrayList<>();
  private S3ProxyServer s3;
  private String database;
  private String jdbcUrl;

  @BeforeEach
  void startSharedParts() throws Exception {
    PostgresTestSchema.require("multi-node tests");
    database = "streamkit_nodes_" + UUID.randomUUID().toString().replace("-", "");
    String admin = System.getenv(PostgresTestSchema.URL_VARIABLE);
    try (Connection connection = DriverManager.getConnection(admin); Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + database);
    }
    URI url = URI.create(admin.substring("jdbc:".length()));
    jdbcUrl = "jdbc:postgresql://" + url.getHost() + ":" + url.getPort() + "/" + database
        + (url.getQuery() == null ? "" : "?" + url.getQuery());
    s3 = S3ProxyServer.start(dir, "media");
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (AutoCloseable node : running) {
      node.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (database != null) {
      try (Connection connection = DriverManager.getConnection(System.getenv(PostgresTestSchema.URL_VARIABLE));
          Statement statement = connection.createStatement()) {
        statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      }
    }
  }

  private ServeProcess node(String name, int workers) throws Exception {
    Path data = Files.createDirectories(dir.resolve(name));
    ServeProcess node = ServeProcess.start(data, "384m", Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY),
        "--db", jdbcUrl, "--node-id", name, "--workers", Integer.toString(workers), "--job-lease", "3",
        "--storage", "s3://media/deployment", "--s3-endpoint", s3.endpoint().toString(), "--s3-path-style",
        "--s3-region", "us-east-1", "--ladder", "small", "--preset", "ultrafast");
    running.add(node);
    return node;
  }

  private S3Storage bucket() {
    return s3.storage("s3://media/deployment").build();
  }

  private JsonNode call(ServeProcess node, String method, String path, HttpRequest.BodyPublisher body)
      throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(node.uri(path))
        .header("Authorization", "Bearer " + ServeProcess.ADMIN_KEY).header("Content-Type", "video/mp4")
        .method(method, body).build(), BodyHandlers.ofString());
    assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isLessThan(300);
    return response.body().isEmpty() ? json.createObjectNode() : json.readTree(response.body());
  }

  private String upload(ServeProcess node, Path video) throws Exception {
    return call(node, "POST", "/api/titles", BodyPublishers.ofFile(video)).get("id").asText();
  }

  private JsonNode awaitStatus(ServeProcess node, String id, String status, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode title = call(node, "GET", "/api/titles/" + id, BodyPublishers.noBody());
      if (title.get("status").asText().equals(status)) {
        return title;
      }
      assertThat(title.get("status").asText()).as(title.toString()).isNotEqualTo("FAILED");
      assertThat(System.nanoTime()).as("title %s never became %s:%n%s", id, status, node.tail())
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** The node logs a line after the catalog says READY, so the line may come a moment later. */
  private static void awaitOutput(ServeProcess node, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!node.output().contains(text)) {
      assertThat(System.nanoTime()).as("node never logged '%s':%n%s", text, node.tail()).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** Plays the whole title from a node: the master, each media playlist, and every segment and init they name. */
  private int play(ServeProcess node, String masterUrl) throws Exception {
    URI master = node.uri(URI.create(masterUrl).getRawPath() + "?" + URI.create(masterUrl).getRawQuery());
    int objects = 0;
    for (URI playlist : uris(master)) {
      for (URI media : uris(playlist)) {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(media).build(), BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as(media.toString()).isEqualTo(200);
        assertThat(response.body()).isNotEmpty();
        objects++;
      }
    }
    return objects;
  }

  private List<URI> uris(URI playlist) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(playlist).build(), BodyHandlers.ofString());
    assertThat(response.statusCode()).as(playlist + ": " + response.body()).isEqualTo(200);
    List<URI> out = new ArrayList<>();
    for (String line : response.body().split("\n")) {
      if (line.startsWith("#EXT-X-MAP:URI=\"")) {
        out.add(playlist.resolve(line.substring(16, line.indexOf('"', 16))));
      } else if (!line.isBlank() && !line.startsWith("#")) {
        out.add(playlist.resolve(line.strip()));
      }
    }
    return out;
  }

  @Test
  void anUploadToOneNodeIsTranscodedByAnotherAndPlaysFromBoth() throws Exception {
    ServeProcess a = node("node-a", 0);
    ServeProcess b = node("node-b", 1);
    Path video = TestVideos.make(dir.resolve("clip.mp4"), 4, 640, 360);

    String id = upload(a, video);
    awaitStatus(a, id, "READY", Duration.ofSeconds(120));
    awaitOutput(b, "title " + id + " ready");
    assertThat(a.output()).doesNotContain("title " + id + " ready");
    call(b, "POST", "/api/titles/" + id + "/publish", BodyPublishers.noBody());
    String masterUrl = call(a, "POST", "/api/titles/" + id + "/playback",
        BodyPublishers.ofString("{\"viewerId\":\"alice\"}")).get("masterUrl").asText();

    int fromA = play(a, masterUrl);
    int fromB = play(b, masterUrl);
    assertThat(fromA).isPositive().isEqualTo(fromB);
    try (S3Storage bucket = bucket()) {
      assertThat(new TitleVersions(bucket).current("titles/" + id)).isPresent();
      assertThat(bucket.list("sources")).isEmpty();
    }
    for (String name : List.of("node-a", "node-b")) {
      assertThat(dir.resolve(name).resolve("titles")).as("%s published nothing on its own disk", name)
          .satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    }
  }

  @Test
  void aWorkerKilledMidTranscodeIsReplacedByAnotherNodeAndTheTitleIsPublishedOnce() throws Exception {
    ServeProcess origin = node("origin", 0);
    ServeProcess doomed = node("worker-1", 1);
    Path video = TestVideos.make(dir.resolve("long.mp4"), 30, 640, 360);

    String id = upload(origin, video);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    JsonNode now = call(origin, "GET", "/api/titles/" + id, BodyPublishers.noBody());
    while (!(now.get("status").asText().equals("PROCESSING") && now.get("progressPercent").asInt() >= 5)) {
      assertThat(now.get("status").asText()).as("still transcoding when killed").isIn("UPLOADED", "PROCESSING");
      assertThat(System.nanoTime()).as(doomed.tail()).isLessThan(deadline);
      Thread.sleep(50);
      now = call(origin, "GET", "/api/titles/" + id, BodyPublishers.noBody());
    }
    doomed.kill();

    ServeProcess survivor = node("worker-2", 1);
    awaitStatus(origin, id, "READY", Duration.ofSeconds(180));
    awaitOutput(survivor, "title " + id + " ready");

    try (S3Storage bucket = bucket()) {
      String version = new TitleVersions(bucket).current("titles/" + id).orElseThrow();
      List<String> keys = bucket.list("titles/" + id).stream().map(StoredObject::key).toList();
      assertThat(keys).as("one version, no orphans").allMatch(key -> key.startsWith("titles/" + id + "/" + version
          + "/") || key.equals("titles/" + id + "/" + TitleVersions.POINTER));
      assertThat(bucket.list("sources")).isEmpty();
    }
    call(origin, "POST", "/api/titles/" + id + "/publish", BodyPublishers.noBody());
    String masterUrl = call(origin, "POST", "/api/titles/" + id + "/playback",
        BodyPublishers.ofString("{\"viewerId\":\"bob\"}")).get("masterUrl").asText();
    assertThat(play(origin, masterUrl)).isPositive();
  }
}
