package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The viewer's pages in a real browser: three short titles transcoded, described and published through the API; a
 * viewer signs in on the browse page with a playback token, searches as they type, opens a title from a category
 * row, plays it, comes back to find it under Continue watching with a progress bar, resumes near the saved position,
 * and, once other viewers' watching has been recomputed into recommendations, sees a "Because you watched" row; then
 * the same page on a phone-sized viewport, moved through with the keyboard. Screenshots go to
 * {@code target/screenshots/}.
 */
class BrowsePagesBrowserTest {

  static final String ADMIN_KEY = "browse-test-admin-key-0123456789";
  static final byte[] SECRET = "browse-test-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);
  static final Ladder LADDER = new Ladder("browse-test", List.of(Rung.of(180, 300)));
  static final int SOURCE_SECONDS = 8;
  static final double PAUSE_AT = 4.5;
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  @TempDir Path data;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private String base;
  private ApiCalls calls;

  @Test
  void browseSearchPlayContinueResumeAndRecommendationsOnDesktopAndPhone() throws Exception {
    HeadlessChromium.assumeInstalled();
    try (StreamkitPlatform platform = StreamkitPlatform.builder().dataDirectory(data).hs256Secret(SECRET)
        .adminKey(ADMIN_KEY).workers(1).ladder(LADDER).preset("ultrafast")
        .recommendationPeriod(Duration.ofSeconds(1)).managementApi(api -> api.viewerGrants(true))
        .origin(o -> o.host("127.0.0.1").port(0)).build().start();
        HeadlessChromium chromium = HeadlessChromium.start()) {
      base = "http://127.0.0.1:" + platform.port();
      calls = new ApiCalls(platform::port, ADMIN_KEY);
      String ocean = publish("Ocean Deep", "Whales and reefs of the open sea.", "[\"nature\",\"documentary\"]",
          2019, "G");
      String mountain = publish("Mountain High", "A climb above the clouds.", "[\"nature\"]", 2021, "PG");
      String city = publish("City Lights", "A night in the city that never sleeps.", "[\"drama\"]", 2023, "PG-13");
      String token = grant(ocean, "viv");

      // Sign in: the token is taken once and kept out of the address bar.
      chromium.driver.get(base + "/browse?token=" + token);
      WebDriverWait wait = new WebDriverWait(chromium.driver, Duration.ofSeconds(20));
      wait.withMessage(() -> "no category rows: " + text(chromium, "message"))
          .until(d -> !d.findElements(By.cssSelector("#row-category-drama .poster-card")).isEmpty());
      assertThat(chromium.driver.getCurrentUrl()).isEqualTo(base + "/browse");
      assertThat(cardIds(chromium, "#row-category-nature")).containsExactlyInAnyOrder(ocean, mountain);
      assertThat(cardIds(chromium, "#row-popular")).containsExactlyInAnyOrder(ocean, mountain, city);
      assertThat(heading(chromium, "#row-category-documentary")).isEqualTo("Documentary");
      assertThat(chromium.driver.findElements(By.id("row-continue"))).as("nothing started yet").isEmpty();
      wait.withMessage("posters are shown without a token of their own")
          .until(d -> (Boolean) chromium.script("return Array.from(document.querySelectorAll('.poster-art img'))"
              + ".every(i => i.complete && i.naturalWidth > 0)"));

      // Search as you type: a prefix of a word finds the title.
      chromium.driver.findElement(By.id("search")).sendKeys("whal");
      wait.withMessage(() -> "no search results: " + text(chromium, "search-status"))
          .until(d -> d.findElement(By.id("search-results")).isDisplayed()
              && cardIds(chromium, "#search-results").equals(List.of(ocean)));
      assertThat(text(chromium, "search-status")).isEqualTo("1 title matches “whal”.");
      chromium.screenshot(SCREENSHOTS.resolve("browse.png"));

      // A poster opens the title page, whose Play button opens the player.
      chromium.driver.findElement(By.cssSelector("#row-category-drama .poster-card[data-title-id='" + city + "']"))
          .click();
      wait.until(d -> d.findElement(By.id("title-view")).isDisplayed());
      assertThat(chromium.driver.getCurrentUrl()).isEqualTo(base + "/browse/title/" + city);
      assertThat(text(chromium, "title-name")).isEqualTo("City Lights");
      assertThat(text(chromium, "title-meta")).startsWith("2023 · ").endsWith(" · Rated PG-13");
      assertThat(text(chromium, "title-description")).isEqualTo("A night in the city that never sleeps.");
      assertThat(text(chromium, "title-categories")).isEqualTo("Drama");
      assertThat(chromium.driver.findElement(By.id("title-poster")).getDomAttribute("alt"))
          .isEqualTo("Poster of City Lights");
      assertThat(text(chromium, "play")).isEqualTo("Play");
      chromium.screenshot(SCREENSHOTS.resolve("title.png"));
      chromium.driver.findElement(By.id("play")).click();

      wait.until(d -> d.getCurrentUrl().startsWith(base + "/play/" + city + "?token="));
      String cityToken = URI.create(chromium.driver.getCurrentUrl()).getQuery().replaceFirst("^token=", "");
      PlayerPage player = new PlayerPage(chromium);
      wait.withMessage("the player shows the title's name").until(d -> text(chromium, "title-text")
          .equals("City Lights"));
      assertThat((String) chromium.script("return document.getElementById('video').poster"))
          .isEqualTo(base + "/titles/" + city + "/poster.jpg?token=" + cityToken);
      player.awaitCurrentTimeAbove(1.0, Duration.ofSeconds(30));
      chromium.script("const v = document.getElementById('video'); v.pause(); v.currentTime = arguments[0];",
          PAUSE_AT);
      wait.until(d -> !(Boolean) chromium.script("return document.getElementById('video').seeking"));
      chromium.script("window.streamkitPlayer.flush()");
      awaitSavedPosition(city, cityToken, PAUSE_AT);

      // Back on the browse page: the title waits under Continue watching, with how far it was watched.
      chromium.driver.findElement(By.id("back-to-browse")).click();
      wait.withMessage(() -> "no Continue watching row: " + text(chromium, "message"))
          .until(d -> !d.findElements(By.cssSelector("#row-continue .poster-card")).isEmpty());
      assertThat(cardIds(chromium, "#row-continue")).containsExactly(city);
      WebElement bar = chromium.driver.findElement(By.cssSelector("#row-continue .poster-card progress"));
      assertThat(Double.parseDouble(bar.getDomProperty("value"))).isCloseTo(PAUSE_AT / SOURCE_SECONDS, within(0.08));
      assertThat(bar.isDisplayed()).isTrue();

      // Resume starts near the saved position.
      chromium.driver.findElement(By.cssSelector("#row-continue .poster-card")).click();
      wait.until(d -> text(chromium, "play").startsWith("Resume"));
      assertThat(text(chromium, "play")).isEqualTo("Resume from 0:04");
      chromium.driver.findElement(By.id("play")).click();
      wait.until(d -> d.getCurrentUrl().startsWith(base + "/play/" + city));
      PlayerPage resumed = new PlayerPage(chromium);
      resumed.awaitCurrentTimeAbove(PAUSE_AT - 0.5, Duration.ofSeconds(30));
      assertThat(((Number) chromium.script("return window.streamkitPlayer.resumedFrom")).doubleValue())
          .isCloseTo(PAUSE_AT, within(0.5));

      // Others who watched City Lights went on to Ocean Deep; once recomputed, the viewer is told so.
      for (String other : List.of("ann", "ben", "cat")) {
        heartbeat(other, city, SOURCE_SECONDS - 1);
        heartbeat(other, ocean, SOURCE_SECONDS - 1);
      }
      chromium.driver.findElement(By.id("back-to-browse")).click();
      new WebDriverWait(chromium.driver, Duration.ofSeconds(30)).pollingEvery(Duration.ofSeconds(1))
          .withMessage("no Because you watched row after recomputation")
          .until(d -> {
            if (d.findElements(By.id("row-because-0")).isEmpty()) {
              d.navigate().refresh();
              return false;
            }
            return true;
          });
      assertThat(heading(chromium, "#row-because-0")).isEqualTo("Because you watched City Lights");
      assertThat(cardIds(chromium, "#row-because-0")).contains(ocean).doesNotContain(city);

      // A phone: nothing wider than the screen, rows scroll sideways, the keyboard moves along and between rows.
      chromium.driver.manage().window().setSize(new Dimension(390, 844));
      chromium.driver.navigate().refresh();
      wait.until(d -> !d.findElements(By.cssSelector("#row-category-nature .poster-card")).isEmpty());
      assertThat(((Number) chromium.script("return document.documentElement.scrollWidth - window.innerWidth"))
          .intValue()).as("no sideways scrolling of the page").isLessThanOrEqualTo(0);
      WebElement first = chromium.driver.findElement(By.cssSelector("#row-category-nature .poster-card"));
      assertThat(first.getRect().getWidth()).isBetween(100, 390);
      chromium.script("arguments[0].focus()", first);
      new Actions(chromium.driver).sendKeys(Keys.ARROW_RIGHT).perform();
      assertThat(focusedTitle(chromium)).as("Right moves along the row")
          .isEqualTo(cardIds(chromium, "#row-category-nature").get(1));
      assertThat((String) chromium.script("return getComputedStyle(document.activeElement).outlineStyle"))
          .as("focus is visible").isEqualTo("solid");
      new Actions(chromium.driver).sendKeys(Keys.ARROW_UP).perform();
      assertThat(focusedRow(chromium)).as("Up moves to the row above").isNotEqualTo("row-category-nature");
      new Actions(chromium.driver).sendKeys(Keys.ARROW_DOWN).perform();
      assertThat(focusedRow(chromium)).as("Down moves back").isEqualTo("row-category-nature");
      String before = focusedTitle(chromium);
      new Actions(chromium.driver).sendKeys(Keys.TAB).perform();
      assertThat(focusedTitle(chromium)).as("Tab goes on to the next poster").isNotNull().isNotEqualTo(before);
      new Actions(chromium.driver).sendKeys(Keys.ENTER).perform();
      wait.until(d -> d.getCurrentUrl().startsWith(base + "/browse/title/"));
      wait.until(d -> d.findElement(By.id("title-view")).isDisplayed());
      assertThat(((Number) chromium.script("return document.documentElement.scrollWidth - window.innerWidth"))
          .intValue()).as("the title page fits the phone").isLessThanOrEqualTo(0);
      chromium.screenshot(SCREENSHOTS.resolve("title-phone.png"));

      // Searching from a title page lands on the browse page's results.
      chromium.driver.findElement(By.id("search")).sendKeys("mount", Keys.ENTER);
      wait.withMessage(() -> "no results for a search from the title page: " + text(chromium, "search-status"))
          .until(d -> d.getCurrentUrl().equals(base + "/browse?q=mount")
              && d.findElement(By.id("search-results")).isDisplayed()
              && cardIds(chromium, "#search-results").equals(List.of(mountain)));
    }
  }

