package io.streamkit.benchmarks.core;

import io.streamkit.core.progress.ProgressStore;
import io.streamkit.core.progress.ProgressWriter;
import io.streamkit.core.progress.WatchProgress;
import io.streamkit.core.store.StreamkitStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Progress updates per second into H2 and PostgreSQL: one upsert statement per update (what a request handler does
 * without write-behind) against {@link ProgressWriter}.
 *
 * <p>Both paths get the same producer threads and update rows that already exist, each row once per measured round,
 * so the writer gains nothing from coalescing: the difference is batching alone. A writer round ends when
 * {@link ProgressWriter#close()} returns, i.e. when every update is in the database.
 *
 * <p>Run (PostgreSQL at {@code STREAMKIT_BENCH_PG_URL}, default {@value #DEFAULT_PG_URL}):
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/benchmarks.jar io.streamkit.benchmarks.core.ProgressWriteBenchmark
 * </pre>
 *
 * <p>Arguments: {@code [h2|postgresql|both] [naiveUpdates] [writerUpdates] [threads]}, default
 * {@code both 20000 200000 4}.
 */
public final class ProgressWriteBenchmark {

  static final String DEFAULT_PG_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  private static final String BENCH_SCHEMA = "streamkit_bench";
  private static final int TITLES = 100;
  private static final Duration TITLE_DURATION = Duration.ofMinutes(90);

  private ProgressWriteBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    String databases = args.length > 0 ? args[0] : "both";
    int naiveUpdates = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int writerUpdates = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    if (!List.of("h2", "postgresql", "both").contains(databases)) {
      throw new IllegalArgumentException("first argument " + databases + " must be h2, postgresql or both");
    }
    List<String> rows = new ArrayList<>();
    if (!databases.equals("postgresql")) {
      Path directory = Files.createTempDirectory("streamkit-bench-h2");
      try {
        rows.add(run("H2 (file)", StreamkitStore.builder().dataDirectory(directory), naiveUpdates, writerUpdates,
            threads));
      } finally {
        deleteRecursively(directory);
      }
    }
    if (!databases.equals("h2")) {
      String url = System.getenv().getOrDefault("STREAMKIT_BENCH_PG_URL", DEFAULT_PG_URL);
      dropSchema(url);
      try {
        rows.add(run("PostgreSQL", StreamkitStore.builder().jdbcUrl(url).schema(BENCH_SCHEMA), naiveUpdates,
            writerUpdates, threads));
      } finally {
        dropSchema(url);
      }
    }
    System.out.println();
    System.out.println("| database | naive updates/s | writer updates/s | writer / naive |");
    System.out.println("|---|---:|---:|---:|");
    rows.forEach(System.out::println);
  }

  private static String run(String database, StreamkitStore.Builder builder, int naiveUpdates, int writerUpdates,
      int threads) throws Exception {
    try (StreamkitStore store = builder.build()) {
      List<UUID> titles = new ArrayList<>();
      for (int t = 0; t < TITLES; t++) {
        titles.add(store.catalog().create("Benchmark title " + t, "").id());
      }
      int keys = Math.max(naiveUpdates, writerUpdates);
      Instant start = Instant.parse("2026-01-01T00:00:00Z");
      store.progress().upsertAll(readings(titles, keys, start));

      // Warm-up rounds let the JIT and the database caches settle before anything is timed.
      naive(store.progress(), readings(titles, Math.min(naiveUpdates, 5_000), start.plusSeconds(1)), threads);
      writer(store.progress(), readings(titles, Math.min(writerUpdates, 50_000), start.plusSeconds(2)), threads);

      double naiveRate = naive(store.progress(), readings(titles, naiveUpdates, start.plusSeconds(3)), threads);
      double writerRate = writer(store.progress(), readings(titles, writerUpdates, start.plusSeconds(4)), threads);
      String row = String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %.1f× |", database, naiveRate, writerRate,
          writerRate / naiveRate);
      System.out.println(row);
      return row;
    }
  }

  /** One reading per key; key k is viewer k watching title k mod {@link #TITLES}. */
  private static List<WatchProgress> readings(List<UUID> titles, int count, Instant at) {
    List<WatchProgress> readings = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      Duration position = Duration.ofSeconds(60 + (at.getEpochSecond() + k) % 3_000);
      readings.add(new WatchProgress("viewer-" + k, titles.get(k % titles.size()), position, TITLE_DURATION, at));
    }
    return readings;
  }

  private static double naive(ProgressStore store, List<WatchProgress> readings, int threads) throws Exception {
    return timed(readings.size(), () -> inParallel(readings, threads, store::upsert));
  }

  private static double writer(ProgressStore store, List<WatchProgress> readings, int threads) throws Exception {
    return timed(readings.size(), () -> {
      try (ProgressWriter writer = ProgressWriter.builder(store).flushInterval(Duration.ofMillis(100))
          .batchSize(1_000).maxPending(100_000).offerTimeout(Duration.ofSeconds(30)).build()) {
        inParallel(readings, threads, writer::submit);
      }
    });
  }

  @FunctionalInterface
  private interface Round {
    void run() throws Exception;
  }

  private static double timed(int updates, Round round) throws Exception {
    long started = System.nanoTime();
    round.run();
    double seconds = (System.nanoTime() - started) / 1e9;
    return updates / seconds;
  }

  @FunctionalInterface
  private interface Update {
    void apply(WatchProgress reading);
  }

  private static void inParallel(List<WatchProgress> readings, int threads, Update update) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      int share = (readings.size() + threads - 1) / threads;
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        List<WatchProgress> mine = readings.subList(Math.min(t * share, readings.size()),
            Math.min((t + 1) * share, readings.size()));
        done.add(pool.submit(() -> mine.forEach(update::apply)));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static void dropSchema(String url) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + BENCH_SCHEMA + " CASCADE");
    }
  }

  private static void deleteRecursively(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
