package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.hls.TitleSubtitles;
import io.streamkit.hls.ingest.IngestWorkers;
import io.streamkit.server.TestVideos;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subtitles added to an already published title through the management API, on a real origin over a title the
 * workers transcoded: SubRip and WebVTT uploads become tracks that the viewer's session master names (with the token
 * spliced in) at the next request, their segments hold the cues; a track is listed and removed; and every refusal is
 * one line naming what to fix, with the title's master playlist left byte for byte as it was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubtitleApiTest {

  private static final String ADMIN_KEY = "subtitle-api-admin-key-0123456789";
  private static final byte[] SECRET = "subtitle-api-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);
  private static final int SOURCE_SECONDS = 6;
  private static final String SRT = "1\n00:00:01,000 --> 00:00:02,500\nHello <i>there</i>\n\n"
      + "2\n00:00:03,000 --> 00:00:05,000\nSecond line\n";
  private static final String VTT = "WEBVTT\n\n00:00.500 --> 00:01.500 line:0\nBonjour\n\n"
      + "00:04.000 --> 00:05.500\nAu revoir\n";

  @TempDir static Path data;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private StreamkitStore store;
  private IngestWorkers workers;
  private OriginServer origin;
  private String id;
  private Path title;
  private String token;

  @BeforeAll
  void publishATranscodedTitle() throws Exception {
    store = StreamkitStore.builder().dataDirectory(data).build();
    workers = IngestWorkers.builder().store(store).dataDirectory(data).node("test-node").ladder(Ladder.small())
        .preset("ultrafast").segmentSeconds(2).pollInterval(Duration.ofMillis(100)).build().start();
    ManagementApi api = ManagementApi.builder().store(store).workers(workers).dataDirectory(data).build();
    origin = OriginServer.builder().dataDirectory(data).port(0).host("127.0.0.1")
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build())
        .adminKey(ADMIN_KEY).store(store).managementApi(api).build().start();
    Path video = TestVideos.make(data.resolve("video.mp4"), SOURCE_SECONDS, 320, 180);
    id = PublishedUpload.publish(http, URI.create("http://127.0.0.1:" + origin.port()), ADMIN_KEY, video, "captions");
    title = data.resolve("titles").resolve(id);
    token = PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().viewer("viewer").title(id)
        .expiresAt(Instant.now().plusSeconds(600)).build());
  }

  @AfterAll
  void stop() {
    if (origin != null) {
      origin.close();
    }
    if (workers != null) {
      workers.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void subtitlesAddedToAPublishedTitleAreServedListedAndRemoved() throws Exception {
    byte[] transcoded = Files.readAllBytes(title.resolve("master.m3u8"));
    assertThat(session("master.m3u8")).doesNotContain("TYPE=SUBTITLES");

    HttpResponse<String> english = upload("?lang=en&label=English&default=true", "application/x-subrip", SRT);
    assertThat(english.statusCode()).as(english.body()).isEqualTo(201);
    assertThat(json.readTree(english.body()).toString())
        .isEqualTo("{\"lang\":\"en\",\"label\":\"English\",\"default\":true,\"uri\":\"subtitles/en/index.m3u8\"}");

    // The origin cached the master above; the rewritten one is served at the next request.
    String master = session("master.m3u8");
    assertThat(master).contains("#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",LANGUAGE=\"en\",NAME=\"English\","
        + "DEFAULT=YES,AUTOSELECT=YES,URI=\"subtitles/en/index.m3u8?token=" + token + "\"");
    assertThat(master.lines().filter(l -> l.startsWith("#EXT-X-STREAM-INF:"))).isNotEmpty()
        .allSatisfy(l -> assertThat(l).endsWith(",SUBTITLES=\"subs\""));
    assertThat(session("subtitles/en/index.m3u8")).contains("seg_00000.vtt?token=" + token)
        .contains("seg_00002.vtt?token=" + token);
    HttpResponse<String> segment = get("/titles/" + id + "/subtitles/en/seg_00000.vtt?token=" + token);
    assertThat(segment.statusCode()).isEqualTo(200);
    assertThat(segment.headers().firstValue("Content-Type")).hasValue("text/vtt; charset=utf-8");
    assertThat(segment.body()).startsWith("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:")
        .contains("00:00:01.000 --> 00:00:02.500\nHello <i>there</i>");
    assertThat(get("/titles/" + id + "/subtitles/en/seg_00001.vtt?token=" + token).body())
        .contains("00:00:03.000 --> 00:00:05.000\nSecond line");
    assertThat(get("/titles/" + id + "/subtitles/en/seg_00000.vtt").statusCode()).as("no token, no subtitles")
        .isEqualTo(403);

    HttpResponse<String> french = upload("?lang=fr&label=Fran%C3%A7ais&default=true", "text/vtt; charset=utf-8",
        VTT);
    assertThat(french.statusCode()).as(french.body()).isEqualTo(201);
    assertThat(get("/titles/" + id + "/subtitles/fr/seg_00000.vtt?token=" + token).body())
        .contains("00:00:00.500 --> 00:00:01.500 line:0\nBonjour");
    JsonNode listed = json.readTree(send(admin("/api/titles/" + id + "/subtitles").build()).body());
    assertThat(listed.toString()).isEqualTo("{\"items\":["
        + "{\"lang\":\"en\",\"label\":\"English\",\"default\":false,\"uri\":\"subtitles/en/index.m3u8\"},"
        + "{\"lang\":\"fr\",\"label\":\"Français\",\"default\":true,\"uri\":\"subtitles/fr/index.m3u8\"}]}");
    assertThat(session("master.m3u8").lines().filter(l -> l.contains("TYPE=SUBTITLES") && l.contains("DEFAULT=YES")))
        .as("one DEFAULT=YES in the group (RFC 8216 section 4.3.4.1.1)").singleElement().asString()
        .contains("LANGUAGE=\"fr\",NAME=\"Français\",DEFAULT=YES");

    assertThat(send(admin("/api/titles/" + id + "/subtitles/fr").DELETE().build()).statusCode()).isEqualTo(204);
    assertThat(session("master.m3u8")).doesNotContain("LANGUAGE=\"fr\"").contains("LANGUAGE=\"en\"");
    assertThat(title.resolve("subtitles/fr")).doesNotExist();
    // The origin keeps files open and trusts them for MediaRoot.FILE_RECHECK, as nginx's open_file_cache_valid.
    Thread.sleep(MediaRoot.FILE_RECHECK.toMillis() + 200);
    assertThat(get("/titles/" + id + "/subtitles/fr/seg_00000.vtt?token=" + token).statusCode()).isEqualTo(404);

    assertThat(send(admin("/api/titles/" + id + "/subtitles/en").DELETE().build()).statusCode()).isEqualTo(204);
    assertThat(session("master.m3u8")).doesNotContain("SUBTITLES");
    assertThat(title.resolve("master.m3u8")).as("the last track gone, the master is as the transcoder wrote it")
        .hasBinaryContent(transcoded);
    assertThat(hiddenOrSubtitleFiles()).isEmpty();
    HttpResponse<String> again = send(admin("/api/titles/" + id + "/subtitles/en").DELETE().build());
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(message(again)).contains("has no subtitle track 'en'");
  }

  @Test
  void everyRefusalSaysWhatToFixAndLeavesTheTitleAsItWas() throws Exception {
    HttpResponse<String> kept = upload("?lang=de&label=Deutsch", "application/x-subrip", SRT);
    assertThat(kept.statusCode()).as(kept.body()).isEqualTo(201);
    byte[] master = Files.readAllBytes(title.resolve("master.m3u8"));
    try {
      byte[] notUtf8 = "1\n00:00:01,000 --> 00:00:02,000\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
      refused(send(admin("/api/titles/" + id + "/subtitles?lang=en&label=English")
          .header("Content-Type", "application/x-subrip").POST(BodyPublishers.ofByteArray(notUtf8)).build()),
          400, "en.srt line 3: byte 0xE9 is not UTF-8; save the file as UTF-8", master);
      refused(upload("?lang=en&label=English", "application/x-subrip", "1\n00:00:01 --> 00:00:02\nHi\n"),
          400, "en.srt line 2: broken timing line '00:00:01 --> 00:00:02'", master);
      refused(upload("?lang=en&label=English", "text/vtt", "WEBVTT\n\n00:00:03.000 --> 00:00:02.000\nBack\n"),
          400, "en.vtt line 3: cue end 00:00:02.000 is before its start 00:00:03.000; fix the timing", master);
      refused(upload("?lang=en&label=English", "text/vtt", "1\n00:00:01,000 --> 00:00:02,000\nHi\n"),
          400, "en.vtt line 1: a WebVTT file must start with WEBVTT", master);
      refused(upload("?lang=en&label=English", "application/x-subrip", SRT + "\n3\n00:00:09,000 --> 00:00:10,000\n"
          + "Too late\n"), 400, "en.srt line 10: cue starts at 00:00:09.000, after the end of the video", master);
      refused(upload("?lang=english1&label=English", "text/vtt", VTT), 400,
          "subtitle language must be a BCP 47 tag such as en, pt-BR or und, got 'english1'", master);
      refused(upload("?lang=en&label=" + "L".repeat(65), "text/vtt", VTT), 400,
          "subtitle label must be 1 to 64 characters", master);
      refused(upload("?lang=en", "text/vtt", VTT), 400, "query parameters lang", master);
      refused(upload("?lang=en&label=English", "text/plain", VTT), 415,
          "send a WebVTT file as text/vtt or a SubRip file as application/x-subrip", master);
      refused(upload("?lang=en&label=English", "text/vtt", "WEBVTT\n\n" + "x".repeat(TitleSubtitles.MAX_FILE_BYTES)),
          413, "more than the " + TitleSubtitles.MAX_FILE_BYTES + " bytes", master);
      refused(upload("?lang=de&label=German", "application/x-subrip", SRT), 409,
          "the title already has a subtitle track in de", master);
      refused(upload("?lang=en&label=Deutsch", "application/x-subrip", SRT), 409,
          "labelled 'Deutsch' already", master);
      refused(send(HttpRequest.newBuilder(uri("/api/titles/" + id + "/subtitles?lang=en&label=English"))
          .header("Content-Type", "text/vtt").POST(BodyPublishers.ofString(VTT)).build()), 401,
          "needs a management credential", master);
      refused(send(admin("/api/titles/" + UUID.randomUUID() + "/subtitles?lang=en&label=English")
          .header("Content-Type", "text/vtt").POST(BodyPublishers.ofString(VTT)).build()), 404, "does not exist",
          master);
      refused(send(admin("/api/titles/" + id + "/subtitles/xx").DELETE().build()), 404,
          "has no subtitle track 'xx'", master);
      assertThat(title.resolve("subtitles")).isDirectoryContaining(p -> p.getFileName().toString().equals("de"));
      try (Stream<Path> files = Files.list(title.resolve("subtitles"))) {
        assertThat(files.map(p -> p.getFileName().toString()).toList()).isEqualTo(List.of("de"));
      }
      assertThat(hiddenOrSubtitleFiles()).containsOnly("subtitles");
    } finally {
      assertThat(send(admin("/api/titles/" + id + "/subtitles/de").DELETE().build()).statusCode()).isEqualTo(204);
    }
  }

  private void refused(HttpResponse<String> response, int status, String message, byte[] master) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(message(response)).contains(message).doesNotContain("\n").doesNotContain(data.toString());
    assertThat(title.resolve("master.m3u8")).hasBinaryContent(master);
  }

  private String message(HttpResponse<String> response) throws Exception {
    return response.body().isEmpty() ? "" : json.readTree(response.body()).path("message").asText();
  }

  /** Names in the title directory that a subtitle edit may leave: hidden staging files and {@code subtitles}. */
  private List<String> hiddenOrSubtitleFiles() throws Exception {
    try (Stream<Path> files = Files.list(title)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(".") || n.equals("subtitles") && !isEmptyDirectory(title.resolve(n))).toList();
    }
  }

  private static boolean isEmptyDirectory(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files.findAny().isEmpty();
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private HttpResponse<String> upload(String query, String contentType, String body) throws Exception {
    return send(admin("/api/titles/" + id + "/subtitles" + query).header("Content-Type", contentType)
        .POST(BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
  }

  private String session(String file) throws Exception {
    HttpResponse<String> response = get("/titles/" + id + "/" + file + "?token=" + token);
    assertThat(response.statusCode()).as(file).isEqualTo(200);
    return response.body();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + origin.port() + path);
  }

  private HttpRequest.Builder admin(String path) {
    return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + ADMIN_KEY);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).build());
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, BodyHandlers.ofString());
  }
}
