package io.streamkit.benchmarks.server;

import io.streamkit.core.analytics.AnalyticsRollups;
import io.streamkit.core.analytics.PlatformAnalytics;
import io.streamkit.core.analytics.PlaybackAnalytics;
import io.streamkit.core.progress.WatchProgress;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.server.origin.OriginServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load harness behind {@code benchmarks/viewer-load.sh}: an origin with its viewer API on PostgreSQL (a fresh schema,
 * dropped afterwards) and simulated viewers in the same JVM, each watching one title: a progress heartbeat
 * ({@code PUT /api/progress}) every 2 s and a batch of player events ({@code POST /api/events}) every 10 s, with
 * random phase. Requests go through {@code java.net.http} with at most {@code connections} in flight, so at most that
 * many sockets are open. Afterwards the origin is closed (which flushes the write-behind progress writer) and every
 * viewer's stored position is compared with the last heartbeat the origin acknowledged, and the stored event count
 * with the events acknowledged.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.streamkit.benchmarks.server.ViewerLoadBenchmark \
 *     [viewers=500] [seconds=60] [connections=64] [jdbcUrl=jdbc:postgresql://127.0.0.1:5432/test?user=postgres]
 * </pre>
 *
 * Prints a Markdown report on stdout and exits non-zero if any request failed or any final position was lost.
 */
public final class ViewerLoadBenchmark {

  static final Duration HEARTBEAT = Duration.ofSeconds(2);
  static final Duration EVENT_BATCH = Duration.ofSeconds(10);
  static final int TITLES = 20;
  static final double TITLE_SECONDS = 3600;
  private static final byte[] SECRET = "viewer-load-benchmark-secret-0123456789".getBytes(StandardCharsets.UTF_8);
  private static final String ADMIN_KEY = "viewer-load-benchmark-admin-key";

  private final int viewers;
  private final int seconds;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final Semaphore inFlight;
  private final Latencies heartbeats = new Latencies();
  private final Latencies eventBatches = new Latencies();
  private final AtomicLong eventsAcknowledged = new AtomicLong();
  private final Map<String, String> errors = new ConcurrentHashMap<>();
  private final AtomicLong errorCount = new AtomicLong();
  private final Map<Integer, Double> acknowledgedPosition = new ConcurrentHashMap<>();
  private String base;

  private ViewerLoadBenchmark(int viewers, int seconds, int connections) {
    this.viewers = viewers;
    this.seconds = seconds;
    this.inFlight = new Semaphore(connections);
  }

  public static void main(String[] args) throws Exception {
    int viewers = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    int connections = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    String jdbcUrl = args.length > 3 ? args[3] : "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    String schema = "streamkit_viewer_load_" + Long.toString(System.currentTimeMillis(), 36);
    Path data = Files.createTempDirectory("streamkit-viewer-load");
    boolean ok;
    try (StreamkitStore store = StreamkitStore.builder().jdbcUrl(jdbcUrl).schema(schema).build()) {
      ok = new ViewerLoadBenchmark(viewers, seconds, connections).run(store, data, jdbcUrl, schema, connections);
    } finally {
      try (Connection connection = DriverManager.getConnection(jdbcUrl);
          Statement statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
      Files.deleteIfExists(data);
    }
    System.exit(ok ? 0 : 1);
  }

  private boolean run(StreamkitStore store, Path data, String jdbcUrl, String schema, int connections)
      throws Exception {
    List<UUID> titles = new ArrayList<>();
    for (int i = 0; i < TITLES; i++) {
      UUID id = store.catalog().create("Load title " + i, "").id();
      for (TitleStatus next : List.of(TitleStatus.PROCESSING, TitleStatus.READY, TitleStatus.PUBLISHED)) {
        store.catalog().transition(id, next);
      }
      titles.add(id);
    }
    PlaybackTokenSigner signer = PlaybackTokenSigner.hs256(SECRET);
    OriginServer origin = OriginServer.builder().dataDirectory(data).host("127.0.0.1").port(0)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build())
        .adminKey(ADMIN_KEY).store(store).build().start();
    base = "http://127.0.0.1:" + origin.port();
    String loadAverageBefore = loadAverage();

    Random random = new Random(42);
    ScheduledExecutorService clock = Executors.newScheduledThreadPool(4);
    long startNanos = System.nanoTime();
    for (int v = 0; v < viewers; v++) {
      int viewer = v;
      UUID title = titles.get(v % TITLES);
      String token = signer.sign(PlaybackClaims.builder().viewer("viewer-" + v).title(title.toString())
          .expiresAt(Instant.now().plusSeconds(seconds + 600L)).build());
      double startPosition = random.nextInt(1800);
      long phase = random.nextInt((int) HEARTBEAT.toMillis());
      clock.scheduleAtFixedRate(() -> heartbeat(viewer, title, token, startPosition, startNanos), phase,
          HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
      long eventPhase = random.nextInt((int) EVENT_BATCH.toMillis());
      clock.scheduleAtFixedRate(() -> events(viewer, token, startPosition, startNanos), eventPhase,
          EVENT_BATCH.toMillis(), TimeUnit.MILLISECONDS);
    }
    Thread.sleep(seconds * 1000L);
    clock.shutdown();
    clock.awaitTermination(30, TimeUnit.SECONDS);
    waitForInFlight(connections);
    long loadEnded = System.nanoTime();
    // The summary reads the rollups; fold what the run stored, as a platform's scheduled fold would.
    AnalyticsRollups.builder(store).settleLag(Duration.ZERO).build().fold();

    long analyticsStart = System.nanoTime();
    HttpResponse<String> summary = http.send(HttpRequest.newBuilder(URI.create(base + "/api/analytics"))
        .header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
    double analyticsMillis = (System.nanoTime() - analyticsStart) / 1e6;
    origin.close();
    String loadAverageAfter = loadAverage();

    long lost = 0;
    List<String> lostExamples = new ArrayList<>();
    for (Map.Entry<Integer, Double> expected : acknowledgedPosition.entrySet()) {
      int v = expected.getKey();
      WatchProgress stored = store.progress().get("viewer-" + v, titles.get(v % TITLES)).orElse(null);
      long expectedMillis = Math.round(expected.getValue() * 1000);
      if (stored == null || stored.position().toMillis() != expectedMillis) {
        lost++;
        if (lostExamples.size() < 5) {
          lostExamples.add("viewer-" + v + " expected " + expectedMillis + " ms, stored "
              + (stored == null ? "nothing" : stored.position().toMillis() + " ms"));
        }
      }
    }
    long storedEvents;
    try (Connection connection = DriverManager.getConnection(jdbcUrl);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM " + schema + ".streamkit_events")) {
      row.next();
      storedEvents = row.getLong(1);
    }
    PlatformAnalytics platform = PlaybackAnalytics.of(store).platform();

    double elapsed = (loadEnded - startNanos) / 1e9;
    System.out.printf(Locale.ROOT, "Viewer load: %d viewers, %d s, at most %d connections, PostgreSQL%n%n",
        viewers, seconds, connections);
    System.out.printf(Locale.ROOT, "load average before %s, after %s%n%n", loadAverageBefore, loadAverageAfter);
    System.out.println("| request | count | per second | p50 ms | p95 ms | p99 ms | max ms |");
    System.out.println("|---|---|---|---|---|---|---|");
    heartbeats.print("PUT /api/progress", elapsed);
    eventBatches.print("POST /api/events", elapsed);
    System.out.println();
    System.out.printf(Locale.ROOT, "errors: %d %s%n", errorCount.get(), errors.isEmpty() ? "" : errors);
    System.out.printf(Locale.ROOT, "final positions checked: %d, lost or different: %d %s%n",
        acknowledgedPosition.size(), lost, lostExamples.isEmpty() ? "" : lostExamples);
    System.out.printf(Locale.ROOT, "events acknowledged: %d, stored: %d%n", eventsAcknowledged.get(), storedEvents);
    System.out.printf(Locale.ROOT, "GET /api/analytics after the run: %d in %.0f ms; plays %d, unique viewers %d,"
        + " watch time %.0f s, startup p50 %s ms, rebuffer ratio %.4f, errors %d%n", summary.statusCode(),
        analyticsMillis, platform.plays(), platform.uniqueViewers(), platform.watchTimeSeconds(),
        platform.startupMsP50(), platform.rebufferRatio(), platform.errors());
    return errorCount.get() == 0 && lost == 0 && acknowledgedPosition.size() == viewers
        && storedEvents == eventsAcknowledged.get() && summary.statusCode() == 200;
  }

  private void heartbeat(int viewer, UUID title, String token, double startPosition, long startNanos) {
    double position = Math.min(TITLE_SECONDS,
        startPosition + Math.round((System.nanoTime() - startNanos) / 1e6) / 1000.0);
    String body = String.format(Locale.ROOT, "{\"positionSeconds\":%.3f,\"durationSeconds\":%.1f,"
        + "\"clientTime\":\"%s\"}", position, TITLE_SECONDS, Instant.now());
    int status = send("PUT", "/api/progress/" + title, token, body, heartbeats);
    if (status == 202) {
      acknowledgedPosition.merge(viewer, position, Math::max);
    }
  }

  private void events(int viewer, String token, double startPosition, long startNanos) {
    double position = startPosition + (System.nanoTime() - startNanos) / 1e9;
    Instant now = Instant.now();
    String session = "load-session-" + viewer;
    String body = "{\"sessionId\":\"" + session + "\",\"events\":["
        + event("startup", position, now.minusMillis(4000), "{\"startupMs\":\"" + (300 + viewer % 700)
            + "\",\"bitrate\":\"3000000\"}") + ","
        + event("rebuffer_start", position, now.minusMillis(3000), "{}") + ","
        + event("rebuffer_end", position, now.minusMillis(2500), "{}") + ","
        + event("variant_switch", position, now.minusMillis(2000),
            "{\"bitrate\":\"1500000\",\"fromHeight\":\"720\",\"toHeight\":\"480\"}") + ","
        + event("play", position, now, "{}") + "]}";
    if (send("POST", "/api/events", token, body, eventBatches) == 202) {
      eventsAcknowledged.addAndGet(5);
    }
  }

  private static String event(String type, double position, Instant at, String attributes) {
    return String.format(Locale.ROOT, "{\"type\":\"%s\",\"positionSeconds\":%.3f,\"time\":\"%s\",\"attributes\":%s}",
        type, position, at, attributes);
  }

  private int send(String method, String path, String token, String body, Latencies latencies) {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
    long start = System.nanoTime();
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
          .timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      latencies.record(System.nanoTime() - start);
      if (response.statusCode() / 100 != 2) {
        errorCount.incrementAndGet();
        errors.putIfAbsent(method + " " + response.statusCode(), response.body());
      }
      return response.statusCode();
    } catch (Exception e) {
      errorCount.incrementAndGet();
      errors.putIfAbsent(method + " " + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
      return -1;
    } finally {
      inFlight.release();
    }
  }

  private void waitForInFlight(int connections) throws InterruptedException {
    inFlight.acquire(connections);
    inFlight.release(connections);
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (Exception e) {
      return "unknown";
    }
  }

  /** Latencies in microseconds, kept whole: a 60 s run at a few hundred requests a second is small. */
  private static final class Latencies {
    private long[] micros = new long[1 << 16];
    private int count;

    synchronized void record(long nanos) {
      if (count == micros.length) {
        micros = Arrays.copyOf(micros, count * 2);
      }
      micros[count++] = nanos / 1000;
    }

    synchronized void print(String name, double seconds) {
      long[] sorted = Arrays.copyOf(micros, count);
      Arrays.sort(sorted);
      System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f |%n", name, count, count / seconds,
          percentile(sorted, 0.50), percentile(sorted, 0.95), percentile(sorted, 0.99),
          count == 0 ? 0 : sorted[count - 1] / 1000.0);
    }

    private static double percentile(long[] sorted, double fraction) {
      if (sorted.length == 0) {
        return 0;
      }
      return sorted[Math.max(0, (int) Math.ceil(fraction * sorted.length) - 1)] / 1000.0;
    }
  }
}
