package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.storage.StoredObject;
import io.streamkit.core.storage.TitleVersions;
import io.streamkit.hls.Transcoder;
import io.streamkit.server.TestVideos;
import io.streamkit.storage.s3.S3ProxyServer;
import io.streamkit.storage.s3.S3Storage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Titles published into a real S3 server (s3proxy) and served by the origin through its disk cache, as a player
 * and a CDN see them: the same URLs, bytes and headers as a title on local disk, each object read from S3 once.
 */
class StorageOriginTest {

  private static final String BUCKET = "media";
  private static final String LOCATION = "s3://" + BUCKET + "/streamkit";

  @TempDir static Path temp;
  private static S3ProxyServer s3;
  private static S3Storage s3Storage;
  private static CountingStorage storage;
  private static TitleVersions versions;
  private static RunningOrigin origin;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3ProxyServer.start(temp.resolve("s3"), BUCKET);
    s3Storage = s3.storage(LOCATION).build();
    storage = new CountingStorage(s3Storage);
    versions = new TitleVersions(s3Storage);
    versions.publish("titles/" + TestTitles.FMP4, TestTitles.title(TestTitles.FMP4));
    versions.publish("titles/" + TestTitles.TS, TestTitles.title(TestTitles.TS));
    origin = new RunningOrigin(b -> b.storage(storage).cacheDirectory(temp.resolve("cache")));
  }

  @AfterAll
  static void stop() {
    if (origin != null) {
      origin.close();
    }
    if (s3Storage != null) {
      s3Storage.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void playersWalkStoredTitlesAndGetTheBytesOfThePackagedFiles() throws Exception {
    assertThat(TitleWalk.walk(origin, TestTitles.FMP4, origin.token(TestTitles.FMP4),
        TestTitles.title(TestTitles.FMP4))).isEqualTo(12);
    assertThat(TitleWalk.walk(origin, TestTitles.TS, origin.token(TestTitles.TS), TestTitles.title(TestTitles.TS)))
        .isEqualTo(1 + 3);
  }

  @Test
  void playlistsArePersonalisedAndSegmentsAnswerRangesAndConditionalsLikeLocalOnes() throws Exception {
    String token = origin.token(TestTitles.FMP4);
    String base = "/titles/" + TestTitles.FMP4 + "/";
    HttpResponse<byte[]> master = origin.get(base + "master.m3u8?token=" + token);
    assertThat(new String(master.body(), StandardCharsets.UTF_8)).contains("v0/index.m3u8?token=" + token)
        .contains("v1/index.m3u8?token=" + token);
    assertThat(master.headers().firstValue("cache-control").orElseThrow()).matches("public, max-age=\\d+");

    byte[] segment = Files.readAllBytes(TestTitles.title(TestTitles.FMP4).resolve("v0/seg_00002.m4s"));
    String path = base + "v0/seg_00002.m4s?token=" + token;
    HttpResponse<byte[]> range = origin.get(path, "Range", "bytes=100-1099");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.headers().firstValue("content-range")).hasValue("bytes 100-1099/" + segment.length);
    assertThat(range.body()).isEqualTo(Arrays.copyOfRange(segment, 100, 1100));
    assertThat(range.headers().firstValue("cache-control")).hasValue(FileHandler.IMMUTABLE);

    String etag = range.headers().firstValue("etag").orElseThrow();
    HttpResponse<byte[]> notModified = origin.get(path, "If-None-Match", etag);
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();
    assertThat(origin.get(path, "If-Modified-Since", range.headers().firstValue("last-modified").orElseThrow())
        .statusCode()).isEqualTo(304);
    assertThat(origin.get(path, "If-None-Match", "\"other\"").body()).isEqualTo(segment);
    assertThat(origin.get(path, "Range", "bytes=" + segment.length + "-").statusCode()).isEqualTo(416);
  }

  @Test
  void aTitleTranscodedIntoStorageServesItsStoryboardWithTheTokenInEverySheetUrl() throws Exception {
    Path source = TestVideos.make(temp.resolve("boarded.mp4"), 3, 320, 180);
    Transcoder.builder().input(source).output(s3Storage, "titles/boarded")
        .stagingDirectory(temp.resolve("staging")).ladder(Ladder.small()).preset("ultrafast")
        .segmentSeconds(2).storyboardSeconds(1).build().run();
    String token = origin.token("boarded");

    HttpResponse<byte[]> index = origin.get("/titles/boarded/storyboard/storyboard.vtt?token=" + token);
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("content-type")).hasValue(StoryboardHandler.CONTENT_TYPE);
    String vtt = new String(index.body(), StandardCharsets.UTF_8);
    assertThat(vtt).startsWith("WEBVTT\n").contains("\nsheet_000.jpg?token=" + token + "#xywh=0,0,256,144\n")
        .contains("\nsheet_000.jpg?token=" + token + "#xywh=512,0,256,144\n");
    HttpResponse<byte[]> sheet = origin.get("/titles/boarded/storyboard/sheet_000.jpg?token=" + token);
    assertThat(sheet.statusCode()).isEqualTo(200);
    assertThat(sheet.headers().firstValue("content-type")).hasValue("image/jpeg");
    assertThat(ImageIO.read(new ByteArrayInputStream(sheet.body())).getWidth())
        .isEqualTo(3 * 256);
    assertThat(origin.get("/titles/boarded/storyboard/storyboard.vtt").statusCode()).isEqualTo(403);
  }

  @Test
  void aCappedViewerGetsOnlyTheVariantsOfTheirPlanFromAStoredTitle() throws Exception {
    String title = "capped";
    versions.publish("titles/" + title, TestTitles.title(TestTitles.FMP4));
    String token = origin.token(io.streamkit.core.token.PlaybackClaims.builder().title(title).maxHeight(240)
        .expiresAt(java.time.Instant.now().plusSeconds(600)));
    String base = "/titles/" + title + "/";

    assertThat(new String(origin.get(base + "master.m3u8?token=" + token).body(), StandardCharsets.UTF_8))
        .contains("RESOLUTION=320x180").doesNotContain("RESOLUTION=640x360");
    // The first request for the title is a segment: the gate fetches the master playlist to decide.
    try (RunningOrigin fresh = new RunningOrigin(b -> b.storage(storage).cacheDirectory(temp.resolve("capped")))) {
      assertThat(fresh.get(base + "v0/seg_00000.m4s?token=" + token).statusCode()).isEqualTo(403);
      assertThat(fresh.get(base + "v1/seg_00000.m4s?token=" + token).statusCode()).isEqualTo(200);
    }
    assertThat(origin.get(base + "v0/index.m3u8?token=" + token).statusCode()).isEqualTo(403);
  }

  @Test
  void validatorsComeFromTheStoredObjectSoEveryOriginGivesTheSameAndA304WorksAcrossThem() throws Exception {
    String relative = "v1/seg_00001.m4s";
    String path = "/titles/" + TestTitles.FMP4 + "/" + relative + "?token=" + origin.token(TestTitles.FMP4);
    String version = versions.current("titles/" + TestTitles.FMP4).orElseThrow();
    StoredObject object = s3Storage.stat(TitleVersions.key("titles/" + TestTitles.FMP4, version, relative))
        .orElseThrow();
    HttpResponse<byte[]> first = origin.get(path);

    assertThat(first.headers().firstValue("etag")).hasValue('"' + object.etag() + '"');
    assertThat(first.headers().firstValue("last-modified"))
        .hasValue(HttpDates.format(object.lastModified().toEpochMilli()));
    try (RunningOrigin other = new RunningOrigin(b -> b.storage(storage).cacheDirectory(temp.resolve("other")))) {
      HttpResponse<byte[]> second = other.get(path);
      assertThat(second.headers().firstValue("etag")).isEqualTo(first.headers().firstValue("etag"));
      assertThat(second.headers().firstValue("last-modified")).isEqualTo(first.headers().firstValue("last-modified"));
      // A CDN that fetched from one origin revalidates at another behind the same load balancer.
      assertThat(other.get(path, "If-None-Match", first.headers().firstValue("etag").orElseThrow()).statusCode())
          .isEqualTo(304);
    }
  }

  @Test
  void anObjectAskedForTwentyTimesAtOnceAndAfterIsReadFromStorageOnce() throws Exception {
    String title = "counted";
    versions.publish("titles/" + title, TestTitles.title(TestTitles.FMP4));
    String path = "/titles/" + title + "/v0/seg_00003.m4s?token=" + origin.token(title);
    byte[] expected = Files.readAllBytes(TestTitles.title(TestTitles.FMP4).resolve("v0/seg_00003.m4s"));
    long started = System.nanoTime();
    ExecutorService players = Executors.newFixedThreadPool(10);
    try {
      List<CompletableFuture<HttpResponse<byte[]>>> atOnce = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        atOnce.add(CompletableFuture.supplyAsync(() -> {
          try {
            return origin.get(path);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, players));
      }
      for (CompletableFuture<HttpResponse<byte[]>> response : atOnce) {
        assertThat(response.get().statusCode()).isEqualTo(200);
        assertThat(response.get().body()).isEqualTo(expected);
      }
    } finally {
      players.shutdown();
    }
    for (int i = 0; i < 10; i++) {
      assertThat(origin.get(path).body()).isEqualTo(expected);
    }

    assertThat(storage.reads("titles/" + title + "/", "/v0/seg_00003.m4s")).isEqualTo(1);
    assertThat(storage.stats("titles/" + title + "/", "/v0/seg_00003.m4s")).as("the GET's answer names its length")
        .isZero();
    // The pointer is re-read once a refresh interval has passed (on a loaded machine the twenty requests can take
    // longer than one), never per request.
    long refreshes = (System.nanoTime() - started) / TitlePointers.REFRESH_AFTER.toNanos();
    assertThat(storage.reads("titles/" + title + "/" + TitleVersions.POINTER)).isBetween(1, 1 + (int) refreshes);
  }

  @Test
  void aSlowStorageNeverHoldsTheEventLoopSoCachedObjectsKeepFlowing() throws Exception {
    String title = "slow";
    versions.publish("titles/" + title, TestTitles.title(TestTitles.FMP4));
    try (RunningOrigin oneLoop = new RunningOrigin(b -> b.storage(storage).cacheDirectory(temp.resolve("one-loop"))
        .ioThreads(1))) {
      String base = "/titles/" + title + "/v1/";
      String token = "?token=" + oneLoop.token(title);
      byte[] cached = oneLoop.get(base + "seg_00000.m4s" + token).body();
      java.util.concurrent.CountDownLatch release = storage.holdReads("/" + title + "/" + versions
          .current("titles/" + title).orElseThrow() + "/v1/seg_00001.m4s");
      try {
        CompletableFuture<HttpResponse<byte[]>> slow = CompletableFuture.supplyAsync(() -> {
          try {
            return oneLoop.get(base + "seg_00001.m4s" + token);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        Thread.sleep(300);
        assertThat(slow).isNotDone();
        for (int i = 0; i < 5; i++) {
          long asked = System.nanoTime();
          assertThat(oneLoop.get(base + "seg_00000.m4s" + token).body()).isEqualTo(cached);
          assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofMillis(500));
        }
        release.countDown();
        assertThat(slow.get().statusCode()).isEqualTo(200);
      } finally {
        release.countDown();
      }
    }
  }

  @Test
  void aCacheSmallerThanTheTitleEvictsAndStillServesEveryByte() throws Exception {
    String title = "larger-than-the-cache";
    Path files = Files.createDirectories(temp.resolve(title));
    TestTitles.ffmpeg(files, "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "6",
        "-vf", "noise=alls=40:allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-keyint_min", "25",
        "-sc_threshold", "0", "-b:v", "4M", "-minrate", "4M", "-maxrate", "4M", "-bufsize", "4M",
        "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4",
        "-hls_segment_filename", "v%v/seg_%05d.m4s", "-hls_fmp4_init_filename", "init.mp4",
        "-master_pl_name", "master.m3u8", "-var_stream_map", "v:0", "v%v/index.m3u8");
    long titleBytes;
    long segments;
    try (Stream<Path> all = Files.walk(files)) {
      titleBytes = all.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
    try (Stream<Path> all = Files.walk(files)) {
      segments = all.filter(f -> f.toString().endsWith(".m4s")).count();
    }
    assertThat(titleBytes).as("the title must not fit the cache").isGreaterThan(2 * OriginServer.MIN_CACHE_MAX_BYTES);
    versions.publish("titles/" + title, files);
    Path cache = temp.resolve("small-cache");

    try (RunningOrigin small = new RunningOrigin(b -> b.storage(storage).cacheDirectory(cache)
        .cacheMaxBytes(OriginServer.MIN_CACHE_MAX_BYTES))) {
      String token = small.token(title);
      TitleWalk.walk(small, title, token, files);
      TitleWalk.walk(small, title, token, files);

      assertThat(storage.reads("titles/" + title + "/", ".m4s")).as("segments fetched again after eviction")
          .isGreaterThan((int) segments);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (cachedBytes(cache) > OriginServer.MIN_CACHE_MAX_BYTES && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(cachedBytes(cache)).isLessThanOrEqualTo(OriginServer.MIN_CACHE_MAX_BYTES);
      String metrics = new String(small.get("/metrics").body(), StandardCharsets.UTF_8);
      assertThat(metrics).containsPattern("streamkit_origin_cache_evictions_total [1-9]")
          .containsPattern("streamkit_origin_storage_fetches_total\\{outcome=\"ok\"} [1-9]")
          .containsPattern("streamkit_origin_storage_fetched_bytes_total [1-9]")
          .containsPattern("streamkit_origin_cache_size_bytes [0-9]");
    }
  }

  @Test
  void aRepublishedTitleIsServedWithinAboutASecond() throws Exception {
    String title = "republished";
    versions.publish("titles/" + title, TestTitles.title(TestTitles.TS));
    String token = origin.token(title);
    String master = "/titles/" + title + "/master.m3u8?token=" + token;
    assertThat(new String(origin.get(master).body(), StandardCharsets.UTF_8)).doesNotContain("640x360");

    versions.publish("titles/" + title, TestTitles.title(TestTitles.FMP4));
    long published = System.nanoTime();
    while (!new String(origin.get(master).body(), StandardCharsets.UTF_8).contains("640x360")) {
      assertThat(Duration.ofNanos(System.nanoTime() - published)).isLessThan(Duration.ofSeconds(3));
      Thread.sleep(50);
    }

    assertThat(origin.get("/titles/" + title + "/v0/seg_00000.m4s?token=" + token).body())
        .isEqualTo(Files.readAllBytes(TestTitles.title(TestTitles.FMP4).resolve("v0/seg_00000.m4s")));
    assertThat(origin.get("/titles/" + title + "/v0/seg_00000.ts?token=" + token).statusCode()).isEqualTo(404);
  }

  @Test
  void anUnpublishedTitleIs404WithinAboutASecondLikeAMissingLocalTitle() throws Exception {
    String title = "unpublished";
    versions.publish("titles/" + title, TestTitles.title(TestTitles.TS));
    String segment = "/titles/" + title + "/v0/seg_00001.ts?token=" + origin.token(title);
    assertThat(origin.get(segment).statusCode()).isEqualTo(200);

    s3Storage.delete("titles/" + title + "/" + TitleVersions.POINTER);
    long unpublished = System.nanoTime();
    HttpResponse<byte[]> response;
    while ((response = origin.get(segment)).statusCode() != 404) {
      assertThat(Duration.ofNanos(System.nanoTime() - unpublished)).isLessThan(Duration.ofSeconds(3));
      Thread.sleep(50);
    }
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("\"error\":\"not_found\"");
    assertThat(origin.get("/titles/never-published/master.m3u8?token=" + origin.token("never-published"))
        .statusCode()).isEqualTo(404);
  }

  @Test
  void aStoppedStorageGets503WithRetryAfterQuicklyWhileCachedObjectsAreStillServed() throws Exception {
    Path directory = Files.createDirectories(temp.resolve("stopping"));
    S3ProxyServer stopping = S3ProxyServer.start(directory, BUCKET);
    try (S3Storage flaky = stopping.storage(LOCATION).build();
        RunningOrigin served = new RunningOrigin(b -> b.storage(flaky).cacheDirectory(directory.resolve("cache")))) {
      new TitleVersions(flaky).publish("titles/" + TestTitles.TS, TestTitles.title(TestTitles.TS));
      String base = "/titles/" + TestTitles.TS + "/";
      String token = served.token(TestTitles.TS);
      assertThat(served.get(base + "v0/seg_00000.ts?token=" + token).statusCode()).isEqualTo(200);
      stopping.close();

      java.util.logging.Logger caffeine = java.util.logging.Logger.getLogger("com.github.benmanes.caffeine");
      List<java.util.logging.LogRecord> caffeineRecords = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.util.logging.Handler handler = new java.util.logging.Handler() {
        @Override
        public void publish(java.util.logging.LogRecord record) {
          caffeineRecords.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
      caffeine.addHandler(handler);
      try (CapturedLogs logs = new CapturedLogs()) {
        long asked = System.nanoTime();
        HttpResponse<byte[]> uncached = served.get(base + "v0/seg_00001.ts?token=" + token);
        Duration waited = Duration.ofNanos(System.nanoTime() - asked);

        assertThat(uncached.statusCode()).isEqualTo(503);
        assertThat(waited).isLessThan(Duration.ofSeconds(10));
        assertThat(uncached.headers().firstValue("retry-after")).hasValue("2");
        assertThat(new String(uncached.body(), StandardCharsets.UTF_8))
            .contains("\"error\":\"storage_unavailable\"").doesNotContain("Exception");
        assertThat(served.get(base + "v0/seg_00000.ts?token=" + token).statusCode()).isEqualTo(200);
        assertThat(served.get("/titles/other/master.m3u8?token=" + served.token("other")).statusCode())
            .isEqualTo(503);
        // One line per failure, none with a stack trace, at most one a second (the rest counted in the next).
        List<String> lines = logs.events().stream()
            .filter(e -> e.getLoggerName().equals(StoredTitles.class.getName())).map(e -> {
              assertThat(e.getThrowableProxy()).as("no stack trace").isNull();
              return e.getFormattedMessage();
            }).toList();
        assertThat(lines).isNotEmpty().hasSizeLessThanOrEqualTo(2).allSatisfy(l -> assertThat(l).doesNotContain("\n"));
        assertThat(String.join(" ", lines)).contains("s3://" + BUCKET + "/streamkit/titles/" + TestTitles.TS);
        served.close();
        assertThat(caffeineRecords).as("the cache library logs no stack trace either, stopping included").isEmpty();
      } finally {
        caffeine.removeHandler(handler);
      }
    } finally {
      stopping.close();
    }
  }

  @Test
  void theSameRequestsGetTheSameStatusAndHeadersFromLocalDiskAndFromStorage() throws Exception {
    try (RunningOrigin local = new RunningOrigin()) {
      String token = origin.token(TestTitles.FMP4);
      String base = "/titles/" + TestTitles.FMP4 + "/";
      String segment = base + "v0/seg_00000.m4s?token=" + token;
      List<String[]> requests = List.of(
          new String[] {base + "master.m3u8?token=" + token},
          new String[] {base + "v1/index.m3u8?token=" + token, "Accept-Encoding", "gzip"},
          new String[] {base + "v0/init_0.mp4?token=" + token},
          new String[] {segment},
          new String[] {segment, "Range", "bytes=100-1099"},
          new String[] {segment, "Range", "bytes=-500"},
          new String[] {segment, "Range", "bytes=99999999-"},
          new String[] {segment, "Range", "bytes=0-9", "If-Range", "\"stale\""},
          new String[] {segment, "If-None-Match", "\"other\""},
          new String[] {base + "v0/seg_99999.m4s?token=" + token},
          new String[] {base + "v0/seg_00000.m4s"},
          new String[] {"/titles/no-such-title/master.m3u8?token=" + origin.token("no-such-title")});
      for (String[] request : requests) {
        String[] headers = Arrays.copyOfRange(request, 1, request.length);
        compare(request[0] + " " + String.join(" ", headers), local.get(request[0], headers),
            origin.get(request[0], headers));
      }
      // Conditionals, each origin with its own validators, and HEAD.
      for (String validator : List.of("etag", "last-modified")) {
        String header = validator.equals("etag") ? "If-None-Match" : "If-Modified-Since";
        HttpResponse<byte[]> fromLocal = local.get(segment, header,
            local.get(segment).headers().firstValue(validator).orElseThrow());
        HttpResponse<byte[]> fromStorage = origin.get(segment, header,
            origin.get(segment).headers().firstValue(validator).orElseThrow());
        compare(header, fromLocal, fromStorage);
        assertThat(fromStorage.statusCode()).isEqualTo(304);
      }
      compare("HEAD", local.head(segment), origin.head(segment));
    }
  }

  /** Same status, same header names, same values but for Date and the validators (which name each source). */
  private static void compare(String what, HttpResponse<byte[]> local, HttpResponse<byte[]> stored) {
    assertThat(stored.statusCode()).as(what).isEqualTo(local.statusCode());
    assertThat(stored.headers().map().keySet()).as(what).isEqualTo(local.headers().map().keySet());
    local.headers().map().forEach((name, values) -> {
      if (name.equals("etag")) {
        assertThat(stored.headers().firstValue(name).orElseThrow()).as(what).matches("\"[!#-~]+\"");
      } else if (!name.equals("date") && !name.equals("last-modified")) {
        assertThat(stored.headers().allValues(name)).as(what + " " + name).isEqualTo(values);
      }
    });
    if (local.statusCode() == 200 || local.statusCode() == 206) {
      assertThat(stored.body()).as(what).isEqualTo(local.body());
    }
  }

  @Test
  void theCacheDirectoryIsEmptiedAtStartRefusedWhenForeignAndNeverShared() throws Exception {
    Path cache = temp.resolve("restart-cache");
    String path = "/titles/" + TestTitles.TS + "/v0/seg_00002.ts?token=" + origin.token(TestTitles.TS);
    try (RunningOrigin first = new RunningOrigin(b -> b.storage(storage).cacheDirectory(cache))) {
      assertThat(first.get(path).statusCode()).isEqualTo(200);
      assertThat(cachedBytes(cache)).isPositive();
      assertThatThrownBy(() -> new RunningOrigin(b -> b.storage(storage).cacheDirectory(cache)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("in use by another running origin");
    }
    try (RunningOrigin again = new RunningOrigin(b -> b.storage(storage).cacheDirectory(cache))) {
      assertThat(cachedBytes(cache)).isZero();
      assertThat(again.get(path).statusCode()).isEqualTo(200);
    }

    Path foreign = Files.createDirectories(temp.resolve("foreign"));
    Files.writeString(foreign.resolve("keep-me.txt"), "not a cache");
    assertThatThrownBy(() -> new RunningOrigin(b -> b.storage(storage).cacheDirectory(foreign)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not empty and is not a StreamKit cache");
    assertThat(foreign.resolve("keep-me.txt")).exists();
  }

  @Test
  void theBuilderNamesTheLimitsAndTheContradictions() {
    assertThatThrownBy(() -> OriginServer.builder().cacheMaxBytes(1024))
        .hasMessageContaining("cache max bytes must be between 1048576 (1 MiB) and");
    assertThatThrownBy(() -> OriginServer.builder().dataDirectory(temp).withoutTokens().cacheMaxBytes(1L << 30)
        .build()).hasMessageContaining("apply only to titles from a storage");
    assertThatThrownBy(() -> OriginServer.builder().storage(storage).withoutTokens().build())
        .hasMessageContaining("call cacheDirectory(...) or dataDirectory(...)");
  }

  @Test
  void anUnreachableStorageStopsTheStartWithOneLine() throws Exception {
    int closedPort;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    try (S3Storage nowhere = S3Storage.builder().location("s3://media").endpoint(
        java.net.URI.create("http://127.0.0.1:" + closedPort)).pathStyle(true).region("us-east-1").maxAttempts(1)
        .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY,
            S3ProxyServer.SECRET_KEY))).build();
        S3Storage noBucket = s3.storage("s3://no-such-bucket").maxAttempts(1).build()) {
      assertThatThrownBy(() -> new RunningOrigin(b -> b.storage(nowhere).cacheDirectory(temp.resolve("c1"))))
          .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("the title storage cannot be used: ")
          .hasMessageContaining("s3://media/").hasMessageNotContaining("\n");
      assertThatThrownBy(() -> new RunningOrigin(b -> b.storage(noBucket).cacheDirectory(temp.resolve("c2"))))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("NoSuchBucket");
    }
  }

  /**
   * The bytes the cache holds on disk. The origin evicts while this walks, so a directory can vanish under the walk;
   * then the walk starts again (eviction only shrinks the cache, so it ends).
   */
  private static long cachedBytes(Path cache) throws Exception {
    while (true) {
      try (Stream<Path> files = Files.walk(cache.resolve(StoredObjectCache.OBJECTS))) {
        return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
      } catch (java.io.UncheckedIOException e) {
        if (!(e.getCause() instanceof java.nio.file.NoSuchFileException)) {
          throw e;
        }
      }
    }
  }
}
