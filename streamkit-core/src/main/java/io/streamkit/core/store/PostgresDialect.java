package io.streamkit.core.store;

import io.streamkit.core.progress.WatchProgress;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;

/**
 * PostgreSQL: {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE} (PostgreSQL manual, "INSERT", section "ON CONFLICT
 * Clause"). The conflicting row is locked before the WHERE is evaluated, so concurrent upserts of one key serialise
 * and the newest client timestamp wins whatever the arrival order. Readings travel as six arrays expanded by
 * {@code unnest}, up to {@link #ROWS_PER_STATEMENT} per statement: one short statement the server prepares once,
 * instead of a round trip per reading or a multi-row VALUES list with thousands of bind parameters.
 */
final class PostgresDialect implements SqlDialect {

  /** Rows per statement; larger arrays gain little and hold row locks longer. */
  static final int ROWS_PER_STATEMENT = 1_000;
  private static final String INSERT =
      "INSERT INTO streamkit_progress (viewer_id, title_id, position_ms, duration_ms, client_ts, completed)";
  private static final String ON_CONFLICT =
      " ON CONFLICT (viewer_id, title_id) DO UPDATE SET position_ms = excluded.position_ms,"
      + " duration_ms = excluded.duration_ms, client_ts = excluded.client_ts, completed = excluded.completed"
      + " WHERE excluded.client_ts >= streamkit_progress.client_ts";
  private static final String UPSERT_ONE = INSERT + " VALUES (?,?,?,?,?,?)" + ON_CONFLICT;
  private static final String UPSERT =
      INSERT + " SELECT * FROM unnest(?::varchar[], ?::uuid[], ?::int8[], ?::int8[], ?::text[]::timestamptz[],"
      + " ?::bool[])" + ON_CONFLICT;

  @Override
  public String name() {
    return "PostgreSQL";
  }

  @Override
  public int upsertProgress(JdbcRunner transaction, List<WatchProgress> readings) {
    if (readings.size() == 1) {
      return transaction.execute(UPSERT_ONE, s -> JdbcProgressStore.bind(s, readings));
    }
    int stored = 0;
    for (int from = 0; from < readings.size(); from += ROWS_PER_STATEMENT) {
      List<WatchProgress> rows = readings.subList(from, Math.min(from + ROWS_PER_STATEMENT, readings.size()));
      stored += transaction.execute(UPSERT, s -> {
        int n = rows.size();
        String[] viewers = new String[n];
        UUID[] titles = new UUID[n];
        Long[] positions = new Long[n];
        Long[] durations = new Long[n];
        String[] timestamps = new String[n];
        Boolean[] completed = new Boolean[n];
        for (int i = 0; i < n; i++) {
          WatchProgress p = rows.get(i);
          viewers[i] = p.viewerId();
          titles[i] = p.titleId();
          positions[i] = p.position().toMillis();
          durations[i] = p.duration().toMillis();
          timestamps[i] = p.clientTimestamp().toString();
          completed[i] = p.completed();
        }
        Connection connection = s.getConnection();
        s.setArray(1, connection.createArrayOf("varchar", viewers));
        s.setArray(2, connection.createArrayOf("uuid", titles));
        s.setArray(3, connection.createArrayOf("int8", positions));
        s.setArray(4, connection.createArrayOf("int8", durations));
        s.setArray(5, connection.createArrayOf("text", timestamps));
        s.setArray(6, connection.createArrayOf("bool", completed));
      });
    }
    return stored;
  }

  @Override
  public String migrations() {
    return "classpath:db/streamkit/postgresql";
  }

  /**
   * Full-text search on the generated {@code search_document} column (name weighted A, description B, the
   * {@code simple} configuration: no stemming or stop words, so titles in any language match word for word) through
   * its GIN index (PostgreSQL manual, chapter 12 "Full Text Search"). The text is read by
   * {@code websearch_to_tsquery} (quoted phrases, {@code or}, {@code -word}), except the word being typed at its end,
   * which matches as a prefix ({@code word:*}, section 12.3.2) so results follow typing. Ranked by
   * {@code ts_rank_cd}, which also rewards matched words lying close together (cover density, section 12.3.3).
   */
  @Override
  public TextSearch textSearch(String text) {
    String prefix = TextSearch.typedPrefix(text);
    String query;
    List<Object> parameters;
    if (prefix == null) {
      query = "websearch_to_tsquery('simple', ?)";
      parameters = List.of(text);
    } else {
      query = "(websearch_to_tsquery('simple', ?) && to_tsquery('simple', ?))";
      parameters = List.of(text.substring(0, text.length() - prefix.length()), prefix + ":*");
    }
    return new TextSearch(" CROSS JOIN (SELECT " + query + " AS query) q", parameters,
        "t.search_document @@ q.query", List.of(), "ts_rank_cd(t.search_document, q.query)", List.of(),
        "t.search_document",
        nameMatches(text) ? "t.name_document @@ q.query" : null, List.of());
  }

  /**
   * Whether a text is plain words, whose query, matched against the name-only {@code name_document} (migration V15),
   * finds the titles whose name has them all. That implies the match on {@code search_document}, which holds the
   * name's words at the same positions beside the description's. The same query restricted to the name's weight
   * ({@code word:A}) on {@code search_document} would mean the same, but its GIN index cannot tell weights apart, so
   * it would also visit, and recheck, every title whose description has the words.
   */
  private static boolean nameMatches(String text) {
    List<String> words = TextSearch.plainWords(text);
    return words != null && !words.isEmpty();
  }

  /**
   * The title row's own category list as an array that overlaps the categories ({@code &&}, manual section 9.19),
   * through its GIN index (migration V15). Unlike a lookup in {@code streamkit_title_categories} per title, it costs
   * nothing more for a title the scan reads anyway, when many titles are in the categories and the newest matches
   * are read newest first; and when few are, the index finds them, alone or ANDed with the text index's matches.
   */
  @Override
  public String inCategories(int categories) {
    return "string_to_array(t.category_list, ',') && ARRAY[" + SqlDialect.repeat("?", categories) + "]::text[]";
  }

  /**
   * Plans every search for its own parameters. After five executions of a prepared statement PostgreSQL may switch to
   * a generic plan (manual, PREPARE, "custom" and "generic" plans), made without knowing the text: it cannot tell a
   * word in most titles, best found newest first through the creation-time index, from a rare one, best found
   * through the text index, and a search then costs the wrong plan's full scan.
   *
   * <p>No parallel workers either: the planner started two for candidate scans bounded to two thousand rows (seen in
   * the benchmark's plans), workers that take cores other searches are waiting for. A search's statements join no
   * tables (the categories are read from the title row, migration V15), so the join methods are left to the planner.
   * Both settings in one round trip: {@code set_config(..., true)} is {@code SET LOCAL} (manual, section 9.27.1) and
   * lasts until the transaction ends.
   */
  @Override
  public void beforeSearch(JdbcRunner transaction) {
    transaction.query("SELECT set_config('plan_cache_mode', 'force_custom_plan', true),"
        + " set_config('max_parallel_workers_per_gather', '0', true)", JdbcRunner.NO_PARAMETERS, row -> null);
  }

  @Override
  public boolean isForeignKeyViolation(StoreException e) {
    return "23503".equals(e.sqlState());
  }

  @Override
  public boolean isUniqueViolation(StoreException e) {
    return "23505".equals(e.sqlState());
  }
}
