package io.streamkit.server.origin;

import static io.streamkit.server.origin.ApiCalls.bearer;
import static io.streamkit.server.origin.ApiCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamkit.core.progress.WatchProgress;
import io.streamkit.core.recommend.Recommender;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.MaturityRating;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Viewer profiles with parental controls over real sockets, against an origin with an H2 store (subclassed for
 * PostgreSQL): a kids profile never sees, gets a token for or plays a title above its rating; a grown-up's profile
 * does; each profile has its own progress.
 */
class ProfilesApiTest {

  private static final byte[] SECRET = "profiles-api-test-secret-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8);
  private static final String ADMIN_KEY = "admin-key-for-the-profiles-api-test";

  @TempDir
  Path dataDirectory;

  StreamkitStore store;
  private OriginServer origin;
  private final PlaybackTokenSigner signer = PlaybackTokenSigner.hs256(SECRET);
  private final PlaybackTokenVerifier verifier = PlaybackTokenVerifier.builder().hs256(SECRET).build();
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
    ManagementApi api = ManagementApi.builder().store(store).dataDirectory(dataDirectory).tokenSigner(signer)
        .viewerGrants(true).build();
    origin = OriginServer.builder().dataDirectory(dataDirectory).host("127.0.0.1").port(0).ioThreads(2)
        .tokenVerifier(verifier).adminKey(ADMIN_KEY).store(store).managementApi(api).build().start();
  }

  @AfterEach
  void stop() throws Exception {
    origin.close();
    store.close();
    dropStore();
  }

  @Test
  void aKidsProfileNeverSeesGetsOrPlaysAnAdultTitleAndAGrownUpsProfileDoes() throws Exception {
    UUID cartoon = published("Cartoon", MaturityRating.G);
    UUID puppets = published("Puppets", MaturityRating.G);
    UUID thriller = published("Thriller", MaturityRating.R);
    String parent = token("parent", cartoon);

    String kidsId = json(created(calls.send("POST", "/api/profiles", "{\"name\": \"Kids\", \"maxRating\": \"G\"}",
        bearer(parent)))).get("id").asText();
    String grownUpId = json(created(calls.send("POST", "/api/profiles", "{\"name\": \"Pat\"}", bearer(parent))))
        .get("id").asText();
    JsonNode listed = json(calls.send("GET", "/api/profiles", null, bearer(parent)));
    assertThat(texts(listed.get("items"), "name")).containsExactly("Kids", "Pat");
    assertThat(texts(listed.get("items"), "maxRating")).containsExactly("G", "null");

    String kids = exchange(parent, kidsId);
    String grownUp = exchange(parent, grownUpId);
    PlaybackClaims kidsClaims = verifier.verify(kids);
    assertThat(kidsClaims.maxRating()).contains(MaturityRating.G);
    assertThat(kidsClaims.profile()).contains(UUID.fromString(kidsId));
    assertThat(kidsClaims.expiresAt()).as("an exchanged token never outlives the one presented")
        .isEqualTo(verifier.verify(parent).expiresAt());

    // Catalog search.
    assertThat(ids(json(calls.send("GET", "/api/catalog", null, bearer(kids)))))
        .containsExactlyInAnyOrder(cartoon.toString(), puppets.toString());
    assertThat(ids(json(calls.send("GET", "/api/catalog", null, bearer(grownUp))))).contains(thriller.toString());

    // Playback tokens: the stricter of the request and the profile wins, and nothing is signed above it.
    HttpResponse<String> refused = calls.admin("POST", "/api/titles/" + thriller + "/playback",
        "{\"viewerId\": \"parent\", \"profileId\": \"" + kidsId + "\", \"maxRating\": \"NC-17\"}");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(json(refused).get("message").asText()).contains("rated R").contains("limit G");
    HttpResponse<String> exchangeRefused = calls.send("POST", "/api/profiles/" + kidsId + "/token", null,
        bearer(token("parent", thriller)));
    assertThat(exchangeRefused.statusCode()).isEqualTo(403);
    assertThat(json(exchangeRefused).get("error").asText()).isEqualTo("above_maturity");
    assertThat(calls.admin("POST", "/api/titles/" + thriller + "/playback", "{\"viewerId\": \"stranger\","
        + " \"profileId\": \"" + grownUpId + "\"}").statusCode()).as("another viewer's profile").isEqualTo(404);
    HttpResponse<String> adultGrant = calls.admin("POST", "/api/titles/" + thriller + "/playback",
        "{\"viewerId\": \"parent\", \"profileId\": \"" + grownUpId + "\"}");
    assertThat(adultGrant.statusCode()).as(adultGrant.body()).isEqualTo(200);
    String grownUpThriller = json(adultGrant).get("token").asText();

    // A browse page's exchange of the profile's token for another title's stays the profile's.
    assertThat(calls.send("POST", "/api/catalog/" + thriller + "/playback", null, bearer(kids)).statusCode())
        .isEqualTo(404);
    assertThat(calls.send("GET", "/api/catalog/" + thriller, null, bearer(kids)).statusCode()).isEqualTo(404);
    HttpResponse<String> browsed = calls.send("POST", "/api/catalog/" + puppets + "/playback", null, bearer(kids));
    assertThat(browsed.statusCode()).as(browsed.body()).isEqualTo(200);
    PlaybackClaims browsedClaims = verifier.verify(json(browsed).get("token").asText());
    assertThat(browsedClaims.profile()).contains(UUID.fromString(kidsId));
    assertThat(browsedClaims.maxRating()).contains(MaturityRating.G);

    // Media at the origin, even with a token minted without the profile's limit.
    String forged = signer.sign(PlaybackClaims.builder().viewer("parent").title(thriller.toString())
        .profile(UUID.fromString(kidsId)).expiresAt(Instant.now().plusSeconds(600)).build());
    assertThat(calls.send("GET", "/titles/" + thriller + "/master.m3u8?token=" + forged, null).statusCode())
        .isEqualTo(403);
    assertThat(calls.send("GET", "/titles/" + thriller + "/master.m3u8?token=" + grownUpThriller, null).statusCode())
        .isEqualTo(200);
    assertThat(calls.send("GET", "/titles/" + cartoon + "/master.m3u8?token=" + kids, null).statusCode())
        .isEqualTo(200);
    String stolen = signer.sign(PlaybackClaims.builder().viewer("stranger").title(cartoon.toString())
        .profile(UUID.fromString(kidsId)).expiresAt(Instant.now().plusSeconds(600)).build());
    assertThat(calls.send("GET", "/titles/" + cartoon + "/master.m3u8?token=" + stolen, null).statusCode())
        .as("a profile works only with its own viewer").isEqualTo(403);

    // Progress is the profile's own; continue watching leaves out what the profile may not watch now.
    heartbeat(kids, cartoon, 60);
    heartbeat(grownUpThriller, thriller, 120);
    store.progress().upsert(WatchProgress.ofSeconds(kidsId, thriller, 30, 3_000, Instant.now().minusSeconds(5)));
    assertThat(texts(json(calls.send("GET", "/api/continue-watching", null, bearer(kids))).get("items"), "name"))
        .containsExactly("Cartoon");
    assertThat(texts(json(calls.send("GET", "/api/continue-watching", null, bearer(grownUp))).get("items"), "name"))
        .containsExactly("Thriller");
    assertThat(json(calls.send("GET", "/api/continue-watching", null, bearer(parent))).get("items"))
        .as("the account holder's own progress is apart from the profiles'").isEmpty();

    // Recommendations.
    for (int v = 0; v < 3; v++) {
      for (UUID title : List.of(cartoon, puppets, thriller)) {
        store.progress().upsert(WatchProgress.ofSeconds("family-" + v, title, 3_000, 3_000,
            Instant.now().minusSeconds(60)));
      }
    }
    Recommender.builder(store).build().recompute();
    JsonNode forKids = json(calls.send("GET", "/api/recommendations", null, bearer(kids)));
    assertThat(allNames(forKids)).contains("Puppets").doesNotContain("Thriller");
    JsonNode forGrownUp = json(calls.send("GET", "/api/recommendations", null, bearer(token("parent", puppets))));
    assertThat(allNames(forGrownUp)).contains("Thriller");

    // A kids profile's token cannot step up, nor change profiles.
    assertThat(json(calls.send("POST", "/api/profiles/" + grownUpId + "/token", null, bearer(kids))).get("error")
        .asText()).isEqualTo("profile_locked");
    assertThat(calls.send("DELETE", "/api/profiles/" + kidsId, null, bearer(kids)).statusCode()).isEqualTo(403);
    assertThat(calls.send("POST", "/api/profiles", "{\"name\": \"No limits\"}", bearer(kids)).statusCode())
        .isEqualTo(403);

    // Deleting the profile ends its tokens at once on this node.
    assertThat(calls.send("DELETE", "/api/profiles/" + kidsId, null, bearer(parent)).statusCode()).isEqualTo(204);
    assertThat(calls.send("GET", "/titles/" + cartoon + "/master.m3u8?token=" + kids, null).statusCode())
        .isEqualTo(403);
    assertThat(json(calls.send("GET", "/api/catalog", null, bearer(kids))).get("error").asText())
        .isEqualTo("profile_refused");
    assertThat(calls.send("DELETE", "/api/profiles/" + kidsId, null, bearer(parent)).statusCode()).isEqualTo(404);
  }

  @Test
  void badProfileRequestsAreRefusedWithOneLineSayingWhatToDo() throws Exception {
    UUID cartoon = published("Cartoon", MaturityRating.G);
    String parent = token("parent", cartoon);

    HttpResponse<String> badRating = calls.send("POST", "/api/profiles",
        "{\"name\": \"Kids\", \"maxRating\": \"PG13\"}", bearer(parent));
    assertThat(badRating.statusCode()).isEqualTo(400);
    assertThat(json(badRating).get("message").asText()).contains("maxRating").contains("PG-13");
    assertThat(json(calls.send("POST", "/api/profiles", "{}", bearer(parent))).get("message").asText())
        .contains("profile name");
    assertThat(calls.send("POST", "/api/profiles", "not json", bearer(parent)).statusCode()).isEqualTo(400);
    created(calls.send("POST", "/api/profiles", "{\"name\": \"Kids\"}", bearer(parent)));
    HttpResponse<String> taken = calls.send("POST", "/api/profiles", "{\"name\": \"Kids\"}", bearer(parent));
    assertThat(taken.statusCode()).isEqualTo(409);
    assertThat(json(taken).get("error").asText()).isEqualTo("profile_name_taken");
    assertThat(calls.send("GET", "/api/profiles", null).statusCode()).isEqualTo(401);
    assertThat(calls.send("PUT", "/api/profiles", "{}", bearer(parent)).statusCode()).isEqualTo(405);
    assertThat(calls.send("DELETE", "/api/profiles/not-a-uuid", null, bearer(parent)).statusCode()).isEqualTo(404);
    assertThat(json(calls.send("GET", "/api/profiles", null, bearer(token("someone-else", cartoon)))).get("items"))
        .as("one viewer never sees another's profiles").isEmpty();
  }

  // ---- helpers

  /** A published, rated title with a one-variant master playlist in the data directory, so the origin serves it. */
  private UUID published(String name, MaturityRating rating) throws Exception {
    UUID id = store.catalog().create(name, "").id();
    store.catalog().editMetadata(id, null, m -> m.withMaturityRating(rating));
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

  private String token(String viewer, UUID title) {
    return signer.sign(PlaybackClaims.builder().viewer(viewer).title(title.toString())
        .expiresAt(Instant.now().plusSeconds(600).truncatedTo(ChronoUnit.SECONDS)).build());
  }

  private String exchange(String token, String profileId) throws Exception {
    HttpResponse<String> response = calls.send("POST", "/api/profiles/" + profileId + "/token", null, bearer(token));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response).get("token").asText();
  }

  private void heartbeat(String token, UUID title, double positionSeconds) throws Exception {
    HttpResponse<String> response = calls.send("PUT", "/api/progress/" + title, "{\"positionSeconds\": "
        + positionSeconds + ", \"durationSeconds\": 3000}", bearer(token));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
  }

  private static HttpResponse<String> created(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return response;
  }

  private static List<String> ids(JsonNode page) {
    return texts(page.get("items"), "id");
  }

  private static List<String> texts(JsonNode items, String field) {
    List<String> texts = new ArrayList<>();
    items.forEach(item -> texts.add(item.get(field).asText()));
    return texts;
  }

  /** Every title name in a recommendations answer: for you, the rows (and what they were because of), popular. */
  private static List<String> allNames(JsonNode recommendations) {
    List<String> names = new ArrayList<>(texts(recommendations.get("forYou"), "name"));
    names.addAll(texts(recommendations.get("popular"), "name"));
    recommendations.get("becauseYouWatched").forEach(row -> {
      names.add(row.get("name").asText());
      names.addAll(texts(row.get("titles"), "name"));
    });
    return names;
  }
}
