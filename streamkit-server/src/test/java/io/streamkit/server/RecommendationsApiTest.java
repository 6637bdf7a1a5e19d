package io.streamkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.core.PageRequest;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recommendations end to end on a running platform: viewers' heartbeats go in through the viewer API, the platform's
 * periodic recomputation picks them up, and {@code GET /api/recommendations} answers a viewer from it.
 */
class RecommendationsApiTest {

  private static final byte[] SECRET = "recommendations-test-secret-32-bytes!".getBytes(StandardCharsets.UTF_8);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;

  private final PlaybackTokenSigner signer = PlaybackTokenSigner.hs256(SECRET);
  private final HttpClient http = HttpClient.newHttpClient();
  private StreamkitPlatform platform;

  @Test
  void whatOthersWatchedAfterATitleIsRecommendedOnceRecomputed() throws Exception {
    try (StreamkitPlatform running = StreamkitPlatform.builder().dataDirectory(data).hs256Secret(SECRET).workers(0)
        .recommendationPeriod(Duration.ofSeconds(1)).origin(o -> o.host("127.0.0.1").port(0)).build().start()) {
      platform = running;
      UUID pilot = published("Pilot");
      UUID sequel = published("Sequel");
      UUID spinOff = published("Spin-off");
      UUID unrelated = published("Unrelated");
      for (String viewer : List.of("ann", "ben", "cat")) {
        heartbeat(viewer, pilot, 3_000);
        heartbeat(viewer, sequel, 2_900);
      }
      heartbeat("ann", spinOff, 2_000);
      heartbeat("ben", spinOff, 2_000);
      heartbeat("dan", unrelated, 3_000);
      heartbeat("you", pilot, 2_990);

      JsonNode mine = awaitRecommendations("you", json -> names(json.get("forYou")).contains("Sequel"));

      assertThat(names(mine.get("forYou"))).startsWith("Sequel", "Spin-off").doesNotContain("Pilot");
      JsonNode row = mine.get("becauseYouWatched").get(0);
      assertThat(row.get("name").asText()).isEqualTo("Pilot");
      assertThat(names(row.get("titles"))).containsExactly("Sequel", "Spin-off");
      assertThat(row.get("titles").get(0).get("posterUrl").asText()).isEqualTo("/titles/" + sequel + "/poster.jpg");
      assertThat(names(mine.get("popular"))).as("by plays; what the viewer has seen is left out")
          .containsExactly("Sequel", "Spin-off", "Unrelated");

      JsonNode newcomer = awaitRecommendations("newcomer", json -> !json.get("popular").isEmpty());
      assertThat(names(newcomer.get("forYou"))).as("no history: what is popular")
          .containsExactly("Pilot", "Sequel", "Spin-off", "Unrelated");
      assertThat(newcomer.get("becauseYouWatched")).isEmpty();

      HttpResponse<String> bad = get("/api/recommendations?limit=0", token("you", pilot));
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(bad.body()).get("message").asText()).contains("limit");
      assertThat(get("/api/recommendations", null).statusCode()).isEqualTo(401);
    }
  }

  private JsonNode awaitRecommendations(String viewer, Predicate<JsonNode> ready)
      throws Exception {
    String token = token(viewer, platform.store().catalog().list(new PageRequest(0, 1)).items()
        .get(0).id());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      HttpResponse<String> response = get("/api/recommendations", token);
      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode json = JSON.readTree(response.body());
      if (!json.get("computedAt").isNull() && ready.test(json)) {
        return json;
      }
      assertThat(System.nanoTime()).as("recommendations recomputed within 30 s: %s", json).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private UUID published(String name) {
    UUID id = platform.store().catalog().create(name, "").id();
    for (TitleStatus next : List.of(TitleStatus.PROCESSING, TitleStatus.READY, TitleStatus.PUBLISHED)) {
      platform.store().catalog().transition(id, next);
    }
    return id;
  }

  private void heartbeat(String viewer, UUID title, double positionSeconds) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/progress/" + title))
        .header("Authorization", "Bearer " + token(viewer, title)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"positionSeconds\":" + positionSeconds
            + ",\"durationSeconds\":3000,\"clientTime\":\"" + Instant.now() + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + platform.port() + path);
  }

  private String token(String viewer, UUID title) {
    return signer.sign(PlaybackClaims.builder().viewer(viewer).title(title.toString())
        .expiresAt(Instant.now().plusSeconds(600)).build());
  }

  private static List<String> names(JsonNode cards) {
    List<String> names = new ArrayList<>();
    cards.forEach(card -> names.add(card.get("name").asText()));
    return names;
  }
}
