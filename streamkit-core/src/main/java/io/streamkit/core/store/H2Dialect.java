package io.streamkit.core.store;

import io.streamkit.core.progress.WatchProgress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * H2: a conditional UPDATE by primary key, then an INSERT when no row was touched. H2 2.3's standard
 * {@code MERGE ... USING ... WHEN MATCHED AND} would express this in one statement, but it finds the target row by
 * scanning the table instead of using the primary key, which makes it slower with every row stored.
 *
 * <p>When the UPDATE touches nothing, either the row is missing or it holds a newer reading. The INSERT settles which:
 * it fails with a unique violation if the row exists (or a concurrent session just inserted it), and the UPDATE is
 * tried once more under that row's lock. H2 rolls back only the failed statement, so the transaction goes on.
 */
final class H2Dialect implements SqlDialect {

  private static final String UPDATE_IF_NOT_NEWER = "UPDATE streamkit_progress SET position_ms = ?, duration_ms = ?,"
      + " client_ts = ?, completed = ? WHERE viewer_id = ? AND title_id = ? AND client_ts <= ?";
  private static final String INSERT = "INSERT INTO streamkit_progress"
      + " (viewer_id, title_id, position_ms, duration_ms, client_ts, completed) VALUES (?,?,?,?,?,?)";

  @Override
  public String name() {
    return "H2";
  }

  @Override
  public int upsertProgress(JdbcRunner transaction, List<WatchProgress> readings) {
    int stored = 0;
    for (WatchProgress reading : readings) {
      if (update(transaction, reading) > 0) {
        stored++;
        continue;
      }
      try {
        stored += transaction.execute(INSERT, s -> JdbcProgressStore.bind(s, 1, reading));
      } catch (StoreException e) {
        if (!isUniqueViolation(e)) {
          throw e;
        }
        stored += update(transaction, reading);
      }
    }
    return stored;
  }

  private static int update(JdbcRunner transaction, WatchProgress reading) {
    return transaction.execute(UPDATE_IF_NOT_NEWER, s -> {
      s.setLong(1, reading.position().toMillis());
      s.setLong(2, reading.duration().toMillis());
      s.setObject(3, JdbcCatalog.timestamp(reading.clientTimestamp()));
      s.setBoolean(4, reading.completed());
      s.setString(5, reading.viewerId());
      s.setObject(6, reading.titleId());
      s.setObject(7, JdbcCatalog.timestamp(reading.clientTimestamp()));
    });
  }

  @Override
  public String migrations() {
    return "classpath:db/streamkit/h2";
  }

  /**
   * H2 has no text search ranking of its own (its Lucene integration needs another library and its native full-text
   * index no ranking), so an embedded catalog is searched by substring: every word must occur in the name or the
   * description, and each scores 3 when a word of the name starts with it, 2 when the name contains it, 1 when only
   * the description does. Quotes and negation are not understood; words are letters and digits only, so none can
   * carry a LIKE wildcard. A scan of the published titles, meant for embedded catalogs of thousands of titles.
   */
  @Override
  public TextSearch textSearch(String text) {
    List<String> words = TextSearch.words(text);
    StringBuilder condition = new StringBuilder();
    StringBuilder rank = new StringBuilder();
    List<Object> conditionParameters = new ArrayList<>();
    List<Object> rankParameters = new ArrayList<>();
    for (String word : words) {
      if (!condition.isEmpty()) {
        condition.append(" AND ");
        rank.append(" + ");
      }
      condition.append("(LOWER(t.name) LIKE ? OR LOWER(t.description) LIKE ?)");
      conditionParameters.add("%" + word + "%");
      conditionParameters.add("%" + word + "%");
      rank.append("CASE WHEN LOWER(t.name) LIKE ? OR LOWER(t.name) LIKE ? THEN 3 WHEN LOWER(t.name) LIKE ? THEN 2"
          + " ELSE 1 END");
      rankParameters.add(word + "%");
      rankParameters.add("% " + word + "%");
      rankParameters.add("%" + word + "%");
    }
    List<String> plain = TextSearch.plainWords(text);
    List<Object> nameParameters = new ArrayList<>();
    if (plain != null) {
      plain.forEach(word -> nameParameters.add("%" + word + "%"));
    }
    return new TextSearch("", List.of(), "(" + condition + ")", conditionParameters, "(" + rank + ")",
        rankParameters, "t.name", plain == null || plain.isEmpty() ? null
            : "(" + String.join(" AND ", Collections.nCopies(plain.size(), "LOWER(t.name) LIKE ?")) + ")",
        nameParameters);
  }

  @Override
  public boolean isForeignKeyViolation(StoreException e) {
    // 23506: H2's REFERENTIAL_INTEGRITY_VIOLATED_PARENT_MISSING; 23503 is the standard code.
    return "23506".equals(e.sqlState()) || "23503".equals(e.sqlState());
  }

  @Override
  public boolean isUniqueViolation(StoreException e) {
    return "23505".equals(e.sqlState());
  }
}
