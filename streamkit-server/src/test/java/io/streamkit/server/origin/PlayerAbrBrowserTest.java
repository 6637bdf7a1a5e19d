package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.hls.Transcoder;
import io.streamkit.server.TestVideos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The player page picks hls.js's levels with StreamKit's rule by default and with hls.js's own ABR under
 * {@code ?abr=hlsjs}. A transcoded three-rung title plays in both modes. By default the page's hls.js runs the
 * StreamKit controller, which reads the title's segment sizes through the token gate, decides the level of every
 * fragment after the first, and every fragment it decided was loaded at the level it chose. With {@code ?abr=hlsjs}
 * the controller is hls.js's, which keeps no decision log, and the sizes file is never requested.
 */
class PlayerAbrBrowserTest {

  static final byte[] SECRET = "player-abr-browser-test-secret-of-32-bytes+".getBytes(StandardCharsets.UTF_8);
  static final Ladder LADDER = new Ladder("player-abr-test", List.of(Rung.of(480, 1500), Rung.of(360, 700),
      Rung.of(180, 200)));
  /** A top rung far above the two below it, which are about as large as their audio. */
  static final Ladder WIDE_LADDER = new Ladder("player-abr-wide", List.of(Rung.of(480, 4500), Rung.of(270, 200),
      Rung.of(180, 100)));

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;

  @Test
  void theStreamKitRuleDecidesByDefaultAndHlsJsDecidesWhenAsked() throws Exception {
    HeadlessChromium.assumeInstalled();
    Path source = TestVideos.make(Files.createDirectories(data.resolve("source")).resolve("clip.mp4"), 20, 854, 480);
    String id = "abr-title";
    transcode(source, id, LADDER);

    try (OriginServer origin = startOrigin(); HeadlessChromium chromium = HeadlessChromium.start()) {
      chromium.driver.get(playerUrl(origin, id, "alice", ""));
      PlayerPage player = new PlayerPage(chromium);
      player.awaitCurrentTimeAbove(6, Duration.ofSeconds(60));
      assertThat(chromium.script("return window.streamkitPlayer.abr")).isEqualTo("streamkit");
      assertThat(chromium.script("return window.streamkitPlayer.errors")).asList().isEmpty();
      assertThat(chromium.script("return window.streamkitPlayer.hls.levels.length")).isEqualTo(3L);
      assertThat(chromium.script("return window.streamkitPlayer.hls.abrController.sizesByUri.size"))
          .as("rungs whose segment sizes the controller read").isEqualTo(3L);
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> decisions =
          (List<Map<String, Object>>) chromium.script("return window.streamkitPlayer.hls.abrController.decisions");
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> loaded =
          (List<Map<String, Object>>) chromium.script("return window.streamkitPlayer.hls.abrController.loaded");
      assertThat(decisions).as("the rule's decisions in the first 6 s").hasSizeGreaterThanOrEqualTo(3);
      for (Map<String, Object> decision : decisions) {
        loaded.stream().filter(f -> f.get("chunk").equals(decision.get("chunk"))).forEach(f ->
            assertThat(f.get("level")).as("level of chunk %s, decided %s; loaded %s", decision.get("chunk"),
                decisions, loaded).isEqualTo(decision.get("level")));
      }
      assertThat(loaded.stream().filter(f -> ((Number) f.get("chunk")).intValue() > 0))
          .as("fragments after the first that the rule decided").hasSizeGreaterThanOrEqualTo(3)
          .allMatch(f -> decisions.stream().anyMatch(d -> d.get("chunk").equals(f.get("chunk"))));

      chromium.driver.get(playerUrl(origin, id, "alice", "abr=hlsjs&"));
      player.awaitCurrentTimeAbove(4, Duration.ofSeconds(60));
      assertThat(chromium.script("return window.streamkitPlayer.abr")).isEqualTo("hlsjs");
      assertThat(chromium.script("return window.streamkitPlayer.hls.abrController.decisions")).isNull();
      assertThat(chromium.script("return performance.getEntriesByType('resource')"
          + ".filter(e => e.name.includes('segment-sizes.json')).length")).isEqualTo(0L);
      assertThat(chromium.script("return window.streamkitPlayer.errors")).asList().isEmpty();
    }
  }

