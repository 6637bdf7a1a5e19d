package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTP semantics over a real socket: ranges, conditional requests, HEAD, types, caching, CORS, gzip, admin. */
class DeliveryTest {

  private static RunningOrigin origin;
  private static String token;
  private static String segmentPath;
  private static byte[] segment;

  @BeforeAll
  static void start() throws Exception {
    origin = new RunningOrigin();
    token = origin.token(TestTitles.FMP4);
    segmentPath = "/titles/" + TestTitles.FMP4 + "/v0/seg_00001.m4s?token=" + token;
    segment = Files.readAllBytes(TestTitles.title(TestTitles.FMP4).resolve("v0/seg_00001.m4s"));
  }

  @AfterAll
  static void stop() {
    origin.close();
  }

  @Test
  void segmentsAreImmutableWithTypeLengthAndValidators() throws Exception {
    HttpResponse<byte[]> r = origin.get(segmentPath);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(segment);
    assertThat(r.headers().firstValue("content-type")).hasValue("video/iso.segment");
    assertThat(r.headers().firstValue("cache-control")).hasValue("public, max-age=31536000, immutable");
    assertThat(r.headers().firstValue("accept-ranges")).hasValue("bytes");
    assertThat(r.headers().firstValue("etag")).hasValueSatisfying(e -> assertThat(e).matches("\"[0-9a-f]+-[0-9a-f]+\""));
    assertThat(r.headers().firstValue("last-modified")).isPresent();
    assertThat(r.headers().firstValue("date")).isPresent();
  }

  @Test
  void mimeTypesFollowTheExtension() throws Exception {
    String base = "/titles/" + TestTitles.FMP4 + "/v0/";
    assertThat(origin.head(base + "init_0.mp4?token=" + token).headers().firstValue("content-type"))
        .hasValue("video/mp4");
    String ts = origin.token(TestTitles.TS);
    assertThat(origin.head("/titles/" + TestTitles.TS + "/v0/seg_00000.ts?token=" + ts).headers()
        .firstValue("content-type")).hasValue("video/mp2t");
    assertThat(origin.get(base + "index.m3u8?token=" + token).headers().firstValue("content-type"))
        .hasValue("application/vnd.apple.mpegurl");
  }

