package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.hls.FfmpegTool;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * An upload whose MP4 carries a subtitle stream (mov_text, tagged German) is packaged with a WebVTT subtitle
 * rendition; the origin's session master playlist keeps its {@code EXT-X-MEDIA} line with the viewer's token spliced
 * into the URI, and serves the playlist and {@code .vtt} segments only with the token, as {@code text/vtt}. In
 * Chromium, hls.js lists the track in the player's subtitle menu and, once it is chosen, shows the cue that belongs
 * at the playhead, timed as in the source.
 */
class SubtitlePlaybackBrowserTest {

  static final String ADMIN_KEY = "subtitle-test-admin-key-0123456789";
  static final byte[] SECRET = "subtitle-test-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);
  static final Ladder LADDER = new Ladder("subtitle-test", List.of(Rung.of(360, 800), Rung.of(180, 200)));
  static final int SOURCE_SECONDS = 12;
  static final String SRT = "1\n00:00:01,000 --> 00:00:03,000\nErste Zeile\n\n"
      + "2\n00:00:07,000 --> 00:00:09,500\n<i>Zweite</i> Zeile\n";

  @TempDir Path data;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void anEmbeddedSubtitleStreamIsServedThroughTheTokenGateAndShownByHlsJs() throws Exception {
    Path video = TestVideos.make(data.resolve("video.mp4"), SOURCE_SECONDS, 640, 360);
    Path srt = Files.writeString(data.resolve("de.srt"), SRT);
    Path source = data.resolve("source.mp4");
    FfmpegTool.ffmpeg("-i", video.toString(), "-i", srt.toString(), "-map", "0", "-map", "1", "-c:v", "copy",
        "-c:a", "copy", "-c:s", "mov_text", "-metadata:s:s:0", "language=ger", source.toString());
    try (StreamkitPlatform platform = StreamkitPlatform.builder().dataDirectory(data).hs256Secret(SECRET)
        .adminKey(ADMIN_KEY).workers(1).ladder(LADDER).preset("ultrafast")
        .origin(o -> o.host("127.0.0.1").port(0).ioThreads(2))
        .build().start()) {
      String base = "http://127.0.0.1:" + platform.port();
      ApiCalls calls = new ApiCalls(platform::port, ADMIN_KEY);
      String id = calls.upload(source, "Untertitel");
      calls.awaitStatus(id, "READY", Duration.ofMinutes(3));
      calls.publish(id);

      String token = PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().viewer("anna").title(id)
          .expiresAt(Instant.now().plusSeconds(600)).build());
      String titleBase = base + "/titles/" + id + "/";
      String master = new String(get(titleBase + "master.m3u8?token=" + token).body(), StandardCharsets.UTF_8);
      Matcher media = Pattern.compile("#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",LANGUAGE=\"de\","
          + "NAME=\"Deutsch\",DEFAULT=NO,AUTOSELECT=YES,URI=\"([^\"]+)\"").matcher(master);
      assertThat(media.find()).as(master).isTrue();
      assertThat(media.group(1)).isEqualTo("subtitles/de/index.m3u8?token=" + token);
      assertThat(master.lines().filter(l -> l.startsWith("#EXT-X-STREAM-INF:")))
          .isNotEmpty().allSatisfy(l -> assertThat(l).contains("SUBTITLES=\"subs\""));

      String playlist = new String(get(titleBase + media.group(1)).body(), StandardCharsets.UTF_8);
      assertThat(playlist).contains("seg_00000.vtt?token=" + token);
      HttpResponse<byte[]> segment = get(titleBase + "subtitles/de/seg_00000.vtt?token=" + token);
      assertThat(segment.statusCode()).isEqualTo(200);
      assertThat(segment.headers().firstValue("Content-Type")).hasValue("text/vtt; charset=utf-8");
      assertThat(new String(segment.body(), StandardCharsets.UTF_8)).startsWith("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:")
          .contains("00:00:01.000 --> 00:00:03.000\nErste Zeile");
      assertThat(get(titleBase + "subtitles/de/seg_00000.vtt").statusCode()).as("no token, no subtitles")
          .isEqualTo(403);

      try (HeadlessChromium chromium = HeadlessChromium.start()) {
        chromium.driver.get(base + "/play/" + id + "?token=" + token);
        PlayerPage player = new PlayerPage(chromium);
        player.awaitCurrentTimeAbove(0.5, Duration.ofSeconds(60));
        new WebDriverWait(chromium.driver, Duration.ofSeconds(20)).withMessage("no subtitle menu")
            .until(d -> d.findElement(By.id("subtitles-choice")).isDisplayed());
        assertThat(chromium.script("return window.streamkitPlayer.hls.subtitleTracks.map(t => t.lang)"))
            .isEqualTo(List.of("de"));
        new Select(chromium.driver.findElement(By.id("subtitles"))).selectByVisibleText("Deutsch (de)");
        chromium.script("const v = document.getElementById('video'); v.pause(); v.currentTime = 8;");
        new WebDriverWait(chromium.driver, Duration.ofSeconds(30))
            .withMessage(() -> "no active cue at 8 s; tracks: " + chromium.script("return JSON.stringify("
                + "Array.from(document.getElementById('video').textTracks).map(t => ({mode: t.mode,"
                + " cues: t.cues ? Array.from(t.cues).map(c => [c.startTime, c.endTime, c.text]) : null})))"))
            .until(d -> activeCue(chromium) != null);
        @SuppressWarnings("unchecked")
        Map<String, Object> cue = (Map<String, Object>) activeCue(chromium);
        assertThat(cue.get("text")).isEqualTo("Zweite Zeile");
        // Within a frame (25 fps): the X-TIMESTAMP-MAP names the first frame's timestamp, so the cue lands where the
        // source put it relative to the picture.
        assertThat(((Number) cue.get("start")).doubleValue()).as("cue timed as in the source").isCloseTo(7.0,
            within(0.04));
        assertThat(((Number) cue.get("end")).doubleValue()).isCloseTo(9.5, within(0.04));
      }
    }
  }

  /** The showing text track's active cue at the playhead, as {text, start, end}, or null. */
  private static Object activeCue(HeadlessChromium chromium) {
    return chromium.script("const tracks = Array.from(document.getElementById('video').textTracks)"
        + ".filter(t => t.mode === 'showing' && t.activeCues && t.activeCues.length > 0);"
        + "if (tracks.length === 0) { return null; }"
        + "const cue = tracks[0].activeCues[0];"
        + "return {text: cue.text, start: cue.startTime, end: cue.endTime};");
  }

  private HttpResponse<byte[]> get(String uri) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
