package io.streamkit.core.store;

/**
 * H2: the SQL:2003 {@code MERGE INTO ... USING ... WHEN MATCHED AND <condition>} form, which H2 2.x supports. The
 * parameters are cast in the VALUES list because H2 cannot infer the types of a derived table's columns from
 * placeholders. Two sessions inserting the same new key at once make one of them fail with a unique violation; the
 * store retries that statement, which then takes the matched branch.
 */
final class H2Dialect implements SqlDialect {

  private static final String ROW = "(CAST(? AS VARCHAR(128)), CAST(? AS UUID), CAST(? AS BIGINT), CAST(? AS BIGINT),"
      + " CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS BOOLEAN))";

  @Override
  public String name() {
    return "H2";
  }

  @Override
  public String progressUpsert(int rows) {
    return "MERGE INTO streamkit_progress t USING (VALUES " + SqlDialect.repeat(ROW, rows) + ")"
        + " AS s (viewer_id, title_id, position_ms, duration_ms, client_ts, completed)"
        + " ON t.viewer_id = s.viewer_id AND t.title_id = s.title_id"
        + " WHEN MATCHED AND s.client_ts >= t.client_ts THEN UPDATE SET position_ms = s.position_ms,"
        + " duration_ms = s.duration_ms, client_ts = s.client_ts, completed = s.completed"
        + " WHEN NOT MATCHED THEN INSERT (viewer_id, title_id, position_ms, duration_ms, client_ts, completed)"
        + " VALUES (s.viewer_id, s.title_id, s.position_ms, s.duration_ms, s.client_ts, s.completed)";
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
