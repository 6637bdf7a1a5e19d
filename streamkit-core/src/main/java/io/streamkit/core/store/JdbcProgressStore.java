package io.streamkit.core.store;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import io.streamkit.core.ViewerId;
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
import java.util.function.IntSupplier;

/**
 * Watch progress in {@code streamkit_progress}, one row per viewer and title. Upserts go through the dialect's
 * conditional upsert so the client-timestamp rule is decided by the database under its row lock, not by a read
 * followed by a write. Multi-row upserts are sorted by key so concurrent batches lock rows in the same order and
 * cannot deadlock each other.
 */
final class JdbcProgressStore implements ProgressStore {

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
    List<WatchProgress> row = List.of(progress);
    return withRetries(row, () -> dialect.upsertProgress(jdbc, row)) > 0;
  }

  @Override
  public void upsertAll(Collection<WatchProgress> progress) {
    InvalidValueException.requireNonNull("progress", progress);
    List<WatchProgress> newest = newestPerKey(progress);
    if (newest.isEmpty()) {
      return;
    }
    newest.sort(KEY_ORDER);
    withRetries(newest, () -> jdbc.inTransaction(tx -> dialect.upsertProgress(tx, newest)));
  }

  @Override
  public Optional<WatchProgress> get(String viewerId, UUID titleId) {
    ViewerId.require("viewerId", viewerId);
    InvalidValueException.requireNonNull("titleId", titleId);
    return jdbc.queryOne("SELECT viewer_id, title_id, position_ms, duration_ms, client_ts FROM streamkit_progress"
        + " WHERE viewer_id = ? AND title_id = ?", s -> {
          s.setString(1, viewerId);
          s.setObject(2, titleId);
        }, JdbcProgressStore::mapProgress);
  }

  @Override
  public Page<WatchProgress> continueWatching(String viewerId, PageRequest page) {
    ViewerId.require("viewerId", viewerId);
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

  /**
   * Runs a write, turning a missing title into {@link UnknownTitleException} and retrying when a concurrent insert of
   * the same new key won (H2; PostgreSQL's ON CONFLICT never reports it).
   */
  private int withRetries(List<WatchProgress> rows, IntSupplier write) {
    for (int attempt = 1; ; attempt++) {
      try {
        return write.getAsInt();
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

  /** Binds readings as consecutive (viewer_id, title_id, position_ms, duration_ms, client_ts, completed) groups. */
  static void bind(PreparedStatement s, List<WatchProgress> rows) throws SQLException {
    int i = 1;
    for (WatchProgress p : rows) {
      i = bind(s, i, p);
    }
  }

  static int bind(PreparedStatement s, int first, WatchProgress p) throws SQLException {
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
