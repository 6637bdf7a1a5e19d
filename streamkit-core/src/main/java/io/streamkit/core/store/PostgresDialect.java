package io.streamkit.core.store;

/**
 * PostgreSQL: {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE} (PostgreSQL manual, "INSERT", section "ON CONFLICT
 * Clause"). The conflict row is locked before the WHERE is evaluated, so concurrent upserts of one key serialise and
 * the newest client timestamp wins whatever the arrival order.
 */
final class PostgresDialect implements SqlDialect {

  private static final String ROW = "(?,?,?,?,?,?)";

  @Override
  public String name() {
    return "PostgreSQL";
  }

  @Override
  public String progressUpsert(int rows) {
    return "INSERT INTO streamkit_progress (viewer_id, title_id, position_ms, duration_ms, client_ts, completed)"
        + " VALUES " + SqlDialect.repeat(ROW, rows)
        + " ON CONFLICT (viewer_id, title_id) DO UPDATE SET position_ms = excluded.position_ms,"
        + " duration_ms = excluded.duration_ms, client_ts = excluded.client_ts, completed = excluded.completed"
        + " WHERE excluded.client_ts >= streamkit_progress.client_ts";
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
