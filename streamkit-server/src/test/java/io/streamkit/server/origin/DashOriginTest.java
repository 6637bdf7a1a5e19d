package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.storage.TitleVersions;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.storage.s3.S3ProxyServer;
import io.streamkit.storage.s3.S3Storage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The DASH manifest through the token gate, on a real origin and socket, as dash.js and Shaka Player request it: the
 * same token checks, height cap, caching and stream limits as the master playlist, and every URL it lists carrying the
 * token and answering 200, from local disk and from object storage alike.
 */
class DashOriginTest {

  private static final String TITLE = "dash-title";
  private static final String BUCKET = "media";
  private static final String ADMIN_KEY = "dash-origin-admin-key-0123456789";

  @TempDir static Path temp;
  private static RunningOrigin local;
  private static RunningOrigin stored;
  private static S3ProxyServer s3;
  private static S3Storage s3Storage;

  @BeforeAll
  static void start() throws Exception {
    Path title = TestTitles.dataDirectory().resolve("titles").resolve(TITLE);
    copyWithManifest(TestTitles.title(TestTitles.FMP4), title);
    local = new RunningOrigin();
    s3 = S3ProxyServer.start(temp.resolve("s3"), BUCKET);
    s3Storage = s3.storage("s3://" + BUCKET + "/streamkit").build();
    new TitleVersions(s3Storage).publish("titles/" + TITLE, title);
    stored = new RunningOrigin(b -> b.storage(s3Storage).cacheDirectory(temp.resolve("cache")));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {stored, local, s3Storage, s3}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // the next one is still closed
      }
    }
  }

  /**
   * The fMP4 test title (two video variants of four one-second segments, files named as ffmpeg wrote them) with a
   * manifest in the packager's shape beside its master playlist.
   */
  static void copyWithManifest(Path source, Path target) throws IOException {
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path copy = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else if (!Files.exists(copy)) {
          Files.copy(file, copy);
        }
      }
    }
    Files.writeString(target.resolve(PlaylistHandler.DASH_MANIFEST), """
        <?xml version="1.0" encoding="UTF-8"?>
        <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" profiles="urn:mpeg:dash:profile:isoff-live:2011"
             mediaPresentationDuration="PT4S" minBufferTime="PT1S">
          <Period id="0" start="PT0S">
            <AdaptationSet id="0" contentType="video" mimeType="video/mp4" segmentAlignment="true" maxHeight="360">
              <Representation id="v0" bandwidth="800000" width="640" height="360" codecs="avc1.64001e">
                <SegmentTemplate timescale="1000" duration="1000" startNumber="0"
                    initialization="v0/init_0.mp4" media="v0/seg_$Number%05d$.m4s"/>
              </Representation>
              <Representation id="v1" bandwidth="300000" width="320" height="180" codecs="avc1.64000d">
                <SegmentTemplate timescale="1000" duration="1000" startNumber="0"
                    initialization="v1/init_1.mp4" media="v1/seg_$Number%05d$.m4s"/>
              </Representation>
            </AdaptationSet>
          </Period>
        </MPD>
        """);
  }

  static List<Named<RunningOrigin>> origins() {
    return List.of(Named.of("from local disk", local), Named.of("from object storage", stored));
  }

  private static String manifest(String title, String token) {
    return "/titles/" + title + "/" + PlaylistHandler.DASH_MANIFEST + (token == null ? "" : "?token=" + token);
  }

  private static PlaybackClaims.Builder viewer() {
    return PlaybackClaims.builder().viewer("dash-viewer").title(TITLE).expiresAt(Instant.now().plusSeconds(100));
  }

  @ParameterizedTest(name = "{0}", autoCloseArguments = false)
  @MethodSource("origins")
  void everyUrlOfTheManifestCarriesTheTokenAndAnswers(RunningOrigin origin) throws Exception {
    String token = origin.token(viewer());
    HttpResponse<byte[]> response = origin.get(manifest(TITLE, token));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/dash+xml");
    assertThat(response.headers().firstValue("vary")).hasValueSatisfying(v -> assertThat(v).containsIgnoringCase(
        "accept-encoding"));
    String cacheControl = response.headers().firstValue("cache-control").orElseThrow();
    assertThat(cacheControl).startsWith("public, max-age=");
    assertThat(Long.parseLong(cacheControl.substring("public, max-age=".length())))
        .as("never cached past the token's expiry").isBetween(90L, 100L);
    List<DashWalk.Representation> representations = DashWalk.representations(response.uri(), response.body());
    assertThat(representations).extracting(DashWalk.Representation::height).containsExactly(360, 180);
    int urls = 0;
    for (DashWalk.Representation representation : representations) {
      assertThat(representation.urls()).hasSize(1 + 4);
      for (URI url : representation.urls()) {
        assertThat(url.getQuery()).as(url.toString()).isEqualTo("token=" + token);
        HttpResponse<byte[]> segment = origin.get(url.getRawPath() + "?" + url.getRawQuery());
        assertThat(segment.statusCode()).as(url.getPath()).isEqualTo(200);
        assertThat(segment.body()).as(url.getPath()).isNotEmpty();
        urls++;
      }
    }
    assertThat(urls).isEqualTo(10);
  }

  @Test
  void headAndGzipAnswerLikeTheMasterPlaylist() throws Exception {
    String token = local.token(viewer());
    byte[] plain = local.get(manifest(TITLE, token)).body();

    HttpResponse<byte[]> head = local.head(manifest(TITLE, token));
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValueAsLong("content-length")).hasValue(plain.length);

    HttpResponse<byte[]> zipped = local.get(manifest(TITLE, token), "Accept-Encoding", "gzip");
    assertThat(zipped.headers().firstValue("content-encoding")).hasValue("gzip");
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
      assertThat(in.readAllBytes()).isEqualTo(plain);
    }
  }

  @Test
  void aHeightCapLeavesOutTallerRepresentationsAndRefusesWhenNoneFits() throws Exception {
    String capped = local.token(viewer().maxHeight(240));
    HttpResponse<byte[]> response = local.get(manifest(TITLE, capped));

    assertThat(response.statusCode()).isEqualTo(200);
    List<DashWalk.Representation> representations = DashWalk.representations(response.uri(), response.body());
    assertThat(representations).extracting(DashWalk.Representation::height).containsExactly(180);
    String body = new String(response.body(), StandardCharsets.UTF_8);
    assertThat(body).doesNotContain("v0/").doesNotContain("maxHeight");
    assertThat(local.get("/titles/" + TITLE + "/v0/seg_00000.m4s?token=" + capped).statusCode())
        .as("a guessed URL of a taller Representation").isEqualTo(403);

    double before = local.rejections(OriginMetrics.VARIANT_NOT_ALLOWED);
    HttpResponse<byte[]> none = local.get(manifest(TITLE, local.token(viewer().maxHeight(100))));
    assertThat(none.statusCode()).isEqualTo(403);
    assertThat(new String(none.body(), StandardCharsets.UTF_8)).contains("this request is not authorised");
    assertThat(local.rejections(OriginMetrics.VARIANT_NOT_ALLOWED)).isEqualTo(before + 1);
  }

  @Test
  void missingAndExpiredTokensAreRefusedLikeForPlaylists() throws Exception {
    assertRefused(manifest(TITLE, null), "token_missing");
    assertRefused(manifest(TITLE, local.token(viewer().expiresAt(Instant.now().minusSeconds(120)))), "token_expired");
    assertRefused(manifest(TITLE, local.token(TestTitles.TS)), "token_wrong_title");
  }

  private static void assertRefused(String pathAndQuery, String reason) throws Exception {
    double before = local.rejections(reason);
    HttpResponse<byte[]> r = local.get(pathAndQuery);
    assertThat(r.statusCode()).as(pathAndQuery).isEqualTo(403);
    assertThat(new String(r.body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"error\":\"forbidden\",\"status\":403,\"message\":\"this request is not authorised\"}\n");
    assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(local.rejections(reason)).isEqualTo(before + 1);
  }

  @Test
  void aRevokedTokenIsRefusedAndTheManifestOpensAStreamWithinTheViewersLimit(@TempDir Path data) throws Exception {
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(data.resolve("db")).build()) {
      String title = TestTitles.inCatalog(store, data, TitleStatus.PUBLISHED);
      copyWithManifest(TestTitles.title(TestTitles.FMP4), data.resolve("titles").resolve(title));
      try (RunningOrigin origin = new RunningOrigin(b -> b.dataDirectory(data).store(store).adminKey(ADMIN_KEY)
          .maxStreamsPerViewer(1))) {
        PlaybackClaims.Builder alice = PlaybackClaims.builder().viewer("alice").title(title)
            .issuedAt(Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5))
            .expiresAt(Instant.now().plusSeconds(600));
        String first = origin.token(alice.sessionId("first"));
        String second = origin.token(alice.sessionId("second"));
        assertThat(origin.get(manifest(title, first)).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> tooMany = origin.get(manifest(title, second));
        assertThat(tooMany.statusCode()).isEqualTo(403);
        assertThat(new String(tooMany.body(), StandardCharsets.UTF_8)).contains("too_many_streams");

        HttpResponse<String> revoked = origin.http.send(HttpRequest.newBuilder(origin.uri("/api/viewers/alice/revoke"))
            .header("Authorization", "Bearer " + ADMIN_KEY).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        double before = origin.rejections(OriginMetrics.TOKEN_REVOKED);
        assertThat(origin.get(manifest(title, first)).statusCode()).isEqualTo(403);
        assertThat(origin.rejections(OriginMetrics.TOKEN_REVOKED)).isEqualTo(before + 1);
      }
    }
  }
}