  /**
   * On a slow link the audio fragments share the link with the video ones (hls.js loads both at once when a title has
   * an audio rendition), and the rule's throughput must be the link's, not the video fragments' share of it. A title
   * whose lower rungs are about as large as their audio (100 and 200 kbit/s beside AAC stereo) plays through a
   * 1.5 Mbit/s link. The rule's throughput (the harmonic mean of its last five samples) at its 6th to 12th decisions is,
   * at the median, within ±25 % of the link; the video bytes alone over the same times (what the rule measured before
   * it counted the audio) read under 75 % of it.
   */
  @Test
  void theRuleMeasuresTheLinkTheAudioSharesOnASlowLink() throws Exception {
    HeadlessChromium.assumeInstalled();
    Path source = TestVideos.makeNoisy(Files.createDirectories(data.resolve("source")).resolve("clip.mp4"), 40, 854,
        480, "6M");
    String id = "slow-link-title";
    // The top rung is out of the link's reach, so the rule stays on the lower two, where the audio weighs most.
    transcode(source, id, WIDE_LADDER);
    long link = 1_500_000;

    try (OriginServer origin = startOrigin(); HeadlessChromium chromium = HeadlessChromium.start()) {
      chromium.throttle(link, link, 40);
      chromium.driver.get(playerUrl(origin, id, "bob", ""));
      new WebDriverWait(chromium.driver, Duration.ofSeconds(120)).pollingEvery(Duration.ofMillis(500))
          .withMessage(() -> "the rule made fewer than 12 decisions: " + decisions(chromium))
          .until(d -> decisions(chromium).size() >= 12);
      chromium.unthrottle();
      assertThat(chromium.script("return window.streamkitPlayer.errors")).asList().isEmpty();

      JsonNode made = decisions(chromium);
      String log = made.toString() + " loaded " + chromium.script(
          "return JSON.stringify(window.streamkitPlayer.hls.abrController.loaded)");
      double[] measured = new double[7];
      double[] videoOnly = new double[7];
      for (int i = 5; i < 12; i++) {
        measured[i - 5] = made.get(i).get("linkBitsPerSecond").asDouble();
        double inverses = 0;
        for (int k = i - 4; k <= i; k++) {
          inverses += 1 / made.get(k).get("videoSampleBitsPerSecond").asDouble();
        }
        videoOnly[i - 5] = 5 / inverses;
      }
      assertThat(median(measured)).as("the rule's link throughput in bit/s on a %d bit/s link; %s", link, log)
          .isBetween(0.75 * link, 1.25 * link);
      assertThat(median(videoOnly)).as("video bytes alone over the same times, bit/s; %s", log)
          .isLessThan(0.75 * link);
    }
  }

