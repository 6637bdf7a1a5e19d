package io.streamkit.server.origin;

import static io.streamkit.server.origin.ApiCalls.bearer;
import static io.streamkit.server.origin.ApiCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.MaturityRating;
import io.streamkit.core.title.TitleMetadata;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Title metadata, availability windows and viewer search over real sockets, against an origin with an H2 store
 * (subclassed for PostgreSQL): what the management API edits, the viewer API finds and the token gate enforces.
 */
class CatalogApiTest {

  private static final byte[] SECRET = "catalog-api-test-secret-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8);
  private static final String ADMIN_KEY = "admin-key-for-the-catalog-api-test";

  @TempDir
  Path dataDirectory;

  StreamkitStore store;
  private OriginServer origin;
  private final PlaybackTokenSigner signer = PlaybackTokenSigner.hs256(SECRET);
  private final ApiCalls calls = new ApiCalls(() -> origin.port(), ADMIN_KEY);

  /** The store the origin runs on: H2 in the test's data directory. */
  StreamkitStore openStore() throws Exception {
    return StreamkitStore.builder().dataDirectory(dataDirectory.resolve("db")).build();
  }

  /** Removes what {@link #openStore()} created beyond the data directory. */
  void dropStore() throws Exception {
    // @TempDir removes the database files.
  }

