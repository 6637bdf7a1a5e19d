package io.streamkit.core.store;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import io.streamkit.core.progress.ProgressStore;
import io.streamkit.core.progress.WatchProgress;
import io.streamkit.core.title.UnknownTitleException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Watch progress in {@code streamkit_progress}, one row per viewer and title. Upserts go through the dialect's
 * conditional upsert so the client-timestamp rule is decided by the database under its row lock, not by a read
 * followed by a write. Multi-row upserts are sorted by key so concurrent batches lock rows in the same order and
 * cannot deadlock each other.
 */
final class JdbcProgressStore implements ProgressStore {

  /** Rows per multi-row statement; 6 parameters each keeps far below PostgreSQL's 32767-parameter limit. */
  static final int ROWS_PER_STATEMENT = 1_000;
  private static final int UNIQUE_VIOLATION_RETRIES = 3;
  private static final Comparator<WatchProgress> KEY_ORDER =
      Comparator.comparing(WatchProgress::viewerId).thenComparing(WatchProgress::titleId);

  private final JdbcRunner jdbc;
  private final SqlDialect dialect;

  JdbcProgressStore(JdbcRunner jdbc, SqlDialect dialect) {
    this.jdbc = jdbc;
    this.dialect = dialect;
  }

  @Override
  public boolean upsert(WatchProgress progress) {
    InvalidValueException.requireNonNull("progress", progress);
    return write(List.of(progress)) > 0;
  }

  @Override
  public void upsertAll(Collection<WatchProgress> progress) {
    InvalidValueException.requireNonNull("progress", progress);
    List<WatchProgress> newest = newestPerKey(progress);
    newest.sort(KEY_ORDER);
    for (int from = 0; from < newest.size(); from += ROWS_PER_STATEMENT) {
      write(newest.subList(from, Math.min(from + ROWS_PER_STATEMENT, newest.size())));
    }
  }

  @Override
  public Optional<WatchProgress> get(String viewerId, UUID titleId) {
    InvalidValueException.requireIdentifier("viewerId", viewerId, WatchProgress.MAX_VIEWER_ID_LENGTH);
    InvalidValueException.requireNonNull("titleId", titleId);
    return jdbc.queryOne("SELECT viewer_id, title_id, position_ms, duration_ms, client_ts FROM streamkit_progress"
        + " WHERE viewer_id = ? AND title_id = ?", s -> {
          s.setString(1, viewerId);
          s.setObject(2, titleId);
        }, JdbcProgressStore::mapProgress);
  }

  @Override
  public Page<WatchProgress> continueWatching(String viewerId, PageRequest page) {
    InvalidValueException.requireIdentifier("viewerId", viewerId, WatchProgress.MAX_VIEWER_ID_LENGTH);
    InvalidValueException.requireNonNull("page", page);
    List<WatchProgress> rows = jdbc.query("SELECT viewer_id, title_id, position_ms, duration_ms, client_ts"
        + " FROM streamkit_progress WHERE viewer_id = ? AND position_ms > 0 AND completed = FALSE"
        + " ORDER BY client_ts DESC, title_id LIMIT ? OFFSET ?", s -> {
          s.setString(1, viewerId);
          s.setInt(2, page.limit() + 1);
          s.setLong(3, page.offset());
        }, JdbcProgressStore::mapProgress);
    boolean hasNext = rows.size() > page.limit();
    return new Page<>(hasNext ? rows.subList(0, page.limit()) : rows, page, hasNext);
  }

  private int write(List<WatchProgress> rows) {
    String sql = dialect.progressUpsert(rows.size());
    for (int attempt = 1; ; attempt++) {
      try {
        return jdbc.execute(sql, s -> {
          int i = 1;
          for (WatchProgress p : rows) {
            i = bind(s, i, p);
          }
        });
      } catch (StoreException e) {
        if (dialect.isForeignKeyViolation(e)) {
          throw unknownTitles(rows, e);
        }
        if (!dialect.isUniqueViolation(e) || attempt == UNIQUE_VIOLATION_RETRIES) {
          throw e;
        }
      }
    }
  }

  private RuntimeException unknownTitles(List<WatchProgress> rows, StoreException cause) {
    List<UUID> ids = rows.stream().map(WatchProgress::titleId).distinct().toList();
    Set<UUID> known = new HashSet<>(jdbc.query("SELECT id FROM streamkit_titles WHERE id IN ("
        + SqlDialect.repeat("?", ids.size()) + ")", s -> {
          for (int i = 0; i < ids.size(); i++) {
            s.setObject(i + 1, ids.get(i));
          }
        }, row -> row.getObject(1, UUID.class)));
    Set<UUID> unknown = new HashSet<>(ids);
    unknown.removeAll(known);
    if (unknown.isEmpty()) {
      return cause;
    }
    UnknownTitleException e = new UnknownTitleException(unknown);
    e.initCause(cause);
    return e;
  }

  private static List<WatchProgress> newestPerKey(Collection<WatchProgress> progress) {
    Map<String, WatchProgress> newest = new HashMap<>();
    for (WatchProgress p : progress) {
      InvalidValueException.requireNonNull("progress element", p);
      newest.merge(p.viewerId() + '\n' + p.titleId(), p,
          (a, b) -> b.clientTimestamp().isBefore(a.clientTimestamp()) ? a : b);
    }
    return new ArrayList<>(newest.values());
  }

  private static int bind(PreparedStatement s, int first, WatchProgress p) throws SQLException {
    s.setString(first, p.viewerId());
    s.setObject(first + 1, p.titleId());
    s.setLong(first + 2, p.position().toMillis());
    s.setLong(first + 3, p.duration().toMillis());
    s.setObject(first + 4, JdbcCatalog.timestamp(p.clientTimestamp()));
    s.setBoolean(first + 5, p.completed());
    return first + 6;
  }

  private static WatchProgress mapProgress(ResultSet row) throws SQLException {
    return new WatchProgress(row.getString("viewer_id"), row.getObject("title_id", UUID.class),
        Duration.ofMillis(row.getLong("position_ms")), Duration.ofMillis(row.getLong("duration_ms")),
        JdbcCatalog.instant(row, "client_ts"));
  }
}