  /**
   * A seek on a link that has just slowed down: the player sits on the top rung (1.1 MB per 2 s fragment) after a fast
   * start, the link drops to 300 kbit/s, and the viewer seeks past what is buffered. The top-rung fragment hls.js
   * starts for the new position would take half a minute; the controller gives it up for a lower level's and playback
   * resumes long before that fragment could have arrived.
   */
  @Test
  void aFragmentThatWouldStallTheSeekOnASlowLinkIsAbandonedForALowerLevel() throws Exception {
    HeadlessChromium.assumeInstalled();
    Path source = TestVideos.makeNoisy(Files.createDirectories(data.resolve("source")).resolve("clip.mp4"), 60, 854,
        480, "6M");
    String id = "seek-title";
    Path title = transcode(source, id, WIDE_LADDER);
    // Past the page's 30 s forward buffer, which the fast start fills at once.
    int seekTo = 50;
    int chunk = seekTo / 2;
    long link = 300_000;

    try (OriginServer origin = startOrigin(); HeadlessChromium chromium = HeadlessChromium.start()) {
      chromium.driver.get(playerUrl(origin, id, "carol", ""));
      PlayerPage player = new PlayerPage(chromium);
      new WebDriverWait(chromium.driver, Duration.ofSeconds(60)).pollingEvery(Duration.ofMillis(200))
          .withMessage(() -> "the rule never chose the top rung on the fast link: " + decisions(chromium))
          .until(d -> {
            JsonNode made = decisions(chromium);
            return player.currentTime() > 2 && made.size() >= 2 && made.get(made.size() - 1).get("level").asInt() == 2;
          });
      // hls.js orders its levels by bitrate, the top rung last.
      int top = ((Number) chromium.script("return window.streamkitPlayer.hls.levels.length")).intValue() - 1;
      long topBytes = 0;
      for (JsonNode rendition : JSON.readTree(title.resolve("segment-sizes.json").toFile()).get("renditions")) {
        topBytes = Math.max(topBytes, rendition.get("segmentBytes").get(chunk).asLong());
      }

      chromium.throttle(link, link, 40);
      chromium.script("const v = document.getElementById('video'); window.seekStarted = performance.now();"
          + " v.addEventListener('seeked', () => { window.seekedAfterMs = performance.now() - window.seekStarted; },"
          + " { once: true }); v.currentTime = arguments[0];", seekTo);
      player.awaitCurrentTimeAbove(seekTo + 1, Duration.ofSeconds(60));
      chromium.unthrottle();
      assertThat(chromium.script("return window.streamkitPlayer.errors")).asList().isEmpty();

      JsonNode abandoned = JSON.readTree((String) chromium.script(
          "return JSON.stringify(window.streamkitPlayer.hls.abrController.abandoned)"));
      String log = "abandoned " + abandoned + " loaded " + chromium.script(
          "return JSON.stringify(window.streamkitPlayer.hls.abrController.loaded)");
      assertThat(abandoned).as("fragments given up; %s", log).isNotEmpty();
      assertThat(abandoned.get(0).get("chunk").asInt()).as(log).isEqualTo(chunk);
      assertThat(abandoned.get(0).get("level").asInt()).as(log).isEqualTo(top);
      assertThat(abandoned.get(0).get("toLevel").asInt()).as(log).isLessThan(top);
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> loaded =
          (List<Map<String, Object>>) chromium.script("return window.streamkitPlayer.hls.abrController.loaded");
      assertThat(loaded).as(log).anyMatch(f -> ((Number) f.get("chunk")).intValue() == chunk
          && ((Number) f.get("level")).intValue() < top);
      double topFragmentSeconds = topBytes * 8.0 / link;
      assertThat(((Number) chromium.script("return window.seekedAfterMs")).doubleValue() / 1000)
          .as("seconds from the seek to playable media; the top rung's %d B fragment alone takes %.0f s; %s",
              topBytes, topFragmentSeconds, log)
          .isLessThan(topFragmentSeconds / 2);
    }
  }

  /** Transcodes a source into the data directory's title {@code id}, 2 s segments. */
  private Path transcode(Path source, String id, Ladder ladder) throws Exception {
    Path title = data.resolve("titles").resolve(id);
    Transcoder.builder().input(source).output(title).ladder(ladder).preset("ultrafast").segmentSeconds(2).build().run();
    return title;
  }

  private OriginServer startOrigin() throws Exception {
    return OriginServer.builder().dataDirectory(data).host("127.0.0.1").port(0).ioThreads(2)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build()).build().start();
  }

  /** The player page of a title for a viewer, with the query parameters given ({@code name=value&} each). */
  private static String playerUrl(OriginServer origin, String id, String viewer, String query) {
    String token = PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().viewer(viewer).title(id)
        .expiresAt(Instant.now().plusSeconds(600)).build());
    return "http://127.0.0.1:" + origin.port() + "/play/" + id + "?" + query + "token=" + token;
  }

  /** The StreamKit controller's decisions once the page's hls.js has its audio track, else none. */
  private static JsonNode decisions(HeadlessChromium chromium) {
    try {
      return JSON.readTree((String) chromium.script("const p = window.streamkitPlayer;"
          + " return p && p.hls && p.hls.audioTracks.length ? JSON.stringify(p.hls.abrController.decisions) : '[]'"));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the page's decisions are not JSON", e);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
