package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import io.streamkit.core.protection.ContentKeyFile;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.hls.SegmentEncryption;
import io.streamkit.hls.TranscodeResult;
import io.streamkit.hls.Transcoder;
import io.streamkit.server.TestVideos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transcoded title (video ladder and audio, with the packager's DASH manifest) plays on the player page in dash.js
 * and in Shaka Player, from this origin, with a token whose plan caps the picture at 360 lines: playback passes a few
 * seconds without an error, the Representation the player picks is within the cap, and every request the player makes
 * for the title (manifest, init and media segments) carries the token. One title serves both engines.
 *
 * <p>A {@code 'cbcs'} title with rotating keys plays the same way through Chromium's Clear Key CDM: each engine reads
 * the Clear Key licence URL from the manifest, the origin answers the licence request (with the viewer's token) with
 * every key the manifest's {@code pssh} names, and the segments of the second key decrypt and decode too.
 */
class DashPlaybackBrowserTest {

  static final byte[] SECRET = "dash-browser-test-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);
  static final Ladder LADDER = new Ladder("dash-browser-test", List.of(Rung.of(480, 1200), Rung.of(360, 700),
      Rung.of(180, 200)));
  static final int CAP = 360;

  @TempDir Path data;

  @Test
  void aCappedViewerPlaysTheDashManifestInDashJsAndInShaka() throws Exception {
    HeadlessChromium.assumeInstalled();
    Path source = TestVideos.make(Files.createDirectories(data.resolve("source")).resolve("clip.mp4"), 12, 854, 480);
    String id = "dash-title";
    Transcoder.builder().input(source).output(data.resolve("titles").resolve(id)).ladder(LADDER)
        .preset("ultrafast").segmentSeconds(2).build().run();
    assertThat(data.resolve("titles").resolve(id).resolve(PlaylistHandler.DASH_MANIFEST)).isRegularFile();

    try (OriginServer origin = OriginServer.builder().dataDirectory(data).host("127.0.0.1").port(0).ioThreads(2)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build()).build().start();
        HeadlessChromium chromium = HeadlessChromium.start()) {
      String base = "http://127.0.0.1:" + origin.port();
      String token = PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().viewer("alice").title(id)
          .maxHeight(CAP).expiresAt(Instant.now().plusSeconds(600)).build());
      for (String engine : List.of("dashjs", "shaka")) {
        chromium.driver.get(base + "/play/" + id + "?engine=" + engine + "&token=" + token);
        PlayerPage player = new PlayerPage(chromium);
        player.awaitCurrentTimeAbove(4, Duration.ofSeconds(60));

        assertThat(chromium.script("return window.streamkitPlayer.engine")).isEqualTo(engine);
        assertThat(chromium.script("return window.streamkitPlayer.abr")).as("the DASH player picks bitrates")
            .isEqualTo(engine);
        assertThat(chromium.script("return window.streamkitPlayer.errors")).as(engine).asList().isEmpty();
        assertThat(player.message()).as(engine).doesNotContainIgnoringCase("failed");
        Integer height = player.levelHeight();
        assertThat(height).as(engine + " plays a Representation within the cap").isNotNull().isLessThanOrEqualTo(CAP);
        @SuppressWarnings("unchecked")
        List<String> requests = (List<String>) chromium.script("return performance.getEntriesByType('resource')"
            + ".map(e => e.name).filter(n => n.includes('/titles/'))");
        assertThat(requests).as(engine).anyMatch(url -> url.contains("/manifest.mpd?token=" + token))
            .anyMatch(url -> url.contains(".m4s?token=" + token))
            .allMatch(url -> url.endsWith("?token=" + token));
      }
      assertThat(origin.meterRegistry().find(OriginMetrics.REJECTIONS).counters())
          .as("no request of either player was refused").allMatch(c -> c.count() == 0);
    }
  }

  @Test
  void aCbcsTitlePlaysInDashJsAndInShakaWithClearKeyLicencesFromTheOrigin() throws Exception {
    HeadlessChromium.assumeInstalled();
    Path source = TestVideos.make(Files.createDirectories(data.resolve("source")).resolve("clip.mp4"), 10, 640, 360);
    String id = "cbcs-title";
    // 2 s segments, a new key every 2 segments: keys change at 4 s and 8 s, named by 'seig' sample groups.
    TranscodeResult result = Transcoder.builder().input(source).output(data.resolve("titles").resolve(id))
        .ladder(new Ladder("cbcs-browser-test", List.of(Rung.of(360, 700)))).preset("ultrafast").segmentSeconds(2)
        .encryption(SegmentEncryption.cbcs(2)).build().run();
    assertThat(result.contentKeys()).hasSize(3);
    ContentKeyFile keys = ContentKeyFile.at(data.resolve("titles").resolve(id + ".keys"));
    keys.save(id, result.contentKeys());

    try (OriginServer origin = OriginServer.builder().dataDirectory(data).host("127.0.0.1").port(0).ioThreads(2)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build()).contentKeys(keys).build().start();
        HeadlessChromium chromium = HeadlessChromium.start()) {
      String base = "http://127.0.0.1:" + origin.port();
      String token = PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().viewer("bob").title(id)
          .expiresAt(Instant.now().plusSeconds(600)).build());
      for (String engine : List.of("shaka", "dashjs")) {
        double licencesBefore = licences(origin);
        chromium.driver.get(base + "/play/" + id + "?engine=" + engine + "&token=" + token);
        PlayerPage player = new PlayerPage(chromium);
        player.awaitCurrentTimeAbove(8.5, Duration.ofSeconds(60));

        assertThat(chromium.script("return window.streamkitPlayer.errors")).as(engine).asList().isEmpty();
        assertThat(player.message()).as(engine).doesNotContainIgnoringCase("failed");
        assertThat(((Number) chromium.script("return document.getElementById('video')"
            + ".getVideoPlaybackQuality().totalVideoFrames")).intValue()).as(engine + ": frames decoded")
            .isGreaterThan(8 * 25);
        assertThat(chromium.script("return document.getElementById('video').mediaKeys !== null"))
            .as(engine + ": playback went through EME").isEqualTo(true);
        @SuppressWarnings("unchecked")
        List<String> requests = (List<String>) chromium.script("return performance.getEntriesByType('resource')"
            + ".map(e => e.name).filter(n => n.includes('/keys/'))");
        assertThat(requests).as(engine + " asks the licence URL of the manifest, with the token")
            .contains(base + "/titles/" + id + "/keys/clearkey?token=" + token);
        assertThat(licences(origin) - licencesBefore).as(engine + ": licences answered").isGreaterThanOrEqualTo(1);
      }
      assertThat(origin.meterRegistry().find(OriginMetrics.REJECTIONS).counters())
          .as("no request of either player was refused").allMatch(c -> c.count() == 0);
    }
  }

  private static double licences(OriginServer origin) {
    var counter = origin.meterRegistry().find("streamkit.origin.requests").tags("route", "license", "status", "200")
        .counter();
    return counter == null ? 0 : counter.count();
  }
}
