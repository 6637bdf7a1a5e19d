package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.hls.FfmpegTool;
import io.streamkit.hls.LegacyDashManifest;
import io.streamkit.hls.Transcoder;
import java.io.OutputStream;
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
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One source with every kind of track a viewer chooses among — English stereo audio (the default), French stereo, a
 * German 5.1 track and an embedded SubRip subtitle track — transcoded once and served by this origin. The title has
 * both HLS audio groups, the subtitle group, I-frame playlists listing every IDR, the DASH manifest with a text
 * Adaptation Set and the storyboard. Then in each engine of the player page (hls.js, dash.js, Shaka Player) playback
 * advances, choosing the English subtitles in the page's menu shows the cue of the playhead at the time the source
 * gives it relative to the first frame (encoded with B-frames, so that frame is not at 0), and choosing French in
 * the page's audio menu, where it is named as in the HLS master playlist (the DASH manifest's Label), makes the player
 * fetch the French audio segments. dash.js starts where every track has a segment: the audio's first, which starts
 * after 0.
 */
class MultiTrackPlaybackBrowserTest {

  static final byte[] SECRET = "multi-track-test-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);
  static final Ladder LADDER = new Ladder("multi-track-test", List.of(Rung.of(360, 700)));
  static final int SOURCE_SECONDS = 10;
  static final String SRT = "1\n00:00:01,000 --> 00:00:03,000\nFirst line\n\n"
      + "2\n00:00:05,000 --> 00:00:08,000\nSecond line\n";
  static final String TITLE = "tracks";

  @TempDir Path data;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void everyEngineShowsTheSubtitlesAndSwitchesToFrenchAudio() throws Exception {
    HeadlessChromium.assumeInstalled();
    Path srt = Files.writeString(data.resolve("en.srt"), SRT);
    Path source = data.resolve("source.mkv");
    FfmpegTool.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=48000",
        "-f", "lavfi", "-i", "sine=frequency=1320:sample_rate=48000,pan=5.1|c0=c0|c1=c0|c2=c0|c4=c0|c5=c0",
        "-i", srt.toString(), "-t", Integer.toString(SOURCE_SECONDS),
        "-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:a", "-map", "4:s",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-ac:a:0", "2", "-ac:a:1", "2", "-c:s", "srt",
        "-metadata:s:a:0", "language=eng", "-disposition:a:0", "default",
        "-metadata:s:a:1", "language=fre", "-disposition:a:1", "0",
        "-metadata:s:a:2", "language=ger", "-disposition:a:2", "0",
        "-metadata:s:s:0", "language=eng", source.toString());
    Path title = data.resolve("titles").resolve(TITLE);
    Transcoder.builder().input(source).output(title).ladder(LADDER).preset("veryfast").segmentSeconds(2)
        .storyboardSeconds(2).build().run();
    List<Double> keyframes = keyframeTimes(title.resolve("360p"));
    assertThat(Files.readAllLines(title.resolve("360p/iframes.m3u8")).stream().filter(l -> l.startsWith("#EXTINF")))
        .as("an I-frame entry per IDR").hasSize(keyframes.size());
    // B-frames (veryfast): the first frame is presented a reorder delay after media time 0.
    double firstFrame = keyframes.get(0);
    assertThat(firstFrame).isPositive();

