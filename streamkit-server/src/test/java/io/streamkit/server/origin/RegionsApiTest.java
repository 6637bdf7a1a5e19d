package io.streamkit.server.origin;

import static io.streamkit.server.origin.ApiCalls.bearer;
import static io.streamkit.server.origin.ApiCalls.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamkit.core.progress.WatchProgress;
import io.streamkit.core.recommend.Recommender;
import io.streamkit.core.store.StreamkitStore;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Titles' regions enforced over real sockets, against an origin with an H2 store (subclassed for PostgreSQL) that
 * trusts a CDN's {@code CF-IPCountry} header: a title listed for Germany only is hidden from the catalog, search,
 * continue watching and recommendations of a viewer known to be elsewhere, no token is signed for it, and the origin
 * refuses tokens for it; a viewer in Germany sees and plays it. Where a country is required, a viewer with none known
 * sees only titles listed everywhere.
 */
class RegionsApiTest {

  private static final byte[] SECRET = "regions-api-test-secret-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8);
  private static final String ADMIN_KEY = "admin-key-for-the-regions-api-test";
  private static final String COUNTRY_HEADER = "CF-IPCountry";

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

  private void start(boolean countryRequired) throws Exception {
    store = openStore();
    ManagementApi api = ManagementApi.builder().store(store).dataDirectory(dataDirectory).tokenSigner(signer)
        .viewerGrants(true).build();
    origin = OriginServer.builder().dataDirectory(dataDirectory).host("127.0.0.1").port(0).ioThreads(2)
        .tokenVerifier(verifier).adminKey(ADMIN_KEY).store(store).managementApi(api)
        .viewerCountryHeader(COUNTRY_HEADER).requireViewerCountry(countryRequired).build().start();
  }

  @AfterEach
  void stop() throws Exception {
    if (origin != null) {
      origin.close();
    }
    if (store != null) {
      store.close();
      dropStore();
    }
  }

