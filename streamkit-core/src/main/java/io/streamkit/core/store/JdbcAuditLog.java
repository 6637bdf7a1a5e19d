package io.streamkit.core.store;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import io.streamkit.core.account.AuditEntry;
import io.streamkit.core.account.AuditLog;
import io.streamkit.core.title.Catalog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;

/** {@link AuditLog} in {@code streamkit_audit_log}; entries are written inside the transaction of their change. */
final class JdbcAuditLog implements AuditLog {

  private final JdbcRunner jdbc;
  private final SqlDialect dialect;
  private final Clock clock;

  JdbcAuditLog(JdbcRunner jdbc, SqlDialect dialect, Clock clock) {
    this.jdbc = jdbc;
    this.dialect = dialect;
    this.clock = clock;
  }

  @Override
  public Page<AuditEntry> list(PageRequest page) {
    InvalidValueException.requireNonNull("page", page);
    List<AuditEntry> rows = jdbc.query("SELECT id, occurred_at, actor, action, target, detail"
        + " FROM streamkit_audit_log ORDER BY id DESC LIMIT ? OFFSET ?", s -> {
          s.setInt(1, page.limit() + 1);
          s.setLong(2, page.offset());
        }, JdbcAuditLog::map);
    boolean hasNext = rows.size() > page.limit();
    return new Page<>(hasNext ? rows.subList(0, page.limit()) : rows, page, hasNext);
  }

  @Override
  public long count() {
    return jdbc.queryOne("SELECT COUNT(*) FROM streamkit_audit_log", JdbcRunner.NO_PARAMETERS, row -> row.getLong(1))
        .orElse(0L);
  }

  @Override
  public <T> T audited(String actor, String action, String target, String detail, Function<Catalog, T> change) {
    InvalidValueException.requireNonNull("change", change);
    return jdbc.inTransaction(tx -> {
      T result = change.apply(new JdbcCatalog(tx, dialect, clock));
      record(tx, clock, actor, action, target, detail);
      return result;
    });
  }

  /** Writes one entry with the caller's runner, so inside the caller's transaction when it has one. */
  static void record(JdbcRunner tx, Clock clock, String actor, String action, String target, String detail) {
    InvalidValueException.requireText("audit actor", actor, 300);
    InvalidValueException.requireText("audit action", action, 64);
    InvalidValueException.requireText("audit target", target, 200);
    String text = detail == null ? "" : detail;
    String cut = text.length() <= MAX_DETAIL_LENGTH ? text : text.substring(0, MAX_DETAIL_LENGTH - 1) + "…";
    tx.execute("INSERT INTO streamkit_audit_log (occurred_at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
        s -> {
          s.setObject(1, JdbcCatalog.timestamp(clock.instant().truncatedTo(ChronoUnit.MILLIS)));
          s.setString(2, actor);
          s.setString(3, action);
          s.setString(4, target);
          s.setString(5, cut);
        });
  }

  private static AuditEntry map(ResultSet row) throws SQLException {
    return new AuditEntry(row.getLong("id"), JdbcCatalog.instant(row, "occurred_at"), row.getString("actor"),
        row.getString("action"), row.getString("target"), row.getString("detail"));
  }
}
