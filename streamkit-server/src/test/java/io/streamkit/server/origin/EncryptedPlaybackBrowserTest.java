package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import io.streamkit.core.protection.MasterKeys;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.hls.SampleVideo;
import io.streamkit.hls.SegmentEncryption;
import io.streamkit.server.StreamkitPlatform;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * An uploaded title encrypted by the platform's ingest (AES-128, a new key every segment, keys wrapped in the
 * database under a master key) plays in Chromium through hls.js, which fetches each key through the origin with the
 * viewer's token; without the token the key is refused. Such a title has no DASH manifest: the playback answer names
 * none, and the player page asked for Shaka Player plays it in hls.js with a notice. With a limit of one stream, the
 * viewer's second device is refused with a reason the player page shows, and may play once the first player has left.
 */
class EncryptedPlaybackBrowserTest {

  static final String ADMIN_KEY = "encrypted-test-admin-key-0123456789";
  static final byte[] SECRET = "encrypted-test-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);
  static final Ladder LADDER = new Ladder("encrypted-test", List.of(Rung.of(360, 800), Rung.of(180, 200)));
  static final int SOURCE_SECONDS = 14;

  @TempDir Path data;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void anEncryptedUploadPlaysInChromiumWithKeysFromTheOrigin() throws Exception {
    HeadlessChromium.assumeInstalled();
    Path source = data.resolve("source.mp4");
    SampleVideo.write(source, SOURCE_SECONDS);
    try (StreamkitPlatform platform = StreamkitPlatform.builder().dataDirectory(data).hs256Secret(SECRET)
        .adminKey(ADMIN_KEY).workers(1).ladder(LADDER).preset("ultrafast")
        .masterKeys(MasterKeys.parse(MasterKeys.generateText(), "test"))
        .encryption(SegmentEncryption.aes128(1))
        .origin(o -> o.host("127.0.0.1").port(0).ioThreads(2).maxStreamsPerViewer(1))
        .build().start()) {
      String base = "http://127.0.0.1:" + platform.port();
      ApiCalls calls = new ApiCalls(platform::port, ADMIN_KEY);
      String id = calls.upload(source, "Encrypted");
      calls.awaitStatus(id, "READY", Duration.ofMinutes(3));
      calls.publish(id);

      String token = PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().viewer("alice").title(id)
          .expiresAt(Instant.now().plusSeconds(600)).build());
      String media = new String(get(base + "/titles/" + id + "/360p/index.m3u8?token=" + token).body(),
          StandardCharsets.UTF_8);
      Matcher keyUris = Pattern.compile("#EXT-X-KEY:METHOD=AES-128,URI=\"([^\"]+)\"").matcher(media);
      assertThat(keyUris.find()).as(media).isTrue();
      String keyUri = URI.create(base + "/titles/" + id + "/360p/").resolve(keyUris.group(1)).toString();
      assertThat(keyUri).as("the key URI carries the viewer's token").contains("?token=" + token);
      assertThat(get(keyUri).body()).hasSize(16);
      assertThat(get(keyUri.substring(0, keyUri.indexOf('?'))).statusCode()).as("no token, no key").isEqualTo(403);
      Path segments = data.resolve("titles").resolve(id).resolve("360p");
      try (var files = Files.list(segments)) {
        assertThat(files.map(p -> p.getFileName().toString())).as("no key lies beside the media")
            .noneMatch(name -> name.contains("key"));
      }

      // An AES-128 title is HLS only: the playback answer names no DASH manifest, and there is none.
      HttpResponse<String> playback = http.send(admin(base + "/api/titles/" + id + "/playback")
          .header("Content-Type", "application/json").POST(BodyPublishers.ofString("{\"viewerId\":\"alice\"}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(playback.statusCode()).as(playback.body()).isEqualTo(200);
      assertThat(json.readTree(playback.body()).has("masterUrl")).as(playback.body()).isTrue();
      assertThat(json.readTree(playback.body()).has("dashUrl")).as(playback.body()).isFalse();
      assertThat(get(base + "/titles/" + id + "/manifest.mpd?token=" + token).statusCode()).isEqualTo(404);

      double keysBefore = keyResponses(platform);
      try (HeadlessChromium chromium = HeadlessChromium.start()) {
        // Asked for Shaka Player, the page plays the title in hls.js instead and says so.
        chromium.driver.get(base + "/play/" + id + "?engine=shaka&token=" + token);
        PlayerPage player = new PlayerPage(chromium);
        player.awaitCurrentTimeAbove(8, Duration.ofSeconds(60));
        assertThat(player.message()).doesNotContainIgnoringCase("error");
        assertThat(chromium.script("return window.streamkitPlayer.engine")).isEqualTo("hls");
        assertThat(chromium.script("return window.streamkitPlayer.hls !== null")).isEqualTo(true);
        assertThat(chromium.script("return document.getElementById('engine-notice').hidden")).isEqualTo(false);
        assertThat(chromium.script("return document.getElementById('engine-notice').textContent"))
            .asString().contains("no DASH manifest").contains("hls.js instead of Shaka Player");
        assertThat(chromium.script("return Array.from(document.querySelectorAll('#engine option'), o => o.value)"))
            .as("only the HLS engine is offered").isEqualTo(List.of("hls"));
        String firstTab = chromium.driver.getWindowHandle();

        // A second device of the same viewer, with a limit of one stream: refused, with a reason the page shows.
        String second = PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().viewer("alice").title(id)
            .expiresAt(Instant.now().plusSeconds(600)).build());
        chromium.driver.switchTo().newWindow(WindowType.TAB);
        chromium.driver.get(base + "/play/" + id + "?token=" + second);
        PlayerPage secondPlayer = new PlayerPage(chromium);
        new WebDriverWait(chromium.driver, Duration.ofSeconds(20))
            .withMessage(() -> "no refusal shown; page says: " + secondPlayer.message())
            .until(d -> secondPlayer.message().contains("too many devices"));
        String secondTab = chromium.driver.getWindowHandle();

        // Leaving the first player stops its session, so the second device may play.
        chromium.driver.switchTo().window(firstTab);
        chromium.driver.get("about:blank");
        chromium.driver.switchTo().window(secondTab);
        chromium.driver.navigate().refresh();
        new PlayerPage(chromium).awaitCurrentTimeAbove(2, Duration.ofSeconds(60));
      }
      assertThat(keyResponses(platform) - keysBefore).as("hls.js fetched keys through the origin")
          .isGreaterThanOrEqualTo(2);
    }
  }

  private double keyResponses(StreamkitPlatform platform) {
    var counter = platform.origin().meterRegistry().find("streamkit.origin.requests").tags("route", "key",
        "status", "200").counter();
    return counter == null ? 0 : counter.count();
  }

  private HttpRequest.Builder admin(String uri) {
    return HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "Bearer " + ADMIN_KEY);
  }

  private HttpResponse<byte[]> get(String uri) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
