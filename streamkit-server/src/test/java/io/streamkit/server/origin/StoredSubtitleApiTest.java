package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.storage.ForwardingStorage;
import io.streamkit.core.storage.MediaStorage;
import io.streamkit.core.storage.StoredObject;
import io.streamkit.core.storage.TitleVersions;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.hls.ingest.IngestWorkers;
import io.streamkit.server.TestVideos;
import io.streamkit.storage.s3.S3ProxyServer;
import io.streamkit.storage.s3.S3Storage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subtitles of a title kept in S3 (a real S3 server, s3proxy), edited through the management API: each edit publishes
 * a new version of the title that the viewer's session master names at once (the token spliced into the subtitle
 * URIs), whose cue files are served; only the subtitle files and the rewritten playlists are uploaded (the segments
 * are copied inside the bucket), and the version the title showed before is left exactly as it was until a later
 * edit's sweep finds it idle past the workers' grace. A bad file is refused with the line to fix and publishes
 * nothing; edits sent at once both land.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoredSubtitleApiTest {

  private static final String ADMIN_KEY = "stored-subtitle-admin-key-0123456789";
  private static final byte[] SECRET = "stored-subtitle-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);
  private static final String SRT = "1\n00:00:01,000 --> 00:00:02,500\nHello <i>there</i>\n\n"
      + "2\n00:00:03,000 --> 00:00:05,000\nSecond line\n";
  private static final Duration ORPHAN_GRACE = Duration.ofSeconds(1);
  private static final String VTT = "WEBVTT\n\n00:00.500 --> 00:01.500\nBonjour\n";

  @TempDir static Path data;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final List<String> puts = new CopyOnWriteArrayList<>();
  private S3ProxyServer s3;
  private S3Storage bucket;
  private TitleVersions versions;
  private StreamkitStore store;
  private IngestWorkers workers;
  private OriginServer origin;
  private String id;
  private String titleKey;
  private String token;

  @BeforeAll
  void publishATranscodedTitleInTheBucket() throws Exception {
    s3 = S3ProxyServer.start(data.resolve("s3"), "media");
    bucket = s3.storage("s3://media/streamkit").build();
    versions = new TitleVersions(bucket);
    MediaStorage recording = new ForwardingStorage(bucket) {
      @Override
      public void put(String key, Path file) {
        puts.add(key);
        super.put(key, file);
      }

      @Override
      public void put(String key, byte[] content) {
        puts.add(key);
        super.put(key, content);
      }
    };
    store = StreamkitStore.builder().dataDirectory(data).build();
    workers = IngestWorkers.builder().store(store).dataDirectory(data).storage(recording).node("test-node")
        .orphanGrace(ORPHAN_GRACE).ladder(Ladder.small()).preset("ultrafast").segmentSeconds(2)
        .pollInterval(Duration.ofMillis(100)).build()
        .start();
    ManagementApi api = ManagementApi.builder().store(store).workers(workers).dataDirectory(data).storage(recording)
        .build();
    origin = OriginServer.builder().dataDirectory(data).storage(recording).port(0).host("127.0.0.1")
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build())
        .adminKey(ADMIN_KEY).store(store).managementApi(api).build().start();
    Path video = TestVideos.make(data.resolve("video.mp4"), 6, 320, 180);
    id = PublishedUpload.publish(http, URI.create("http://127.0.0.1:" + origin.port()), ADMIN_KEY, video,
        "stored captions");
    titleKey = "titles/" + id;
    token = PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().viewer("viewer").title(id)
        .expiresAt(Instant.now().plusSeconds(600)).build());
  }

  @AfterAll
  void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {origin, workers, store, bucket, s3}) {
      if (closeable != null) {
        try {
          closeable.close();
        } catch (Exception e) {
          // the test's own outcome is the one to report
        }
      }
    }
  }

  @Test
  void aTrackAddedToAStoredTitleIsANewVersionServedAtOnceAndRemovedTheSameWay() throws Exception {
    String original = versions.current(titleKey).orElseThrow();
    Map<String, String> originalObjects = objects(original);
    assertThat(originalObjects).containsKey("manifest.mpd");
    assertThat(originalObjects.keySet()).noneMatch(file -> file.startsWith("subtitles/"));
    assertThat(session("master.m3u8")).doesNotContain("TYPE=SUBTITLES");
    puts.clear();

    HttpResponse<String> added = upload("?lang=en&label=English&default=true", "application/x-subrip", SRT);

    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    assertThat(json.readTree(added.body()).path("uri").asText()).isEqualTo("subtitles/en/index.m3u8");
    String withTrack = versions.current(titleKey).orElseThrow();
    assertThat(withTrack).isNotEqualTo(original);
    // Served from the next request on, the token spliced into the subtitle URIs.
    String master = session("master.m3u8");
    assertThat(master).contains("#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",LANGUAGE=\"en\",NAME=\"English\","
        + "DEFAULT=YES,AUTOSELECT=YES,URI=\"subtitles/en/index.m3u8?token=" + token + "\"");
    assertThat(master.lines().filter(l -> l.startsWith("#EXT-X-STREAM-INF:")))
        .isNotEmpty().allMatch(l -> l.contains("SUBTITLES=\"subs\""));
    assertThat(session("subtitles/en/index.m3u8")).contains("seg_00000.vtt?token=" + token);
    assertThat(session("subtitles/en/seg_00000.vtt")).startsWith("WEBVTT").contains("X-TIMESTAMP-MAP=MPEGTS:")
        .contains("Hello <i>there</i>");
    assertThat(session("manifest.mpd")).contains("contentType=\"text\"").contains("<Label>English</Label>");
    assertThat(get("/titles/" + id + "/subtitles/en/seg_00000.vtt").statusCode()).as("no token, no subtitles")
        .isEqualTo(403);
    assertThat(trackLanguages()).containsExactly("en");
    // Uploaded: the track's files and the two playlists that name it, then the pointer; the segments were copied.
    String prefix = titleKey + "/" + withTrack + "/";
    assertThat(puts).allMatch(key -> key.startsWith(prefix + "subtitles/en/") || key.equals(prefix + "master.m3u8")
        || key.equals(prefix + "manifest.mpd") || key.equals(titleKey + "/" + TitleVersions.POINTER))
        .contains(prefix + "master.m3u8", prefix + "subtitles/en/seg_00000.vtt")
        .endsWith(titleKey + "/" + TitleVersions.POINTER);
    Map<String, String> withTrackObjects = objects(withTrack);
    originalObjects.forEach((file, content) -> {
      if (!file.equals("master.m3u8") && !file.equals("manifest.mpd")) {
        assertThat(withTrackObjects).as(file).containsEntry(file, content);
      }
    });
    assertThat(objects(original)).as("the version viewers had is untouched").isEqualTo(originalObjects);
    // S3 times objects to the second: wait until the transcoder's version is surely idle for longer than the grace.
    Instant originalWritten = bucket.list(titleKey + "/" + original).stream().map(StoredObject::lastModified)
        .max(Comparator.naturalOrder()).orElseThrow();
    long idle = Duration.between(Instant.now(), originalWritten.plus(ORPHAN_GRACE).plusSeconds(1)).toMillis();
    if (idle > 0) {
      Thread.sleep(idle);
    }

    assertThat(send(admin("/api/titles/" + id + "/subtitles/en").DELETE().build()).statusCode()).isEqualTo(204);

    assertThat(session("master.m3u8")).doesNotContain("SUBTITLES");
    assertThat(session("manifest.mpd")).doesNotContain("contentType=\"text\"");
    assertThat(get("/titles/" + id + "/subtitles/en/seg_00000.vtt?token=" + token).statusCode()).isEqualTo(404);
    assertThat(trackLanguages()).isEmpty();
    String withoutTrack = versions.current(titleKey).orElseThrow();
    assertThat(objects(withoutTrack)).as("back to the transcoder's files").isEqualTo(originalObjects);
    assertThat(bucket.list(titleKey)).extracting(StoredObject::key)
        .as("the sweep before the edit removed the version replaced earlier, idle past the workers' grace, and kept"
            + " the one this edit replaced")
        .noneMatch(key -> key.startsWith(titleKey + "/" + original + "/"))
        .anyMatch(key -> key.startsWith(titleKey + "/" + withTrack + "/"))
        .anyMatch(key -> key.startsWith(titleKey + "/" + withoutTrack + "/"));
    HttpResponse<String> again = send(admin("/api/titles/" + id + "/subtitles/en").DELETE().build());
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(message(again)).contains("has no subtitle track 'en'");
  }

  @Test
  void aBadFileIsRefusedWithItsLineAndPublishesNothing() throws Exception {
    String before = versions.current(titleKey).orElseThrow();
    Set<String> versionsBefore = versionsInBucket();

    HttpResponse<String> refused = upload("?lang=en&label=English", "application/x-subrip",
        "1\n00:00:01 --> 00:00:02\nNo milliseconds\n");

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(message(refused)).contains("en.srt line 2: broken timing line '00:00:01 --> 00:00:02'")
        .doesNotContain("\n").doesNotContain(data.toString());
    assertThat(versions.current(titleKey)).contains(before);
    assertThat(versionsBefore).as("no version was added").containsAll(versionsInBucket());
  }

  @Test
  void tracksAddedAtOnceAreBothKept() throws Exception {
    CompletableFuture<HttpResponse<String>> english = CompletableFuture.supplyAsync(() -> uploadQuietly(
        "?lang=en&label=English", "application/x-subrip", SRT));
    CompletableFuture<HttpResponse<String>> french = CompletableFuture.supplyAsync(() -> uploadQuietly(
        "?lang=fr&label=Fran%C3%A7ais", "text/vtt", VTT));

    try {
      assertThat(english.join().statusCode()).as(english.join().body()).isEqualTo(201);
      assertThat(french.join().statusCode()).as(french.join().body()).isEqualTo(201);
      assertThat(trackLanguages()).containsExactlyInAnyOrder("en", "fr");
      String master = session("master.m3u8");
      assertThat(master).contains("LANGUAGE=\"en\"").contains("LANGUAGE=\"fr\"");
      assertThat(session("subtitles/fr/seg_00000.vtt")).contains("Bonjour");
    } finally {
      send(admin("/api/titles/" + id + "/subtitles/en").DELETE().build());
      send(admin("/api/titles/" + id + "/subtitles/fr").DELETE().build());
    }
  }

  /** The objects of a version, by path in the title, with their size and ETag (an MD5 of the content on S3). */
  private Map<String, String> objects(String version) {
    String prefix = titleKey + "/" + version + "/";
    Map<String, String> objects = new TreeMap<>();
    for (StoredObject object : bucket.list(titleKey + "/" + version)) {
      objects.put(object.key().substring(prefix.length()), object.size() + " " + object.etag());
    }
    return objects;
  }

  /** The versions of the title in the bucket, whether the pointer names them or not. */
  private Set<String> versionsInBucket() {
    Set<String> names = new TreeSet<>();
    for (StoredObject object : bucket.list(titleKey)) {
      String rest = object.key().substring(titleKey.length() + 1);
      if (rest.contains("/")) {
        names.add(rest.substring(0, rest.indexOf('/')));
      }
    }
    return names;
  }

  private List<String> trackLanguages() throws Exception {
    HttpResponse<String> listed = send(admin("/api/titles/" + id + "/subtitles").build());
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    return json.readTree(listed.body()).path("items").findValuesAsText("lang");
  }

  private HttpResponse<String> upload(String query, String contentType, String body) throws Exception {
    return send(admin("/api/titles/" + id + "/subtitles" + query).header("Content-Type", contentType)
        .POST(BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
  }

  private HttpResponse<String> uploadQuietly(String query, String contentType, String body) {
    try {
      return upload(query, contentType, body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String message(HttpResponse<String> response) throws Exception {
    return response.body().isEmpty() ? "" : json.readTree(response.body()).path("message").asText();
  }

  private String session(String file) throws Exception {
    HttpResponse<String> response = get("/titles/" + id + "/" + file + "?token=" + token);
    assertThat(response.statusCode()).as(file).isEqualTo(200);
    return response.body();
  }

  private HttpRequest.Builder admin(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + origin.port() + path))
        .header("Authorization", "Bearer " + ADMIN_KEY);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + origin.port() + path)).build());
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, BodyHandlers.ofString());
  }
}
