package io.streamkit.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.hls.SampleVideo;
import io.streamkit.server.StreamkitPlatform;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The whole platform inside an application: StreamKit's tables in the application's own connection pool, its meters
 * in the application's registry, one admin key. The example then does what a content team's back office does over
 * the management API: upload a video, wait for it to be transcoded, publish it and get a viewer's playback URL.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl streamkit-server,streamkit-examples -am
 * java -cp streamkit-server/target/streamkit.jar:streamkit-examples/target/classes \
 *     io.streamkit.examples.EmbeddedPlatformExample
 * </pre>
 */
public final class EmbeddedPlatformExample {

  private static final ObjectMapper JSON = new ObjectMapper();

  private EmbeddedPlatformExample() {}

  /**
   * What the walk through the API produced.
   *
   * @param titleId the id the upload created
   * @param playerUrl the viewer's player page, with its playback token
   * @param masterPlaylist the session manifest the viewer's token opened
   * @param originRequests requests the origin counted in the application's meter registry
   */
  public record Published(String titleId, String playerUrl, String masterPlaylist, double originRequests) {}

  /**
   * Runs the walk in a temporary directory and prints the player URL.
   *
   * @param args ignored
   * @throws Exception if any step fails
   */
  public static void main(String[] args) throws Exception {
    Published published = run(Files.createTempDirectory("streamkit-platform-example"));
    System.out.println("published " + published.titleId() + "; play it at " + published.playerUrl());
  }

  /**
   * Starts the platform in {@code data} on the application's pool and registry, uploads a generated clip, waits for
   * READY, publishes it and asks for a playback URL; stops everything before returning.
   *
   * @param data an empty directory for the platform's data and the application's H2 database
   * @return the published title and what the viewer received
   * @throws IOException if the API cannot be reached or the clip cannot be read
   * @throws InterruptedException if the thread is interrupted while waiting
   * @throws IllegalStateException if an API call fails or the title is not READY within 2 minutes
   */
  public static Published run(Path data) throws IOException, InterruptedException {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String adminKey = HexFormat.of().formatHex(secret, 0, 16);
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl("jdbc:h2:file:" + data.resolve("application") + ";DB_CLOSE_ON_EXIT=FALSE");
    MeterRegistry registry = new SimpleMeterRegistry();
    try (HikariDataSource applicationPool = new HikariDataSource(pool);
        StreamkitPlatform platform = StreamkitPlatform.builder()
            .dataDirectory(data)
            .dataSource(applicationPool)
            .meterRegistry(registry)
            .adminKey(adminKey)
            .hs256Secret(secret)
            .ladder(Ladder.small())
            .origin(origin -> origin.host("127.0.0.1").port(0))
            .build()
            .start()) {
      Api api = new Api("http://127.0.0.1:" + platform.port(), adminKey);
      Path clip = data.resolve("clip.mp4");
      SampleVideo.write(clip, 4);
      String id = api.call(HttpRequest.newBuilder(api.uri("/api/titles")).header("Content-Type", "video/mp4")
          .header("X-Title-Name", "Example%20clip").POST(BodyPublishers.ofFile(clip))).get("id").asText();
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (!api.call(HttpRequest.newBuilder(api.uri("/api/titles/" + id))).get("status").asText().equals("READY")) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("title " + id + " was not transcoded within 2 minutes");
        }
        Thread.sleep(200);
      }
      api.call(HttpRequest.newBuilder(api.uri("/api/titles/" + id + "/publish")).POST(BodyPublishers.noBody()));
      JsonNode playback = api.call(HttpRequest.newBuilder(api.uri("/api/titles/" + id + "/playback"))
          .POST(BodyPublishers.ofString("{\"viewerId\":\"alice\",\"ttlSeconds\":3600}")));
      String masterPlaylist = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          api.uri(playback.get("masterUrl").asText())).build(), BodyHandlers.ofString()).body();
      double requests = registry.find("streamkit.origin.requests").counters().stream().mapToDouble(c -> c.count())
          .sum();
      return new Published(id, api.base + playback.get("playerUrl").asText(), masterPlaylist, requests);
    }
  }

  /** The management API, authorised by the admin key. */
  private record Api(String base, String adminKey) {
    URI uri(String path) {
      return URI.create(base + path);
    }

    JsonNode call(HttpRequest.Builder request) throws IOException, InterruptedException {
      var response = HttpClient.newHttpClient().send(request.header("Authorization", "Bearer " + adminKey).build(),
          BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new IllegalStateException(response.request().method() + " " + response.uri().getPath() + ": "
            + response.body());
      }
      return JSON.readTree(response.body());
    }
  }
}