  @BeforeEach
  void start() throws Exception {
    store = openStore();
    ManagementApi api = ManagementApi.builder().store(store).dataDirectory(dataDirectory)
        .tokenSigner(signer).build();
    origin = OriginServer.builder().dataDirectory(dataDirectory).host("127.0.0.1").port(0).ioThreads(2)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build())
        .adminKey(ADMIN_KEY).store(store).managementApi(api).build().start();
  }

  @AfterEach
  void stop() throws Exception {
    origin.close();
    store.close();
    dropStore();
  }

  // ---- metadata through the management API

  @Test
  void patchStoresMetadataAndTitleJsonReturnsIt() throws Exception {
    UUID id = published("Planet", "");

    HttpResponse<String> patched = calls.admin("PATCH", "/api/titles/" + id, """
        {"description": "Our planet", "categories": ["Nature", "documentary"], "releaseYear": 2019,
         "maturityRating": "pg-13", "availableFrom": "2026-01-01T00:00:00Z", "availableUntil": "2099-01-01T00:00:00Z",
         "regions": ["us", "DE"]}""");

    assertThat(patched.statusCode()).isEqualTo(200);
    JsonNode read = json(calls.admin("GET", "/api/titles/" + id, null));
    assertThat(read).isEqualTo(json(patched));
    assertThat(read.get("description").asText()).isEqualTo("Our planet");
    assertThat(texts(read.get("categories"))).containsExactly("documentary", "nature");
    assertThat(read.get("releaseYear").asInt()).isEqualTo(2019);
    assertThat(read.get("maturityRating").asText()).isEqualTo("PG-13");
    assertThat(read.get("availableFrom").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(read.get("availableUntil").asText()).isEqualTo("2099-01-01T00:00:00Z");
    assertThat(texts(read.get("regions"))).containsExactly("DE", "US");

    JsonNode cleared = json(calls.admin("PATCH", "/api/titles/" + id, "{\"maturityRating\": null, \"regions\": null}"));
    assertThat(cleared.get("maturityRating").isNull()).isTrue();
    assertThat(cleared.get("regions")).isEmpty();
    assertThat(cleared.get("releaseYear").asInt()).as("members left out keep their value").isEqualTo(2019);
  }

  @Test
  void badPatchesAnswer400NamingTheMemberAndChangeNothing() throws Exception {
    UUID id = published("Planet", "kept");
    calls.admin("PATCH", "/api/titles/" + id, "{\"availableFrom\": \"2026-01-01T00:00:00Z\", \"releaseYear\": 2000}");

    assertBadRequest(id, "{\"rating\": \"PG\"}", "rating");
    assertBadRequest(id, "{\"maturityRating\": \"PG-15\"}", "maturityRating");
    assertBadRequest(id, "{\"releaseYear\": \"2019\"}", "releaseYear");
    assertBadRequest(id, "{\"releaseYear\": 1700}", "releaseYear");
    assertBadRequest(id, "{\"categories\": [\"sci fi\"]}", "category");
    assertBadRequest(id, "{\"regions\": [\"USA\"]}", "region");
    assertBadRequest(id, "{\"availableFrom\": \"tomorrow\"}", "availableFrom");
    assertBadRequest(id, "{\"description\": \"new\", \"availableUntil\": \"2025-12-31T00:00:00Z\"}",
        "availableUntil");
    assertBadRequest(id, "{}", "changes nothing");
    assertBadRequest(id, "[1]", "JSON object");

    JsonNode read = json(calls.admin("GET", "/api/titles/" + id, null));
    assertThat(read.get("description").asText()).isEqualTo("kept");
    assertThat(read.get("releaseYear").asInt()).isEqualTo(2000);
    assertThat(read.get("availableUntil").isNull()).isTrue();
  }

  @Test
  void patchNeedsTheAdminKeyAndAnExistingTitle() throws Exception {
    UUID id = published("Planet", "");

    HttpResponse<String> anonymous = calls.send("PATCH", "/api/titles/" + id, "{\"releaseYear\": 2000}");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(calls.admin("PATCH", "/api/titles/" + UUID.randomUUID(), "{\"releaseYear\": 2000}").statusCode())
        .isEqualTo(404);
    assertThat(store.catalog().get(id).orElseThrow().metadata().releaseYear()).isNull();
  }

  // ---- availability window

  @Test
  void noPlaybackTokenIsIssuedOutsideTheWindow() throws Exception {
    UUID id = published("Scheduled", "");
    window(id, Instant.now().plusSeconds(3600), null);

    HttpResponse<String> early = calls.admin("POST", "/api/titles/" + id + "/playback", "{\"viewerId\": \"alice\"}");
    assertThat(early.statusCode()).isEqualTo(409);
    assertThat(json(early).get("error").asText()).isEqualTo("not_available");
    assertThat(json(early).get("message").asText()).contains("available from");

    window(id, Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600));
    HttpResponse<String> open = calls.admin("POST", "/api/titles/" + id + "/playback", "{\"viewerId\": \"alice\"}");
    assertThat(open.statusCode()).isEqualTo(200);
    assertThat(calls.send("GET", json(open).get("masterUrl").asText(), null).statusCode()).isEqualTo(200);
  }

  @Test
  void theOriginRefusesIssuedTokensOnceTheWindowCloses() throws Exception {
    UUID id = published("Leaving soon", "");
    String token = token("alice", id);
    assertThat(calls.send("GET", "/titles/" + id + "/master.m3u8?token=" + token, null).statusCode()).isEqualTo(200);

    window(id, null, Instant.now().minusSeconds(1));

    assertThat(calls.send("GET", "/titles/" + id + "/master.m3u8?token=" + token, null).statusCode())
        .as("refused at once on the node that changed the window").isEqualTo(403);
    HttpResponse<String> progress = calls.send("PUT", "/api/progress/" + id, "{\"positionSeconds\": 1,"
        + " \"durationSeconds\": 60}", "Authorization", "Bearer " + token);
    assertThat(progress.statusCode()).isEqualTo(403);
    assertThat(json(progress).get("error").asText()).isEqualTo("not_available");
    String preview = signer.sign(PlaybackClaims.builder().viewer("moderator").title(id.toString()).preview(true)
        .expiresAt(Instant.now().plusSeconds(600)).build());
    assertThat(calls.send("GET", "/titles/" + id + "/master.m3u8?token=" + preview, null).statusCode())
        .as("a moderator's preview token still opens it").isEqualTo(200);

    window(id, null, null);
    assertThat(calls.send("GET", "/titles/" + id + "/master.m3u8?token=" + token, null).statusCode()).isEqualTo(200);
  }

  // ---- viewer search

  @Test
  void searchListsPlayableTitlesBestMatchFirstWithCategoryCounts() throws Exception {
    UUID inName = published("Rabbit tales", "Short films", m -> m.withCategories(List.of("animation", "kids")));
    UUID inDescription = published("Meadow", "A rabbit family through the seasons",
        m -> m.withCategories(List.of("nature")));
    published("Rabbit returns", "", m -> m.withAvailability(null, Instant.now().minusSeconds(60))
        .withCategories(List.of("nature")));
    UUID uploaded = store.catalog().create("Rabbit drafts", "").id();

    HttpResponse<String> response = calls.send("GET", "/api/catalog?q=rabbi", null);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(ids(body)).as("expired and unpublished titles are not offered")
        .containsExactly(inName.toString(), inDescription.toString()).doesNotContain(uploaded.toString());
    assertThat(body.get("total").asLong()).isEqualTo(2);
    assertThat(body.get("hasNext").asBoolean()).isFalse();
    assertThat(body.at("/facets/categories").toString()).isEqualTo(
        "[{\"category\":\"animation\",\"count\":1},{\"category\":\"kids\",\"count\":1},"
            + "{\"category\":\"nature\",\"count\":1}]");
    JsonNode first = body.get("items").get(0);
    assertThat(first.get("name").asText()).isEqualTo("Rabbit tales");
    assertThat(texts(first.get("categories"))).containsExactly("animation", "kids");
    assertThat(first.has("status")).as("no moderation state for viewers").isFalse();
  }

  @Test
  void aCategoryAndPagesNarrowTheList() throws Exception {
    for (int i = 0; i < 3; i++) {
      published("Nature " + i, "", m -> m.withCategories(List.of("nature")));
    }
    published("Drama", "", m -> m.withCategories(List.of("drama")));

    JsonNode second = json(calls.send("GET", "/api/catalog?category=nature&size=2&page=1", null));

    assertThat(second.get("total").asLong()).isEqualTo(3);
    assertThat(second.get("items")).hasSize(1);
    assertThat(second.get("hasNext").asBoolean()).isFalse();
    assertThat(second.at("/facets/categories").toString())
        .isEqualTo("[{\"category\":\"nature\",\"count\":3},{\"category\":\"drama\",\"count\":1}]");
  }

  @Test
  void badSearchParametersAndTokensAreRefusedInOneLine() throws Exception {
    assertThat(calls.send("GET", "/api/catalog?size=0", null).statusCode()).isEqualTo(400);
    assertThat(json(calls.send("GET", "/api/catalog?page=x", null)).get("message").asText()).contains("page");
    assertThat(json(calls.send("GET", "/api/catalog?category=sci%20fi", null)).get("message").asText())
        .contains("category");
    assertThat(json(calls.send("GET", "/api/catalog?q=" + "a".repeat(201), null)).get("message").asText())
        .contains("q");
    HttpResponse<String> forged = calls.send("GET", "/api/catalog", null, "Authorization", "Bearer not-a-token");
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(calls.send("POST", "/api/catalog", "{}").statusCode()).isEqualTo(405);
  }

  // ---- a token's own limits: maturity rating and categories

  @Test
  void aKidsTokenNeitherListsNorGetsNorPlaysTitlesAboveItsRating() throws Exception {
    UUID forKids = published("Cartoon", "", m -> m.withMaturityRating(MaturityRating.G));
    UUID forAdults = published("Thriller", "", m -> m.withMaturityRating(MaturityRating.R));
    UUID unrated = published("Home video", "");
    String kids = signer.sign(PlaybackClaims.builder().viewer("alice-kids").title(forKids.toString())
        .maxRating(MaturityRating.PG).expiresAt(Instant.now().plusSeconds(600)).build());

    assertThat(ids(json(calls.send("GET", "/api/catalog", null, "Authorization", "Bearer " + kids))))
        .containsExactly(forKids.toString());
    assertThat(ids(json(calls.send("GET", "/api/catalog", null)))).as("the public storefront lists all three")
        .hasSize(3);

    HttpResponse<String> refused = calls.admin("POST", "/api/titles/" + forAdults + "/playback",
        "{\"viewerId\": \"alice-kids\", \"maxRating\": \"PG\"}");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(json(refused).get("message").asText()).contains("rated R").contains("PG");
    assertThat(calls.admin("POST", "/api/titles/" + unrated + "/playback",
        "{\"viewerId\": \"alice-kids\", \"maxRating\": \"PG\"}").statusCode()).isEqualTo(403);
    HttpResponse<String> granted = calls.admin("POST", "/api/titles/" + forKids + "/playback",
        "{\"viewerId\": \"alice-kids\", \"maxRating\": \"PG\"}");
    assertThat(granted.statusCode()).isEqualTo(200);
    assertThat(calls.send("GET", json(granted).get("masterUrl").asText(), null).statusCode()).isEqualTo(200);

    String minted = signer.sign(PlaybackClaims.builder().viewer("alice-kids").title(forAdults.toString())
        .maxRating(MaturityRating.PG).expiresAt(Instant.now().plusSeconds(600)).build());
    assertThat(calls.send("GET", "/titles/" + forAdults + "/master.m3u8?token=" + minted, null).statusCode())
        .as("a token minted elsewhere with a limit is refused by the origin too").isEqualTo(403);
  }

  @Test
  void aTokensCategoriesLimitItOnlyWhereTheDeploymentTurnsCategoryAccessOn() throws Exception {
    UUID sports = published("Final", "", m -> m.withCategories(List.of("sports")));
    UUID drama = published("Play", "", m -> m.withCategories(List.of("drama")));
    String sportsOnly = signer.sign(PlaybackClaims.builder().viewer("fan").title(sports.toString())
        .categories(List.of("sports")).expiresAt(Instant.now().plusSeconds(600)).build());
    String dramaToken = signer.sign(PlaybackClaims.builder().viewer("fan").title(drama.toString())
        .categories(List.of("sports")).expiresAt(Instant.now().plusSeconds(600)).build());

    assertThat(ids(json(calls.send("GET", "/api/catalog", null, "Authorization", "Bearer " + sportsOnly))))
        .as("off by default: the claim is ignored").hasSize(2);
    assertThat(calls.send("GET", "/titles/" + drama + "/master.m3u8?token=" + dramaToken, null).statusCode())
        .isEqualTo(200);

    ManagementApi api = ManagementApi.builder().store(store).dataDirectory(dataDirectory).tokenSigner(signer).build();
    try (OriginServer enforcing = OriginServer.builder().dataDirectory(dataDirectory).host("127.0.0.1").port(0)
        .ioThreads(1).tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build()).adminKey(ADMIN_KEY)
        .store(store).managementApi(api).categoryAccess(true).build().start()) {
      String base = "http://127.0.0.1:" + enforcing.port();
      assertThat(ids(json(calls.send("GET", base + "/api/catalog", null, "Authorization", "Bearer " + sportsOnly))))
          .containsExactly(sports.toString());
      assertThat(calls.send("GET", base + "/titles/" + drama + "/master.m3u8?token=" + dramaToken, null).statusCode())
          .isEqualTo(403);
      assertThat(calls.send("GET", base + "/titles/" + sports + "/master.m3u8?token=" + sportsOnly, null).statusCode())
          .isEqualTo(200);
      HttpResponse<String> refused = calls.send("POST", base + "/api/titles/" + drama + "/playback",
          "{\"viewerId\": \"fan\", \"categories\": [\"sports\"]}", "Authorization", "Bearer " + ADMIN_KEY);
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(json(refused).get("error").asText()).isEqualTo("outside_categories");
    }
  }

  // ---- helpers

  private void assertBadRequest(UUID id, String body, String named) throws Exception {
    HttpResponse<String> response = calls.admin("PATCH", "/api/titles/" + id, body);
    assertThat(response.statusCode()).as(body).isEqualTo(400);
    assertThat(json(response).get("message").asText()).as(body).contains(named);
  }

  private void window(UUID id, Instant from, Instant until) throws Exception {
    HttpResponse<String> response = calls.admin("PATCH", "/api/titles/" + id, "{\"availableFrom\": "
        + (from == null ? "null" : "\"" + from + "\"") + ", \"availableUntil\": "
        + (until == null ? "null" : "\"" + until + "\"") + "}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  /** A published title with a one-variant master playlist in the data directory, so the origin can serve it. */
  UUID published(String name, String description) throws Exception {
    return published(name, description, UnaryOperator.identity());
  }

  UUID published(String name, String description, UnaryOperator<TitleMetadata> metadata) throws Exception {
    UUID id = store.catalog().create(name, description).id();
    store.catalog().editMetadata(id, null, metadata);
    for (TitleStatus next : List.of(TitleStatus.PROCESSING, TitleStatus.READY, TitleStatus.PUBLISHED)) {
      store.catalog().transition(id, next);
    }
    Path title = Files.createDirectories(dataDirectory.resolve("titles").resolve(id.toString()));
    Files.writeString(title.resolve("master.m3u8"), """
        #EXTM3U
        #EXT-X-VERSION:7
        #EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=320x180,CODECS="avc1.64000d"
        v0/index.m3u8
        """);
    return id;
  }

  String token(String viewer, UUID title) {
    return signer.sign(PlaybackClaims.builder().viewer(viewer).title(title.toString())
        .expiresAt(Instant.now().plusSeconds(600)).build());
  }

  static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.get("items").forEach(item -> ids.add(item.get("id").asText()));
    return ids;
  }

  static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }
}