  @Test
  void aTitleListedForGermanyIsHiddenUnsignedAndRefusedElsewhereAndPlaysInGermany() throws Exception {
    start(false);
    UUID everywhere = published("Everywhere", List.of());
    UUID german = published("Heimat", List.of("DE"));
    String inGermany = token("vera", everywhere, "de");
    String inUs = token("uma", everywhere, "US");
    String unplaced = token("nia", everywhere, null);

    // Catalog search, by the token's country, the CDN's, or both.
    assertThat(ids(catalog(inUs, null))).containsExactly(everywhere.toString());
    assertThat(ids(catalog(inGermany, null))).containsExactlyInAnyOrder(everywhere.toString(), german.toString());
    assertThat(ids(catalog(unplaced, null))).as("nothing says where: regions are not checked").hasSize(2);
    assertThat(ids(catalog(null, "US"))).as("the storefront, placed by the CDN")
        .containsExactly(everywhere.toString());
    assertThat(ids(catalog(null, "DE"))).hasSize(2);
    assertThat(ids(catalog(unplaced, "us"))).containsExactly(everywhere.toString());
    assertThat(ids(catalog(inGermany, "US"))).as("a token's country and the CDN's must both be listed")
        .containsExactly(everywhere.toString());
    assertThat(ids(catalog(inUs, "DE"))).as("a header cannot widen what a token's country allows")
        .containsExactly(everywhere.toString());
    assertThat(ids(catalog(inGermany, "XX"))).as("Cloudflare's no-country is no country").hasSize(2);
    assertThat(calls.send("GET", "/api/catalog/" + german, null, bearer(inUs)).statusCode()).isEqualTo(404);
    assertThat(calls.send("GET", "/api/catalog/" + german, null, bearer(inGermany)).statusCode()).isEqualTo(200);

    // Tokens: the application's request names the viewer's country; none is signed for a title not listed there.
    HttpResponse<String> refused = calls.admin("POST", "/api/titles/" + german + "/playback",
        "{\"viewerId\": \"uma\", \"country\": \"us\"}");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(json(refused).get("error").asText()).isEqualTo("outside_region");
    assertThat(json(refused).get("message").asText()).isEqualTo("title " + german + " is available only in [DE],"
        + " not in this viewer's [US]; no token is signed for it");
    HttpResponse<String> badCountry = calls.admin("POST", "/api/titles/" + german + "/playback",
        "{\"viewerId\": \"uma\", \"country\": \"Deutschland\"}");
    assertThat(badCountry.statusCode()).isEqualTo(400);
    assertThat(json(badCountry).get("message").asText()).contains("country").contains("Deutschland")
        .contains("alpha-2").doesNotContain("\n");
    HttpResponse<String> signed = calls.admin("POST", "/api/titles/" + german + "/playback",
        "{\"viewerId\": \"vera\", \"country\": \"DE\"}");
    assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
    String veraHeimat = json(signed).get("token").asText();
    assertThat(verifier.verify(veraHeimat).country()).hasValue("DE");

    // A browse page's exchange keeps the country and is refused like the catalog's listing.
    assertThat(calls.send("POST", "/api/catalog/" + german + "/playback", null, bearer(inUs)).statusCode())
        .isEqualTo(404);
    assertThat(calls.send("POST", "/api/catalog/" + german + "/playback", null, "Authorization",
        "Bearer " + inGermany, COUNTRY_HEADER, "FR")
        .statusCode()).as("placed in France by the CDN").isEqualTo(404);
    HttpResponse<String> exchanged = calls.send("POST", "/api/catalog/" + german + "/playback", null,
        bearer(inGermany));
    assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
    assertThat(verifier.verify(json(exchanged).get("token").asText()).country()).hasValue("DE");

    // The origin: master playlist, segment and poster, for tokens already issued.
    String umaHeimat = token("uma", german, "US");
    for (String path : List.of("master.m3u8", "v0/index.m3u8", "v0/seg0.m4s")) {
      String url = "/titles/" + german + "/" + path + "?token=";
      assertThat(calls.send("GET", url + umaHeimat, null).statusCode()).as(path + " in the US").isEqualTo(403);
      assertThat(calls.send("GET", url + veraHeimat, null).statusCode()).as(path + " in Germany").isEqualTo(200);
      assertThat(calls.send("GET", url + veraHeimat, null, COUNTRY_HEADER, "US").statusCode())
          .as(path + " with a German token, placed in the US by the CDN").isEqualTo(403);
      assertThat(calls.send("GET", url + token("nia", german, null), null).statusCode())
          .as(path + " for a viewer with no country known").isEqualTo(200);
    }
    HttpResponse<String> originRefusal = calls.send("GET", "/titles/" + german + "/master.m3u8?token=" + umaHeimat,
        null);
    assertThat(json(originRefusal).get("error").asText()).isEqualTo("forbidden");
    assertThat(calls.send("GET", "/titles/" + german + "/poster.jpg", null, COUNTRY_HEADER, "US").statusCode())
        .isEqualTo(403);
    assertThat(calls.send("GET", "/titles/" + german + "/poster.jpg", null, COUNTRY_HEADER, "DE").statusCode())
        .isEqualTo(200);
    HttpResponse<String> progress = calls.send("PUT", "/api/progress/" + german, "{\"positionSeconds\": 10,"
        + " \"durationSeconds\": 3000}", bearer(umaHeimat));
    assertThat(progress.statusCode()).isEqualTo(403);
    assertThat(json(progress).get("error").asText()).isEqualTo(OriginMetrics.TITLE_OUTSIDE_REGION);

    // Continue watching and recommendations: started or popular in Germany is not shown in the US.
    Instant now = Instant.now();
    for (String viewer : List.of("uma", "vera")) {
      store.progress().upsert(WatchProgress.ofSeconds(viewer, german, 30, 3_000, now.minusSeconds(5)));
      store.progress().upsert(WatchProgress.ofSeconds(viewer, everywhere, 3_000, 3_000, now.minusSeconds(60)));
    }
    for (int v = 0; v < 3; v++) {
      for (UUID title : List.of(everywhere, german)) {
        store.progress().upsert(WatchProgress.ofSeconds("family-" + v, title, 3_000, 3_000, now.minusSeconds(60)));
      }
    }
    assertThat(names(json(calls.send("GET", "/api/continue-watching", null, bearer(inUs))).get("items"))).isEmpty();
    assertThat(names(json(calls.send("GET", "/api/continue-watching", null, bearer(inGermany))).get("items")))
        .containsExactly("Heimat");
    Recommender.builder(store).build().recompute();
    store.progress().upsert(WatchProgress.ofSeconds("newcomer", everywhere, 3_000, 3_000, now.minusSeconds(1)));
    assertThat(recommended(token("newcomer", everywhere, "US"))).isEmpty();
    assertThat(recommended(token("newcomer", everywhere, "DE"))).contains("Heimat");
  }

