package io.streamkit.benchmarks.core;

import io.streamkit.core.PageRequest;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.CatalogQuery;
import io.streamkit.core.title.CatalogSearchResult;
import io.streamkit.core.title.MaturityRating;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * Viewer search latency ({@code Catalog.search}, the query behind {@code GET /api/catalog}) over a large catalog on
 * PostgreSQL: page, total and category counts, as the API asks for them.
 *
 * <p>The catalog is seeded by batched INSERTs (seeding through the API would take longer than the measurement and
 * measure something else): names of 2 to 4 and descriptions of 12 to 24 words drawn from a vocabulary of 4 000
 * made-up words with a Zipf-like skew (a few words are common, most rare, as in real titles), 1 to 3 of 30 categories
 * (in their table and in the row's category list, as the catalog writes them),
 * a rating on 80 %, 90 % published, 10 % with a window that has closed. Then {@code ANALYZE}, a warm-up, and the
 * measured queries, one at a time on one connection pool: 40 % a word being typed (its first 2 to 5 letters), 30 % a
 * whole word, 20 % two words the last being typed, 10 % no text; a third of them with a category, a tenth with a
 * maturity limit. Each query's time is taken around the one call, so it includes the JDBC round trips.
 *
 * <p>Run (PostgreSQL at {@code STREAMKIT_BENCH_PG_URL}, default {@value ProgressWriteBenchmark#DEFAULT_PG_URL}):
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/benchmarks.jar io.streamkit.benchmarks.core.CatalogSearchBenchmark
 * </pre>
 *
 * <p>Arguments: {@code [titles] [queries] [seed]}, default {@code 100000 2000 42}. The seed draws the vocabulary,
 * the catalog and the query mix, so another seed checks a result on another catalog and other queries.
 */
public final class CatalogSearchBenchmark {

  private static final String BENCH_SCHEMA = "streamkit_bench_search";
  private static final int VOCABULARY = 4_000;
  private static final int CATEGORIES = 30;
  private static final int WARM_UP = 50;
  private static final long DEFAULT_SEED = 42;
  private static final String[] SYLLABLES = {"ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "be", "da", "fo",
      "gu", "ha", "ji", "ko", "le", "mo", "ni", "pa", "qu", "ri", "se", "tu", "wa", "xo", "ye", "zu", "an", "el",
      "or"};

  private CatalogSearchBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int titles = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int queries = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : DEFAULT_SEED;
    String url = System.getenv().getOrDefault("STREAMKIT_BENCH_PG_URL", ProgressWriteBenchmark.DEFAULT_PG_URL);
    dropSchema(url);
    Random random = new Random(seed);
    List<String> words = vocabulary(random);
    try (StreamkitStore store = StreamkitStore.builder().jdbcUrl(url).schema(BENCH_SCHEMA).build()) {
      long seedStart = System.nanoTime();
      seed(store, titles, words, random);
      System.out.printf(Locale.ROOT, "seeded %d titles in %.1f s%n", titles, (System.nanoTime() - seedStart) / 1e9);
      List<CatalogQuery> mix = new ArrayList<>();
      for (int i = 0; i < WARM_UP + queries; i++) {
        mix.add(query(words, random));
      }
      long matched = 0;
      for (int i = 0; i < WARM_UP; i++) {
        matched += store.catalog().search(mix.get(i)).total();
      }
      long[] nanos = new long[queries];
      for (int i = 0; i < queries; i++) {
        long start = System.nanoTime();
        CatalogSearchResult result = store.catalog().search(mix.get(WARM_UP + i));
        nanos[i] = System.nanoTime() - start;
        matched += result.total();
      }
      Arrays.sort(nanos);
      System.out.printf(Locale.ROOT, "seed %d: %d queries on %d titles (PostgreSQL): p50 %.2f ms, p95 %.2f ms,"
              + " p99 %.2f ms, max %.2f ms; %.0f matches per query on average%n", seed, queries, titles,
          percentile(nanos, 50), percentile(nanos, 95), percentile(nanos, 99), nanos[queries - 1] / 1e6,
          matched / (double) (WARM_UP + queries));
    } finally {
      dropSchema(url);
    }
  }

  private static double percentile(long[] sorted, int percent) {
    int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }

  private static List<String> vocabulary(Random random) {
    List<String> words = new ArrayList<>();
    while (words.size() < VOCABULARY) {
      StringBuilder word = new StringBuilder();
      int syllables = 2 + random.nextInt(3);
      for (int i = 0; i < syllables; i++) {
        word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
      }
      if (!words.contains(word.toString())) {
        words.add(word.toString());
      }
    }
    return words;
  }

  /** A word with a Zipf-like skew: index ~ VOCABULARY^u, so low indexes are far more frequent. */
  private static String word(List<String> words, Random random) {
    int index = (int) Math.pow(words.size(), random.nextDouble()) - 1;
    return words.get(Math.min(index, words.size() - 1));
  }

  private static String sentence(List<String> words, Random random, int min, int max) {
    int count = min + random.nextInt(max - min + 1);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        text.append(' ');
      }
      String w = word(words, random);
      text.append(i == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
    }
    return text.toString();
  }

  private static void seed(StreamkitStore store, int titles, List<String> words, Random random) throws SQLException {
    Instant now = Instant.now();
    OffsetDateTime created = now.minusSeconds(86_400L * 365).atOffset(ZoneOffset.UTC);
    try (Connection connection = store.dataSource().getConnection();
        PreparedStatement title = connection.prepareStatement("INSERT INTO streamkit_titles (id, name, description,"
            + " status, progress_percent, created_at, updated_at, release_year, maturity_rank, available_from,"
            + " available_until, category_list) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
        PreparedStatement category = connection.prepareStatement(
            "INSERT INTO streamkit_title_categories (title_id, category) VALUES (?,?)")) {
      connection.setAutoCommit(false);
      for (int i = 0; i < titles; i++) {
        UUID id = UUID.randomUUID();
        title.setObject(1, id);
        title.setString(2, sentence(words, random, 2, 4));
        title.setString(3, sentence(words, random, 12, 24) + ".");
        title.setString(4, random.nextInt(10) < 9 ? "PUBLISHED" : "READY");
        title.setInt(5, 100);
        title.setObject(6, created.plusSeconds(i));
        title.setObject(7, created.plusSeconds(i));
        title.setInt(8, 1950 + random.nextInt(76));
        if (random.nextInt(10) < 8) {
          title.setInt(9, random.nextInt(MaturityRating.values().length));
        } else {
          title.setNull(9, java.sql.Types.SMALLINT);
        }
        title.setObject(10, null, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
        title.setObject(11, random.nextInt(10) == 0 ? now.minusSeconds(3600).atOffset(ZoneOffset.UTC) : null,
            java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
        int first = random.nextInt(CATEGORIES);
        int count = 1 + random.nextInt(3);
        List<String> categories = new ArrayList<>();
        for (int c = 0; c < count; c++) {
          categories.add("category-" + (first + c) % CATEGORIES);
          category.setObject(1, id);
          category.setString(2, categories.get(c));
          category.addBatch();
        }
        categories.sort(null);
        title.setString(12, String.join(",", categories));
        title.addBatch();
        if (i % 1_000 == 999 || i == titles - 1) {
          title.executeBatch();
          category.executeBatch();
          connection.commit();
        }
      }
      connection.setAutoCommit(true);
      try (Statement analyze = connection.createStatement()) {
        analyze.execute("ANALYZE streamkit_titles");
        analyze.execute("ANALYZE streamkit_title_categories");
      }
    }
  }

  private static CatalogQuery query(List<String> words, Random random) {
    int kind = random.nextInt(10);
    String text;
    if (kind < 4) {
      String w = word(words, random);
      text = w.substring(0, Math.min(w.length(), 2 + random.nextInt(4)));
    } else if (kind < 7) {
      text = word(words, random);
    } else if (kind < 9) {
      String w = word(words, random);
      text = word(words, random) + " " + w.substring(0, Math.min(w.length(), 2 + random.nextInt(4)));
    } else {
      text = "";
    }
    String category = random.nextInt(3) == 0 ? "category-" + random.nextInt(CATEGORIES) : null;
    MaturityRating limit = random.nextInt(10) == 0 ? MaturityRating.PG : null;
    return new CatalogQuery(text, category, limit, List.of(), Instant.now(), new PageRequest(0, 20));
  }

  private static void dropSchema(String url) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + BENCH_SCHEMA + " CASCADE");
    }
  }
}
