package io.streamkit.benchmarks.core;

import io.streamkit.core.progress.WatchProgress;
import io.streamkit.core.recommend.Recommendations;
import io.streamkit.core.recommend.Recommender;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.TitleStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Offline evaluation of {@link Recommender} against the popularity baseline, by leave-last-out: every viewer's last
 * watched title is held out, recommendations are computed from the rest, and a hit is the held-out title among the
 * viewer's first ten (hit rate@10, as in Deshpande and Karypis, ACM TOIS 2004). Coverage is the share of the catalogue
 * that appears in anybody's top ten.
 *
 * <p>The viewing history is generated with known structure, so that "right" is defined: titles fall into taste
 * clusters, each viewer has a main cluster and maybe a second one, and picks most titles there by a Zipf law, some
 * from the whole catalogue by a steeper Zipf law (the hits everybody watches), and abandons some after a few minutes.
 * The generator's constants are this class's; the recommender runs with its defaults, chosen before this data
 * existed.
 *
 * <p>Run (PostgreSQL at {@code STREAMKIT_BENCH_PG_URL}, default {@value ProgressWriteBenchmark#DEFAULT_PG_URL}):
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/benchmarks.jar io.streamkit.benchmarks.core.RecommendationEvaluation
 * </pre>
 *
 * <p>Arguments: {@code [h2|postgresql] [viewers] [seed]}, default {@code h2 5000 1}.
 */
public final class RecommendationEvaluation {

  private static final int CLUSTERS = 12;
  private static final int TITLES_PER_CLUSTER = 50;
  private static final int TOP = 10;
  private static final double MAIN_CLUSTER = 0.70;
  private static final double SECOND_CLUSTER = 0.15;
  private static final double ABANDONED = 0.10;
  private static final double TITLE_MINUTES = 90;
  private static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");
  private static final String BENCH_SCHEMA = "streamkit_recommend_bench";

  private RecommendationEvaluation() {}

  /**
   * Generates the history, holds out each viewer's last title, and prints hit rate@10 and coverage.
   *
   * @param args {@code [h2|postgresql] [viewers] [seed]}
   * @throws Exception if the database fails
   */
  public static void main(String[] args) throws Exception {
    String database = args.length > 0 ? args[0] : "h2";
    int viewers = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
    Path directory = Files.createTempDirectory("streamkit-recommend-bench");
    StreamkitStore.Builder builder;
    if (database.equals("postgresql")) {
      String url = System.getenv().getOrDefault("STREAMKIT_BENCH_PG_URL", ProgressWriteBenchmark.DEFAULT_PG_URL);
      try (StreamkitStore admin = StreamkitStore.builder().jdbcUrl(url).build();
          Connection connection = admin.dataSource().getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA IF EXISTS " + BENCH_SCHEMA + " CASCADE");
        statement.execute("CREATE SCHEMA " + BENCH_SCHEMA);
      }
      builder = StreamkitStore.builder().jdbcUrl(url + "&currentSchema=" + BENCH_SCHEMA);
    } else {
      builder = StreamkitStore.builder().dataDirectory(directory);
    }
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    try (StreamkitStore store = builder.clock(clock).build()) {
      evaluate(store, clock, viewers, seed, database);
    }
  }

  private static void evaluate(StreamkitStore store, Clock clock, int viewers, long seed, String database) {
    List<UUID> titles = new ArrayList<>();
    for (int t = 0; t < CLUSTERS * TITLES_PER_CLUSTER; t++) {
      UUID id = store.catalog().create("title " + t, "").id();
      store.catalog().transition(id, TitleStatus.PROCESSING);
      store.catalog().transition(id, TitleStatus.READY);
      store.catalog().transition(id, TitleStatus.PUBLISHED);
      titles.add(id);
    }
    Random random = new Random(seed);
    double[] withinCluster = zipf(TITLES_PER_CLUSTER, 0.8);
    double[] overall = zipf(titles.size(), 1.1);
    int[] globalOrder = shuffled(titles.size(), random);
    UUID[] heldOut = new UUID[viewers];
    List<WatchProgress> batch = new ArrayList<>();
    long readings = 0;
    for (int v = 0; v < viewers; v++) {
      String viewer = "viewer-" + v;
      int main = random.nextInt(CLUSTERS);
      int second = random.nextBoolean() ? random.nextInt(CLUSTERS) : main;
      int length = 5 + (int) Math.min(55, -15 * Math.log(1 - random.nextDouble()));
      Set<Integer> seen = new LinkedHashSet<>();
      while (seen.size() < length) {
        double pick = random.nextDouble();
        int title;
        if (pick < MAIN_CLUSTER) {
          title = main * TITLES_PER_CLUSTER + sample(withinCluster, random);
        } else if (pick < MAIN_CLUSTER + SECOND_CLUSTER) {
          title = second * TITLES_PER_CLUSTER + sample(withinCluster, random);
        } else {
          title = globalOrder[sample(overall, random)];
        }
        seen.add(title);
      }
      // Watched in the order picked, one every ~12 hours up to now; the last one fully watched is held out.
      List<Integer> order = new ArrayList<>(seen);
      int lastWatched = -1;
      boolean[] abandoned = new boolean[order.size()];
      for (int k = 0; k < order.size(); k++) {
        abandoned[k] = random.nextDouble() < ABANDONED;
        if (!abandoned[k]) {
          lastWatched = k;
        }
      }
      for (int k = 0; k < order.size(); k++) {
        if (k == lastWatched) {
          heldOut[v] = titles.get(order.get(k));
          continue;
        }
        double share = abandoned[k] ? 0.05 + 0.2 * random.nextDouble() : 0.6 + 0.4 * random.nextDouble();
        Instant at = NOW.minus(Duration.ofHours(12L * (order.size() - k)));
        batch.add(WatchProgress.ofSeconds(viewer, titles.get(order.get(k)), share * TITLE_MINUTES * 60,
            TITLE_MINUTES * 60, at, clock));
        readings++;
      }
      if (batch.size() >= 5_000) {
        store.progress().upsertAll(batch);
        batch.clear();
      }
    }
    store.progress().upsertAll(batch);

    Recommender recommender = Recommender.builder(store).clock(clock).build();
    long started = System.nanoTime();
    Recommender.Recomputation run = recommender.recompute();
    double recomputeSeconds = (System.nanoTime() - started) / 1e9;
    int personalHits = 0;
    int popularHits = 0;
    int evaluated = 0;
    Set<UUID> personalCovered = new HashSet<>();
    Set<UUID> popularCovered = new HashSet<>();
    long[] latencies = new long[viewers];
    for (int v = 0; v < viewers; v++) {
      if (heldOut[v] == null) {
        continue;
      }
      long begin = System.nanoTime();
      Recommendations mine = recommender.forViewer("viewer-" + v, TOP);
      latencies[evaluated] = System.nanoTime() - begin;
      evaluated++;
      personalHits += mine.forYou().contains(heldOut[v]) ? 1 : 0;
      popularHits += mine.popular().contains(heldOut[v]) ? 1 : 0;
      personalCovered.addAll(mine.forYou());
      popularCovered.addAll(mine.popular());
    }
    long[] measured = Arrays.copyOf(latencies, evaluated);
    Arrays.sort(measured);
    System.out.printf("database %s, seed %d: %d viewers (%d evaluated), %d titles in %d clusters, %d readings;"
        + " recompute %.2f s (%d titles with neighbours)%n", database, seed, viewers, evaluated, titles.size(),
        CLUSTERS, readings, recomputeSeconds, run.titlesWithNeighbours());
    System.out.printf("| recommender | hit rate@%d | coverage |%n|---|---:|---:|%n", TOP);
    System.out.printf("| item-to-item (for you) | %.3f | %.3f |%n", (double) personalHits / evaluated,
        (double) personalCovered.size() / titles.size());
    System.out.printf("| popularity baseline | %.3f | %.3f |%n", (double) popularHits / evaluated,
        (double) popularCovered.size() / titles.size());
    System.out.printf("forViewer latency: p50 %.2f ms, p95 %.2f ms%n", measured[evaluated / 2] / 1e6,
        measured[(int) (evaluated * 0.95)] / 1e6);
  }

  /** Cumulative weights of a Zipf law with exponent {@code s} over {@code n} ranks. */
  private static double[] zipf(int n, double s) {
    double[] cumulative = new double[n];
    double total = 0;
    for (int rank = 0; rank < n; rank++) {
      total += 1 / Math.pow(rank + 1, s);
      cumulative[rank] = total;
    }
    for (int rank = 0; rank < n; rank++) {
      cumulative[rank] /= total;
    }
    return cumulative;
  }

  private static int sample(double[] cumulative, Random random) {
    int index = Arrays.binarySearch(cumulative, random.nextDouble());
    return Math.min(cumulative.length - 1, index >= 0 ? index : -index - 1);
  }

  private static int[] shuffled(int n, Random random) {
    int[] order = new int[n];
    for (int k = 0; k < n; k++) {
      order[k] = k;
    }
    for (int k = n - 1; k > 0; k--) {
      int other = random.nextInt(k + 1);
      int swap = order[k];
      order[k] = order[other];
      order[other] = swap;
    }
    return order;
  }
}