  @Test
  void whereACountryIsRequiredAViewerWithNoneKnownSeesAndPlaysOnlyTitlesListedEverywhere() throws Exception {
    start(true);
    UUID everywhere = published("Everywhere", List.of());
    UUID german = published("Heimat", List.of("DE"));
    String unplaced = token("nia", everywhere, null);

    assertThat(ids(catalog(unplaced, null))).containsExactly(everywhere.toString());
    assertThat(ids(catalog(null, null))).containsExactly(everywhere.toString());
    assertThat(ids(catalog(unplaced, "DE"))).as("the CDN's country will do").hasSize(2);
    HttpResponse<String> refused = calls.admin("POST", "/api/titles/" + german + "/playback",
        "{\"viewerId\": \"nia\"}");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(json(refused).get("message").asText()).isEqualTo("title " + german + " is available only in [DE]"
        + " and this origin requires the viewer's country; set country in the request; no token is signed for it");
    assertThat(calls.admin("POST", "/api/titles/" + everywhere + "/playback", "{\"viewerId\": \"nia\"}").statusCode())
        .isEqualTo(200);
    String niaHeimat = token("nia", german, null);
    assertThat(calls.send("GET", "/titles/" + german + "/master.m3u8?token=" + niaHeimat, null).statusCode())
        .isEqualTo(403);
    assertThat(calls.send("GET", "/titles/" + german + "/master.m3u8?token=" + niaHeimat, null, COUNTRY_HEADER, "DE")
        .statusCode()).isEqualTo(200);
    assertThat(calls.send("GET", "/titles/" + german + "/master.m3u8?token=" + niaHeimat, null, COUNTRY_HEADER, "T1")
        .statusCode()).as("Cloudflare's Tor exit is no country").isEqualTo(403);
  }

  @Test
  void aCountryHeaderThatIsNotAnHttpHeaderNameIsRefusedAtOnce() {
    assertThatThrownBy(() -> OriginServer.builder().viewerCountryHeader("CF IP"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("viewerCountryHeader")
        .hasMessageContaining("CF IP").hasMessageContaining("CloudFront-Viewer-Country");
    assertThatThrownBy(() -> OriginServer.builder().dataDirectory(dataDirectory)
        .withoutTokens().requireViewerCountry(true).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("store(...)");
  }

  // ---- helpers

  /** A published title with a one-variant HLS title and a poster in the data directory, so the origin serves it. */
  private UUID published(String name, List<String> regions) throws Exception {
    UUID id = store.catalog().create(name, "").id();
    store.catalog().editMetadata(id, null, m -> m.withRegions(regions));
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
    Path variant = Files.createDirectories(title.resolve("v0"));
    Files.writeString(variant.resolve("index.m3u8"), """
        #EXTM3U
        #EXT-X-VERSION:7
        #EXT-X-TARGETDURATION:4
        #EXT-X-PLAYLIST-TYPE:VOD
        #EXTINF:4.0,
        seg0.m4s
        #EXT-X-ENDLIST
        """);
    Files.write(variant.resolve("seg0.m4s"), new byte[] {0, 0, 0, 8, 'm', 'o', 'o', 'f'});
    Files.write(title.resolve("poster.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9});
    return id;
  }

  /** A token as an application that knows its viewer's country (or not, with {@code null}) mints it. */
  private String token(String viewer, UUID title, String country) {
    return signer.sign(PlaybackClaims.builder().viewer(viewer).title(title.toString()).country(country)
        .expiresAt(Instant.now().plusSeconds(600)).build());
  }

  private JsonNode catalog(String token, String headerCountry) throws Exception {
    List<String> headers = new ArrayList<>();
    if (token != null) {
      headers.addAll(List.of(bearer(token)));
    }
    if (headerCountry != null) {
      headers.addAll(List.of(COUNTRY_HEADER, headerCountry));
    }
    HttpResponse<String> response = calls.send("GET", "/api/catalog", null, headers.toArray(String[]::new));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
  }

  private List<String> recommended(String token) throws Exception {
    JsonNode answer = json(calls.send("GET", "/api/recommendations", null, bearer(token)));
    List<String> names = new ArrayList<>(names(answer.get("forYou")));
    names.addAll(names(answer.get("popular")));
    answer.get("becauseYouWatched").forEach(row -> names.addAll(names(row.get("titles"))));
    return names;
  }

  private static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.get("items").forEach(item -> ids.add(item.get("id").asText()));
    return ids;
  }

  private static List<String> names(JsonNode items) {
    List<String> names = new ArrayList<>();
    items.forEach(item -> names.add(item.has("name") ? item.get("name").asText() : item.get("titleId").asText()));
    return names;
  }
}