  @Test
  void aSingleRangeGets206WithTheRightBytes() throws Exception {
    HttpResponse<byte[]> r = origin.get(segmentPath, "Range", "bytes=100-1099");

    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.headers().firstValue("content-range")).hasValue("bytes 100-1099/" + segment.length);
    assertThat(r.body()).isEqualTo(Arrays.copyOfRange(segment, 100, 1100));
  }

  @Test
  void openAndSuffixRangesAreResolvedAgainstTheSize() throws Exception {
    HttpResponse<byte[]> tail = origin.get(segmentPath, "Range", "bytes=-500");
    assertThat(tail.statusCode()).isEqualTo(206);
    assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(segment, segment.length - 500, segment.length));

    HttpResponse<byte[]> open = origin.get(segmentPath, "Range", "bytes=" + (segment.length - 10) + "-");
    assertThat(open.body()).isEqualTo(Arrays.copyOfRange(segment, segment.length - 10, segment.length));

    HttpResponse<byte[]> clipped = origin.get(segmentPath, "Range", "bytes=0-99999999");
    assertThat(clipped.statusCode()).isEqualTo(206);
    assertThat(clipped.body()).isEqualTo(segment);
  }

  @Test
  void aRangePastTheEndGets416WithTheSize() throws Exception {
    HttpResponse<byte[]> r = origin.get(segmentPath, "Range", "bytes=" + segment.length + "-");

    assertThat(r.statusCode()).isEqualTo(416);
    assertThat(r.headers().firstValue("content-range")).hasValue("bytes */" + segment.length);
    assertThat(r.body()).isEmpty();
  }

  @Test
  void invalidAndMultipleRangesAreIgnored() throws Exception {
    assertThat(origin.get(segmentPath, "Range", "bytes=abc").statusCode()).isEqualTo(200);
    HttpResponse<byte[]> multi = origin.get(segmentPath, "Range", "bytes=0-1,5-6");
    assertThat(multi.statusCode()).isEqualTo(200);
    assertThat(multi.body()).isEqualTo(segment);
  }

  @Test
  void ifRangeWithAStaleValidatorSendsTheWholeFile() throws Exception {
    String etag = origin.get(segmentPath).headers().firstValue("etag").orElseThrow();
    assertThat(origin.get(segmentPath, "Range", "bytes=0-9", "If-Range", etag).statusCode()).isEqualTo(206);
    assertThat(origin.get(segmentPath, "Range", "bytes=0-9", "If-Range", "\"stale\"").statusCode()).isEqualTo(200);
  }

  @Test
  void conditionalRequestsGet304() throws Exception {
    HttpResponse<byte[]> first = origin.get(segmentPath);
    String etag = first.headers().firstValue("etag").orElseThrow();
    String lastModified = first.headers().firstValue("last-modified").orElseThrow();

    HttpResponse<byte[]> byEtag = origin.get(segmentPath, "If-None-Match", "\"other\", " + etag);
    assertThat(byEtag.statusCode()).isEqualTo(304);
    assertThat(byEtag.body()).isEmpty();
    assertThat(byEtag.headers().firstValue("etag")).hasValue(etag);

    assertThat(origin.get(segmentPath, "If-None-Match", "W/" + etag).statusCode()).isEqualTo(304);
    assertThat(origin.get(segmentPath, "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
    assertThat(origin.get(segmentPath, "If-Modified-Since", lastModified).statusCode()).isEqualTo(304);
    assertThat(origin.get(segmentPath, "If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT").statusCode())
        .isEqualTo(200);
  }

  @Test
  void headSendsTheHeadersOfGetWithoutABody() throws Exception {
    HttpResponse<byte[]> r = origin.head(segmentPath);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-length")).hasValue(Integer.toString(segment.length));
    assertThat(r.body()).isEmpty();
    // the connection is still usable after a HEAD
    assertThat(origin.get(segmentPath).body()).isEqualTo(segment);
  }

  @Test
  void mediaPlaylistsAreCacheableAndGzippedWhenAskedAndLargeEnough() throws Exception {
    Path big = TestTitles.title(TestTitles.FMP4).resolve("v1/long.m3u8");
    StringBuilder text = new StringBuilder("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MAP:URI=\"init_1.mp4\"\n");
    for (int i = 0; i < 200; i++) {
      text.append("#EXTINF:1.0,\nseg_00000.m4s\n");
    }
    Files.writeString(big, text.append("#EXT-X-ENDLIST\n"));
    String path = "/titles/" + TestTitles.FMP4 + "/v1/long.m3u8?token=" + token;

    HttpResponse<byte[]> plain = origin.get(path);
    HttpResponse<byte[]> gzipped = origin.get(path, "Accept-Encoding", "gzip");

    assertThat(plain.headers().firstValue("cache-control").orElseThrow()).matches("public, max-age=\\d+");
    assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
    assertThat(gzipped.headers().firstValue("content-encoding")).hasValue("gzip");
    assertThat(gzipped.body().length).isLessThan(plain.body().length / 4);
    byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(gzipped.body())).readAllBytes();
    assertThat(unzipped).isEqualTo(plain.body());
    assertThat(new String(plain.body(), StandardCharsets.UTF_8)).contains("#EXT-X-MAP:URI=\"init_1.mp4?token=" + token + "\"");
  }

  @Test
  void playlistMaxAgeNeverOutlivesTheToken() throws Exception {
    String shortLived = origin.token(io.streamkit.core.token.PlaybackClaims.builder().title(TestTitles.FMP4)
        .expiresAt(java.time.Instant.now().plusSeconds(30)));
    HttpResponse<byte[]> r = origin.get("/titles/" + TestTitles.FMP4 + "/v0/index.m3u8?token=" + shortLived);
    int maxAge = Integer.parseInt(r.headers().firstValue("cache-control").orElseThrow().replaceAll("\\D", ""));
    assertThat(maxAge).isBetween(25, 30);
  }

  @Test
  void corsPreflightAndResponsesLetABrowserPlayerOnAnotherOriginRead() throws Exception {
    RunningOrigin.RawResponse preflight = origin.raw("OPTIONS " + segmentPath + " HTTP/1.1\r\nHost: x\r\n"
        + "Origin: https://player.example\r\nAccess-Control-Request-Method: GET\r\n"
        + "Access-Control-Request-Headers: range\r\nConnection: close\r\n\r\n");
    assertThat(preflight.status()).isEqualTo(200);
    assertThat(preflight.headers().get("access-control-allow-origin")).isEqualTo("*");
    assertThat(preflight.headers().get("access-control-allow-headers")).containsIgnoringCase("range");
    assertThat(preflight.headers().get("access-control-allow-methods")).contains("GET");

    HttpResponse<byte[]> get = origin.get(segmentPath, "Origin", "https://player.example", "Range", "bytes=0-1");
    assertThat(get.headers().firstValue("access-control-allow-origin")).hasValue("*");
    assertThat(String.join(",", get.headers().allValues("access-control-expose-headers")))
        .contains("Content-Range").contains("Content-Length").contains("ETag");

    // The same immutable segment fetched by a same-origin page first: a browser cache hands that copy to the
    // cross-origin player, so it must carry the headers too.
    HttpResponse<byte[]> sameOrigin = origin.get(segmentPath);
    assertThat(sameOrigin.headers().firstValue("access-control-allow-origin")).hasValue("*");
    assertThat(sameOrigin.headers().firstValue("vary").orElse("")).doesNotContainIgnoringCase("origin");
  }

  @Test
  void healthAndMetricsAreServedAndNeverCached() throws Exception {
    origin.get(segmentPath);
    HttpResponse<byte[]> health = origin.get("/healthz");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("cache-control")).hasValue("no-store");

    HttpResponse<byte[]> metrics = origin.get("/metrics");
    String text = new String(metrics.body(), StandardCharsets.UTF_8);
    assertThat(metrics.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain; version=0.0.4");
    assertThat(metrics.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(text).containsPattern("streamkit_origin_requests_total\\{route=\"media\",status=\"200\"} [1-9]")
        .contains("streamkit_origin_sent_bytes_total{route=\"media\"}")
        .contains("streamkit_origin_connections_open")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void unknownPathsAndMissingFilesAre404WithAJsonBody() throws Exception {
    HttpResponse<byte[]> unknown = origin.get("/nothing-here");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
    HttpResponse<byte[]> missing = origin.get("/titles/" + TestTitles.FMP4 + "/v0/seg_99999.m4s?token=" + token);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new String(missing.body(), StandardCharsets.UTF_8)).contains("\"error\":\"not_found\"");
  }

  @Test
  void otherMethodsGet405WithAllow() throws Exception {
    RunningOrigin.RawResponse r = origin.raw("DELETE " + segmentPath + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.headers().get("allow")).isEqualTo("GET, HEAD, OPTIONS");
  }
}
