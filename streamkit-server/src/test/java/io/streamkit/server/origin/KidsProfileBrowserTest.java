package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.server.StreamkitPlatform;
import io.streamkit.server.TestVideos;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A kids profile in a real browser never meets an adult title, wherever the pages could show one. Four short titles
 * in one category, all named "Dragon …" so one search matches them all: two for children, one adult title that
 * everyone else watched (so it is popular and co-watched with the children's titles) and one the account's grown-up
 * profile stopped halfway through. Signed in with the kids profile's token, every browse row, the search results,
 * the recommendations, the adult title's page opened by its address, and its player page, master playlist and a
 * segment (with a token the application minted for the kids profile and that title) show or play nothing adult;
 * the same pages signed in with the grown-up's profile show and play the adult titles.
 */
class KidsProfileBrowserTest {

  static final String ADMIN_KEY = "kids-profile-test-admin-key-0123456789";
  static final byte[] SECRET = "kids-profile-test-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);
  static final Ladder LADDER = new Ladder("kids-test", List.of(Rung.of(180, 300)));
  static final int SOURCE_SECONDS = 4;
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  @TempDir Path data;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private String base;
  private ApiCalls calls;

  @Test
  void aKidsProfileSeesNoAdultTitleOnAnyPageAndTheGrownUpsProfileDoes() throws Exception {
    HeadlessChromium.assumeInstalled();
    try (StreamkitPlatform platform = StreamkitPlatform.builder().dataDirectory(data).hs256Secret(SECRET)
        .adminKey(ADMIN_KEY).workers(1).ladder(LADDER).preset("ultrafast")
        .recommendationPeriod(Duration.ofSeconds(1)).managementApi(api -> api.viewerGrants(true))
        .origin(o -> o.host("127.0.0.1").port(0)).build().start();
        HeadlessChromium chromium = HeadlessChromium.start()) {
      base = "http://127.0.0.1:" + platform.port();
      calls = new ApiCalls(platform::port, ADMIN_KEY);
      String friends = publish("Dragon Friends", "A little dragon makes friends.", "[\"adventure\"]", "G");
      String puppets = publish("Dragon Puppets", "Dragon puppets sing songs.", "[\"adventure\"]", "PG");
      String slayer = publish("Dragon Slayer", "A bloody hunt for the last dragon.", "[\"adventure\",\"horror\"]",
          "R");
      String night = publish("Dragon Night", "A dragon hunts by night.", "[\"adventure\",\"horror\"]", "NC-17");
      List<String> children = List.of(friends, puppets);
      List<String> adult = List.of(slayer, night);

      String parent = grant(friends, "parent", null);
      String kidsId = profile(parent, "{\"name\": \"Kids\", \"maxRating\": \"PG\"}");
      String grownUpId = profile(parent, "{\"name\": \"Pat\"}");
      String kids = exchange(parent, kidsId);
      String grownUp = exchange(parent, grownUpId);

      // Both profiles watched Dragon Friends; the grown-up stopped halfway through Dragon Night; other viewers
      // watched every title but Dragon Night, and two more watched Dragon Slayer, the most popular title.
      heartbeat(kids, friends, SOURCE_SECONDS - 1);
      heartbeat(grownUp, friends, SOURCE_SECONDS - 1);
      heartbeat(grant(night, "parent", grownUpId), night, SOURCE_SECONDS / 2.0);
      for (String other : List.of("ann", "ben", "cat")) {
        for (String title : List.of(friends, puppets, slayer)) {
          heartbeat(grant(title, other, null), title, SOURCE_SECONDS - 1);
        }
      }
      for (String other : List.of("dan", "eve")) {
        heartbeat(grant(slayer, other, null), slayer, SOURCE_SECONDS - 1);
      }
      awaitRecommendations(grownUp, slayer);

      // The recommendations as the API gives them, "for you" included, which the page does not show.
      JsonNode forKids = api("/api/recommendations", kids);
      assertThat(recommendedIds(forKids)).as(forKids.toString()).contains(puppets).doesNotContainAnyElementsOf(adult);
      assertThat(recommendedIds(api("/api/recommendations", grownUp))).contains(slayer);

      // Every row of the kids' browse page.
      chromium.driver.get(base + "/browse?token=" + kids);
      WebDriverWait wait = new WebDriverWait(chromium.driver, Duration.ofSeconds(20));
      wait.withMessage(() -> "no rows for the kids profile: " + text(chromium, "message"))
          .until(d -> !d.findElements(By.cssSelector("#row-category-adventure .poster-card")).isEmpty());
      assertThat(cardIds(chromium, "#row-category-adventure")).containsExactlyInAnyOrderElementsOf(children);
      assertThat(heading(chromium, "#row-because-0")).isEqualTo("Because you watched Dragon Friends");
      assertThat(cardIds(chromium, "#row-because-0")).containsExactly(puppets);
      assertThat(cardIds(chromium, "#row-popular")).containsExactly(puppets);
      assertThat(chromium.driver.findElements(By.id("row-category-horror"))).as("a category of adult titles only")
          .isEmpty();
      assertThat(shownTitleIds(chromium)).isNotEmpty().isSubsetOf(children);
      assertNothingAdultOnThePage(chromium, adult);
      chromium.screenshot(SCREENSHOTS.resolve("kids-browse.png"));

      // The search box.
      chromium.driver.findElement(By.id("search")).sendKeys("dragon");
      wait.withMessage(() -> "no search results: " + text(chromium, "search-status"))
          .until(d -> d.findElement(By.id("search-results")).isDisplayed()
              && cardIds(chromium, "#search-results").size() == 2);
      assertThat(cardIds(chromium, "#search-results")).containsExactlyInAnyOrderElementsOf(children);
      assertThat(text(chromium, "search-status")).isEqualTo("2 titles match “dragon”.");
      assertNothingAdultOnThePage(chromium, adult);

      // The adult title's page, opened by its address: a refusal, not a broken page.
      chromium.driver.get(base + "/browse/title/" + slayer);
      wait.withMessage("the title page refuses")
          .until(d -> !text(chromium, "message").isEmpty());
      assertThat(text(chromium, "message")).isEqualTo("This title is not available to you.");
      assertThat(chromium.driver.findElement(By.id("message")).getDomAttribute("class")).contains("error");
      assertThat(chromium.driver.findElement(By.id("title-view")).isDisplayed()).isFalse();
      assertThat(chromium.driver.getTitle()).isEqualTo("Not available · StreamKit");
      assertNothingAdultOnThePage(chromium, adult);
      chromium.screenshot(SCREENSHOTS.resolve("kids-refused-title.png"));

      // Playback: the page cannot exchange the kids token for the adult title, nor the application sign one...
      assertThat(post("/api/catalog/" + slayer + "/playback", kids).statusCode()).isEqualTo(404);
      HttpResponse<String> signed = send(HttpRequest.newBuilder(uri("/api/titles/" + slayer + "/playback"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"viewerId\": \"parent\", \"profileId\": \"" + kidsId
              + "\"}")));
      assertThat(signed.statusCode()).as(signed.body()).isEqualTo(403);
      // ...and a token the application minted for the kids profile without its limit opens nothing at the origin.
      String minted = PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().viewer("parent").title(slayer)
          .profile(UUID.fromString(kidsId)).expiresAt(Instant.now().plusSeconds(600)).build());
      String grownUpSlayer = grant(slayer, "parent", grownUpId);
      URI segment = firstSegment(slayer, grownUpSlayer);
      assertThat(get("/titles/" + slayer + "/master.m3u8?token=" + minted).statusCode()).isEqualTo(403);
      assertThat(get(segment.getPath() + "?token=" + minted).statusCode()).isEqualTo(403);
      assertThat(get(segment.getPath() + "?token=" + grownUpSlayer).statusCode()).as("the same segment, grown-up")
          .isEqualTo(200);
      chromium.driver.get(base + "/play/" + slayer + "?token=" + minted);
      PlayerPage refused = new PlayerPage(chromium);
      wait.withMessage("the player refuses").until(d -> !refused.message().isEmpty());
      assertThat(refused.message()).isEqualTo("This playback link is not valid for this title any more;"
          + " ask for a new one.");
      assertThat(text(chromium, "title-text")).doesNotContain("Dragon");
      assertThat(refused.currentTime()).isZero();
      assertNothingAdultOnThePage(chromium, adult);

      // The same pages for the grown-up's profile show the adult titles, so the checks above can fail.
      chromium.driver.get(base + "/browse?token=" + grownUp);
      wait.withMessage(() -> "no rows for the grown-up's profile: " + text(chromium, "message"))
          .until(d -> !d.findElements(By.cssSelector("#row-category-horror .poster-card")).isEmpty());
      assertThat(cardIds(chromium, "#row-continue")).contains(night);
      assertThat(cardIds(chromium, "#row-because-0")).contains(slayer);
      assertThat(cardIds(chromium, "#row-popular")).contains(slayer);
      assertThat(cardIds(chromium, "#row-category-adventure")).containsExactlyInAnyOrder(friends, puppets, slayer,
          night);
      assertThat(cardIds(chromium, "#row-category-horror")).containsExactlyInAnyOrder(slayer, night);
      chromium.driver.findElement(By.id("search")).sendKeys("dragon");
      wait.until(d -> cardIds(chromium, "#search-results").size() == 4);
      assertThat(text(chromium, "search-status")).isEqualTo("4 titles match “dragon”.");
      chromium.screenshot(SCREENSHOTS.resolve("grown-up-browse.png"));

      chromium.driver.get(base + "/browse/title/" + slayer);
      wait.until(d -> d.findElement(By.id("title-view")).isDisplayed());
      assertThat(text(chromium, "title-name")).isEqualTo("Dragon Slayer");
      chromium.driver.findElement(By.id("play")).click();
      wait.until(d -> d.getCurrentUrl().startsWith(base + "/play/" + slayer + "?token="));
      new PlayerPage(chromium).awaitCurrentTimeAbove(1.0, Duration.ofSeconds(30));
      assertThat(text(chromium, "title-text")).isEqualTo("Dragon Slayer");
    }
  }

  /** Uploads a short test video, waits for its transcode, describes it and publishes it; returns its id. */
  private String publish(String name, String description, String categories, String rating) throws Exception {
    Path source = Files.createDirectories(data.resolve("source")).resolve(name + ".mp4");
    TestVideos.make(source, SOURCE_SECONDS, 320, 180);
    return calls.publishTitle(source, name, Map.of("description", description, "maturityRating", rating,
        "categories", json.readTree(categories)));
  }

  /** A viewer token for one title (and one of the viewer's profiles), as the application signs it. */
  private String grant(String titleId, String viewer, String profileId) throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/titles/" + titleId + "/playback"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"viewerId\":\"" + viewer + "\""
            + (profileId == null ? "" : ",\"profileId\":\"" + profileId + "\"") + "}")));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json.readTree(response.body()).get("token").asText();
  }

  private String profile(String token, String body) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/profiles"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return json.readTree(response.body()).get("id").asText();
  }

  private String exchange(String token, String profileId) throws Exception {
    HttpResponse<String> response = post("/api/profiles/" + profileId + "/token", token);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json.readTree(response.body()).get("token").asText();
  }

  private void heartbeat(String token, String titleId, double positionSeconds) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/progress/" + titleId))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"positionSeconds\":" + positionSeconds + ",\"durationSeconds\":"
            + SOURCE_SECONDS + ",\"clientTime\":\"" + Instant.now() + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
  }

  /** Waits until the periodic recomputation recommends {@code titleId} to the viewer of {@code token}. */
  private void awaitRecommendations(String token, String titleId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = api("/api/recommendations", token);
      if (last.get("becauseYouWatched").size() > 0 && recommendedIds(last).contains(titleId)) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("recommendations never came within 30 s; last answer: " + last);
  }

  /** The first media segment of the title's first variant, read through playlists opened with {@code token}. */
  private URI firstSegment(String titleId, String token) throws Exception {
    URI master = uri("/titles/" + titleId + "/master.m3u8?token=" + token);
    URI media = master.resolve(firstUri(master));
    return media.resolve(firstUri(media));
  }

  private String firstUri(URI playlist) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(playlist).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body().lines().filter(line -> !line.isBlank() && !line.startsWith("#")).findFirst()
        .orElseThrow(() -> new AssertionError("no URI in " + playlist.getPath() + ":\n" + response.body()));
  }

  private static List<String> recommendedIds(JsonNode recommendations) {
    List<String> ids = new ArrayList<>();
    recommendations.get("forYou").forEach(card -> ids.add(card.get("titleId").asText()));
    recommendations.get("popular").forEach(card -> ids.add(card.get("titleId").asText()));
    recommendations.get("becauseYouWatched").forEach(row -> {
      ids.add(row.get("titleId").asText());
      row.get("titles").forEach(card -> ids.add(card.get("titleId").asText()));
    });
    return ids;
  }

  /** No adult title's name in the page's text or title, and no adult title's id in a link, image or card. */
  private static void assertNothingAdultOnThePage(HeadlessChromium chromium, List<String> adult) {
    String text = (String) chromium.script("return document.title + '\\n' + document.body.innerText");
    assertThat(text).doesNotContain("Slayer", "Night");
    String markup = (String) chromium.script("return document.documentElement.outerHTML");
    for (String id : adult) {
      assertThat(markup).as("the page's markup").doesNotContain(id);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> shownTitleIds(HeadlessChromium chromium) {
    return (List<String>) chromium.script("return Array.from(document.querySelectorAll('.poster-card'))"
        + ".map(a => a.dataset.titleId)");
  }

  @SuppressWarnings("unchecked")
  private static List<String> cardIds(HeadlessChromium chromium, String row) {
    return (List<String>) chromium.script("return Array.from(document.querySelectorAll(arguments[0]"
        + " + ' .poster-card')).map(a => a.dataset.titleId)", row);
  }

  private static String heading(HeadlessChromium chromium, String row) {
    return chromium.driver.findElement(By.cssSelector(row + " h2")).getText();
  }

  private static String text(HeadlessChromium chromium, String id) {
    return chromium.driver.findElement(By.id(id)).getText();
  }

  private JsonNode api(String path, String token) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return json.readTree(response.body());
  }

  private HttpResponse<String> post(String path, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.header("Authorization", "Bearer " + ADMIN_KEY).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }
}
