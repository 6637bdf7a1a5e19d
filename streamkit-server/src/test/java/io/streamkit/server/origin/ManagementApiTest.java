package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.PageRequest;
import io.streamkit.core.job.IngestJob;
import io.streamkit.core.job.IngestJobQueue;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.hls.Transcoder;
import io.streamkit.hls.ingest.IngestWorkers;
import io.streamkit.server.TestVideos;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The management API over real sockets, on an origin with an H2 store in a fresh data directory. */
class ManagementApiTest {

  private static final String ADMIN_KEY = "test-admin-key-0123456789";
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final long MAX_UPLOAD = 4L << 20;

  @TempDir Path data;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private StreamkitStore store;
  private IngestWorkers workers;
  private OriginServer origin;

  private void start(boolean withWorkers) {
    start(withWorkers, Transcoder.DEFAULT_MAX_SOURCE_DURATION);
  }

  private void start(boolean withWorkers, Duration maxSourceDuration) {
    store = StreamkitStore.builder().dataDirectory(data).build();
    if (withWorkers) {
      workers = IngestWorkers.builder().store(store).dataDirectory(data).node("test-node").ladder(Ladder.small())
          .preset("ultrafast").segmentSeconds(2).maxSourceDuration(maxSourceDuration)
          .pollInterval(Duration.ofMillis(100)).build().start();
    }
    ManagementApi api = ManagementApi.builder().store(store).workers(workers).dataDirectory(data)
        .maxUploadBytes(MAX_UPLOAD).tokenSigner(PlaybackTokenSigner.hs256(SECRET))
        .bodyStallTimeout(Duration.ofSeconds(1)).build();
    origin = OriginServer.builder().dataDirectory(data).port(0).host("127.0.0.1")
        .requestHeadTimeout(Duration.ofSeconds(1))
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build())
        .adminKey(ADMIN_KEY).store(store).managementApi(api).build().start();
  }

  @AfterEach
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

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + origin.port() + path);
  }

  private HttpRequest.Builder admin(String path) {
    return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + ADMIN_KEY);
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, BodyHandlers.ofString());
  }

  private JsonNode body(HttpResponse<String> response) throws IOException {
    return json.readTree(response.body());
  }

  private JsonNode awaitStatus(String id, TitleStatus wanted) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode title = body(send(admin("/api/titles/" + id).build()));
      if (title.path("status").asText().equals(wanted.name())) {
        return title;
      }
      assertThat(title.path("status").asText()).as(title.toString()).isNotEqualTo("FAILED");
      Thread.sleep(100);
    }
    throw new AssertionError("title " + id + " never became " + wanted);
  }

  private JsonNode awaitFailure(String id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode title = body(send(admin("/api/titles/" + id).build()));
      if (title.path("status").asText().equals("FAILED")) {
        return title;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("title " + id + " never failed");
  }

  @Test
  void anUploadThatIsNotVideoFailsWithAOneLineErrorThatKeepsTheServersPathsPrivate() throws Exception {
    start(true);
    byte[] notVideo = "these bytes are a shopping list, not a movie\n".repeat(200).getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> uploaded = send(admin("/api/titles").header("Content-Type", "video/mp4")
        .header("X-Title-Name", "list").header("X-Title-Ladder", "bench").POST(BodyPublishers.ofByteArray(notVideo))
        .build());
    assertThat(uploaded.statusCode()).isEqualTo(202);
    String id = body(uploaded).get("id").asText();

    JsonNode failed = awaitFailure(id);
    String message = failed.get("errorMessage").asText();
    assertThat(message).isNotBlank().doesNotContain("\n").contains("uploaded file")
        .doesNotContain(data.toString());
    assertThat(failed.get("statusReason").asText()).isEqualTo(message);
    assertThat(data.resolve("titles").resolve(id)).doesNotExist();

    HttpResponse<String> retried = send(admin("/api/titles/" + id + "/retry").POST(BodyPublishers.noBody()).build());
    assertThat(retried.statusCode()).isEqualTo(202);
    assertThat(body(retried).get("status").asText()).isEqualTo("PROCESSING");
    assertThat(awaitFailure(id).get("errorMessage").asText())
        .as("the retried transcode ran and failed the same way").isEqualTo(message);
    assertThat(IngestJobQueue.in(store).forTitle(UUID.fromString(id))).extracting(IngestJob::ladder)
        .as("the retry keeps the ladder the upload named").containsExactly("bench", "bench");
  }

  @Test
  void anUploadLongerThanTheWorkersTakeFailsSayingSoAndPublishesNothing() throws Exception {
    start(true, Duration.ofSeconds(3));
    Path video = TestVideos.make(data.resolve("clip.mp4"), 4, 320, 180);

    HttpResponse<String> uploaded = send(admin("/api/titles").header("Content-Type", "video/mp4")
        .header("X-Title-Name", "too long").POST(BodyPublishers.ofFile(video)).build());
    assertThat(uploaded.statusCode()).isEqualTo(202);
    String id = body(uploaded).get("id").asText();

    assertThat(awaitFailure(id).get("errorMessage").asText()).isEqualTo("the uploaded file lasts 0:00:04, longer than"
        + " the 0:00:03 this transcode takes; cut it into parts, or raise maxSourceDuration (--max-source-hours)");
    assertThat(data.resolve("titles").resolve(id)).doesNotExist();
  }

  @Test
  void aRejectionKeepsItsReasonAndOnlyTheMovesTheWorkflowAllowsAreAccepted() throws Exception {
    start(false);
    String id = store.catalog().create("to review", "").id().toString();
    assertThat(send(admin("/api/titles/" + id + "/retry").POST(BodyPublishers.noBody()).build()).statusCode())
        .as("an UPLOADED title has not failed").isEqualTo(409);
    HttpResponse<String> noReason = send(admin("/api/titles/" + id + "/reject")
        .POST(BodyPublishers.ofString("{\"reason\":\"two\\nlines\"}")).build());
    assertThat(noReason.statusCode()).isEqualTo(400);

    HttpResponse<String> rejected = send(admin("/api/titles/" + id + "/reject")
        .POST(BodyPublishers.ofString("{\"reason\":\"contains a logo we have no licence for\"}")).build());
    assertThat(rejected.statusCode()).isEqualTo(200);
    JsonNode stored = body(send(admin("/api/titles/" + id).build()));
    assertThat(stored.get("status").asText()).isEqualTo("REJECTED");
    assertThat(stored.get("statusReason").asText()).isEqualTo("contains a logo we have no licence for");
    for (String move : new String[] {"publish", "unpublish", "retry"}) {
      HttpResponse<String> refused = send(admin("/api/titles/" + id + "/" + move).POST(BodyPublishers.noBody())
          .build());
      assertThat(refused.statusCode()).as(move).isEqualTo(409);
      assertThat(body(refused).get("message").asText()).as(move).contains("REJECTED");
    }
  }

  @Test
  void anUnfinishedTusUploadExpiresAfterItsRetention() throws Exception {
    start(false);
    HttpResponse<String> created = send(admin("/api/uploads").header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "100").POST(BodyPublishers.noBody()).build());
    assertThat(created.headers().firstValue("Upload-Expires")).isPresent();
    String location = created.headers().firstValue("Location").orElseThrow();
    String id = location.substring(location.lastIndexOf('/') + 1);
    HttpResponse<String> patched = send(admin(location).header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "0").header("Content-Type", "application/offset+octet-stream")
        .method("PATCH", BodyPublishers.ofByteArray(new byte[40])).build());
    assertThat(patched.statusCode()).isEqualTo(204);
    Instant expires = Instant.from(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.parse(
        patched.headers().firstValue("Upload-Expires").orElseThrow()));
    assertThat(expires).isBetween(Instant.now().plus(Duration.ofHours(23)), Instant.now().plus(Duration.ofHours(25)));

    Path upload = data.resolve("uploads").resolve("tus").resolve(id);
    Files.setLastModifiedTime(upload.resolve("data"), java.nio.file.attribute.FileTime.from(
        Instant.now().minus(Duration.ofHours(25))));
    HttpResponse<String> head = send(admin(location).header("Tus-Resumable", "1.0.0")
        .method("HEAD", BodyPublishers.noBody()).build());
    assertThat(head.statusCode()).isEqualTo(404);
    assertThat(upload).doesNotExist();
  }

  @Test
  void uploadTranscodesThenPreviewPublishAndPlay() throws Exception {
    start(true);
    Path video = TestVideos.make(data.resolve("clip.mp4"), 4, 320, 180);

    HttpResponse<String> uploaded = send(admin("/api/titles").header("Content-Type", "video/mp4")
        .header("X-Title-Name", "Caf%C3%A9%20clip").POST(BodyPublishers.ofFile(video)).build());

    assertThat(uploaded.statusCode()).isEqualTo(202);
    JsonNode title = body(uploaded);
    String id = title.get("id").asText();
    assertThat(title.get("status").asText()).isEqualTo("UPLOADED");
    assertThat(title.get("name").asText()).isEqualTo("Café clip");
    assertThat(uploaded.headers().firstValue("Location")).hasValue("/api/titles/" + id);
    assertThat(uploaded.headers().firstValue("Cache-Control")).hasValue("no-store");

    JsonNode ready = awaitStatus(id, TitleStatus.READY);
    assertThat(ready.get("progressPercent").asInt()).isEqualTo(100);
    assertThat(ready.get("durationSeconds").asDouble()).isBetween(3.5, 4.5);
    assertThat(ready.get("renditions")).isNotEmpty();
    assertThat(ready.get("renditions").get(0).get("height").asInt()).isEqualTo(180);
    assertThat(data.resolve("titles").resolve(id).resolve("master.m3u8")).exists();
    assertThat(IngestWorkers.sourceFile(data, UUID.fromString(id))).doesNotExist();

    JsonNode preview = body(send(admin("/api/titles/" + id + "/playback")
        .POST(BodyPublishers.ofString("{\"viewerId\":\"moderator\",\"ttlSeconds\":600}")).build()));
    assertThat(preview.get("preview").asBoolean()).isTrue();
    assertThat(preview.get("playerUrl").asText()).startsWith("/play/" + id + "?token=");
    String viewerToken = PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().viewer("alice").title(id)
        .expiresAt(Instant.now().plusSeconds(600)).build());
    assertThat(get(preview.get("masterUrl").asText()).statusCode()).isEqualTo(200);
    assertThat(get("/titles/" + id + "/master.m3u8?token=" + viewerToken).statusCode())
        .as("viewers cannot play a title before it is published").isEqualTo(403);

    HttpResponse<String> published =
        send(admin("/api/titles/" + id + "/publish").POST(BodyPublishers.noBody()).build());
    assertThat(published.statusCode()).isEqualTo(200);
    assertThat(body(published).get("status").asText()).isEqualTo("PUBLISHED");
    assertThat(get("/titles/" + id + "/master.m3u8?token=" + viewerToken).statusCode())
        .as("a publish on this node takes effect at once").isEqualTo(200);

    HttpResponse<String> unpublished =
        send(admin("/api/titles/" + id + "/unpublish").POST(BodyPublishers.noBody()).build());
    assertThat(body(unpublished).get("status").asText()).isEqualTo("READY");
    assertThat(get("/titles/" + id + "/master.m3u8?token=" + viewerToken).statusCode())
        .as("viewers lose an unpublished title at once").isEqualTo(403);
    assertThat(send(admin("/api/titles/" + id + "/unpublish").POST(BodyPublishers.noBody()).build()).statusCode())
        .as("a READY title cannot be unpublished").isEqualTo(409);
    assertThat(send(admin("/api/titles/" + id + "/publish").POST(BodyPublishers.noBody()).build()).statusCode())
        .isEqualTo(200);
    JsonNode playback = body(send(admin("/api/titles/" + id + "/playback")
        .POST(BodyPublishers.ofString("{\"viewerId\":\"alice\",\"ttlSeconds\":600,\"maxHeight\":180}")).build()));
    assertThat(playback.get("preview").asBoolean()).isFalse();
    assertThat(get(playback.get("masterUrl").asText()).body()).contains("#EXT-X-STREAM-INF");
    HttpResponse<String> dash = get(playback.get("dashUrl").asText());
    assertThat(dash.statusCode()).as("a clear fMP4 title is also offered as DASH").isEqualTo(200);
    assertThat(dash.headers().firstValue("Content-Type")).hasValue("application/dash+xml");
    assertThat(dash.body()).contains("<Representation").contains("init.mp4?token=");
    String token = playback.get("token").asText();
    assertThat(playback.get("storyboardUrl").asText())
        .isEqualTo("/titles/" + id + "/storyboard/storyboard.vtt?token=" + token);
    HttpResponse<String> storyboard = get(playback.get("storyboardUrl").asText());
    assertThat(storyboard.statusCode()).isEqualTo(200);
    assertThat(storyboard.body()).startsWith("WEBVTT\n").contains("sheet_000.jpg?token=" + token + "#xywh=");
    assertThat(get("/titles/" + id + "/storyboard/sheet_000.jpg?token=" + token).headers()
        .firstValue("Content-Type")).hasValue("image/jpeg");

    JsonNode listed = body(send(admin("/api/titles?status=PUBLISHED&size=5").build()));
    assertThat(listed.get("total").asInt()).isEqualTo(1);
    assertThat(listed.get("items").get(0).get("id").asText()).isEqualTo(id);

    assertThat(send(admin("/api/titles/" + id).DELETE().build()).statusCode()).isEqualTo(204);
    assertThat(send(admin("/api/titles/" + id).build()).statusCode()).isEqualTo(404);
    assertThat(data.resolve("titles").resolve(id)).doesNotExist();
  }

  @Test
  void anUploadThatNamesALadderIsTranscodedToItAndAnUnknownNameIsRefusedBeforeItsBody() throws Exception {
    start(true);
    Path video = TestVideos.make(data.resolve("clip.mp4"), 4, 640, 360);
    String auto = Base64.getEncoder().encodeToString("auto".getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> bench = send(admin("/api/titles").header("Content-Type", "video/mp4")
        .header("X-Title-Name", "bench").header("X-Title-Ladder", "Bench").POST(BodyPublishers.ofFile(video)).build());
    HttpResponse<String> unnamed = send(admin("/api/titles").header("Content-Type", "video/mp4")
        .header("X-Title-Name", "default").POST(BodyPublishers.ofFile(video)).build());
    HttpResponse<String> created = send(admin("/api/uploads").header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", Long.toString(Files.size(video))).header("Upload-Metadata", "ladder " + auto)
        .POST(BodyPublishers.noBody()).build());
    HttpResponse<String> finished = send(admin(created.headers().firstValue("Location").orElseThrow())
        .header("Tus-Resumable", "1.0.0").header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .method("PATCH", BodyPublishers.ofFile(video)).build());
    int titlesBefore = store.catalog().list(PageRequest.first(100)).items().size();
    HttpResponse<String> file = send(admin("/api/titles").header("Content-Type", "video/mp4")
        .header("X-Title-Ladder", "/etc/streamkit/ladder.txt").POST(BodyPublishers.ofFile(video)).build());

    assertThat(bench.statusCode()).isEqualTo(202);
    assertThat(finished.statusCode()).isEqualTo(204);
    String autoId = finished.headers().firstValue("X-Title-Id").orElseThrow();
    // From 360p: bench's next rung is 240p, the Apple ladder's (auto below 20 s: its candidates) 234p, small's 180p.
    assertThat(renditionHeights(awaitStatus(body(bench).get("id").asText(), TitleStatus.READY)))
        .containsExactly(360, 240);
    assertThat(renditionHeights(awaitStatus(body(unnamed).get("id").asText(), TitleStatus.READY)))
        .as("the workers' default, small").containsExactly(360, 180);
    assertThat(renditionHeights(awaitStatus(autoId, TitleStatus.READY))).containsExactly(360, 234);
    assertError(file, 400, "bad_request", "ladder '/etc/streamkit/ladder.txt' is not one of apple, bench, small, auto");
    assertThat(store.catalog().list(PageRequest.first(100)).items()).as("nothing admitted").hasSize(titlesBefore);
  }

  private static List<Integer> renditionHeights(JsonNode title) {
    List<Integer> heights = new ArrayList<>();
    title.get("renditions").forEach(r -> heights.add(r.get("height").asInt()));
    return heights;
  }

  @Test
  void anAudioUploadBecomesAnAudioOnlyTitleThatPlaysWithAToken() throws Exception {
    start(true);
    Path audio = TestVideos.makeAudio(data.resolve("episode.mp3"), 5);

    HttpResponse<String> uploaded = send(admin("/api/titles").header("Content-Type", "audio/mpeg")
        .header("X-Title-Name", "Episode%201").POST(BodyPublishers.ofFile(audio)).build());
    assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(202);
    String id = body(uploaded).get("id").asText();

    JsonNode ready = awaitStatus(id, TitleStatus.READY);
    assertThat(ready.get("durationSeconds").asDouble()).isBetween(4.9, 5.1);
    assertThat(ready.get("renditions")).singleElement().satisfies(r -> {
      assertThat(r.get("width").asInt()).isZero();
      assertThat(r.get("height").asInt()).isZero();
      assertThat(r.get("frameRate").asDouble()).isZero();
      assertThat(r.get("codecs").asText()).isEqualTo("mp4a.40.2");
    });
    assertThat(ready.get("posterPath").isNull()).as("no picture, no poster").isTrue();
    Title stored = store.catalog().get(UUID.fromString(id)).orElseThrow();
    assertThat(stored.sourceIfKnown()).hasValueSatisfying(s -> {
      assertThat(s.videoCodec()).isNull();
      assertThat(s.audioCodec()).isEqualTo("mp3");
    });

    assertThat(send(admin("/api/titles/" + id + "/publish").POST(BodyPublishers.noBody()).build()).statusCode())
        .isEqualTo(200);
    JsonNode playback = body(send(admin("/api/titles/" + id + "/playback")
        .POST(BodyPublishers.ofString("{\"viewerId\":\"alice\",\"ttlSeconds\":600,\"maxHeight\":360}")).build()));
    assertThat(playback.has("storyboardUrl")).as("an audio-only title has no storyboard").isFalse();
    String token = playback.get("token").asText();
    String master = get(playback.get("masterUrl").asText()).body();
    assertThat(master).as("a height cap keeps audio-only variants")
        .contains("CODECS=\"mp4a.40.2\"").contains("audio/index.m3u8?token=" + token).doesNotContain("RESOLUTION");
    HttpResponse<String> media = get("/titles/" + id + "/audio/index.m3u8?token=" + token);
    assertThat(media.statusCode()).isEqualTo(200);
    String segment = media.body().lines().filter(l -> l.startsWith("seg_")).findFirst().orElseThrow();
    HttpResponse<String> first = get("/titles/" + id + "/audio/" + segment);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("Content-Type")).hasValue("video/iso.segment");
    HttpResponse<String> dash = get(playback.get("dashUrl").asText());
    assertThat(dash.statusCode()).isEqualTo(200);
    assertThat(dash.body()).contains("contentType=\"audio\"").doesNotContain("contentType=\"video\"");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).build());
  }

  @Test
  void errorsAreOneLineJsonWithTheRightStatus() throws Exception {
    start(false);
    Title uploaded = store.catalog().create("Waiting", "");

    HttpResponse<String> noKey = send(HttpRequest.newBuilder(uri("/api/titles")).build());
    HttpResponse<String> wrongKey = send(HttpRequest.newBuilder(uri("/api/titles"))
        .header("Authorization", "Bearer wrong-key-wrong-key-wrong").build());
    HttpResponse<String> unknown = send(admin("/api/titles/" + UUID.randomUUID()).build());
    HttpResponse<String> notUuid = send(admin("/api/titles/nope").build());
    HttpResponse<String> illegal = send(admin("/api/titles/" + uploaded.id() + "/publish")
        .POST(BodyPublishers.noBody()).build());
    HttpResponse<String> badJson = send(admin("/api/titles/" + uploaded.id() + "/reject")
        .POST(BodyPublishers.ofString("{reason")).build());
    HttpResponse<String> notPlayable = send(admin("/api/titles/" + uploaded.id() + "/playback")
        .POST(BodyPublishers.ofString("{\"viewerId\":\"alice\"}")).build());
    HttpResponse<String> badStatus = send(admin("/api/titles?status=LIVE").build());
    HttpResponse<String> notVideo = send(admin("/api/titles").header("Content-Type", "text/plain")
        .POST(BodyPublishers.ofString("hello")).build());

    assertError(noKey, 401, "unauthorized", "Authorization: Bearer");
    assertError(wrongKey, 401, "unauthorized", "admin key");
    assertError(unknown, 404, "not_found", "does not exist");
    assertError(notUuid, 404, "not_found", "'nope'");
    assertError(illegal, 409, "illegal_transition", "is UPLOADED and cannot become PUBLISHED");
    assertError(badJson, 400, "bad_request", "not valid JSON");
    assertError(notPlayable, 409, "not_playable", "is UPLOADED");
    assertError(badStatus, 400, "bad_request", "'LIVE'");
    assertError(notVideo, 415, "unsupported_media_type", "text/plain");
    HttpResponse<String> tusNoKey = send(HttpRequest.newBuilder(uri("/api/uploads")).header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "10").POST(BodyPublishers.noBody()).build());
    assertError(tusNoKey, 401, "unauthorized", "admin key");
    assertThat(tusNoKey.headers().firstValue("Tus-Resumable")).as("tus 1.0 on every answer").hasValue("1.0.0");

    HttpResponse<String> rejected = send(admin("/api/titles/" + uploaded.id() + "/reject")
        .POST(BodyPublishers.ofString("{\"reason\":\"not ours\"}")).build());
    assertThat(rejected.statusCode()).isEqualTo(200);
    assertThat(body(rejected).get("status").asText()).isEqualTo("REJECTED");
  }

  private void assertError(HttpResponse<String> response, int status, String code, String messagePart)
      throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> v.startsWith("application/json"));
    JsonNode error = body(response);
    assertThat(error.get("error").asText()).isEqualTo(code);
    assertThat(error.get("message").asText()).contains(messagePart).doesNotContain("\n").doesNotContain("Exception");
  }

  @Test
  void uploadsOverTheLimitGet413AndLeaveNoFile() throws Exception {
    start(false);
    byte[] tooBig = new byte[(int) MAX_UPLOAD + 1];

    HttpResponse<String> declared = send(admin("/api/titles").header("Content-Type", "video/mp4")
        .POST(BodyPublishers.ofByteArray(tooBig)).build());
    // Without a length up front the limit is found while streaming.
    HttpResponse<String> streamed = send(admin("/api/titles").header("Content-Type", "video/mp4")
        .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(tooBig))).build());
    HttpResponse<String> tus = send(admin("/api/uploads").header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", Long.toString(MAX_UPLOAD + 1)).POST(BodyPublishers.noBody()).build());

    assertError(declared, 413, "too_large", "--max-upload-bytes");
    assertError(streamed, 413, "too_large", "--max-upload-bytes");
    assertError(tus, 413, "too_large", "--max-upload-bytes");
    assertThat(filesUnder(data.resolve("uploads"))).isEmpty();
    assertThat(store.catalog().list(PageRequest.first(10)).items()).isEmpty();
    // The connection still works after a refused upload.
    assertThat(send(admin("/api/titles").build()).statusCode()).isEqualTo(200);
  }

  private static List<Path> filesUnder(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void aTusUploadCutAt60PercentResumesToCompletionWithTheSameBytes() throws Exception {
    start(false);
    byte[] file = new byte[3 << 20];
    new Random(7).nextBytes(file);
    String name = Base64.getEncoder().encodeToString("Resumed".getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> options = send(HttpRequest.newBuilder(uri("/api/uploads"))
        .method("OPTIONS", BodyPublishers.noBody()).build());
    assertThat(options.headers().firstValue("Tus-Version")).hasValue("1.0.0");
    assertThat(options.headers().firstValue("Tus-Extension")).hasValue("creation,termination,expiration");
    assertThat(options.headers().firstValue("Tus-Max-Size")).hasValue(Long.toString(MAX_UPLOAD));

    HttpResponse<String> created = send(admin("/api/uploads").header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", Integer.toString(file.length)).header("Upload-Metadata", "name " + name)
        .POST(BodyPublishers.noBody()).build());
    assertThat(created.statusCode()).isEqualTo(201);
    String location = created.headers().firstValue("Location").orElseThrow();

    int cut = file.length * 6 / 10;
    try (Socket socket = new Socket("127.0.0.1", origin.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("PATCH " + location + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ADMIN_KEY
          + "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
          + "Content-Length: " + file.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(file, 0, cut);
      out.flush();
      Thread.sleep(300);
    }

    long offset = awaitOffset(location, cut);
    assertThat(offset).isEqualTo(cut);
    HttpResponse<String> wrongOffset = send(admin(location).header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "0").header("Content-Type", "application/offset+octet-stream")
        .method("PATCH", BodyPublishers.ofByteArray(file)).build());
    assertThat(wrongOffset.statusCode()).isEqualTo(409);

    HttpResponse<String> rest = send(admin(location).header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", Long.toString(offset)).header("Content-Type", "application/offset+octet-stream")
        .method("PATCH", BodyPublishers.ofByteArray(Arrays.copyOfRange(file, (int) offset, file.length))).build());

    assertThat(rest.statusCode()).isEqualTo(204);
    assertThat(rest.headers().firstValue("Upload-Offset")).hasValue(Integer.toString(file.length));
    UUID titleId = UUID.fromString(rest.headers().firstValue("X-Title-Id").orElseThrow());
    assertThat(store.catalog().get(titleId).orElseThrow().name()).isEqualTo("Resumed");
    assertThat(store.catalog().get(titleId).orElseThrow().status()).isEqualTo(TitleStatus.UPLOADED);
    assertThat(sha256(Files.readAllBytes(IngestWorkers.sourceFile(data, titleId)))).isEqualTo(sha256(file));
    assertThat(send(admin(location).header("Tus-Resumable", "1.0.0").method("HEAD", BodyPublishers.noBody())
        .build()).statusCode()).as("a finished upload is gone").isEqualTo(404);
  }

  @Test
  void aCatalogFailureOnTheLastPatchKeepsTheUploadForARetry() throws Exception {
    start(false);
    byte[] file = new byte[256 * 1024];
    new Random(11).nextBytes(file);
    HttpResponse<String> created = send(admin("/api/uploads").header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", Integer.toString(file.length)).POST(BodyPublishers.noBody()).build());
    String location = created.headers().firstValue("Location").orElseThrow();

    // The catalog refuses every new title for a while, as a database that is failing would.
    try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE streamkit_titles ADD CONSTRAINT no_new_titles CHECK (FALSE) NOCHECK");
    }
    HttpResponse<String> refused = send(admin(location).header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "0").header("Content-Type", "application/offset+octet-stream")
        .method("PATCH", BodyPublishers.ofByteArray(file)).build());
    assertThat(refused.statusCode()).as(refused.body()).isGreaterThanOrEqualTo(500);
    assertThat(refused.body()).doesNotContain("Exception").doesNotContain("CHECK");
    assertThat(store.catalog().list(new PageRequest(0, 10)).items()).as("no half-made title").isEmpty();
    HttpResponse<String> kept = send(admin(location).header("Tus-Resumable", "1.0.0")
        .method("HEAD", BodyPublishers.noBody()).build());
    assertThat(kept.headers().firstValue("Upload-Offset")).as("the bytes are kept")
        .hasValue(Integer.toString(file.length));

    try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE streamkit_titles DROP CONSTRAINT no_new_titles");
    }
    HttpResponse<String> retried = send(admin(location).header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", Integer.toString(file.length))
        .header("Content-Type", "application/offset+octet-stream")
        .method("PATCH", BodyPublishers.noBody()).build());
    assertThat(retried.statusCode()).isEqualTo(204);
    UUID titleId = UUID.fromString(retried.headers().firstValue("X-Title-Id").orElseThrow());
    assertThat(sha256(Files.readAllBytes(IngestWorkers.sourceFile(data, titleId)))).isEqualTo(sha256(file));
  }

  /** The server sees the cut connection a moment after the client closes it. */
  private long awaitOffset(String location, long expected) throws Exception {
    long offset = -1;
    for (int i = 0; i < 50 && offset != expected; i++) {
      HttpResponse<String> head = send(admin(location).header("Tus-Resumable", "1.0.0")
          .method("HEAD", BodyPublishers.noBody()).build());
      assertThat(head.statusCode()).isEqualTo(200);
      offset = Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
      Thread.sleep(100);
    }
    return offset;
  }

  @Test
  void anExpectContinueUploadSlowerThanTheRequestHeadTimeoutStillCompletes() throws Exception {
    start(false);
    byte[] file = new byte[64 * 1024];
    new Random(3).nextBytes(file);
    try (Socket socket = new Socket("127.0.0.1", origin.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(("POST /api/titles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ADMIN_KEY
          + "\r\nContent-Type: video/mp4\r\nExpect: 100-continue\r\nContent-Length: " + file.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readHead(in)).startsWith("HTTP/1.1 100 Continue");
      int quarter = file.length / 4;
      for (int i = 0; i < 4; i++) {
        out.write(file, i * quarter, quarter);
        out.flush();
        Thread.sleep(600);
      }
      assertThat(readHead(in)).startsWith("HTTP/1.1 202");
    }
    Title title = store.catalog().list(PageRequest.first(1)).items().get(0);
    assertThat(Files.readAllBytes(IngestWorkers.sourceFile(data, title.id()))).isEqualTo(file);
  }

  @Test
  void anUploaderThatStopsSendingIsDisconnectedAndItsTusBytesAreKept() throws Exception {
    start(false);
    HttpResponse<String> created = send(admin("/api/uploads").header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "100000").POST(BodyPublishers.noBody()).build());
    String location = created.headers().firstValue("Location").orElseThrow();
    try (Socket socket = new Socket("127.0.0.1", origin.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("PATCH " + location + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ADMIN_KEY
          + "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
          + "Content-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[1000]);
      out.flush();
      long started = System.nanoTime();

      assertThat(socket.getInputStream().read()).as("the server closes the stalled connection").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(900),
          Duration.ofSeconds(5));
    }
    assertThat(awaitOffset(location, 1000)).isEqualTo(1000);
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
