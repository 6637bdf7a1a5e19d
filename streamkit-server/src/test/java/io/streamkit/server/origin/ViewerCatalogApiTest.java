package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.MaturityRating;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the browse page asks of the origin beyond search, over real sockets against an H2 store: one title's details
 * ({@code GET /api/catalog/{id}}), a viewer's token exchanged for another title's
 * ({@code POST /api/catalog/{id}/playback}), and posters shown without a token; each under the catalog search's
 * rules, so nothing a viewer could not find is told or opened.
 */
class ViewerCatalogApiTest {

  private static final byte[] SECRET = "viewer-catalog-test-secret-of-32-bytes".getBytes(StandardCharsets.UTF_8);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;

  private final PlaybackTokenSigner signer = PlaybackTokenSigner.hs256(SECRET);
  private final PlaybackTokenVerifier verifier = PlaybackTokenVerifier.builder().hs256(SECRET).build();
  private final HttpClient http = HttpClient.newHttpClient();
  private StreamkitStore store;
  private OriginServer origin;

  @AfterEach
  void stop() {
    if (origin != null) {
      origin.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private void start(boolean viewerGrants) {
    store = StreamkitStore.builder().dataDirectory(data.resolve("db")).build();
    ManagementApi api = ManagementApi.builder().store(store).dataDirectory(data).tokenSigner(signer)
        .viewerGrants(viewerGrants).build();
    origin = OriginServer.builder().dataDirectory(data).host("127.0.0.1").port(0).ioThreads(2)
        .tokenVerifier(verifier).adminKey("viewer-catalog-test-admin-key").store(store).managementApi(api)
        .build().start();
  }

  @Test
  void detailsAndGrantsFollowTheSearchRules() throws Exception {
    start(true);
    UUID family = title("Family film", TitleStatus.PUBLISHED, MaturityRating.G);
    UUID thriller = title("Thriller", TitleStatus.PUBLISHED, MaturityRating.R);
    UUID unpublished = title("Not yet", TitleStatus.READY, MaturityRating.G);
    String adult = token("alice", family, null, false);
    String kids = token("alice.kids", family, MaturityRating.PG, false);

    JsonNode detail = JSON.readTree(send("GET", "/api/catalog/" + family, kids).body());
    assertThat(detail.get("name").asText()).isEqualTo("Family film");
    assertThat(detail.get("maturityRating").asText()).isEqualTo("G");
    assertThat(detail.get("posterPath").asText()).isEqualTo("/titles/" + family + "/poster.jpg");
    assertThat(send("GET", "/api/catalog/" + thriller, null).statusCode()).as("the public storefront")
        .isEqualTo(200);
    assertThat(send("GET", "/api/catalog/" + thriller, adult).statusCode()).isEqualTo(200);
    HttpResponse<String> aboveLimit = send("GET", "/api/catalog/" + thriller, kids);
    assertThat(aboveLimit.statusCode()).as("rated above the kids profile's limit").isEqualTo(404);
    assertThat(aboveLimit.body()).contains("no title '" + thriller + "' in the catalog for this viewer");
    assertThat(send("GET", "/api/catalog/" + unpublished, adult).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/api/catalog/not-a-title", null).statusCode()).isEqualTo(404);
    assertThat(send("POST", "/api/catalog/" + family, adult).statusCode()).isEqualTo(405);

    HttpResponse<String> granted = send("POST", "/api/catalog/" + thriller + "/playback", adult);
    assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
    JsonNode grant = JSON.readTree(granted.body());
    PlaybackClaims claims = verifier.verify(grant.get("token").asText());
    assertThat(claims.viewer()).isEqualTo("alice");
    assertThat(claims.titleId()).isEqualTo(thriller.toString());
    assertThat(claims.expiresAt()).isBefore(Instant.now().plus(ManagementApi.DEFAULT_TOKEN_TTL).plusSeconds(5));
    assertThat(grant.get("playerUrl").asText()).isEqualTo("/play/" + thriller + "?token=" + grant.get("token")
        .asText());
    assertThat(send("GET", "/titles/" + thriller + "/master.m3u8?token=" + grant.get("token").asText(), null)
        .statusCode()).as("the gate lets the exchanged token past (404: nothing transcoded here)").isEqualTo(404);

    String shortLived = signer.sign(PlaybackClaims.builder().viewer("alice.kids").title(family.toString())
        .maxRating(MaturityRating.PG).maxHeight(360).expiresAt(Instant.now().plusSeconds(120)).build());
    PlaybackClaims kidsGrant = verifier.verify(JSON.readTree(send("POST", "/api/catalog/" + family + "/playback",
        shortLived).body()).get("token").asText());
    assertThat(kidsGrant.maxRating()).contains(MaturityRating.PG);
    assertThat(kidsGrant.maxHeight()).hasValue(360);
    assertThat(kidsGrant.expiresAt()).as("never outlives the token it came from")
        .isBefore(Instant.now().plusSeconds(121));
    assertThat(send("POST", "/api/catalog/" + thriller + "/playback", kids).statusCode()).isEqualTo(404);
    assertThat(send("POST", "/api/catalog/" + unpublished + "/playback", adult).statusCode()).isEqualTo(404);
    HttpResponse<String> preview = send("POST", "/api/catalog/" + family + "/playback",
        token("mod", unpublished, null, true));
    assertThat(preview.statusCode()).isEqualTo(403);
    assertThat(preview.body()).contains("not_exchangeable");
    assertThat(send("POST", "/api/catalog/" + family + "/playback", null).statusCode()).isEqualTo(401);

    // Posters: without a token only for titles the public catalog lists; the file itself is absent here (404).
    assertThat(send("GET", "/titles/" + family + "/poster.jpg", null).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/titles/" + unpublished + "/poster.jpg", null).statusCode()).isEqualTo(403);
    assertThat(send("GET", "/titles/" + UUID.randomUUID() + "/poster.jpg", null).statusCode())
        .as("a title the catalog does not know is governed by its token alone").isEqualTo(403);
    assertThat(send("GET", "/titles/" + family + "/master.m3u8", null).statusCode()).isEqualTo(403);
  }

  /**
   * Caches may keep a poster shown without a token, but no longer than a playlist: once its title leaves the public
   * catalog, caches stop showing it within minutes, not after the year media segments are kept.
   */
  @Test
  void aPublicPosterIsCachedForMinutesAndRevalidatedByItsValidator() throws Exception {
    start(false);
    UUID film = title("Film", TitleStatus.PUBLISHED, MaturityRating.G);
    Path dir = Files.createDirectories(data.resolve("titles").resolve(film.toString()).resolve("720p"));
    Files.write(dir.getParent().resolve("poster.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xd9});
    Files.write(dir.resolve("segment-00000.m4s"), new byte[64]);

    HttpResponse<String> poster = send("GET", "/titles/" + film + "/poster.jpg", null);
    assertThat(poster.statusCode()).isEqualTo(200);
    assertThat(poster.headers().firstValue("Cache-Control")).contains("public, max-age=300");
    String etag = poster.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + origin.port()
        + "/titles/" + film + "/poster.jpg")).header("If-None-Match", etag).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).as("revalidated by its ETag").isEqualTo(304);
    assertThat(again.headers().firstValue("Cache-Control")).contains("public, max-age=300");

    HttpResponse<String> segment = send("GET", "/titles/" + film + "/720p/segment-00000.m4s?token="
        + token("alice", film, null, false), null);
    assertThat(segment.statusCode()).isEqualTo(200);
    assertThat(segment.headers().firstValue("Cache-Control")).contains("public, max-age=31536000, immutable");
  }

  @Test
  void exchangesAreRefusedUnlessTheDeploymentTurnsThemOn() throws Exception {
    start(false);
    UUID family = title("Family film", TitleStatus.PUBLISHED, MaturityRating.G);
    UUID other = title("Other film", TitleStatus.PUBLISHED, MaturityRating.G);
    HttpResponse<String> refused = send("POST", "/api/catalog/" + other + "/playback",
        token("alice", family, null, false));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("viewer_grants_off");
    assertThat(JSON.readTree(refused.body()).get("message").asText()).contains("--viewer-grants");
  }

  private UUID title(String name, TitleStatus status, MaturityRating rating) {
    UUID id = store.catalog().create(name, "").id();
    store.catalog().editMetadata(id, "About " + name, m -> m.withMaturityRating(rating));
    for (TitleStatus next : List.of(TitleStatus.PROCESSING, TitleStatus.READY, TitleStatus.PUBLISHED)) {
      store.catalog().transition(id, next);
      if (next == status) {
        break;
      }
    }
    return id;
  }

  private String token(String viewer, UUID title, MaturityRating maxRating, boolean preview) {
    PlaybackClaims.Builder claims = PlaybackClaims.builder().viewer(viewer).title(title.toString())
        .expiresAt(Instant.now().plus(Duration.ofHours(6))).preview(preview);
    if (maxRating != null) {
      claims.maxRating(maxRating);
    }
    return signer.sign(claims.build());
  }

  private HttpResponse<String> send(String method, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + origin.port() + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
