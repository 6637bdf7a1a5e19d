package io.streamkit.core.store;

/** The one row per viewer in {@code streamkit_viewer_access}, made when first needed. */
final class ViewerRows {

  private ViewerRows() {}

  /**
   * Makes the viewer's row unless it exists, in a statement of its own: a concurrent insert of the same viewer that
   * wins is as good, and on PostgreSQL a failed insert inside a transaction would abort the whole transaction.
   */
  static void ensure(JdbcRunner jdbc, SqlDialect dialect, String viewerId) {
    try {
      jdbc.execute("INSERT INTO streamkit_viewer_access (viewer_id) SELECT ? WHERE NOT EXISTS"
          + " (SELECT 1 FROM streamkit_viewer_access WHERE viewer_id = ?)", s -> {
            s.setString(1, viewerId);
            s.setString(2, viewerId);
          });
    } catch (StoreException e) {
      if (!dialect.isUniqueViolation(e)) {
        throw e;
      }
    }
  }
}
