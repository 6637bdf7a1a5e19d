package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.store.PostgresTestSchema;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog that takes seconds to answer must not slow segment delivery: with one I/O thread, every connection shares
 * one event loop, so a single blocking database call on it would stall every viewer. The catalog is made slow for
 * real: a PostgreSQL transaction holds an exclusive lock on the titles table, so every catalog query waits for it.
 */
class NonBlockingEventLoopTest {

  private static final String ADMIN_KEY = "nonblocking-admin-key-0123";
  private static final Duration LOCK_HELD = Duration.ofMillis(2500);
  /**
   * A loop blocked by one catalog call would hold a segment for about the lock's 2.5 s; on a loaded two-core CI
   * machine a segment on loopback may still take a few hundred milliseconds now and then, so the bound sits between.
   */
  private static final Duration MAX_SEGMENT_LATENCY = Duration.ofMillis(1000);
  private static final Duration MAX_MEDIAN_LATENCY = Duration.ofMillis(100);

  @TempDir Path data;
  private PostgresTestSchema schema;
  private StreamkitStore store;
  private OriginServer origin;
  private final HttpClient http = HttpClient.newHttpClient();
  private final PlaybackTokenSigner signer = PlaybackTokenSigner.hs256(RunningOrigin.SECRET);

  @BeforeEach
  void start() {
    PostgresTestSchema.require("non-blocking event loop test");
    schema = PostgresTestSchema.create("streamkit_nonblocking");
    store = schema.store().build();
    ManagementApi api = ManagementApi.builder().store(store).dataDirectory(data).build();
    origin = OriginServer.builder().dataDirectory(data).host("127.0.0.1").port(0).ioThreads(1)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(RunningOrigin.SECRET).build())
        .adminKey(ADMIN_KEY).store(store).managementApi(api).build().start();
  }

  @AfterEach
  void stop() throws Exception {
    if (origin != null) {
      origin.close();
    }
    if (store != null) {
      store.close();
    }
    if (schema != null) {
      schema.drop();
    }
  }

  @Test
  void segmentsFlowWhileTheCatalogTakesSeconds() throws Exception {
    String watched = publishedTitle();
    String cold = publishedTitle();
    String watchedSegment = segment(watched);
    for (int i = 0; i < 50; i++) {
      assertThat(get(watchedSegment, null).statusCode()).as("warm the title's status and the JIT").isEqualTo(200);
    }

    CountDownLatch locked = new CountDownLatch(1);
    CompletableFuture<Void> lock = CompletableFuture.runAsync(() -> holdTitlesLock(locked));
    locked.await();
    long lockedAt = System.nanoTime();
    CompletableFuture<HttpResponse<String>> list = send("/api/titles", "Bearer " + ADMIN_KEY);
    CompletableFuture<HttpResponse<String>> coldSegment = send(segment(cold), null);
    CompletableFuture<HttpResponse<String>> oneTitle = send("/api/titles/" + cold, "Bearer " + ADMIN_KEY);

    List<Long> latencies = new ArrayList<>();
    while (System.nanoTime() - lockedAt < LOCK_HELD.toNanos() - Duration.ofMillis(300).toNanos()) {
      long started = System.nanoTime();
      assertThat(get(watchedSegment, null).statusCode()).isEqualTo(200);
      latencies.add((System.nanoTime() - started) / 1_000_000);
    }
    assertThat(list.isDone()).as("the catalog was really slow").isFalse();
    lock.join();

    assertThat(latencies).as("segment latencies in ms while the catalog was locked").hasSizeGreaterThan(5)
        .allMatch(ms -> ms < MAX_SEGMENT_LATENCY.toMillis());
    assertThat(latencies.stream().sorted().toList().get(latencies.size() / 2)).as("median of %s", latencies)
        .isLessThan(MAX_MEDIAN_LATENCY.toMillis());
    assertThat(list.join().statusCode()).isEqualTo(200);
    assertThat(coldSegment.join().statusCode()).isEqualTo(200);
    assertThat(oneTitle.join().statusCode()).isEqualTo(200);
  }

  private void holdTitlesLock(CountDownLatch locked) {
    try (Connection connection = DriverManager.getConnection(System.getenv(PostgresTestSchema.URL_VARIABLE));
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      statement.execute("LOCK TABLE " + schema.name() + ".streamkit_titles IN ACCESS EXCLUSIVE MODE");
      locked.countDown();
      Thread.sleep(LOCK_HELD.toMillis());
      connection.rollback();
    } catch (Exception e) {
      locked.countDown();
      throw new IllegalStateException(e);
    }
  }

  private String publishedTitle() throws Exception {
    return TestTitles.inCatalog(store, data, TitleStatus.PUBLISHED);
  }

  private String segment(String title) {
    String token = signer.sign(PlaybackClaims.builder().title(title).viewer("viewer-1")
        .expiresAt(Instant.now().plusSeconds(600)).build());
    return "/titles/" + title + "/v0/seg_00000.m4s?token=" + token;
  }

  private HttpRequest request(String path, String authorization) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + origin.port() + path))
        .timeout(Duration.ofSeconds(20));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b.build();
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    return http.send(request(path, authorization), BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> send(String path, String authorization) {
    return http.sendAsync(request(path, authorization), BodyHandlers.ofString());
  }
}