    try (OriginServer origin = OriginServer.builder().dataDirectory(data).host("127.0.0.1").port(0).ioThreads(2)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build()).build().start();
        HeadlessChromium chromium = HeadlessChromium.start()) {
      String base = "http://127.0.0.1:" + origin.port();
      String token = PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().viewer("lea").title(TITLE)
          .expiresAt(Instant.now().plusSeconds(600)).build());
      String titleBase = base + "/titles/" + TITLE + "/";
      String master = get(titleBase + "master.m3u8?token=" + token);
      assertThat(master).contains("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",LANGUAGE=\"en\"")
          .contains("GROUP-ID=\"audio\",LANGUAGE=\"fr\"").contains("GROUP-ID=\"audio-surround\",LANGUAGE=\"de\"")
          .contains("#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",LANGUAGE=\"en\"")
          .contains("#EXT-X-I-FRAME-STREAM-INF:");
      // The audio menu names a track as HLS does (EXT-X-MEDIA NAME); the DASH manifest carries it as the Label.
      java.util.regex.Matcher french = java.util.regex.Pattern.compile(
          "GROUP-ID=\"audio\",LANGUAGE=\"fr\",NAME=\"([^\"]+)\"").matcher(master);
      assertThat(french.find()).as(master).isTrue();
      String frenchName = french.group(1);
      String mpd = get(titleBase + "manifest.mpd?token=" + token);
      assertThat(mpd).contains("<Label>" + frenchName + "</Label>")
          .contains("contentType=\"text\" mimeType=\"text/vtt\" lang=\"en\"")
          .contains("<BaseURL>subtitles/en/all.vtt?token=" + token + "</BaseURL>");
      // The Period starts with the first frame: the audio's first segment (its priming frame first) starts at or
      // before it, so a player starting at 0 finds a segment in every track.
      java.util.regex.Matcher audioTimeline = java.util.regex.Pattern.compile("contentType=\"audio\"[\\s\\S]*?"
          + "timescale=\"(\\d+)\" presentationTimeOffset=\"(\\d+)\"[\\s\\S]*?<S t=\"(\\d+)\"").matcher(mpd);
      assertThat(audioTimeline.find()).as(mpd).isTrue();
      double audioStart = (Double.parseDouble(audioTimeline.group(3)) - Double.parseDouble(audioTimeline.group(2)))
          / Double.parseDouble(audioTimeline.group(1));
      assertThat(audioStart).as("first audio segment start on the Period's timeline").isNotPositive();
      assertThat(get(titleBase + "subtitles/en/all.vtt?token=" + token)).startsWith("WEBVTT\n")
          .contains("\nSecond line\n");
      assertThat(get(titleBase + "storyboard/storyboard.vtt?token=" + token)).startsWith("WEBVTT");

      for (String engine : List.of("hls", "dashjs", "shaka")) {
        chromium.driver.get(base + "/play/" + TITLE + "?engine=" + engine + "&token=" + token);
        PlayerPage player = new PlayerPage(chromium);
        player.awaitCurrentTimeAbove(1, Duration.ofSeconds(60));
        assertThat(chromium.script("return window.streamkitPlayer.engine")).isEqualTo(engine);
        if (engine.equals("dashjs")) {
          // At 0, as a page that only attaches the manifest starts (player.js moves the start only for a manifest
          // whose first segments start after 0).
          assertThat(((Number) chromium.script("return window.streamkitPlayer.dashStart")).doubleValue())
              .as("where dash.js started").isZero();
        }
        assertThat(chromium.script("return window.streamkitPlayer.audioOnly")).as(engine + ": a video title")
            .isEqualTo(false);
        assertThat(chromium.driver.findElement(By.id("audio-only")).isDisplayed()).as(engine).isFalse();

        await(chromium, () -> engine + ": no audio menu with French",
            () -> option("audio", "fr", chromium) != null);
        assertThat(chromium.script("return window.streamkitPlayer.audioLanguage")).as(engine).isEqualTo("en");
        assertThat(option("audio", "fr", chromium).getText()).as(engine + ": the French track's name in the menu")
            .isEqualTo(frenchName + " (fr)");
        chromium.script("performance.clearResourceTimings()");
        new Select(chromium.driver.findElement(By.id("audio")))
            .selectByValue(option("audio", "fr", chromium).getAttribute("value"));
        await(chromium, () -> engine + ": no French audio segment fetched; requests " + requests(chromium),
            () -> requests(chromium).stream().anyMatch(u -> u.contains("/audio-fr-") && u.contains(".m4s?token=")));
        await(chromium, () -> engine + ": the player does not report French audio",
            () -> "fr".equals(chromium.script("return window.streamkitPlayer.audioLanguage")));

        await(chromium, () -> engine + ": no subtitle menu",
            () -> chromium.driver.findElement(By.id("subtitles-choice")).isDisplayed());
        new Select(chromium.driver.findElement(By.id("subtitles"))).selectByVisibleText("English (en)");
        chromium.script("const v = document.getElementById('video'); v.pause(); v.currentTime = 6;");
        // The seek lands asynchronously: until it has, the cue of the old position may still be the active one.
        await(chromium, () -> engine + ": the cue at 6 s is not 'Second line' but '" + activeCueText(chromium)
            + "' (at " + chromium.script("return document.getElementById('video').currentTime") + " s); text tracks "
            + textTracks(chromium), () -> "Second line".equals(activeCueText(chromium)));
        // Within a frame (25 fps) of where the source put it relative to the first frame, in every engine: hls.js
        // keeps the media's timestamps (the first frame at its PTS) and maps the cue through X-TIMESTAMP-MAP; the
        // DASH players put the Period's start, the first frame (presentationTimeOffset), at 0 and read the
        // whole-title file on that timeline.
        double firstFrameOnTimeline = engine.equals("hls") ? firstFrame : 0;
        assertThat(((Number) chromium.script("return Array.from(document.getElementById('video').textTracks)"
            + ".filter(t => t.mode === 'showing')[0].activeCues[0].startTime")).doubleValue())
            .as(engine + ": cue start on the media timeline").isCloseTo(5.0 + firstFrameOnTimeline, within(0.04));
        assertThat(chromium.script("return window.streamkitPlayer.errors")).as(engine).asList().isEmpty();
      }

      // A title packaged before its manifest had the offset: its Period starts at media time 0, where the audio has
      // no segment yet, so the page starts dash.js where every track has one (player.js), and it plays.
      String legacyTitle = TITLE + "-before-offset";
      Path legacy = data.resolve("titles").resolve(legacyTitle);
      try (Stream<Path> files = Files.walk(title)) {
        for (Path file : files.toList()) {
          Files.copy(file, legacy.resolve(title.relativize(file).toString()));
        }
      }
      LegacyDashManifest.rewrite(legacy);
      double legacyAudioStart = Double.parseDouble(audioTimeline.group(3))
          / Double.parseDouble(audioTimeline.group(1));
      assertThat(legacyAudioStart).as("first audio segment start at media time 0").isPositive();
      String legacyToken = PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().viewer("lea")
          .title(legacyTitle).expiresAt(Instant.now().plusSeconds(600)).build());
      chromium.driver.get(base + "/play/" + legacyTitle + "?engine=dashjs&token=" + legacyToken);
      new PlayerPage(chromium).awaitCurrentTimeAbove(1, Duration.ofSeconds(60));
      assertThat(((Number) chromium.script("return window.streamkitPlayer.dashStart")).doubleValue())
          .as("where dash.js started a title without the offset").isCloseTo(legacyAudioStart, within(1e-9));
      assertThat(origin.meterRegistry().find(OriginMetrics.REJECTIONS).counters())
          .as("no request of any player was refused").allMatch(c -> c.count() == 0);
    }
  }

  /** The key frames' presentation times in a rendition, read by ffprobe from its init and media segments joined. */
  private static List<Double> keyframeTimes(Path rendition) throws Exception {
    Path joined = rendition.resolveSibling("joined.mp4");
    try (OutputStream out = Files.newOutputStream(joined)) {
      out.write(Files.readAllBytes(rendition.resolve("init.mp4")));
      for (String line : Files.readAllLines(rendition.resolve("index.m3u8"))) {
        if (!line.isEmpty() && !line.startsWith("#")) {
          out.write(Files.readAllBytes(rendition.resolve(line)));
        }
      }
    }
    String frames = FfmpegTool.ffprobe("-v", "error", "-select_streams", "v:0", "-skip_frame", "nokey",
        "-show_entries", "frame=pts_time", "-of", "csv=p=0", joined.toString());
    Files.delete(joined);
    return frames.lines().filter(l -> !l.isBlank()).map(l -> Double.parseDouble(l.split(",")[0])).sorted().toList();
  }

  /** The option of a menu for a language: labelled with the bare tag or ending in it, as "Français (fr)". */
  private static WebElement option(String menu, String language, HeadlessChromium chromium) {
    return chromium.driver.findElement(By.id(menu)).findElements(By.tagName("option")).stream()
        .filter(o -> o.getText().equals(language) || o.getText().endsWith("(" + language + ")")).findFirst()
        .orElse(null);
  }

  @SuppressWarnings("unchecked")
  private static List<String> requests(HeadlessChromium chromium) {
    return (List<String>) chromium.script("return performance.getEntriesByType('resource').map(e => e.name)"
        + ".filter(n => n.includes('/titles/'))");
  }

  private static String activeCueText(HeadlessChromium chromium) {
    return (String) chromium.script("const tracks = Array.from(document.getElementById('video').textTracks)"
        + ".filter(t => t.mode === 'showing' && t.activeCues && t.activeCues.length > 0);"
        + "return tracks.length === 0 ? null : tracks[0].activeCues[0].text;");
  }

  private static Object textTracks(HeadlessChromium chromium) {
    return chromium.script("return JSON.stringify(Array.from(document.getElementById('video').textTracks)"
        + ".map(t => ({mode: t.mode, cues: t.cues ? Array.from(t.cues).map(c => [c.startTime, c.endTime, c.text])"
        + " : null})))");
  }

  private static void await(HeadlessChromium chromium, Supplier<String> failure, BooleanSupplier done) {
    new WebDriverWait(chromium.driver, Duration.ofSeconds(30)).withMessage(failure).until(d -> done.getAsBoolean());
  }

  private String get(String uri) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(uri)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(uri).isEqualTo(200);
    return response.body();
  }
}