  /** Uploads a short test video, waits for its transcode, describes it and publishes it; returns its id. */
  private String publish(String name, String description, String categories, int year, String rating)
      throws Exception {
    Path source = Files.createDirectories(data.resolve("source")).resolve(name + ".mp4");
    TestVideos.make(source, SOURCE_SECONDS, 320, 180);
    return calls.publishTitle(source, name, Map.of("description", description, "releaseYear", year,
        "maturityRating", rating, "categories", json.readTree(categories)));
  }

  /** A viewer token for one title, as the application signs it through the management API. */
  private String grant(String titleId, String viewer) throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/titles/" + titleId + "/playback"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"viewerId\":\"" + viewer + "\"}")));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json.readTree(response.body()).get("token").asText();
  }

  private void heartbeat(String viewer, String titleId, double positionSeconds) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/progress/" + titleId))
        .header("Authorization", "Bearer " + grant(titleId, viewer)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"positionSeconds\":" + positionSeconds + ",\"durationSeconds\":"
            + SOURCE_SECONDS + ",\"clientTime\":\"" + Instant.now() + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
  }

  private void awaitSavedPosition(String titleId, String token, double position) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/progress/" + titleId))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
      last = response.statusCode() + " " + response.body();
      if (response.statusCode() == 200
          && Math.abs(json.readTree(response.body()).get("positionSeconds").asDouble() - position) < 0.5) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("progress at " + position + " s was never saved; last answer: " + last);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.header("Authorization", "Bearer " + ADMIN_KEY).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  @SuppressWarnings("unchecked")
  private static List<String> cardIds(HeadlessChromium chromium, String row) {
    return (List<String>) chromium.script("return Array.from(document.querySelectorAll(arguments[0]"
        + " + ' .poster-card')).map(a => a.dataset.titleId)", row);
  }

  private static String heading(HeadlessChromium chromium, String row) {
    return chromium.driver.findElement(By.cssSelector(row + " h2")).getText();
  }

  private static String focusedTitle(HeadlessChromium chromium) {
    return (String) chromium.script("return document.activeElement.dataset.titleId");
  }

  private static String focusedRow(HeadlessChromium chromium) {
    return (String) chromium.script("return document.activeElement.closest('section.row').id");
  }

  private static String text(HeadlessChromium chromium, String id) {
    return chromium.driver.findElement(By.id(id)).getText();
  }
}
